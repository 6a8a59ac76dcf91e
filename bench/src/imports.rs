//! The "import" row: a CSV import of 5,000 rows on moto, queued through SQS and worked off by
//! the worker's use case, its wall time and the worker's DynamoDB round trips per row.

use crate::Bench;
use crate::dynamo::{app_on, fresh_table};
use crate::report::{Table, thousands, yes};
use anyhow::{Context, Result, anyhow};
use shared::usecases::imports;
use std::sync::Arc;
use std::time::Instant;

const ROWS: usize = 5000;

/// A file of `rows` persons and companies.
fn file(rows: usize) -> String {
    let mut csv = String::from(
        "type;firstName;lastName;companyName;contactFirstName;contactLastName;email;mobile\r\n",
    );
    for i in 1..=rows {
        if i % 2 == 0 {
            csv.push_str(&format!(
                "company;;;Muster {i} GmbH;Max;Muster;bench-{i}@example.com;\r\n"
            ));
        } else {
            // A number of its own each: the SMS limit per number holds for imports too.
            let mobile = format!("0170 {}", 1_000_000 + i);
            csv.push_str(&format!(
                "person;Erika;Muster {i};;;;bench-{i}@example.com;{mobile}\r\n"
            ));
        }
    }
    csv
}

/// A queue of its own on moto: its URL.
async fn queue(sqs: &aws_sdk_sqs::Client) -> Result<String> {
    let name = format!("bench-imports-{}", uuid::Uuid::new_v4().simple());
    sqs.create_queue()
        .queue_name(name)
        .attributes(
            aws_sdk_sqs::types::QueueAttributeName::VisibilityTimeout,
            "3600",
        )
        .send()
        .await?
        .queue_url
        .context("no queue URL")
}

/// Works off the queue's messages as the Lambda event source mapping hands them over.
async fn drain(app: &shared::app::App, sqs: &aws_sdk_sqs::Client, url: &str) -> Result<usize> {
    let mut runs = 0;
    loop {
        let got = sqs.receive_message().queue_url(url).send().await?;
        let Some(message) = got.messages.and_then(|m| m.into_iter().next()) else {
            return Ok(runs);
        };
        imports::work(app, message.body().unwrap_or_default(), None)
            .await
            .map_err(|e| anyhow!("import run: {e:?}"))?;
        runs += 1;
        let handle = message.receipt_handle().unwrap_or_default();
        sqs.delete_message()
            .queue_url(url)
            .receipt_handle(handle)
            .send()
            .await?;
    }
}

pub async fn section(bench: &Bench, table: &mut Table) -> Result<()> {
    eprintln!("bench: import of {ROWS} rows through SQS");
    let (dynamo, requests, admin) = fresh_table(&bench.conf, "bench-import").await?;
    let mut app = app_on(dynamo.clone())?;
    let sqs = aws_sdk_sqs::Client::new(&bench.conf);
    let url = queue(&sqs).await?;
    app.queue = Arc::new(shared::adapters::sqs::SqsQueue::new(
        sqs.clone(),
        url.clone(),
    ));
    // The pacing of invitations is the deployment's choice; here the stack's own speed counts.
    app.settings.limits.import_invitations_per_second = 1_000_000;
    crate::fixtures::seed_directory(&app).await?;
    let anna = crate::fixtures::anna();
    let started = Instant::now();
    let queued = imports::start(&app, &anna, file(ROWS).as_bytes(), None)
        .await
        .map_err(|e| anyhow!("queueing the import: {e:?}"))?;
    let posted = started.elapsed();
    let before = requests.get();
    let worker = shared::functions::IMPORTS.restrict(app.clone());
    let runs = drain(&worker, &sqs, &url).await?;
    let trips = requests.get() - before;
    let seconds = started.elapsed().as_secs_f64();
    let import_id = shared::domain::ImportId::parse(&queued.id).map_err(|e| anyhow!("{e}"))?;
    let done = imports::get(&app, &anna, &import_id)
        .await
        .map_err(|e| anyhow!("reading the import: {e:?}"))?;
    let _ = admin.delete_table().table_name(dynamo.name()).send().await;
    let _ = sqs.delete_queue().queue_url(&url).send().await;
    let per_row = trips as f64 / ROWS as f64;
    table.row(
        "import",
        format!("CSV import of {} rows on moto through SQS ({runs} run(s))", thousands(ROWS)),
        format!(
            "**{seconds:.0} s** wall time (POST {:.1} s) · **{per_row:.2}** round trips per row · {} created, {} failed",
            posted.as_secs_f64(),
            done.created,
            done.failed
        ),
        "doc: 5n + 3",
        yes(trips == 5 * ROWS as u64 + 3 && done.created == ROWS as u64),
    );
    Ok(())
}

//! Need-to-know figures against moto: one specialist's overview (first page and a search)
//! from its index of responsibilities, and its access-review due list (`own_reviews`), with
//! 1,000 and with 100,000 customers in the table (their read units must not grow), and the
//! wall time of a 2,000-customer handover.

use crate::dynamo::{app_on, batch_write, fresh_table, generated_customer, item_size};
use crate::own_reviews::DuePoint;
use crate::report::{Table, ms, thousands, yes};
use anyhow::{Result, bail};
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnConsumedCapacity};
use shared::app::App;
use shared::auth::Caller;
use shared::config::AccessModel;
use shared::domain::{Customer, fold_for_sorting};
use shared::ports::{Item, Write};
use shared::store::{self, CustomerItem, GrantItem, Reasons, to_item};
use std::collections::HashMap;
use std::time::{Duration, Instant};
use time::OffsetDateTime;

/// Customers anna is responsible for, at every size: her overview must cost the same.
const ANNAS: usize = 60;
/// Other specialists the rest of the customers are spread over.
const OTHERS: usize = 500;

type DynamoItem = HashMap<String, AttributeValue>;

fn put_item(write: Write) -> Result<Item> {
    match write {
        Write::Put { item, .. } => Ok(item),
        other => bail!("expected a put, got {other:?}"),
    }
}

/// The items a customer with one administrator has: the customer (with its responsible list
/// and its access review, due a day ago, so every customer is on the due lists), the
/// administrator's grant and its responsibility, as the use cases write them.
fn customer_with_admin(customer: &Customer, admin: &str) -> Result<Vec<DynamoItem>> {
    let mut item = to_item(&CustomerItem::from_domain(customer));
    item.insert("adminCount".into(), 1.into());
    item.insert("respSeq".into(), 1.into());
    item.insert("responsible".into(), serde_json::json!([admin]));
    let due = customer.created_at - time::Duration::days(1);
    let item = put_item(store::with_first_review(
        Write::put(item),
        &customer.id,
        due,
    ))?;
    let grant = to_item(&GrantItem::admin(&customer.id, admin, customer.created_at));
    let reasons = Reasons {
        administrator: true,
        ..Reasons::default()
    };
    let resp = put_item(store::put_responsibility(
        admin,
        customer,
        &reasons,
        Some(due),
    ))?;
    [item, grant, resp]
        .into_iter()
        .map(|i| Ok(serde_dynamo::to_item(i)?))
        .collect()
}

fn owner(i: usize) -> String {
    if i < ANNAS {
        "anna".into()
    } else {
        format!("s{}", i % OTHERS)
    }
}

async fn seed(admin: &Client, table: &str, range: std::ops::Range<usize>) -> Result<()> {
    let now = OffsetDateTime::now_utc();
    let mut items = Vec::new();
    for i in range {
        items.extend(customer_with_admin(
            &generated_customer(i, now)?,
            &owner(i),
        )?);
    }
    batch_write(admin, table, items).await
}

/// One measured read of anna's overview.
pub struct Point {
    pub customers: usize,
    pub search: bool,
    pub items_read: i32,
    pub scanned: i32,
    pub bytes: usize,
    pub requests: u64,
    pub list_time: Duration,
}

async fn measure(
    admin: &Client,
    (table, app, requests): (&str, &App, &shared::adapters::counting::RequestCounter),
    customers: usize,
    q: Option<&str>,
) -> Result<Point> {
    let (index, pk) = store::responsibility_overview("anna", None);
    let mut query = admin
        .query()
        .table_name(table)
        .index_name(index.name())
        .limit(26)
        .return_consumed_capacity(ReturnConsumedCapacity::Total)
        .expression_attribute_values(":pk", AttributeValue::S(pk));
    query = match q {
        None => query.key_condition_expression("gsi1pk = :pk"),
        Some(q) => query
            .key_condition_expression("gsi1pk = :pk AND begins_with(gsi1sk, :q)")
            .expression_attribute_values(":q", AttributeValue::S(fold_for_sorting(q))),
    };
    let out = query.send().await?;
    let caller = Caller::Staff {
        id: "anna".into(),
        platform_admin: false,
    };
    let list = shared::usecases::customers::ListQuery {
        q: q.map(str::to_owned),
        limit: Some("25".into()),
        ..Default::default()
    };
    let before = requests.get();
    let t = Instant::now();
    let page = shared::usecases::customers::list(app, &caller, &list)
        .await
        .map_err(|e| anyhow::anyhow!("customers::list: {e:?}"))?;
    let list_time = t.elapsed();
    if q.is_none() && page.items.len() != 25 {
        bail!("anna's first page holds {} customers", page.items.len());
    }
    Ok(Point {
        customers,
        search: q.is_some(),
        items_read: out.count,
        scanned: out.scanned_count,
        bytes: out.items().iter().map(item_size).sum(),
        requests: requests.get() - before,
        list_time,
    })
}

/// Anna's first page and a search at 1,000 customers, then at `wanted`; and at each, the
/// first page of her due list.
pub async fn overview(
    conf: &aws_config::SdkConfig,
    wanted: usize,
) -> Result<(Vec<Point>, Vec<DuePoint>)> {
    let (table, requests, admin) = fresh_table(conf, "bench-ntk").await?;
    let mut app = app_on(table.clone())?;
    app.settings.access_model = AccessModel::NeedToKnow;
    let name = table.name().to_owned();
    let mut points = Vec::new();
    let mut due = Vec::new();
    let mut written = 0;
    for size in [1_000.min(wanted), wanted] {
        for start in (written..size).step_by(5_000) {
            seed(&admin, &name, start..(start + 5_000).min(size)).await?;
        }
        written = size;
        // The generated last names begin with "Müller" for anna's first 22 customers.
        for q in [None, Some("mül")] {
            points.push(measure(&admin, (&name, &app, &requests), size, q).await?);
        }
        due.push(crate::own_reviews::measure(&admin, (&name, &app, &requests), size).await?);
        eprintln!(
            "  need-to-know: {} customers written, measured",
            thousands(size)
        );
    }
    let _ = admin.delete_table().table_name(&name).send().await;
    Ok((points, due))
}

/// The wall time of a handover of `n` customers from anna to ben, through the use cases.
pub async fn handover(conf: &aws_config::SdkConfig, n: usize) -> Result<(Duration, u64)> {
    let (table, requests, admin) = fresh_table(conf, "bench-handover").await?;
    let app = app_on(table.clone())?;
    crate::fixtures::seed_directory(&app).await?;
    let now = OffsetDateTime::now_utc();
    let mut items = Vec::new();
    for i in 0..n {
        items.extend(customer_with_admin(&generated_customer(i, now)?, "anna")?);
    }
    batch_write(&admin, table.name(), items).await?;
    let root = Caller::Staff {
        id: "root".into(),
        platform_admin: true,
    };
    let body = br#"{"to":"ben"}"#;
    let input = serde_json::from_slice(body)?;
    // The queue is the harness's: the message goes to the worker directly below.
    let mut starting = app.clone();
    let (queue, _messages) = shared::adapters::in_process_queue::InProcessQueue::new();
    starting.queue = std::sync::Arc::new(queue);
    let anna_id = shared::domain::SpecialistId::parse("anna").map_err(anyhow::Error::msg)?;
    let view = shared::usecases::handover::start(&starting, &root, &anna_id, (input, body), None)
        .await
        .map_err(|e| anyhow::anyhow!("starting the handover: {e:?}"))?;
    let message = serde_json::json!({ "handoverId": view.id }).to_string();
    let before = requests.get();
    let t = Instant::now();
    shared::usecases::imports::work(&app, &message, None)
        .await
        .map_err(|e| anyhow::anyhow!("the handover: {e:?}"))?;
    let elapsed = t.elapsed();
    let requests = requests.get() - before;
    let _ = admin.delete_table().table_name(table.name()).send().await;
    Ok((elapsed, requests))
}

/// The section's rows.
pub async fn section(bench: &crate::Bench, table: &mut Table) -> Result<()> {
    let wanted = bench.args.scale;
    eprintln!(
        "bench: need-to-know overview at 1,000 and {} customers",
        thousands(wanted)
    );
    let (points, due) = overview(&bench.conf, wanted).await?;
    let cost = |p: &Point| (p.items_read, p.scanned, p.bytes.div_ceil(4096), p.requests);
    for p in &points {
        let base = points.iter().find(|b| b.search == p.search).map(cost);
        let what = if p.search {
            "search q=mül"
        } else {
            "first page (limit 25)"
        };
        table.row(
            "need-to-know",
            format!("one specialist's overview, {what}, at {} customers", thousands(p.customers)),
            format!(
                "{} items read ({} scanned), {:.1} KB → {:.1} RCU (eventually consistent index read) · `customers::list` {} with {} request(s)",
                p.items_read,
                p.scanned,
                p.bytes as f64 / 1000.0,
                p.bytes.div_ceil(4096).max(1) as f64 * 0.5,
                ms(p.list_time),
                p.requests
            ),
            "same cost at 1k and 100k",
            yes(base == Some(cost(p))),
        );
    }
    crate::own_reviews::rows(&due, table);
    let n = bench.args.handover;
    eprintln!("bench: a handover of {} customers", thousands(n));
    let (elapsed, requests) = handover(&bench.conf, n).await?;
    table.row(
        "need-to-know",
        format!(
            "handover of {} customers on moto (the worker's run)",
            thousands(n)
        ),
        format!(
            "{:.1} s, {requests} DynamoDB requests",
            elapsed.as_secs_f64()
        ),
        "works; 2n + ceil(n/25) + 4 requests",
        yes(requests == 2 * n as u64 + n.div_ceil(25) as u64 + 4),
    );
    Ok(())
}

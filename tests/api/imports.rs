//! Bulk import from CSV: the dry run names every error by row and field and stores nothing;
//! an import with an invalid row is 422 and stores nothing; size and media type; a queued
//! import is worked off to `done`, each row a customer with its first access invited and the
//! importer as administrator, outside the importer's invitation limit; a worker that fails at
//! any step and runs again ends with exactly the rows of the file; and 1,000 rows on moto go
//! through SQS as deployed.

use crate::both_stores;
use crate::faults::FaultyTable;
use crate::helpers::*;
use serde_json::Value;
use shared::usecases::imports::Worked;
use std::collections::BTreeMap;
use std::sync::Arc;

const HEADER: &str = "type;firstName;lastName;companyName;contactFirstName;contactLastName;email;mobile;street;postalCode;city;country";

/// A file of `n` valid rows (persons and companies), e-mails `{tag}-{i}@example.com`.
fn file(tag: &str, n: usize) -> String {
    let mut csv = format!("{HEADER}\r\n");
    for i in 1..=n {
        let email = format!("{tag}-{i}@example.com");
        if i % 2 == 0 {
            csv.push_str(&format!(
                "company;;;\"Muster; Sohn {i}\";Max;Muster;{email};;Hof {i};10115;Berlin;DE\r\n"
            ));
        } else {
            csv.push_str(&format!(
                "person;Erika;Muster {i};;;;{email};0170 1234567;;;;\r\n"
            ));
        }
    }
    csv
}

/// The customers in the table by e-mail, with how many there are of each.
async fn customers_by_email(app: &TestApp) -> BTreeMap<String, usize> {
    let mut by_email = BTreeMap::new();
    for item in app.scan().await {
        if item["sk"] == "#CUSTOMER" {
            let email = item["email"].as_str().unwrap_or_default().to_owned();
            *by_email.entry(email).or_default() += 1;
        }
    }
    by_email
}

fn errors(body: &Value) -> Vec<(u64, String, String)> {
    body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["row"].as_u64().unwrap(),
                e["field"].as_str().unwrap().to_owned(),
                e["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Rows 2 (no last name, malformed e-mail) and 4 (a duplicate of row 1) are wrong.
const WITH_ERRORS: &str = "email;type;lastName;firstName\n\
                           a@example.com;person;Muster;Erika\n\
                           not-an-address;person;;Erika\n\
                           a@example.com;person;Other;Erika\n\
                           a@example.com;person;Muster;Erika\n";

both_stores!(
    a_dry_run_names_every_error_by_row_and_field_and_stores_nothing,
    |app| {
        let before = app.scan().await.len();
        let body = app.post_import(&ANNA, WITH_ERRORS, true).await.expect(200);
        assert_eq!(body["rows"], 4);
        assert_eq!(body["valid"], 2);
        let errors = errors(&body);
        let fields: Vec<_> = errors.iter().map(|(r, f, _)| (*r, f.as_str())).collect();
        assert_eq!(fields, [(2, "lastName"), (2, "email"), (4, "row")]);
        assert_eq!(errors[2].2, "duplicate of row 1");
        // No value of the file is repeated in a message; the failed rows carry them.
        assert!(
            !body["errors"].to_string().contains("not-an-address"),
            "{body}"
        );
        assert_eq!(
            body["failedRows"],
            "email;type;lastName;firstName\r\n\
             not-an-address;person;;Erika\r\n\
             a@example.com;person;Muster;Erika\r\n"
        );
        assert_eq!(app.scan().await.len(), before, "a dry run stores nothing");
        let valid = app
            .post_import(&ANNA, &file("dry", 3), true)
            .await
            .expect(200);
        assert_eq!(
            (valid["rows"].clone(), valid["valid"].clone()),
            (3.into(), 3.into())
        );
        assert_eq!(valid["errors"], serde_json::json!([]));
    }
);

both_stores!(
    an_import_with_an_invalid_row_is_422_with_the_errors_and_stores_nothing,
    |app| {
        let before = app.scan().await.len();
        let res = app.post_import(&ANNA, WITH_ERRORS, false).await;
        let body = res.expect(422);
        assert_eq!(errors(&body).len(), 3);
        assert_eq!(app.scan().await.len(), before);
        assert!(app.work_imports().await.is_empty(), "nothing was queued");
        // The file's own shape: an unknown column is named on row 0.
        let body = app
            .post_import(&ANNA, "type;email;Mandant\nperson;a@example.com;1\n", true)
            .await
            .expect(422);
        assert_eq!(errors(&body)[0].0, 0);
        assert_eq!(errors(&body)[0].1, "column 3");
    }
);

both_stores!(
    a_file_over_2_mib_is_413_and_one_not_sent_as_csv_is_415,
    |app| {
        let mut big = file("big", 1);
        while big.len() <= 2 * 1024 * 1024 {
            big.push_str("\r\n");
        }
        app.post_import(&ANNA, &big, false).await.expect(413);
        let json = app
            .send_raw(
                &ANNA,
                http::Method::POST,
                "/imports?dryRun=true",
                file("json", 1).into_bytes(),
                &[],
            )
            .await;
        assert_eq!(json.status, 415);
        assert!(app.work_imports().await.is_empty(), "nothing was queued");
    }
);

both_stores!(
    a_queued_import_creates_each_row_once_invited_with_the_importer_as_administrator,
    |app| {
        let queued = app
            .post_import(&ANNA, &file("q", 5), false)
            .await
            .expect(202);
        assert_eq!(queued["status"], "queued");
        assert_eq!(queued["rows"], 5);
        let id = queued["id"].as_str().unwrap().to_owned();
        let path = format!("/imports/{id}");
        let before = app.get(&ANNA, &path).await.expect(200);
        assert_eq!(
            (before["created"].clone(), before["status"].clone()),
            (0.into(), "queued".into())
        );
        app.get(&BEN, &path).await.expect(404);
        app.get(&ROOT, &path).await.expect(200);
        assert_eq!(app.work_imports().await, [Worked::Done]);
        let done = app.get(&ANNA, &path).await.expect(200);
        assert_eq!(done["status"], "done");
        assert_eq!(
            (done["created"].clone(), done["failed"].clone()),
            (5.into(), 0.into())
        );
        let customers = customers_by_email(&app).await;
        assert_eq!(customers.len(), 5);
        assert!(customers.values().all(|n| *n == 1));
        let list = app
            .get(&ANNA, "/customers?q=Muster&limit=100")
            .await
            .expect(200);
        let some = list["items"][0]["id"].as_str().unwrap();
        let auth = app.authorisations(&ANNA, some).await.expect(200);
        assert_eq!(auth["administrators"][0]["id"], "anna");
        assert_eq!(auth["accesses"][0]["status"], "invited");
        let mails = app.outbox().iter().filter(|m| m.channel == "email").count();
        assert_eq!(mails, 5, "every row's first access was invited");
        // No personal data stays in the import once its rows are processed.
        let leftovers: Vec<_> = app
            .scan()
            .await
            .into_iter()
            .filter(|i| i["pk"].as_str().unwrap_or_default().starts_with("IMPORT#"))
            .filter(|i| i.contains_key("fields"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
        // A message handed again finds nothing to do.
        assert_eq!(
            shared::usecases::imports::work(&app.app, &format!("{{\"importId\":\"{id}\"}}"), None)
                .await
                .unwrap(),
            Worked::Nothing
        );
    }
);

#[tokio::test]
async fn imported_invitations_do_not_count_against_the_importers_limit() {
    let limits = shared::config::Limits {
        invitations_per_specialist: 2,
        ..roomy_limits()
    };
    let app = spawn_app_with(Store::Memory, limits).await;
    app.post_import(&ANNA, &file("lim", 4), false)
        .await
        .expect(202);
    app.work_imports().await;
    assert_eq!(customers_by_email(&app).await.len(), 4);
    app.post(&ANNA, "/customers", person("after@example.com"))
        .await
        .expect(201);
    app.post(&ANNA, "/customers", person("after2@example.com"))
        .await
        .expect(201);
    app.post(&ANNA, "/customers", person("after3@example.com"))
        .await
        .expect(429);
}

both_stores!(
    a_row_that_fails_at_import_time_is_counted_and_reported_and_the_others_go_on,
    |app| {
        // The SMS limit of one number is reached by the first person rows: the later ones fail.
        let app = app.rerouted(|_| {});
        let mut limited = app.app.clone();
        limited.settings.limits.sms_per_number = 2;
        let queued = app
            .post_import(&ANNA, &file("fail", 6), false)
            .await
            .expect(202);
        let id = queued["id"].as_str().unwrap();
        let body = app.imports.lock().await.try_recv().unwrap();
        let worker = shared::functions::IMPORTS.restrict(limited);
        shared::usecases::imports::work(&worker, &body, None)
            .await
            .unwrap();
        let done = app.get(&ANNA, &format!("/imports/{id}")).await.expect(200);
        assert_eq!(done["status"], "done");
        assert_eq!(
            (done["created"].clone(), done["failed"].clone()),
            (5.into(), 1.into())
        );
        let errors = errors(&done);
        assert_eq!(errors.len(), 1);
        assert_eq!((errors[0].0, errors[0].1.as_str()), (5, "mobile"));
        // The failed row, as the file had it, to download and correct.
        assert_eq!(
            done["failedRows"],
            format!("{HEADER}\r\nperson;Erika;Muster 5;;;;fail-5@example.com;0170 1234567;;;;\r\n")
        );
    }
);

both_stores!(
    the_failed_rows_of_a_dry_run_are_exactly_the_rows_the_server_reported_as_the_file_had_them_with_formulas_neutralised,
    |app| {
        // A quote inside an unquoted field, a line of two empty quoted fields (blank, not a
        // row), a lone carriage return ending a row, formula cells.
        let file = "type;firstName;lastName;email;mobile\r\n\
                    person;Ida;Mu\"ster;t-1@example.com;\r\n\
                    \"\";\"\"\r\n\
                    person;Ina;=HYPERLINK(\"http://evil.example\");kein-mail;+49 170 1234567\r\
                    person;Ivo;Beispiel;t-3@example.com;\n\
                    person;@Ole;;t-4@example.com;-5\r\n";
        let before = app.scan().await.len();
        let answer = app.post_import(&ANNA, file, true).await.expect(200);
        assert_eq!((answer["rows"].clone(), answer["valid"].clone()), (4.into(), 2.into()));
        let mut failed: Vec<u64> = answer["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["row"].as_u64().unwrap())
            .collect();
        failed.dedup();
        assert_eq!(failed, [2, 4]);
        assert_eq!(
            answer["failedRows"],
            "type;firstName;lastName;email;mobile\r\n\
             person;Ina;\"'=HYPERLINK(\"\"http://evil.example\"\")\";kein-mail;'+49 170 1234567\r\n\
             person;'@Ole;;t-4@example.com;'-5\r\n"
        );
        // The download, corrected, imports again: the `'` in front of a formula start is read
        // away, so the mobile number is the one the file had.
        let corrected = answer["failedRows"]
            .as_str()
            .unwrap()
            .replace("kein-mail", "t-2@example.com")
            .replace("'@Ole;;", "Ole;Muster;")
            .replace(";'-5", ";");
        let again = app.post_import(&ANNA, &corrected, true).await.expect(200);
        assert_eq!(again["errors"], serde_json::json!([]), "{again}");
        assert_eq!(again["failedRows"], "type;firstName;lastName;email;mobile\r\n");
        assert_eq!(app.scan().await.len(), before, "a dry run stores nothing");
    }
);

both_stores!(
    a_worker_that_fails_at_any_step_and_runs_again_ends_with_exactly_the_rows_of_the_file,
    |app| {
        // Three rows take 17 store calls; a fault at each of them in turn.
        let rows = 3;
        for k in 0..18 {
            let tag = format!("crash{k}");
            app.post_import(&ANNA, &file(&tag, rows), false)
                .await
                .expect(202);
            let body = app.imports.lock().await.try_recv().unwrap();
            let mut faulty = app.app.clone();
            faulty.table = Arc::new(FaultyTable::failing_at(app.table.clone(), k));
            let faulty = shared::functions::IMPORTS.restrict(faulty);
            // Faults in reading the identity or recording the delivery are logged, not fatal.
            let _ = shared::usecases::imports::work(&faulty, &body, None).await;
            // The message comes again (SQS after the visibility timeout).
            let worker = shared::functions::IMPORTS.restrict(app.app.clone());
            shared::usecases::imports::work(&worker, &body, None)
                .await
                .unwrap();
            let customers = customers_by_email(&app).await;
            for i in 1..=rows {
                let email = format!("{tag}-{i}@example.com");
                assert_eq!(
                    customers.get(&email),
                    Some(&1),
                    "fault at call {k}: {email}"
                );
            }
        }
        let total = customers_by_email(&app).await;
        assert_eq!(total.len(), 18 * rows);
    }
);

/// An SQS queue on moto for one test.
async fn moto_queue() -> (aws_sdk_sqs::Client, String) {
    let conf = crate::moto::sdk_config().await;
    let client = aws_sdk_sqs::Client::new(&conf);
    let name = format!("imports-{}", uuid::Uuid::new_v4().simple());
    let url = client
        .create_queue()
        .queue_name(name)
        .attributes(
            aws_sdk_sqs::types::QueueAttributeName::VisibilityTimeout,
            "900",
        )
        .send()
        .await
        .expect("creating a queue on moto")
        .queue_url
        .unwrap();
    (client, url)
}

/// SES on moto, with a sender it knows.
async fn moto_mailer() -> Arc<dyn shared::ports::Mailer> {
    let conf = crate::moto::sdk_config().await;
    let ses = aws_sdk_sesv2::Client::new(&conf);
    let sender = "imports@kanzlei.example.com";
    shared::adapters::ses::ensure_identity(&ses, sender)
        .await
        .unwrap();
    Arc::new(shared::adapters::ses::SesMailer::new(ses, sender, None))
}

/// Receives and works off the queue's messages until it stays empty, deleting each message
/// after its run, as the Lambda event source mapping does.
async fn drain(app: &shared::app::App, client: &aws_sdk_sqs::Client, url: &str) -> usize {
    let mut runs = 0;
    loop {
        let got = client
            .receive_message()
            .queue_url(url)
            .max_number_of_messages(1)
            .send()
            .await
            .unwrap();
        let Some(message) = got.messages.and_then(|m| m.into_iter().next()) else {
            return runs;
        };
        shared::usecases::imports::work(app, message.body.as_deref().unwrap(), None)
            .await
            .unwrap();
        runs += 1;
        client
            .delete_message()
            .queue_url(url)
            .receipt_handle(message.receipt_handle.unwrap())
            .send()
            .await
            .unwrap();
    }
}

/// The suite's size; the bench's "import" row runs 5,000 rows the same way (docs/performance.md).
#[tokio::test]
async fn two_hundred_rows_on_moto_go_through_sqs_each_created_once_and_invited() {
    let rows = 200;
    let app = spawn_app(Store::Dynamo).await;
    let (client, url) = moto_queue().await;
    let sqs = Arc::new(shared::adapters::sqs::SqsQueue::new(
        client.clone(),
        url.clone(),
    ));
    let app = app.rerouted(|a| a.queue = sqs.clone());
    let tag = format!("k{}", uuid::Uuid::new_v4().simple());
    let started = std::time::Instant::now();
    let queued = app
        .post_import(&ANNA, &file(&tag, rows), false)
        .await
        .expect(202);
    let id = queued["id"].as_str().unwrap().to_owned();
    let mut worker = app.app.clone();
    worker.queue = sqs;
    worker.mailer = moto_mailer().await;
    worker.settings.limits.import_invitations_per_second = 1_000_000;
    let worker = shared::functions::IMPORTS.restrict(worker);
    let before = app.requests();
    let runs = drain(&worker, &client, &url).await;
    let round_trips = app.requests() - before;
    let wall = started.elapsed();
    assert_eq!(runs, 1);
    let done = app.get(&ANNA, &format!("/imports/{id}")).await.expect(200);
    assert_eq!(
        (done["status"].clone(), done["created"].clone()),
        ("done".into(), rows.into())
    );
    let customers = customers_by_email(&app).await;
    let ours: Vec<_> = customers
        .iter()
        .filter(|(e, _)| e.starts_with(&tag))
        .collect();
    assert_eq!(ours.len(), rows);
    assert!(ours.iter().all(|(_, n)| **n == 1));
    let mails = crate::aws_adapters::moto_records("ses", "Message")
        .await
        .iter()
        .filter(|m| {
            m["destinations"]["ToAddresses"][0]
                .as_str()
                .is_some_and(|to| to.starts_with(&tag))
        })
        .count();
    assert_eq!(mails, rows, "SES on moto recorded every invitation");
    let per_row = round_trips as f64 / rows as f64;
    println!(
        "import of {rows} rows on moto through SQS: {:.1} s wall time, {round_trips} DynamoDB round trips by the worker ({per_row:.2} per row)",
        wall.as_secs_f64()
    );
    // docs/data-model.md: 5 per row and 3 for the job.
    assert!(
        round_trips <= 5 * rows as u64 + 3,
        "{round_trips} round trips for {rows} rows ({per_row:.3} per row)"
    );
}

both_stores!(
    an_import_with_the_dry_run_parameter_misspelt_is_400_and_queues_nothing,
    |app| {
        let csv = file("misspelt", 2);
        let headers = [("content-type", "text/csv")];
        for (query, unknown) in [
            ("dryrun=true", "dryrun"),
            ("DryRun=true", "DryRun"),
            ("dryRun=true&dryrun=true", "dryrun"),
        ] {
            let uri = format!("/imports?{query}");
            let res = app
                .send_raw(
                    &ANNA,
                    http::Method::POST,
                    &uri,
                    csv.clone().into_bytes(),
                    &headers,
                )
                .await;
            assert_eq!(res.status, 400, "{query}: {}", res.body);
            assert_eq!(res.field_errors(), [unknown], "{query}");
        }
        assert!(app.work_imports().await.is_empty(), "nothing was queued");
        assert!(customers_by_email(&app).await.is_empty());
        assert!(app.outbox().is_empty());
    }
);

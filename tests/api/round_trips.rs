//! The round-trip table of `docs/data-model.md` is enforced here: every row is measured by
//! driving its endpoint and counting requests to the store (the DynamoDB adapter counts with an
//! SDK interceptor, the in-memory table counts the same calls). An extra call, or a scan,
//! fails; so does a row of the table that no scenario measures.

use crate::both_stores;
use crate::helpers::*;
use serde_json::json;
use std::collections::BTreeMap;

/// Rows of the round-trip table: endpoint label to the text of its "round trips" column.
fn documented() -> BTreeMap<String, String> {
    documented_in("## Round trips per endpoint")
}

/// The rows of the round-trip table under `heading` in docs/data-model.md.
fn documented_in(heading: &str) -> BTreeMap<String, String> {
    let doc = include_str!("../../docs/data-model.md");
    let section = doc
        .split(heading)
        .nth(1)
        .unwrap_or_else(|| panic!("{heading} in docs/data-model.md"));
    section
        .lines()
        .take_while(|l| !l.starts_with("## "))
        .filter(|l| l.starts_with("| `"))
        .map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split(" | ").map(str::trim).collect();
            (cells[0].to_owned(), cells[cells.len() - 1].to_owned())
        })
        .collect()
}

/// The leading number of a "round trips" cell.
fn leading_number(cell: &str) -> u64 {
    cell.split(|c: char| !c.is_ascii_digit())
        .find(|s| !s.is_empty())
        .unwrap()
        .parse()
        .unwrap()
}

/// Runs `$call` on `$app`, records its store requests under `$label` in `$measured`, and
/// answers what the call answered.
macro_rules! counted {
    ($app:expr, $measured:expr, $label:expr, $call:expr) => {{
        let before = $app.requests();
        let res = $call;
        $measured.insert($label.to_owned(), $app.requests() - before);
        res
    }};
}

both_stores!(
    every_endpoint_makes_the_documented_number_of_round_trips,
    |app| {
        let doc = documented();
        let mut measured: BTreeMap<String, u64> = BTreeMap::new();
        macro_rules! count {
            ($label:expr, $call:expr) => {
                counted!(app, measured, $label, $call)
            };
        }
        // The world: a customer with a mobile (so an SMS code), an invited second access, a
        // transaction with a processor, and an active end user.
        let c = count!(
            "`POST /customers`",
            app.post(&ANNA, "/customers", person("rt@example.com"))
                .await
        )
        .expect(201);
        let id = c["id"].as_str().unwrap().to_owned();
        let body = company("idem@example.com");
        count!(
            "`POST /customers` with `Idempotency-Key`",
            app.post_with_key(&ANNA, "/customers", "rt-1", body.clone())
                .await
        )
        .expect(201);
        count!(
            "`POST /customers`, repeated key",
            app.post_with_key(&ANNA, "/customers", "rt-1", body).await
        )
        .expect(201);
        count!(
            "`GET /customers`",
            app.get(&ANNA, "/customers?limit=1").await
        )
        .expect(200);
        let read = count!(
            "`GET /customers/{id}`",
            app.get(&ANNA, &format!("/customers/{id}")).await
        )
        .expect(200);
        let mut edit = read.clone();
        edit["title"] = json!("Prof.");
        let edited = count!(
            "`PUT /customers/{id}`",
            app.put(&ANNA, &format!("/customers/{id}"), edit).await
        )
        .expect(200);
        let mut renamed = edited.clone();
        renamed["lastName"] = json!("Umbenannt");
        count!(
            "`PUT /customers/{id}`, a new name, e-mail or type",
            app.put(&ANNA, &format!("/customers/{id}"), renamed).await
        )
        .expect(200);
        count!(
            "`GET /customers/{id}/authorisations`",
            app.authorisations(&ANNA, &id).await
        )
        .expect(200);
        let access = count!(
            "`POST /customers/{id}/accesses`",
            app.post(
                &ANNA,
                &format!("/customers/{id}/accesses"),
                json!({"firstName": "Max", "lastName": "M", "email": "max.rt@example.com"})
            )
            .await
        )
        .expect(201);
        let access_path = format!(
            "/customers/{id}/accesses/{}",
            access["id"].as_str().unwrap()
        );
        count!(
            "`PATCH /customers/{id}/accesses/{accessId}`",
            app.patch(&ANNA, &access_path, json!({"firstName": "Maximilian"}))
                .await
        )
        .expect(200);
        count!(
            "`POST /customers/{id}/accesses/{accessId}/invitation`",
            app.post(&ANNA, &format!("{access_path}/invitation"), json!({}))
                .await
        )
        .expect(202);
        count!(
            "`POST /customers/{id}/administrators`",
            app.add_administrators(&ANNA, &id, &["ben"]).await
        )
        .expect(200);
        let t = count!(
            "`POST /customers/{id}/transactions`",
            app.post(
                &ANNA,
                &format!("/customers/{id}/transactions"),
                json!({"title": "T"})
            )
            .await
        )
        .expect(201);
        let t = t["id"].as_str().unwrap().to_owned();
        count!(
            "`POST /customers/{id}/additional-processors`",
            app.add_processors(&ANNA, &id, &["carl"], &[&t]).await
        )
        .expect(200);
        count!(
            "`GET /customers/{id}/transactions`",
            app.get(&ANNA, &format!("/customers/{id}/transactions"))
                .await
        )
        .expect(200);
        count!(
            "`GET /customers/{id}/transactions/{transactionId}`",
            app.get(&ANNA, &format!("/customers/{id}/transactions/{t}"))
                .await
        )
        .expect(200);
        count!("`GET /specialists`", app.get(&ANNA, "/specialists").await).expect(200);
        count!(
            "`PUT /specialists/{id}`",
            app.put(
                &ROOT,
                "/specialists/erin",
                json!({"name": "Erin Ebert", "email": "erin@kanzlei.example.com"})
            )
            .await
        )
        .expect(200);
        let token = app.token_for("rt@example.com");
        count!("`POST /registrations/inspect`", app.inspect(&token).await).expect(200);
        let code = app.code_for("+491701234567");
        count!(
            "`POST /registrations/complete`",
            app.complete(
                json!({"token": token, "smsCode": code, "password": "ein-sicheres-Passwort"})
            )
            .await
        )
        .expect(200);
        let me = Who::EndUser(
            app.identity
                .check("rt@example.com", "ein-sicheres-Passwort")
                .unwrap(),
        );
        count!("`GET /me`", app.get(&me, "/me").await).expect(200);
        let message = app
            .outbox()
            .into_iter()
            .rev()
            .find(|e| e.to == "max.rt@example.com")
            .and_then(|e| e.message_id)
            .unwrap();
        let bounce = shared::usecases::deliveries::MailReport {
            message_id: message,
            state: shared::domain::DeliveryState::Bounced,
        };
        let recorded = count!(
            "`deliveries` (one SES event through SNS)",
            shared::usecases::deliveries::record(&app.app, &bounce).await
        );
        assert_eq!(
            recorded.unwrap(),
            shared::usecases::deliveries::Outcome::Recorded
        );
        count!(
            "`GET /me/transactions`",
            app.get(&me, "/me/transactions").await
        )
        .expect(200);
        count!(
            "`POST /customers/{id}/authorisations/remove`",
            app.post(
                &ANNA,
                &format!("/customers/{id}/authorisations/remove"),
                json!({"administratorIds": ["ben"]})
            )
            .await
        )
        .expect(200);
        count!(
            "`GET /customers/{id}/history`",
            app.get(&ANNA, &format!("/customers/{id}/history?limit=5"))
                .await
        )
        .expect(200);
        count!(
            "`GET /customers/{id}/export`",
            app.get(&ANNA, &format!("/customers/{id}/export")).await
        )
        .expect(200);
        count!(
            "`GET /customers/{id}/deletion-preview`",
            app.get(&ANNA, &format!("/customers/{id}/deletion-preview"))
                .await
        )
        .expect(200);
        count!(
            "`DELETE /customers/{id}/transactions/{transactionId}`",
            app.delete(&ANNA, &format!("/customers/{id}/transactions/{t}"))
                .await
        )
        .expect(204);
        // Delete a customer with 60 transactions: the formula in terms of the items it owns.
        for i in 0..60 {
            app.post(
                &ANNA,
                &format!("/customers/{id}/transactions"),
                json!({"title": format!("V{i}")}),
            )
            .await
            .expect(201);
        }
        // Items that the delete does not count as its own: the identities (left or ended in
        // their own transactions) and the deletion record (written with the tombstone).
        let not_owned = |items: &[shared::ports::Item]| {
            items
                .iter()
                .filter(|i| {
                    let pk = i["pk"].as_str().unwrap_or_default();
                    pk.starts_with("IDENTITY#") || pk.starts_with("SIGNIN#") || pk == "DELETIONS"
                })
                .count() as u64
        };
        let before = app.scan().await;
        let items_before = before.len() as u64 - not_owned(&before);
        let res = count!(
            "`DELETE /customers/{id}`",
            app.delete(&ANNA, &format!("/customers/{id}")).await
        );
        assert_eq!(res.status, 204);
        let after = app.scan().await;
        let deleted = items_before - (after.len() as u64 - not_owned(&after));
        let delete_items = deleted - 1;
        count!(
            "`GET /deletions`",
            app.get(&ROOT, "/deletions?limit=10").await
        )
        .expect(200);

        // Imports: a dry run, a queued import of 3 rows (with and without a key), its
        // progress, and the worker's run over it.
        let csv = "type;firstName;lastName;email\n\
                   person;Ina;Eins;rt-i1@example.com\n\
                   person;Ina;Zwei;rt-i2@example.com\n\
                   person;Ina;Drei;rt-i3@example.com\n";
        count!(
            "`POST /imports?dryRun=true`",
            app.post_import(&ANNA, csv, true).await
        )
        .expect(200);
        let queued =
            count!("`POST /imports`", app.post_import(&ANNA, csv, false).await).expect(202);
        let csv_key = [("content-type", "text/csv"), ("idempotency-key", "rt-imp")];
        let bytes = || csv.as_bytes().to_vec();
        let post = http::Method::POST;
        count!(
            "`POST /imports` with `Idempotency-Key`",
            app.send_raw(&ANNA, post.clone(), "/imports", bytes(), &csv_key)
                .await
        )
        .expect(202);
        count!(
            "`POST /imports`, repeated key",
            app.send_raw(&ANNA, post, "/imports", bytes(), &csv_key)
                .await
        )
        .expect(202);
        // The first import only: the others' messages are worked off uncounted.
        let first = app.imports.lock().await.try_recv().unwrap();
        let worker = shared::functions::IMPORTS.restrict(app.app.clone());
        count!(
            "`imports` (the worker, one run over an import of n rows)",
            shared::usecases::imports::work(&worker, &first, None).await
        )
        .unwrap();
        app.work_imports().await;
        let path = format!("/imports/{}", queued["id"].as_str().unwrap());
        count!("`GET /imports/{id}`", app.get(&ANNA, &path).await).expect(200);
        measure_what_falls_due(app.store, &mut measured).await;
        // Responsibilities, and a handover of anna's customers (the imported ones among them)
        // to carl.
        count!(
            "`GET /specialists/{id}/responsibilities`",
            app.get(&ROOT, "/specialists/anna/responsibilities?limit=2")
                .await
        )
        .expect(200);
        count!(
            "`DELETE /specialists/{id}`",
            app.delete(&ROOT, "/specialists/dora").await
        )
        .expect(204);
        let to = json!({"to": "carl"});
        let handover = count!(
            "`POST /specialists/{id}/handover`",
            app.post(&ROOT, "/specialists/erin/handover", to.clone())
                .await
        )
        .expect(202);
        let keyed = |to: serde_json::Value| {
            let app = &app;
            let body = to.to_string().into_bytes();
            let headers = [
                ("content-type", "application/json"),
                ("idempotency-key", "rt-handover"),
            ];
            let post = http::Method::POST;
            let path = "/specialists/anna/handover";
            async move { app.send_raw(&ROOT, post, path, body, &headers).await }
        };
        let handed = count!(
            "`POST /specialists/{id}/handover` with `Idempotency-Key`",
            keyed(to.clone()).await
        )
        .expect(202);
        count!(
            "`POST /specialists/{id}/handover`, repeated key",
            keyed(to).await
        )
        .expect(202);
        let customers = handed["customers"].as_u64().unwrap();
        assert!(
            customers >= 3,
            "anna's customers, the imported ones among them: {handed}"
        );
        let mut queue = app.imports.lock().await;
        let mut bodies = Vec::new();
        while let Ok(body) = queue.try_recv() {
            bodies.push(body);
        }
        drop(queue);
        let anna_id = handed["id"].as_str().unwrap();
        let anna = bodies.iter().find(|b| b.contains(anna_id)).unwrap();
        count!(
            "`handover` (the worker, one run over a handover of n customers)",
            shared::usecases::imports::work(&worker, anna, None).await
        )
        .unwrap();
        let path = format!("/handovers/{}", handover["id"].as_str().unwrap());
        count!("`GET /handovers/{id}`", app.get(&ROOT, &path).await).expect(200);
        let mut wrong = Vec::new();
        for (label, cell) in &doc {
            let Some(got) = measured.get(label) else {
                wrong.push(format!("{label}: documented but not measured"));
                continue;
            };
            let want = if label == "`DELETE /customers/{id}`" {
                delete_items.div_ceil(25) + 5
            } else if label.starts_with("`handover`") {
                // 2n + ceil(n/25) + 4 for the n customers of anna's.
                2 * customers + customers.div_ceil(25) + 4
            } else if label.starts_with("`imports`") {
                // 5n + 3 for the 3 rows of the import.
                5 * 3 + 3
            } else if label.starts_with("`schedule` while backfilling") {
                // 2n + 2 ceil(n/25) + 2 for the two customers of the run.
                2 * 2 + 2 + 2
            } else if label.starts_with("`schedule`") {
                // 3n + 3 for the two reminders due.
                3 * 2 + 3
            } else if label == "`GET /me/transactions`" {
                // 3 + n for the one customer of this end user.
                3 + 1
            } else {
                leading_number(cell)
            };
            if *got != want {
                wrong.push(format!("{label}: documented {want}, measured {got}"));
            }
        }
        for label in measured.keys() {
            if !doc.contains_key(label) {
                wrong.push(format!("{label}: measured but not documented"));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }
);

/// The scheduled run, the due list and a review, on an app of their own whose clock the
/// scenario moves: two customers invited, their reminders due, then their reviews.
async fn measure_what_falls_due(store: Store, measured: &mut BTreeMap<String, u64>) {
    let app = spawn_app(store).await;
    let first = app
        .create_customer(&ANNA, person("due-1@example.com"))
        .await;
    app.create_customer(&ANNA, person("due-2@example.com"))
        .await;
    // The first run backfills the two customers (nothing due yet); the next finds it done.
    let run = || shared::functions::run_scheduled(&app.app);
    let label = "`schedule` while backfilling (one run over n customers, nothing due)";
    let ran = counted!(app, measured, label, run().await.unwrap());
    let backfilled = json!({"reminders": 0, "backfilled": 2, "backfillDone": true});
    assert_eq!(ran, backfilled);
    app.clock
        .advance(std::time::Duration::from_secs(3 * 86_400 + 3600));
    let label = "`schedule` (one run with n reminders due)";
    let ran = counted!(app, measured, label, run().await.unwrap());
    let sent = json!({"reminders": 2, "backfilled": 0, "backfillDone": true});
    assert_eq!(ran, sent);
    app.clock
        .advance(std::time::Duration::from_secs(340 * 86_400));
    let list = app.get(&ANNA, "/access-reviews?limit=1");
    let due = counted!(app, measured, "`GET /access-reviews`", list.await).expect(200);
    assert_eq!(due["items"].as_array().unwrap().len(), 1, "{due}");
    let path = format!("/customers/{}/access-review", first["id"].as_str().unwrap());
    let review = app.post(&ANNA, &path, json!({}));
    let label = "`POST /customers/{id}/access-review`";
    counted!(app, measured, label, review.await).expect(200);
}

/// Rows of the need-to-know round-trip table: endpoint label to its number.
fn documented_need_to_know() -> BTreeMap<String, u64> {
    documented_in("## Round trips with need-to-know")
        .into_iter()
        .map(|(label, cell)| (label, leading_number(&cell)))
        .collect()
}

/// The need-to-know rows, measured as the table says, on the store of `app`.
async fn need_to_know_round_trips(app: TestApp) {
    let mut measured: BTreeMap<String, u64> = BTreeMap::new();
    macro_rules! count {
        ($label:expr, $call:expr) => {{
            let before = app.requests();
            let res = $call;
            measured.insert($label.to_owned(), app.requests() - before);
            res
        }};
    }
    let c = app
        .create_customer(&ANNA, person("ntk-rt@example.com"))
        .await;
    let id = c["id"].as_str().unwrap().to_owned();
    app.create_customer(&BEN, company("ntk-rt-b@example.com"))
        .await;
    count!(
        "`GET /customers` as a specialist",
        app.get(&ANNA, "/customers?limit=1").await
    )
    .expect(200);
    count!(
        "`GET /customers?q=` as a specialist",
        app.get(&ANNA, "/customers?q=must&limit=1").await
    )
    .expect(200);
    count!(
        "`GET /customers/{id}` as a responsible specialist",
        app.get(&ANNA, &format!("/customers/{id}")).await
    )
    .expect(200);
    count!(
        "`GET /customers/{id}` as a specialist not responsible",
        app.get(&BEN, &format!("/customers/{id}")).await
    )
    .expect(404);
    count!(
        "`GET /customers/{id}` as a platform admin not responsible, first in the hour",
        app.get(&ROOT, &format!("/customers/{id}")).await
    )
    .expect(200);
    count!(
        "`GET /customers/{id}` as a platform admin not responsible, again in the hour",
        app.get(&ROOT, &format!("/customers/{id}")).await
    )
    .expect(200);
    let doc = documented_need_to_know();
    assert_eq!(
        measured, doc,
        "measured (left) and documented (right) round trips"
    );
}

#[tokio::test]
async fn every_need_to_know_read_makes_the_documented_number_of_round_trips_in_memory() {
    let model = shared::config::AccessModel::NeedToKnow;
    need_to_know_round_trips(spawn_app_in(Store::Memory, model).await).await;
}

#[tokio::test]
async fn every_need_to_know_read_makes_the_documented_number_of_round_trips_on_dynamodb() {
    let model = shared::config::AccessModel::NeedToKnow;
    need_to_know_round_trips(spawn_app_in(Store::Dynamo, model).await).await;
}

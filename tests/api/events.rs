//! Every API Gateway event in `events/` goes through its function's router on that function's
//! grants, as the Lambda runtime would hand it over (`lambda_http::request::from_str`),
//! against fixtures with the ids the events use. A new event file without an expectation here
//! fails the test. Every answer carries the headers of the edge, and the same event with a
//! query parameter its operation does not take is 400 from the function as deployed.

use crate::both_stores;
use crate::helpers::*;
use http_body_util::BodyExt;
use shared::functions::{self, Function};
use tower::ServiceExt;

/// File, the function, and the expected status.
const EXPECTED: &[(&str, Function, u16)] = &[
    ("customers-list.json", functions::CUSTOMERS, 200),
    ("customers-create.json", functions::CUSTOMERS, 201),
    ("customers-get.json", functions::CUSTOMERS, 200),
    ("customers-update.json", functions::CUSTOMERS, 200),
    ("customers-delete.json", functions::CUSTOMERS, 204),
    ("customers-history.json", functions::CUSTOMERS, 200),
    ("customers-export.json", functions::CUSTOMERS, 200),
    ("customers-deletion-preview.json", functions::CUSTOMERS, 200),
    ("accesses-create.json", functions::ACCESSES, 201),
    ("accesses-update.json", functions::ACCESSES, 200),
    ("accesses-invitation.json", functions::ACCESSES, 202),
    ("authorisations-get.json", functions::AUTHORISATIONS, 200),
    ("administrators-add.json", functions::AUTHORISATIONS, 200),
    (
        "additional-processors-add.json",
        functions::AUTHORISATIONS,
        200,
    ),
    ("authorisations-remove.json", functions::AUTHORISATIONS, 200),
    ("specialists-list.json", functions::AUTHORISATIONS, 200),
    ("specialists-put.json", functions::AUTHORISATIONS, 200),
    ("transactions-list.json", functions::TRANSACTIONS, 200),
    ("transactions-create.json", functions::TRANSACTIONS, 201),
    ("transactions-get.json", functions::TRANSACTIONS, 200),
    ("transactions-delete.json", functions::TRANSACTIONS, 204),
    ("me-get.json", functions::TRANSACTIONS, 200),
    ("me-transactions.json", functions::TRANSACTIONS, 200),
    ("registrations-inspect.json", functions::REGISTRATION, 200),
    ("registrations-complete.json", functions::REGISTRATION, 200),
    // SNS notifications, not HTTP: 200 stands for "recorded on the access".
    ("deliveries-bounce.json", functions::DELIVERIES, 200),
    ("deliveries-complaint.json", functions::DELIVERIES, 200),
    ("deliveries-delivery.json", functions::DELIVERIES, 200),
    // An EventBridge schedule's event, not HTTP: 200 stands for "one reminder sent".
    ("schedule-hourly.json", functions::SCHEDULE, 200),
];

/// Pushes a scheduled event through the `schedule` function's run, as its handler does, once
/// the fixtures' invited access's reminder fell due; 200 when it sent exactly that reminder.
async fn schedule(app: &TestApp, raw: &str, file: &str) -> u16 {
    let _event: serde_json::Value =
        serde_json::from_str(raw).unwrap_or_else(|e| panic!("{file}: {e}"));
    app.clock
        .advance(std::time::Duration::from_secs(4 * 24 * 3600));
    let answer = functions::run_scheduled(&app.app).await.unwrap();
    if answer["reminders"] == 1 && answer["backfillDone"] == true {
        200
    } else {
        panic!("{file}: {answer}")
    }
}

/// Pushes an SNS event through the `deliveries` function's use case, as its handler does;
/// 200 when every report was recorded, 204 when one was ignored.
async fn deliver(app: &TestApp, raw: &str, file: &str) -> u16 {
    use shared::usecases::deliveries::{Outcome, record_sns};
    let event: serde_json::Value =
        serde_json::from_str(raw).unwrap_or_else(|e| panic!("{file}: {e}"));
    let outcomes = record_sns(&app.app, &event).await.unwrap();
    assert!(!outcomes.is_empty(), "{file}: no records");
    if outcomes.iter().all(|o| *o == Outcome::Recorded) {
        200
    } else {
        204
    }
}

fn events_dir() -> std::path::PathBuf {
    crate::helpers::project_root().join("events")
}

/// The fixtures the events use (`shared::fixtures`): the customer `cus_example` with an
/// invited access `acc_example` (whose invitation is the one in the registration events), an
/// active access of the end user `enduser-erika`, administrators anna and ben, and the
/// transaction `trx_example` processed by ben.
async fn seed_fixtures(app: &TestApp) {
    app.table
        .transact(shared::fixtures::writes(app.clock_now()), None)
        .await
        .unwrap();
}

both_stores!(
    every_event_file_gets_its_expected_answer_from_its_function,
    |app| {
        let mut files: Vec<String> = std::fs::read_dir(events_dir())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.ends_with(".json"))
            .collect();
        files.sort();
        let mut expected: Vec<&str> = EXPECTED.iter().map(|(f, _, _)| *f).collect();
        expected.sort();
        assert_eq!(
            files, expected,
            "every event file has exactly one expectation"
        );
        for (file, function, status) in EXPECTED {
            // Each event on fresh fixtures, so that deletions do not affect the others.
            let app = spawn_app(app.store).await;
            seed_fixtures(&app).await;
            let raw = std::fs::read_to_string(events_dir().join(file)).unwrap();
            if function.name == functions::SCHEDULE.name {
                assert_eq!(schedule(&app, &raw, file).await, *status, "{file}");
                continue;
            }
            if function.name == functions::DELIVERIES.name {
                assert_eq!(deliver(&app, &raw, file).await, *status, "{file}");
                let view = app.authorisations(&ANNA, "cus_example").await.expect(200);
                let state = file
                    .trim_start_matches("deliveries-")
                    .trim_end_matches(".json");
                let shown = view["accesses"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|a| a["id"] == "acc_example")
                    .map(|a| a["delivery"]["email"].clone());
                let expected = match state {
                    "bounce" => "bounced",
                    "complaint" => "complained",
                    _ => "delivered",
                };
                assert_eq!(shown, Some(serde_json::json!(expected)), "{file}");
                continue;
            }
            let req =
                lambda_http::request::from_str(&raw).unwrap_or_else(|e| panic!("{file}: {e}"));
            let (parts, body) = req.into_parts();
            let req = ::http::Request::from_parts(parts, axum::body::Body::from(body.to_vec()));
            // The events' tokens come from the two pools of a deployed stack.
            let mut deployed = app.app.clone();
            deployed.settings.issuers = shared::fixtures::event_issuers();
            let router = function.router(deployed);
            let res = router.clone().oneshot(req).await.unwrap();
            let got = res.status().as_u16();
            let headers = res.headers().clone();
            let bytes = res.into_body().collect().await.unwrap().to_bytes();
            assert_eq!(got, *status, "{file}: {}", String::from_utf8_lossy(&bytes));
            assert_eq!(headers["cache-control"], "no-store", "{file}");
            assert_eq!(headers["x-content-type-options"], "nosniff", "{file}");
            // The same event with a query parameter its operation does not take: 400 from the
            // function as deployed, before anything is done.
            let (mut parts, body) = lambda_http::request::from_str(&raw).unwrap().into_parts();
            let uri = parts.uri.to_string();
            let joiner = if uri.contains('?') { '&' } else { '?' };
            parts.uri = format!("{uri}{joiner}unknownParameter=1").parse().unwrap();
            let req = ::http::Request::from_parts(parts, axum::body::Body::from(body.to_vec()));
            let res = router.oneshot(req).await.unwrap();
            assert_eq!(res.status(), 400, "{file} with an unknown parameter");
            assert_eq!(res.headers()["cache-control"], "no-store", "{file}");
        }
    }
);

//! Responsibilities and handover (contract v3): a handover moves every role of the leaver to
//! the taker, one transaction per customer with its history events (actor the platform
//! admin), never leaving a customer without an administrator; it survives a fault at any
//! store call (the job run again ends in exactly one complete handover) and a parallel
//! change of the leaver's grants; the directory refuses to lose a specialist who is still
//! responsible for a customer.

use crate::both_stores;
use crate::faults::FaultyTable;
use crate::helpers::*;
use serde_json::{Value, json};
use std::sync::Arc;

const DORA: Who = Who::Specialist("dora");

/// Three customers of the leaver dora: C1 she administers alone, C2 she administers with
/// ben (the taker), C3 (anna's) where she processes a transaction that ben processes too, and
/// another one that ben does not.
async fn leavers_world(app: &TestApp) -> [String; 3] {
    let id = |v: Value| v["id"].as_str().unwrap().to_owned();
    let c1 = id(app.create_customer(&DORA, company("c1@example.com")).await);
    let c2 = id(app.create_customer(&DORA, company("c2@example.com")).await);
    app.add_administrators(&DORA, &c2, &["ben", "anna"])
        .await
        .expect(200);
    let c3 = id(app.create_customer(&ANNA, company("c3@example.com")).await);
    let tx = |title: &'static str| {
        let path = format!("/customers/{c3}/transactions");
        async move {
            id(app
                .post(&ANNA, &path, json!({"title": title}))
                .await
                .expect(201))
        }
    };
    let (t, u) = (tx("ESt 2025").await, tx("USt 2025").await);
    app.add_processors(&ANNA, &c3, &["dora", "ben"], &[&t])
        .await
        .expect(200);
    app.add_processors(&ANNA, &c3, &["dora"], &[&u])
        .await
        .expect(200);
    [c1, c2, c3]
}

async fn responsibilities(app: &TestApp, who: &str) -> Vec<Value> {
    let path = format!("/specialists/{who}/responsibilities?limit=100");
    let page = app.get(&ROOT, &path).await.expect(200);
    page["items"].as_array().unwrap().clone()
}

/// Runs every queued job (imports and handovers) on the worker's grants.
async fn run_jobs(app: &TestApp) {
    app.work_imports().await;
}

async fn history(app: &TestApp, c: &str) -> Vec<Value> {
    let path = format!("/customers/{c}/history?limit=100");
    let page = app.get(&ROOT, &path).await.expect(200);
    page["items"].as_array().unwrap().clone()
}

/// The handover's events of one customer: `(action, subject, transactionIds)`, actor root.
async fn handover_events(app: &TestApp, c: &str) -> Vec<(String, String, Value)> {
    let mut events: Vec<_> = history(app, c)
        .await
        .into_iter()
        .filter(|e| e["actor"]["id"] == "root")
        .map(|e| {
            let action = e["action"].as_str().unwrap().to_owned();
            let subject = e["subject"]["id"].as_str().unwrap().to_owned();
            (action, subject, e["transactionIds"].clone())
        })
        .collect();
    events.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    events
}

async fn admins(app: &TestApp, c: &str) -> Vec<String> {
    let view = app.authorisations(&ROOT, c).await.expect(200);
    let mut ids: Vec<String> = view["administrators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids
}

/// The end state of exactly one complete handover of dora's world to ben.
async fn assert_handed_over(app: &TestApp, [c1, c2, c3]: &[String; 3], context: &str) {
    assert!(responsibilities(app, "dora").await.is_empty(), "{context}");
    assert_eq!(responsibilities(app, "ben").await.len(), 3, "{context}");
    assert_eq!(admins(app, c1).await, ["ben"], "{context}");
    assert_eq!(admins(app, c2).await, ["anna", "ben"], "{context}");
    let view = app.authorisations(&ROOT, c3).await.expect(200);
    let processors = &view["additionalProcessors"];
    assert_eq!(processors.as_array().unwrap().len(), 1, "{context}: {view}");
    assert_eq!(processors[0]["specialist"]["id"], "ben", "{context}");
    assert_eq!(processors[0]["transactions"].as_array().unwrap().len(), 2);
    let added = |s: &str| ("administrator.added".to_owned(), s.to_owned(), Value::Null);
    let removed = |s: &str| {
        (
            "administrator.removed".to_owned(),
            s.to_owned(),
            Value::Null,
        )
    };
    assert_eq!(
        handover_events(app, c1).await,
        [added("ben"), removed("dora")],
        "{context}"
    );
    assert_eq!(
        handover_events(app, c2).await,
        [removed("dora")],
        "{context}"
    );
    let c3_events = handover_events(app, c3).await;
    assert_eq!(c3_events.len(), 2, "{context}: {c3_events:?}");
    assert_eq!(c3_events[0].0, "additional-processor.added", "{context}");
    assert_eq!(
        c3_events[0].2.as_array().unwrap().len(),
        1,
        "ben gained only U"
    );
    assert_eq!(c3_events[1].0, "additional-processor.removed", "{context}");
    assert_eq!(
        c3_events[1].2.as_array().unwrap().len(),
        2,
        "dora lost T and U"
    );
}

both_stores!(
    a_handover_moves_every_role_to_the_taker_with_each_change_in_the_customers_history,
    |app| {
        let world = leavers_world(&app).await;
        assert_eq!(responsibilities(&app, "dora").await.len(), 3);
        let own = app.get(&DORA, "/specialists/dora/responsibilities").await;
        assert_eq!(own.expect(200)["items"].as_array().unwrap().len(), 3);
        let refused = app.delete(&ROOT, "/specialists/dora").await;
        assert_eq!(refused.status, 409, "still responsible: {}", refused.body);
        let queued = app
            .post(&ROOT, "/specialists/dora/handover", json!({"to": "ben"}))
            .await
            .expect(202);
        assert_eq!(queued["status"], "queued");
        assert_eq!(queued["customers"], 3);
        run_jobs(&app).await;
        let path = format!("/handovers/{}", queued["id"].as_str().unwrap());
        let done = app.get(&ROOT, &path).await.expect(200);
        assert_eq!(done["status"], "done", "{done}");
        assert_eq!(
            (done["customers"].clone(), done["done"].clone()),
            (json!(3), json!(3))
        );
        assert_handed_over(&app, &world, "after the handover").await;
        app.delete(&ROOT, "/specialists/dora").await.expect(204);
        let itself = app.delete(&ROOT, "/specialists/root").await;
        assert_eq!(
            itself.status, 409,
            "a platform admin keeps itself: {}",
            itself.body
        );
        let directory = app.get(&ANNA, "/specialists").await.expect(200);
        assert!(!directory.to_string().contains("\"dora\""), "{directory}");
    }
);

both_stores!(
    a_handover_refuses_an_unknown_or_identical_taker_and_replays_its_idempotency_key,
    |app| {
        let post =
            |to: &'static str| app.post(&ROOT, "/specialists/dora/handover", json!({ "to": to }));
        assert_eq!(post("dora").await.field_errors(), ["to"]);
        assert_eq!(post("nobody").await.field_errors(), ["to"]);
        let unknown = app
            .post(&ROOT, "/specialists/nobody/handover", json!({"to": "ben"}))
            .await;
        assert_eq!(unknown.status, 404, "{}", unknown.body);
        let keyed = || async {
            let body = json!({"to": "ben"}).to_string().into_bytes();
            let headers = [
                ("content-type", "application/json"),
                ("idempotency-key", "k1"),
            ];
            let path = "/specialists/dora/handover";
            app.send_raw(&ROOT, http::Method::POST, path, body, &headers)
                .await
                .expect(202)
        };
        let (first, again) = (keyed().await, keyed().await);
        assert_eq!(first, again, "the same key answers as the first time");
        let other = json!({"to": "carl"}).to_string().into_bytes();
        let headers = [
            ("content-type", "application/json"),
            ("idempotency-key", "k1"),
        ];
        let path = "/specialists/dora/handover";
        let res = app
            .send_raw(&ROOT, http::Method::POST, path, other, &headers)
            .await;
        assert_eq!(res.field_errors(), ["Idempotency-Key"], "{}", res.body);
    }
);

/// The worker's run of the one queued handover on `app`'s table.
async fn run_handover(app: &TestApp, table: Arc<dyn shared::ports::Table>, body: &str) -> bool {
    let mut worker = shared::functions::IMPORTS.restrict(app.app.clone());
    worker.table = table;
    shared::usecases::imports::work(&worker, body, None)
        .await
        .is_ok()
}

both_stores!(
    a_fault_at_any_store_call_of_a_handover_then_the_job_again_ends_in_exactly_one_handover,
    |app| {
        let store = app.store;
        drop(app);
        for k in 0.. {
            let app = spawn_app(store).await;
            let world = leavers_world(&app).await;
            app.post(&ROOT, "/specialists/dora/handover", json!({"to": "ben"}))
                .await
                .expect(202);
            let body = app.imports.lock().await.try_recv().unwrap();
            let faulty = Arc::new(FaultyTable::failing_at(app.table.clone(), k));
            let failed = !run_handover(&app, faulty.clone(), &body).await;
            if !failed {
                assert!(
                    k >= 10,
                    "a handover of 3 customers makes at least 10 calls: {k}"
                );
                assert_handed_over(&app, &world, "without a fault").await;
                break;
            }
            let context = format!("fault at call {k}");
            for c in &world {
                assert!(
                    !admins(&app, c).await.is_empty(),
                    "{context}: {c} without administrator"
                );
            }
            assert!(
                run_handover(&app, app.table.clone(), &body).await,
                "{context}: the job again"
            );
            assert_handed_over(&app, &world, &context).await;
        }
    }
);

both_stores!(
    a_handover_while_another_admin_removes_the_leaver_loses_no_change_and_no_administrator,
    |app| {
        let [c1, c2, c3] = leavers_world(&app).await;
        app.post(&ROOT, "/specialists/dora/handover", json!({"to": "ben"}))
            .await
            .expect(202);
        let body = app.imports.lock().await.try_recv().unwrap();
        let remove = json!({"administratorIds": ["dora"]});
        let path = format!("/customers/{c2}/authorisations/remove");
        let (worked, removal) = tokio::join!(
            run_handover(&app, app.table.clone(), &body),
            app.post(&ANNA, &path, remove)
        );
        assert!(worked, "the handover finishes");
        assert!(
            [200, 409, 422].contains(&removal.status.as_u16()),
            "the removal is applied, or refused as a conflict or as naming no administrator any more: {} {}",
            removal.status,
            removal.body
        );
        assert!(responsibilities(&app, "dora").await.is_empty());
        assert_eq!(admins(&app, &c1).await, ["ben"]);
        let c2_admins = admins(&app, &c2).await;
        assert!(!c2_admins.contains(&"dora".to_owned()) && !c2_admins.is_empty());
        let dora_removed: Vec<_> = history(&app, &c2)
            .await
            .into_iter()
            .filter(|e| e["action"] == "administrator.removed" && e["subject"]["id"] == "dora")
            .collect();
        assert_eq!(
            dora_removed.len(),
            1,
            "one of the two removed her: {dora_removed:?}"
        );
        let by = dora_removed[0]["actor"]["id"].as_str().unwrap();
        assert_eq!(
            by == "anna",
            removal.status == 200,
            "the history names who did it"
        );
        let view = app.authorisations(&ROOT, &c3).await.expect(200);
        assert!(!view.to_string().contains("\"dora\""), "{view}");
    }
);

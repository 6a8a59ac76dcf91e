//! Deletion preview and deletion records, on both stores: the preview counts what a delete
//! removes, every deletion leaves exactly one record without personal data (also when it is
//! interrupted and repeated, or runs twice at once), and platform admins page through the
//! records newest first.

use crate::both_stores;
use crate::helpers::*;
use async_trait::async_trait;
use futures::future::join_all;
use serde_json::{Value, json};
use shared::ports::{Item, Key, Page, Query, StoreError, Table, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

const EMAIL: &str = "loeschen@example.com";

/// A customer of anna's with three accesses (one active), three administrators (anna, ben,
/// carl), three transactions, and additional processors dora and erin on two of them and
/// carl on the third: five processor grants of three distinct specialists.
async fn world(app: &TestApp) -> String {
    let c = app.create_customer(&ANNA, person(EMAIL)).await;
    let id = c["id"].as_str().unwrap().to_owned();
    app.register(EMAIL, Some("+491701234567")).await;
    for (first, email) in [
        ("Max", "max.loeschen@example.com"),
        ("Mia", "mia.loeschen@example.com"),
    ] {
        let body = json!({"firstName": first, "lastName": "Loeschmann", "email": email});
        app.post(&ANNA, &format!("/customers/{id}/accesses"), body)
            .await
            .expect(201);
    }
    app.add_administrators(&ANNA, &id, &["ben", "carl"])
        .await
        .expect(200);
    let mut transactions = Vec::new();
    for title in [
        "Einkommensteuer 2025",
        "Grundsteuer 2026",
        "Umsatzsteuer Q1",
    ] {
        let t = app
            .post(
                &ANNA,
                &format!("/customers/{id}/transactions"),
                json!({"title": title}),
            )
            .await
            .expect(201);
        transactions.push(t["id"].as_str().unwrap().to_owned());
    }
    app.add_processors(&ANNA, &id, &["dora", "erin"], &transactions[..2])
        .await
        .expect(200);
    app.add_processors(&ANNA, &id, &["carl"], &transactions[2..])
        .await
        .expect(200);
    id
}

fn counts_of_world() -> Value {
    json!({
        "accesses": 3,
        "activeAccesses": 1,
        "administrators": 3,
        "additionalProcessors": 3,
        "transactions": 3,
    })
}

fn preview_path(id: &str) -> String {
    format!("/customers/{id}/deletion-preview")
}

/// Every deletion record, newest first (one page holds them all in these scenarios).
async fn records(app: &TestApp) -> Vec<Value> {
    let page = app.get(&ROOT, "/deletions?limit=100").await.expect(200);
    assert_eq!(page["nextCursor"], Value::Null);
    page["items"].as_array().unwrap().clone()
}

/// The stored deletion records, read past the API.
async fn stored_records(app: &TestApp) -> Vec<Item> {
    let scan = app.scan().await.into_iter();
    scan.filter(|i| i["pk"] == "DELETIONS").collect()
}

both_stores!(
    the_preview_counts_accesses_active_ones_administrators_distinct_processors_and_transactions,
    |app| {
        let id = world(&app).await;
        let preview = app.get(&ANNA, &preview_path(&id)).await.expect(200);
        assert_eq!(preview, counts_of_world());
        let preview = app.get(&ROOT, &preview_path(&id)).await.expect(200);
        assert_eq!(preview, counts_of_world(), "platform admins see the same");
        assert!(records(&app).await.is_empty(), "a preview deletes nothing");
        app.get(&ANNA, &format!("/customers/{id}"))
            .await
            .expect(200);
    }
);

both_stores!(
    the_preview_is_for_administrators_and_platform_admins_and_unknown_customers_are_not_found,
    |app| {
        let id = world(&app).await;
        let other = app
            .create_customer(&BEN, company("other@example.com"))
            .await;
        let other = other["id"].as_str().unwrap();
        let end_user = Who::EndUser(app.identity.check(EMAIL, "ein-sicheres-Passwort").unwrap());
        for (who, status) in [
            (&ANNA, 200),
            (&BEN, 200),
            (&ROOT, 200),
            (&Who::Specialist("dora"), 403),
            (&end_user, 403),
            (&Who::Anonymous, 401),
        ] {
            let res = app.get(who, &preview_path(&id)).await;
            assert_eq!(res.status, status, "{who:?}: {}", res.body);
        }
        app.get(&ANNA, &preview_path(other)).await.expect(403);
        app.get(&ANNA, &preview_path("cus_unknown"))
            .await
            .expect(404);
        app.get(&ANNA, &preview_path("not%20an%20id"))
            .await
            .expect(404);
        app.delete(&ANNA, &format!("/customers/{id}"))
            .await
            .expect(204);
        app.get(&ANNA, &preview_path(&id)).await.expect(404);
    }
);

both_stores!(
    a_delete_writes_one_record_with_the_counts_of_the_preview_and_no_personal_data,
    |app| {
        let id = world(&app).await;
        let preview = app.get(&BEN, &preview_path(&id)).await.expect(200);
        let deleted_at = app.clock_now();
        app.delete(&BEN, &format!("/customers/{id}"))
            .await
            .expect(204);
        let records = records(&app).await;
        assert_eq!(records.len(), 1, "{records:?}");
        let record = &records[0];
        assert_eq!(record["customerId"], id.as_str());
        assert_eq!(record["actor"], json!({"kind": "specialist", "id": "ben"}));
        assert_eq!(record["counts"], preview);
        let at = shared::domain::parse_rfc3339(record["deletedAt"].as_str().unwrap()).unwrap();
        assert_eq!(at, deleted_at);
        let mut keys: Vec<&String> = record.as_object().unwrap().keys().collect();
        keys.sort();
        assert_eq!(keys, ["actor", "counts", "customerId", "deletedAt"]);
        // Nothing of the customer, its accesses or its transactions, in the answer or stored.
        let stored = stored_records(&app).await;
        assert_eq!(stored.len(), 1);
        let texts = [
            record.to_string(),
            Value::Object(stored[0].clone()).to_string(),
        ];
        for personal in [
            "loeschen",
            "Loeschmann",
            "Erika",
            "Mustermann",
            "Dr.",
            "1980-01-31",
            "Hauptstr",
            "\"10115\"",
            "Berlin",
            "+491701234567",
            "Einkommensteuer",
            "Grundsteuer",
            "Umsatzsteuer",
            "@",
        ] {
            for text in &texts {
                assert!(!text.contains(personal), "{personal:?} in {text}");
            }
        }
    }
);

/// The store, except that the first deletion of a customer item fails: a delete that has
/// removed everything else and stops just before the end.
struct FailsTheLastStep {
    inner: Arc<dyn Table>,
    failed: AtomicBool,
}

#[async_trait]
impl Table for FailsTheLastStep {
    async fn get(&self, key: &Key) -> Result<Option<Item>, StoreError> {
        self.inner.get(key).await
    }
    async fn batch_get(&self, keys: &[Key]) -> Result<Vec<Item>, StoreError> {
        self.inner.batch_get(keys).await
    }
    async fn query(&self, query: &Query) -> Result<Page, StoreError> {
        self.inner.query(query).await
    }
    async fn write(&self, write: Write) -> Result<(), StoreError> {
        let last_step = matches!(&write, Write::Delete { key, .. } if key.sk == "#CUSTOMER");
        if last_step && !self.failed.swap(true, Ordering::SeqCst) {
            return Err(StoreError::Unavailable(anyhow::anyhow!("injected")));
        }
        self.inner.write(write).await
    }
    async fn transact(&self, writes: Vec<Write>, token: Option<String>) -> Result<(), StoreError> {
        self.inner.transact(writes, token).await
    }
    async fn batch_delete(&self, keys: &[Key]) -> Result<(), StoreError> {
        self.inner.batch_delete(keys).await
    }
}

both_stores!(
    an_interrupted_delete_that_is_repeated_leaves_exactly_one_record_with_the_first_counts,
    |app| {
        let id = world(&app).await;
        let app = app.rerouted(|a| {
            a.table = Arc::new(FailsTheLastStep {
                inner: a.table.clone(),
                failed: AtomicBool::new(false),
            })
        });
        let path = format!("/customers/{id}");
        assert_eq!(app.delete(&ANNA, &path).await.status, 503);
        app.get(&ANNA, &path).await.expect(404);
        app.get(&ANNA, &preview_path(&id)).await.expect(404);
        let customer_pk = format!("C#{id}");
        let left: Vec<Item> = app
            .scan()
            .await
            .into_iter()
            .filter(|i| i["pk"] == customer_pk.as_str())
            .collect();
        assert_eq!(left.len(), 1, "only the tombstone is left: {left:?}");
        assert_eq!(records(&app).await.len(), 1, "recorded with the tombstone");
        app.clock.advance(Duration::from_secs(60));
        app.delete(&ANNA, &path).await.expect(204);
        app.delete(&ANNA, &path).await.expect(404);
        let records = records(&app).await;
        assert_eq!(records.len(), 1, "{records:?}");
        assert_eq!(
            records[0]["counts"],
            counts_of_world(),
            "what the first attempt found, not the tombstone the retry found"
        );
    }
);

both_stores!(two_deletes_at_once_leave_exactly_one_record, |app| {
    let id = world(&app).await;
    let path = format!("/customers/{id}");
    let app = &app;
    let statuses = join_all([&ANNA, &ROOT].map(|who| {
        let path = path.clone();
        async move { app.delete(who, &path).await.status.as_u16() }
    }))
    .await;
    assert!(statuses.contains(&204), "{statuses:?}");
    assert!(
        statuses.iter().all(|s| [204, 404, 409].contains(s)),
        "{statuses:?}"
    );
    if statuses.contains(&409) {
        // Told to retry: the other one may have finished meanwhile.
        let retry = app.delete(&ANNA, &path).await.status.as_u16();
        assert!([204, 404].contains(&retry), "{retry}");
    }
    app.get(&ANNA, &path).await.expect(404);
    let records = records(app).await;
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(records[0]["counts"], counts_of_world());
});

both_stores!(
    platform_admins_page_through_the_records_newest_first,
    |app| {
        let mut deleted = Vec::new();
        for i in 0..5 {
            let c = app
                .create_customer(&ANNA, company(&format!("page{i}@example.com")))
                .await;
            let id = c["id"].as_str().unwrap().to_owned();
            app.clock.advance(Duration::from_secs(1));
            app.delete(&ANNA, &format!("/customers/{id}"))
                .await
                .expect(204);
            deleted.push(id);
        }
        let mut seen = Vec::new();
        let mut path = "/deletions?limit=2".to_owned();
        let mut pages = 0;
        loop {
            let page = app.get(&ROOT, &path).await.expect(200);
            pages += 1;
            let items = page["items"].as_array().unwrap();
            assert!(items.len() <= 2);
            seen.extend(
                items
                    .iter()
                    .map(|r| r["customerId"].as_str().unwrap().to_owned()),
            );
            match page["nextCursor"].as_str() {
                Some(cursor) => path = format!("/deletions?limit=2&cursor={cursor}"),
                None => break,
            }
        }
        assert_eq!(pages, 3);
        deleted.reverse();
        assert_eq!(seen, deleted, "newest first, each once");
        let all = app.get(&ROOT, "/deletions").await.expect(200);
        assert_eq!(all["items"].as_array().unwrap().len(), 5, "default page");
        assert_eq!(all["nextCursor"], Value::Null);
    }
);

both_stores!(
    the_records_are_for_platform_admins_and_a_bad_limit_or_cursor_is_refused,
    |app| {
        let c = app.create_customer(&ANNA, company("rec@example.com")).await;
        let id = c["id"].as_str().unwrap().to_owned();
        app.create_customer(&ANNA, company("rec2@example.com"))
            .await;
        app.delete(&ANNA, &format!("/customers/{id}"))
            .await
            .expect(204);
        let end_user = {
            app.create_customer(&BEN, company("eu@example.com")).await;
            Who::EndUser(app.register("eu@example.com", None).await)
        };
        for (who, status) in [
            (&ROOT, 200),
            (&ANNA, 403),
            (&BEN, 403),
            (&end_user, 403),
            (&Who::Anonymous, 401),
        ] {
            let res = app.get(who, "/deletions").await;
            assert_eq!(res.status, status, "{who:?}: {}", res.body);
        }
        for limit in ["0", "101", "-1", "zwei", "1.5"] {
            let res = app.get(&ROOT, &format!("/deletions?limit={limit}")).await;
            assert_eq!(res.status, 422, "limit={limit}");
            assert_eq!(res.field_errors(), ["limit"]);
        }
        app.get(&ROOT, "/deletions?limit=%20100%20&cursor=")
            .await
            .expect(200);
        // A cursor of the overview is no cursor of this list; nor is a changed one.
        let overview = app.get(&ANNA, "/customers?limit=1").await.expect(200);
        let foreign = overview["nextCursor"].as_str().unwrap().to_owned();
        for cursor in [foreign.as_str(), "e30.AAAAAAAAAAAAAAAAAAAAAA", "garbage"] {
            let res = app.get(&ROOT, &format!("/deletions?cursor={cursor}")).await;
            assert_eq!(res.status, 400, "cursor {cursor}: {}", res.body);
            assert_eq!(res.field_errors(), ["cursor"]);
        }
    }
);

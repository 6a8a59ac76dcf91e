//! A customer's history: every change writes one event per changed subject, naming actor,
//! action, subject and changed fields but no value; newest first, paged, for administrators
//! and platform admins; gone with the customer.

use crate::both_stores;
use crate::helpers::*;
use serde_json::{Value, json};
use shared::domain::DeliveryState;

pub async fn history(app: &TestApp, customer: &str) -> Vec<Value> {
    let page = app
        .get(&ANNA, &format!("/customers/{customer}/history?limit=100"))
        .await
        .expect(200);
    page["items"].as_array().unwrap().clone()
}

fn actions(events: &[Value]) -> Vec<&str> {
    events
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect()
}

pub async fn new_person(app: &TestApp, email: &str) -> String {
    app.create_customer(&ANNA, person(email)).await["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The newest events until (without) the ones `before` held.
fn since(now: &[Value], before: usize) -> Vec<Value> {
    now[..now.len() - before].to_vec()
}

both_stores!(
    creating_a_customer_records_the_customer_its_first_access_its_administrator_and_the_sending,
    |app| {
        let id = new_person(&app, "verlauf@example.com").await;
        let events = history(&app, &id).await;
        assert_eq!(
            actions(&events),
            [
                "access.delivery",
                "administrator.added",
                "access.created",
                "customer.created"
            ]
        );
        let created = &events[3];
        assert_eq!(
            created["actor"],
            json!({"kind": "specialist", "id": "anna"})
        );
        assert_eq!(created["subject"], json!({"kind": "customer", "id": id}));
        assert_eq!(
            events[1]["subject"],
            json!({"kind": "administrator", "id": "anna"})
        );
        assert_eq!(events[0]["actor"]["kind"], "system");
        assert_eq!(events[0]["fields"], json!(["email", "sms"]));
        assert!(created["id"].as_str().unwrap().starts_with("evt_"));
        assert!(created.get("transactionIds").is_none());
    }
);

both_stores!(
    an_edit_names_the_changed_fields_and_never_their_values,
    |app| {
        let id = new_person(&app, "felder@example.com").await;
        let path = format!("/customers/{id}");
        let mut edit = app.get(&ANNA, &path).await.expect(200);
        edit["lastName"] = json!("Geheimname");
        edit["address"]["city"] = json!("Geheimstadt");
        app.put(&ANNA, &path, edit).await.expect(200);
        let events = history(&app, &id).await;
        assert_eq!(events[0]["action"], "customer.updated");
        assert_eq!(events[0]["fields"], json!(["address.city", "lastName"]));
        let text = serde_json::to_string(&events).unwrap();
        for value in ["Geheim", "felder@example.com", "Erika", "Berlin", "1234567"] {
            assert!(!text.contains(value), "{value} in the history");
        }
    }
);

both_stores!(
    an_update_that_changes_nothing_writes_no_event_keeps_the_version_and_sends_nothing,
    |app| {
        let id = new_person(&app, "gleich@example.com").await;
        let path = format!("/customers/{id}");
        let read = app.get(&ANNA, &path).await.expect(200);
        let before = history(&app, &id).await.len();
        let outbox = app.outbox().len();
        app.clock.advance(std::time::Duration::from_secs(60));
        let saved = app.put(&ANNA, &path, read.clone()).await.expect(200);
        assert_eq!(saved, read, "the same version and updatedAt");
        let mut renormalised = read.clone();
        renormalised["firstName"] = json!(" Erika ");
        renormalised["mobile"] = json!("0170 1234567");
        app.put(&ANNA, &path, renormalised).await.expect(200);
        assert_eq!(app.get(&ANNA, &path).await.expect(200), read);
        let empty = app.put(&ANNA, &path, json!({})).await;
        assert_eq!(
            empty.status, 422,
            "a body that changes nothing is still validated"
        );

        let authorisations = app.authorisations(&ANNA, &id).await.expect(200);
        let access = &authorisations["accesses"][0];
        let access_path = format!("{path}/accesses/{}", access["id"].as_str().unwrap());
        let same = json!({"firstName": access["firstName"], "email": access["email"], "mobile": access["mobile"]});
        let patched = app.patch(&ANNA, &access_path, same).await.expect(200);
        assert_eq!(
            patched["invitedAt"], access["invitedAt"],
            "not invited again"
        );
        app.patch(&ANNA, &access_path, json!({})).await.expect(200);

        assert_eq!(history(&app, &id).await.len(), before, "no event");
        assert_eq!(app.outbox().len(), outbox, "nothing sent");
        let mut changed = read.clone();
        changed["lastName"] = json!("Musterfrau");
        let saved = app.put(&ANNA, &path, changed).await.expect(200);
        assert_eq!(saved["version"], 2, "a real change moves the version");
        let events = history(&app, &id).await;
        assert_eq!(events.len(), before + 1);
        assert_eq!(events[0]["fields"], json!(["lastName"]));
    }
);

both_stores!(
    access_and_authorisation_changes_are_recorded_each_by_its_subject,
    |app| {
        let id = new_person(&app, "zugang@example.com").await;
        let base = history(&app, &id).await.len();
        let access = app
            .post(
                &ANNA,
                &format!("/customers/{id}/accesses"),
                json!({"firstName": "Max", "lastName": "Muster", "email": "max@example.com"}),
            )
            .await
            .expect(201);
        let access_id = access["id"].as_str().unwrap();
        let path = format!("/customers/{id}/accesses/{access_id}");
        app.patch(&ANNA, &path, json!({"firstName": "Maximilian"}))
            .await
            .expect(200);
        app.post(&ANNA, &format!("{path}/invitation"), json!({}))
            .await
            .expect(202);
        app.add_administrators(&ANNA, &id, &["ben"])
            .await
            .expect(200);
        let tx = app
            .post(
                &ANNA,
                &format!("/customers/{id}/transactions"),
                json!({"title": "Steuer 2026"}),
            )
            .await
            .expect(201);
        let tx_id = tx["id"].as_str().unwrap();
        app.add_processors(&ANNA, &id, &["carl"], &[tx_id])
            .await
            .expect(200);
        let events = since(&history(&app, &id).await, base);
        assert_eq!(
            actions(&events),
            [
                "additional-processor.added",
                "transaction.created",
                "administrator.added",
                "access.delivery",
                "access.invited",
                "access.updated",
                "access.delivery",
                "access.created"
            ]
        );
        assert_eq!(
            events[0]["subject"],
            json!({"kind": "additional-processor", "id": "carl"})
        );
        assert_eq!(events[0]["transactionIds"], json!([tx_id]));
        assert_eq!(
            events[1]["subject"],
            json!({"kind": "transaction", "id": tx_id})
        );
        assert_eq!(events[5]["fields"], json!(["firstName"]));
        assert_eq!(
            events[7]["subject"],
            json!({"kind": "access", "id": access_id})
        );

        let base = base + events.len();
        let removal = json!({"accessIds": [access_id], "administratorIds": ["ben"],
                             "additionalProcessors": [{"specialistId": "carl"}]});
        app.post(
            &ANNA,
            &format!("/customers/{id}/authorisations/remove"),
            removal,
        )
        .await
        .expect(200);
        app.delete(&ANNA, &format!("/customers/{id}/transactions/{tx_id}"))
            .await
            .expect(204);
        let events = since(&history(&app, &id).await, base);
        let mut removed = actions(&events[1..]);
        removed.sort();
        assert_eq!(
            removed,
            [
                "access.removed",
                "additional-processor.removed",
                "administrator.removed"
            ]
        );
        assert_eq!(events[0]["action"], "transaction.deleted");
        let processor = events
            .iter()
            .find(|e| e["action"] == "additional-processor.removed");
        assert_eq!(processor.unwrap()["transactionIds"], json!([tx_id]));
    }
);

both_stores!(
    a_registration_is_the_end_users_and_a_mail_report_the_systems,
    |app| {
        let id = new_person(&app, "aktiv@example.com").await;
        let subject = app
            .register("aktiv@example.com", Some("+491701234567"))
            .await;
        let events = history(&app, &id).await;
        assert_eq!(events[0]["action"], "access.activated");
        assert_eq!(
            events[0]["actor"],
            json!({"kind": "end-user", "id": subject})
        );

        let other = app
            .create_customer(&ANNA, company("bounce@example.com"))
            .await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        app.report(
            &app.message_to("bounce@example.com"),
            DeliveryState::Bounced,
        )
        .await;
        let events = history(&app, &other).await;
        assert_eq!(events[0]["action"], "access.delivery");
        assert_eq!(
            events[0]["actor"],
            json!({"kind": "system", "id": "delivery"})
        );
        assert_eq!(events[0]["fields"], json!(["email"]));
    }
);

both_stores!(
    history_pages_newest_first_and_a_cursor_serves_only_its_customer,
    |app| {
        let id = new_person(&app, "seiten@example.com").await;
        let other = new_person(&app, "andere@example.com").await;
        let all = history(&app, &id).await;
        let first = app
            .get(&ANNA, &format!("/customers/{id}/history?limit=3"))
            .await
            .expect(200);
        assert_eq!(first["items"].as_array().unwrap()[..], all[..3]);
        let cursor = first["nextCursor"].as_str().unwrap();
        let rest = app
            .get(
                &ANNA,
                &format!("/customers/{id}/history?limit=3&cursor={cursor}"),
            )
            .await
            .expect(200);
        assert_eq!(rest["items"].as_array().unwrap()[..], all[3..]);
        assert!(rest["nextCursor"].is_null());
        let foreign = app
            .get(
                &ANNA,
                &format!("/customers/{other}/history?cursor={cursor}"),
            )
            .await;
        assert_eq!(foreign.status, 400);
        assert_eq!(foreign.field_errors(), ["cursor"]);
        let bad = app
            .get(&ANNA, &format!("/customers/{id}/history?limit=0"))
            .await;
        assert_eq!(bad.field_errors(), ["limit"]);
    }
);

both_stores!(
    only_administrators_and_platform_admins_read_the_history_and_the_export,
    |app| {
        let id = new_person(&app, "zugriff@example.com").await;
        for what in ["history", "export"] {
            let path = format!("/customers/{id}/{what}");
            assert_eq!(app.get(&BEN, &path).await.status, 403, "{what}");
            assert_eq!(app.get(&ROOT, &path).await.status, 200, "{what}");
            assert_eq!(
                app.get(&Who::EndUser("sub-1".into()), &path).await.status,
                403
            );
            let unknown = format!("/customers/cus_01jd8m3k4n5p6q7r8s9t0v1w2x/{what}");
            assert_eq!(app.get(&ANNA, &unknown).await.status, 404, "{what}");
        }
    }
);

both_stores!(deleting_a_customer_deletes_its_history, |app| {
    let id = new_person(&app, "weg@example.com").await;
    assert!(!history(&app, &id).await.is_empty());
    app.delete(&ANNA, &format!("/customers/{id}"))
        .await
        .expect(204);
    let pk = format!("C#{id}");
    let left: Vec<_> = app
        .scan()
        .await
        .into_iter()
        .filter(|i| i["pk"] == pk.as_str())
        .collect();
    assert!(left.is_empty(), "{left:?}");
    assert_eq!(
        app.get(&ANNA, &format!("/customers/{id}/history"))
            .await
            .status,
        404
    );
});

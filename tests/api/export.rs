//! The export of a customer against a scan of the table: every attribute of every item
//! stored about the customer is in it (by value), except keys and secrets, and no secret is.

use crate::both_stores;
use crate::helpers::*;
use crate::history::new_person;
use serde_json::{Value, json};
use shared::domain::DeliveryState;
use shared::ports::Item;
use shared::store::{WITHHELD_KEYS, WITHHELD_SECRETS, rfc3339_of};
use std::collections::BTreeSet;

/// A customer with everything a customer can have: a registered access, an invited one that
/// was resent and whose e-mail bounced, a second administrator, a business transaction with
/// an additional processor, an edit.
async fn rich_customer(app: &TestApp) -> String {
    let id = new_person(app, "export@example.com").await;
    app.register("export@example.com", Some("+491701234567"))
        .await;
    let access = app
        .post(
            &ANNA,
            &format!("/customers/{id}/accesses"),
            json!({"firstName": "Max", "lastName": "Muster", "email": "max.export@example.com",
                   "mobile": "0171 7654321"}),
        )
        .await
        .expect(201);
    let path = format!(
        "/customers/{id}/accesses/{}",
        access["id"].as_str().unwrap()
    );
    app.post(&ANNA, &format!("{path}/invitation"), json!({}))
        .await
        .expect(202);
    app.report(
        &app.message_to("max.export@example.com"),
        DeliveryState::Bounced,
    )
    .await;
    app.add_administrators(&ANNA, &id, &["ben"])
        .await
        .expect(200);
    let tx = app
        .post(
            &ANNA,
            &format!("/customers/{id}/transactions"),
            json!({"title": "Jahresabschluss"}),
        )
        .await
        .expect(201);
    app.add_processors(&ANNA, &id, &["carl"], &[tx["id"].as_str().unwrap()])
        .await
        .expect(200);
    let mut edit = app
        .get(&ANNA, &format!("/customers/{id}"))
        .await
        .expect(200);
    edit["address"]["city"] = json!("Potsdam");
    app.put(&ANNA, &format!("/customers/{id}"), edit)
        .await
        .expect(200);
    id
}

/// Every item stored about customer `id`: its partition, and the items outside it that name
/// it (invitations, the mail service's message pointers, its accesses' memberships).
fn items_of(scan: Vec<Item>, id: &str) -> Vec<Item> {
    let pk = format!("C#{id}");
    // The index of responsibilities (`RESP#…`) copies the customer's summary and grants,
    // which the export shows from the customer and its grants.
    let index = |i: &Item| i["pk"].as_str().unwrap_or_default().starts_with("RESP#");
    scan.into_iter()
        .filter(|i| !index(i))
        .filter(|i| {
            i["pk"] == pk.as_str()
                || i.get("customerId") == Some(&json!(id))
                || i["sk"] == pk.as_str()
        })
        .collect()
}

/// Every (attribute name, value) pair of every object in a JSON value, at any depth; values
/// as their JSON text.
fn pairs(value: &Value, out: &mut BTreeSet<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (name, v) in map {
                out.insert((name.clone(), v.to_string()));
                pairs(v, out);
            }
        }
        Value::Array(list) => list.iter().for_each(|v| pairs(v, out)),
        _ => {}
    }
}

/// Stored attributes that the export shows under another name: the customer's type, as in
/// `GET /customers/{id}`, and an event's actor and subject, as in `GET …/history`.
const RENAMED: &[(&str, &str)] = &[
    ("customerType", "type"),
    ("actorKind", "kind"),
    ("actorId", "id"),
    ("subjectId", "id"),
    // The customer's access review: `authorisations.accessReview`.
    ("reviewDueAt", "dueAt"),
];

/// Stored bookkeeping that the export shows otherwise: the number of administrators and the
/// specialists responsible, with the count of changes to them (the export lists the grants).
const DERIVED: &[&str] = &["adminCount", "respSeq", "responsible"];

/// Every string in a JSON value.
fn strings(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) => out.push(s.clone()),
        Value::Array(list) => list.iter().for_each(|v| strings(v, out)),
        Value::Object(map) => map.values().for_each(|v| strings(v, out)),
        _ => {}
    }
}

both_stores!(
    the_export_holds_every_stored_attribute_of_the_customer_but_keys_and_secrets,
    |app| {
        let id = rich_customer(&app).await;
        let export = app
            .get(&ANNA, &format!("/customers/{id}/export"))
            .await
            .expect(200);
        let mut exported = BTreeSet::new();
        pairs(&export, &mut exported);
        let text = export.to_string();
        let items = items_of(app.scan().await, &id);
        assert!(items.len() >= 20, "a rich customer: {}", items.len());
        let mut secrets = Vec::new();
        for item in &items {
            for (name, value) in item {
                if WITHHELD_SECRETS.contains(&name.as_str()) {
                    strings(value, &mut secrets);
                    continue;
                }
                if WITHHELD_KEYS.contains(&name.as_str()) || DERIVED.contains(&name.as_str()) {
                    continue;
                }
                let shown = RENAMED
                    .iter()
                    .find(|(stored, _)| stored == name)
                    .map_or(name.as_str(), |(_, shown)| shown);
                let found = [value.clone(), rfc3339_of(value)]
                    .iter()
                    .any(|v| exported.contains(&(shown.to_owned(), v.to_string())));
                assert!(
                    found,
                    "{name} = {value} of {:?} is not in the export",
                    item["sk"]
                );
            }
            // Invitations are keyed by their token's hash: a secret too.
            if let Some(hash) = item["pk"].as_str().and_then(|pk| pk.strip_prefix("INV#")) {
                secrets.push(hash.to_owned());
            }
        }
        assert!(secrets.len() >= 4, "secrets stored: {secrets:?}");
        for secret in secrets {
            assert!(!text.contains(&secret), "secret {secret} in the export");
        }
        for name in WITHHELD_SECRETS {
            assert!(
                !text.contains(&format!("\"{name}\"")),
                "{name} in the export"
            );
        }
        assert_eq!(export["accesses"].as_array().unwrap().len(), 2);
        assert_eq!(export["customer"]["address"]["city"], "Potsdam");
        assert!(export["history"].as_array().unwrap().len() >= 12);
        let invitations = &export["accesses"][1]["issuedInvitations"];
        assert_eq!(invitations.as_array().map(Vec::len), Some(2), "{export:#}");
    }
);

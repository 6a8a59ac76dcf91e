//! Need-to-know (contract v3): a specialist's overview lists only the customers it is
//! responsible for, with the order, search, type filter and cursors of the overview of all;
//! the index behind it follows every grant, rename and deletion; a platform admin's access to
//! a customer it is not responsible for is served and recorded once per hour.

use crate::helpers::*;
use crate::need_to_know_on_both_stores;
use serde_json::{Value, json};
use std::time::Duration;

fn named(last: &str, email: &str) -> Value {
    let mut p = person(email);
    p["lastName"] = json!(last);
    p["mobile"] = Value::Null;
    p
}

async fn names(app: &TestApp, who: &Who, query: &str) -> Vec<String> {
    let page = app
        .get(who, &format!("/customers{query}"))
        .await
        .expect(200);
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["displayName"].as_str().unwrap().to_owned())
        .collect()
}

need_to_know_on_both_stores!(
    a_specialist_lists_only_its_customers_in_order_with_search_type_and_cursors,
    |app| {
        let mut anna = Vec::new();
        for last in ["Zander", "Adler", "Meier"] {
            let body = named(last, &format!("{last}@example.com"));
            anna.push(
                app.create_customer(&ANNA, body).await["id"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
            );
        }
        app.create_customer(&ANNA, company("firma@example.com"))
            .await;
        app.create_customer(&BEN, named("Becker", "becker@example.com"))
            .await;
        assert_eq!(
            names(&app, &ANNA, "").await,
            [
                "Adler, Erika",
                "Meier, Erika",
                "Muster GmbH",
                "Zander, Erika"
            ]
        );
        assert_eq!(names(&app, &BEN, "").await, ["Becker, Erika"]);
        assert_eq!(names(&app, &ANNA, "?q=me").await, ["Meier, Erika"]);
        assert_eq!(names(&app, &ANNA, "?type=company").await, ["Muster GmbH"]);
        assert_eq!(
            names(&app, &Who::Specialist("erin"), "").await,
            Vec::<String>::new()
        );
        assert_eq!(
            names(&app, &ROOT, "").await.len(),
            5,
            "platform admins see all"
        );
        let first = app.get(&ANNA, "/customers?limit=2").await.expect(200);
        let cursor = first["nextCursor"].as_str().unwrap();
        let rest = names(&app, &ANNA, &format!("?limit=2&cursor={cursor}")).await;
        assert_eq!(rest, ["Muster GmbH", "Zander, Erika"]);
        // A cursor of another specialist's overview is not valid for this one.
        let foreign = app
            .get(&BEN, &format!("/customers?limit=2&cursor={cursor}"))
            .await;
        assert_eq!(foreign.status, 400, "{}", foreign.body);
    }
);

need_to_know_on_both_stores!(
    the_overview_follows_grants_renames_and_deletions_of_the_customer,
    |app| {
        let c = app
            .create_customer(&ANNA, named("Adler", "adler@example.com"))
            .await;
        let id = c["id"].as_str().unwrap().to_owned();
        let t = app
            .post(
                &ANNA,
                &format!("/customers/{id}/transactions"),
                json!({"title": "ESt"}),
            )
            .await
            .expect(201)["id"]
            .as_str()
            .unwrap()
            .to_owned();
        app.add_processors(&ANNA, &id, &["carl"], &[&t])
            .await
            .expect(200);
        app.add_administrators(&ANNA, &id, &["ben"])
            .await
            .expect(200);
        assert_eq!(
            names(&app, &Who::Specialist("carl"), "").await,
            ["Adler, Erika"]
        );
        assert_eq!(names(&app, &BEN, "").await, ["Adler, Erika"]);
        let mut edit = app
            .get(&ANNA, &format!("/customers/{id}"))
            .await
            .expect(200);
        edit["lastName"] = json!("Zeller");
        app.put(&ANNA, &format!("/customers/{id}"), edit)
            .await
            .expect(200);
        for who in [ANNA, BEN, Who::Specialist("carl")] {
            assert_eq!(
                names(&app, &who, "?q=zel").await,
                ["Zeller, Erika"],
                "{who:?}"
            );
        }
        app.delete(&ANNA, &format!("/customers/{id}/transactions/{t}"))
            .await
            .expect(204);
        assert_eq!(
            names(&app, &Who::Specialist("carl"), "").await,
            Vec::<String>::new()
        );
        let carl_reads = app
            .get(&Who::Specialist("carl"), &format!("/customers/{id}"))
            .await;
        assert_eq!(carl_reads.status, 404, "{}", carl_reads.body);
        let remove = json!({"administratorIds": ["ben"]});
        app.post(
            &ANNA,
            &format!("/customers/{id}/authorisations/remove"),
            remove,
        )
        .await
        .expect(200);
        assert_eq!(names(&app, &BEN, "").await, Vec::<String>::new());
        app.delete(&ANNA, &format!("/customers/{id}"))
            .await
            .expect(204);
        assert_eq!(names(&app, &ANNA, "").await, Vec::<String>::new());
        let left: Vec<_> = app
            .scan()
            .await
            .into_iter()
            .filter(|i| i["pk"].as_str().unwrap_or_default().starts_with("RESP#"))
            .collect();
        assert!(
            left.is_empty(),
            "no responsibility outlives its customer: {left:?}"
        );
    }
);

async fn accessed_events(app: &TestApp, id: &str) -> Vec<Value> {
    let history = app
        .get(&ANNA, &format!("/customers/{id}/history?limit=100"))
        .await
        .expect(200);
    history["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "customer.accessed")
        .cloned()
        .collect()
}

need_to_know_on_both_stores!(
    a_platform_admins_emergency_access_is_served_and_recorded_once_an_hour,
    |app| {
        let c = app
            .create_customer(&ANNA, person("notfall@example.com"))
            .await;
        let id = c["id"].as_str().unwrap().to_owned();
        app.get(&ROOT, &format!("/customers/{id}/export"))
            .await
            .expect(200);
        app.get(&ROOT, &format!("/customers/{id}"))
            .await
            .expect(200);
        let events = accessed_events(&app, &id).await;
        assert_eq!(events.len(), 1, "{events:?}");
        let e = &events[0];
        assert_eq!(e["actor"], json!({"kind": "specialist", "id": "root"}));
        assert_eq!(e["subject"], json!({"kind": "customer", "id": id}));
        assert_eq!(e["fields"], json!([]));
        assert_eq!(e["route"], "GET /customers/{id}/export");
        app.clock.advance(Duration::from_secs(3600));
        app.get(&ROOT, &format!("/customers/{id}/authorisations"))
            .await
            .expect(200);
        let events = accessed_events(&app, &id).await;
        assert_eq!(events.len(), 2, "one more in the next hour: {events:?}");
        assert_eq!(events[0]["route"], "GET /customers/{id}/authorisations");
        // Responsible, the admin's access is no emergency.
        app.add_administrators(&ANNA, &id, &["root"])
            .await
            .expect(200);
        app.clock.advance(Duration::from_secs(3600));
        app.get(&ROOT, &format!("/customers/{id}"))
            .await
            .expect(200);
        assert_eq!(accessed_events(&app, &id).await.len(), 2);
        let unknown = app
            .get(&ROOT, "/customers/cus_00000000000000000000000000")
            .await;
        assert_eq!(unknown.status, 404, "{}", unknown.body);
    }
);

crate::both_stores!(
    in_the_open_model_a_platform_admins_access_is_not_recorded,
    |app| {
        let c = app
            .create_customer(&ANNA, person("offen@example.com"))
            .await;
        let id = c["id"].as_str().unwrap().to_owned();
        app.get(&ROOT, &format!("/customers/{id}/export"))
            .await
            .expect(200);
        assert!(accessed_events(&app, &id).await.is_empty());
        assert_eq!(
            names(&app, &BEN, "").await.len(),
            1,
            "every specialist sees all"
        );
    }
);

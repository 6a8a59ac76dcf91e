//! A specialist's access-review due list is its own partition of the due index, kept on its
//! administrator responsibilities: it follows every change of who administers a customer (a
//! grant, a removal, a review, a handover), and a page reads the caller's own entries and
//! nothing of the firm's other customers; a cursor into the firm's list is refused there.

use crate::both_stores;
use crate::helpers::*;
use serde_json::{Value, json};
use std::time::Duration;

const DORA: Who = Who::Specialist("dora");

/// Past the first review's due time less 30 days: every customer made before is listed.
const NEARLY_A_YEAR: Duration = Duration::from_secs(340 * 86_400);

fn id_of(customer: &Value) -> String {
    customer["id"].as_str().unwrap().to_owned()
}

/// The customers of `who`'s due list, in its order.
async fn due_for(app: &TestApp, who: &Who) -> Vec<String> {
    let page = app.get(who, "/access-reviews?limit=100").await.expect(200);
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["customer"]["id"].as_str().unwrap().to_owned())
        .collect()
}

both_stores!(
    a_specialists_due_list_follows_its_administrator_roles_through_grants_reviews_and_handovers,
    |app| {
        let c1 = id_of(
            &app.create_customer(&ANNA, person("own-1@example.com"))
                .await,
        );
        let c2 = id_of(
            &app.create_customer(&ANNA, company("own-2@example.com"))
                .await,
        );
        app.add_administrators(&ANNA, &c1, &["ben"])
            .await
            .expect(200);
        let tx = app
            .post(
                &ANNA,
                &format!("/customers/{c2}/transactions"),
                json!({"title": "ESt"}),
            )
            .await
            .expect(201);
        let tx = tx["id"].as_str().unwrap();
        app.add_processors(&ANNA, &c2, &["carl"], &[tx])
            .await
            .expect(200);
        app.clock.advance(NEARLY_A_YEAR);
        assert_eq!(due_for(&app, &ANNA).await, [c1.clone(), c2.clone()]);
        assert_eq!(due_for(&app, &BEN).await, std::slice::from_ref(&c1));
        assert_eq!(
            due_for(&app, &CARL).await,
            Vec::<String>::new(),
            "a processor reviews nothing"
        );

        // Ben's review moves the customer's next review for every administrator.
        let review = format!("/customers/{c1}/access-review");
        app.post(&BEN, &review, json!({})).await.expect(200);
        assert_eq!(due_for(&app, &ANNA).await, std::slice::from_ref(&c2));
        assert_eq!(due_for(&app, &BEN).await, Vec::<String>::new());
        assert_eq!(due_for(&app, &ROOT).await, std::slice::from_ref(&c2));

        // Ben takes c2 over from anna, then hands everything to dora.
        app.add_administrators(&ANNA, &c2, &["ben"])
            .await
            .expect(200);
        let remove = format!("/customers/{c2}/authorisations/remove");
        app.post(&BEN, &remove, json!({"administratorIds": ["anna"]}))
            .await
            .expect(200);
        assert_eq!(due_for(&app, &ANNA).await, Vec::<String>::new());
        assert_eq!(due_for(&app, &BEN).await, std::slice::from_ref(&c2));
        app.post(&ROOT, "/specialists/ben/handover", json!({"to": "dora"}))
            .await
            .expect(202);
        app.work_imports().await;
        assert_eq!(due_for(&app, &BEN).await, Vec::<String>::new());
        assert_eq!(due_for(&app, &DORA).await, std::slice::from_ref(&c2));
        // A deleted customer leaves every list.
        app.delete(&DORA, &format!("/customers/{c2}"))
            .await
            .expect(204);
        assert_eq!(due_for(&app, &DORA).await, Vec::<String>::new());
        assert_eq!(due_for(&app, &ROOT).await, Vec::<String>::new());
    }
);

both_stores!(
    a_specialists_due_list_reads_its_own_entries_however_many_of_the_firms_fall_due,
    |app| {
        for i in 0..60 {
            app.create_customer(&BEN, person(&format!("firm-{i}@example.com")))
                .await;
        }
        let own = [
            id_of(
                &app.create_customer(&ANNA, person("mine-1@example.com"))
                    .await,
            ),
            id_of(
                &app.create_customer(&ANNA, person("mine-2@example.com"))
                    .await,
            ),
        ];
        app.clock.advance(NEARLY_A_YEAR);
        let before = app.requests();
        assert_eq!(due_for(&app, &ANNA).await, own);
        assert_eq!(
            app.requests() - before,
            2,
            "one Query of anna's entries and one batch read of her customers"
        );
        assert_eq!(due_for(&app, &ROOT).await.len(), 62);
    }
);

both_stores!(
    a_cursor_into_the_firms_due_list_given_to_a_specialists_is_refused_as_400,
    |app| {
        app.create_customer(&ANNA, person("cursor-1@example.com"))
            .await;
        app.clock.advance(NEARLY_A_YEAR);
        // A cursor as the firm-wide list issued it for anna before her list had its own
        // partition: its key lies in the firm's partition of the index.
        let key: shared::ports::Item = serde_json::from_value(json!({
            "pk": "C#cus_x", "sk": "#CUSTOMER", "gsi3pk": "REVIEW", "gsi3sk": "000000000000#cus_x"
        }))
        .unwrap();
        let old = shared::usecases::paging::cursor_after(&app.app, "access-reviews|anna", &key);
        let res = app
            .get(&ANNA, &format!("/access-reviews?cursor={old}"))
            .await;
        assert_eq!(res.status, 400, "{:#}", res.body);
        assert_eq!(res.field_errors(), ["cursor"]);
    }
);

//! What falls due, with the clock moved: an invitation past its expiry shows as expired until
//! it is resent; each invitation gets exactly one automatic reminder (a new link and code, the
//! old ones 410), none where the address bounced, one however many runs overlap or fail
//! half-way; access reviews fall due, are listed for the customers' administrators (all for
//! platform admins) oldest first, and leave the list once confirmed.

use crate::both_stores;
use crate::faults::FaultyTable;
use crate::helpers::*;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

const DAY: u64 = 86_400;

fn days(n: u64) -> Duration {
    Duration::from_secs(n * DAY)
}

/// The customer's one access, as the authorisations show it.
async fn first_access(app: &TestApp, customer: &str) -> Value {
    let view = app.authorisations(&ANNA, customer).await.expect(200);
    view["accesses"][0].clone()
}

fn id_of(customer: &Value) -> String {
    customer["id"].as_str().unwrap().to_owned()
}

/// The reminders that went out to `to` (their own subject: "Erinnerung: ...").
fn reminders_to(app: &TestApp, to: &str) -> usize {
    app.outbox()
        .iter()
        .filter(|e| e.channel == "email" && e.to == to)
        .filter(|e| {
            e.subject
                .as_deref()
                .unwrap_or_default()
                .starts_with("Erinnerung: ")
        })
        .count()
}

async fn run(app: &TestApp) -> u64 {
    let answer = shared::functions::run_scheduled(&app.app).await.unwrap();
    answer["reminders"].as_u64().unwrap()
}

both_stores!(
    an_invitation_past_its_expiry_shows_as_expired_until_it_is_resent,
    |app| {
        let customer = app.create_customer(&ANNA, person("exp@example.com")).await;
        let id = id_of(&customer);
        let access = first_access(&app, &id).await;
        assert_eq!(access["status"], "invited");
        let expires = access["invitationExpiresAt"].as_str().unwrap().to_owned();
        app.clock.advance(days(8));
        let access = first_access(&app, &id).await;
        assert_eq!(access["status"], "expired");
        assert_eq!(access["invitationExpiresAt"], expires.as_str());
        let token = app.token_for("exp@example.com");
        assert_eq!(app.inspect(&token).await.status, 410);
        let path = format!(
            "/customers/{id}/accesses/{}/invitation",
            access["id"].as_str().unwrap()
        );
        app.post(&ANNA, &path, json!({})).await.expect(202);
        let access = first_access(&app, &id).await;
        assert_eq!(access["status"], "invited");
        assert!(access["invitationExpiresAt"].as_str().unwrap() > expires.as_str());
        app.inspect(app.token_for("exp@example.com"))
            .await
            .expect(200);
        // Once active, no expiry any more.
        app.register("exp@example.com", Some("+491701234567")).await;
        let access = first_access(&app, &id).await;
        assert_eq!(access["status"], "active");
        assert_eq!(access["invitationExpiresAt"], Value::Null);
    }
);

both_stores!(
    one_reminder_goes_out_after_three_days_with_a_new_link_and_code_and_the_old_ones_are_gone,
    |app| {
        let customer = app.create_customer(&ANNA, person("rem@example.com")).await;
        let id = id_of(&customer);
        let (old_token, old_code) = (
            app.token_for("rem@example.com"),
            app.code_for("+491701234567"),
        );
        let before = first_access(&app, &id).await;
        app.clock.advance(Duration::from_secs(2 * DAY + 23 * 3600));
        assert_eq!(run(&app).await, 0, "not due before three days");
        app.clock.advance(Duration::from_secs(2 * 3600));
        assert_eq!(run(&app).await, 1);
        assert_eq!(reminders_to(&app, "rem@example.com"), 1);
        let sms = app
            .outbox()
            .into_iter()
            .rev()
            .find(|e| e.channel == "sms")
            .unwrap();
        assert!(sms.body.starts_with("Erinnerung: "), "{}", sms.body);
        let (token, code) = (
            app.token_for("rem@example.com"),
            app.code_for("+491701234567"),
        );
        assert_ne!(token, old_token);
        assert_ne!(code, old_code);
        assert_eq!(app.inspect(&old_token).await.status, 410);
        app.inspect(&token).await.expect(200);
        let after = first_access(&app, &id).await;
        assert_eq!(after["status"], "invited");
        assert!(after["invitationExpiresAt"].as_str() > before["invitationExpiresAt"].as_str());
        // Exactly once: later runs send nothing more, until the new link expires too.
        assert_eq!(run(&app).await, 0);
        app.clock.advance(days(4));
        assert_eq!(run(&app).await, 0);
        assert_eq!(reminders_to(&app, "rem@example.com"), 1);
        let events = crate::history::history(&app, &id).await;
        let by_system: Vec<&Value> = events
            .iter()
            .filter(|e| e["action"] == "access.invited" && e["actor"]["kind"] == "system")
            .collect();
        assert_eq!(by_system.len(), 1, "{events:#?}");
        // The registration with the reminder's link and code works.
        app.register("rem@example.com", Some("+491701234567")).await;
    }
);

both_stores!(
    a_reminder_counts_against_the_sms_limit_but_not_the_senders_or_the_resend_limit,
    |app| {
        let customer = app.create_customer(&ANNA, person("lim@example.com")).await;
        let id = id_of(&customer);
        app.clock.advance(Duration::from_secs(3 * DAY + 60));
        assert_eq!(run(&app).await, 1);
        // The resend limit of the access is untouched: the first resend is no 429.
        let access = first_access(&app, &id).await;
        let path = format!(
            "/customers/{id}/accesses/{}/invitation",
            access["id"].as_str().unwrap()
        );
        app.post(&ANNA, &path, json!({})).await.expect(202);
    }
);

both_stores!(an_address_that_bounced_gets_no_reminder, |app| {
    app.create_customer(&ANNA, person("bounce@example.com"))
        .await;
    let message = app.message_to("bounce@example.com");
    app.report(&message, shared::domain::DeliveryState::Bounced)
        .await;
    let sent = app.outbox().len();
    app.clock.advance(Duration::from_secs(3 * DAY + 60));
    assert_eq!(run(&app).await, 0);
    assert_eq!(app.outbox().len(), sent, "nothing was sent");
    assert_eq!(reminders_to(&app, "bounce@example.com"), 0);
});

both_stores!(
    two_scheduled_runs_at_once_send_one_reminder_per_invitation,
    |app| {
        for i in 0..4 {
            app.create_customer(&ANNA, person(&format!("par-{i}@example.com")))
                .await;
        }
        app.clock.advance(Duration::from_secs(3 * DAY + 60));
        let (a, b) = tokio::join!(run(&app), run(&app));
        assert_eq!(a + b, 4, "{a} + {b}");
        assert_eq!(run(&app).await, 0);
        for i in 0..4 {
            assert_eq!(
                reminders_to(&app, &format!("par-{i}@example.com")),
                1,
                "{i}"
            );
        }
    }
);

/// A scheduled run with the store failing at its call `k`, then a run without faults: every
/// invitation got exactly one reminder.
async fn run_failing_at(store: Store, k: i64) -> bool {
    let base = spawn_app(store).await;
    for i in 0..2 {
        base.create_customer(&ANNA, person(&format!("crash-{i}@example.com")))
            .await;
    }
    // The backfill of the customers (written by this version: nothing to change) done first,
    // so that the faulty run's calls are the reminders' and the backfill's one GetItem.
    run(&base).await;
    base.clock.advance(Duration::from_secs(3 * DAY + 60));
    let faulty = Arc::new(FaultyTable::failing_at(base.table.clone(), k));
    let app = base.rerouted(|a| a.table = faulty.clone());
    let mut failing = app.app.clone();
    failing.table = faulty;
    let failed = shared::functions::run_scheduled(&failing).await.is_err();
    run(&app).await;
    for i in 0..2 {
        assert_eq!(
            reminders_to(&app, &format!("crash-{i}@example.com")),
            1,
            "fault at store call {k}, access {i}"
        );
    }
    failed
}

both_stores!(
    a_scheduled_run_that_fails_at_any_store_call_and_runs_again_sends_one_reminder_each,
    |app| {
        // Two reminders: a Query, a batch read, and per reminder a transaction, the identity
        // read and the delivery's transaction (8 calls), then the backfill's GetItem of its
        // state (done); one more k fails nothing.
        let mut failures = 0;
        for k in 0..10 {
            if run_failing_at(app.store, k).await {
                failures += 1;
            }
        }
        // The Query, the batch read, the two reminders' transactions and the backfill's read
        // fail the run; the identity read and the delivery record are logged and the run goes
        // on.
        assert_eq!(failures, 5);
    }
);

both_stores!(
    reviews_fall_due_for_the_administrators_oldest_first_and_leave_the_list_once_confirmed,
    |app| {
        let older = app
            .create_customer(&ANNA, person("rev-1@example.com"))
            .await;
        app.clock.advance(days(1));
        let newer = app
            .create_customer(&ANNA, person("rev-2@example.com"))
            .await;
        let (older, newer) = (id_of(&older), id_of(&newer));
        let view = app.authorisations(&ANNA, &older).await.expect(200);
        assert_eq!(view["accessReview"]["reviewedAt"], Value::Null);
        assert_eq!(view["accessReview"]["reviewedBy"], Value::Null);
        let due_at = view["accessReview"]["dueAt"].as_str().unwrap().to_owned();
        let due = app.get(&ANNA, "/access-reviews").await.expect(200);
        assert_eq!(due["items"], json!([]), "not due within 30 days yet");
        app.clock.advance(days(340));
        let due = app.get(&ANNA, "/access-reviews").await.expect(200);
        let ids = customer_ids(&due);
        assert_eq!(ids, [older.as_str(), newer.as_str()], "oldest first");
        assert_eq!(due["items"][0]["dueAt"], due_at.as_str());
        assert_eq!(due["items"][0]["overdue"], false);
        assert_eq!(
            due["items"][0]["customer"]["displayName"],
            "Mustermann, Erika"
        );
        // Ben administers neither; the platform admin sees all.
        let bens = app.get(&BEN, "/access-reviews").await.expect(200);
        assert_eq!(bens["items"], json!([]));
        let roots = app.get(&ROOT, "/access-reviews").await.expect(200);
        assert_eq!(roots["items"].as_array().unwrap().len(), 2);
        app.clock.advance(days(30));
        let due = app.get(&ANNA, "/access-reviews").await.expect(200);
        assert_eq!(due["items"][0]["overdue"], true);
        // Paging: one at a time, in the same order.
        let page = app.get(&ANNA, "/access-reviews?limit=1").await.expect(200);
        assert_eq!(page["items"][0]["customer"]["id"], older.as_str());
        let cursor = page["nextCursor"].as_str().unwrap();
        let next = app
            .get(&ANNA, &format!("/access-reviews?limit=1&cursor={cursor}"))
            .await
            .expect(200);
        assert_eq!(next["items"][0]["customer"]["id"], newer.as_str());
        assert_eq!(next["nextCursor"], Value::Null);
        // Only administrators (and platform admins) confirm.
        let path = format!("/customers/{older}/access-review");
        app.post(&BEN, &path, json!({})).await.expect(403);
        let confirmed = app.post(&ANNA, &path, json!({})).await.expect(200);
        assert_eq!(confirmed["accessReview"]["reviewedBy"], "anna");
        assert!(confirmed["accessReview"]["dueAt"].as_str().unwrap() > due_at.as_str());
        let due = app.get(&ANNA, "/access-reviews").await.expect(200);
        let ids = customer_ids(&due);
        assert_eq!(ids, [newer.as_str()], "gone once reviewed");
        app.post(
            &ROOT,
            &format!("/customers/{newer}/access-review"),
            json!({}),
        )
        .await
        .expect(200);
        let roots = app.get(&ROOT, "/access-reviews").await.expect(200);
        assert_eq!(roots["items"], json!([]));
        let events = crate::history::history(&app, &older).await;
        let reviewed: Vec<&Value> = events
            .iter()
            .filter(|e| e["action"] == "access.reviewed")
            .collect();
        assert_eq!(reviewed.len(), 1, "{events:#?}");
        assert_eq!(
            reviewed[0]["actor"],
            json!({"kind": "specialist", "id": "anna"})
        );
        assert_eq!(reviewed[0]["subject"]["kind"], "customer");
        let export = app
            .get(&ANNA, &format!("/customers/{older}/export"))
            .await
            .expect(200);
        let review = &export["authorisations"]["accessReview"];
        assert_eq!(review["reviewedBy"], "anna", "{review}");
    }
);

both_stores!(
    a_review_of_an_unknown_customer_is_404_and_a_body_other_than_an_empty_object_is_refused,
    |app| {
        app.post(&ANNA, "/customers/cus_nothere/access-review", json!({}))
            .await
            .expect(404);
        let customer = app.create_customer(&ANNA, person("body@example.com")).await;
        let path = format!("/customers/{}/access-review", id_of(&customer));
        let res = app.post(&ANNA, &path, json!({"confirm": true})).await;
        assert!(res.status == 400 || res.status == 422, "{}", res.status);
        let res = app.get(&ANNA, "/access-reviews?limit=0").await;
        assert_eq!(res.status, 422);
        assert_eq!(res.field_errors(), ["limit"]);
        let res = app.get(&ANNA, "/access-reviews?cursor=forged").await;
        assert_eq!(res.status, 400);
    }
);

/// The customers of a page of `GET /access-reviews`, in its order.
fn customer_ids(page: &serde_json::Value) -> Vec<&str> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["customer"]["id"].as_str().unwrap())
        .collect()
}

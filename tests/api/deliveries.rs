//! What the mail service reports after sending: recorded on the access whose current
//! invitation the e-mail was, never on a newer one; a bounced or complained address is not
//! invited again until it is changed.

use crate::both_stores;
use crate::helpers::*;
use serde_json::{Value, json};
use shared::domain::DeliveryState;
use shared::usecases::deliveries::{self, Outcome};

/// A customer without a mobile number, whose first access is invited at `email`.
async fn invited(app: &TestApp, email: &str) -> (String, String) {
    let id = app.create_customer(&ANNA, company(email)).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let view = app.authorisations(&ANNA, &id).await.expect(200);
    let access = view["accesses"][0]["id"].as_str().unwrap().to_owned();
    (id, access)
}

async fn email_state(app: &TestApp, customer: &str) -> Value {
    app.authorisations(&ANNA, customer).await.expect(200)["accesses"][0]["delivery"]["email"]
        .clone()
}

both_stores!(
    a_bounce_is_shown_on_the_access_and_blocks_reinvitation_until_the_address_changes,
    |app| {
        let (id, access) = invited(&app, "tippfehler@example.com").await;
        let first = app.message_to("tippfehler@example.com");
        assert_eq!(email_state(&app, &id).await, "sent");
        assert_eq!(
            app.report(&first, DeliveryState::Bounced).await,
            Outcome::Recorded
        );
        assert_eq!(email_state(&app, &id).await, "bounced");
        let path = format!("/customers/{id}/accesses/{access}");
        let resend = app
            .post(&ANNA, &format!("{path}/invitation"), json!({}))
            .await;
        assert_eq!(resend.status, 409, "{}", resend.body);
        assert_eq!(resend.body["type"], "/problems/address-undeliverable");
        let mobile_only = app
            .patch(&ANNA, &path, json!({"mobile": "0170 1234567"}))
            .await;
        assert_eq!(mobile_only.status, 409, "{}", mobile_only.body);
        let names = app.patch(&ANNA, &path, json!({"firstName": "Maxi"})).await;
        assert_eq!(
            names.status, 200,
            "changing a name sends nothing: {}",
            names.body
        );
        // A changed address is invited again; the old e-mail's late reports change nothing.
        app.patch(&ANNA, &path, json!({"email": "richtig@example.com"}))
            .await
            .expect(200);
        assert_eq!(email_state(&app, &id).await, "sent");
        assert_eq!(
            app.report(&first, DeliveryState::Complained).await,
            Outcome::Ignored
        );
        assert_eq!(email_state(&app, &id).await, "sent");
        let second = app.message_to("richtig@example.com");
        assert_eq!(
            app.report(&second, DeliveryState::Delivered).await,
            Outcome::Recorded
        );
        assert_eq!(email_state(&app, &id).await, "delivered");
        app.post(&ANNA, &format!("{path}/invitation"), json!({}))
            .await
            .expect(202);
    }
);

both_stores!(
    a_delivery_reported_late_never_hides_a_bounce_or_complaint,
    |app| {
        let (id, _) = invited(&app, "spam@example.com").await;
        let message = app.message_to("spam@example.com");
        assert_eq!(
            app.report(&message, DeliveryState::Delivered).await,
            Outcome::Recorded
        );
        assert_eq!(
            app.report(&message, DeliveryState::Complained).await,
            Outcome::Recorded
        );
        assert_eq!(
            app.report(&message, DeliveryState::Delivered).await,
            Outcome::Ignored
        );
        assert_eq!(email_state(&app, &id).await, "complained");
        // The same report twice changes nothing more (SNS may deliver twice).
        assert_eq!(
            app.report(&message, DeliveryState::Complained).await,
            Outcome::Recorded
        );
        assert_eq!(email_state(&app, &id).await, "complained");
    }
);

both_stores!(
    reports_about_unknown_e_mails_or_registered_accesses_are_ignored,
    |app| {
        assert_eq!(
            app.report("0107-unknown", DeliveryState::Bounced).await,
            Outcome::Ignored
        );
        assert_eq!(
            app.report("", DeliveryState::Bounced).await,
            Outcome::Ignored
        );
        let (id, _) = invited(&app, "fertig@example.com").await;
        let message = app.message_to("fertig@example.com");
        app.register("fertig@example.com", None).await;
        assert_eq!(
            app.report(&message, DeliveryState::Bounced).await,
            Outcome::Ignored
        );
        let view = app.authorisations(&ANNA, &id).await.expect(200);
        assert_eq!(view["accesses"][0]["status"], "active");
        assert!(view["accesses"][0]["delivery"].is_null());
    }
);

both_stores!(
    an_sns_notification_of_a_permanent_bounce_is_recorded_and_a_transient_one_is_not,
    |app| {
        let (id, _) = invited(&app, "voll@example.com").await;
        let message = app.message_to("voll@example.com");
        let sns = |bounce_type: &str| {
            let ses = json!({
                "eventType": "Bounce",
                "bounce": {"bounceType": bounce_type, "bouncedRecipients": [{"emailAddress": "voll@example.com"}]},
                "mail": {"messageId": message, "destination": ["voll@example.com"]}
            });
            json!({"Records": [{"EventSource": "aws:sns", "Sns": {"Type": "Notification", "Message": ses.to_string()}}]})
        };
        let transient = deliveries::record_sns(&app.app, &sns("Transient"))
            .await
            .unwrap();
        assert_eq!(transient, [Outcome::Ignored]);
        assert_eq!(email_state(&app, &id).await, "sent");
        let permanent = deliveries::record_sns(&app.app, &sns("Permanent"))
            .await
            .unwrap();
        assert_eq!(permanent, [Outcome::Recorded]);
        assert_eq!(email_state(&app, &id).await, "bounced");
    }
);

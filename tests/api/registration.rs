//! Accesses and registration: invitations by e-mail and SMS, inspect, complete, lockout,
//! expiry, resend and re-invitation, on both stores.

use crate::both_stores;
use crate::helpers::*;
use futures::future::join_all;
use serde_json::{Value, json};
use std::time::Duration;

async fn customer_with_mobile(app: &TestApp, email: &str) -> String {
    app.create_customer(&ANNA, person(email)).await["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

both_stores!(
    an_end_user_registers_with_link_and_sms_code_and_then_signs_in,
    |app| {
        let id = customer_with_mobile(&app, "erika@example.com").await;
        let token = app.token_for("erika@example.com");
        let inspected = app.inspect(&token).await.expect(200);
        assert_eq!(inspected["smsCodeRequired"], true);
        assert_eq!(inspected["email"], "e***@example.com");
        assert_eq!(inspected["language"], "de");
        assert_eq!(inspected["locked"], false);
        assert_eq!(inspected["existingAccount"], false);
        assert_eq!(inspected["customer"]["displayName"], "Mustermann, Erika");
        // Inspecting never uses the link up.
        app.inspect(&token).await.expect(200);
        let code = app
            .code_for("+491701234567")
            .to_lowercase()
            .replace('-', " ");
        let done = app
            .complete(json!({"token": token, "smsCode": code, "password": "ein-sicheres-Passwort"}))
            .await
            .expect(200);
        assert_eq!(done, json!({"status": "active"}));
        let subject = app
            .identity
            .check("erika@example.com", "ein-sicheres-Passwort")
            .expect("the end user can sign in");
        let view = app.authorisations(&ANNA, &id).await.expect(200);
        assert_eq!(view["accesses"][0]["status"], "active");
        assert!(view["accesses"][0]["activatedAt"].is_string());
        let me = app
            .get(&Who::EndUser(subject.clone()), "/me")
            .await
            .expect(200);
        assert_eq!(me["email"], "erika@example.com");
        assert_eq!(me["customers"].as_array().unwrap().len(), 1);
        assert_eq!(me["customers"][0]["access"]["email"], "erika@example.com");
        assert_eq!(me["customers"][0]["customer"]["id"], id.as_str());
        assert_eq!(
            app.get(&Who::EndUser(subject.clone()), "/me/transactions")
                .await
                .expect(200),
            json!({"items": []})
        );
        assert_eq!(
            app.get(&Who::EndUser(subject), "/customers").await.status,
            403,
            "end users stay out of staff endpoints"
        );
        // The link works once.
        let again = app
            .complete(json!({"token": token, "smsCode": code, "password": "ein-sicheres-Passwort"}))
            .await;
        assert_eq!(again.status, 410);
        assert_eq!(app.inspect(&token).await.status, 410);
    }
);

both_stores!(a_customer_without_mobile_registers_without_a_code, |app| {
    app.create_customer(&ANNA, company("info@firma.example.com"))
        .await;
    let token = app.token_for("info@firma.example.com");
    let inspected = app.inspect(&token).await.expect(200);
    assert_eq!(inspected["smsCodeRequired"], false);
    assert_eq!(inspected["language"], "en");
    app.complete(json!({"token": token, "password": "ein-sicheres-Passwort"}))
        .await
        .expect(200);
});

both_stores!(unknown_and_malformed_links_are_not_found, |app| {
    for token in ["", "short", "q7X2mV9sLk4Rz8Tn1Wb6Yc3Hd5Jf0Pg-eUa_oNi2KxE"] {
        let res = app.inspect(&token).await;
        assert!(
            matches!(res.status.as_u16(), 404 | 422),
            "{token}: {}",
            res.status
        );
    }
    assert_eq!(
        app.inspect("q7X2mV9sLk4Rz8Tn1Wb6Yc3Hd5Jf0Pg-eUa_oNi2KxE")
            .await
            .status,
        404
    );
    assert_eq!(app.inspect(5).await.status, 400);
});

both_stores!(
    weak_passwords_and_wrong_codes_are_refused_and_five_wrong_codes_lock,
    |app| {
        customer_with_mobile(&app, "lock@example.com").await;
        let token = app.token_for("lock@example.com");
        let code = app.code_for("+491701234567");
        let weak = app
            .complete(json!({"token": token, "smsCode": code, "password": "kurz"}))
            .await;
        assert_eq!(weak.status, 422);
        assert_eq!(weak.field_errors(), vec!["password"]);
        let same = app
            .complete(json!({"token": token, "smsCode": code, "password": "lock@example.com"}))
            .await;
        assert_eq!(
            same.field_errors(),
            vec!["password"],
            "not the e-mail address"
        );
        let missing = app
            .complete(json!({"token": token, "password": "ein-sicheres-Passwort"}))
            .await;
        assert_eq!(missing.field_errors(), vec!["smsCode"]);
        let wrong = if code.starts_with('2') {
            "3333-3333"
        } else {
            "2222-2222"
        };
        for attempt in 1..=4 {
            let res = app
                .complete(
                    json!({"token": token, "smsCode": wrong, "password": "ein-sicheres-Passwort"}),
                )
                .await;
            assert_eq!(res.status, 422, "attempt {attempt}");
            assert_eq!(res.field_errors(), vec!["smsCode"]);
        }
        let fifth = app
            .complete(
                json!({"token": token, "smsCode": wrong, "password": "ein-sicheres-Passwort"}),
            )
            .await;
        assert_eq!(fifth.status, 429);
        let right_but_locked = app
            .complete(json!({"token": token, "smsCode": code, "password": "ein-sicheres-Passwort"}))
            .await;
        assert_eq!(right_but_locked.status, 429, "locked until resent");
        assert_eq!(app.inspect(&token).await.expect(200)["locked"], true);
        assert!(
            app.identity
                .check("lock@example.com", "ein-sicheres-Passwort")
                .is_none()
        );
    }
);

both_stores!(a_resend_replaces_link_and_code_and_unlocks, |app| {
    let id = customer_with_mobile(&app, "resend@example.com").await;
    let old_token = app.token_for("resend@example.com");
    let old_code = app.code_for("+491701234567");
    let view = app.authorisations(&ANNA, &id).await.expect(200);
    let access_id = view["accesses"][0]["id"].as_str().unwrap().to_owned();
    let resend = format!("/customers/{id}/accesses/{access_id}/invitation");
    assert_eq!(
        app.post(&BEN, &resend, json!({})).await.status,
        403,
        "only administrators"
    );
    let res = app.post(&ANNA, &resend, json!({})).await.expect(202);
    assert_eq!(res["id"], access_id.as_str(), "the access keeps its id");
    let new_token = app.token_for("resend@example.com");
    assert_ne!(new_token, old_token);
    assert_eq!(
        app.inspect(&old_token).await.status,
        410,
        "earlier links stop working"
    );
    let old = app
        .complete(
            json!({"token": old_token, "smsCode": old_code, "password": "ein-sicheres-Passwort"}),
        )
        .await;
    assert_eq!(old.status, 410);
    app.register("resend@example.com", Some("+491701234567"))
        .await;
    let active = app.post(&ANNA, &resend, json!({})).await;
    assert_eq!(
        active.status, 409,
        "an active access has no invitation to resend"
    );
    assert_eq!(active.body["type"], "/problems/access-active");
});

both_stores!(resends_are_rate_limited_per_access, |app| {
    let id = customer_with_mobile(&app, "limit@example.com").await;
    let view = app.authorisations(&ANNA, &id).await.expect(200);
    let resend = format!(
        "/customers/{id}/accesses/{}/invitation",
        view["accesses"][0]["id"].as_str().unwrap()
    );
    // The creation's invitation is no resend: five resends, then 429.
    for _ in 0..5 {
        app.post(&ANNA, &resend, json!({})).await.expect(202);
    }
    let refused = app.post(&ANNA, &resend, json!({})).await;
    assert_eq!(refused.status, 429, "five resends in 24 hours");
    assert!(refused.headers.contains_key("retry-after"));
    let mails = app
        .outbox()
        .iter()
        .filter(|m| m.to == "limit@example.com")
        .count();
    assert_eq!(mails, 6, "the first invitation and five resends");
    app.clock.advance(Duration::from_secs(24 * 3600 + 60));
    app.post(&ANNA, &resend, json!({})).await.expect(202);
});

both_stores!(links_expire_after_seven_days, |app| {
    customer_with_mobile(&app, "expire@example.com").await;
    let token = app.token_for("expire@example.com");
    let code = app.code_for("+491701234567");
    app.clock.advance(Duration::from_secs(7 * 24 * 3600 + 1));
    assert_eq!(app.inspect(&token).await.status, 410);
    let res = app
        .complete(json!({"token": token, "smsCode": code, "password": "ein-sicheres-Passwort"}))
        .await;
    assert_eq!(res.status, 410);
});

both_stores!(
    parallel_completions_of_one_link_let_exactly_one_win,
    |app| {
        customer_with_mobile(&app, "parallel@example.com").await;
        let token = app.token_for("parallel@example.com");
        let code = app.code_for("+491701234567");
        let app = &app;
        let tries = (0..6).map(|_| {
            let body =
                json!({"token": token, "smsCode": code, "password": "ein-sicheres-Passwort"});
            async move { app.complete(body).await.status.as_u16() }
        });
        let statuses = join_all(tries).await;
        assert_eq!(
            statuses.iter().filter(|s| **s == 200).count(),
            1,
            "{statuses:?}"
        );
        assert!(
            statuses.iter().all(|s| matches!(s, 200 | 409 | 410)),
            "{statuses:?}"
        );
        assert_eq!(app.identity.count(), 1);
    }
);

both_stores!(
    creating_an_access_invites_it_and_refuses_a_taken_address,
    |app| {
        let id = customer_with_mobile(&app, "first@example.com").await;
        let path = format!("/customers/{id}/accesses");
        let res = app.post(&ANNA, &path, json!({"firstName": "Max", "lastName": "Mustermann", "email": "max@example.com", "language": "en"})).await;
        let location = res.headers["location"].to_str().unwrap().to_owned();
        let access = res.expect(201);
        assert_eq!(
            location,
            format!("{path}/{}", access["id"].as_str().unwrap())
        );
        assert_eq!(access["status"], "invited");
        assert_eq!(access["mobile"], Value::Null);
        assert!(
            app.outbox()
                .last()
                .unwrap()
                .subject
                .as_deref()
                .unwrap()
                .contains("registration"),
            "English e-mail"
        );
        let missing = app
            .post(&ANNA, &path, json!({"email": "x@example.com"}))
            .await;
        assert_eq!(missing.field_errors(), vec!["firstName", "lastName"]);
        let taken = app
            .post(
                &ANNA,
                &path,
                json!({"firstName": "E", "lastName": "M", "email": "FIRST@example.com"}),
            )
            .await;
        assert_eq!(taken.status, 409);
        assert_eq!(
            app.post(
                &BEN,
                &path,
                json!({"firstName": "E", "lastName": "M", "email": "e2@example.com"})
            )
            .await
            .status,
            403
        );
        assert_eq!(
            app.post(
                &ANNA,
                "/customers/cus_nope/accesses",
                json!({"firstName": "E", "lastName": "M", "email": "e3@example.com"})
            )
            .await
            .status,
            404
        );
        let view = app.authorisations(&ANNA, &id).await.expect(200);
        assert_eq!(view["accesses"].as_array().unwrap().len(), 2);
    }
);

both_stores!(
    fixing_an_invited_access_email_revokes_the_old_link_and_sends_a_new_one,
    |app| {
        let id = customer_with_mobile(&app, "typo@exmaple.com").await;
        let old_token = app.token_for("typo@exmaple.com");
        let view = app.authorisations(&ANNA, &id).await.expect(200);
        let path = format!(
            "/customers/{id}/accesses/{}",
            view["accesses"][0]["id"].as_str().unwrap()
        );
        let fixed = app
            .patch(&ANNA, &path, json!({"email": "typo@example.com"}))
            .await
            .expect(200);
        assert_eq!(fixed["email"], "typo@example.com");
        assert_eq!(app.inspect(&old_token).await.status, 410);
        app.register("typo@example.com", Some("+491701234567"))
            .await;
        // The old address is free again at this customer; the new one is taken here.
        let access = |email: &str| json!({"firstName": "T", "lastName": "Ypo", "email": email});
        let accesses = format!("/customers/{id}/accesses");
        assert_eq!(
            app.post(&ANNA, &accesses, access("typo@example.com"))
                .await
                .status,
            409
        );
        app.post(&ANNA, &accesses, access("typo@exmaple.com"))
            .await
            .expect(201);
        // An active access keeps its sign-in name.
        let res = app
            .patch(&ANNA, &path, json!({"email": "other@example.com"}))
            .await;
        assert_eq!(res.field_errors(), vec!["email"]);
        let renamed = app
            .patch(
                &ANNA,
                &path,
                json!({"firstName": "Erika Maria", "mobile": null}),
            )
            .await
            .expect(200);
        assert_eq!(renamed["firstName"], "Erika Maria");
        assert_eq!(renamed["mobile"], Value::Null);
        assert_eq!(renamed["status"], "active");
    }
);

both_stores!(
    a_failed_delivery_keeps_everything_and_shows_on_the_access,
    |app| {
        // Not the outbox: a mailer that fails, as SES does when the identity is not verified.
        let failing = std::sync::Arc::new(crate::helpers::FailingDelivery);
        let app = app.rerouted(|a| {
            a.mailer = failing.clone();
            a.sms = failing;
        });
        let res = app.create_customer(&ANNA, person("fail@example.com")).await;
        assert_eq!(res["accesses"][0]["delivery"]["email"], "failed");
        assert_eq!(res["accesses"][0]["delivery"]["sms"], "failed");
        let id = res["id"].as_str().unwrap();
        let view = app.authorisations(&ANNA, id).await.expect(200);
        assert_eq!(
            view["accesses"][0]["delivery"]["email"], "failed",
            "stored, shown in the view"
        );
        assert_eq!(
            app.get(&ANNA, &format!("/customers/{id}")).await.status,
            200,
            "the customer is saved"
        );
    }
);

both_stores!(
    re_invitations_by_fixing_the_mobile_count_against_the_resend_limit,
    |app| {
        let id = customer_with_mobile(&app, "patchlimit@example.com").await;
        let view = app.authorisations(&ANNA, &id).await.expect(200);
        let path = format!(
            "/customers/{id}/accesses/{}",
            view["accesses"][0]["id"].as_str().unwrap()
        );
        let numbers = [
            "0170 1111111",
            "0170 2222222",
            "0170 3333333",
            "0170 4444444",
            "0170 6666666",
        ];
        for n in numbers {
            app.patch(&ANNA, &path, json!({"mobile": n}))
                .await
                .expect(200);
        }
        let res = app
            .patch(&ANNA, &path, json!({"mobile": "0170 5555555"}))
            .await;
        assert_eq!(
            res.status, 429,
            "five re-invitations in 24 hours (the creation's invitation is none)"
        );
        assert_eq!(
            app.post(&ANNA, &format!("{path}/invitation"), json!({}))
                .await
                .status,
            429
        );
        assert_eq!(
            app.patch(&ANNA, &path, json!({"firstName": "Erika"}))
                .await
                .status,
            200,
            "other changes need no invitation"
        );
    }
);

//! One end user with accesses at several customers: invited twice, registered once, accepted
//! with the existing password; `/me` across customers; removing accesses ends the sign-in only
//! with the last; tokens of each issuer open only their own routes.

use crate::both_stores;
use crate::helpers::*;
use http::Method;
use serde_json::{Value, json};

const EMAIL: &str = "gf@example.com";
const PASSWORD: &str = "ein-sicheres-Passwort";

/// A company (no mobile: no SMS code) whose contact is `email`, created by `who`.
async fn company_of(app: &TestApp, who: &Who, name: &str, email: &str) -> String {
    let mut body = company(email);
    body["companyName"] = json!(name);
    app.create_customer(who, body).await["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Two client companies with the same managing director; the first is registered.
async fn two_companies(app: &TestApp) -> (String, String, String) {
    let first = company_of(app, &ANNA, "Alpha GmbH", EMAIL).await;
    let subject = app.register(EMAIL, None).await;
    let second = company_of(app, &BEN, "Beta GmbH", EMAIL).await;
    (first, second, subject)
}

async fn transaction(app: &TestApp, who: &Who, customer: &str, title: &str) {
    app.post(
        who,
        &format!("/customers/{customer}/transactions"),
        json!({ "title": title }),
    )
    .await
    .expect(201);
}

fn titles(body: &Value) -> Vec<String> {
    let mut t: Vec<String> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["title"].as_str().unwrap().to_owned())
        .collect();
    t.sort();
    t
}

/// The customer's first access (read by the platform admin, who sees every customer).
async fn access_id(app: &TestApp, customer: &str) -> Value {
    app.authorisations(&ROOT, customer).await.expect(200)["accesses"][0]["id"].clone()
}

async fn remove_access(app: &TestApp, customer: &str) {
    let access = access_id(app, customer).await;
    app.post(
        &ROOT,
        &format!("/customers/{customer}/authorisations/remove"),
        json!({ "accessIds": [access] }),
    )
    .await
    .expect(200);
}

both_stores!(
    an_end_user_invited_by_two_customers_registers_once_accepts_once_and_sees_both,
    |app| {
        let (first, second, subject) = two_companies(&app).await;
        let mail = app
            .outbox()
            .into_iter()
            .rev()
            .find(|e| e.to == EMAIL)
            .unwrap();
        assert!(
            mail.body.contains("existing password") || mail.body.contains("bestehenden Passwort"),
            "the second invitation says to use the existing sign-in: {}",
            mail.body
        );
        let token = app.token_for(EMAIL);
        let inspected = app.inspect(&token).await.expect(200);
        assert_eq!(inspected["existingAccount"], true);
        assert_eq!(inspected["customer"]["displayName"], "Beta GmbH");
        app.complete(json!({"token": token, "password": PASSWORD}))
            .await
            .expect(200);
        assert_eq!(
            app.identity.check(EMAIL, PASSWORD).as_deref(),
            Some(subject.as_str()),
            "the same sign-in, with the same password"
        );
        transaction(&app, &ANNA, &first, "Jahresabschluss Alpha").await;
        transaction(&app, &BEN, &second, "Lohn Beta").await;
        let me = Who::EndUser(subject);
        let view = app.get(&me, "/me").await.expect(200);
        assert_eq!(view["email"], EMAIL);
        let names: Vec<_> = view["customers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["customer"]["displayName"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["Alpha GmbH", "Beta GmbH"], "sorted by display name");
        assert_eq!(view["customers"][1]["access"]["status"], "active");
        let all = app.get(&me, "/me/transactions").await.expect(200);
        assert_eq!(titles(&all), ["Jahresabschluss Alpha", "Lohn Beta"]);
        let only = app
            .get(&me, &format!("/me/transactions?customerId={second}"))
            .await
            .expect(200);
        assert_eq!(titles(&only), ["Lohn Beta"]);
        let elsewhere = company_of(&app, &ANNA, "Gamma GmbH", "other@example.com").await;
        let res = app
            .get(&me, &format!("/me/transactions?customerId={elsewhere}"))
            .await;
        assert_eq!(res.status, 404, "no access there: {}", res.body);
    }
);

both_stores!(
    removing_one_of_two_accesses_keeps_the_sign_in_and_removing_the_second_ends_it,
    |app| {
        let (first, second, subject) = two_companies(&app).await;
        let token = app.token_for(EMAIL);
        app.complete(json!({"token": token, "password": PASSWORD}))
            .await
            .expect(200);
        let me = Who::EndUser(subject);
        remove_access(&app, &first).await;
        assert!(
            app.identity.check(EMAIL, PASSWORD).is_some(),
            "still signs in"
        );
        let view = app.get(&me, "/me").await.expect(200);
        assert_eq!(view["customers"].as_array().unwrap().len(), 1);
        assert_eq!(view["customers"][0]["customer"]["id"], second.as_str());
        remove_access(&app, &second).await;
        assert!(
            app.identity.check(EMAIL, PASSWORD).is_none(),
            "the sign-in ended"
        );
        assert_eq!(app.get(&me, "/me").await.status, 401);
        let left: Vec<_> = app
            .scan()
            .await
            .into_iter()
            .filter(|i| {
                let pk = i["pk"].as_str().unwrap();
                pk.starts_with("IDENTITY#") || pk.starts_with("SIGNIN#")
            })
            .collect();
        assert!(left.is_empty(), "no identity without an access: {left:?}");
    }
);

both_stores!(
    an_identity_whose_only_remaining_access_is_invited_keeps_its_sign_in_and_sees_no_customer,
    |app| {
        let (first, second, subject) = two_companies(&app).await;
        remove_access(&app, &first).await;
        assert!(app.identity.check(EMAIL, PASSWORD).is_some());
        let view = app.get(&Who::EndUser(subject), "/me").await.expect(200);
        assert_eq!(view["customers"], json!([]));
        let inspected = app.inspect(app.token_for(EMAIL)).await.expect(200);
        assert_eq!(inspected["existingAccount"], true);
        // Its removal ends the sign-in too: it was the identity's last access.
        remove_access(&app, &second).await;
        assert!(app.identity.check(EMAIL, PASSWORD).is_none());
    }
);

both_stores!(
    a_wrong_existing_password_counts_like_a_wrong_code_and_never_changes_the_sign_in,
    |app| {
        let (_, _, subject) = two_companies(&app).await;
        let token = app.token_for(EMAIL);
        // A new password where the existing one is asked for: refused, not set.
        for i in 0..4 {
            let res = app
                .complete(json!({"token": token, "password": format!("ein-neues-Passwort-{i}")}))
                .await;
            assert_eq!(res.status, 422, "{}", res.body);
            assert_eq!(res.field_errors(), vec!["password"]);
        }
        let fifth = app
            .complete(json!({"token": token, "password": "noch-ein-anderes-Passwort"}))
            .await;
        assert_eq!(fifth.status, 429, "the fifth failure locks: {}", fifth.body);
        let locked = app
            .complete(json!({"token": token, "password": PASSWORD}))
            .await;
        assert_eq!(locked.status, 429, "locked until resent");
        assert_eq!(
            app.identity.check(EMAIL, PASSWORD).as_deref(),
            Some(subject.as_str()),
            "the sign-in and its password are unchanged"
        );
        let empty = app.complete(json!({"token": token, "password": ""})).await;
        assert!(matches!(empty.status.as_u16(), 422 | 429), "{}", empty.body);
    }
);

both_stores!(
    parallel_removals_of_an_identitys_last_two_accesses_end_its_sign_in,
    |app| {
        let (first, second, _) = two_companies(&app).await;
        let token = app.token_for(EMAIL);
        app.complete(json!({"token": token, "password": PASSWORD}))
            .await
            .expect(200);
        let (a, b) = (
            access_id(&app, &first).await,
            access_id(&app, &second).await,
        );
        let remove = |customer: String, access: Value| {
            let app = &app;
            async move {
                app.post(
                    &ROOT,
                    &format!("/customers/{customer}/authorisations/remove"),
                    json!({ "accessIds": [access] }),
                )
                .await
                .status
            }
        };
        let (x, y) = futures::join!(
            remove(first.clone(), a.clone()),
            remove(second.clone(), b.clone())
        );
        // A conflict between the two is answered 409 and a retry finishes.
        for (status, customer, access) in [(x, &first, a), (y, &second, b)] {
            if status != 200 {
                assert_eq!(status, 409);
                assert_eq!(remove(customer.clone(), access).await, 200);
            }
        }
        assert!(
            app.identity.check(EMAIL, PASSWORD).is_none(),
            "no sign-in outlives the identity's accesses"
        );
    }
);

both_stores!(
    an_invited_address_that_signs_in_with_this_access_alone_cannot_be_renamed,
    |app| {
        let (first, second, _) = two_companies(&app).await;
        remove_access(&app, &first).await;
        let access = access_id(&app, &second).await;
        let path = format!("/customers/{second}/accesses/{}", access.as_str().unwrap());
        let res = app
            .patch(&ROOT, &path, json!({"email": "neu@example.com"}))
            .await;
        assert_eq!(res.status, 409, "{}", res.body);
        assert_eq!(res.body["type"], "/problems/sole-sign-in");
        assert!(app.identity.check(EMAIL, PASSWORD).is_some());
    }
);

/// The status of `GET path` with a token of `iss` for `sub`, naming `groups`.
async fn status_with(app: &TestApp, iss: &str, sub: &str, groups: Option<&str>, path: &str) -> u16 {
    let mut claims = json!({"iss": iss, "sub": sub});
    if let Some(g) = groups {
        claims["cognito:groups"] = json!(g);
    }
    app.send_with_claims(claims, Method::GET, path).await
}

both_stores!(each_issuers_tokens_open_only_their_own_routes, |app| {
    let (first, _, subject) = two_companies(&app).await;
    let issuers = shared::config::Issuers::local();
    // A staff token on /me, an end-user token on a staff route: refused.
    assert_eq!(app.get(&ANNA, "/me").await.status, 403);
    assert_eq!(
        app.get(
            &Who::EndUser(subject.clone()),
            &format!("/customers/{first}")
        )
        .await
        .status,
        403
    );
    // An end user's token that names staff groups is still an end user's.
    let forged = status_with(
        &app,
        &issuers.end_user,
        &subject,
        Some("[specialists admins]"),
        "/customers",
    )
    .await;
    assert_eq!(forged, 403);
    // A token of another issuer, or a staff token without a staff group, is no caller.
    assert_eq!(
        status_with(
            &app,
            "https://evil.example.com",
            "anna",
            Some("[specialists]"),
            "/customers"
        )
        .await,
        401
    );
    assert_eq!(
        status_with(&app, &issuers.staff, "someone", None, "/customers").await,
        401
    );
    assert_eq!(
        status_with(&app, &issuers.staff, &subject, None, "/me").await,
        401
    );
});

both_stores!(
    a_specialists_address_invited_as_an_end_user_leaves_the_staff_sign_in_alone,
    |app| {
        // anna's own address, as a client of the firm: the end users' identity provider gets
        // a sign-in; the staff sign-in (another provider) is not touched.
        let customer = company_of(&app, &BEN, "Albers Privat", "anna@kanzlei.example.com").await;
        let subject = app.register("anna@kanzlei.example.com", None).await;
        assert_ne!(subject, "anna");
        app.get(&ANNA, &format!("/customers/{customer}"))
            .await
            .expect(200);
        assert_eq!(
            app.get(&Who::EndUser(subject.clone()), "/customers")
                .await
                .status,
            403
        );
        app.get(&Who::EndUser(subject), "/me").await.expect(200);
    }
);

//! The abuse limits of the contract (v2), on both stores: invitations per specialist, SMS per
//! number, SMS countries, registration requests per address, resends per access, and the
//! attempts reserved before a code is compared. Each limit holds under parallel requests.

use crate::helpers::*;
use futures::future::join_all;
use serde_json::{Value, json};
use shared::config::Limits;

/// Runs one scenario on both stores with these limits.
macro_rules! with_limits {
    ($name:ident, $limits:expr, |$app:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            async fn scenario($app: TestApp) $body

            #[tokio::test]
            async fn in_memory() {
                scenario(spawn_app_with(Store::Memory, $limits).await).await;
            }

            #[tokio::test]
            async fn on_dynamodb() {
                scenario(spawn_app_with(Store::Dynamo, $limits).await).await;
            }
        }
    };
}

fn limits(change: impl FnOnce(&mut Limits)) -> Limits {
    let mut l = roomy_limits();
    change(&mut l);
    l
}

fn without_mobile(email: &str) -> Value {
    let mut body = person(email);
    body.as_object_mut().unwrap().remove("mobile");
    body
}

fn assert_limited(res: &TestResponse) {
    assert_eq!(res.status, 429, "{:?}", res.body);
    assert_eq!(res.body["type"], "/problems/too-many-requests");
    let wait: u64 = res.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=86_400).contains(&wait), "Retry-After {wait}");
}

/// Sends `n` creates at once, the i-th with `body(i)`, and answers their statuses.
async fn parallel_creates(app: &TestApp, n: usize, body: impl Fn(usize) -> Value) -> Vec<u16> {
    join_all((0..n).map(|i| {
        let req = body(i);
        async move { app.post(&ANNA, "/customers", req).await.status.as_u16() }
    }))
    .await
}

async fn customer_count(app: &TestApp) -> usize {
    let page = app.get(&ROOT, "/customers?limit=100").await.expect(200);
    page["items"].as_array().unwrap().len()
}

/// A valid import file of `n` persons without mobile numbers, e-mails `{tag}-{i}@example.com`.
fn import_file(tag: &str, n: usize) -> String {
    let mut csv = String::from("type;firstName;lastName;email\r\n");
    for i in 1..=n {
        csv.push_str(&format!(
            "person;Erika;Muster {i};{tag}-{i}@example.com\r\n"
        ));
    }
    csv
}

with_limits!(
    imported_invitations_count_against_their_own_daily_limit_when_the_import_is_accepted_even_in_parallel,
    limits(|l| {
        l.imported_invitations_per_specialist = 5;
        l.invitations_per_specialist = 1;
    }),
    |app| {
        // Imports do not use up the specialist's own invitations (1 here), only their own limit.
        app.post_import(&ANNA, &import_file("a", 3), false)
            .await
            .expect(202);
        let stored = app.scan().await.len();
        // Two imports of two rows at once: 3 + 2 fits, 3 + 2 + 2 does not.
        let answers = join_all(["b", "c"].map(|tag| {
            let app = &app;
            async move { app.post_import(&ANNA, &import_file(tag, 2), false).await }
        }))
        .await;
        let mut statuses: Vec<u16> = answers.iter().map(|r| r.status.as_u16()).collect();
        statuses.sort_unstable();
        assert_eq!(statuses, [202, 429], "{:?}", answers.iter().map(|r| &r.body).collect::<Vec<_>>());
        let refused = answers.iter().find(|r| r.status == 429).unwrap();
        assert_limited(refused);
        let after = app.scan().await.len();
        // The accepted import stored its job and two rows; the refused one nothing.
        assert_eq!(after, stored + 3, "items stored by the two imports");
        assert_limited(&app.post_import(&ANNA, &import_file("d", 1), false).await);
        assert_eq!(app.scan().await.len(), after, "a refused import stores nothing");
        // Another specialist has a limit of its own; the dry run counts nothing.
        app.post_import(&ANNA, &import_file("e", 1), true).await.expect(200);
        app.post_import(&BEN, &import_file("f", 5), false).await.expect(202);
        app.work_imports().await;
        assert_eq!(customer_count(&app).await, 3 + 2 + 5);
    }
);

with_limits!(
    a_specialist_sends_at_most_the_configured_invitations_per_day_and_nothing_more_is_created,
    limits(|l| l.invitations_per_specialist = 2),
    |app| {
        let first = app
            .create_customer(&ANNA, without_mobile("a@example.com"))
            .await;
        app.create_customer(&ANNA, without_mobile("b@example.com"))
            .await;
        let sent = app.outbox().len();
        let third = app
            .post(&ANNA, "/customers", without_mobile("c@example.com"))
            .await;
        assert_limited(&third);
        assert_eq!(customer_count(&app).await, 2, "nothing was created");
        assert_eq!(app.outbox().len(), sent, "nothing was sent");
        // Accesses and resends count against the same limit; another specialist has its own.
        let id = first["id"].as_str().unwrap();
        let access = json!({"firstName": "Max", "lastName": "Muster", "email": "max@example.com"});
        let res = app
            .post(&ANNA, &format!("/customers/{id}/accesses"), access.clone())
            .await;
        assert_limited(&res);
        let access_id = first["accesses"][0]["id"].as_str().unwrap();
        let resend = format!("/customers/{id}/accesses/{access_id}/invitation");
        assert_limited(&app.post(&ANNA, &resend, json!({})).await);
        app.create_customer(&BEN, without_mobile("d@example.com"))
            .await;
    }
);

with_limits!(
    a_mobile_number_receives_at_most_the_configured_sms_per_day,
    limits(|l| l.sms_per_number = 2),
    |app| {
        app.create_customer(&ANNA, person("a@example.com")).await;
        app.create_customer(&BEN, person("b@example.com")).await;
        let res = app.post(&ANNA, "/customers", person("c@example.com")).await;
        assert_limited(&res);
        assert_eq!(customer_count(&app).await, 2);
        let sms = app.outbox().iter().filter(|m| m.channel == "sms").count();
        assert_eq!(sms, 2);
        // Another number, or none, is not limited by it.
        let mut other = person("d@example.com");
        other["mobile"] = json!("0171 7654321");
        app.create_customer(&ANNA, other).await;
        app.create_customer(&ANNA, without_mobile("e@example.com"))
            .await;
    }
);

with_limits!(
    sms_numbers_of_countries_not_configured_are_refused_on_the_mobile_field,
    limits(|_| {}),
    |app| {
        for number in ["+234 803 123 4567", "+54 9 11 2345 6789"] {
            let mut body = person("a@example.com");
            body["mobile"] = json!(number);
            let res = app.post(&ANNA, "/customers", body).await;
            assert_eq!(res.status, 422, "{number}");
            assert_eq!(res.field_errors(), vec!["mobile"]);
        }
        for number in ["+43 664 1234567", "+41 79 123 45 67"] {
            let mut body = person(&format!("{}@example.com", number.len()));
            body["mobile"] = json!(number);
            app.create_customer(&ANNA, body).await;
        }
        let created = app
            .create_customer(&ANNA, without_mobile("b@example.com"))
            .await;
        let id = created["id"].as_str().unwrap();
        let access = json!({"firstName": "Max", "lastName": "Muster",
                            "email": "max@example.com", "mobile": "+234 803 123 4567"});
        let res = app
            .post(&ANNA, &format!("/customers/{id}/accesses"), access)
            .await;
        assert_eq!(res.field_errors(), vec!["mobile"]);
        let access_id = created["accesses"][0]["id"].as_str().unwrap();
        let path = format!("/customers/{id}/accesses/{access_id}");
        let res = app
            .patch(&ANNA, &path, json!({"mobile": "+234 803 123 4567"}))
            .await;
        assert_eq!(res.field_errors(), vec!["mobile"]);
    }
);

with_limits!(
    a_client_address_makes_at_most_the_configured_registration_requests_per_minute,
    limits(|l| l.registration_requests_per_minute = 3),
    |app| {
        app.create_customer(&ANNA, without_mobile("a@example.com"))
            .await;
        let token = app.token_for("a@example.com");
        for _ in 0..3 {
            let res = app.inspect(&token).await;
            res.expect(200);
        }
        let res = app.inspect(&token).await;
        assert_limited(&res);
        let body = json!({"token": token, "password": "ein-sicheres-Passwort"});
        assert_limited(&app.complete(body).await);
        // The next minute admits the address again.
        app.clock.advance(std::time::Duration::from_secs(60));
        let res = app.inspect(&token).await;
        res.expect(200);
    }
);

with_limits!(
    parallel_creates_never_send_more_invitations_than_the_limit,
    limits(|l| l.invitations_per_specialist = 3),
    |app| {
        let answers =
            parallel_creates(&app, 8, |i| without_mobile(&format!("p{i}@example.com"))).await;
        let created = answers.iter().filter(|s| **s == 201).count();
        let limited = answers.iter().filter(|s| **s == 429).count();
        assert_eq!((created, limited), (3, 5), "{answers:?}");
        assert_eq!(customer_count(&app).await, 3);
        assert_eq!(app.outbox().len(), 3);
    }
);

with_limits!(
    parallel_sms_to_one_number_never_exceed_the_limit,
    limits(|l| l.sms_per_number = 2),
    |app| {
        let answers = parallel_creates(&app, 6, |i| person(&format!("p{i}@example.com"))).await;
        assert_eq!(
            answers.iter().filter(|s| **s == 201).count(),
            2,
            "{answers:?}"
        );
        let sms = app.outbox().iter().filter(|m| m.channel == "sms").count();
        assert_eq!(sms, 2);
    }
);

with_limits!(
    parallel_wrong_codes_are_compared_at_most_five_times,
    limits(|_| {}),
    |app| {
        app.create_customer(&ANNA, person("lock@example.com")).await;
        let token = app.token_for("lock@example.com");
        let right = app.code_for("+491701234567");
        let wrong = if right.starts_with('A') {
            "BBBB-BBBB"
        } else {
            "AAAA-AAAA"
        };
        // Twelve guesses at once, the right code among them: only reserved attempts are
        // compared, so wrong answers plus a success never exceed five.
        let answers = join_all((0..12).map(|i| {
            let app = &app;
            let code = if i == 7 {
                right.clone()
            } else {
                wrong.to_owned()
            };
            let body =
                json!({"token": token, "smsCode": code, "password": "ein-sicheres-Passwort"});
            async move {
                app.post(&Who::Anonymous, "/registrations/complete", body)
                    .await
            }
        }))
        .await;
        let compared = answers
            .iter()
            .filter(|r| r.status == 200 || r.field_errors() == vec!["smsCode"])
            .count();
        assert!(compared <= 5, "{compared} comparisons");
        for r in answers.iter().filter(|r| r.status == 429) {
            assert_eq!(r.body["type"], "/problems/registration-locked");
        }
        let locked = answers.iter().any(|r| r.status == 429);
        let registered = answers.iter().any(|r| r.status == 200);
        assert!(
            locked || registered,
            "five attempts were used or the right code won"
        );
    }
);

with_limits!(
    parallel_registration_requests_of_one_address_never_exceed_the_limit,
    limits(|l| l.registration_requests_per_minute = 3),
    |app| {
        app.create_customer(&ANNA, without_mobile("a@example.com"))
            .await;
        let token = app.token_for("a@example.com");
        let answers = join_all((0..10).map(|_| {
            let app = &app;
            let body = json!({"token": token});
            async move {
                let res = app
                    .post(&Who::Anonymous, "/registrations/inspect", body)
                    .await;
                res.status.as_u16()
            }
        }))
        .await;
        assert_eq!(
            answers.iter().filter(|s| **s == 200).count(),
            3,
            "{answers:?}"
        );
        assert_eq!(
            answers.iter().filter(|s| **s == 429).count(),
            7,
            "{answers:?}"
        );
    }
);

with_limits!(
    parallel_resends_of_one_access_never_exceed_its_limit,
    limits(|l| l.resends_per_access = 3),
    |app| {
        let created = app
            .create_customer(&ANNA, without_mobile("r@example.com"))
            .await;
        let id = created["id"].as_str().unwrap();
        let access_id = created["accesses"][0]["id"].as_str().unwrap();
        let path = format!("/customers/{id}/accesses/{access_id}/invitation");
        // Creation's invitation is no resend; eight resends at once may add at most three.
        for _ in 0..4 {
            let answers = join_all((0..8).map(|_| {
                let (app, path) = (&app, &path);
                async move { app.post(&ANNA, path, json!({})).await.status.as_u16() }
            }))
            .await;
            assert!(
                answers.iter().all(|s| matches!(s, 202 | 409 | 429)),
                "{answers:?}"
            );
        }
        let mails = app
            .outbox()
            .iter()
            .filter(|m| m.to == "r@example.com")
            .count();
        assert_eq!(mails, 4, "the creation's invitation and three resends");
        assert_limited(&app.post(&ANNA, &path, json!({})).await);
    }
);

/// `POST /registrations/inspect` from `address`, as API Gateway gives it (`sourceIp`).
async fn inspect_from(app: &TestApp, token: &str, address: &str) -> u16 {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let mut context = request_context(&Who::Anonymous);
    if let lambda_http::request::RequestContext::ApiGatewayV2(ctx) = &mut context {
        ctx.http.source_ip = Some(address.to_owned());
    }
    let mut req = http::Request::post("/registrations/inspect")
        .header("content-type", "application/json")
        .body(axum::body::Body::from(json!({"token": token}).to_string()))
        .unwrap();
    req.extensions_mut().insert(context);
    let res = app.router.clone().oneshot(req).await.unwrap();
    let status = res.status().as_u16();
    let _ = res.into_body().collect().await;
    status
}

with_limits!(
    ipv6_clients_are_counted_per_64_and_ipv4_clients_per_address,
    limits(|l| l.registration_requests_per_minute = 3),
    |app| {
        app.create_customer(&ANNA, without_mobile("v6@example.com"))
            .await;
        let token = app.token_for("v6@example.com");
        // Three addresses of one /64: one client, one bucket.
        for address in ["2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:ffff::3"] {
            assert_eq!(inspect_from(&app, &token, address).await, 200, "{address}");
        }
        assert_eq!(inspect_from(&app, &token, "2001:db8:1:2::4").await, 429);
        assert_eq!(
            inspect_from(&app, &token, "2001:db8:1:3::1").await,
            200,
            "the next /64 is another client"
        );
        // IPv4 addresses next to each other are different clients.
        for address in ["192.0.2.1", "192.0.2.1", "192.0.2.1"] {
            assert_eq!(inspect_from(&app, &token, address).await, 200);
        }
        assert_eq!(inspect_from(&app, &token, "192.0.2.1").await, 429);
        assert_eq!(inspect_from(&app, &token, "192.0.2.2").await, 200);
        assert_eq!(
            inspect_from(&app, &token, "::ffff:192.0.2.1").await,
            429,
            "an IPv4 address written as IPv6 is the same client"
        );
    }
);

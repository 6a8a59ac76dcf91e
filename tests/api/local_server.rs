//! The local server end to end, as a newcomer uses it: sign in as a seeded specialist, create
//! a customer with a mobile number, take link and code from the outbox, register, sign in as
//! the end user and read `/me`; once on the embedded store and once with `--aws-endpoint`
//! against moto (DynamoDB, SES, SNS and Cognito).

use axum::Router;
use axum::body::Body;
use http::Method;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

async fn call(
    router: &Router,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = ::http::Request::builder()
        .method(method)
        .uri(path)
        .header("host", "localhost:3000")
        .header("content-type", "application/json");
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let req = req
        .body(Body::from(body.map(|b| b.to_string()).unwrap_or_default()))
        .unwrap();
    let res = router.clone().oneshot(req).await.unwrap();
    let status = res.status().as_u16();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

fn after<'a>(text: &'a str, marker: &str) -> &'a str {
    let start = text
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} in {text}"))
        + marker.len();
    &text[start..]
}

async fn newcomer_flow(aws_endpoint: Option<String>) {
    let email = format!("erika.{}@example.com", uuid::Uuid::new_v4().simple());
    let (router, _) = local_server::build(local_server::Setup {
        portal_base_url: "http://127.0.0.1:3000".into(),
        aws_endpoint,
        table: format!("local-{}", uuid::Uuid::new_v4().simple()),
        outbox_dir: None,
        web_dir: crate::helpers::project_root().join("web"),
        access_model: shared::config::AccessModel::Open,
    })
    .await
    .unwrap();
    assert_eq!(
        call(&router, Method::GET, "/customers", None, None).await.0,
        401,
        "no token, no customers"
    );
    assert_eq!(
        call(
            &router,
            Method::POST,
            "/dev/login",
            None,
            Some(json!({"specialistId": "nobody"}))
        )
        .await
        .0,
        401
    );
    let (status, login) = call(
        &router,
        Method::POST,
        "/dev/login",
        None,
        Some(json!({"specialistId": "anna"})),
    )
    .await;
    assert_eq!(status, 200);
    let anna = login["token"].as_str().unwrap().to_owned();
    assert_eq!(
        call(&router, Method::GET, "/customers", Some("not-a-jwt"), None)
            .await
            .0,
        401
    );
    let body = json!({"type": "person", "firstName": "Erika", "lastName": "Mustermann", "email": email, "mobile": "0170 1234567"});
    let (status, created) =
        call(&router, Method::POST, "/customers", Some(&anna), Some(body)).await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();

    let (_, outbox) = call(&router, Method::GET, "/dev/outbox", None, None).await;
    let items = outbox["items"].as_array().unwrap();
    let mail = items
        .iter()
        .rev()
        .find(|m| m["channel"] == "email" && m["to"] == email.as_str())
        .expect("invitation e-mail");
    let token: String = after(mail["body"].as_str().unwrap(), "/register#token=")
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    let sms = items
        .iter()
        .rev()
        .find(|m| m["channel"] == "sms")
        .expect("SMS with the code");
    let code: String = after(sms["body"].as_str().unwrap(), "code ")
        .split_whitespace()
        .find(|w| w.len() >= 9)
        .unwrap()
        .chars()
        .take(9)
        .collect();

    let (status, inspected) = call(
        &router,
        Method::POST,
        "/registrations/inspect",
        None,
        Some(json!({"token": token})),
    )
    .await;
    assert_eq!(status, 200, "{inspected}");
    assert_eq!(inspected["smsCodeRequired"], true);
    let (status, done) = call(
        &router,
        Method::POST,
        "/registrations/complete",
        None,
        Some(json!({"token": token, "smsCode": code, "password": "ein-sicheres-Passwort"})),
    )
    .await;
    assert_eq!(status, 200, "{done}");
    let (_, view) = call(
        &router,
        Method::GET,
        &format!("/customers/{id}/authorisations"),
        Some(&anna),
        None,
    )
    .await;
    assert_eq!(view["accesses"][0]["status"], "active");

    let (status, wrong) = call(
        &router,
        Method::POST,
        "/dev/login",
        None,
        Some(json!({"email": email, "password": "falsches-Passwort"})),
    )
    .await;
    assert_eq!(status, 401, "{wrong}");
    let (status, login) = call(
        &router,
        Method::POST,
        "/dev/login",
        None,
        Some(json!({"email": email, "password": "ein-sicheres-Passwort"})),
    )
    .await;
    assert_eq!(status, 200, "{login}");
    let end_user = login["token"].as_str().unwrap().to_owned();
    let (status, me) = call(&router, Method::GET, "/me", Some(&end_user), None).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["customers"][0]["customer"]["id"], id.as_str());
    // Each issuer's tokens open only their own routes (one server serves both: 403).
    assert_eq!(
        call(&router, Method::GET, "/customers", Some(&end_user), None)
            .await
            .0,
        403
    );
    assert_eq!(
        call(&router, Method::GET, "/me", Some(&anna), None).await.0,
        403
    );

    // Removing the access ends the sign-in.
    let access = view["accesses"][0]["id"].clone();
    let (status, _) = call(
        &router,
        Method::POST,
        &format!("/customers/{id}/authorisations/remove"),
        Some(&anna),
        Some(json!({"accessIds": [access]})),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = call(
        &router,
        Method::POST,
        "/dev/login",
        None,
        Some(json!({"email": email, "password": "ein-sicheres-Passwort"})),
    )
    .await;
    assert_eq!(status, 401);
    let (status, _) = call(&router, Method::GET, "/me", Some(&end_user), None).await;
    assert_eq!(status, 401, "a token of the ended sign-in opens nothing");
}

#[tokio::test]
async fn a_newcomer_registers_an_end_user_on_the_embedded_store() {
    newcomer_flow(None).await;
}

#[tokio::test]
async fn a_newcomer_registers_an_end_user_against_moto() {
    newcomer_flow(Some(crate::moto::endpoint().to_owned())).await;
}

#[tokio::test]
async fn the_console_is_served_with_content_types_and_validators() {
    let (router, _) = local_server::build(local_server::Setup {
        portal_base_url: "http://127.0.0.1:3000".into(),
        aws_endpoint: None,
        table: String::new(),
        outbox_dir: None,
        web_dir: crate::helpers::project_root().join("web"),
        access_model: shared::config::AccessModel::Open,
    })
    .await
    .unwrap();
    for (path, ty) in [
        ("/", "text/html; charset=utf-8"),
        ("/register", "text/html; charset=utf-8"),
        ("/config.json", "application/json"),
    ] {
        let res = router
            .clone()
            .oneshot(
                ::http::Request::get(path)
                    .header("host", "localhost:3000")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{path}");
        assert_eq!(res.headers()["content-type"], ty, "{path}");
        assert_eq!(res.headers()["cache-control"], "no-cache");
        let etag = res.headers()["etag"].clone();
        let again = router
            .clone()
            .oneshot(
                ::http::Request::get(path)
                    .header("host", "localhost:3000")
                    .header("if-none-match", etag)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(again.status(), 304, "{path}");
    }
    let res = router
        .clone()
        .oneshot(
            ::http::Request::get("/../Cargo.toml")
                .header("host", "localhost:3000")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
}

async fn staff_token(router: &Router, id: &str) -> String {
    let body = Some(json!({"specialistId": id}));
    let (status, login) = call(router, Method::POST, "/dev/login", None, body).await;
    assert_eq!(status, 200, "{login}");
    login["token"].as_str().unwrap().to_owned()
}

/// `POST /dev/clock` moves everything that depends on time: the tokens the server signed
/// expire, the reminder falls due (and `POST /dev/run-scheduled` sends it), the invitation
/// expires; bad input is 422 naming `advanceDays`.
#[tokio::test]
async fn the_local_servers_clock_moves_tokens_reminders_and_expiry_forward() {
    let (router, _) = local_server::build(local_server::Setup {
        portal_base_url: "http://127.0.0.1:3000".into(),
        aws_endpoint: None,
        table: "local".into(),
        outbox_dir: None,
        web_dir: crate::helpers::project_root().join("web"),
        access_model: shared::config::AccessModel::Open,
    })
    .await
    .unwrap();
    let anna = staff_token(&router, "anna").await;
    let body = json!({"type": "person", "firstName": "Erika", "lastName": "Mustermann", "email": "clock@example.com", "mobile": "0170 1234567"});
    let (status, created) =
        call(&router, Method::POST, "/customers", Some(&anna), Some(body)).await;
    assert_eq!(status, 201, "{created}");
    let authorisations = format!(
        "/customers/{}/authorisations",
        created["id"].as_str().unwrap()
    );
    for bad in [
        json!({}),
        json!({"advanceDays": -1}),
        json!({"advanceDays": "2"}),
    ] {
        let (status, problem) = call(&router, Method::POST, "/dev/clock", None, Some(bad)).await;
        assert_eq!(status, 422, "{problem}");
        assert_eq!(problem["errors"][0]["field"], "advanceDays");
    }
    let (_, before) = call(
        &router,
        Method::POST,
        "/dev/clock",
        None,
        Some(json!({"advanceDays": 0})),
    )
    .await;
    let (status, after) = call(
        &router,
        Method::POST,
        "/dev/clock",
        None,
        Some(json!({"advanceDays": 3.5})),
    )
    .await;
    assert_eq!(status, 200);
    let (before, after) = (
        before["now"].as_str().unwrap(),
        after["now"].as_str().unwrap(),
    );
    assert!(after[..10] > before[..10], "{before} -> {after}");
    let (status, _) = call(&router, Method::GET, &authorisations, Some(&anna), None).await;
    assert_eq!(status, 401, "the token signed 3.5 days ago expired");
    let run = |router: Router| async move {
        call(&router, Method::POST, "/dev/run-scheduled", None, None).await
    };
    // The server's own minute timer may have run the backfill already: only its end is sure.
    let (status, answer) = run(router.clone()).await;
    assert_eq!((status, &answer["reminders"]), (200, &json!(1)), "{answer}");
    assert_eq!(answer["backfillDone"], true, "{answer}");
    let (status, answer) = run(router.clone()).await;
    assert_eq!(
        (status, answer),
        (
            200,
            json!({"reminders": 0, "backfilled": 0, "backfillDone": true})
        )
    );
    let (_, outbox) = call(&router, Method::GET, "/dev/outbox", None, None).await;
    let reminder = outbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|m| m["channel"] == "email")
        .unwrap();
    assert!(
        reminder["subject"]
            .as_str()
            .unwrap()
            .starts_with("Erinnerung: ")
    );
    assert!(
        reminder["sentAt"].as_str().unwrap()[..10] >= after[..10],
        "sentAt follows the clock"
    );
    call(
        &router,
        Method::POST,
        "/dev/clock",
        None,
        Some(json!({"advanceDays": 8})),
    )
    .await;
    let anna2 = staff_token(&router, "anna").await;
    let (_, view) = call(&router, Method::GET, &authorisations, Some(&anna2), None).await;
    assert_eq!(view["accesses"][0]["status"], "expired", "{view}");
}

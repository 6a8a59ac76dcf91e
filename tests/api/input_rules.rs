//! The input rules of contract version 2, through the HTTP API on both stores: text is NFC and
//! visible, names hold a letter, e-mail addresses are deliverable, user text lands literally in
//! messages, forged cursors are 400, JSON bodies need `application/json`, new passwords follow
//! NIST SP 800-63B rev. 4, and the local server answers loopback `Host`s only.

use crate::both_stores;
use crate::helpers::*;
use axum::body::Body;
use http_body_util::BodyExt;
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;
use serde_json::{Value, json};
use tower::ServiceExt;

/// Sends `body` with exactly the given `Content-Type` (or none), unlike `TestApp::send`.
async fn post_as(
    app: &TestApp,
    who: &Who,
    path: &str,
    content_type: Option<&str>,
    body: &Value,
) -> (u16, Option<String>, Value) {
    let mut req = http::Request::builder().method("POST").uri(path);
    if let Some(ct) = content_type {
        req = req.header("content-type", ct);
    }
    let mut req = req.body(Body::from(body.to_string())).unwrap();
    req.extensions_mut().insert(request_context(who));
    let res = app.router.clone().oneshot(req).await.unwrap();
    let status = res.status().as_u16();
    let ct = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned());
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        ct,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

fn with(mut body: Value, changes: Value) -> Value {
    for (k, v) in changes.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}

both_stores!(
    text_is_stored_in_nfc_and_invisible_characters_are_refused_with_the_field,
    |app| {
        let created = app
            .create_customer(
                &ANNA,
                with(
                    person("nfc@example.com"),
                    json!({"lastName": "Mu\u{0308}ller", "address": {"street": "Hauptstr. 1", "postalCode": "10115", "city": "Ko\u{0308}ln", "country": "DE"}}),
                ),
            )
            .await;
        assert_eq!(created["lastName"], "Müller", "composed");
        assert_eq!(created["address"]["city"], "Köln");
        assert_eq!(created["displayName"], "Müller, Erika");
        let found = app.get(&ANNA, "/customers?q=mu%CC%88l").await.expect(200);
        assert_eq!(
            found["items"][0]["id"], created["id"],
            "a decomposed search finds it"
        );

        let res = app
            .post(
                &ANNA,
                "/customers",
                with(
                    person("bidi@example.com"),
                    json!({"firstName": "Max\u{202E}exe.fdp", "lastName": "\u{200B}\u{200B}", "title": "Dr.\u{FEFF}"}),
                ),
            )
            .await;
        assert_eq!(res.status, 422);
        assert_eq!(res.field_errors(), vec!["title", "firstName", "lastName"]);
        let id = created["id"].as_str().unwrap();
        let res = app
            .post(
                &ANNA,
                &format!("/customers/{id}/accesses"),
                json!({"firstName": "Ma\u{200D}x", "lastName": "Muster", "email": "max@example.com"}),
            )
            .await;
        assert_eq!(res.status, 422);
        assert_eq!(res.field_errors(), vec!["firstName"]);
        let res = app
            .post(
                &ANNA,
                &format!("/customers/{id}/transactions"),
                json!({"title": "Steuer\u{2066}erklärung"}),
            )
            .await;
        assert_eq!(res.field_errors(), vec!["title"]);
    }
);

both_stores!(
    names_of_default_ignorable_or_blank_characters_are_refused_everywhere_they_are_typed,
    |app| {
        let res = app
            .post(
                &ANNA,
                "/customers",
                with(
                    person("blank@example.com"),
                    json!({"firstName": "\u{3164}", "lastName": "Mus\u{034F}ter", "title": "\u{2800}"}),
                ),
            )
            .await;
        assert_eq!(res.status, 422, "{}", res.body);
        assert_eq!(res.field_errors(), vec!["title", "firstName", "lastName"]);
        let res = app
            .post(
                &ANNA,
                "/customers",
                with(
                    company("blank-co@example.com"),
                    json!({"companyName": "\u{FFA0}\u{FFA0}", "contactFirstName": "\u{115F}\u{1160}"}),
                ),
            )
            .await;
        assert_eq!(res.status, 422, "{}", res.body);
        assert_eq!(res.field_errors(), vec!["companyName", "contactFirstName"]);
        let created = app.create_customer(&ANNA, person("ok@example.com")).await;
        let id = created["id"].as_str().unwrap();
        let res = app
            .post(
                &ANNA,
                &format!("/customers/{id}/accesses"),
                json!({"firstName": "Max\u{2800}", "lastName": "\u{3164}", "email": "max@example.com"}),
            )
            .await;
        assert_eq!(res.field_errors(), vec!["firstName", "lastName"]);
        let access = created["accesses"][0]["id"].as_str().unwrap();
        access_and_specialist_refuse(&app, id, access, "\u{3164}", ("neu", "\u{3164}")).await;
    }
);

/// An access's last name (PATCH) and a specialist's name (PUT /specialists/{id}) refuse the
/// names given, each answer naming its field.
async fn access_and_specialist_refuse(
    app: &TestApp,
    customer: &str,
    access: &str,
    last_name: &str,
    (specialist, name): (&str, &str),
) {
    let res = app
        .patch(
            &ANNA,
            &format!("/customers/{customer}/accesses/{access}"),
            json!({"lastName": last_name}),
        )
        .await;
    assert_eq!(res.field_errors(), vec!["lastName"]);
    let email = format!("{specialist}@kanzlei.example.com");
    let res = app
        .put(
            &ROOT,
            &format!("/specialists/{specialist}"),
            json!({"name": name, "email": email}),
        )
        .await;
    assert_eq!(res.field_errors(), vec!["name"]);
}

both_stores!(personal_and_premium_numbers_are_refused_as_mobiles, |app| {
    for number in ["+49 700 12345678", "+41 878 123 456", "+49 900 1234567"] {
        let res = app
            .post(
                &ANNA,
                "/customers",
                with(person("p@example.com"), json!({"mobile": number})),
            )
            .await;
        assert_eq!(res.status, 422, "{number}: {}", res.body);
        assert_eq!(res.field_errors(), vec!["mobile"], "{number}");
        assert_eq!(
            res.body["errors"][0]["message"], "is not a mobile phone number",
            "{number}"
        );
    }
    let created = app.create_customer(&ANNA, person("m@example.com")).await;
    let id = created["id"].as_str().unwrap();
    let access = created["accesses"][0]["id"].as_str().unwrap();
    let res = app
        .patch(
            &ANNA,
            &format!("/customers/{id}/accesses/{access}"),
            json!({"mobile": "+49 700 12345678"}),
        )
        .await;
    assert_eq!(res.status, 422);
    assert_eq!(res.field_errors(), vec!["mobile"]);
    let sms = app.outbox().iter().filter(|m| m.channel == "sms").count();
    assert_eq!(sms, 1, "only the real mobile got an SMS");
});

both_stores!(
    a_name_without_a_letter_is_refused_but_a_company_name_of_digits_is_taken,
    |app| {
        let res = app
            .post(
                &ANNA,
                "/customers",
                with(
                    person("x@example.com"),
                    json!({"firstName": "-", "lastName": "42"}),
                ),
            )
            .await;
        assert_eq!(res.status, 422);
        assert_eq!(res.field_errors(), vec!["firstName", "lastName"]);
        let res = app
            .post(
                &ANNA,
                "/customers",
                with(
                    company("y@example.com"),
                    json!({"companyName": "...", "contactLastName": "."}),
                ),
            )
            .await;
        assert_eq!(res.field_errors(), vec!["companyName", "contactLastName"]);
        let created = app
            .create_customer(
                &ANNA,
                with(company("z@example.com"), json!({"companyName": "1&1"})),
            )
            .await;
        assert_eq!(created["displayName"], "1&1");
        let id = created["id"].as_str().unwrap();
        let access = created["accesses"][0]["id"].as_str().unwrap();
        access_and_specialist_refuse(&app, id, access, "?", ("fritz", "--")).await;
    }
);

both_stores!(
    an_email_address_must_be_deliverable_and_an_international_domain_is_stored_in_ascii,
    |app| {
        let res = app
            .post(&ANNA, "/customers", person("jürgen@example.de"))
            .await;
        assert_eq!(res.status, 422);
        assert_eq!(res.field_errors(), vec!["email"]);
        let created = app.create_customer(&ANNA, person("erika@bücher.de")).await;
        assert_eq!(created["email"], "erika@xn--bcher-kva.de");
        assert_eq!(created["accesses"][0]["email"], "erika@xn--bcher-kva.de");
        assert!(
            app.outbox()
                .iter()
                .any(|m| m.channel == "email" && m.to == "erika@xn--bcher-kva.de"),
            "the invitation goes to the ASCII form"
        );
        let res = app
            .post(&ANNA, "/customers", person("erika@b\u{200B}ücher.de"))
            .await;
        assert_eq!(res.field_errors(), vec!["email"]);
    }
);

both_stores!(
    names_that_look_like_placeholders_are_sent_literally,
    |app| {
        app.create_customer(
            &ANNA,
            with(
                person("tpl@example.com"),
                json!({"firstName": "{{link}}", "lastName": "{{code}}"}),
            ),
        )
        .await;
        let token = app.token_for("tpl@example.com");
        let mail = app
            .outbox()
            .into_iter()
            .find(|m| m.channel == "email" && m.to == "tpl@example.com")
            .unwrap();
        assert!(mail.body.contains("{{link}} {{code}}"), "{}", mail.body);
        assert_eq!(
            mail.body.matches(&token).count(),
            1,
            "one link, where it belongs"
        );
        let code = app.code_for("+491701234567");
        assert!(!mail.body.contains(&code), "the code travels only by SMS");
    }
);

/// `s` with every byte but the unreserved ones percent-encoded, for a query string.
fn query_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A page, or 400 naming the cursor: nothing else.
async fn page_or_400(app: &TestApp, query: &str, cursor: &str) -> u16 {
    let res = app
        .get(
            &ANNA,
            &format!("/customers?{query}&cursor={}", query_encode(cursor)),
        )
        .await;
    match res.status.as_u16() {
        200 => assert!(res.body["items"].is_array()),
        400 => assert_eq!(res.field_errors(), vec!["cursor"], "{cursor:?}"),
        other => panic!("cursor {cursor:?} answered {other}: {}", res.body),
    }
    res.status.as_u16()
}

both_stores!(
    a_cursor_says_nothing_of_the_names_on_the_page_before,
    |app| {
        use base64::Engine;
        for last_name in ["Zyxwabc", "Qwertzuiop", "Yodelheim"] {
            let mut p = person(&format!("{}@example.com", last_name.to_lowercase()));
            p["lastName"] = json!(last_name);
            app.create_customer(&ANNA, p).await;
        }
        let mut cursor: Option<String> = None;
        for _ in 0..2 {
            let query = match &cursor {
                None => "limit=1".to_owned(),
                Some(c) => format!("limit=1&cursor={}", query_encode(c)),
            };
            let page = app
                .get(&ANNA, &format!("/customers?{query}"))
                .await
                .expect(200);
            let next = page["nextCursor"].as_str().unwrap().to_owned();
            let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(&next)
                .expect("a cursor is base64url");
            let text = String::from_utf8_lossy(&bytes).to_lowercase();
            for name in ["qwertzuiop", "yodelheim", "zyxwabc", "erika", "customer"] {
                assert!(!text.contains(name), "{name} in the cursor {next}");
            }
            cursor = Some(next);
        }
    }
);

both_stores!(
    a_forged_or_changed_cursor_is_400_and_never_a_server_error,
    |app| {
        for email in ["a@example.com", "b@example.com", "c@example.com"] {
            app.create_customer(&ANNA, person(email)).await;
        }
        let first = app.get(&ANNA, "/customers?limit=1").await.expect(200);
        let issued = first["nextCursor"].as_str().unwrap().to_owned();
        assert_eq!(page_or_400(&app, "limit=1", &issued).await, 200);
        // The first report's forgery (`{}` with a one-byte tag), the second version's signed
        // plain last key, and the issued cursor cut short, grown or split.
        let plain_last_key = "eyJwayI6IkMjMSIsInNrIjoiI0NVU1RPTUVSIn0";
        for forged in [
            "e30.vw".to_owned(),
            format!("{plain_last_key}.AAAAAAAAAAAAAAAAAAAAAA"),
            issued[..32].to_owned(),
            issued[..issued.len() - 1].to_owned(),
            format!("{issued}AA"),
            format!("{issued}."),
            format!("{}.{}", &issued[..20], &issued[20..]),
        ] {
            assert_eq!(page_or_400(&app, "limit=1", &forged).await, 400, "{forged}");
        }
        assert_eq!(
            page_or_400(&app, "limit=1&q=b", &issued).await,
            400,
            "a cursor of another query"
        );

        // Random cursors: arbitrary text, cursor-shaped text, and the issued one changed.
        let cursor_like = "[A-Za-z0-9_-]{0,40}\\.[A-Za-z0-9_-]{0,30}";
        let changed = (0..issued.len(), "[A-Za-z0-9_.-]").prop_map({
            let issued = issued.clone();
            move |(at, with)| {
                let mut c = issued.clone();
                c.replace_range(at..at + 1, &with);
                c
            }
        });
        let strategy =
            proptest::prop_oneof!["\\PC{0,60}".boxed(), cursor_like.boxed(), changed.boxed(),];
        let mut runner = TestRunner::deterministic();
        let cases = if app.store == Store::Memory { 300 } else { 60 };
        for _ in 0..cases {
            let cursor = strategy.new_tree(&mut runner).unwrap().current();
            let status = page_or_400(&app, "limit=1", &cursor).await;
            if cursor != issued && !cursor.is_empty() {
                assert_eq!(status, 400, "{cursor:?} was not issued");
            }
        }
    }
);

both_stores!(a_json_body_needs_the_json_media_type, |app| {
    let body = person("ct@example.com");
    for refused in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=x"),
    ] {
        let (status, ct, problem) = post_as(&app, &ANNA, "/customers", refused, &body).await;
        assert_eq!(status, 415, "{refused:?}");
        assert_eq!(ct.as_deref(), Some("application/problem+json"));
        assert_eq!(problem["status"], 415);
        assert_eq!(problem["type"], "/problems/unsupported-media-type");
    }
    let (status, ..) = post_as(
        &app,
        &Who::Anonymous,
        "/registrations/inspect",
        Some("text/plain;charset=UTF-8"),
        &json!({"token": "x"}),
    )
    .await;
    assert_eq!(status, 415, "the anonymous endpoints too");
    assert!(app.outbox().is_empty(), "nothing was created");
    let (status, ..) = post_as(
        &app,
        &ANNA,
        "/customers",
        Some("application/json; charset=utf-8"),
        &body,
    )
    .await;
    assert_eq!(status, 201, "parameters are fine");
});

/// Invites `email` without a mobile and returns the registration token.
async fn invited(app: &TestApp, email: &str) -> String {
    let mut body = person(email);
    body.as_object_mut().unwrap().remove("mobile");
    app.create_customer(&ANNA, body).await;
    app.token_for(email)
}

both_stores!(
    a_new_password_follows_nist_800_63b_with_one_refusal_per_rule,
    |app| {
        let token = invited(&app, "helga.schmidt@example.com").await;
        let refused = [
            ("vierzehn-zeich", "14 characters"),
            ("Grüße-aus-Köln", "14 characters, 16 bytes"),
            (&"Sonnenblume-".repeat(22)[..257], "257 characters"),
            ("passwordpassword", "on the blocklist"),
            ("123456789012345", "on the blocklist"),
            ("PASSWORDPASSWORD", "on the blocklist in another case"),
            ("zzzzzzzzzzzzzzzz", "one character repeated"),
            ("mein-Helga.Schmidt-2026", "the e-mail's local part"),
        ];
        for (password, why) in refused {
            let res = app
                .post(
                    &Who::Anonymous,
                    "/registrations/complete",
                    json!({"token": token, "password": password}),
                )
                .await;
            assert_eq!(res.status, 422, "{why}");
            assert_eq!(res.field_errors(), vec!["password"], "{why}");
        }
        app.post(
            &Who::Anonymous,
            "/registrations/complete",
            json!({"token": token, "password": "Grüße-aus-Kölle"}),
        )
        .await
        .expect(200);
        assert!(
            app.identity
                .check("helga.schmidt@example.com", "Grüße-aus-Kölle")
                .is_some(),
            "15 characters are enough, counted as characters"
        );
    }
);

async fn local_router() -> axum::Router {
    local_server::build(local_server::Setup {
        portal_base_url: "http://127.0.0.1:3000".into(),
        aws_endpoint: None,
        table: String::new(),
        outbox_dir: None,
        web_dir: crate::helpers::project_root().join("web"),
        access_model: shared::config::AccessModel::Open,
    })
    .await
    .unwrap()
    .0
}

async fn with_host(router: &axum::Router, method: &str, path: &str, host: &str) -> (u16, Value) {
    let body = if method == "POST" {
        Body::from(json!({"specialistId": "anna"}).to_string())
    } else {
        Body::empty()
    };
    let req = http::Request::builder()
        .method(method)
        .uri(path)
        .header("host", host)
        .header("content-type", "application/json")
        .body(body)
        .unwrap();
    let res = router.clone().oneshot(req).await.unwrap();
    let status = res.status().as_u16();
    let is_problem = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned());
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    if status == 421 {
        assert_eq!(is_problem.as_deref(), Some("application/problem+json"));
    }
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn the_local_server_answers_only_requests_addressed_to_a_loopback_host() {
    let router = local_router().await;
    for host in [
        "evil.example.com",
        "evil.example.com:3000",
        "192.0.2.1:3000",
        "localhost.evil.example.com",
    ] {
        for (method, path) in [
            ("POST", "/dev/login"),
            ("GET", "/dev/outbox"),
            ("GET", "/"),
            ("GET", "/customers"),
        ] {
            let (status, body) = with_host(&router, method, path, host).await;
            assert_eq!(status, 421, "{method} {path} for {host}: {body}");
        }
    }
    for host in [
        "localhost:3000",
        "127.0.0.1:3000",
        "[::1]:3000",
        "localhost",
    ] {
        let (status, body) = with_host(&router, "POST", "/dev/login", host).await;
        assert_eq!(status, 200, "{host}: {body}");
        assert_eq!(with_host(&router, "GET", "/dev/outbox", host).await.0, 200);
    }
}

#[tokio::test]
async fn the_local_servers_api_and_dev_answers_say_no_store_and_nosniff() {
    let router = local_router().await;
    for (method, path, status) in [
        ("POST", "/dev/login", 200),
        ("GET", "/dev/outbox", 200),
        ("GET", "/customers", 401),
        ("GET", "/customers?dryrun=true", 400),
        ("PUT", "/customers", 405),
    ] {
        let req = http::Request::builder()
            .method(method)
            .uri(path)
            .header("host", "localhost:3000")
            .header("content-type", "application/json")
            .body(Body::from(json!({"specialistId": "anna"}).to_string()))
            .unwrap();
        let res = router.clone().oneshot(req).await.unwrap();
        let header = |name| res.headers().get(name).and_then(|v| v.to_str().ok());
        assert_eq!(res.status(), status, "{method} {path}");
        assert_eq!(header("cache-control"), Some("no-store"), "{method} {path}");
        assert_eq!(
            header("x-content-type-options"),
            Some("nosniff"),
            "{method} {path}"
        );
    }
}

#[tokio::test]
async fn the_local_server_answers_a_request_without_host_with_400() {
    let router = local_router().await;
    for (method, path) in [
        ("POST", "/dev/login"),
        ("GET", "/dev/outbox"),
        ("GET", "/"),
        ("GET", "/customers"),
        ("POST", "/registrations/inspect"),
    ] {
        let req = http::Request::builder()
            .method(method)
            .uri(path)
            .header("content-type", "application/json")
            .body(Body::from(json!({"specialistId": "anna"}).to_string()))
            .unwrap();
        let res = router.clone().oneshot(req).await.unwrap();
        assert_eq!(res.status(), 400, "{method} {path}");
        let headers = res.headers();
        assert_eq!(headers["content-type"], "application/problem+json");
        assert_eq!(headers["cache-control"], "no-store");
        assert_eq!(headers["x-content-type-options"], "nosniff");
    }
}

#[tokio::test]
async fn the_local_servers_dev_login_needs_the_json_media_type_too() {
    let router = local_router().await;
    let req = http::Request::builder()
        .method("POST")
        .uri("/dev/login")
        .header("host", "localhost:3000")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(json!({"specialistId": "anna"}).to_string()))
        .unwrap();
    let res = router.oneshot(req).await.unwrap();
    assert_eq!(
        res.status(),
        415,
        "a page's simple cross-origin POST gets no token"
    );
}

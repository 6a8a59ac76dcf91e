//! Error codes (contract version 3): every code of the closed list is produced by at least one
//! request, on both stores, and `openapi.yaml` documents exactly the codes of the Rust enum.

use crate::both_stores;
use crate::helpers::*;
use serde_json::{Value, json};
use shared::domain::Code;
use std::collections::BTreeSet;

/// Codes no request of the API can bring about here, and why: each is produced elsewhere.
const NOT_BY_A_REQUEST: [(&str, &str); 1] = [(
    "limit_reached",
    "produced with a lower SMS limit, by the scenario after this one",
)];

/// The codes `openapi.yaml` lists under `ErrorCode`, read by indentation.
fn documented_codes() -> Vec<String> {
    let spec = include_str!("../../openapi.yaml");
    let start = spec
        .find("\n    ErrorCode:\n")
        .expect("openapi.yaml has ErrorCode");
    let schema = &spec[start + 1..];
    let list = &schema[schema.find("      enum:\n").expect("an enum") + "      enum:\n".len()..];
    list.lines()
        .map_while(|l| l.strip_prefix("        - "))
        .map(str::to_owned)
        .collect()
}

#[test]
fn openapi_lists_exactly_the_codes_of_the_rust_enum_in_its_order() {
    let ours: Vec<String> = Code::ALL.iter().map(|c| c.as_str().to_owned()).collect();
    assert_eq!(documented_codes(), ours);
}

/// The codes of an answer's `errors`.
fn codes_of(body: &Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| e["code"].as_str().unwrap_or("(none)").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// Records which codes the requests of a scenario produced.
#[derive(Default)]
struct Seen(BTreeSet<String>);

impl Seen {
    /// Asserts that `res` refuses with `code` among its errors, and records every code of it.
    fn expect(&mut self, code: &str, res: TestResponse) -> Value {
        let body = res.body;
        let codes = codes_of(&body);
        assert!(
            codes.iter().any(|c| c == code),
            "expected {code}, got {body:#}"
        );
        self.0.extend(codes);
        body
    }

    /// The same for an import answer (a dry run's `errors` are of a 200).
    fn expect_import(&mut self, code: &str, res: TestResponse) -> Value {
        let body = self.expect(code, res);
        for e in body["errors"].as_array().unwrap() {
            assert!(e["row"].is_u64(), "each names its row: {e}");
        }
        body
    }
}

fn with(mut body: Value, changes: Value) -> Value {
    for (k, v) in changes.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}

async fn customer_fields(app: &TestApp, seen: &mut Seen) {
    let post = |body: Value| app.post(&ANNA, "/customers", body);
    let p = |changes: Value| with(person("codes@example.com"), changes);
    let c = |changes: Value| with(company("codes@example.com"), changes);
    seen.expect("required", post(p(json!({"lastName": ""}))).await);
    seen.expect(
        "too_long",
        post(p(json!({"firstName": "e".repeat(101)}))).await,
    );
    let res = post(p(json!({"lastName": "\u{200B}\u{200B}"}))).await;
    seen.expect("invisible_characters", res);
    seen.expect("no_letter", post(p(json!({"firstName": "42"}))).await);
    let res = post(c(json!({"companyName": "..."}))).await;
    seen.expect("no_letter_or_digit", res);
    seen.expect("invalid_email", post(p(json!({"email": "kein-at"}))).await);
    seen.expect("invalid_mobile", post(p(json!({"mobile": "12"}))).await);
    seen.expect(
        "not_a_mobile",
        post(p(json!({"mobile": "030 1234567"}))).await,
    );
    let body = seen.expect(
        "sms_country_not_allowed",
        post(p(json!({"mobile": "+33 6 12 34 56 78"}))).await,
    );
    assert_eq!(
        body["errors"][0]["params"]["allowed"],
        json!(["DE", "AT", "CH"])
    );
    let address =
        json!({"street": "Hauptstr. 1", "postalCode": "10115", "city": "Berlin", "country": "XX"});
    let res = post(p(json!({ "address": address }))).await;
    seen.expect("invalid_country", res);
    let address =
        json!({"street": "Hauptstr. 1", "postalCode": "10_115", "city": "Berlin", "country": "DE"});
    let res = post(p(json!({ "address": address }))).await;
    seen.expect("invalid_postal_code", res);
    seen.expect(
        "not_allowed_value",
        post(p(json!({"salutation": "dr"}))).await,
    );
    let res = post(p(json!({"dateOfBirth": "31.01.1980"}))).await;
    seen.expect("invalid_date", res);
    let res = post(p(json!({"dateOfBirth": "2999-01-01"}))).await;
    seen.expect("date_in_future", res);
    let res = post(p(json!({"dateOfBirth": "1850-01-01"}))).await;
    seen.expect("date_too_early", res);
    seen.expect("invalid_vat_id", post(c(json!({"vatId": "123"}))).await);
    seen.expect("wrong_type", post(p(json!({"firstName": 5}))).await);
}

async fn request_rules(app: &TestApp, seen: &mut Seen) {
    let res = app.get(&ANNA, "/customers?limit=0").await;
    let body = seen.expect("out_of_range", res);
    assert_eq!(body["errors"][0]["params"], json!({"min": 1, "max": 100}));
    let res = app.get(&ANNA, "/customers?cursor=erfunden").await;
    seen.expect("invalid_cursor", res);
    seen.expect(
        "unknown_parameter",
        app.get(&ANNA, "/customers?sort=name").await,
    );
    let long_key = "k".repeat(300);
    let res = app
        .post_with_key(&ANNA, "/customers", &long_key, person("key@example.com"))
        .await;
    seen.expect("invalid_idempotency_key", res);
    app.post_with_key(&ANNA, "/customers", "codes-key", person("key@example.com"))
        .await
        .expect(201);
    let res = app
        .post_with_key(
            &ANNA,
            "/customers",
            "codes-key",
            person("other@example.com"),
        )
        .await;
    seen.expect("idempotency_key_reused", res);
}

async fn authorisation_rules(app: &TestApp, seen: &mut Seen) {
    let customer = app
        .create_customer(&ANNA, company("auth@example.com"))
        .await;
    let id = customer["id"].as_str().unwrap();
    let version = customer["version"].clone();
    let res = app
        .put(
            &ANNA,
            &format!("/customers/{id}"),
            with(person("auth@example.com"), json!({ "version": version })),
        )
        .await;
    seen.expect("cannot_change", res);
    let too_many: Vec<String> = (0..51).map(|i| format!("s{i}")).collect();
    let too_many: Vec<&str> = too_many.iter().map(String::as_str).collect();
    let res = app.add_administrators(&ANNA, id, &too_many).await;
    let body = seen.expect("too_many", res);
    assert_eq!(body["errors"][0]["params"]["max"], 50);
    seen.expect(
        "invalid_id",
        app.add_administrators(&ANNA, id, &["kein id!"]).await,
    );
    let res = app.add_administrators(&ANNA, id, &["niemand"]).await;
    seen.expect("unknown_specialist", res);
    seen.expect(
        "nothing_selected",
        app.add_administrators(&ANNA, id, &[]).await,
    );
    let res = app
        .add_processors(&ANNA, id, &["ben"], &["trx_unbekannt"])
        .await;
    seen.expect("unknown_transaction", res);
    let ten: Vec<String> = (0..10).map(|i| format!("x{i}")).collect();
    let ten: Vec<&str> = ten.iter().map(String::as_str).collect();
    let res = app.add_processors(&ANNA, id, &ten, &ten).await;
    seen.expect("selection_too_large", res);
    let remove = format!("/customers/{id}/authorisations/remove");
    let res = app
        .post(&ANNA, &remove, json!({"accessIds": ["acc_unbekannt"]}))
        .await;
    seen.expect("unknown_access", res);
    let res = app
        .post(&ANNA, &remove, json!({"administratorIds": ["carl"]}))
        .await;
    seen.expect("not_an_administrator", res);
    let res = app
        .post(
            &ANNA,
            &remove,
            json!({"additionalProcessors": [{"specialistId": "carl"}]}),
        )
        .await;
    seen.expect("not_an_additional_processor", res);
}

async fn registration_rules(app: &TestApp, seen: &mut Seen) {
    let email = "registrierung.codes@example.com";
    app.create_customer(
        &ANNA,
        with(person(email), json!({"mobile": "0170 7654321"})),
    )
    .await;
    let token = app.token_for(email);
    let complete = |password: String, code: Option<&str>| {
        let mut body = json!({"token": token, "password": password});
        if let Some(c) = code {
            body["smsCode"] = json!(c);
        }
        app.complete(body)
    };
    let cases = [
        ("password_too_short", "vierzehn-zeich".to_owned()),
        ("password_too_long", "p".repeat(200) + &"q".repeat(57)),
        (
            "password_control_characters",
            "ein-sicheres-\u{7}-Passwort".into(),
        ),
        ("password_edge_spaces", " ein-sicheres-Passwort".into()),
        ("password_repeated_character", "a".repeat(16)),
        (
            "password_contains_email",
            "registrierung.codes-und-mehr".into(),
        ),
        ("password_too_common", "passwordpassword".into()),
    ];
    for (code, password) in cases {
        seen.expect(code, complete(password, None).await);
    }
    let res = complete("ein-sicheres-Passwort".into(), None).await;
    seen.expect("required", res);
    let res = complete("ein-sicheres-Passwort".into(), Some("AAAA-AAAA")).await;
    seen.expect("wrong_code", res);

    // A second access of a registered address: the existing sign-in's password.
    let second = "zweiter.zugang@example.com";
    app.create_customer(&ANNA, with(person(second), json!({"mobile": null})))
        .await;
    app.register(second, None).await;
    app.create_customer(&BEN, with(company(second), json!({})))
        .await;
    let token = app.token_for(second);
    let res = app
        .complete(json!({"token": token, "password": "falsch-falsch-falsch"}))
        .await;
    seen.expect("wrong_password", res);
}

/// An import whose specialist leaves the directory before the worker's turn: its rows are
/// `row_refused` (tests/api/leavers.rs has the whole story).
async fn leaver_rules(app: &TestApp, seen: &mut Seen) {
    let erin = Who::Specialist("erin");
    let csv = "type;email;lastName;firstName\nperson;geht@example.com;Geht;Gina\n";
    let queued = app.post_import(&erin, csv, false).await.expect(202);
    app.delete(&ROOT, "/specialists/erin").await.expect(204);
    app.work_imports().await;
    let path = format!("/imports/{}", queued["id"].as_str().unwrap());
    let body = seen.expect_import("row_refused", app.get(&ROOT, &path).await);
    assert_eq!(body["errors"][0]["row"], 1);
}

/// Registration against Cognito (on moto) whose pool also wants a digit: a password the
/// product's own rules accept is `password_refused`, from the pool's policy. The app is served
/// with that sign-in service in place of the local one; everything else stays.
async fn pool_policy_rules(app: TestApp, seen: &mut Seen) {
    let client = crate::moto::cognito_client();
    let pool = crate::moto::pool_wanting_digits(&client).await;
    let app = app.rerouted(|a| {
        a.identity = std::sync::Arc::new(shared::adapters::cognito::CognitoIdentity::new(
            client, &pool, None,
        ));
    });
    let email = "strenger.pool@example.com";
    app.create_customer(&ANNA, with(person(email), json!({"mobile": null})))
        .await;
    let token = app.token_for(email);
    let res = app
        .complete(json!({"token": token, "password": "Ohne-Jede-Ziffer-hier"}))
        .await;
    assert_eq!(res.status.as_u16(), 422, "{:#}", res.body);
    let body = seen.expect("password_refused", res);
    assert_eq!(body["errors"][0]["field"], "password");
    let res = app
        .complete(json!({"token": token, "password": "Mit-Ziffer-2026-hier"}))
        .await;
    assert_eq!(
        res.status.as_u16(),
        200,
        "the same link works with a password the pool takes: {:#}",
        res.body
    );
}

async fn import_rules(app: &TestApp, seen: &mut Seen) {
    let res = app
        .post_import(
            &ANNA,
            "type;email;lastName\nperson;a@example.com;A\nperson;a@example.com;A\n",
            true,
        )
        .await;
    let body = seen.expect_import("duplicate_row", res);
    let duplicate = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["code"] == "duplicate_row")
        .unwrap();
    assert_eq!(duplicate["params"]["row"], 1);
    let res = app
        .post_import(
            &ANNA,
            "type;email;email\nperson;a@example.com;b@example.com\n",
            true,
        )
        .await;
    seen.expect_import("duplicate_column", res);
    let res = app
        .post_import(&ANNA, "type;email;farbe\nperson;a@example.com;rot\n", true)
        .await;
    seen.expect_import("unknown_column", res);
    seen.expect_import(
        "missing_column",
        app.post_import(&ANNA, "type\nperson\n", true).await,
    );
    let res = app
        .post_import(&ANNA, "type;email\nperson;a@example.com;zu viel\n", true)
        .await;
    seen.expect_import("value_without_column", res);
    let mut big = String::from("type;email\n");
    for i in 0..=shared::domain::IMPORT_MAX_ROWS {
        big.push_str(&format!("person;p{i}@example.com\n"));
    }
    seen.expect_import("too_many_rows", app.post_import(&ANNA, &big, true).await);
    // The first bytes of an xlsx: the workbook uploaded instead of its CSV.
    let workbook = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml";
    let res = app.post_import(&ANNA, workbook, true).await;
    let body = seen.expect_import("unreadable_file", res);
    assert_eq!(body["errors"][0]["field"], "file");
    assert_eq!(body["errors"][0]["row"], 0);
}

both_stores!(
    every_code_of_the_closed_list_is_produced_by_a_request,
    |app| {
        let mut seen = Seen::default();
        customer_fields(&app, &mut seen).await;
        request_rules(&app, &mut seen).await;
        authorisation_rules(&app, &mut seen).await;
        registration_rules(&app, &mut seen).await;
        import_rules(&app, &mut seen).await;
        leaver_rules(&app, &mut seen).await;
        pool_policy_rules(app, &mut seen).await;
        let expected: BTreeSet<String> = Code::ALL
            .iter()
            .map(|c| c.as_str())
            .filter(|c| !NOT_BY_A_REQUEST.iter().any(|(n, _)| n == c))
            .map(str::to_owned)
            .collect();
        let missing: Vec<_> = expected.difference(&seen.0).collect();
        assert!(missing.is_empty(), "no request produced {missing:?}");
    }
);

/// An imported row whose mobile number has had its SMS for the day: `limit_reached`, which
/// the scenario above leaves to this one (it needs a lower limit than the roomy default).
async fn limit_scenario(app: TestApp) {
    let csv = "type;email;lastName;firstName;mobile\n\
               person;limit1@example.com;Eins;Erika;0170 5555555\n\
               person;limit2@example.com;Zwei;Erika;0170 5555555\n";
    let queued = app.post_import(&ANNA, csv, false).await.expect(202);
    app.work_imports().await;
    let id = queued["id"].as_str().unwrap();
    let job = app.get(&ANNA, &format!("/imports/{id}")).await;
    let mut seen = Seen::default();
    let body = seen.expect_import("limit_reached", job);
    assert_eq!(body["errors"][0]["row"], 2);
    assert_eq!(body["errors"][0]["field"], "mobile");
}

fn one_sms_per_number() -> shared::config::Limits {
    shared::config::Limits {
        sms_per_number: 1,
        ..roomy_limits()
    }
}

mod an_imported_row_past_the_sms_limit_is_refused_with_limit_reached {
    use super::*;

    #[tokio::test]
    async fn in_memory() {
        limit_scenario(spawn_app_with(Store::Memory, one_sms_per_number()).await).await;
    }

    #[tokio::test]
    async fn on_dynamodb() {
        limit_scenario(spawn_app_with(Store::Dynamo, one_sms_per_number()).await).await;
    }
}

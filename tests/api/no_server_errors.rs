//! Properties of every endpoint: no input yields a 5xx (random methods, paths (real ids,
//! plausible ids, junk), query strings (forged cursors among them) and bodies (JSON of any
//! shape, and bytes that are not JSON), sent as each kind of caller); and every operation of
//! the permission matrix answers 400 to a query parameter it does not take and to text after
//! its JSON body. On the in-memory store (the permission matrix's tests run the same on both).

use crate::helpers::*;
use crate::permissions::{Row, rows};
use http::Method;
use proptest::prelude::*;
use serde_json::{Value, json};

const ROUTES: &[&str] = &[
    "/customers",
    "/customers/{id}",
    "/customers/{id}/deletion-preview",
    "/deletions",
    "/customers/{id}/authorisations",
    "/customers/{id}/accesses",
    "/customers/{id}/accesses/{access}",
    "/customers/{id}/accesses/{access}/invitation",
    "/customers/{id}/administrators",
    "/customers/{id}/additional-processors",
    "/customers/{id}/authorisations/remove",
    "/customers/{id}/transactions",
    "/customers/{id}/transactions/{access}",
    "/specialists",
    "/specialists/{id}",
    "/me",
    "/me/transactions",
    "/registrations/inspect",
    "/registrations/complete",
];

const METHODS: &[Method] = &[
    Method::GET,
    Method::POST,
    Method::PUT,
    Method::PATCH,
    Method::DELETE,
];

fn segment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("{real}".to_owned()),
        "[a-z]{3}_[0-9A-Z]{1,26}",
        "[A-Za-z0-9._~-]{0,40}",
        "(%[0-9A-F]{2}|[a-z]){1,10}",
    ]
}

fn query() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "(limit=[0-9-]{0,4})?&?(type=[a-z]{0,8})?&?(q=(%[0-9A-F]{2}|[A-Za-z0-9]){0,8})?",
        // Forged and damaged cursors: base64url of anything, with or without a tag.
        "cursor=[A-Za-z0-9_-]{0,60}(\\.[A-Za-z0-9_-]{0,30})?",
        "limit=1&cursor=e30\\.[A-Za-z0-9_-]{0,4}",
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|n| json!(n)),
        "\\PC{0,30}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(field(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Field names of the API, so that bodies reach the parsers, plus junk.
fn field() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "type",
            "firstName",
            "lastName",
            "email",
            "mobile",
            "language",
            "dateOfBirth",
            "companyName",
            "vatId",
            "address",
            "version",
            "specialistIds",
            "transactionIds",
            "accessIds",
            "administratorIds",
            "additionalProcessors",
            "token",
            "smsCode",
            "password",
            "title",
            "name",
            "postalCode",
            "country",
        ])
        .prop_map(str::to_owned),
        "[a-zA-Z]{1,8}",
    ]
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        json_value().prop_map(|v| v.to_string().into_bytes()),
        prop::collection::vec(any::<u8>(), 0..64),
    ]
}

fn who() -> impl Strategy<Value = Who> {
    prop_oneof![
        Just(Who::Anonymous),
        Just(ANNA),
        Just(BEN),
        Just(ROOT),
        Just(Who::EndUser("end-user-subject".into())),
    ]
}

#[derive(Debug, Clone)]
struct Probe {
    who: Who,
    method: Method,
    route: &'static str,
    id: String,
    access: String,
    query: String,
    body: Vec<u8>,
}

fn probe() -> impl Strategy<Value = Probe> {
    (
        who(),
        prop::sample::select(METHODS),
        prop::sample::select(ROUTES),
        (segment(), segment()),
        query(),
        body(),
    )
        .prop_map(|(who, method, route, (id, access), query, body)| Probe {
            who,
            method,
            route,
            id,
            access,
            query,
            body,
        })
}

async fn run(p: Probe) {
    let app = spawn_app(Store::Memory).await;
    let created = app
        .create_customer(&ANNA, person("probe@example.com"))
        .await;
    let real_id = created["id"].as_str().unwrap();
    let real_access = created["accesses"][0]["id"].as_str().unwrap();
    let path = p
        .route
        .replace("{id}", &p.id.replace("{real}", real_id))
        .replace("{access}", &p.access.replace("{real}", real_access));
    let uri = if p.query.is_empty() {
        path
    } else {
        format!("{path}?{}", p.query)
    };
    // `send_raw` itself checks that every error is problem+json.
    let res = app
        .send_raw(&p.who, p.method.clone(), &uri, p.body.clone(), &[])
        .await;
    assert!(
        res.status.as_u16() < 500,
        "{p:?} answered {}: {:?}",
        res.status,
        res.body
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn no_request_to_any_endpoint_answers_with_a_server_error(p in probe()) {
        tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(run(p));
    }
}

/// The query parameters some operation takes: a name the probe invents must be none of them.
const KNOWN_PARAMETERS: &[&str] = &["q", "type", "limit", "cursor", "customerId", "dryRun"];

fn parameter_name() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "dryrun",
            "DryRun",
            "Limit",
            "CURSOR",
            "Q",
            "customer_id",
            "page",
            "offset",
            "sort",
            "limit[]",
            "cursor ",
            "",
        ])
        .prop_map(str::to_owned),
        "[A-Za-z_][A-Za-z0-9_.-]{0,15}",
        "\\PC{1,8}",
    ]
    .prop_filter("a parameter no operation takes", |n| {
        !KNOWN_PARAMETERS.contains(&n.as_str())
    })
}

/// Text after a JSON value: starts with anything but JSON's whitespace.
fn trailing_text() -> impl Strategy<Value = String> {
    "[^ \t\r\n]\\PC{0,20}"
}

/// The row's path and JSON body with plausible ids in place of the fixture world's: the
/// refusals come before any id is looked up.
fn filled(template: &str) -> String {
    template
        .replace("{C}", "cus_probe")
        .replace("{A}", "acc_probe")
        .replace("{T}", "trx_probe")
        .replace("{I}", "imp_probe")
        .replace("{TOKEN}", "t".repeat(43).as_str())
        .replace("{CODE}", "123456")
        .replace("{id}", "erin")
}

async fn refuses(row: &Row, name: &str, junk: &str) {
    let app = spawn_app(Store::Memory).await;
    let path = filled(&row.path);
    let who = if path.starts_with("/me") {
        Who::EndUser("end-user-subject".into())
    } else {
        ROOT
    };
    let (body, headers): (Vec<u8>, &[(&str, &str)]) = match row.body.as_deref() {
        Some(b) if b.starts_with("csv:") => (
            b["csv:".len()..].replace("\\n", "\n").into_bytes(),
            &[("content-type", "text/csv")],
        ),
        Some(b) => (filled(b).into_bytes(), &[]),
        None => (Vec::new(), &[]),
    };
    let encoded: String = name
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    let uri = format!("{path}?{encoded}=1");
    let res = app
        .send_raw(&who, row.method.clone(), &uri, body.clone(), headers)
        .await;
    assert_eq!(res.status, 400, "{} {uri}: {}", row.method, res.body);
    assert_eq!(
        res.field_errors(),
        [name.chars().take(64).collect::<String>()]
    );
    if let Some(json) = row.json_body() {
        let body = format!("{}{junk}", filled(json)).into_bytes();
        let res = app
            .send_raw(&who, row.method.clone(), &path, body, &[])
            .await;
        assert_eq!(
            res.status, 400,
            "{} {path} + {junk:?}: {}",
            row.method, res.body
        );
    }
    assert!(
        app.outbox().is_empty(),
        "{} {path} sent nothing",
        row.method
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn every_operation_answers_an_unknown_parameter_and_text_after_its_json_body_with_400(
        row in prop::sample::select((0..rows().len()).collect::<Vec<_>>()),
        name in parameter_name(),
        junk in trailing_text(),
    ) {
        let row = &rows()[row];
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(refuses(row, &name, &junk));
    }
}

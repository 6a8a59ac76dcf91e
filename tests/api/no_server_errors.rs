//! A property of every endpoint: no input yields a 5xx. Random methods, paths (real ids,
//! plausible ids, junk), query strings (forged cursors among them) and bodies (JSON of any
//! shape, and bytes that are not JSON), sent as each kind of caller, on the in-memory store.

use crate::helpers::*;
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

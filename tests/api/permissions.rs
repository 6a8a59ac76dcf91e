//! The permission matrix: `tests/permissions.tsv` lists every endpoint x caller x expected
//! status. Every cell runs through the HTTP router on both stores; an endpoint of
//! `openapi.yaml` without a row fails.
//!
//! The world of every cell: customer C (administrator anna) with an active end user, an
//! invited access A and the business transactions T (additional processor carl) and U
//! (additional processor dora); customer D (administrator ben) with an active end user; erin
//! is a specialist without any relation; root is a platform admin.
//!
//! The access model is a dimension of the matrix: a cell `200/404` holds under `open` (the
//! first status) and under `need-to-know` (the second); a single status holds under both.
//! Every cell runs under both models. Under need-to-know, carl and dora are responsible for C
//! only as additional processors, and erin and ben are not responsible for C at all.

use crate::both_stores;
use crate::helpers::*;
use http::Method;
use serde_json::{Value, json};
use shared::config::AccessModel;

const CALLERS: usize = 10;

pub struct Row {
    pub method: Method,
    pub path: String,
    /// The body template: JSON, or `csv:` and a CSV file.
    pub body: Option<String>,
    /// Per caller, the status under `open` and under `need-to-know`.
    expected: [[u16; 2]; CALLERS],
}

/// The two access models, in the order of a cell's statuses.
const MODELS: [AccessModel; 2] = [AccessModel::Open, AccessModel::NeedToKnow];

/// A cell: one status for both models, or `open/need-to-know`.
fn statuses(cell: &str, line: &str) -> [u16; 2] {
    let parse = |c: &str| {
        c.parse()
            .unwrap_or_else(|_| panic!("status {c:?} in {line}"))
    };
    match cell.split_once('/') {
        Some((open, ntk)) => [parse(open), parse(ntk)],
        None => [parse(cell); 2],
    }
}

impl Row {
    /// The JSON body template, if the operation takes a JSON body.
    pub fn json_body(&self) -> Option<&str> {
        self.body.as_deref().filter(|b| !b.starts_with("csv:"))
    }
}

pub fn rows() -> Vec<Row> {
    let raw = include_str!("../permissions.tsv");
    let mut lines = raw.lines().filter(|l| !l.trim().is_empty());
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    assert_eq!(header.len(), 3 + CALLERS, "header names every caller");
    lines
        .map(|l| {
            let cells: Vec<&str> = l.split('\t').collect();
            assert_eq!(cells.len(), 3 + CALLERS, "row has a status per caller: {l}");
            let mut expected = [[0u16; 2]; CALLERS];
            for (i, c) in cells[3..].iter().enumerate() {
                expected[i] = statuses(c, l);
            }
            Row {
                method: Method::from_bytes(cells[0].as_bytes())
                    .unwrap_or_else(|_| panic!("method {:?} in {l}", cells[0])),
                path: cells[1].into(),
                body: (cells[2] != "-").then(|| cells[2].to_owned()),
                expected,
            }
        })
        .collect()
}

/// Operations of openapi.yaml as `METHOD /path/{param}`, read by indentation (paths at two
/// spaces, methods at four).
pub fn openapi_operations() -> Vec<String> {
    let spec = include_str!("../../openapi.yaml");
    let mut ops = Vec::new();
    let mut in_paths = false;
    let mut path = String::new();
    for line in spec.lines() {
        if !line.starts_with(' ') && !line.trim().is_empty() {
            in_paths = line.trim_end() == "paths:";
            continue;
        }
        if !in_paths {
            continue;
        }
        if let Some(p) = line.strip_prefix("  /") {
            path = format!("/{}", p.trim_end().trim_end_matches(':'));
        } else if let Some(m) = line.strip_prefix("    ") {
            let m = m.trim_end().trim_end_matches(':');
            if ["get", "post", "put", "patch", "delete"].contains(&m) {
                ops.push(format!("{} {path}", m.to_uppercase()));
            }
        }
    }
    ops.sort();
    ops
}

/// Path templates of the matrix use the ids of the fixture world; the spec uses names.
fn normalise(path: &str) -> String {
    path.replace("{C}", "{id}")
        .replace("{A}", "{accessId}")
        .replace("{T}", "{transactionId}")
        .replace("{I}", "{id}")
        .replace("{H}", "{id}")
}

#[test]
fn every_endpoint_of_the_api_has_a_row_in_the_permission_matrix() {
    let mut in_matrix: Vec<String> = rows()
        .iter()
        .map(|r| format!("{} {}", r.method, normalise(&r.path)))
        .collect();
    in_matrix.sort();
    let spec = openapi_operations();
    assert!(
        spec.len() >= 22,
        "read the operations of openapi.yaml: {spec:?}"
    );
    assert_eq!(in_matrix, spec, "matrix rows and openapi.yaml operations");
}

struct World {
    customer: String,
    access: String,
    transaction: String,
    token: String,
    code: String,
    end_user_this: String,
    end_user_other: String,
    /// One identity with accesses at this customer and at another.
    end_user_both: String,
    /// An import of anna's.
    import: String,
    /// A handover of erin's (who is responsible for nothing) to ben, queued.
    handover: String,
}

async fn world(app: &TestApp) -> World {
    let c = app
        .create_customer(&ANNA, {
            let mut p = person("c@example.com");
            p["mobile"] = Value::Null;
            p
        })
        .await;
    let customer = c["id"].as_str().unwrap().to_owned();
    let end_user_this = app.register("c@example.com", None).await;
    let a = app
        .post(&ANNA, &format!("/customers/{customer}/accesses"), json!({"firstName": "Anton", "lastName": "Muster", "email": "a@example.com", "mobile": "0170 1234567"}))
        .await
        .expect(201);
    let token = app.token_for("a@example.com");
    let code = app.code_for("+491701234567");
    let d = app.create_customer(&BEN, company("d@example.com")).await;
    assert!(d["id"].is_string());
    let end_user_other = app.register("d@example.com", None).await;
    let end_user_both = end_user_of_two(app, &customer).await;
    let tx = |title: &'static str| {
        let path = format!("/customers/{customer}/transactions");
        async move {
            app.post(&ANNA, &path, json!({"title": title}))
                .await
                .expect(201)["id"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let t = tx("Einkommensteuer 2025").await;
    let u = tx("Grundsteuer 2026").await;
    let processors = format!("/customers/{customer}/additional-processors");
    app.post(
        &ANNA,
        &processors,
        json!({"specialistIds": ["carl"], "transactionIds": [t]}),
    )
    .await
    .expect(200);
    app.post(
        &ANNA,
        &processors,
        json!({"specialistIds": ["dora"], "transactionIds": [u]}),
    )
    .await
    .expect(200);
    let import = app
        .post_import(
            &ANNA,
            "type,firstName,lastName,email\nperson,Ida,Import,imp@example.com\n",
            false,
        )
        .await
        .expect(202)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let handover = app
        .post(&ROOT, "/specialists/erin/handover", json!({"to": "ben"}))
        .await
        .expect(202)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    World {
        import,
        handover,
        customer,
        access: a["id"].as_str().unwrap().to_owned(),
        transaction: t,
        token,
        code,
        end_user_this,
        end_user_other,
        end_user_both,
    }
}

/// An end user registered at a customer of ben's who then accepts an access at `customer`
/// with the same sign-in.
async fn end_user_of_two(app: &TestApp, customer: &str) -> String {
    app.create_customer(&BEN, company("zwei@example.com")).await;
    let subject = app.register("zwei@example.com", None).await;
    let access = json!({"firstName": "Zora", "lastName": "Zwei", "email": "zwei@example.com"});
    app.post(&ANNA, &format!("/customers/{customer}/accesses"), access)
        .await
        .expect(201);
    let token = app.token_for("zwei@example.com");
    app.complete(json!({"token": token, "password": "ein-sicheres-Passwort"}))
        .await
        .expect(200);
    subject
}

fn callers(w: &World) -> [Who; CALLERS] {
    [
        Who::Anonymous,
        Who::EndUser(w.end_user_this.clone()),
        Who::EndUser(w.end_user_other.clone()),
        Who::EndUser(w.end_user_both.clone()),
        Who::Specialist("erin"),
        ANNA,
        BEN,
        Who::Specialist("carl"),
        Who::Specialist("dora"),
        ROOT,
    ]
}

fn fill(template: &str, w: &World) -> String {
    template
        .replace("{C}", &w.customer)
        .replace("{A}", &w.access)
        .replace("{T}", &w.transaction)
        .replace("{TOKEN}", &w.token)
        .replace("{CODE}", &w.code)
        .replace("{I}", &w.import)
        .replace("{H}", &w.handover)
        .replace("{id}", "erin")
}

/// Sends the row's request (its body, or `body` instead) as `who` in world `w`.
async fn send_row(
    app: &TestApp,
    row: &Row,
    who: &Who,
    w: &World,
    query: &str,
    body: Option<Vec<u8>>,
) -> TestResponse {
    let path = format!("{}{query}", fill(&row.path, w));
    // A body `csv:...` is a CSV file (`\n` for line ends), sent as text/csv.
    if let Some(csv) = row.body.as_deref().and_then(|b| b.strip_prefix("csv:")) {
        let csv = csv.replace("\\n", "\n").into_bytes();
        let headers = [("content-type", "text/csv")];
        return app
            .send_raw(who, row.method.clone(), &path, csv, &headers)
            .await;
    }
    let body = body.unwrap_or_else(|| {
        row.body
            .as_ref()
            .map(|b| fill(b, w).into_bytes())
            .unwrap_or_default()
    });
    app.send_raw(who, row.method.clone(), &path, body, &[])
        .await
}

/// What every API answer carries, errors included (contract v3).
pub fn storage_headers_missing(res: &TestResponse) -> Option<String> {
    let header = |name| res.headers.get(name).and_then(|v| v.to_str().ok());
    let ok = header("cache-control") == Some("no-store")
        && header("x-content-type-options") == Some("nosniff");
    (!ok).then(|| format!("headers {:?}", res.headers))
}

both_stores!(
    every_cell_of_the_permission_matrix_holds_in_both_access_models,
    |app| {
        let rows = rows();
        let mut failures = Vec::new();
        let mut cells = 0;
        for (m, model) in MODELS.into_iter().enumerate() {
            let app = spawn_app_in(app.store, model).await;
            cells += model_cells(&app, &rows, m, &mut failures).await;
        }
        assert_eq!(cells, rows.len() * CALLERS * MODELS.len());
        assert!(
            failures.is_empty(),
            "{} of {cells} cells failed:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
);

/// Every cell of the matrix under the model of `app` (the `m`-th status of each cell); the
/// number of cells run.
async fn model_cells(app: &TestApp, rows: &[Row], m: usize, failures: &mut Vec<String>) -> usize {
    let model = app.app.settings.access_model.as_str();
    let mut cells = 0;
    // A refused request changes nothing, so reads and refusals share one world; every write
    // that is expected to succeed gets a world of its own.
    let shared_world = world(app).await;
    for row in rows {
        let read_only = row.method == Method::GET || row.path.ends_with("/inspect");
        for caller in 0..CALLERS {
            let expected = row.expected[caller][m];
            let succeeds = (200..300).contains(&expected);
            let fresh;
            let (app, w) = if read_only || !succeeds {
                (app, &shared_world)
            } else {
                let a = spawn_app_in(app.store, app.app.settings.access_model).await;
                let w = world(&a).await;
                fresh = (a, w);
                (&fresh.0, &fresh.1)
            };
            let who = &callers(w)[caller];
            let res = send_row(app, row, who, w, "", None).await;
            cells += 1;
            if res.status.as_u16() != expected {
                failures.push(format!(
                    "{model}: {} {} as caller #{caller} ({who:?}): expected {expected}, got {} {}",
                    row.method, row.path, res.status, res.body
                ));
            }
            if let Some(missing) = storage_headers_missing(&res) {
                failures.push(format!("{} {} as {who:?}: {missing}", row.method, row.path));
            }
        }
    }
    cells
}

both_stores!(
    every_answer_of_every_endpoint_says_no_store_and_nosniff_errors_included,
    |app| {
        let w = world(&app).await;
        let mut failures = Vec::new();
        let mut check = |what: String, res: TestResponse| {
            if let Some(missing) = storage_headers_missing(&res) {
                failures.push(format!("{what} ({}): {missing}", res.status));
            }
        };
        for row in rows() {
            let what = format!("{} {}", row.method, row.path);
            for who in [Who::Anonymous, Who::Specialist("erin"), ROOT] {
                let res = send_row(&app, &row, &who, &w, "", None).await;
                check(format!("{what} as {who:?}"), res);
            }
            let res = send_row(&app, &row, &ROOT, &w, "?unknown=1", None).await;
            check(format!("{what} with an unknown parameter"), res);
        }
        let big = vec![b' '; 70 * 1024];
        let probes = [
            ("GET", "/no-such-route", Vec::new(), "application/json"),
            ("PATCH", "/customers", Vec::new(), "application/json"),
            ("POST", "/customers", b"{".to_vec(), "application/json"),
            ("POST", "/customers", b"{}".to_vec(), "text/plain"),
            ("POST", "/customers", big, "application/json"),
        ];
        for (method, path, body, media) in probes {
            let method = Method::from_bytes(method.as_bytes()).unwrap();
            let headers = [("content-type", media)];
            let res = app
                .send_raw(&ANNA, method.clone(), path, body, &headers)
                .await;
            check(format!("{method} {path} as {media}"), res);
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
);

both_stores!(
    every_endpoint_answers_an_unknown_query_parameter_with_400_and_changes_nothing,
    |app| {
        let w = world(&app).await;
        let before = app.outbox().len();
        let customer_path = format!("/customers/{}", w.customer);
        let customer = app.get(&ROOT, &customer_path).await.expect(200);
        let mut failures = Vec::new();
        for row in rows() {
            for (query, name) in [("?dryrun=true", "dryrun"), ("?Limit=5", "Limit")] {
                // A caller who may do it, so that only the parameter is wrong.
                let who = if row.path.starts_with("/me") {
                    Who::EndUser(w.end_user_this.clone())
                } else {
                    ROOT
                };
                let res = send_row(&app, &row, &who, &w, query, None).await;
                let named = res.field_errors() == [name];
                if res.status != 400 || !named {
                    failures.push(format!(
                        "{} {}{query}: {} {}",
                        row.method, row.path, res.status, res.body
                    ));
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        assert_eq!(app.outbox().len(), before, "nothing was sent");
        let after = app.get(&ROOT, &customer_path).await.expect(200);
        assert_eq!(after, customer, "nothing was changed");
    }
);

both_stores!(
    a_method_a_route_does_not_serve_is_405_whatever_its_query_and_an_unknown_path_404,
    |app| {
        let w = world(&app).await;
        let customer = format!("/customers/{}", w.customer);
        let history = format!("{customer}/history");
        for (method, path) in [
            ("TRACE", "/customers"),
            ("PATCH", "/customers"),
            ("TRACE", history.as_str()),
            ("PUT", "/deletions"),
            ("DELETE", "/imports"),
            ("POST", customer.as_str()),
        ] {
            for query in ["", "?limit=25&cursor=", "?unknown=1"] {
                let method = Method::from_bytes(method.as_bytes()).unwrap();
                let target = format!("{path}{query}");
                let res = app
                    .send_raw(&ROOT, method.clone(), &target, Vec::new(), &[])
                    .await;
                assert_eq!(res.status, 405, "{method} {target}: {}", res.body);
            }
        }
        let res = app.get(&ROOT, "/no-such-route?unknown=1").await;
        assert_eq!(res.status, 404, "{}", res.body);
    }
);

both_stores!(every_json_body_followed_by_text_is_400, |app| {
    let w = world(&app).await;
    let customer_path = format!("/customers/{}", w.customer);
    let customer = app.get(&ROOT, &customer_path).await.expect(200);
    let mut failures = Vec::new();
    let rows = rows();
    let with_json: Vec<&Row> = rows.iter().filter(|r| r.json_body().is_some()).collect();
    assert_eq!(with_json.len(), 13, "every operation with a JSON body");
    for row in with_json {
        for junk in [" xyz", "}", "{}", "\n,", " null", "\u{0}"] {
            let body = format!("{}{junk}", fill(row.json_body().unwrap(), &w));
            let res = send_row(&app, row, &ROOT, &w, "", Some(body.into_bytes())).await;
            let detail = res.body["detail"].as_str().unwrap_or_default();
            if res.status != 400 || !detail.contains("after the JSON value") {
                failures.push(format!(
                    "{} {} + {junk:?}: {} {}",
                    row.method, row.path, res.status, res.body
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let after = app.get(&ROOT, &customer_path).await.expect(200);
    assert_eq!(after, customer, "nothing was changed");
});

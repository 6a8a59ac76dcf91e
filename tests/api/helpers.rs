//! The test harness: `spawn_app` builds the product's routers on a fresh store with the
//! local outbox, local identities and a settable clock, and sends requests through them the
//! way API Gateway would hand them to a function (with the JWT authorizer's claims).

use axum::Router;
use axum::body::Body;
use futures::FutureExt;
use futures::future::BoxFuture;
use http::{Method, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use shared::adapters::counting::{CountingTable, RequestCounter};
use shared::adapters::local_identity::{Cost, LocalIdentity};
use shared::adapters::memory::MemoryTable;
use shared::adapters::outbox::{Outbox, OutboxEntry};
use shared::app::App;
use shared::config::{Limits, Settings};
use shared::http::context::{gateway_context, jwt_claims};
use shared::ports::{Clock, Item, Table};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The project's root directory, read when the tests run (cargo sets `CARGO_MANIFEST_DIR` for
/// them), so that a test binary built from another checkout sharing the target directory, and
/// judged fresh by cargo, still reads this checkout's files.
pub fn project_root() -> std::path::PathBuf {
    let tests = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    tests
        .parent()
        .expect("the tests package sits in the workspace")
        .to_path_buf()
}
use time::OffsetDateTime;
use tower::ServiceExt;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Store {
    Memory,
    Dynamo,
}

/// A clock the test moves forward.
pub struct TestClock(Mutex<OffsetDateTime>);

impl TestClock {
    pub fn advance(&self, by: Duration) {
        let mut t = self.0.lock().unwrap();
        *t += by;
    }
}

impl Clock for TestClock {
    fn now(&self) -> OffsetDateTime {
        *self.0.lock().unwrap()
    }
}

pub struct TestApp {
    pub router: Router,
    pub app: App,
    pub table: Arc<dyn Table>,
    pub outbox: Arc<Outbox>,
    pub identity: Arc<LocalIdentity>,
    pub clock: Arc<TestClock>,
    pub store: Store,
    /// Every item of the table (a scan), for tests that look for leftovers.
    pub scan: Scan,
    /// The round trips of `table` so far.
    pub requests: RequestCounter,
    /// The messages queued for the import worker, which `work_imports` works off.
    pub imports: Arc<tokio::sync::Mutex<tokio::sync::mpsc::UnboundedReceiver<String>>>,
}

/// Reads every item of a table; each store reads its own way.
pub type Scan = Arc<dyn Fn() -> BoxFuture<'static, Vec<Item>> + Send + Sync>;

/// A fresh in-memory table, its scan, and its round trips counted as DynamoDB would count them.
pub fn memory_table() -> (Arc<dyn Table>, Scan, RequestCounter) {
    let table = Arc::new(CountingTable::new(MemoryTable::new()));
    let requests = table.requests();
    let for_scan = table.clone();
    let scan: Scan = Arc::new(move || {
        let t = for_scan.clone();
        async move { t.inner().scan() }.boxed()
    });
    (table, scan, requests)
}

/// Who sends a request.
#[derive(Clone, Debug)]
pub enum Who {
    Anonymous,
    Specialist(&'static str),
    PlatformAdmin(&'static str),
    EndUser(String),
}

pub const ANNA: Who = Who::Specialist("anna");
pub const BEN: Who = Who::Specialist("ben");
pub const CARL: Who = Who::Specialist("carl");
pub const ROOT: Who = Who::PlatformAdmin("root");

pub fn settings() -> Settings {
    Settings {
        portal_base_url: "https://portal.example.com".into(),
        firm_name: "Steuerkanzlei Muster".into(),
        invitation_ttl: Duration::from_secs(7 * 24 * 3600),
        cursor_key: b"test-cursor-key-test-cursor-key-0123".to_vec(),
        limits: roomy_limits(),
        issuers: shared::config::Issuers::local(),
        due: shared::config::Due::default(),
        access_model: shared::config::AccessModel::Open,
    }
}

/// Limits that scenarios about something else never reach (the fixtures share one mobile
/// number); `limits.rs` tests the contract's own.
pub fn roomy_limits() -> Limits {
    Limits {
        invitations_per_specialist: 100_000,
        sms_per_number: 100_000,
        registration_requests_per_minute: 100_000,
        imported_invitations_per_specialist: 100_000,
        ..Limits::default()
    }
}

pub async fn spawn_app(store: Store) -> TestApp {
    spawn_app_with(store, roomy_limits()).await
}

pub async fn spawn_app_with(store: Store, limits: Limits) -> TestApp {
    spawn_app_on(
        store,
        Settings {
            limits,
            ..settings()
        },
    )
    .await
}

/// An app whose specialists see what the access model lets them see.
pub async fn spawn_app_in(store: Store, model: shared::config::AccessModel) -> TestApp {
    spawn_app_on(
        store,
        Settings {
            access_model: model,
            ..settings()
        },
    )
    .await
}

pub async fn spawn_app_on(store: Store, settings: Settings) -> TestApp {
    let (table, scan, requests) = match store {
        Store::Memory => memory_table(),
        Store::Dynamo => crate::moto::fresh_table().await,
    };
    let outbox = Arc::new(Outbox::new(None).unwrap());
    // Hundreds of end users register in this suite: their local hashes at minimal cost.
    let identity = Arc::new(LocalIdentity::with_cost(Cost::Minimal));
    let clock = Arc::new(TestClock(Mutex::new(OffsetDateTime::now_utc())));
    let (queue, imports) = shared::adapters::in_process_queue::InProcessQueue::new();
    let app = App {
        table: table.clone(),
        mailer: outbox.clone(),
        sms: outbox.clone(),
        identity: identity.clone(),
        queue: Arc::new(queue),
        clock: clock.clone(),
        settings,
    };
    shared::usecases::specialists::seed(&app, &seed_specialists())
        .await
        .unwrap();
    let router = shared::functions::gateway(app.clone());
    TestApp {
        router,
        app,
        table,
        outbox,
        identity,
        clock,
        store,
        scan,
        requests,
        imports: Arc::new(tokio::sync::Mutex::new(imports)),
    }
}

pub fn seed_specialists() -> Vec<shared::domain::Specialist> {
    shared::usecases::specialists::seeded_specialists()
}

#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: http::HeaderMap,
    pub body: Value,
}

impl TestResponse {
    /// Asserts the status and returns the body, showing the body when it differs.
    pub fn expect(self, status: u16) -> Value {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected answer: {:#}",
            self.body
        );
        self.body
    }

    pub fn field_errors(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|e| e["field"].as_str().unwrap_or_default().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// The request context that API Gateway's JWT authorizer would attach.
pub fn request_context(who: &Who) -> lambda_http::request::RequestContext {
    let issuers = shared::config::Issuers::local();
    let (staff, end_users) = (issuers.staff.as_str(), issuers.end_user.as_str());
    let claims = match who {
        Who::Anonymous => None,
        Who::Specialist(id) => Some(jwt_claims(staff, id, &["specialists"])),
        Who::PlatformAdmin(id) => Some(jwt_claims(staff, id, &["specialists", "admins"])),
        Who::EndUser(sub) => Some(jwt_claims(end_users, sub, &[])),
    };
    gateway_context(&Method::GET, "/", claims)
}

impl TestApp {
    /// The same app and data, served with some ports changed (`app` keeps the original ones).
    pub fn rerouted(self, change: impl FnOnce(&mut App)) -> TestApp {
        let mut inner = self.app.clone();
        change(&mut inner);
        let router = shared::functions::gateway(inner);
        TestApp { router, ..self }
    }

    pub async fn send(
        &self,
        who: &Who,
        method: Method,
        path: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> TestResponse {
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        self.send_raw(who, method, path, body.into_bytes(), headers)
            .await
    }

    pub async fn send_raw(
        &self,
        who: &Who,
        method: Method,
        path: &str,
        body: Vec<u8>,
        headers: &[(&str, &str)],
    ) -> TestResponse {
        let mut req = Request::builder().method(method).uri(path);
        if !headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        {
            req = req.header("content-type", "application/json");
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let mut req = req.body(Body::from(body)).unwrap();
        req.extensions_mut().insert(request_context(who));
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        if status.is_client_error() || status.is_server_error() {
            assert_eq!(
                headers.get("content-type").map(|v| v.to_str().unwrap()),
                Some("application/problem+json"),
                "every error is problem+json"
            );
        }
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).expect("JSON body")
        };
        TestResponse {
            status,
            headers,
            body,
        }
    }

    /// The status of a request carrying exactly these verified claims.
    pub async fn send_with_claims(&self, claims: Value, method: Method, path: &str) -> u16 {
        let claims = serde_json::from_value(claims).expect("claims are a map of strings");
        let ctx = gateway_context(&method, path, Some(claims));
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .body(Body::empty())
            .unwrap();
        req.extensions_mut().insert(ctx);
        self.router
            .clone()
            .oneshot(req)
            .await
            .unwrap()
            .status()
            .as_u16()
    }

    pub async fn get(&self, who: &Who, path: &str) -> TestResponse {
        self.send(who, Method::GET, path, None, &[]).await
    }
    pub async fn post(&self, who: &Who, path: &str, body: Value) -> TestResponse {
        self.send(who, Method::POST, path, Some(body), &[]).await
    }
    pub async fn put(&self, who: &Who, path: &str, body: Value) -> TestResponse {
        self.send(who, Method::PUT, path, Some(body), &[]).await
    }
    pub async fn patch(&self, who: &Who, path: &str, body: Value) -> TestResponse {
        self.send(who, Method::PATCH, path, Some(body), &[]).await
    }
    pub async fn delete(&self, who: &Who, path: &str) -> TestResponse {
        self.send(who, Method::DELETE, path, None, &[]).await
    }

    /// A POST carrying an `Idempotency-Key`.
    pub async fn post_with_key(
        &self,
        who: &Who,
        path: &str,
        key: &str,
        body: Value,
    ) -> TestResponse {
        let headers = [("idempotency-key", key)];
        self.send(who, Method::POST, path, Some(body), &headers)
            .await
    }

    /// `POST /imports` (with `?dryRun=true` when `dry_run`) of a CSV file.
    pub async fn post_import(
        &self,
        who: &Who,
        csv: impl AsRef<[u8]>,
        dry_run: bool,
    ) -> TestResponse {
        let path = if dry_run {
            "/imports?dryRun=true"
        } else {
            "/imports"
        };
        let headers = [("content-type", "text/csv; charset=utf-8")];
        self.send_raw(who, Method::POST, path, csv.as_ref().to_vec(), &headers)
            .await
    }

    /// Works off every message queued for the import worker so far (and those its runs
    /// queue), on the `imports` function's grants, as SQS would hand them to it.
    pub async fn work_imports(&self) -> Vec<shared::usecases::imports::Worked> {
        let app = shared::functions::IMPORTS.restrict(self.app.clone());
        let mut queue = self.imports.lock().await;
        let mut outcomes = Vec::new();
        while let Ok(body) = queue.try_recv() {
            outcomes.push(
                shared::usecases::imports::work(&app, &body, None)
                    .await
                    .expect("import run"),
            );
        }
        outcomes
    }

    /// `POST /registrations/inspect` with `token` (any JSON value, to send wrong types too).
    pub async fn inspect(&self, token: impl serde::Serialize) -> TestResponse {
        let body = json!({ "token": token });
        self.post(&Who::Anonymous, "/registrations/inspect", body)
            .await
    }

    /// `POST /registrations/complete` with `body` as it stands.
    pub async fn complete(&self, body: Value) -> TestResponse {
        self.post(&Who::Anonymous, "/registrations/complete", body)
            .await
    }

    /// `POST /customers/{customer}/administrators` naming `specialists`.
    pub async fn add_administrators(
        &self,
        who: &Who,
        customer: &str,
        specialists: &[&str],
    ) -> TestResponse {
        let path = format!("/customers/{customer}/administrators");
        self.post(who, &path, json!({ "specialistIds": specialists }))
            .await
    }

    /// `POST /customers/{customer}/additional-processors`: `specialists` for `transactions`.
    pub async fn add_processors<T: serde::Serialize>(
        &self,
        who: &Who,
        customer: &str,
        specialists: &[&str],
        transactions: &[T],
    ) -> TestResponse {
        let path = format!("/customers/{customer}/additional-processors");
        let body = json!({ "specialistIds": specialists, "transactionIds": transactions });
        self.post(who, &path, body).await
    }

    /// `GET /customers/{customer}/authorisations`.
    pub async fn authorisations(&self, who: &Who, customer: &str) -> TestResponse {
        self.get(who, &format!("/customers/{customer}/authorisations"))
            .await
    }

    /// Creates a customer as `who` and returns its body.
    pub async fn create_customer(&self, who: &Who, body: Value) -> Value {
        self.post(who, "/customers", body).await.expect(201)
    }

    pub fn outbox(&self) -> Vec<OutboxEntry> {
        self.outbox.entries()
    }

    /// The mail service's message id of the last e-mail to `to`, as it would report it.
    pub fn message_to(&self, to: &str) -> String {
        self.outbox()
            .into_iter()
            .rev()
            .find(|e| e.channel == "email" && e.to == to)
            .and_then(|e| e.message_id)
            .unwrap_or_else(|| panic!("no e-mail to {to}"))
    }

    /// The mail service reports `state` about the e-mail `message_id`, through the use case
    /// of the `deliveries` function.
    pub async fn report(
        &self,
        message_id: &str,
        state: shared::domain::DeliveryState,
    ) -> shared::usecases::deliveries::Outcome {
        let report = shared::usecases::deliveries::MailReport {
            message_id: message_id.to_owned(),
            state,
        };
        shared::usecases::deliveries::record(&self.app, &report)
            .await
            .unwrap()
    }

    /// The registration token from the last e-mail sent to `to`.
    pub fn token_for(&self, to: &str) -> String {
        let mail = self
            .outbox()
            .into_iter()
            .rev()
            .find(|e| e.channel == "email" && e.to == to)
            .unwrap_or_else(|| panic!("no e-mail to {to}"));
        let start =
            mail.body.find("/register#token=").expect("link in e-mail") + "/register#token=".len();
        mail.body[start..]
            .split_whitespace()
            .next()
            .unwrap()
            .to_owned()
    }

    /// The registration code from the last SMS sent to `to`.
    pub fn code_for(&self, to: &str) -> String {
        let sms = self
            .outbox()
            .into_iter()
            .rev()
            .find(|e| e.channel == "sms" && e.to == to)
            .unwrap_or_else(|| panic!("no SMS to {to}"));
        sms.body
            .split_whitespace()
            .map(|w| w.trim_end_matches('.'))
            .find(|w| w.len() == 9 && w.as_bytes()[4] == b'-')
            .expect("code in SMS")
            .to_owned()
    }

    /// Registers the access invited at `email` (with the code sent to `sms_to`, if any) and
    /// returns the end user's subject.
    pub async fn register(&self, email: &str, sms_to: Option<&str>) -> String {
        let token = self.token_for(email);
        let mut body = json!({"token": token, "password": "ein-sicheres-Passwort"});
        if let Some(to) = sms_to {
            body["smsCode"] = json!(self.code_for(to));
        }
        self.complete(body).await.expect(200);
        self.identity
            .check(email, "ein-sicheres-Passwort")
            .expect("sign-in exists")
    }

    pub async fn scan(&self) -> Vec<Item> {
        (self.scan)().await
    }

    pub fn clock_now(&self) -> OffsetDateTime {
        self.clock.now()
    }

    pub fn requests(&self) -> u64 {
        self.requests.get()
    }
}

pub fn person(email: &str) -> Value {
    json!({
        "type": "person",
        "salutation": "ms",
        "title": "Dr.",
        "firstName": "Erika",
        "lastName": "Mustermann",
        "dateOfBirth": "1980-01-31",
        "email": email,
        "mobile": "0170 1234567",
        "language": "de",
        "address": {"street": "Hauptstr. 1", "postalCode": "10115", "city": "Berlin", "country": "DE"}
    })
}

pub fn company(email: &str) -> Value {
    json!({
        "type": "company",
        "companyName": "Muster GmbH",
        "legalForm": "GmbH",
        "registerNumber": "HRB 12345",
        "vatId": "DE123456789",
        "contactFirstName": "Max",
        "contactLastName": "Muster",
        "email": email,
        "language": "en"
    })
}

/// Runs one async scenario against both stores, as two tests named `<name>::in_memory` and
/// `<name>::on_dynamodb`.
#[macro_export]
macro_rules! both_stores {
    ($(#[$meta:meta])* $name:ident, |$app:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            async fn scenario($app: $crate::helpers::TestApp) $body

            #[tokio::test]
            async fn in_memory() {
                scenario($crate::helpers::spawn_app($crate::helpers::Store::Memory).await).await;
            }

            #[tokio::test]
            async fn on_dynamodb() {
                scenario($crate::helpers::spawn_app($crate::helpers::Store::Dynamo).await).await;
            }
        }
    };
}

/// Runs a scenario on both stores with `ACCESS_MODEL=need-to-know`.
#[macro_export]
macro_rules! need_to_know_on_both_stores {
    ($name:ident, |$app:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            async fn scenario($app: $crate::helpers::TestApp) $body

            #[tokio::test]
            async fn in_memory() {
                let model = shared::config::AccessModel::NeedToKnow;
                scenario($crate::helpers::spawn_app_in($crate::helpers::Store::Memory, model).await).await;
            }

            #[tokio::test]
            async fn on_dynamodb() {
                let model = shared::config::AccessModel::NeedToKnow;
                scenario($crate::helpers::spawn_app_in($crate::helpers::Store::Dynamo, model).await).await;
            }
        }
    };
}

/// A delivery service that refuses everything.
pub struct FailingDelivery;

#[async_trait::async_trait]
impl shared::ports::Mailer for FailingDelivery {
    async fn send(
        &self,
        _: &shared::ports::EmailMessage,
    ) -> Result<String, shared::ports::DeliveryError> {
        Err(shared::ports::DeliveryError(anyhow::anyhow!(
            "MessageRejected: identity not verified"
        )))
    }
}

#[async_trait::async_trait]
impl shared::ports::SmsSender for FailingDelivery {
    async fn send(
        &self,
        _: &shared::ports::SmsMessage,
    ) -> Result<(), shared::ports::DeliveryError> {
        Err(shared::ports::DeliveryError(anyhow::anyhow!("Throttling")))
    }
}

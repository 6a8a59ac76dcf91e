//! Fault injection through the ports: the k-th call to the store (throttling, 5xx and
//! timeouts all reach the use cases as an unavailable store) or a sign-in call fails, for every
//! k of every step of: create customer, create access, complete registration, remove
//! authorisations, delete customer. After each fault the answer is a clear error, the state is
//! consistent, and a retry succeeds (a deletion then has exactly one deletion record, with the
//! counts of its preview).

use crate::both_stores;
use crate::helpers::*;
use async_trait::async_trait;
use serde_json::{Value, json};
use shared::domain::{EmailAddress, Password};
use shared::ports::{Identity, IdentityError, Item, Key, Page, Query, StoreError, Table, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

/// Fails the call numbered `fail_at` (0-based, counting from arming), once.
pub struct FaultyTable {
    inner: Arc<dyn Table>,
    calls: AtomicU64,
    fail_at: AtomicI64,
}

impl FaultyTable {
    /// `inner`, whose call numbered `k` (0-based) fails, once; -1: none until armed.
    pub fn failing_at(inner: Arc<dyn Table>, k: i64) -> Self {
        Self {
            inner,
            calls: AtomicU64::new(0),
            fail_at: AtomicI64::new(k),
        }
    }

    fn arm(&self, k: i64) {
        self.calls.store(0, Ordering::SeqCst);
        self.fail_at.store(k, Ordering::SeqCst);
    }
    fn trip(&self) -> Result<(), StoreError> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst) as i64;
        if n == self.fail_at.load(Ordering::SeqCst) {
            self.fail_at.store(-1, Ordering::SeqCst);
            return Err(StoreError::Unavailable(anyhow::anyhow!(
                "injected: ProvisionedThroughputExceededException"
            )));
        }
        Ok(())
    }
}

#[async_trait]
impl Table for FaultyTable {
    async fn get(&self, key: &Key) -> Result<Option<Item>, StoreError> {
        self.trip()?;
        self.inner.get(key).await
    }
    async fn batch_get(&self, keys: &[Key]) -> Result<Vec<Item>, StoreError> {
        self.trip()?;
        self.inner.batch_get(keys).await
    }
    async fn query(&self, query: &Query) -> Result<Page, StoreError> {
        self.trip()?;
        self.inner.query(query).await
    }
    async fn write(&self, write: Write) -> Result<(), StoreError> {
        self.trip()?;
        self.inner.write(write).await
    }
    async fn transact(&self, writes: Vec<Write>, token: Option<String>) -> Result<(), StoreError> {
        self.trip()?;
        self.inner.transact(writes, token).await
    }
    async fn batch_delete(&self, keys: &[Key]) -> Result<(), StoreError> {
        self.trip()?;
        self.inner.batch_delete(keys).await
    }
}

/// Sign-ins whose next call fails when armed.
struct FaultyIdentity {
    inner: Arc<shared::adapters::local_identity::LocalIdentity>,
    fail_next: std::sync::atomic::AtomicBool,
}

impl FaultyIdentity {
    fn trip(&self) -> Result<(), IdentityError> {
        if self.fail_next.swap(false, Ordering::SeqCst) {
            return Err(IdentityError::Unavailable(anyhow::anyhow!(
                "injected: Cognito TooManyRequestsException"
            )));
        }
        Ok(())
    }
}

#[async_trait]
impl Identity for FaultyIdentity {
    async fn create(
        &self,
        email: &EmailAddress,
        password: &Password,
    ) -> Result<String, IdentityError> {
        self.trip()?;
        self.inner.create(email, password).await
    }
    async fn verify(
        &self,
        email: &EmailAddress,
        password: &str,
    ) -> Result<Option<String>, IdentityError> {
        self.trip()?;
        self.inner.verify(email, password).await
    }
    async fn find(&self, email: &EmailAddress) -> Result<Option<String>, IdentityError> {
        self.trip()?;
        self.inner.find(email).await
    }
    async fn delete(&self, subject: &str) -> Result<(), IdentityError> {
        self.trip()?;
        self.inner.delete(subject).await
    }
}

struct Rig {
    app: TestApp,
    table: Arc<FaultyTable>,
    identity: Arc<FaultyIdentity>,
}

async fn rig(store: Store) -> Rig {
    let base = spawn_app(store).await;
    let table = Arc::new(FaultyTable::failing_at(base.table.clone(), -1));
    let identity = Arc::new(FaultyIdentity {
        inner: base.identity.clone(),
        fail_next: false.into(),
    });
    Rig {
        app: base.rerouted(|a| {
            a.table = table.clone();
            a.identity = identity.clone();
        }),
        table,
        identity,
    }
}

/// The invariants of the data, checked on a scan and the sign-ins.
async fn assert_consistent(app: &TestApp, context: &str) {
    let items = app.scan().await;
    let by_key = |pk: &str, sk: &str| items.iter().find(|i| i["pk"] == pk && i["sk"] == sk);
    let s = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    for i in &items {
        let (pk, sk) = (s(&i["pk"]), s(&i["sk"]));
        if sk == "#CUSTOMER" && i.get("deleting").is_none() {
            // (Accesses may all be removed on purpose; the contract protects only the last
            // administrator. Creation writes customer and first access in one transaction.)
            let admins = items
                .iter()
                .filter(|a| a["pk"] == pk && s(&a["sk"]).starts_with("GRANT#ADMIN#"))
                .count();
            assert!(
                admins >= 1,
                "{context}: customer {pk} without an administrator"
            );
            assert_eq!(
                i["adminCount"].as_i64(),
                Some(admins as i64),
                "{context}: admin count of {pk}"
            );
        }
        if pk.starts_with("C#") && sk != "#CUSTOMER" {
            assert!(
                by_key(&pk, "#CUSTOMER").is_some(),
                "{context}: orphan {pk} {sk}"
            );
        }
        if sk.starts_with("ACCESS#") {
            check_access(app, &items, i, context);
        }
        if sk.starts_with("C#") && pk.starts_with("IDENTITY#") {
            // A membership: its access exists and is not on its way out, unless its customer is.
            let access = by_key(
                &format!("C#{}", s(&i["customerId"])),
                &format!("ACCESS#{}", s(&i["accessId"])),
            );
            assert!(
                access.is_some(),
                "{context}: membership {pk} {sk} points nowhere"
            );
            assert!(
                by_key(&pk, "#IDENTITY").is_some(),
                "{context}: membership without identity"
            );
        }
        if sk == "#IDENTITY" {
            let members = items
                .iter()
                .filter(|m| m["pk"] == pk && s(&m["sk"]).starts_with("C#"))
                .count() as i64;
            assert_eq!(
                i["accessCount"].as_i64(),
                Some(members),
                "{context}: access count of {pk}"
            );
            assert!(members >= 1, "{context}: identity {pk} without an access");
            if let Some(sub) = i.get("subject").and_then(|v| v.as_str()) {
                assert!(
                    by_key(&format!("SIGNIN#{sub}"), "SIGNIN")
                        .is_some_and(|p| p["email"] == s(&i["email"])),
                    "{context}: identity with a sign-in but no pointer from it"
                );
            }
        }
        if sk == "SIGNIN" {
            let record = by_key(&format!("IDENTITY#{}", s(&i["email"])), "#IDENTITY");
            let sub = pk.trim_start_matches("SIGNIN#");
            assert!(
                record.is_some_and(|r| r["subject"] == sub),
                "{context}: {pk} points to no identity that holds it"
            );
        }
    }
    assert_deletions_recorded_once(&items, context);
    for customer in items.iter().filter(|i| i["sk"] == "#CUSTOMER") {
        if customer.get("deleting").is_none() {
            assert_history_matches(&items, &s(&customer["pk"]), context);
        }
    }
    // No sign-in without an identity that records it, except those of accesses on their way
    // out (the retry deletes them).
    let mut allowed: std::collections::BTreeSet<String> = items
        .iter()
        .filter(|i| i["sk"] == "#IDENTITY" && i.get("subject").is_some())
        .map(|i| s(&i["email"]))
        .collect();
    for i in items.iter().filter(|i| s(&i["sk"]).starts_with("ACCESS#")) {
        if leaving(&items, i) {
            allowed.insert(s(&i["email"]).to_lowercase());
        }
    }
    assert!(
        app.identity.count() <= allowed.len(),
        "{context}: a sign-in without an identity that holds it"
    );
}

/// The customer's state is what its history says, and the reverse: every change and its
/// event were written together. Per subject, the newest event of each kind decides whether
/// it exists (an access, an administrator, a transaction, a processor's grant of a
/// transaction), and an active access has its activation recorded.
fn assert_history_matches(items: &[Item], pk: &str, context: &str) {
    let s = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    let mut part: Vec<&Item> = items.iter().filter(|i| i["pk"] == pk).collect();
    part.sort_by_key(|i| s(&i["sk"]));
    let events: Vec<&Item> = part
        .iter()
        .copied()
        .filter(|i| s(&i["sk"]).starts_with("~EV#"))
        .collect();
    let exists = |sk: String| part.iter().any(|i| s(&i["sk"]) == sk);
    // The newest event about `subject` among `actions` (events are newest first).
    let newest = |actions: [&str; 2], subject: &str, tx: Option<&str>| {
        events
            .iter()
            .find(|e| {
                actions.contains(&s(&e["action"]).as_str())
                    && e["subjectId"] == subject
                    && tx.is_none_or(|t| {
                        e["transactionIds"]
                            .as_array()
                            .is_some_and(|l| l.contains(&json!(t)))
                    })
            })
            .map(|e| s(&e["action"]))
    };
    let mut subjects = std::collections::BTreeSet::new();
    for e in &events {
        let subject = s(&e["subjectId"]);
        match s(&e["action"]).split('.').next().unwrap_or_default() {
            "access" => subjects.insert(("access", subject, None)),
            "administrator" => subjects.insert(("administrator", subject, None)),
            "transaction" => subjects.insert(("transaction", subject, None)),
            "additional-processor" => {
                for t in e["transactionIds"].as_array().into_iter().flatten() {
                    subjects.insert(("additional-processor", subject.clone(), Some(s(t))));
                }
                true
            }
            _ => false,
        };
    }
    for i in &part {
        let sk = s(&i["sk"]);
        let subject = sk.rsplit('#').next().unwrap_or_default().to_owned();
        if sk.starts_with("ACCESS#") {
            subjects.insert(("access", subject, None));
        } else if sk.starts_with("GRANT#ADMIN#") {
            subjects.insert(("administrator", subject, None));
        } else if sk.starts_with("TX#") {
            subjects.insert(("transaction", subject, None));
        } else if let Some(grant) = sk.strip_prefix("GRANT#PROC#") {
            let (who, tx) = grant.split_once('#').unwrap_or_default();
            subjects.insert(("additional-processor", who.to_owned(), Some(tx.to_owned())));
        }
    }
    for (kind, subject, tx) in subjects {
        let (stored, recorded) = match kind {
            "access" => (
                exists(format!("ACCESS#{subject}")),
                newest(["access.created", "access.removed"], &subject, None),
            ),
            "administrator" => (
                exists(format!("GRANT#ADMIN#{subject}")),
                newest(
                    ["administrator.added", "administrator.removed"],
                    &subject,
                    None,
                ),
            ),
            "transaction" => (
                exists(format!("TX#{subject}")),
                newest(
                    ["transaction.created", "transaction.deleted"],
                    &subject,
                    None,
                ),
            ),
            _ => {
                let tx = tx.clone().unwrap_or_default();
                (
                    exists(format!("GRANT#PROC#{subject}#{tx}")),
                    newest(
                        ["additional-processor.added", "additional-processor.removed"],
                        &subject,
                        Some(&tx),
                    ),
                )
            }
        };
        let says_exists = recorded
            .as_deref()
            .is_some_and(|a| a.ends_with("created") || a.ends_with("added"));
        assert_eq!(
            stored, says_exists,
            "{context}: {kind} {subject} {tx:?} of {pk}: stored {stored}, history says {recorded:?}"
        );
    }
    for access in part
        .iter()
        .filter(|i| s(&i["sk"]).starts_with("ACCESS#") && i["status"] == "active")
    {
        let id = s(&access["id"]);
        assert!(
            events
                .iter()
                .any(|e| e["action"] == "access.activated" && e["subjectId"] == id.as_str()),
            "{context}: active access {id} of {pk} without its activation event"
        );
    }
}

/// A deletion record is written with the customer's tombstone: a customer being deleted has
/// exactly one, a customer that is not has none, and no customer has two.
fn assert_deletions_recorded_once(items: &[Item], context: &str) {
    let records_of = |customer: &str| {
        items
            .iter()
            .filter(|r| r["pk"] == "DELETIONS" && r["customerId"] == customer)
            .count()
    };
    for r in items.iter().filter(|r| r["pk"] == "DELETIONS") {
        let customer = r["customerId"].as_str().unwrap_or_default();
        assert_eq!(records_of(customer), 1, "{context}: records of {customer}");
    }
    for c in items.iter().filter(|c| c["sk"] == "#CUSTOMER") {
        let customer = c["id"].as_str().unwrap_or_default();
        let want = usize::from(c.get("deleting").is_some());
        assert_eq!(
            records_of(customer),
            want,
            "{context}: records of {customer}, deleting: {want}"
        );
    }
}

/// A deletion's outcome: exactly one record of the customer `w["id"]`, with the counts its
/// preview (`w["preview"]`, read before the deletion) showed.
async fn recorded_once(app: &TestApp, w: &Value, context: &str) {
    let items = app.scan().await;
    let records: Vec<&Item> = items
        .iter()
        .filter(|r| r["pk"] == "DELETIONS" && r["customerId"] == w["id"])
        .collect();
    assert_eq!(
        records.len(),
        1,
        "{context}: records of the deleted customer"
    );
    for (count, want) in w["preview"].as_object().unwrap() {
        assert_eq!(&records[0][count], want, "{context}: recorded {count}");
    }
}

/// `w` with the deletion preview of its customer `w[id]`, as its administrator anna sees it.
async fn with_preview(app: &TestApp, mut w: Value) -> Value {
    let path = format!("/customers/{}/deletion-preview", w["id"].as_str().unwrap());
    w["preview"] = app.get(&ANNA, &path).await.expect(200);
    w
}

/// An access marked removing, or of a customer being deleted.
fn leaving(items: &[Item], access: &Item) -> bool {
    let customer = items
        .iter()
        .find(|c| c["pk"] == access["pk"] && c["sk"] == "#CUSTOMER");
    access.get("removing").is_some() || customer.is_some_and(|c| c.get("deleting").is_some())
}

/// An access that is not on its way out belongs to its address's identity (a membership at
/// its customer); an invited one has its invitation; an active one the identity's sign-in.
fn check_access(app: &TestApp, items: &[Item], access: &Item, context: &str) {
    let s = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    let by_key = |pk: &str, sk: &str| items.iter().find(|i| i["pk"] == pk && i["sk"] == sk);
    if let Some(inv) = access.get("invitation").and_then(|v| v.as_str()) {
        assert!(
            by_key(&format!("INV#{inv}"), "INV").is_some(),
            "{context}: invited access without its invitation"
        );
    }
    if leaving(items, access) {
        return;
    }
    let email = s(&access["email"]).to_lowercase();
    let customer = s(&access["pk"]).trim_start_matches("C#").to_owned();
    let member = by_key(&format!("IDENTITY#{email}"), &format!("C#{customer}"));
    assert!(
        member.is_some_and(|m| m["accessId"] == s(&access["sk"]).trim_start_matches("ACCESS#")),
        "{context}: access without its membership"
    );
    if access["status"] == "active" {
        let record = by_key(&format!("IDENTITY#{email}"), "#IDENTITY");
        assert!(
            record.is_some_and(|r| r["subject"] == access["identity"]),
            "{context}: active access whose identity does not hold its sign-in"
        );
        let has_sign_in = app.identity.contains(&EmailAddress::parse(&email).unwrap());
        assert!(has_sign_in, "{context}: active access without a sign-in");
    }
}

/// Runs `step` once per store call it makes, failing that call, then once more without a
/// fault; checks the answers and the state each time. Returns the number of faults injected.
async fn sweep(
    store: Store,
    name: &str,
    prepare: impl AsyncFn(&TestApp) -> Value,
    step: impl AsyncFn(&TestApp, &Value) -> TestResponse,
    ok: u16,
) -> usize {
    let done = async |_: &TestApp, _: &Value, _: &str| {};
    sweep_checked(store, name, prepare, step, ok, done).await
}

/// [`sweep`], checking also the outcome with `done` whenever the step answered `ok`.
async fn sweep_checked(
    store: Store,
    name: &str,
    prepare: impl AsyncFn(&TestApp) -> Value,
    step: impl AsyncFn(&TestApp, &Value) -> TestResponse,
    ok: u16,
    done: impl AsyncFn(&TestApp, &Value, &str),
) -> usize {
    // How many store calls the step makes.
    let r = rig(store).await;
    let world = prepare(&r.app).await;
    r.table.arm(-1);
    step(&r.app, &world).await.expect(ok);
    done(&r.app, &world, name).await;
    let calls = r.table.calls.load(Ordering::SeqCst) as i64;
    let mut faults = 0;
    for k in 0..calls {
        let r = rig(store).await;
        let world = prepare(&r.app).await;
        r.table.arm(k);
        let res = step(&r.app, &world).await;
        faults += 1;
        let context = format!("{name}, store call {k} of {calls} failed");
        // A fault in a best-effort step after the commit (recording delivery) still answers
        // success; every other fault is a clear 503 that says to retry.
        assert!(
            res.status == ok || res.status == 503,
            "{context}: answered {} {}",
            res.status,
            res.body
        );
        if res.status == 503 {
            assert_eq!(res.headers["retry-after"], "1", "{context}");
            assert!(res.body["correlationId"].is_string(), "{context}");
        }
        assert_consistent(&r.app, &context).await;
        if res.status == ok {
            done(&r.app, &world, &context).await;
        } else {
            r.table.arm(-1);
            let retry = step(&r.app, &world).await;
            assert_eq!(
                retry.status, ok,
                "{context}: the retry answered {}",
                retry.body
            );
            let context = format!("{context}, after the retry");
            assert_consistent(&r.app, &context).await;
            done(&r.app, &world, &context).await;
        }
    }
    faults
}

async fn world_with_active_end_user(app: &TestApp) -> Value {
    let c = app
        .create_customer(&ANNA, person("fault@example.com"))
        .await;
    let id = c["id"].as_str().unwrap().to_owned();
    app.register("fault@example.com", Some("+491701234567"))
        .await;
    app.add_administrators(&ANNA, &id, &["ben"])
        .await
        .expect(200);
    let t = app
        .post(
            &ANNA,
            &format!("/customers/{id}/transactions"),
            json!({"title": "T"}),
        )
        .await
        .expect(201);
    app.add_processors(&ANNA, &id, &["carl"], &[&t["id"]])
        .await
        .expect(200);
    let view = app.authorisations(&ANNA, &id).await.expect(200);
    json!({"id": id, "access": view["accesses"][0]["id"]})
}

/// One end user at two customers: registered at the first, invited by the second (`token`
/// accepts it with the existing password), or with `accepted` active at both.
async fn world_with_two_customers(app: &TestApp, accepted: bool) -> Value {
    let email = "zwei@example.com";
    let first = app.create_customer(&ANNA, company(email)).await;
    app.register(email, None).await;
    let second = app.create_customer(&ANNA, company(email)).await;
    let token = app.token_for(email);
    if accepted {
        app.complete(json!({"token": token, "password": "ein-sicheres-Passwort"}))
            .await
            .expect(200);
    }
    let view = app
        .authorisations(&ANNA, first["id"].as_str().unwrap())
        .await
        .expect(200);
    json!({"first": first["id"], "second": second["id"], "token": token, "access": view["accesses"][0]["id"]})
}

/// The identity steps: accepting a further customer, leaving one of two, deleting a customer
/// whose end user keeps another.
async fn sweep_identities(store: Store) -> usize {
    let mut total = sweep(
        store,
        "accept with the existing sign-in",
        async |app: &TestApp| world_with_two_customers(app, false).await,
        async |app: &TestApp, w: &Value| {
            app.complete(json!({"token": w["token"], "password": "ein-sicheres-Passwort"}))
                .await
        },
        200,
    )
    .await;
    total += sweep(
        store,
        "remove one of two accesses",
        async |app: &TestApp| world_with_two_customers(app, true).await,
        async |app: &TestApp, w: &Value| {
            let path = format!(
                "/customers/{}/authorisations/remove",
                w["first"].as_str().unwrap()
            );
            app.post(&ANNA, &path, json!({"accessIds": [w["access"]]}))
                .await
        },
        200,
    )
    .await;
    total += sweep_checked(
        store,
        "delete a customer whose end user keeps another",
        async |app: &TestApp| {
            let mut w = world_with_two_customers(app, true).await;
            w["id"] = w["first"].clone();
            with_preview(app, w).await
        },
        delete_customer,
        204,
        recorded_once,
    )
    .await;
    total
}

/// The step of both deletion sweeps: `DELETE` the customer `id` names.
async fn delete_customer(app: &TestApp, w: &Value) -> TestResponse {
    app.delete(&ANNA, &format!("/customers/{}", w["id"].as_str().unwrap()))
        .await
}

both_stores!(
    every_store_fault_in_identity_steps_leaves_consistent_data_and_a_retry_succeeds,
    |app| {
        let total = sweep_identities(app.store).await;
        assert!(total >= 12, "{total} faults injected");
    }
);

both_stores!(
    every_store_fault_in_every_step_leaves_consistent_data_and_a_retry_succeeds,
    |app| {
        let store = app.store;
        let mut total = 0;
        total += sweep(
            store,
            "create customer",
            async |_| Value::Null,
            async |app: &TestApp, _: &Value| {
                app.post_with_key(&ANNA, "/customers", "fault-1", person("neu@example.com"))
                    .await
            },
            201,
        )
        .await;
        total += sweep(store, "create access", world_with_active_end_user, async |app: &TestApp, w: &Value| {
        app.post(&ANNA, &format!("/customers/{}/accesses", w["id"].as_str().unwrap()), json!({"firstName": "N", "lastName": "N", "email": "neu.access@example.com", "mobile": "0171 1234567"})).await
    }, 201
)
    .await;
        total += sweep(store, "complete registration", async |app: &TestApp| {
        let c = app.create_customer(&ANNA, person("reg@example.com")).await;
        json!({"token": app.token_for("reg@example.com"), "code": app.code_for("+491701234567"), "id": c["id"]})
    }, async |app: &TestApp, w: &Value| {
        app.complete(json!({"token": w["token"], "smsCode": w["code"], "password": "ein-sicheres-Passwort"})).await
    }, 200
)
    .await;
        total += sweep(store, "remove authorisations", world_with_active_end_user, async |app: &TestApp, w: &Value| {
        app.post(&ANNA, &format!("/customers/{}/authorisations/remove", w["id"].as_str().unwrap()), json!({"accessIds": [w["access"]], "administratorIds": ["ben"], "additionalProcessors": [{"specialistId": "carl"}]})).await
    }, 200
)
    .await;
        // A repeated DELETE of a half-deleted customer finishes the job, so the retry is 204
        // too; the deletion is recorded once, with the counts of its preview.
        total += sweep_checked(
            store,
            "delete customer",
            async |app: &TestApp| {
                let w = world_with_active_end_user(app).await;
                with_preview(app, w).await
            },
            delete_customer,
            204,
            recorded_once,
        )
        .await;
        assert!(total >= 15, "{total} faults injected");
        drop(app);
    }
);

both_stores!(
    a_retried_removal_of_an_invited_access_deletes_the_sign_in_its_identity_ended_and_no_other,
    |app| {
        // The address signs in through its access at the first customer; the second customer
        // invited it too. The first access goes (the identity keeps its sign-in); then the
        // invited one, the identity's last: the identity ends, deleting the sign-in fails, and
        // the retry finds neither identity nor subject on the invited access.
        let r = rig(app.store).await;
        let w = world_with_two_customers(&r.app, false).await;
        let remove = |customer: &Value, access: &Value| {
            let path = format!(
                "/customers/{}/authorisations/remove",
                customer.as_str().unwrap()
            );
            (path, json!({"accessIds": [access]}))
        };
        let (path, body) = remove(&w["first"], &w["access"]);
        r.app.post(&ANNA, &path, body).await.expect(200);
        assert_eq!(r.app.identity.count(), 1);
        let second = w["second"].as_str().unwrap();
        let view = r.app.authorisations(&ANNA, second).await.expect(200);
        let (path, body) = remove(&w["second"], &view["accesses"][0]["id"]);
        r.identity.fail_next.store(true, Ordering::SeqCst);
        assert_eq!(r.app.post(&ANNA, &path, body.clone()).await.status, 503);
        assert_consistent(&r.app, "sign-in deletion failed").await;
        // Meanwhile another address's sign-in exists: the retry must leave it.
        r.app
            .create_customer(&ANNA, person("bleibt@example.com"))
            .await;
        r.app
            .register("bleibt@example.com", Some("+491701234567"))
            .await;
        r.app.post(&ANNA, &path, body).await.expect(200);
        assert_consistent(&r.app, "after the retry").await;
        let zwei = EmailAddress::parse("zwei@example.com").unwrap();
        assert!(!r.app.identity.contains(&zwei), "the ended sign-in is gone");
        let bleibt = EmailAddress::parse("bleibt@example.com").unwrap();
        assert!(r.app.identity.contains(&bleibt), "another sign-in stays");
    }
);

both_stores!(
    a_sign_in_service_fault_fails_cleanly_and_a_retry_succeeds,
    |app| {
        // Completing: creating the sign-in fails.
        let r = rig(app.store).await;
        r.app
            .create_customer(&ANNA, person("cog@example.com"))
            .await;
        let token = r.app.token_for("cog@example.com");
        let code = r.app.code_for("+491701234567");
        let body = json!({"token": token, "smsCode": code, "password": "ein-sicheres-Passwort"});
        r.identity.fail_next.store(true, Ordering::SeqCst);
        let res = r.app.complete(body.clone()).await;
        assert_eq!(res.status, 503);
        assert_consistent(&r.app, "sign-in creation failed").await;
        r.app.complete(body).await.expect(200);
        assert_consistent(&r.app, "after the retry").await;
        // Accepting a further customer: checking the existing password fails.
        let other = r
            .app
            .create_customer(&ANNA, company("cog@example.com"))
            .await;
        let accept = json!({"token": r.app.token_for("cog@example.com"), "password": "ein-sicheres-Passwort"});
        r.identity.fail_next.store(true, Ordering::SeqCst);
        assert_eq!(r.app.complete(accept.clone()).await.status, 503);
        assert_consistent(&r.app, "password check failed").await;
        r.app.complete(accept).await.expect(200);
        r.app
            .delete(
                &ANNA,
                &format!("/customers/{}", other["id"].as_str().unwrap()),
            )
            .await
            .expect(204);
        assert_consistent(&r.app, "after the retry").await;
        // Removing: deleting the sign-in fails; nothing is removed, and the retry removes it.
        let view = r.app.get(&ANNA, "/customers").await.expect(200);
        let id = view["items"][0]["id"].as_str().unwrap().to_owned();
        let auth = r.app.authorisations(&ANNA, &id).await.expect(200);
        let remove = json!({"accessIds": [auth["accesses"][0]["id"]]});
        r.app
            .post(
                &ANNA,
                &format!("/customers/{id}/accesses"),
                json!({"firstName": "Z", "lastName": "Z", "email": "z@example.com"}),
            )
            .await
            .expect(201);
        r.identity.fail_next.store(true, Ordering::SeqCst);
        let res = r
            .app
            .post(
                &ANNA,
                &format!("/customers/{id}/authorisations/remove"),
                remove.clone(),
            )
            .await;
        assert_eq!(res.status, 503);
        assert_consistent(&r.app, "sign-in deletion failed").await;
        r.app
            .post(
                &ANNA,
                &format!("/customers/{id}/authorisations/remove"),
                remove,
            )
            .await
            .expect(200);
        assert_consistent(&r.app, "after the retry").await;
        // Deleting the customer: the sign-in service fails first, then works.
        r.app
            .create_customer(&ANNA, person("cog2@example.com"))
            .await;
        r.app
            .register("cog2@example.com", Some("+491701234567"))
            .await;
        let list = r.app.get(&ANNA, "/customers?q=muster").await.expect(200);
        for c in list["items"].as_array().unwrap() {
            let path = format!("/customers/{}", c["id"].as_str().unwrap());
            r.identity.fail_next.store(true, Ordering::SeqCst);
            let first = r.app.delete(&ANNA, &path).await;
            assert!(
                matches!(first.status.as_u16(), 503 | 204),
                "{}",
                first.status
            );
            assert_consistent(&r.app, "customer deletion with a failing sign-in service").await;
            r.identity.fail_next.store(false, Ordering::SeqCst);
            if first.status == 503 {
                assert_eq!(r.app.delete(&ANNA, &path).await.status, 204);
            }
        }
        assert_eq!(r.app.identity.count(), 0);
        assert_consistent(&r.app, "everything deleted").await;
    }
);

/// What the stand-in DynamoDB endpoint answers.
#[derive(Clone, Copy, Debug)]
enum Fault {
    Throttling,
    ServerError,
    Timeout,
}

/// A DynamoDB endpoint on loopback that answers every request with `fault`, reached through
/// the real SDK client (with its retries, kept to two attempts here) and the real adapter.
async fn faulty_dynamo(fault: Fault) -> Arc<dyn Table> {
    use aws_config::BehaviorVersion;
    use aws_sdk_dynamodb::config::Credentials;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new().fallback(move || async move {
        use axum::response::IntoResponse;
        let body = |t: &str| {
            format!(
                "{{\"__type\":\"com.amazonaws.dynamodb.v20120810#{t}\",\"message\":\"injected\"}}"
            )
        };
        match fault {
            Fault::Throttling => (
                ::http::StatusCode::BAD_REQUEST,
                [("content-type", "application/x-amz-json-1.0")],
                body("ProvisionedThroughputExceededException"),
            )
                .into_response(),
            Fault::ServerError => (
                ::http::StatusCode::INTERNAL_SERVER_ERROR,
                [("content-type", "application/x-amz-json-1.0")],
                body("InternalServerError"),
            )
                .into_response(),
            Fault::Timeout => {
                tokio::time::sleep(std::time::Duration::from_secs(30)).await;
                "late".into_response()
            }
        }
    });
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let sdk = aws_config::defaults(BehaviorVersion::latest())
        .region("eu-central-1")
        .credentials_provider(Credentials::new("test", "test", None, None, "fault"))
        .endpoint_url(format!("http://{addr}"))
        .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(2))
        .timeout_config(
            aws_config::timeout::TimeoutConfig::builder()
                .operation_attempt_timeout(std::time::Duration::from_millis(300))
                .build(),
        )
        .load()
        .await;
    Arc::new(shared::adapters::dynamo::DynamoTable::new(
        aws_sdk_dynamodb::Client::new(&sdk),
        "customers",
    ))
}

#[tokio::test]
async fn dynamodb_throttling_server_errors_and_timeouts_are_a_retryable_503() {
    for fault in [Fault::Throttling, Fault::ServerError, Fault::Timeout] {
        let table = faulty_dynamo(fault).await;
        // The adapter's view: the store is unavailable, so the use cases answer 503.
        let err = table.get(&Key::new("C#x", "#CUSTOMER")).await.unwrap_err();
        assert!(
            matches!(err, StoreError::Unavailable(_)),
            "{fault:?}: {err:?}"
        );
        // The API's view: problem+json 503 with Retry-After and a correlation id, nothing internal.
        let app = spawn_app(Store::Memory).await.rerouted(|a| a.table = table);
        let res = app
            .post(&ANNA, "/customers", person("sdk-fault@example.com"))
            .await;
        assert_eq!(res.status, 503, "{fault:?}: {}", res.body);
        assert_eq!(res.headers["retry-after"], "1");
        assert!(res.body["correlationId"].is_string());
        let text = res.body.to_string();
        assert!(
            !text.contains("Throughput")
                && !text.contains("InternalServerError")
                && !text.contains("injected"),
            "{text}"
        );
        assert_eq!(
            app.get(&ANNA, "/customers/cus_x").await.status,
            503,
            "{fault:?}"
        );
    }
}

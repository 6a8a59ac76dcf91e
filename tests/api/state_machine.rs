//! The invitation state machine against a model: random sequences of inspect, wrong code,
//! right code, resend, time passing and removal, checking every answer against what the
//! model (the table in docs/registration.md) predicts.

use crate::helpers::*;
use proptest::prelude::*;
use serde_json::json;
use std::time::Duration;

#[derive(Debug, Clone)]
enum Op {
    Inspect,
    InspectOldLink,
    WrongCode,
    RightCode,
    WeakPassword,
    Resend,
    Wait(u64),
    Remove,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        2 => Just(Op::Inspect),
        1 => Just(Op::InspectOldLink),
        4 => Just(Op::WrongCode),
        2 => Just(Op::RightCode),
        1 => Just(Op::WeakPassword),
        3 => Just(Op::Resend),
        2 => (1u64..=100).prop_map(Op::Wait),
        1 => Just(Op::Remove),
    ]
}

/// What the model knows: hours since the start, the current invitation's issue time and
/// wrong attempts, the send times, and whether the access is active or removed.
#[derive(Debug, Default)]
struct Model {
    now: u64,
    issued: u64,
    attempts: u32,
    sends: Vec<u64>,
    active: bool,
    removed: bool,
    old_links: bool,
}

impl Model {
    fn expired(&self) -> bool {
        self.now >= self.issued + 7 * 24
    }
    /// The answer to using the current link, before the code is looked at.
    fn link_state(&self) -> Option<u16> {
        if self.removed {
            Some(404)
        } else if self.active || self.expired() {
            Some(410)
        } else {
            None
        }
    }
}

async fn run(ops: Vec<Op>) {
    let app = spawn_app(Store::Memory).await;
    let c = app.create_customer(&ANNA, person("sm@example.com")).await;
    let id = c["id"].as_str().unwrap().to_owned();
    let access = c["accesses"][0]["id"].as_str().unwrap().to_owned();
    // The creation's invitation is no resend: the model counts resends only.
    let mut m = Model::default();
    let mut token = app.token_for("sm@example.com");
    let mut code = app.code_for("+491701234567");
    let mut old_token: Option<String> = None;
    let wrong = |code: &str| {
        if code.starts_with('2') {
            "3333-3333"
        } else {
            "2222-2222"
        }
        .to_owned()
    };
    for (step, op) in ops.iter().enumerate() {
        let complete = |sms: String, password: &str| {
            app.complete(json!({"token": token, "smsCode": sms, "password": password}))
        };
        let (got, want) = match op {
            Op::Inspect => {
                let res = app.inspect(&token).await;
                if res.status == 200 {
                    assert_eq!(
                        res.body["locked"],
                        m.attempts >= 5,
                        "step {step}: locked flag"
                    );
                }
                (res.status.as_u16(), m.link_state().unwrap_or(200))
            }
            Op::InspectOldLink => {
                let Some(old) = &old_token else { continue };
                let res = app.inspect(old).await;
                (res.status.as_u16(), if m.removed { 404 } else { 410 })
            }
            Op::WrongCode => {
                let res = complete(wrong(&code), "ein-sicheres-Passwort").await;
                let want = match m.link_state() {
                    Some(s) => s,
                    None if m.attempts >= 5 => 429,
                    None => {
                        m.attempts += 1;
                        if m.attempts >= 5 { 429 } else { 422 }
                    }
                };
                (res.status.as_u16(), want)
            }
            Op::WeakPassword => {
                let res = complete(code.clone(), "kurz").await;
                let want = match m.link_state() {
                    Some(s) => s,
                    None if m.attempts >= 5 => 429,
                    None => 422,
                };
                (res.status.as_u16(), want)
            }
            Op::RightCode => {
                let res = complete(code.to_lowercase(), "ein-sicheres-Passwort").await;
                let want = match m.link_state() {
                    Some(s) => s,
                    None if m.attempts >= 5 => 429,
                    None => {
                        m.active = true;
                        200
                    }
                };
                (res.status.as_u16(), want)
            }
            Op::Resend => {
                let res = app
                    .post(
                        &ANNA,
                        &format!("/customers/{id}/accesses/{access}/invitation"),
                        json!({}),
                    )
                    .await;
                let recent = m.sends.iter().filter(|t| **t + 24 > m.now).count();
                let want = if m.removed {
                    404
                } else if m.active {
                    409
                } else if recent >= 5 {
                    429
                } else {
                    m.sends.push(m.now);
                    m.issued = m.now;
                    m.attempts = 0;
                    m.old_links = true;
                    old_token = Some(token.clone());
                    token = app.token_for("sm@example.com");
                    code = app.code_for("+491701234567");
                    202
                };
                (res.status.as_u16(), want)
            }
            Op::Wait(hours) => {
                app.clock.advance(Duration::from_secs(hours * 3600));
                m.now += hours;
                continue;
            }
            Op::Remove => {
                let res = app
                    .post(
                        &ANNA,
                        &format!("/customers/{id}/authorisations/remove"),
                        json!({"accessIds": [access]}),
                    )
                    .await;
                let want = if m.removed { 422 } else { 200 };
                m.removed = true;
                (res.status.as_u16(), want)
            }
        };
        assert_eq!(
            got,
            want,
            "step {step} {op:?} after {:?}; model {m:?}",
            &ops[..step]
        );
    }
    // Whatever happened, an end user can sign in exactly when the model says it is active.
    let signed_in = app
        .identity
        .check("sm@example.com", "ein-sicheres-Passwort")
        .is_some();
    assert_eq!(signed_in, m.active && !m.removed, "sign-in after {ops:?}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn the_invitation_state_machine_answers_as_the_model_predicts(ops in proptest::collection::vec(op(), 1..16)) {
        tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(run(ops));
    }
}

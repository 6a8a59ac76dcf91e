//! Log hygiene: the logs of a whole create, register, remove and delete flow (with a failed
//! delivery and refused inputs on the way) hold no e-mail address, phone number, token, SMS
//! code or password. Logs are captured as the functions write them: JSON lines.

use crate::both_stores;
use crate::helpers::*;
use serde_json::json;
use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The process-wide log capture (tests share one subscriber; each scans for its own values).
fn captured() -> &'static Captured {
    static LOGS: OnceLock<Captured> = OnceLock::new();
    LOGS.get_or_init(|| {
        let c = Captured::default();
        let writer = c.clone();
        // The functions' own subscriber, as an operator who turns everything up gets it.
        let subscriber = shared::logging::subscriber("trace", move || writer.clone());
        tracing::subscriber::set_global_default(subscriber).expect("one subscriber per process");
        c
    })
}

both_stores!(a_whole_flow_logs_no_personal_data_and_no_secrets, |app| {
    let logs = captured();
    let email = format!("log.{}@example.com", app.store as u8);
    let second = format!("zweite.{}@example.com", app.store as u8);
    let mut body = person(&email);
    body["mobile"] = json!("0170 7654321");
    let c = app.create_customer(&ANNA, body).await;
    let id = c["id"].as_str().unwrap().to_owned();
    let token = app.token_for(&email);
    let code = app.code_for("+491707654321");
    // Refused inputs on the way: a wrong code and a weak password.
    app.complete(
        json!({"token": token, "smsCode": "2222-2222", "password": "ein-sicheres-Passwort"}),
    )
    .await;
    app.complete(json!({"token": token, "smsCode": code, "password": "kurz"}))
        .await;
    app.complete(json!({"token": token, "smsCode": code, "password": "ein-sicheres-Passwort"}))
        .await
        .expect(200);
    // A second access whose delivery fails.
    let failing = Arc::new(FailingDelivery);
    let app = app.rerouted(|a| {
        a.mailer = failing.clone();
        a.sms = failing;
    });
    let access = app
        .post(&ANNA, &format!("/customers/{id}/accesses"), json!({"firstName": "Zweite", "lastName": "Person", "email": second, "mobile": "0151 23456789"}))
        .await
        .expect(201);
    assert_eq!(access["delivery"]["email"], "failed");
    let view = app.authorisations(&ANNA, &id).await.expect(200);
    let ids: Vec<_> = view["accesses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].clone())
        .collect();
    app.post(
        &ANNA,
        &format!("/customers/{id}/authorisations/remove"),
        json!({"accessIds": [ids[0]]}),
    )
    .await
    .expect(200);
    app.delete(&ANNA, &format!("/customers/{id}")).await;
    assert_eq!(
        app.delete(&ANNA, &format!("/customers/{id}")).await.status,
        404
    );

    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(
        text.contains("customer created"),
        "the flow was logged at all"
    );
    let secrets = [
        email.as_str(),
        second.as_str(),
        "+491707654321",
        "01707654321",
        "7654321",
        "+4915123456789",
        "23456789",
        token.as_str(),
        code.as_str(),
        &code.replace('-', ""),
        "ein-sicheres-Passwort",
        "Mustermann",
    ];
    for s in secrets {
        let line = text.lines().find(|l| l.contains(s));
        assert!(
            line.is_none(),
            "the logs contain {s:?}: {}",
            line.unwrap_or_default()
                .chars()
                .take(600)
                .collect::<String>()
        );
    }
    for line in text.lines() {
        serde_json::from_str::<serde_json::Value>(line).expect("every log line is JSON");
    }
});

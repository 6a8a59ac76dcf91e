//! Every API Gateway event in `events/` goes through its function's router on that function's
//! grants, as the Lambda runtime would hand it over (`lambda_http::request::from_str`),
//! against fixtures with the ids the events use. A new event file without an expectation here
//! fails the test.

use crate::both_stores;
use crate::helpers::*;
use http_body_util::BodyExt;
use shared::domain::*;
use shared::functions::{self, Function};
use shared::ports::Write;
use shared::store::{
    self, AccessItem, GrantItem, InvitationItem, PointerItem, TransactionItem, to_item,
};
use tower::ServiceExt;

/// File, the function, and the expected status.
const EXPECTED: &[(&str, Function, u16)] = &[
    ("customers-list.json", functions::CUSTOMERS, 200),
    ("customers-create.json", functions::CUSTOMERS, 201),
    ("customers-get.json", functions::CUSTOMERS, 200),
    ("customers-update.json", functions::CUSTOMERS, 200),
    ("customers-delete.json", functions::CUSTOMERS, 204),
    ("accesses-create.json", functions::ACCESSES, 201),
    ("accesses-update.json", functions::ACCESSES, 200),
    ("accesses-invitation.json", functions::ACCESSES, 202),
    ("authorisations-get.json", functions::AUTHORISATIONS, 200),
    ("administrators-add.json", functions::AUTHORISATIONS, 200),
    (
        "additional-processors-add.json",
        functions::AUTHORISATIONS,
        200,
    ),
    ("authorisations-remove.json", functions::AUTHORISATIONS, 200),
    ("specialists-list.json", functions::AUTHORISATIONS, 200),
    ("specialists-put.json", functions::AUTHORISATIONS, 200),
    ("transactions-list.json", functions::TRANSACTIONS, 200),
    ("transactions-create.json", functions::TRANSACTIONS, 201),
    ("transactions-get.json", functions::TRANSACTIONS, 200),
    ("transactions-delete.json", functions::TRANSACTIONS, 204),
    ("me-get.json", functions::TRANSACTIONS, 200),
    ("me-transactions.json", functions::TRANSACTIONS, 200),
    ("registrations-inspect.json", functions::REGISTRATION, 200),
    ("registrations-complete.json", functions::REGISTRATION, 200),
];

const EVENT_TOKEN: &str = "q7X2mV9sLk4Rz8Tn1Wb6Yc3Hd5Jf0Pg-eUa_oNi2KxE";
const EVENT_CODE: &str = "K7QX-M4PZ";

fn events_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../events")
}

/// The customer `cus_example` with an invited access `acc_example` (whose invitation is the
/// one in the registration events), an active access of the end user `enduser-erika`,
/// administrators anna and ben, and the transaction `trx_example` processed by ben.
async fn seed_fixtures(app: &TestApp) {
    let now = app.clock_now();
    let id = CustomerId::parse("cus_example").unwrap();
    let data = CustomerInput {
        kind: Some("person".into()),
        first_name: Some("Erika".into()),
        last_name: Some("Mustermann".into()),
        email: Some("erika.fixture@example.com".into()),
        ..Default::default()
    }
    .parse(now.date())
    .unwrap();
    let customer = Customer {
        id: id.clone(),
        data,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let mut customer_item = to_item(&store::CustomerItem::from_domain(&customer));
    customer_item.insert("adminCount".into(), 2.into());
    let token = RegistrationToken::parse(EVENT_TOKEN).unwrap();
    let salt = new_salt();
    let code_hash = code_hash(&salt, &RegistrationCode::parse(EVENT_CODE).unwrap());
    let invited = Access {
        id: "acc_example".into(),
        customer_id: id.clone(),
        first_name: Text::parse("Erika", 100).unwrap(),
        last_name: Text::parse("Mustermann", 100).unwrap(),
        email: EmailAddress::parse("erika.invited@example.com").unwrap(),
        mobile: Some(MobileNumber::parse("0170 1234567").unwrap()),
        language: Language::De,
        status: AccessStatus::Invited,
        invited_at: now,
        activated_at: None,
        identity: None,
        invitation: Some(token.hash()),
        invitations: vec![token.hash()],
        sends: vec![now.unix_timestamp()],
        delivery: None,
        version: 1,
    };
    let active = Access {
        id: "acc_active".into(),
        email: EmailAddress::parse("erika.active@example.com").unwrap(),
        status: AccessStatus::Active,
        activated_at: Some(now),
        identity: Some("enduser-erika".into()),
        invitation: None,
        invitations: Vec::new(),
        ..invited.clone()
    };
    let invitation = Invitation {
        token_hash: token.hash(),
        customer_id: id.clone(),
        access_id: invited.id.clone(),
        code: Some((salt, code_hash)),
        expires_at: now + time::Duration::days(7),
        attempts: 0,
        status: InvitationStatus::Pending,
        email: invited.email.clone(),
        language: Language::De,
    };
    let tx = BusinessTransaction {
        id: "trx_example".into(),
        customer_id: id.clone(),
        title: Text::parse("Jahresabschluss 2025", 200).unwrap(),
        created_at: now,
    };
    let grant = ProcessorGrant {
        specialist_id: "ben".into(),
        transaction_id: tx.id.clone(),
        transaction_title: tx.title.clone(),
    };
    let writes = vec![
        Write::put(customer_item),
        Write::put(to_item(&AccessItem::from_domain(&invited))),
        Write::put(to_item(&AccessItem::from_domain(&active))),
        Write::put(to_item(&PointerItem::new(
            store::email_key(&invited.email.normalized()),
            &id,
            Some("acc_example"),
        ))),
        Write::put(to_item(&PointerItem::new(
            store::email_key(&active.email.normalized()),
            &id,
            Some("acc_active"),
        ))),
        Write::put(to_item(&PointerItem::new(
            store::identity_key("enduser-erika"),
            &id,
            Some("acc_active"),
        ))),
        Write::put(to_item(&InvitationItem::from_domain(&invitation))),
        Write::put(to_item(&GrantItem::admin(&id, "anna", now))),
        Write::put(to_item(&GrantItem::admin(&id, "ben", now))),
        Write::put(to_item(&TransactionItem::from_domain(&tx))),
        Write::put(to_item(&GrantItem::processor(&id, &grant, now))),
    ];
    app.table.transact(writes, None).await.unwrap();
}

both_stores!(
    every_event_file_gets_its_expected_answer_from_its_function,
    |app| {
        let mut files: Vec<String> = std::fs::read_dir(events_dir())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.ends_with(".json"))
            .collect();
        files.sort();
        let mut expected: Vec<&str> = EXPECTED.iter().map(|(f, _, _)| *f).collect();
        expected.sort();
        assert_eq!(
            files, expected,
            "every event file has exactly one expectation"
        );
        for (file, function, status) in EXPECTED {
            // Each event on fresh fixtures, so that deletions do not affect the others.
            let app = spawn_app(app.store).await;
            seed_fixtures(&app).await;
            let raw = std::fs::read_to_string(events_dir().join(file)).unwrap();
            let req =
                lambda_http::request::from_str(&raw).unwrap_or_else(|e| panic!("{file}: {e}"));
            let (parts, body) = req.into_parts();
            let req = ::http::Request::from_parts(parts, axum::body::Body::from(body.to_vec()));
            let router = function.router(app.app.clone());
            let res = router.oneshot(req).await.unwrap();
            let got = res.status().as_u16();
            let bytes = res.into_body().collect().await.unwrap().to_bytes();
            assert_eq!(got, *status, "{file}: {}", String::from_utf8_lossy(&bytes));
        }
    }
);

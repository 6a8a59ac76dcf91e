//! The data the representative events in `events/` need for real 2xx answers: the customer
//! `cus_example` with an invited access `acc_example` (whose invitation the registration
//! events use), an active access of the end user `enduser-erika`, administrators anna and
//! ben, and the transaction `trx_example` processed by ben (as `tests/api/events.rs` seeds
//! them), plus the specialist directory.

use anyhow::{Context, Result, anyhow};
use shared::domain::*;
use shared::ports::{Table, Write};
use shared::store::{
    self, AccessItem, GrantItem, InvitationItem, PointerItem, SpecialistItem, TransactionItem,
    to_item,
};
use time::OffsetDateTime;

pub const EVENT_TOKEN: &str = "q7X2mV9sLk4Rz8Tn1Wb6Yc3Hd5Jf0Pg-eUa_oNi2KxE";
pub const EVENT_CODE: &str = "K7QX-M4PZ";
/// The address `events/accesses-update.json` moves `acc_example` to.
pub const PATCHED_EMAIL: &str = "erika.mustermann@example.org";

fn ok<T>(r: std::result::Result<T, String>) -> Result<T> {
    r.map_err(|e| anyhow!("fixture: {e}"))
}

pub fn specialists() -> Vec<Specialist> {
    [
        ("anna", "Anna Albers", "anna@kanzlei.example.com"),
        ("ben", "Ben Brandt", "ben@kanzlei.example.com"),
        ("carl", "Carl Claussen", "carl@kanzlei.example.com"),
        ("root", "Rita Root", "root@kanzlei.example.com"),
    ]
    .into_iter()
    .map(|(id, name, email)| Specialist {
        id: id.into(),
        name: Text::parse(name, 100).expect("valid name"),
        email: EmailAddress::parse(email).expect("valid address"),
    })
    .collect()
}

/// Writes (or overwrites) the fixtures in one transaction, and removes what the write events
/// leave behind that would make them answer differently next time (the e-mail marker that
/// `accesses-update.json` creates). Every start of a function then meets the same data.
pub async fn seed(table: &dyn Table) -> Result<()> {
    let now = OffsetDateTime::now_utc();
    let id = CustomerId::parse("cus_example").context("fixture id")?;
    let data = CustomerInput {
        kind: Some("person".into()),
        first_name: Some("Erika".into()),
        last_name: Some("Mustermann".into()),
        email: Some("erika.fixture@example.com".into()),
        ..Default::default()
    }
    .parse(now.date())
    .map_err(|e| anyhow::anyhow!("fixture customer: {e:?}"))?;
    let customer = Customer {
        id: id.clone(),
        data,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let mut customer_item = to_item(&store::CustomerItem::from_domain(&customer));
    customer_item.insert("adminCount".into(), 2.into());
    let token = ok(RegistrationToken::parse(EVENT_TOKEN))?;
    let salt = new_salt();
    let code = ok(RegistrationCode::parse(EVENT_CODE))?;
    let hash = code_hash(&salt, &code);
    let invited = Access {
        id: "acc_example".into(),
        customer_id: id.clone(),
        first_name: ok(Text::parse("Erika", 100))?,
        last_name: ok(Text::parse("Mustermann", 100))?,
        email: ok(EmailAddress::parse("erika.invited@example.com"))?,
        mobile: Some(ok(MobileNumber::parse("0170 1234567"))?),
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
        email: ok(EmailAddress::parse("erika.active@example.com"))?,
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
        code: Some((salt, hash)),
        expires_at: now + time::Duration::days(7),
        attempts: 0,
        status: InvitationStatus::Pending,
        email: invited.email.clone(),
        language: Language::De,
    };
    let tx = BusinessTransaction {
        id: "trx_example".into(),
        customer_id: id.clone(),
        title: ok(Text::parse("Jahresabschluss 2025", 200))?,
        created_at: now,
    };
    let grant = ProcessorGrant {
        specialist_id: "ben".into(),
        transaction_id: tx.id.clone(),
        transaction_title: tx.title.clone(),
    };
    let patched = ok(EmailAddress::parse(PATCHED_EMAIL))?;
    let mut writes = vec![
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
        Write::delete(store::email_key(&patched.normalized())),
    ];
    for s in specialists() {
        writes.push(Write::put(to_item(&SpecialistItem::from_domain(&s))));
    }
    table
        .transact(writes, None)
        .await
        .map_err(|e| anyhow::anyhow!("seeding the fixtures: {e:#}"))?;
    Ok(())
}

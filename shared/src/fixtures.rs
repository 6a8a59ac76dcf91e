//! The data the events in `events/` need for real 2xx answers (feature `event-fixtures`): the
//! customer `cus_example` with an invited access `acc_example` (whose invitation the
//! registration events use), an active access of the end user `enduser-erika`,
//! administrators anna and ben, and the transaction `trx_example` processed by ben. Seeded by
//! the events test and by the benchmark, so that both push the events through the same data.

use crate::domain::*;
use crate::ports::Write;
use crate::store::{
    self, AccessItem, GrantItem, InvitationItem, PointerItem, TransactionItem, to_item,
};
use time::OffsetDateTime;

/// The token of `acc_example`'s invitation, as in `events/registrations-*.json`.
pub const EVENT_TOKEN: &str = "q7X2mV9sLk4Rz8Tn1Wb6Yc3Hd5Jf0Pg-eUa_oNi2KxE";
/// The SMS code of that invitation.
pub const EVENT_CODE: &str = "K7QX-M4PZ";
/// The address `events/accesses-update.json` moves `acc_example` to.
pub const PATCHED_EMAIL: &str = "erika.mustermann@example.org";

fn valid<T>(parsed: Result<T, String>) -> T {
    parsed.unwrap_or_else(|e| panic!("a fixture constant does not parse: {e}"))
}

/// The writes of one transaction that put (or overwrite) the fixtures, created at `now`, and
/// remove what the write events leave behind that would make them answer differently next
/// time (the e-mail marker `accesses-update.json` creates).
pub fn writes(now: OffsetDateTime) -> Vec<Write> {
    let id = CustomerId::parse("cus_example").expect("a fixture constant parses");
    let token = valid(RegistrationToken::parse(EVENT_TOKEN));
    let invited = invited_access(&id, &token, now);
    let active = active_access(&invited, now);
    let tx = transaction(&id, now);
    let grant = ProcessorGrant {
        specialist_id: "ben".into(),
        transaction_id: tx.id.clone(),
        transaction_title: tx.title.clone(),
    };
    let patched = valid(EmailAddress::parse(PATCHED_EMAIL));
    vec![
        Write::put(customer_item(&id, now)),
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
        Write::put(to_item(&InvitationItem::from_domain(&invitation(
            &invited, &token, now,
        )))),
        Write::put(to_item(&GrantItem::admin(&id, "anna", now))),
        Write::put(to_item(&GrantItem::admin(&id, "ben", now))),
        Write::put(to_item(&TransactionItem::from_domain(&tx))),
        Write::put(to_item(&GrantItem::processor(&id, &grant, now))),
        Write::delete(store::email_key(&patched.normalized())),
    ]
}

/// The person `cus_example` with its two administrators counted.
fn customer_item(id: &CustomerId, now: OffsetDateTime) -> crate::ports::Item {
    let data = CustomerInput {
        kind: Some("person".into()),
        first_name: Some("Erika".into()),
        last_name: Some("Mustermann".into()),
        email: Some("erika.fixture@example.com".into()),
        ..Default::default()
    }
    .parse(now.date())
    .unwrap_or_else(|e| panic!("the fixture customer does not parse: {e:?}"));
    let customer = Customer {
        id: id.clone(),
        data,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let mut item = to_item(&store::CustomerItem::from_domain(&customer));
    item.insert("adminCount".into(), 2.into());
    item
}

/// `acc_example`, invited with `token`.
fn invited_access(id: &CustomerId, token: &RegistrationToken, now: OffsetDateTime) -> Access {
    Access {
        id: "acc_example".into(),
        customer_id: id.clone(),
        first_name: valid(Text::parse("Erika", 100)),
        last_name: valid(Text::parse("Mustermann", 100)),
        email: valid(EmailAddress::parse("erika.invited@example.com")),
        mobile: Some(valid(MobileNumber::parse("0170 1234567"))),
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
    }
}

/// `acc_active`: the end user `enduser-erika`, registered.
fn active_access(invited: &Access, now: OffsetDateTime) -> Access {
    Access {
        id: "acc_active".into(),
        email: valid(EmailAddress::parse("erika.active@example.com")),
        status: AccessStatus::Active,
        activated_at: Some(now),
        identity: Some("enduser-erika".into()),
        invitation: None,
        invitations: Vec::new(),
        ..invited.clone()
    }
}

/// The pending invitation of `invited`, with the SMS code `EVENT_CODE`.
fn invitation(invited: &Access, token: &RegistrationToken, now: OffsetDateTime) -> Invitation {
    let salt = new_salt();
    let hash = code_hash(&salt, &valid(RegistrationCode::parse(EVENT_CODE)));
    Invitation {
        token_hash: token.hash(),
        customer_id: invited.customer_id.clone(),
        access_id: invited.id.clone(),
        code: Some((salt, hash)),
        expires_at: now + time::Duration::days(7),
        attempts: 0,
        status: InvitationStatus::Pending,
        email: invited.email.clone(),
        language: Language::De,
    }
}

/// `trx_example`.
fn transaction(id: &CustomerId, now: OffsetDateTime) -> BusinessTransaction {
    BusinessTransaction {
        id: "trx_example".into(),
        customer_id: id.clone(),
        title: valid(Text::parse("Jahresabschluss 2025", 200)),
        created_at: now,
    }
}

//! The data the events in `events/` need for real 2xx answers (feature `event-fixtures`): the
//! customer `cus_example` with an invited access `acc_example` (whose invitation the
//! registration events use), an active access of the end user `enduser-erika`,
//! administrators anna and ben, and the transaction `trx_example` processed by ben. Seeded by
//! the events test and by the benchmark, so that both push the events through the same data.

use crate::domain::*;
use crate::ports::Write;
use crate::store::{
    self, AccessItem, GrantItem, IdentityItem, InvitationItem, MembershipItem, SignInItem,
    TransactionItem, to_item,
};
use time::OffsetDateTime;

/// The token of `acc_example`'s invitation, as in `events/registrations-*.json`.
pub const EVENT_TOKEN: &str = "q7X2mV9sLk4Rz8Tn1Wb6Yc3Hd5Jf0Pg-eUa_oNi2KxE";
/// The SMS code of that invitation.
pub const EVENT_CODE: &str = "K7QX-M4PZ";
/// The SES message id of `acc_example`'s invitation e-mail, as in `events/deliveries-*.json`.
pub const EVENT_MESSAGE_ID: &str = "0107019a2c4e7f3b-5d1e8a6c-3f2b-4d7e-9c1a-8b5e6f7a0d2c-000000";
/// The address `events/accesses-update.json` moves `acc_example` to.
pub const PATCHED_EMAIL: &str = "erika.mustermann@example.org";

/// The issuers of the tokens in `events/`: the staff pool and the end users' pool.
pub fn event_issuers() -> crate::auth::Issuers {
    crate::auth::Issuers {
        staff: "https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_Ab12Cd34E".into(),
        end_user: "https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_Ef56Gh78I".into(),
    }
}

fn valid<T, E: std::fmt::Display>(parsed: Result<T, E>) -> T {
    parsed.unwrap_or_else(|e| panic!("a fixture constant does not parse: {e}"))
}

/// The writes of one transaction that put (or overwrite) the fixtures, created at `now`, and
/// remove what the write events leave behind that would make them answer differently next
/// time (the identity `accesses-update.json` moves the access to).
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
    let mut writes = vec![
        Write::put(customer_item(&id, now)),
        Write::put(to_item(&AccessItem::from_domain(&invited))),
        Write::put(to_item(&AccessItem::from_domain(&active))),
    ];
    writes.extend(identity(&invited, None));
    writes.push(store::mail_message(EVENT_MESSAGE_ID, &invited, now));
    writes.extend(identity(&active, Some("enduser-erika")));
    writes.extend([
        Write::put(to_item(&InvitationItem::from_domain(&invitation(
            &invited, &token, now,
        )))),
        Write::put(to_item(&GrantItem::admin(&id, "anna", now))),
        Write::put(to_item(&GrantItem::admin(&id, "ben", now))),
        Write::put(to_item(&TransactionItem::from_domain(&tx))),
        Write::put(to_item(&GrantItem::processor(&id, &grant, now))),
        Write::delete(store::identity_key(&patched.normalized())),
        Write::delete(store::membership_key(&patched.normalized(), &id)),
    ]);
    writes
}

/// The identity of `access`'s address holding only this access, with the sign-in `subject`.
fn identity(access: &Access, subject: Option<&str>) -> Vec<Write> {
    let email = access.email.normalized();
    let (record, member) = (
        store::identity_key(&email),
        store::membership_key(&email, &access.customer_id),
    );
    let mut writes = vec![
        Write::put(to_item(&IdentityItem {
            pk: record.pk,
            sk: record.sk,
            email: email.clone(),
            access_count: 1,
            subject: subject.map(str::to_owned),
        })),
        Write::put(to_item(&MembershipItem {
            pk: member.pk,
            sk: member.sk,
            customer_id: access.customer_id.to_string(),
            access_id: access.id.clone(),
        })),
    ];
    if let Some(subject) = subject {
        let key = store::sign_in_key(subject);
        writes.push(Write::put(to_item(&SignInItem {
            pk: key.pk,
            sk: key.sk,
            email,
        })));
    }
    writes
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
        mail_messages: vec![EVENT_MESSAGE_ID.into()],
        sends: vec![now.unix_timestamp()],
        delivery: Some(Delivery {
            email: DeliveryState::Sent,
            sms: Some(DeliveryState::Sent),
            at: now,
            message_id: Some(EVENT_MESSAGE_ID.into()),
        }),
        expires_at: Some(now + time::Duration::days(7)),
        // The default reminder, three days after the invitation (the schedule's event).
        remind_at: Some(now + time::Duration::days(3)),
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
        mail_messages: Vec::new(),
        delivery: None,
        expires_at: None,
        remind_at: None,
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

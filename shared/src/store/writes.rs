//! The writes the use cases make, named by what they do. With the item structs, this is the
//! only place that spells attribute names and conditions (docs/data-model.md lists them).

use super::*;
use crate::domain::{Access, Customer, Delivery, Invitation, rfc3339};
use crate::ports::{Cond, Item, Write};
use serde_json::json;
use time::OffsetDateTime;

fn update(key: Key, set: Item, remove: &[&str], add: &[(&str, i64)], cond: Cond) -> Write {
    Write::Update {
        key,
        set,
        remove: remove.iter().map(|a| (*a).to_owned()).collect(),
        add: add.iter().map(|(a, n)| ((*a).to_owned(), *n)).collect(),
        cond: Some(cond),
    }
}

fn set(pairs: &[(&str, serde_json::Value)]) -> Item {
    pairs
        .iter()
        .map(|(a, v)| ((*a).to_owned(), v.clone()))
        .collect()
}

fn not_deleting() -> Cond {
    Cond::And(vec![Cond::Exists, Cond::Absent("deleting")])
}

// ---------------------------------------------------------------------------------------------
// The specialist directory
// ---------------------------------------------------------------------------------------------

/// The mark that `id` left the directory, by platform admin `by`: the id and the time only,
/// no name or address (those leave with the directory entry).
pub fn left_directory(id: &str, by: &str, now: OffsetDateTime) -> Write {
    let key = leaver_key(id);
    Write::put(set(&[
        ("pk", json!(key.pk)),
        ("sk", json!(key.sk)),
        ("specialist", json!(id)),
        ("leftAt", json!(rfc3339(now))),
        ("by", json!(by)),
    ]))
}

/// A specialist entered into the directory again: the mark goes.
pub fn rejoined_directory(id: &str) -> Write {
    Write::delete(leaver_key(id))
}

/// A condition, for the transaction that creates a customer, that its creator has not left
/// the directory: a leaver's token that has not yet expired, or a row of an import it started
/// before it left, creates nothing.
pub fn creator_not_left(id: &str) -> Write {
    Write::Check {
        key: leaver_key(id),
        cond: Cond::NotExists,
    }
}

// ---------------------------------------------------------------------------------------------
// Customers
// ---------------------------------------------------------------------------------------------

/// A condition that the customer exists and is not being deleted, for transactions that add
/// items to its partition.
pub fn customer_alive(id: &CustomerId) -> Write {
    Write::Check {
        key: customer_key(id),
        cond: not_deleting(),
    }
}

/// A new customer with its creator as the one administrator; `idempotency` is the key of the
/// stored first answer, deleted with the customer.
pub fn new_customer(customer: &Customer, idempotency: Option<&Key>) -> Write {
    let mut item = CustomerItem::from_domain(customer);
    item.admin_count = Some(1);
    item.idempotency_pk = idempotency.map(|k| k.pk.clone());
    Write::put_new(to_item(&item))
}

/// An edit of the customer's data, if nobody changed it since `expected_version` was read.
/// An update, not a put: the attributes an edit does not own (the administrator count, the
/// idempotency key) stay.
pub fn update_customer(updated: &Customer, expected_version: u64) -> Write {
    let mut data = to_item(&CustomerItem::from_domain(updated));
    data.remove("pk");
    data.remove("sk");
    let remove: Vec<&str> = CUSTOMER_OPTIONAL_ATTRS
        .iter()
        .copied()
        .filter(|a| !data.contains_key(*a))
        .collect();
    let cond = Cond::And(vec![
        Cond::Eq("version", json!(expected_version)),
        Cond::Absent("deleting"),
    ]);
    update(customer_key(&updated.id), data, &remove, &[], cond)
}

/// Hides the customer from every read and the overview while its items are deleted. Set once:
/// a second deletion started in parallel fails here and only helps to finish the first.
pub fn tombstone_customer(id: &CustomerId, deleted_by: &str) -> Write {
    let marks = set(&[("deleting", json!(true)), ("deletedBy", json!(deleted_by))]);
    let index_keys = ["gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk", "gsi3pk", "gsi3sk"];
    update(customer_key(id), marks, &index_keys, &[], not_deleting())
}

/// `n` more administrators, while the customer is not being deleted.
pub fn administrators_added(id: &CustomerId, n: usize) -> Write {
    let n = n as i64;
    update(
        customer_key(id),
        Item::new(),
        &[],
        &[("adminCount", n)],
        not_deleting(),
    )
}

/// `n` administrators fewer, unless that would remove the last one (the count guards the last
/// administrator against parallel removals).
pub fn administrators_removed(id: &CustomerId, n: usize) -> Write {
    let n = n as i64;
    let cond = Cond::And(vec![Cond::Absent("deleting"), Cond::Gt("adminCount", n)]);
    update(
        customer_key(id),
        Item::new(),
        &[],
        &[("adminCount", -n)],
        cond,
    )
}

// ---------------------------------------------------------------------------------------------
// Accesses
// ---------------------------------------------------------------------------------------------

pub fn new_access(access: &Access) -> Write {
    Write::put_new(to_item(&AccessItem::from_domain(access)))
}

/// The access as changed, if nobody changed it since `expected_version` was read.
pub fn replace_access(access: &Access, expected_version: u64) -> Write {
    Write::Put {
        item: to_item(&AccessItem::from_domain(access)),
        cond: Some(Cond::Eq("version", json!(expected_version))),
    }
}

/// First step of removing an active access: it stops acting (a change read before this one
/// now conflicts) and the removal's retry will finish it.
pub fn mark_removing(customer: &CustomerId, access_id: &str) -> Write {
    let marks = set(&[("removing", json!(true))]);
    update(
        access_key(customer, access_id),
        marks,
        &[],
        &[("version", 1)],
        Cond::Exists,
    )
}

/// Whether an access item is marked by [`mark_removing`].
pub fn is_removing(item: &Item) -> bool {
    item.get("removing").is_some()
}

/// Records how the invitation went out, unless the access changed meanwhile.
pub fn record_delivery(access: &Access, delivery: &Delivery, expected_version: u64) -> Write {
    let mut marks = set(&[
        ("deliveryEmail", json!(delivery.email.as_str())),
        ("deliveryAt", json!(rfc3339(delivery.at))),
    ]);
    if let Some(sms) = delivery.sms {
        marks.insert("deliverySms".into(), json!(sms.as_str()));
    }
    // Without an id (the mail service refused it), no later report can be about this e-mail,
    // and none about an earlier one may count for it.
    let mut remove = Vec::new();
    match &delivery.message_id {
        Some(id) => {
            marks.insert("deliveryMessageId".into(), json!(id));
            // Every e-mail's id, so that deleting the access finds every `MAIL#` pointer.
            let mut all = access.mail_messages.clone();
            if !all.contains(id) {
                all.push(id.clone());
            }
            marks.insert("mailMessages".into(), json!(all));
        }
        None => remove.push("deliveryMessageId"),
    }
    let cond = Cond::Eq("version", json!(expected_version));
    update(
        access_key(&access.customer_id, &access.id),
        marks,
        &remove,
        &[],
        cond,
    )
}

/// How long the mail service's reports about an invitation e-mail are matched to it.
pub const MAIL_MESSAGE_RETENTION_SECS: i64 = 30 * 24 * 3600;

/// From an invitation e-mail's message id to its access, for the mail service's reports.
pub fn mail_message(message_id: &str, access: &Access, now: OffsetDateTime) -> Write {
    let key = mail_message_key(message_id);
    Write::put(to_item(&MailMessageItem {
        pk: key.pk,
        sk: key.sk,
        customer_id: access.customer_id.to_string(),
        access_id: access.id.clone(),
        ttl: now.unix_timestamp() + MAIL_MESSAGE_RETENTION_SECS,
    }))
}

/// The mail service reported `state` about the e-mail `message_id`: recorded on the access if
/// that e-mail is still its current invitation's and the access still invited. A delivery
/// never hides an earlier bounce or complaint (reports may arrive out of order).
pub fn record_mail_report(
    customer: &CustomerId,
    access_id: &str,
    message_id: &str,
    state: crate::domain::DeliveryState,
    at: OffsetDateTime,
) -> Write {
    use crate::domain::DeliveryState as S;
    let marks = set(&[
        ("deliveryEmail", json!(state.as_str())),
        ("deliveryReportedAt", json!(rfc3339(at))),
    ]);
    let mut cond = vec![
        Cond::Exists,
        Cond::Eq("status", json!("invited")),
        Cond::Eq("deliveryMessageId", json!(message_id)),
    ];
    if state == S::Delivered {
        cond.push(Cond::Or(
            [S::Pending, S::Sent, S::Delivered]
                .iter()
                .map(|s| Cond::Eq("deliveryEmail", json!(s.as_str())))
                .collect(),
        ));
    }
    let key = access_key(customer, access_id);
    update(key, marks, &[], &[("version", 1)], Cond::And(cond))
}

/// The end user completed registration: the access is active with its sign-in, if it is still
/// invited with this very invitation.
pub fn activate_access(inv: &Invitation, subject: &str, now: OffsetDateTime) -> Write {
    let marks = set(&[
        ("status", json!("active")),
        ("activatedAt", json!(rfc3339(now))),
        ("identity", json!(subject)),
    ]);
    let cond = Cond::And(vec![
        Cond::Exists,
        Cond::Eq("status", json!("invited")),
        Cond::Eq("invitation", json!(inv.token_hash.as_str())),
    ]);
    let invitation_attrs = [
        "invitation",
        "deliveryEmail",
        "deliverySms",
        "deliveryAt",
        "deliveryMessageId",
        "deliveryReportedAt",
        // No reminder for an access in use: it leaves the due index.
        "invitationExpiresAt",
        "remindAt",
        "gsi3pk",
        "gsi3sk",
    ];
    let key = access_key(&inv.customer_id, &inv.access_id);
    update(key, marks, &invitation_attrs, &[("version", 1)], cond)
}

// ---------------------------------------------------------------------------------------------
// Identities (docs/data-model.md, "Identities")
// ---------------------------------------------------------------------------------------------

fn membership(access: &Access) -> Key {
    membership_key(&access.email.normalized(), &access.customer_id)
}

/// The access joins its e-mail address's identity: its membership at this customer (which
/// fails when the address holds an access there already) and one more access counted on the
/// identity's record, which the first access creates.
pub fn join_identity(access: &Access) -> [Write; 2] {
    let email = access.email.normalized();
    let key = membership(access);
    let member = Write::put_new(to_item(&MembershipItem {
        pk: key.pk,
        sk: key.sk,
        customer_id: access.customer_id.to_string(),
        access_id: access.id.clone(),
    }));
    let record = Write::Update {
        key: identity_key(&email),
        set: set(&[("email", json!(email))]),
        remove: Vec::new(),
        add: vec![("accessCount".into(), 1)],
        cond: None,
    };
    [member, record]
}

fn leave_membership(access: &Access) -> Write {
    Write::Delete {
        key: membership(access),
        cond: Some(Cond::Eq("accessId", json!(access.id))),
    }
}

/// The access leaves an identity that keeps another access (so its sign-in stays).
pub fn leave_identity(access: &Access) -> [Write; 2] {
    let count = update(
        identity_key(&access.email.normalized()),
        Item::new(),
        &[],
        &[("accessCount", -1)],
        Cond::Gt("accessCount", 1),
    );
    [leave_membership(access), count]
}

/// The last access leaves an identity that never registered: the identity goes with it.
pub fn close_identity(access: &Access) -> [Write; 2] {
    let record = Write::Delete {
        key: identity_key(&access.email.normalized()),
        cond: Some(Cond::And(vec![
            Cond::Eq("accessCount", json!(1)),
            Cond::Absent("subject"),
        ])),
    };
    [leave_membership(access), record]
}

/// The last access leaves an identity with the sign-in `subject`: the identity and the
/// pointer from its sign-in go; the sign-in itself is deleted right after.
pub fn end_identity(access: &Access, subject: &str) -> [Write; 3] {
    let record = Write::Delete {
        key: identity_key(&access.email.normalized()),
        cond: Some(Cond::And(vec![
            Cond::Eq("accessCount", json!(1)),
            Cond::Eq("subject", json!(subject)),
        ])),
    };
    [
        leave_membership(access),
        record,
        Write::delete(sign_in_key(subject)),
    ]
}

/// A registration created the identity's sign-in: the identity records it (unless another
/// registration recorded one first) and the sign-in points back to the identity.
pub fn record_sign_in(normalized_email: &str, subject: &str) -> [Write; 2] {
    let record = update(
        identity_key(normalized_email),
        set(&[("subject", json!(subject))]),
        &[],
        &[],
        Cond::And(vec![Cond::Exists, Cond::Absent("subject")]),
    );
    let pointer = Write::put(to_item(&SignInItem {
        pk: sign_in_key(subject).pk,
        sk: sign_in_key(subject).sk,
        email: normalized_email.to_owned(),
    }));
    [record, pointer]
}

/// A registration accepted with an existing sign-in: it must still be the identity's.
pub fn sign_in_unchanged(normalized_email: &str, subject: &str) -> Write {
    Write::Check {
        key: identity_key(normalized_email),
        cond: Cond::Eq("subject", json!(subject)),
    }
}

// ---------------------------------------------------------------------------------------------
// Invitations
// ---------------------------------------------------------------------------------------------

pub fn new_invitation(invitation: &Invitation) -> Write {
    Write::put_new(to_item(&InvitationItem::from_domain(invitation)))
}

pub fn revoke_invitation(hash: &TokenHash) -> Write {
    let marks = set(&[("status", json!("revoked"))]);
    update(
        invitation_key(hash),
        marks,
        &["claimedAt"],
        &[],
        Cond::Exists,
    )
}

/// Reserves one of the `max` attempts before a code or password is compared, so that no more
/// than `max` comparisons ever happen, however many requests run at once.
pub fn reserve_attempt(hash: &TokenHash, max: u32) -> Write {
    let cond = Cond::And(vec![Cond::Exists, Cond::Lt("attempts", i64::from(max))]);
    update(
        invitation_key(hash),
        Item::new(),
        &[],
        &[("attempts", 1)],
        cond,
    )
}

/// Takes the invitation for one completion: it must be pending (or claimed by a completion
/// that died more than `timeout_secs` ago) and not expired.
pub fn claim_invitation(hash: &TokenHash, now: OffsetDateTime, timeout_secs: i64) -> Write {
    let now = now.unix_timestamp();
    let marks = set(&[("status", json!("claimed")), ("claimedAt", json!(now))]);
    let cond = Cond::And(vec![
        Cond::Or(vec![
            Cond::Eq("status", json!("pending")),
            Cond::And(vec![
                Cond::Eq("status", json!("claimed")),
                Cond::Lt("claimedAt", now - timeout_secs),
            ]),
        ]),
        Cond::Gt("expiresAt", now),
    ]);
    update(invitation_key(hash), marks, &[], &[], cond)
}

/// Gives a claimed invitation back, so that the end user can try again.
pub fn release_claim(hash: &TokenHash) -> Write {
    let marks = set(&[("status", json!("pending"))]);
    let cond = Cond::Eq("status", json!("claimed"));
    update(invitation_key(hash), marks, &["claimedAt"], &[], cond)
}

/// The claimed invitation did its work and never works again.
pub fn use_invitation(hash: &TokenHash) -> Write {
    let marks = set(&[("status", json!("used"))]);
    let cond = Cond::Eq("status", json!("claimed"));
    update(invitation_key(hash), marks, &["claimedAt"], &[], cond)
}

// ---------------------------------------------------------------------------------------------
// Idempotency records
// ---------------------------------------------------------------------------------------------

/// Stores the first answer to a create for `ttl_secs`; fails while a live record holds the key.
pub fn remember_answer(
    key: &Key,
    customer: &CustomerId,
    request_hash: &str,
    response: String,
    now: OffsetDateTime,
    ttl_secs: i64,
) -> Write {
    let now = now.unix_timestamp();
    Write::Put {
        cond: Some(Cond::Or(vec![Cond::NotExists, Cond::Lt("ttl", now + 1)])),
        item: to_item(&IdempotencyItem {
            pk: key.pk.clone(),
            sk: key.sk.clone(),
            customer_id: customer.to_string(),
            request_hash: request_hash.to_owned(),
            response,
            ttl: now + ttl_secs,
        }),
    }
}

/// Replaces the stored answer (after the invitation went out, so a replay shows it too).
pub fn update_answer(key: &Key, response: String) -> Write {
    let marks = set(&[("response", json!(response))]);
    update(key.clone(), marks, &[], &[], Cond::Exists)
}

// ---------------------------------------------------------------------------------------------
// Limit counters
// ---------------------------------------------------------------------------------------------

/// Counts `uses` at once in a counter's window, only while the count stays within `limit` (all
/// or nothing). DynamoDB's TTL removes the counter after `expires_at`.
pub fn count_uses(key: Key, uses: u32, limit: u32, expires_at: i64) -> Write {
    let marks = set(&[("ttl", json!(expires_at))]);
    let room = i64::from(limit) - i64::from(uses) + 1;
    let cond = Cond::Or(vec![Cond::NotExists, Cond::Lt("count", room)]);
    update(key, marks, &[], &[("count", i64::from(uses))], cond)
}

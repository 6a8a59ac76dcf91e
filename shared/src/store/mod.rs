//! The single-table design (see docs/data-model.md): keys, item structs kept apart from the
//! domain types, and the conversions between the two.

mod condition;
mod deletions;
mod due;
mod export;
mod handovers;
mod history;
mod imports;
mod items;
mod maintenance;
mod reads;
mod responsibilities;
mod writes;

pub use condition::OnCondition;
pub use deletions::{
    DELETIONS_PK, DeletionItem, deletion_from_item, deletion_key, record_deletion,
};
pub use due::{
    OWN_REVIEWS_PREFIX, REMINDERS_PK, REVIEWS_PK, ReviewState, drop_reminder, due_page_key,
    entry_key, first_review_backfilled, move_own_review, own_review_marks, own_reviews_due,
    record_review, reminder_sort_key, reminders_due, review_customer, review_of, review_sort_key,
    reviews_due, with_first_review,
};
pub use export::{WITHHELD_KEYS, WITHHELD_SECRETS, exported, rfc3339_of};
pub use handovers::{
    HANDOVER_RETENTION_SECS, HandoverAnswerItem, HandoverItem, HandoverStatus,
    administrators_handed_over, finish_handover, handover_idempotency_key, handover_key,
    handover_progress, handover_running, new_handover, remember_handover_answer,
};
pub use history::{
    EventItem, HISTORY_PREFIX, STATE_END, event_from_item, event_key, is_event, record_event,
};
pub use imports::{
    IMPORT_RETENTION_SECS, ImportAnswerItem, ImportErrorItem, ImportItem, ImportRead,
    ImportRowItem, ImportStatus, RowStatus, finish_import, import_idempotency_key, import_key,
    import_row_created, import_row_failed, import_rows_query, import_view_query, new_import,
    new_import_rows, remember_import_answer,
};
pub use items::{
    AccessItem, CUSTOMER_OPTIONAL_ATTRS, CorruptItem, CustomerItem, GrantItem,
    INVITATION_RETENTION_SECS, IdempotencyItem, IdentityItem, InvitationItem, MailMessageItem,
    MembershipItem, Partition, SignInItem, SpecialistItem, TransactionItem, customer_from_item,
    from_item, overview_sort_key, sk_of, to_item,
};
pub use maintenance::{
    BACKFILL_SK, BackfillState, MAINTENANCE_PK, backfill_done, backfill_key, backfill_progress,
    backfill_state,
};
pub use reads::{
    CustomerRange, PartitionItem, customer_of_item, customer_query, customers_in_overview_order,
    deletions_query, is_specialist, memberships_query, overview_query, specialists_query,
    table_page_key,
};
pub use responsibilities::{
    Reasons, ResponsibilityItem, TransactionRef, delete_responsibility, emergency_access_marker,
    put_responsibility, reasons_of, responsibilities_changed, responsibilities_query,
    responsibility_from_item, responsibility_key, responsibility_overview, responsibility_pk,
    responsibility_state,
};
pub use writes::{
    MAIL_MESSAGE_RETENTION_SECS, activate_access, administrators_added, administrators_removed,
    claim_invitation, close_identity, count_uses, creator_not_left, customer_alive, end_identity,
    is_removing, join_identity, leave_identity, left_directory, mail_message, mark_removing,
    new_access, new_customer, new_invitation, record_delivery, record_mail_report, record_sign_in,
    rejoined_directory, release_claim, remember_answer, replace_access, reserve_attempt,
    revoke_invitation, sign_in_unchanged, tombstone_customer, update_answer, update_customer,
    use_invitation,
};

use crate::domain::{CustomerId, TokenHash};
use crate::ports::Key;

pub const CUSTOMER_SK: &str = "#CUSTOMER";
pub const ACCESS_PREFIX: &str = "ACCESS#";
pub const ADMIN_PREFIX: &str = "GRANT#ADMIN#";
pub const PROC_PREFIX: &str = "GRANT#PROC#";
pub const TX_PREFIX: &str = "TX#";
/// Upper bound of the sort keys that the authorisations view reads: the customer, its
/// accesses and its grants, but not its business transactions.
pub const VIEW_END: &str = "GRANT#~";
pub const SPECIALISTS_PK: &str = "SPECIALISTS";
/// Partition prefix of the mark that a specialist left the directory (one item each).
pub const LEAVER_PREFIX: &str = "LEFT#";
/// DynamoDB's limit on the writes of one `TransactWriteItems`.
pub const MAX_TRANSACTION_WRITES: usize = 100;
/// Partition of the overview index (all customers) and prefix of the per-type partitions.
pub const OVERVIEW_PK: &str = "CUSTOMER";

pub fn customer_pk(id: &CustomerId) -> String {
    format!("C#{id}")
}

/// The customer whose partition key (or a responsibility's sort key, which is the same) this
/// is: the inverse of [`customer_pk`].
pub(crate) fn customer_of_pk(pk: &str) -> Option<CustomerId> {
    CustomerId::parse(pk.strip_prefix("C#")?).ok()
}

pub fn customer_key(id: &CustomerId) -> Key {
    Key::new(customer_pk(id), CUSTOMER_SK)
}

pub fn access_key(customer: &CustomerId, access_id: &str) -> Key {
    Key::new(customer_pk(customer), format!("{ACCESS_PREFIX}{access_id}"))
}

pub fn admin_key(customer: &CustomerId, specialist_id: &str) -> Key {
    Key::new(
        customer_pk(customer),
        format!("{ADMIN_PREFIX}{specialist_id}"),
    )
}

/// `#` cannot occur in ids (see `ids::plausible`), so the specialist and the transaction can
/// be split apart again.
pub fn processor_key(customer: &CustomerId, specialist_id: &str, transaction_id: &str) -> Key {
    Key::new(
        customer_pk(customer),
        format!("{PROC_PREFIX}{specialist_id}#{transaction_id}"),
    )
}

pub fn transaction_key(customer: &CustomerId, transaction_id: &str) -> Key {
    Key::new(
        customer_pk(customer),
        format!("{TX_PREFIX}{transaction_id}"),
    )
}

/// The partition of an end-user identity: its record and one membership per customer where
/// the address holds an access.
pub fn identity_pk(normalized_email: &str) -> String {
    format!("IDENTITY#{normalized_email}")
}

/// An identity's own record: its e-mail, how many accesses it holds, and its sign-in.
pub fn identity_key(normalized_email: &str) -> Key {
    Key::new(identity_pk(normalized_email), IDENTITY_SK)
}

pub const IDENTITY_SK: &str = "#IDENTITY";
/// Sort key prefix of memberships inside an identity's partition.
pub const MEMBERSHIP_PREFIX: &str = "C#";

/// The identity's access at one customer: at most one, as the key says.
pub fn membership_key(normalized_email: &str, customer: &CustomerId) -> Key {
    Key::new(
        identity_pk(normalized_email),
        format!("{MEMBERSHIP_PREFIX}{customer}"),
    )
}

/// Partition key prefix of invitations, followed by the token hash.
pub const INVITATION_PREFIX: &str = "INV#";

pub fn invitation_key(hash: &TokenHash) -> Key {
    Key::new(format!("{INVITATION_PREFIX}{}", hash.as_str()), "INV")
}

/// From an invitation e-mail's message id (as the mail service names it) to its access.
pub fn mail_message_key(message_id: &str) -> Key {
    Key::new(format!("MAIL#{message_id}"), "MAIL")
}

/// Points from a sign-in's subject (the `sub` claim) to its identity.
pub fn sign_in_key(subject: &str) -> Key {
    Key::new(format!("SIGNIN#{subject}"), "SIGNIN")
}

const IDEMPOTENCY_SK: &str = "IDEM";

pub fn idempotency_key(caller: &str, key: &str) -> Key {
    Key::new(format!("IDEM#{caller}#{key}"), IDEMPOTENCY_SK)
}

/// The idempotency record whose partition key a customer item keeps.
pub fn idempotency_key_of_pk(pk: &str) -> Key {
    Key::new(pk, IDEMPOTENCY_SK)
}

/// The start key of the page after `item` in a query of `index`: the table's and the
/// index's key attributes.
pub fn page_key(item: &crate::ports::Item, index: crate::ports::Index) -> crate::ports::Item {
    ["pk", "sk", index.pk_attr(), index.sk_attr()]
        .into_iter()
        .filter_map(|attr| item.get(attr).map(|v| (attr.to_owned(), v.clone())))
        .collect()
}

/// A limit counter: what it counts (`subject`, hashed where it is personal data) in which
/// window (`window`, the window's number since the Unix epoch).
pub fn limit_key(kind: &str, subject: &str, window: i64) -> Key {
    Key::new(format!("LIMIT#{kind}#{subject}"), format!("W#{window}"))
}

pub fn specialist_key(id: &str) -> Key {
    Key::new(SPECIALISTS_PK, format!("S#{id}"))
}

/// The mark that specialist `id` left the directory: in a partition of its own, so that the
/// directory's query never meets it and a check of one creator reads one item.
pub fn leaver_key(id: &str) -> Key {
    Key::new(format!("{LEAVER_PREFIX}{id}"), "#LEFT")
}

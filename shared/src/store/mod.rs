//! The single-table design (see docs/data-model.md): keys, item structs kept apart from the
//! domain types, and the conversions between the two.

mod items;

pub use items::*;

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
/// Partition of the overview index (all customers) and prefix of the per-type partitions.
pub const OVERVIEW_PK: &str = "CUSTOMER";

pub fn customer_pk(id: &CustomerId) -> String {
    format!("C#{id}")
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

pub fn email_key(normalized_email: &str) -> Key {
    Key::new(format!("EMAIL#{normalized_email}"), "EMAIL")
}

pub fn invitation_key(hash: &TokenHash) -> Key {
    Key::new(format!("INV#{}", hash.as_str()), "INV")
}

pub fn identity_key(subject: &str) -> Key {
    Key::new(format!("IDENT#{subject}"), "IDENT")
}

pub fn idempotency_key(caller: &str, key: &str) -> Key {
    Key::new(format!("IDEM#{caller}#{key}"), "IDEM")
}

pub fn specialist_key(id: &str) -> Key {
    Key::new(SPECIALISTS_PK, format!("S#{id}"))
}

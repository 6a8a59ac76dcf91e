//! What deleting a customer removes, counted, and the record that a deletion leaves behind:
//! when, by whom and how much, and nothing about the customer but its id.

use super::CustomerId;
use time::OffsetDateTime;

/// How many of each kind of object go with a customer when it is deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeletionCounts {
    pub accesses: u64,
    /// Accesses whose end user had completed registration.
    pub active_accesses: u64,
    pub administrators: u64,
    /// Distinct specialists assigned to at least one of the customer's transactions.
    pub additional_processors: u64,
    pub transactions: u64,
}

/// One deletion of a customer. It holds no personal data: the customer is named by its id
/// only, the actor is a specialist (staff), and the rest are numbers and a time.
#[derive(Debug, Clone, PartialEq)]
pub struct DeletionRecord {
    pub customer_id: CustomerId,
    /// When the customer disappeared from every read (its tombstone was set).
    pub deleted_at: OffsetDateTime,
    /// The specialist or platform admin who deleted it.
    pub deleted_by: String,
    /// What the deletion removed, as it stood when the deletion started.
    pub counts: DeletionCounts,
}

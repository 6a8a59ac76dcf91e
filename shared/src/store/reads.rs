//! The reads the use cases make, named by what they read. With the keys (`mod.rs`) and the
//! writes (`writes.rs`), this is the only place that spells a key prefix or a range end
//! (docs/data-model.md); `tests/structure/keys.rs` keeps the use cases from spelling one.

use super::*;
use crate::domain::CustomerType;
use crate::ports::{Index, Item, Query, SortKey};

/// The ranges of a customer's partition that the use cases read. Which sort-key prefixes each
/// one covers is held by `tests/structure/keys.rs`, so a new prefix cannot fall inside or
/// outside a range unnoticed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CustomerRange {
    /// The authorisations at a glance: the customer, its accesses and its grants; not its
    /// business transactions or history.
    Authorisations,
    /// Its current state: everything but the history.
    State,
    /// Everything, the history included: what a deletion removes and an export shows.
    Everything,
    /// The history, oldest first.
    History,
    /// The business transactions.
    Transactions,
}

impl CustomerRange {
    pub const ALL: [CustomerRange; 5] = [
        CustomerRange::Authorisations,
        CustomerRange::State,
        CustomerRange::Everything,
        CustomerRange::History,
        CustomerRange::Transactions,
    ];

    /// The sort-key condition of the range.
    pub fn sort_key(self) -> SortKey {
        match self {
            CustomerRange::Authorisations => SortKey::AtMost(VIEW_END.into()),
            CustomerRange::State => SortKey::AtMost(STATE_END.into()),
            CustomerRange::Everything => SortKey::All,
            CustomerRange::History => SortKey::BeginsWith(HISTORY_PREFIX.into()),
            CustomerRange::Transactions => SortKey::BeginsWith(TX_PREFIX.into()),
        }
    }
}

/// One range of a customer's partition.
pub fn customer_query(id: &CustomerId, range: CustomerRange) -> Query {
    Query::partition(customer_pk(id), range.sort_key())
}

/// The customer overview: all customers, or those of one type, whose folded display name
/// starts with `prefix` (empty: all), in the order of the folded name.
pub fn overview_query(kind: Option<CustomerType>, prefix: String) -> Query {
    let (index, pk) = match kind {
        None => (Index::Gsi1, OVERVIEW_PK.to_owned()),
        Some(t) => (Index::Gsi2, format!("{OVERVIEW_PK}#{}", t.as_str())),
    };
    let sk = if prefix.is_empty() {
        SortKey::All
    } else {
        SortKey::BeginsWith(prefix)
    };
    Query {
        index: Some(index),
        ..Query::partition(pk, sk)
    }
}

/// One page of every live customer in the overview's order (index `gsi1`, partition
/// `CUSTOMER`), `limit` items after `after` (an index page key): what the backfill walks. A
/// customer being deleted has left the index.
pub fn customers_in_overview_order(after: Option<Item>, limit: usize) -> Query {
    Query {
        start_after: after,
        limit: Some(limit),
        ..overview_query(None, String::new())
    }
}

/// The customer an item of its partition belongs to (an overview entry is its customer item).
pub fn customer_of_item(item: &Item) -> Option<CustomerId> {
    customer_of_pk(item.get("pk")?.as_str()?)
}

/// The whole specialist directory.
pub fn specialists_query() -> Query {
    Query::partition(SPECIALISTS_PK, SortKey::All)
}

/// Whether an item is a directory entry (among the items of a batch read of several kinds).
pub fn is_specialist(item: &Item) -> bool {
    Key::of(item).is_some_and(|k| k.pk == SPECIALISTS_PK)
}

/// The memberships of the identity of `normalized_email`, one per customer.
pub fn memberships_query(normalized_email: &str) -> Query {
    Query::partition(
        identity_pk(normalized_email),
        SortKey::BeginsWith(MEMBERSHIP_PREFIX.into()),
    )
}

/// The deletion records, newest first.
pub fn deletions_query() -> Query {
    Query::partition(DELETIONS_PK, SortKey::All)
}

/// The table key of an item, as the start of the page after it in a query of the table.
pub fn table_page_key(item: &Item) -> Option<Item> {
    let k = Key::of(item)?;
    Some(
        [("pk", k.pk), ("sk", k.sk)]
            .into_iter()
            .map(|(a, v)| (a.to_owned(), v.into()))
            .collect(),
    )
}

/// The kinds of item of a customer's partition that an export lists apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartitionItem {
    Access,
    Administrator,
    AdditionalProcessor,
    Transaction,
}

impl PartitionItem {
    fn prefix(self) -> &'static str {
        match self {
            PartitionItem::Access => ACCESS_PREFIX,
            PartitionItem::Administrator => ADMIN_PREFIX,
            PartitionItem::AdditionalProcessor => PROC_PREFIX,
            PartitionItem::Transaction => TX_PREFIX,
        }
    }

    /// Whether `item` (of a customer's partition) is of this kind.
    pub fn is(self, item: &Item) -> bool {
        sk_of(item).starts_with(self.prefix())
    }
}

//! What falls due, in the single table: pending invitation reminders (on access items) and
//! access reviews (on customer items), both in the sparse index `gsi3` by due time, so that
//! reading what is due costs what is due and nothing for what is not (docs/data-model.md).

use super::items::CorruptItem;
use super::{access_key, customer_key, customer_pk, page_key};
use crate::domain::{CustomerId, rfc3339};
use crate::ports::{Cond, Index, Item, Key, Query, SortKey, Write};
use serde_json::json;
use time::OffsetDateTime;

/// Index partition of the pending reminders.
pub const REMINDERS_PK: &str = "REMIND";
/// Index partition of the access reviews (every live customer has one entry).
pub const REVIEWS_PK: &str = "REVIEW";
/// Index partition prefix of one specialist's own reviews, `REVIEW#{specialistId}`: its
/// administrator responsibilities (on responsibility items) by the customer's review due time,
/// so that a specialist's due list reads its own entries and nothing of the firm's others.
pub const OWN_REVIEWS_PREFIX: &str = "REVIEW#";
/// Attributes of the due index.
const DUE_KEYS: [&str; 2] = ["gsi3pk", "gsi3sk"];

fn own_reviews_pk(specialist: &str) -> String {
    format!("{OWN_REVIEWS_PREFIX}{specialist}")
}

/// A due time as it sorts: Unix seconds, twelve digits (times before 1970 sort first).
fn due_part(at: OffsetDateTime) -> String {
    format!("{:012}", at.unix_timestamp().max(0))
}

/// The index sort key of an access's pending reminder; the ids make it unique.
pub fn reminder_sort_key(at: OffsetDateTime, customer: &CustomerId, access_id: &str) -> String {
    format!("{}#{customer}#{access_id}", due_part(at))
}

/// The index sort key of a customer's next access review.
pub fn review_sort_key(at: OffsetDateTime, customer: &CustomerId) -> String {
    format!("{}#{customer}", due_part(at))
}

/// The entries of `partition` due at `until` or earlier, oldest first (`~` sorts after every
/// id character, so every entry of the second `until` is included).
fn due_until(partition: &str, until: OffsetDateTime, after: Option<Item>, limit: usize) -> Query {
    Query {
        index: Some(Index::Gsi3),
        pk: partition.into(),
        sk: SortKey::AtMost(format!("{}#~", due_part(until))),
        start_after: after,
        limit: Some(limit),
    }
}

/// The reminders due at `now`, `limit` per page.
pub fn reminders_due(now: OffsetDateTime, after: Option<Item>, limit: usize) -> Query {
    due_until(REMINDERS_PK, now, after, limit)
}

/// The reviews due at `until` or earlier, `limit` per page.
pub fn reviews_due(until: OffsetDateTime, after: Option<Item>, limit: usize) -> Query {
    due_until(REVIEWS_PK, until, after, limit)
}

/// The reviews due at `until` or earlier of the customers `specialist` administers, `limit`
/// per page.
pub fn own_reviews_due(
    specialist: &str,
    until: OffsetDateTime,
    after: Option<Item>,
    limit: usize,
) -> Query {
    due_until(&own_reviews_pk(specialist), until, after, limit)
}

/// The index attributes that put an administrator's responsibility for `customer` into its
/// own due list at `due`.
pub fn own_review_marks(specialist: &str, customer: &CustomerId, due: OffsetDateTime) -> Item {
    let mut marks = Item::new();
    marks.insert(DUE_KEYS[0].into(), json!(own_reviews_pk(specialist)));
    marks.insert(DUE_KEYS[1].into(), json!(review_sort_key(due, customer)));
    marks
}

/// Moves an administrator's entry of `customer` in its own due list to `due` (the
/// responsibility must exist: the customer item's list of the responsible said so, under the
/// counter the same transaction checks).
pub fn move_own_review(specialist: &str, customer: &CustomerId, due: OffsetDateTime) -> Write {
    Write::Update {
        key: super::responsibility_key(specialist, customer),
        set: own_review_marks(specialist, customer, due),
        remove: Vec::new(),
        add: Vec::new(),
        cond: Some(Cond::Exists),
    }
}

/// The start key of the page after this index entry.
pub fn due_page_key(entry: &Item) -> Item {
    page_key(entry, Index::Gsi3)
}

/// The table key of the item an index entry stands for (the index carries the table's keys).
pub fn entry_key(entry: &Item) -> Option<Key> {
    Key::of(entry)
}

/// The customer a review entry stands for: the customer item's partition, or the sort key of
/// a responsibility (an entry of a specialist's own due list).
pub fn review_customer(entry: &Item) -> Option<CustomerId> {
    super::customer_of_item(entry).or_else(|| super::customer_of_pk(entry.get("sk")?.as_str()?))
}

/// Ends an access's pending reminder without sending one (it became active, expired or
/// undeliverable), if the access is still the version that was read.
pub fn drop_reminder(customer: &CustomerId, access_id: &str, version: u64) -> Write {
    Write::Update {
        key: access_key(customer, access_id),
        set: Item::new(),
        remove: ["remindAt", DUE_KEYS[0], DUE_KEYS[1]]
            .map(String::from)
            .to_vec(),
        add: Vec::new(),
        cond: Some(Cond::Eq("version", json!(version))),
    }
}

/// The review state kept on the customer item.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReviewState {
    pub reviewed_at: Option<OffsetDateTime>,
    pub reviewed_by: Option<String>,
    /// `None` only on customers stored before reviews existed.
    pub due_at: Option<OffsetDateTime>,
}

fn time_attr(item: &Item, name: &str) -> Result<Option<OffsetDateTime>, CorruptItem> {
    match item.get(name).and_then(|v| v.as_str()) {
        None => Ok(None),
        Some(s) => OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
            .map(Some)
            .map_err(|_| CorruptItem(format!("{name}: not a time"))),
    }
}

/// The review state of a customer item.
pub fn review_of(customer_item: &Item) -> Result<ReviewState, CorruptItem> {
    Ok(ReviewState {
        reviewed_at: time_attr(customer_item, "reviewedAt")?,
        reviewed_by: customer_item
            .get("reviewedBy")
            .and_then(|v| v.as_str())
            .map(String::from),
        due_at: time_attr(customer_item, "reviewDueAt")?,
    })
}

fn due_marks(customer: &CustomerId, due: OffsetDateTime) -> Item {
    let mut marks = Item::new();
    marks.insert("reviewDueAt".into(), json!(rfc3339(due)));
    marks.insert(DUE_KEYS[0].into(), json!(REVIEWS_PK));
    marks.insert(DUE_KEYS[1].into(), json!(review_sort_key(due, customer)));
    marks
}

/// Records the first review of a customer stored before reviews existed in the write of its
/// customer item that `writes` holds (or a new one): due at `due`, with its due index entry,
/// under the condition that no review is due yet (a review meanwhile keeps its own).
pub fn first_review_backfilled(
    writes: &mut Vec<Write>,
    customer: &CustomerId,
    due: OffsetDateTime,
) {
    let key = customer_key(customer);
    let marks = due_marks(customer, due);
    let absent = Cond::Absent("reviewDueAt");
    match writes.iter_mut().find(|w| w.key().as_ref() == Some(&key)) {
        Some(Write::Update { set, cond, .. }) => {
            set.extend(marks);
            let old = cond.take().unwrap_or(Cond::Exists);
            *cond = Some(Cond::And(vec![old, absent]));
        }
        Some(_) => {}
        None => writes.push(Write::Update {
            key,
            set: marks,
            remove: Vec::new(),
            add: Vec::new(),
            cond: Some(Cond::And(vec![Cond::Exists, absent])),
        }),
    }
}

/// Adds the first review's due time to the put of a new customer.
pub fn with_first_review(write: Write, customer: &CustomerId, due: OffsetDateTime) -> Write {
    match write {
        Write::Put { mut item, cond } if item.get("pk") == Some(&json!(customer_pk(customer))) => {
            item.extend(due_marks(customer, due));
            Write::Put { item, cond }
        }
        other => other,
    }
}

/// A review of the customer's accesses: who and when, and the next due time, while the
/// customer exists and is not being deleted.
pub fn record_review(
    customer: &CustomerId,
    at: OffsetDateTime,
    by: &str,
    next_due: OffsetDateTime,
) -> Write {
    let mut set = due_marks(customer, next_due);
    set.insert("reviewedAt".into(), json!(rfc3339(at)));
    set.insert("reviewedBy".into(), json!(by));
    Write::Update {
        key: customer_key(customer),
        set,
        remove: Vec::new(),
        add: Vec::new(),
        cond: Some(Cond::And(vec![Cond::Exists, Cond::Absent("deleting")])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn due_keys_sort_by_time_and_a_bound_takes_every_entry_of_its_second() {
        let c = CustomerId::parse("cus_z").unwrap();
        let early = reminder_sort_key(datetime!(2026-01-01 00:00 UTC), &c, "acc_z");
        let late = reminder_sort_key(datetime!(2026-01-02 00:00 UTC), &c, "acc_a");
        assert!(early < late);
        let q = reminders_due(datetime!(2026-01-01 00:00 UTC), None, 10);
        let SortKey::AtMost(bound) = q.sk else {
            panic!("an upper bound")
        };
        assert!(early <= bound && late > bound);
    }

    #[test]
    fn a_backfilled_first_review_joins_the_customers_update_under_its_absence() {
        let c = CustomerId::parse("cus_a").unwrap();
        let mut writes = Vec::new();
        super::super::responsibilities_changed(&mut writes, &c, 0, &["anna".into()]);
        first_review_backfilled(&mut writes, &c, datetime!(2027-01-01 00:00 UTC));
        assert_eq!(writes.len(), 1);
        let Write::Update { set, cond, .. } = &writes[0] else {
            panic!("an update of the customer item")
        };
        assert_eq!(set["gsi3pk"], json!(REVIEWS_PK));
        assert!(set.contains_key("reviewDueAt") && set.contains_key("responsible"));
        let Some(Cond::And(parts)) = cond else {
            panic!("{cond:?}")
        };
        assert_eq!(parts.last(), Some(&Cond::Absent("reviewDueAt")));
    }

    #[test]
    fn a_review_entry_names_its_customer_in_the_firms_list_and_in_a_specialists_own() {
        let c = CustomerId::parse("cus_a").unwrap();
        let mut item = Item::new();
        item.insert("pk".into(), json!(customer_pk(&c)));
        item.insert("sk".into(), json!("#CUSTOMER"));
        assert_eq!(review_customer(&item), Some(c.clone()));
        let key = super::super::responsibility_key("anna", &c);
        let mut own = Item::new();
        own.insert("pk".into(), json!(key.pk));
        own.insert("sk".into(), json!(key.sk));
        assert_eq!(review_customer(&own), Some(c));
    }

    #[test]
    fn a_specialists_own_due_list_is_its_own_partition_of_the_due_index() {
        let c = CustomerId::parse("cus_a").unwrap();
        let due = datetime!(2027-01-01 00:00 UTC);
        let marks = own_review_marks("anna", &c, due);
        let q = own_reviews_due("anna", due, None, 10);
        assert_eq!(marks["gsi3pk"], json!(q.pk));
        assert_ne!(q.pk, REVIEWS_PK);
        assert_eq!(marks["gsi3sk"], json!(review_sort_key(due, &c)));
    }
}

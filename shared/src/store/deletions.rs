//! Deletion records in the table: one partition, `DELETIONS`, whose sort key puts the newest
//! record first in a Query's ascending order (docs/data-model.md).

use super::*;
use crate::domain::{DeletionCounts, DeletionRecord, parse_rfc3339, rfc3339};
use crate::ports::{Item, Write};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// The one partition of all deletion records. Deletions are rare (far below the thousand
/// writes per second that one partition takes), and one partition pages in one Query.
pub const DELETIONS_PK: &str = "DELETIONS";

/// The key of the record of `customer`'s deletion at `deleted_at`. The sort key starts with
/// the nanoseconds from `deleted_at` to 2^64 ns after the epoch (the year 2554), as 20
/// digits, so that the ascending order of a Query is newest first; the customer id makes it
/// unique.
pub fn deletion_key(deleted_at: OffsetDateTime, customer: &CustomerId) -> Key {
    let nanos = u64::try_from(deleted_at.unix_timestamp_nanos()).unwrap_or(0);
    Key::new(DELETIONS_PK, format!("{:020}#{customer}", u64::MAX - nanos))
}

/// A deletion record as stored: ids, a time and numbers, nothing personal.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeletionItem {
    pub pk: String,
    pub sk: String,
    pub customer_id: String,
    pub deleted_at: String,
    pub deleted_by: String,
    pub accesses: u64,
    pub active_accesses: u64,
    pub administrators: u64,
    pub additional_processors: u64,
    pub transactions: u64,
}

impl DeletionItem {
    pub fn from_domain(r: &DeletionRecord) -> Self {
        let key = deletion_key(r.deleted_at, &r.customer_id);
        let c = r.counts;
        Self {
            pk: key.pk,
            sk: key.sk,
            customer_id: r.customer_id.to_string(),
            deleted_at: rfc3339(r.deleted_at),
            deleted_by: r.deleted_by.clone(),
            accesses: c.accesses,
            active_accesses: c.active_accesses,
            administrators: c.administrators,
            additional_processors: c.additional_processors,
            transactions: c.transactions,
        }
    }

    pub fn into_domain(self) -> Result<DeletionRecord, CorruptItem> {
        let bad = |what: &str| CorruptItem(format!("deletion record {}: {what}", self.sk));
        Ok(DeletionRecord {
            customer_id: CustomerId::parse(&self.customer_id).map_err(|_| bad("customer id"))?,
            deleted_at: parse_rfc3339(&self.deleted_at).ok_or_else(|| bad("time"))?,
            deleted_by: self.deleted_by,
            counts: DeletionCounts {
                accesses: self.accesses,
                active_accesses: self.active_accesses,
                administrators: self.administrators,
                additional_processors: self.additional_processors,
                transactions: self.transactions,
            },
        })
    }
}

pub fn deletion_from_item(item: &Item) -> Result<DeletionRecord, CorruptItem> {
    from_item::<DeletionItem>(item)?.into_domain()
}

/// The record of a deletion, put once: it goes in the transaction that sets the customer's
/// tombstone, which succeeds once per customer.
pub fn record_deletion(record: &DeletionRecord) -> Write {
    Write::put_new(to_item(&DeletionItem::from_domain(record)))
}

impl Partition {
    /// What deleting this partition's customer removes.
    pub fn deletion_counts(&self) -> DeletionCounts {
        let n = |len: usize| len as u64;
        let mut processors: Vec<&str> = self
            .processors
            .iter()
            .map(|g| g.specialist_id.as_str())
            .collect();
        processors.sort_unstable();
        processors.dedup();
        DeletionCounts {
            accesses: n(self.accesses.len()),
            active_accesses: n(self
                .accesses
                .iter()
                .filter(|a| a.status == crate::domain::AccessStatus::Active)
                .count()),
            administrators: n(self.admins.len()),
            additional_processors: n(processors.len()),
            transactions: n(self.transactions.len()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn a_later_deletion_sorts_before_an_earlier_one() {
        let c = CustomerId::parse("cus_a").unwrap();
        let earlier = deletion_key(datetime!(2026-01-31 23:59:59.999999999 UTC), &c);
        let later = deletion_key(datetime!(2026-02-01 00:00:00 UTC), &c);
        assert!(later.sk < earlier.sk, "{} < {}", later.sk, earlier.sk);
        assert_eq!(later.sk.split('#').next().unwrap().len(), 20);
        let year_2500 = deletion_key(datetime!(2500-01-01 00:00:00 UTC), &c);
        assert!(year_2500.sk < later.sk);
    }

    #[test]
    fn a_record_round_trips_through_its_item() {
        let record = DeletionRecord {
            customer_id: CustomerId::parse("cus_01jd8m3k4n5p6q7r8s9t0v1w2x").unwrap(),
            deleted_at: datetime!(2026-03-01 10:15:30.123456789 UTC),
            deleted_by: "anna".into(),
            counts: DeletionCounts {
                accesses: 3,
                active_accesses: 1,
                administrators: 2,
                additional_processors: 2,
                transactions: 4,
            },
        };
        let item = to_item(&DeletionItem::from_domain(&record));
        assert_eq!(deletion_from_item(&item).unwrap(), record);
        let key = Key::of(&item).unwrap();
        assert_eq!(key, deletion_key(record.deleted_at, &record.customer_id));
    }
}

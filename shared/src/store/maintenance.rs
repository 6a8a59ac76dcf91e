//! Maintenance state in the table: the backfill of the responsibility index and the review due
//! list for customers stored before version 3 (`usecases::backfill`). One small item in a
//! partition of its own holds how far the backfill got (a sealed cursor of the overview index)
//! and whether it is done, so that a scheduled run after it costs one GetItem.

use super::*;
use crate::ports::{Item, Write};
use serde::Deserialize;
use serde_json::json;

/// Partition of the maintenance state (one item per maintenance task).
pub const MAINTENANCE_PK: &str = "MAINTENANCE";
/// The backfill of the responsibility index and the first reviews (version 3's indexes).
pub const BACKFILL_SK: &str = "BACKFILL#RESPONSIBILITIES";

/// The item that records the backfill's progress.
pub fn backfill_key() -> Key {
    Key::new(MAINTENANCE_PK, BACKFILL_SK)
}

/// The backfill's progress as stored: no name and no id in clear (the cursor is sealed under
/// the cursor key, as the overview's cursors are).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BackfillState {
    /// Where the next run goes on: after the last customer done, in the overview's order.
    #[serde(default)]
    pub cursor: Option<String>,
    #[serde(default)]
    pub done: bool,
    /// Customers rebuilt so far, over all runs.
    #[serde(default)]
    pub customers: u64,
    /// Customers passed over because their index does not fit one transaction.
    #[serde(default)]
    pub skipped: u64,
}

/// The state of the item read with `backfill_key` (absent: nothing done yet).
pub fn backfill_state(item: Option<&Item>) -> Result<BackfillState, CorruptItem> {
    match item {
        None => Ok(BackfillState::default()),
        Some(item) => from_item(item),
    }
}

/// Counts of one stretch of the backfill, added to the stored totals.
fn counted(rebuilt: u64, skipped: u64) -> Vec<(String, i64)> {
    vec![
        ("customers".to_owned(), rebuilt as i64),
        ("skipped".to_owned(), skipped as i64),
    ]
}

/// The backfill went on up to the customer that `cursor` names (created by the first call).
pub fn backfill_progress(cursor: &str, (rebuilt, skipped): (u64, u64), now: i64) -> Write {
    Write::Update {
        key: backfill_key(),
        set: [
            ("cursor".to_owned(), json!(cursor)),
            ("updatedAt".to_owned(), json!(now)),
        ]
        .into_iter()
        .collect(),
        remove: Vec::new(),
        add: counted(rebuilt, skipped),
        cond: None,
    }
}

/// The backfill passed the last customer: later runs read this item and nothing else.
pub fn backfill_done((rebuilt, skipped): (u64, u64), now: i64) -> Write {
    Write::Update {
        key: backfill_key(),
        set: [
            ("done".to_owned(), json!(true)),
            ("doneAt".to_owned(), json!(now)),
            ("updatedAt".to_owned(), json!(now)),
        ]
        .into_iter()
        .collect(),
        remove: vec!["cursor".to_owned()],
        add: counted(rebuilt, skipped),
        cond: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_state_item_is_a_backfill_not_begun() {
        assert_eq!(backfill_state(None).unwrap(), BackfillState::default());
    }
}

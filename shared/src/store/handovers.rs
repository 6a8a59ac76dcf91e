//! Handovers in the table: the job of handing one specialist's responsibilities to another
//! (`HANDOVER#{id}`), its progress counted in each customer's own transaction, and the first
//! answer of `POST /specialists/{id}/handover` under an idempotency key.

use super::*;
use crate::ports::{Cond, Item, Write};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// How long a handover's job is kept: DynamoDB's TTL removes it then.
pub const HANDOVER_RETENTION_SECS: i64 = 30 * 24 * 3600;

pub fn handover_key(id: &str) -> Key {
    Key::new(format!("HANDOVER#{id}"), "#HANDOVER")
}

/// The idempotency record of a handover (apart from those of customers and imports).
pub fn handover_idempotency_key(caller: &str, hashed_key: &str) -> Key {
    Key::new(format!("IDEM#{caller}#HANDOVER#{hashed_key}"), "IDEM")
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum HandoverStatus {
    Queued,
    Running,
    Done,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HandoverItem {
    pub pk: String,
    pub sk: String,
    pub id: String,
    /// The specialist who leaves, and the one who takes over.
    pub from: String,
    pub to: String,
    /// The platform admin who started it: the actor of every event it writes.
    pub by: String,
    pub status: HandoverStatus,
    /// Customers the leaver was responsible for when it started.
    pub customers: u64,
    /// Customers handed over so far (one more in each customer's transaction).
    #[serde(default)]
    pub done: u64,
    pub created_at: i64,
    pub ttl: i64,
}

impl HandoverItem {
    pub fn new(id: &str, (from, to, by): (&str, &str, &str), customers: u64, now: i64) -> Self {
        let key = handover_key(id);
        Self {
            pk: key.pk,
            sk: key.sk,
            id: id.to_owned(),
            from: from.to_owned(),
            to: to.to_owned(),
            by: by.to_owned(),
            status: HandoverStatus::Queued,
            customers,
            done: 0,
            created_at: now,
            ttl: now + HANDOVER_RETENTION_SECS,
        }
    }
}

pub fn new_handover(job: &HandoverItem) -> Write {
    Write::put_new(to_item(job))
}

fn status(id: &str, status: HandoverStatus) -> Write {
    let set: Item = [("status".to_owned(), json!(status))].into_iter().collect();
    Write::update(handover_key(id), set)
}

/// The worker took the job up (again).
pub fn handover_running(id: &str) -> Write {
    status(id, HandoverStatus::Running)
}

/// The leaver holds nothing any more.
pub fn finish_handover(id: &str) -> Write {
    status(id, HandoverStatus::Done)
}

/// One more customer handed over: in that customer's transaction, so it counts once.
pub fn handover_progress(id: &str) -> Write {
    Write::Update {
        key: handover_key(id),
        set: Item::new(),
        remove: Vec::new(),
        add: vec![("done".to_owned(), 1)],
        cond: Some(Cond::Exists),
    }
}

/// Administrators of a customer up or down by `delta` in a handover, never to none: the
/// taker is added in the same transaction as the leaver goes.
pub fn administrators_handed_over(id: &CustomerId, delta: i64) -> Write {
    Write::Update {
        key: customer_key(id),
        set: Item::new(),
        remove: Vec::new(),
        add: vec![("adminCount".to_owned(), delta)],
        cond: Some(Cond::And(vec![
            Cond::Absent("deleting"),
            Cond::Gt("adminCount", -delta),
        ])),
    }
}

/// The first answer of a handover under an idempotency key.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HandoverAnswerItem {
    pub pk: String,
    pub sk: String,
    pub handover_id: String,
    /// SHA-256 of the request body, to refuse the same key with another request.
    pub request_hash: String,
    pub response: String,
    pub ttl: i64,
}

/// Stores the first answer; fails while a live record holds the key.
pub fn remember_handover_answer(key: &Key, mut answer: HandoverAnswerItem, now: i64) -> Write {
    answer.pk = key.pk.clone();
    answer.sk = key.sk.clone();
    Write::Put {
        cond: Some(Cond::Or(vec![Cond::NotExists, Cond::Lt("ttl", now + 1)])),
        item: to_item(&answer),
    }
}

//! Imports in the table: the job, its rows (with their fields until they are processed) and
//! the errors of rows that failed at import time, all in the import's partition, and the
//! writes that move them along (docs/data-model.md).

use super::{from_item, to_item};
use crate::domain::{FieldError, ImportRow};
use crate::ports::{Cond, Item, Key, Query, SortKey, Write};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::BTreeMap;

const IMPORT_SK: &str = "#IMPORT";
const ROW_PREFIX: &str = "ROW#";
const ERROR_PREFIX: &str = "ERR#";
/// How long an import is kept (job, rows and errors): DynamoDB's TTL removes it then. Rows
/// of a job that was never stored (a request that died half-way) go with it.
pub const IMPORT_RETENTION_SECS: i64 = 30 * 24 * 3600;

fn import_pk(id: &str) -> String {
    format!("IMPORT#{id}")
}

pub fn import_key(id: &str) -> Key {
    Key::new(import_pk(id), IMPORT_SK)
}

/// Row numbers are zero-padded so that the rows sort in file order.
fn row_key(id: &str, row: usize) -> Key {
    Key::new(import_pk(id), format!("{ROW_PREFIX}{row:05}"))
}

fn error_key(id: &str, row: usize) -> Key {
    Key::new(import_pk(id), format!("{ERROR_PREFIX}{row:05}"))
}

/// The idempotency record of `POST /imports` (apart from those of `POST /customers`, so that
/// one key used for both never meets the other's answer).
pub fn import_idempotency_key(caller: &str, hashed_key: &str) -> Key {
    Key::new(format!("IDEM#{caller}#IMPORT#{hashed_key}"), "IDEM")
}

/// The job, and the errors of its failed rows: one query reads what `GET /imports/{id}` shows.
pub fn import_view_query(id: &str) -> Query {
    Query::partition(
        import_pk(id),
        SortKey::Between(IMPORT_SK.into(), format!("{ERROR_PREFIX}~")),
    )
}

/// The rows of an import, in file order.
pub fn import_rows_query(id: &str) -> Query {
    Query::partition(import_pk(id), SortKey::BeginsWith(ROW_PREFIX.into()))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ImportStatus {
    Queued,
    Running,
    Done,
}

/// The job: who imported, how many rows, how far it got.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportItem {
    pub pk: String,
    pub sk: String,
    pub id: String,
    /// The importing specialist: the customers' administrator, and who may read the job.
    pub specialist: String,
    pub status: ImportStatus,
    pub rows: u64,
    pub created: u64,
    pub failed: u64,
    pub created_at: i64,
    pub ttl: i64,
    /// The file's header and separator, to write failed rows back as the file had them.
    #[serde(default)]
    pub header: Vec<String>,
    #[serde(default)]
    pub separator: String,
}

impl ImportItem {
    pub fn new(id: &str, specialist: &str, rows: usize, now: i64) -> Self {
        Self {
            pk: import_pk(id),
            sk: IMPORT_SK.into(),
            id: id.into(),
            specialist: specialist.into(),
            status: ImportStatus::Queued,
            rows: rows as u64,
            created: 0,
            failed: 0,
            created_at: now,
            ttl: now + IMPORT_RETENTION_SECS,
            header: Vec::new(),
            separator: String::new(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RowStatus {
    Pending,
    Created,
    Failed,
}

/// One row: its fields and its cells as the file had them (personal data) only while it waits
/// to be processed.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportRowItem {
    pub pk: String,
    pub sk: String,
    pub row: usize,
    pub status: RowStatus,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub record: Vec<String>,
    pub ttl: i64,
}

impl ImportRowItem {
    pub fn pending(&self) -> Option<ImportRow> {
        (self.status == RowStatus::Pending).then(|| ImportRow {
            number: self.row,
            fields: self.fields.clone(),
        })
    }
}

/// The errors of a row that failed at import time (fields and messages, never values), and
/// the row's cells as the file had them, so that the importer can download the failed rows
/// to correct them; kept with the import and gone with it.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportErrorItem {
    pub pk: String,
    pub sk: String,
    pub row: usize,
    pub errors: Vec<FieldError>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub record: Vec<String>,
    pub ttl: i64,
}

/// What a query of an import's partition holds, parsed.
#[derive(Debug, Default)]
pub struct ImportRead {
    pub job: Option<ImportItem>,
    pub errors: Vec<ImportErrorItem>,
    pub rows: Vec<ImportRowItem>,
}

impl ImportRead {
    pub fn from_items(items: &[Item]) -> Result<Self, super::CorruptItem> {
        let mut read = Self::default();
        for item in items {
            let sk = super::sk_of(item);
            if sk == IMPORT_SK {
                read.job = Some(from_item(item)?);
            } else if sk.starts_with(ERROR_PREFIX) {
                read.errors.push(from_item(item)?);
            } else if sk.starts_with(ROW_PREFIX) {
                read.rows.push(from_item(item)?);
            }
        }
        Ok(read)
    }
}

/// A new job, queued.
pub fn new_import(job: &ImportItem) -> Write {
    Write::put_new(to_item(job))
}

/// The rows of a new import, pending, with their fields and cells (`records[i]` of `rows[i]`).
pub fn new_import_rows(
    id: &str,
    rows: &[ImportRow],
    records: &[Vec<String>],
    now: i64,
) -> Vec<Write> {
    rows.iter()
        .map(|r| {
            let record = r
                .number
                .checked_sub(1)
                .and_then(|i| records.get(i))
                .cloned()
                .unwrap_or_default();
            let key = row_key(id, r.number);
            Write::put(to_item(&ImportRowItem {
                pk: key.pk,
                sk: key.sk,
                row: r.number,
                status: RowStatus::Pending,
                fields: r.fields.clone(),
                record,
                ttl: now + IMPORT_RETENTION_SECS,
            }))
        })
        .collect()
}

/// The row leaves `pending` (only once: a retried row fails this condition and counts
/// nothing) and gives up its personal data; the job counts it in the same transaction.
fn row_processed(id: &str, row: usize, status: RowStatus, counter: &str) -> Vec<Write> {
    let marks: Item = [("status".to_owned(), json!(status))].into_iter().collect();
    let running: Item = [("status".to_owned(), json!(ImportStatus::Running))]
        .into_iter()
        .collect();
    vec![
        Write::Update {
            key: row_key(id, row),
            set: marks,
            remove: vec!["fields".into(), "record".into()],
            add: Vec::new(),
            cond: Some(Cond::Eq("status", json!(RowStatus::Pending))),
        },
        Write::Update {
            key: import_key(id),
            set: running,
            remove: Vec::new(),
            add: vec![(counter.to_owned(), 1)],
            cond: Some(Cond::Exists),
        },
    ]
}

/// The row's customer was created.
pub fn import_row_created(id: &str, row: usize) -> Vec<Write> {
    row_processed(id, row, RowStatus::Created, "created")
}

/// The row failed at import time: counted, and its errors and cells kept for the job's view.
pub fn import_row_failed(
    id: &str,
    (row, record): (usize, Vec<String>),
    errors: Vec<FieldError>,
    now: i64,
) -> Vec<Write> {
    let mut writes = row_processed(id, row, RowStatus::Failed, "failed");
    let key = error_key(id, row);
    writes.push(Write::put(to_item(&ImportErrorItem {
        pk: key.pk,
        sk: key.sk,
        row,
        errors,
        record,
        ttl: now + IMPORT_RETENTION_SECS,
    })));
    writes
}

/// Every row is processed.
pub fn finish_import(id: &str) -> Write {
    let done: Item = [("status".to_owned(), json!(ImportStatus::Done))]
        .into_iter()
        .collect();
    Write::update(import_key(id), done)
}

/// The first answer of `POST /imports` under an idempotency key.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportAnswerItem {
    pub pk: String,
    pub sk: String,
    pub import_id: String,
    /// SHA-256 of the request body, to refuse the same key with another file.
    pub request_hash: String,
    /// The response body as JSON text.
    pub response: String,
    pub ttl: i64,
}

/// Stores the first answer for `ttl_secs`; fails while a live record holds the key.
pub fn remember_import_answer(key: &Key, answer: ImportAnswerItem, now: i64) -> Write {
    let mut answer = answer;
    answer.pk = key.pk.clone();
    answer.sk = key.sk.clone();
    Write::Put {
        cond: Some(Cond::Or(vec![Cond::NotExists, Cond::Lt("ttl", now + 1)])),
        item: to_item(&answer),
    }
}

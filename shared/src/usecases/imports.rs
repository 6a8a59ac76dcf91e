//! Bulk import of customers from CSV: the dry run, queueing an import (job and rows stored,
//! a message to the worker), its progress, and the worker that turns each row into a
//! customer through the same use case as `POST /customers`, at a set invitation rate.

use super::{customers, require_staff};
use crate::app::App;
use crate::auth::Caller;
use crate::domain::ImportId;
use crate::domain::{
    Code, FieldError, FileRefused, IdempotencyKey, ImportFile, Reason, RowError, read_import_file,
    secrets_hex,
};
use crate::error::{Error, Result};
use crate::ports::Write;
use crate::store::{self, ImportAnswerItem, ImportItem, ImportRead, ImportStatus, OnCondition};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::time::{Duration, Instant};

/// A stored answer to `POST /imports` is replayed for as long as one to `POST /customers`.
const IDEMPOTENCY_TTL_SECS: i64 = 24 * 3600;

/// The answer to a dry run: how many rows, how many of them valid, every error, and the
/// failed rows as CSV (the header and exactly the rows with errors, as the file had them).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DryRun {
    pub rows: usize,
    pub valid: usize,
    pub errors: Vec<RowError>,
    pub failed_rows: String,
}

/// The answer to a queued import.
#[derive(Debug, Serialize, Deserialize)]
pub struct Queued {
    pub id: String,
    pub status: ImportStatus,
    pub rows: usize,
}

/// An import's progress, and the rows that failed so far as CSV (as in a dry run).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportView {
    pub id: String,
    pub status: ImportStatus,
    pub rows: u64,
    pub created: u64,
    pub failed: u64,
    pub errors: Vec<RowError>,
    pub failed_rows: String,
}

/// The message that hands an import to the worker.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Message {
    import_id: String,
}

fn message(id: &str) -> String {
    serde_json::json!({ "importId": id }).to_string()
}

/// A customer error of a row as errors of that row.
fn row_errors(row: usize, e: Error) -> Vec<RowError> {
    match e {
        Error::Validation(errors) | Error::BadRequest { errors, .. } if !errors.is_empty() => {
            errors
                .iter()
                .map(|f| RowError::of_field(row, &f.field, &f.reason))
                .collect()
        }
        // The one limit a row meets: SMS per number (imports do not count per specialist).
        Error::TooManyRequests { detail, .. } => vec![RowError::new(
            row,
            "mobile",
            Reason::new(Code::LimitReached, detail),
        )],
        // The importer left the directory after it started the import.
        Error::Forbidden(customers::LEFT_DIRECTORY) => vec![RowError::new(
            row,
            "row",
            Reason::new(
                Code::RowRefused,
                "not created: the specialist who started the import has left the directory",
            ),
        )],
        other => vec![RowError::new(
            row,
            "row",
            Reason::new(Code::RowRefused, other.to_string()),
        )],
    }
}

/// Reads the file and checks every row with the rules of `POST /customers`: the file and
/// every error, by row and field, in file order.
fn validate(app: &App, bytes: &[u8]) -> Result<(ImportFile, Vec<RowError>)> {
    let file = read_import_file(bytes).map_err(|FileRefused(e)| Error::InvalidRows(e))?;
    let mut errors = file.duplicates.clone();
    for row in &file.rows {
        if let Err(e) = customers::checked_input(app, &row.input()) {
            errors.extend(row_errors(row.number, e));
        }
    }
    errors.sort_by_key(|e| e.row);
    Ok((file, errors))
}

/// `POST /imports?dryRun=true`: every error, nothing stored.
pub fn dry_run(app: &App, caller: &Caller, bytes: &[u8]) -> Result<DryRun> {
    require_staff(caller)?;
    let (file, errors) = validate(app, bytes)?;
    let mut failing: Vec<usize> = errors.iter().map(|e| e.row).collect();
    failing.dedup();
    Ok(DryRun {
        rows: file.rows.len(),
        valid: file.rows.len() - failing.len(),
        failed_rows: file.failed_rows(failing),
        errors,
    })
}

/// The stored answer under the caller's key, if one is live: replayed (and the worker nudged
/// again, in case the first request died before it queued the import).
async fn replay(app: &App, key: &crate::ports::Key, request_hash: &str) -> Result<Option<Queued>> {
    let Some(item) = app.table.get(key).await? else {
        return Ok(None);
    };
    if !store::IdempotencyItem::live(&item, app.now()) {
        return Ok(None);
    }
    let stored: ImportAnswerItem = store::from_item(&item)?;
    if stored.request_hash != request_hash {
        return Err(Error::field(
            "Idempotency-Key",
            crate::domain::Reason::new(
                crate::domain::Code::IdempotencyKeyReused,
                "was already used with a different request body",
            ),
        ));
    }
    let queued: Queued = serde_json::from_str(&stored.response).map_err(Error::internal)?;
    enqueue(app, &queued.id).await?;
    Ok(Some(queued))
}

async fn enqueue(app: &App, id: &str) -> Result<()> {
    app.queue
        .send(message(id))
        .await
        .map_err(|e| Error::Unavailable(e.into()))
}

/// The query string of `POST /imports`, as sent.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StartQuery {
    dry_run: Option<String>,
}

impl StartQuery {
    /// Whether the file is only to be checked (`dryRun=true`), not imported.
    pub fn dry_run(&self) -> Result<bool> {
        match self.dry_run.as_deref() {
            None | Some("false") => Ok(false),
            Some("true") => Ok(true),
            Some(_) => Err(Error::BadRequest {
                detail: "dryRun must be true or false.".into(),
                errors: vec![crate::domain::FieldError::new(
                    "dryRun",
                    crate::domain::Reason::one_of(&["true", "false"]),
                )],
            }),
        }
    }
}

/// `POST /imports`: 422 with every error and nothing stored, 429 when the rows do not fit in
/// the importer's daily limit of imported invitations, or the rows, then the job (with the
/// answer for retries) in one transaction, then the message to the worker. Rows written
/// before a failure belong to no job: nothing reads them, and DynamoDB's TTL removes them.
pub async fn start(
    app: &App,
    caller: &Caller,
    bytes: &[u8],
    idempotency_key: Option<&IdempotencyKey>,
) -> Result<Queued> {
    let staff = require_staff(caller)?;
    let (file, errors) = validate(app, bytes)?;
    if !errors.is_empty() {
        return Err(Error::InvalidRows(errors));
    }
    let request_hash = secrets_hex(&Sha256::digest(bytes));
    let record = match idempotency_key {
        None => None,
        Some(k) => {
            let hashed = secrets_hex(&Sha256::digest(k.as_str().as_bytes()));
            let key = store::import_idempotency_key(staff.id, &hashed);
            if let Some(queued) = replay(app, &key, &request_hash).await? {
                return Ok(queued);
            }
            Some(key)
        }
    };
    // Counted before anything is stored: over the limit, 429 and nothing of the import stays.
    super::limits::admit_imported_invitations(app, staff.id, file.rows.len()).await?;
    let id = crate::ids::new_id("imp", app.now());
    let now = app.now().unix_timestamp();
    for chunk in store::new_import_rows(&id, &file.rows, &file.records, now)
        .chunks(store::MAX_TRANSACTION_WRITES)
    {
        app.table.transact(chunk.to_vec(), None).await?;
    }
    let queued = Queued {
        id: id.clone(),
        status: ImportStatus::Queued,
        rows: file.rows.len(),
    };
    let mut job = ImportItem::new(&id, staff.id, file.rows.len(), now);
    job.header = file.header.clone();
    job.separator = char::from(file.separator).to_string();
    let mut writes = vec![store::new_import(&job)];
    if let Some(key) = &record {
        let answer = ImportAnswerItem {
            pk: String::new(),
            sk: String::new(),
            import_id: id.clone(),
            request_hash,
            response: serde_json::to_string(&queued).map_err(Error::internal)?,
            ttl: now + IDEMPOTENCY_TTL_SECS,
        };
        writes.push(store::remember_import_answer(key, answer, now));
    }
    app.table.transact(writes, None).await.on_condition(|_| {
        Error::Conflict(
            crate::error::Conflict::InProgress,
            "A request with this Idempotency-Key is in progress.".into(),
        )
    })?;
    enqueue(app, &id).await?;
    tracing::info!(import_id = %id, rows = queued.rows, "import queued");
    Ok(queued)
}

/// `GET /imports/{id}`: the importing specialist and platform admins see it; others get 404.
pub async fn get(app: &App, caller: &Caller, id: &ImportId) -> Result<ImportView> {
    let staff = require_staff(caller)?;
    let id = id.as_str();
    let items = app.table.query_all(&store::import_view_query(id)).await?;
    let read = ImportRead::from_items(&items)?;
    let job = read.job.ok_or(Error::NotFound)?;
    if job.specialist != staff.id && !staff.platform_admin {
        return Err(Error::NotFound);
    }
    let errors = read
        .errors
        .iter()
        .flat_map(|e| {
            e.errors
                .iter()
                .map(|f| RowError::of_field(e.row, &f.field, &f.reason))
        })
        .collect();
    let failed_rows = crate::domain::failed_rows_csv(
        &job.header,
        job.separator.bytes().next().unwrap_or(b';'),
        read.errors
            .iter()
            .filter(|e| !e.record.is_empty())
            .map(|e| (e.row, &e.record)),
    );
    Ok(ImportView {
        id: job.id,
        status: job.status,
        rows: job.rows,
        created: job.created,
        failed: job.failed,
        errors,
        failed_rows,
    })
}

/// Spaces the invitations `1/rate` seconds apart.
struct Pacer {
    interval: Duration,
    next: tokio::time::Instant,
}

impl Pacer {
    fn new(per_second: u32) -> Self {
        Self {
            interval: Duration::from_secs(1) / per_second.max(1),
            next: tokio::time::Instant::now(),
        }
    }

    async fn wait(&mut self) {
        tokio::time::sleep_until(self.next).await;
        self.next = tokio::time::Instant::now() + self.interval;
    }
}

/// How a worker run ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Worked {
    /// Every row is processed.
    Done,
    /// The time ran out; a new message carries on where this run stopped.
    Continued,
    /// No such import (expired), or it was done already.
    Nothing,
}

/// Whether an error of a row's create is the row's own (it fails, the others go on) or the
/// store's or a service's (the run stops and the message is retried). A conflict is a
/// parallel write (a transaction conflict, a parallel run on the same row): retried too.
fn fails_the_row(e: &Error) -> bool {
    !matches!(
        e,
        Error::Unavailable(_) | Error::Internal(_) | Error::Conflict(..)
    )
}

/// The errors a failed row keeps: fields and messages, never values.
fn kept_errors(row: usize, e: Error) -> Vec<FieldError> {
    row_errors(row, e)
        .into_iter()
        .map(|r| FieldError::new(r.field, r.reason))
        .collect()
}

/// The worker: creates the customers of the import's pending rows, one by one at the set
/// rate, until every row is processed or `deadline` (the Lambda's time) comes near. A row
/// counts once, whatever is retried: its create is keyed by import and row, and it leaves
/// `pending` in the transaction that counts it.
pub async fn work(app: &App, body: &str, deadline: Option<Instant>) -> Result<Worked> {
    // The queue carries handovers too: the same worker, the same retries.
    if super::handover::is_handover_message(body) {
        use super::handover::Worked as Handover;
        return Ok(match super::handover::work(app, body, deadline).await? {
            Handover::Done => Worked::Done,
            Handover::Continued => Worked::Continued,
            Handover::Nothing => Worked::Nothing,
        });
    }
    let Message { import_id: id } = serde_json::from_str(body)
        .map_err(|_| Error::bad_request("The import message is not understood."))?;
    let Some(item) = app.table.get(&store::import_key(&id)).await? else {
        return Ok(Worked::Nothing);
    };
    let job: ImportItem = store::from_item(&item)?;
    if job.status == ImportStatus::Done {
        return Ok(Worked::Nothing);
    }
    let rows = app.table.query_all(&store::import_rows_query(&id)).await?;
    let read = ImportRead::from_items(&rows)?;
    let mut pacer = Pacer::new(app.settings.limits.import_invitations_per_second);
    for (row, record) in read
        .rows
        .iter()
        .filter_map(|r| r.pending().map(|p| (p, &r.record)))
    {
        if super::passed(deadline) {
            enqueue(app, &id).await?;
            return Ok(Worked::Continued);
        }
        pacer.wait().await;
        let now = app.now().unix_timestamp();
        let writes: Vec<Write> = match customers::create_imported(app, &job.specialist, &id, &row)
            .await
        {
            Ok(_) => store::import_row_created(&id, row.number),
            Err(e) if fails_the_row(&e) => {
                tracing::info!(import_id = %id, row = row.number, error = %e, "import row failed");
                let errors = kept_errors(row.number, e);
                store::import_row_failed(&id, (row.number, record.clone()), errors, now)
            }
            Err(e) => return Err(e),
        };
        // A failed condition: an earlier run counted this row already.
        app.table
            .transact(writes, None)
            .await
            .unless_condition_failed()?;
    }
    app.table.write(store::finish_import(&id)).await?;
    tracing::info!(import_id = %id, "import done");
    Ok(Worked::Done)
}

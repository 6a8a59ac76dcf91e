//! The backfill of version 3's indexes for customers stored before them: each customer's
//! responsibility items (`RESP#{specialistId}` / `C#{customerId}`), its `responsible` list and
//! `respSeq`, and its first access review's due time with its entry in the due list. Part of
//! the scheduled work: it walks every customer in the overview's order, rebuilds each one's
//! index from its grants in one transaction (under `respSeq`, as every write of the index is),
//! saves its cursor after each page in the maintenance item (`store::backfill_key`) and marks
//! it done after the last one. Resumable (a failed or timed-out run goes on where the cursor
//! stands) and idempotent (a customer rebuilt twice ends as rebuilt once); once done, a run
//! costs one GetItem.

use super::{paging, passed};
use crate::app::App;
use crate::domain::CustomerId;
use crate::error::{Conflict, Error, Result};
use crate::ports::{Item, StoreError};
use crate::store::{self, BackfillState, Partition};
use std::time::Instant;

/// Customers per page of the overview index; the cursor is saved after each page.
pub const PAGE: usize = 25;
/// Attempts at one customer whose grants keep changing under the backfill.
const ATTEMPTS: usize = 5;
/// What the sealed cursor is bound to: no other list's cursor continues this walk.
const SCOPE: &str = "backfill|responsibilities";

/// What one run did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backfilled {
    /// Customers rebuilt in this run.
    pub customers: u64,
    /// Whether the backfill is done (now or before).
    pub done: bool,
}

/// What became of one customer.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Rebuilt,
    /// Deleted, or being deleted, since the overview listed it: nothing to index.
    Gone,
    /// More specialists than one transaction holds: passed over, and counted.
    TooLarge,
}

/// Counts of a run, and of the stretch not yet saved in the maintenance item.
#[derive(Default)]
struct Tally {
    rebuilt: u64,
    skipped: u64,
    /// Customers looked at in this run, whatever became of them.
    seen: u64,
    unsaved: (u64, u64),
}

impl Tally {
    fn count(&mut self, outcome: &Outcome) {
        self.seen += 1;
        match outcome {
            Outcome::Rebuilt => {
                self.rebuilt += 1;
                self.unsaved.0 += 1;
            }
            Outcome::TooLarge => {
                self.skipped += 1;
                self.unsaved.1 += 1;
            }
            Outcome::Gone => {}
        }
    }

    fn take_unsaved(&mut self) -> (u64, u64) {
        std::mem::take(&mut self.unsaved)
    }
}

/// One run of the backfill, until it is done or `deadline` has passed (after at least one
/// customer, so that every run makes progress); the next run goes on from the saved cursor.
pub async fn run(app: &App, deadline: Option<Instant>) -> Result<Backfilled> {
    let stored = app.table.get(&store::backfill_key()).await?;
    let state = store::backfill_state(stored.as_ref())?;
    if state.done {
        return Ok(Backfilled {
            customers: 0,
            done: true,
        });
    }
    let mut after = resume_after(app, &state);
    let mut tally = Tally::default();
    let done = loop {
        if tally.seen > 0 && passed(deadline) {
            break false;
        }
        let query = store::customers_in_overview_order(after.take(), PAGE + 1);
        let mut items = app.table.query(&query).await?.items;
        let more = items.len() > PAGE;
        items.truncate(PAGE);
        let (last, stopped) = rebuild_page(app, &items, &mut tally, deadline).await?;
        if !stopped && !more {
            let now = app.now().unix_timestamp();
            app.table
                .write(store::backfill_done(tally.take_unsaved(), now))
                .await?;
            break true;
        }
        if let Some(last) = last {
            save_cursor(app, &last, tally.take_unsaved()).await?;
            after = Some(last);
        }
        if stopped {
            break false;
        }
    };
    report(&state, &tally, done);
    Ok(Backfilled {
        customers: tally.rebuilt,
        done,
    })
}

/// Where the walk goes on: after the stored cursor's customer, or from the start where there
/// is none or it cannot be read (the cursor key was rotated: starting over is only slower).
fn resume_after(app: &App, state: &BackfillState) -> Option<Item> {
    let cursor = state.cursor.as_deref()?;
    match paging::start_after(app, SCOPE, Some(cursor)) {
        Ok(after) => after,
        Err(_) => {
            tracing::warn!("backfill cursor unreadable (cursor key rotated?): starting over");
            None
        }
    }
}

/// Rebuilds the customers of one page in order, until the deadline; the page key of the last
/// one done, and whether the deadline stopped it before the page's end.
async fn rebuild_page(
    app: &App,
    items: &[Item],
    tally: &mut Tally,
    deadline: Option<Instant>,
) -> Result<(Option<Item>, bool)> {
    let mut last = None;
    for item in items {
        if tally.seen > 0 && passed(deadline) {
            return Ok((last, true));
        }
        let id = store::customer_of_item(item)
            .ok_or_else(|| Error::internal(anyhow::anyhow!("an overview entry without its id")))?;
        let outcome = rebuild(app, &id).await?;
        tally.count(&outcome);
        last = Some(store::page_key(item, crate::ports::Index::Gsi1));
    }
    Ok((last, false))
}

/// The cursor after `last` (sealed: the overview's key holds the customer's folded name) and
/// the counts since the last save.
async fn save_cursor(app: &App, last: &Item, counts: (u64, u64)) -> Result<()> {
    let cursor = paging::cursor_after(app, SCOPE, last);
    let now = app.now().unix_timestamp();
    app.table
        .write(store::backfill_progress(&cursor, counts, now))
        .await?;
    Ok(())
}

/// The run's log line: counts only, no id or name.
fn report(state: &BackfillState, tally: &Tally, done: bool) {
    if tally.seen == 0 && !done {
        return;
    }
    let total = state.customers + tally.rebuilt;
    let skipped = state.skipped + tally.skipped;
    if done {
        tracing::info!(
            backfilled = tally.rebuilt,
            total,
            skipped,
            "responsibility backfill done"
        );
    } else {
        tracing::info!(
            backfilled = tally.rebuilt,
            total,
            skipped,
            "responsibility backfill goes on in the next run"
        );
    }
}

/// One customer's index rebuilt from its grants in one transaction, read again and retried
/// while a parallel change of its grants, name or review makes the conditions fail.
async fn rebuild(app: &App, id: &CustomerId) -> Result<Outcome> {
    for _ in 0..ATTEMPTS {
        let query = store::customer_query(id, store::CustomerRange::Authorisations);
        let p = Partition::from_items(&app.table.query_all(&query).await?)?;
        let Some(customer) = p.customer.as_ref() else {
            return Ok(Outcome::Gone);
        };
        let mut writes = Vec::new();
        super::responsibilities::rebuild(&mut writes, app, customer, &p);
        if writes.len() > store::MAX_TRANSACTION_WRITES {
            tracing::warn!(
                customer_id = %id,
                writes = writes.len(),
                "backfill: the customer's index does not fit one transaction; passed over"
            );
            return Ok(Outcome::TooLarge);
        }
        match app.table.transact(writes, None).await {
            Ok(()) => return Ok(Outcome::Rebuilt),
            Err(StoreError::ConditionFailed { .. } | StoreError::TransactionConflict) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(Error::Conflict(
        Conflict::StaleVersion,
        format!("Customer {id} kept changing during the backfill."),
    ))
}

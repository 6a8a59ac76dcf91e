//! The one automatic reminder of an invitation (contract, "Invitation lifecycle"): the
//! scheduled work reads the reminders due from the due index, and resends each invitation as
//! the system, exactly once, however many runs overlap.

use crate::app::App;
use crate::domain::{Access, AccessStatus, Action, Actor};
use crate::error::Result;
use crate::ports::{Key, StoreError};
use crate::store::{self, AccessItem, from_item};
use crate::usecases::invitations::{self, Sending};
use crate::usecases::{history, limits};
use time::OffsetDateTime;

/// Index entries per page, and so access keys per batch read (DynamoDB's limit is 100).
const PAGE: usize = 100;

/// Sends every reminder due now and answers how many went out. Its cost grows with the
/// entries due: one index Query and one strongly consistent batch read per 100 of them, then
/// per reminder what a resend costs. A store failure stops the run (the next run goes on
/// where it stopped: whatever was not sent is still due).
pub async fn run(app: &App) -> Result<usize> {
    let now = app.now();
    if app.settings.due.reminder_after.is_none() {
        return Ok(0);
    }
    let mut sent = 0;
    let mut after = None;
    loop {
        let page = app
            .table
            .query(&store::reminders_due(now, after.take(), PAGE))
            .await?;
        let keys: Vec<Key> = page.items.iter().filter_map(store::entry_key).collect();
        if !keys.is_empty() {
            for item in app.table.batch_get(&keys).await? {
                if store::is_removing(&item) {
                    continue;
                }
                let access = from_item::<AccessItem>(&item)?.into_domain()?;
                if remind(app, access, now).await? {
                    sent += 1;
                }
            }
        }
        match page.last_key {
            Some(k) => after = Some(k),
            None => break,
        }
    }
    if sent > 0 {
        tracing::info!(reminders = sent, "invitation reminders sent");
    }
    Ok(sent)
}

/// Nothing to remind of: the access is active, its link expired, or its address bounced or
/// complained (no invitation goes there until the address is changed).
fn hopeless(access: &Access, now: OffsetDateTime) -> bool {
    access.status != AccessStatus::Invited
        || access.expires_at.is_none_or(|at| at <= now)
        || access
            .delivery
            .as_ref()
            .is_some_and(|d| d.email.blocks_reinvitation())
}

/// Resends one invitation as the system, if its reminder is still due. The transaction is
/// conditioned on the access's version, so of two runs that read the same version one sends
/// and the other finds the condition failed and sends nothing.
async fn remind(app: &App, current: Access, now: OffsetDateTime) -> Result<bool> {
    if current.remind_at.is_none_or(|at| at > now) {
        return Ok(false);
    }
    if hopeless(&current, now) {
        let w = store::drop_reminder(&current.customer_id, &current.id, current.version);
        return match app.table.write(w).await {
            Ok(()) | Err(StoreError::ConditionFailed { .. }) => Ok(false),
            Err(e) => Err(e.into()),
        };
    }
    let mut next = current.clone();
    next.version = current.version + 1;
    let issued = invitations::issue(app, &mut next, now, Sending::Reminder);
    let cid = &current.customer_id;
    let event = history::record(
        app,
        cid,
        &Actor::reminder(),
        Action::AccessInvited,
        &next.id,
    );
    let mut writes = vec![
        store::replace_access(&next, current.version),
        store::customer_alive(cid),
        event,
        issued.put(),
    ];
    writes.extend(invitations::revoke(app, &current));
    let counted = limits::append(&mut writes, limits::for_reminder(app, &next, now));
    match app.table.transact(writes, None).await {
        Ok(()) => {}
        Err(StoreError::ConditionFailed { index }) => {
            if counted.error_at(index).is_some() {
                // Still pending: a later run sends it once the number may get SMS again.
                tracing::info!(access_id = %current.id, "reminder waits for the SMS limit");
            }
            return Ok(false);
        }
        // A parallel run (or change) touched the access at the same moment: one of them wins,
        // and what is still due is found again by the next run.
        Err(StoreError::TransactionConflict) => return Ok(false),
        Err(e) => return Err(e.into()),
    }
    tracing::info!(access_id = %next.id, "invitation reminder sent");
    invitations::send_and_record(app, &mut next, &issued, |_| Vec::new()).await;
    Ok(true)
}

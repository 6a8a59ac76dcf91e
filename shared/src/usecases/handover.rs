//! Handover (contract v3): every administrator role and additional-processor assignment of a
//! specialist who leaves passes to another, as a job run the way an import runs (a queue
//! message; the worker resumable and idempotent), one transaction per customer with its
//! history events, and never a customer without an administrator: the taker is added in the
//! transaction that removes the leaver. Also the directory's delete, refused while the
//! specialist is still responsible for a customer.

use super::{history, platform_admin_only, responsibilities};
use crate::app::App;
use crate::auth::Caller;
use crate::domain::{Action, Actor, CustomerId, IdempotencyKey, ProcessorGrant, secrets_hex};
use crate::domain::{Code, HandoverId, Reason, SpecialistId};
use crate::error::Conflict;
use crate::error::{Error, Result};
use crate::ports::{StoreError, Write};
use crate::store::{
    self, GrantItem, HandoverItem, HandoverStatus, OnCondition, Partition, to_item,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::time::Instant;

const IDEMPOTENCY_TTL_SECS: i64 = 24 * 3600;
/// Customers read from the leaver's index per round of the worker.
const PAGE: usize = 25;
/// Attempts at one customer whose grants keep changing under the worker.
const ATTEMPTS: usize = 5;

/// How a run of the worker ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Worked {
    /// The leaver holds nothing any more.
    Done,
    /// The time ran out; a new message carries on.
    Continued,
    /// No such handover (expired), or it was done already.
    Nothing,
}

#[derive(Debug, Deserialize)]
pub struct HandoverInput {
    pub to: Option<String>,
}

/// The answer of `POST /specialists/{id}/handover` and of `GET /handovers/{id}`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct HandoverView {
    pub id: String,
    pub status: HandoverStatus,
    pub customers: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub done: Option<u64>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Message {
    handover_id: String,
}

/// Whether a queue message is a handover's (the import queue carries both kinds of job).
pub fn is_handover_message(body: &str) -> bool {
    serde_json::from_str::<Message>(body).is_ok()
}

async fn enqueue(app: &App, id: &str) -> Result<()> {
    let body = serde_json::to_string(&Message {
        handover_id: id.to_owned(),
    })
    .map_err(Error::internal)?;
    app.queue
        .send(body)
        .await
        .map_err(|e| Error::Unavailable(e.into()))
}

/// 404 for an unknown leaver, 422 for an unknown taker or the leaver itself (one BatchGetItem).
async fn check_specialists(app: &App, from: &str, to: Option<&str>) -> Result<String> {
    let to = match to.map(str::trim).filter(|t| !t.is_empty()) {
        None => return Err(Error::field("to", Reason::required())),
        Some(t) => t.to_owned(),
    };
    let mut keys = vec![store::specialist_key(from)];
    if crate::ids::plausible(&to) && to != from {
        keys.push(store::specialist_key(&to));
    }
    let found = app.table.batch_get(&keys).await?;
    if super::find(&found, &keys[0]).is_none() {
        return Err(Error::NotFound);
    }
    if to == from {
        return Err(Error::field(
            "to",
            Reason::new(
                Code::NotAllowedValue,
                "must be another specialist than the one who leaves",
            ),
        ));
    }
    if keys.len() < 2 || super::find(&found, &keys[1]).is_none() {
        return Err(Error::field(
            "to",
            Reason::new(Code::UnknownSpecialist, "is not a known specialist"),
        ));
    }
    Ok(to)
}

/// A stored first answer under the caller's key (the worker nudged again, in case the first
/// request died before it queued the job), or where to store this one.
async fn replay(app: &App, key: &crate::ports::Key, hash: &str) -> Result<Option<HandoverView>> {
    let Some(item) = app.table.get(key).await? else {
        return Ok(None);
    };
    if !store::IdempotencyItem::live(&item, app.now()) {
        return Ok(None);
    }
    let stored: store::HandoverAnswerItem = store::from_item(&item)?;
    if stored.request_hash != hash {
        return Err(Error::field(
            "Idempotency-Key",
            Reason::new(
                Code::IdempotencyKeyReused,
                "was already used with a different request body",
            ),
        ));
    }
    let view: HandoverView = serde_json::from_str(&stored.response).map_err(Error::internal)?;
    enqueue(app, &view.id).await?;
    Ok(Some(view))
}

/// `POST /specialists/{id}/handover`: the job (with the answer for retries) in one
/// transaction, then the message to the worker.
pub async fn start(
    app: &App,
    caller: &Caller,
    from: &SpecialistId,
    (input, raw): (HandoverInput, &[u8]),
    idempotency_key: Option<&IdempotencyKey>,
) -> Result<HandoverView> {
    let by = platform_admin_only(
        caller,
        "Only platform admins may hand responsibilities over.",
    )?;
    let from = from.as_str();
    let to = check_specialists(app, from, input.to.as_deref()).await?;
    let hash = secrets_hex(&Sha256::digest(raw));
    let record = match idempotency_key {
        None => None,
        Some(k) => {
            let hashed = secrets_hex(&Sha256::digest(k.as_str().as_bytes()));
            let key = store::handover_idempotency_key(&by, &hashed);
            if let Some(view) = replay(app, &key, &hash).await? {
                return Ok(view);
            }
            Some(key)
        }
    };
    let query = store::responsibilities_query(from);
    let customers = app.table.query_all(&query).await?.len() as u64;
    let id = crate::ids::new_id("hnd", app.now());
    let now = app.now().unix_timestamp();
    let job = HandoverItem::new(&id, (from, &to, &by), customers, now);
    let view = HandoverView {
        id: id.clone(),
        status: HandoverStatus::Queued,
        customers,
        done: None,
    };
    let mut writes = vec![store::new_handover(&job)];
    if let Some(key) = &record {
        let answer = store::HandoverAnswerItem {
            pk: String::new(),
            sk: String::new(),
            handover_id: id.clone(),
            request_hash: hash,
            response: serde_json::to_string(&view).map_err(Error::internal)?,
            ttl: now + IDEMPOTENCY_TTL_SECS,
        };
        writes.push(store::remember_handover_answer(key, answer, now));
    }
    app.table.transact(writes, None).await.on_condition(|_| {
        Error::Conflict(
            Conflict::InProgress,
            "A request with this Idempotency-Key is in progress.".into(),
        )
    })?;
    enqueue(app, &id).await?;
    tracing::info!(handover_id = %id, customers, "handover queued");
    Ok(view)
}

/// `GET /handovers/{id}`: platform admins.
pub async fn get(app: &App, caller: &Caller, id: &HandoverId) -> Result<HandoverView> {
    platform_admin_only(caller, "Only platform admins may follow handovers.")?;
    let id = id.as_str();
    let item = app
        .table
        .get(&store::handover_key(id))
        .await?
        .ok_or(Error::NotFound)?;
    let job: HandoverItem = store::from_item(&item)?;
    Ok(HandoverView {
        id: job.id,
        status: job.status,
        customers: job.customers.max(job.done),
        done: Some(job.done),
    })
}

/// The worker: hands over customer after customer, as the leaver's index names them, until
/// the index is empty. A customer counts once whatever is retried: it leaves the leaver's
/// index in the transaction that counts it.
pub async fn work(app: &App, body: &str, deadline: Option<Instant>) -> Result<Worked> {
    let Message { handover_id: id } = serde_json::from_str(body)
        .map_err(|_| Error::bad_request("The handover message is not understood."))?;
    let Some(item) = app.table.get(&store::handover_key(&id)).await? else {
        return Ok(Worked::Nothing);
    };
    let job: HandoverItem = store::from_item(&item)?;
    if job.status == HandoverStatus::Done {
        return Ok(Worked::Nothing);
    }
    app.table.write(store::handover_running(&id)).await?;
    loop {
        if super::passed(deadline) {
            enqueue(app, &id).await?;
            return Ok(Worked::Continued);
        }
        let customers = responsibilities::customers_of(app, &job.from, PAGE).await?;
        if customers.is_empty() {
            break;
        }
        let mut progressed = false;
        for customer in &customers {
            progressed |= hand_over_customer(app, &job, customer).await?;
        }
        if !progressed {
            // What is left cannot be handed over now (being deleted): the queue retries.
            return Err(Error::Conflict(
                Conflict::StaleVersion,
                "Some customers could not be handed over yet.".into(),
            ));
        }
    }
    app.table.write(store::finish_handover(&id)).await?;
    tracing::info!(handover_id = %id, "handover done");
    Ok(Worked::Done)
}

/// One customer in one transaction, read again and retried while a parallel change of its
/// grants makes the transaction's conditions fail. False when nothing was left to hand over.
async fn hand_over_customer(app: &App, job: &HandoverItem, id: &CustomerId) -> Result<bool> {
    for _ in 0..ATTEMPTS {
        let query = store::customer_query(id, store::CustomerRange::Authorisations);
        let p = Partition::from_items(&app.table.query_all(&query).await?)?;
        let Some(writes) = handover_writes(app, job, &p)? else {
            return Ok(false);
        };
        match app.table.transact(writes, None).await {
            Ok(()) => return Ok(true),
            Err(StoreError::ConditionFailed { .. } | StoreError::TransactionConflict) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(Error::Conflict(
        Conflict::StaleVersion,
        format!("The grants of customer {id} kept changing during the handover."),
    ))
}

/// The transaction that moves the leaver's grants of one customer to the taker, with one
/// event per changed subject and the job's progress; `None` when the leaver holds none.
fn handover_writes(app: &App, job: &HandoverItem, p: &Partition) -> Result<Option<Vec<Write>>> {
    let Some(customer) = p.customer.clone() else {
        return Ok(None);
    };
    let id = &customer.id;
    let (from, to) = (job.from.as_str(), job.to.as_str());
    let actor = Actor::specialist(&job.by);
    let record = |action, subject: &str| history::record(app, id, &actor, action, subject);
    let leaving: Vec<&ProcessorGrant> = p
        .processors
        .iter()
        .filter(|g| g.specialist_id == from)
        .collect();
    if !p.is_admin(from) && leaving.is_empty() {
        return Ok(None);
    }
    let (now, mut after, mut writes) = (app.now(), p.clone(), Vec::new());
    if p.is_admin(from) {
        let added = !p.is_admin(to);
        if added {
            let grant = GrantItem::admin(id, to, now);
            writes.push(Write::put_new(to_item(&grant)));
            writes.push(record(Action::AdministratorAdded, to));
            after.admins.push(to.to_owned());
        }
        writes.push(Write::delete(store::admin_key(id, from)));
        writes.push(record(Action::AdministratorRemoved, from));
        after.admins.retain(|a| a != from);
        writes.push(store::administrators_handed_over(id, i64::from(added) - 1));
    }
    if !leaving.is_empty() {
        processor_writes(app, (id, &actor), (from, to), (p, &mut after), &mut writes);
    }
    writes.push(store::handover_progress(&job.id));
    responsibilities::sync(&mut writes, &customer, p, &after);
    if writes.len() > store::MAX_TRANSACTION_WRITES {
        return Err(Error::Conflict(
            Conflict::StaleVersion,
            format!("Customer {id} has too many assignments for one handover transaction."),
        ));
    }
    Ok(Some(writes))
}

/// The leaver's processor grants go, the taker gets those it does not hold yet; one event
/// for each of the two specialists, with the business transactions.
fn processor_writes(
    app: &App,
    (id, actor): (&CustomerId, &Actor),
    (from, to): (&str, &str),
    (p, after): (&Partition, &mut Partition),
    writes: &mut Vec<Write>,
) {
    let now = app.now();
    let (mut gained, mut lost) = (Vec::new(), Vec::new());
    for g in p.processors.iter().filter(|g| g.specialist_id == from) {
        writes.push(Write::delete(store::processor_key(
            id,
            from,
            &g.transaction_id,
        )));
        lost.push(g.transaction_id.clone());
        let held = p
            .processors
            .iter()
            .any(|h| h.specialist_id == to && h.transaction_id == g.transaction_id);
        if !held {
            let grant = ProcessorGrant {
                specialist_id: to.to_owned(),
                ..g.clone()
            };
            writes.push(Write::put_new(to_item(&GrantItem::processor(
                id, &grant, now,
            ))));
            after.processors.push(grant);
            gained.push(g.transaction_id.clone());
        }
    }
    after.processors.retain(|g| g.specialist_id != from);
    if !gained.is_empty() {
        let event = (Action::ProcessorAdded, to);
        writes.push(history::record_processor(app, id, actor, event, gained));
    }
    let event = (Action::ProcessorRemoved, from);
    writes.push(history::record_processor(app, id, actor, event, lost));
}

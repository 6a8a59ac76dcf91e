//! Authorisations at a glance (accesses, administrators, additional processors) and their
//! changes: determine administrators and additional processors, remove any selection at once.

use super::{Staff, identities, parse_ids, require_staff};
use crate::app::App;
use crate::auth::Caller;
use crate::domain::{
    Access, Action, Actor, Code, CustomerId, FieldError, ProcessorGrant, Reason, Specialist,
};
use crate::error::{Error, Result};
use crate::ports::Write;
use crate::store::CustomerRange;
use crate::store::{self, GrantItem, OnCondition, Partition, SpecialistItem, from_item, to_item};
use crate::usecases::{history, responsibilities};
use crate::views::{AccessView, AuthorisationsView, ProcessorView, SpecialistView, TransactionRef};
use serde::Deserialize;
use std::collections::BTreeMap;

/// Ids per list in one request.
const MAX_IDS: usize = 50;

pub(super) async fn read_view_range(
    app: &App,
    id: &crate::domain::CustomerId,
) -> Result<Partition> {
    let items = app
        .table
        .query_all(&store::customer_query(id, CustomerRange::Authorisations))
        .await?;
    let p = Partition::from_items(&items)?;
    if p.customer.is_none() {
        return Err(Error::NotFound);
    }
    Ok(p)
}

/// Reads directory entries (one round trip for up to 100).
pub async fn specialists_by_id(app: &App, ids: &[String]) -> Result<BTreeMap<String, Specialist>> {
    let (names, _) = names_and_identities(app, ids, &[]).await?;
    Ok(names)
}

/// Directory entries of `ids` and the identity items of `leaving` accesses
/// (`identities::keys_for`), read together: one round trip for up to 100 keys.
async fn names_and_identities(
    app: &App,
    ids: &[String],
    leaving: &[Access],
) -> Result<(BTreeMap<String, Specialist>, Vec<crate::ports::Item>)> {
    let mut keys: Vec<_> = ids.iter().map(|id| store::specialist_key(id)).collect();
    keys.extend(identities::keys_for(leaving));
    let (mut names, mut identity_items) = (BTreeMap::new(), Vec::new());
    for item in app.table.batch_get_all(&keys).await? {
        if store::is_specialist(&item) {
            let s = from_item::<SpecialistItem>(&item)?.into_domain()?;
            names.insert(s.id.clone(), s);
        } else {
            identity_items.push(item);
        }
    }
    Ok((names, identity_items))
}

fn build(app: &App, p: &Partition, names: &BTreeMap<String, Specialist>) -> AuthorisationsView {
    let show = |id: &str| {
        names
            .get(id)
            .map(SpecialistView::new)
            .unwrap_or_else(|| SpecialistView::unknown(id))
    };
    let mut accesses: Vec<_> = p.accesses.iter().collect();
    accesses.sort_by(|a, b| a.invited_at.cmp(&b.invited_at).then(a.id.cmp(&b.id)));
    let mut processors: BTreeMap<&str, Vec<TransactionRef>> = BTreeMap::new();
    for g in &p.processors {
        processors
            .entry(&g.specialist_id)
            .or_default()
            .push(TransactionRef {
                id: g.transaction_id.clone(),
                title: g.transaction_title.to_string(),
            });
    }
    let mut administrators: Vec<_> = p.admins.iter().map(|a| show(a)).collect();
    administrators.sort_by_key(|a| a.name.to_lowercase());
    let mut additional_processors: Vec<_> = processors
        .into_iter()
        .map(|(id, transactions)| ProcessorView {
            specialist: show(id),
            transactions,
        })
        .collect();
    additional_processors.sort_by(|a, b| {
        a.specialist
            .name
            .to_lowercase()
            .cmp(&b.specialist.name.to_lowercase())
    });
    AuthorisationsView {
        accesses: accesses
            .into_iter()
            .map(|a| AccessView::new(a, app.now()))
            .collect(),
        administrators,
        additional_processors,
        access_review: super::reviews::view(app, p),
    }
}

/// The authorisations of a partition already read: one batch read of specialist names.
pub(super) async fn answer(app: &App, p: &Partition) -> Result<AuthorisationsView> {
    let names = specialists_by_id(app, &named_specialists(p)).await?;
    Ok(build(app, p, &names))
}

fn named_specialists(p: &Partition) -> Vec<String> {
    let mut ids: Vec<String> = p.admins.clone();
    ids.extend(p.processors.iter().map(|g| g.specialist_id.clone()));
    ids.sort();
    ids.dedup();
    ids
}

/// One query over the customer's partition, plus one batch read of specialist names.
pub async fn view(app: &App, caller: &Caller, customer: &CustomerId) -> Result<AuthorisationsView> {
    require_staff(caller)?;
    let id = customer;
    let p = read_view_range(app, id).await?;
    let names = specialists_by_id(app, &named_specialists(&p)).await?;
    Ok(build(app, &p, &names))
}

fn may_change(staff: &Staff<'_>, p: &Partition) -> Result<()> {
    if staff.platform_admin || p.is_admin(staff.id) {
        Ok(())
    } else {
        Err(Error::Forbidden(
            "Only the customer's administrators may change its authorisations.",
        ))
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdministratorsInput {
    pub specialist_ids: Option<Vec<String>>,
}

fn invalid_id() -> Reason {
    Reason::new(Code::InvalidId, "is not a valid id")
}

fn required_ids(
    field: &str,
    raw: &Option<Vec<String>>,
) -> std::result::Result<Vec<String>, FieldError> {
    match raw {
        None => Err(FieldError::new(field, Reason::required())),
        Some(list) if list.is_empty() => Err(FieldError::new(
            field,
            Reason::new(Code::NothingSelected, "must name at least one"),
        )),
        Some(list) => parse_ids(field, list, MAX_IDS),
    }
}

/// Refuses ids that are not in the directory, naming each.
fn unknown_specialists(
    field: &str,
    ids: &[String],
    known: &BTreeMap<String, Specialist>,
) -> Vec<FieldError> {
    ids.iter()
        .enumerate()
        .filter(|(_, id)| !known.contains_key(*id))
        .map(|(i, _)| {
            FieldError::new(
                format!("{field}[{i}]"),
                Reason::new(Code::UnknownSpecialist, "is not a known specialist"),
            )
        })
        .collect()
}

pub async fn add_administrators(
    app: &App,
    caller: &Caller,
    customer: &CustomerId,
    input: AdministratorsInput,
) -> Result<AuthorisationsView> {
    let staff = require_staff(caller)?;
    let id = customer;
    let ids = required_ids("specialistIds", &input.specialist_ids)
        .map_err(|e| Error::Validation(vec![e]))?;
    let mut p = read_view_range(app, id).await?;
    may_change(&staff, &p)?;
    let mut wanted = named_specialists(&p);
    wanted.extend(ids.iter().cloned());
    wanted.sort();
    wanted.dedup();
    let names = specialists_by_id(app, &wanted).await?;
    let unknown = unknown_specialists("specialistIds", &ids, &names);
    if !unknown.is_empty() {
        return Err(Error::Validation(unknown));
    }
    let new: Vec<&String> = ids.iter().filter(|s| !p.is_admin(s)).collect();
    if new.is_empty() {
        return Ok(build(app, &p, &names));
    }
    let (now, actor) = (app.now(), staff.actor());
    let mut writes: Vec<Write> = new
        .iter()
        .flat_map(|s| {
            [
                Write::put_new(to_item(&GrantItem::admin(id, s, now))),
                history::record(app, id, &actor, Action::AdministratorAdded, s),
            ]
        })
        .collect();
    writes.push(store::administrators_added(id, new.len()));
    let mut after = p.clone();
    after.admins.extend(new.iter().map(|s| (*s).clone()));
    let customer = p.customer.clone().ok_or(Error::NotFound)?;
    responsibilities::sync(&mut writes, &customer, &p, &after);
    too_large(&writes, "specialistIds", "add fewer at once")?;
    let written = app.table.transact(writes, None).await;
    if let Err(e) = written.on_condition(|_| grants_changed()) {
        return Err(refused_by_customer(app, id, p.resp_seq, e).await);
    }
    p.admins.extend(new.into_iter().cloned());
    Ok(build(app, &p, &names))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProcessorsInput {
    pub specialist_ids: Option<Vec<String>>,
    pub transaction_ids: Option<Vec<String>>,
}

/// The specialists and transactions of a request, both required, with every failing field.
fn processor_ids(input: &ProcessorsInput) -> Result<(Vec<String>, Vec<String>)> {
    let specialists = required_ids("specialistIds", &input.specialist_ids);
    let transactions = required_ids("transactionIds", &input.transaction_ids);
    let (specialists, transactions) = match (specialists, transactions) {
        (Ok(s), Ok(t)) => (s, t),
        (s, t) => {
            return Err(Error::Validation(
                [s.err(), t.err()].into_iter().flatten().collect(),
            ));
        }
    };
    if specialists.len() * transactions.len() > store::MAX_TRANSACTION_WRITES - 1 {
        return Err(Error::field(
            "transactionIds",
            Reason::new(
                Code::SelectionTooLarge,
                format!(
                    "at most {} specialist-transaction pairs per request",
                    store::MAX_TRANSACTION_WRITES - 1
                ),
            )
            .max(store::MAX_TRANSACTION_WRITES - 1),
        ));
    }
    Ok((specialists, transactions))
}

/// The titles of the named transactions, or an error for each that is not the customer's.
fn transaction_titles(
    p: &Partition,
    transactions: &[String],
    errors: &mut Vec<FieldError>,
) -> BTreeMap<String, crate::domain::Text> {
    let mut titles = BTreeMap::new();
    for (i, t) in transactions.iter().enumerate() {
        match p.transactions.iter().find(|x| &x.id == t) {
            Some(x) => {
                titles.insert(t.clone(), x.title.clone());
            }
            None => errors.push(FieldError::new(
                format!("transactionIds[{i}]"),
                Reason::new(
                    Code::UnknownTransaction,
                    "is not a business transaction of this customer",
                ),
            )),
        }
    }
    titles
}

/// Every specialist gets every transaction it does not hold yet, with one event per
/// specialist that gains any; `p` shows the grants afterwards. Only the customer check when
/// nothing is new.
fn grant_writes(
    app: &App,
    (id, actor): (&CustomerId, &Actor),
    p: &mut Partition,
    (specialists, transactions): (&[String], &[String]),
    titles: &BTreeMap<String, crate::domain::Text>,
) -> Vec<Write> {
    let now = app.now();
    let mut writes = vec![store::customer_alive(id)];
    for s in specialists {
        let mut gained = Vec::new();
        for t in transactions {
            let grant = ProcessorGrant {
                specialist_id: s.clone(),
                transaction_id: t.clone(),
                transaction_title: titles[t].clone(),
            };
            if p.processors
                .iter()
                .any(|g| g.specialist_id == *s && g.transaction_id == *t)
            {
                continue;
            }
            writes.push(Write::put_new(to_item(&GrantItem::processor(
                id, &grant, now,
            ))));
            p.processors.push(grant);
            gained.push(t.clone());
        }
        if !gained.is_empty() {
            let event = (Action::ProcessorAdded, s.as_str());
            writes.push(history::record_processor(app, id, actor, event, gained));
        }
    }
    writes
}

/// 422 on `field` when a change needs more writes than one transaction takes.
fn too_large(writes: &[Write], field: &str, advice: &str) -> Result<()> {
    if writes.len() > store::MAX_TRANSACTION_WRITES {
        return Err(Error::field(
            field,
            Reason::new(
                Code::SelectionTooLarge,
                format!("the selection is too large for one change; {advice}"),
            ),
        ));
    }
    Ok(())
}

pub async fn add_processors(
    app: &App,
    caller: &Caller,
    customer: &CustomerId,
    input: ProcessorsInput,
) -> Result<AuthorisationsView> {
    let staff = require_staff(caller)?;
    let id = customer;
    let (specialists, transactions) = processor_ids(&input)?;
    // The whole partition: the grants for the answer and the transactions to check.
    let mut p = super::whole_partition(app, id).await?;
    if p.customer.is_none() {
        return Err(Error::NotFound);
    }
    may_change(&staff, &p)?;
    let mut errors = Vec::new();
    let titles = transaction_titles(&p, &transactions, &mut errors);
    let mut wanted = named_specialists(&p);
    wanted.extend(specialists.iter().cloned());
    wanted.sort();
    wanted.dedup();
    let names = specialists_by_id(app, &wanted).await?;
    errors.extend(unknown_specialists("specialistIds", &specialists, &names));
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let pairs = (&specialists[..], &transactions[..]);
    let before = p.clone();
    let mut writes = grant_writes(app, (id, &staff.actor()), &mut p, pairs, &titles);
    if writes.len() == 1 {
        return Ok(build(app, &p, &names));
    }
    let customer = p.customer.clone().ok_or(Error::NotFound)?;
    responsibilities::sync(&mut writes, &customer, &before, &p);
    too_large(&writes, "transactionIds", "add fewer at once")?;
    let written = app.table.transact(writes, None).await;
    if let Err(e) = written.on_condition(|_| grants_changed()) {
        return Err(refused_by_customer(app, id, before.resp_seq, e).await);
    }
    Ok(build(app, &p, &names))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProcessorSelection {
    pub specialist_id: String,
    pub transaction_id: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RemoveInput {
    #[serde(default)]
    pub access_ids: Vec<String>,
    #[serde(default)]
    pub administrator_ids: Vec<String>,
    #[serde(default)]
    pub additional_processors: Vec<ProcessorSelection>,
}

/// A removal request whose ids have the right form.
struct Selection {
    access_ids: Vec<String>,
    admin_ids: Vec<String>,
    processors: Vec<ProcessorSelection>,
}

/// Checks the form of every id, naming each failing entry.
fn parse_selection(input: RemoveInput) -> Result<Selection> {
    let mut errors = Vec::new();
    let mut ids = |field: &str, raw: &[String]| {
        parse_ids(field, raw, MAX_IDS).unwrap_or_else(|e| {
            errors.push(e);
            Vec::new()
        })
    };
    let access_ids = ids("accessIds", &input.access_ids);
    let admin_ids = ids("administratorIds", &input.administrator_ids);
    let processors = input.additional_processors;
    if processors.len() > MAX_IDS {
        errors.push(FieldError::new(
            "additionalProcessors",
            Reason::new(
                Code::TooMany,
                format!("must have at most {MAX_IDS} entries"),
            )
            .max(MAX_IDS),
        ));
    }
    for (i, sel) in processors.iter().enumerate() {
        if !crate::ids::plausible(&sel.specialist_id) {
            errors.push(FieldError::new(
                format!("additionalProcessors[{i}].specialistId"),
                invalid_id(),
            ));
        }
        if sel
            .transaction_id
            .as_deref()
            .is_some_and(|t| !crate::ids::plausible(t))
        {
            errors.push(FieldError::new(
                format!("additionalProcessors[{i}].transactionId"),
                invalid_id(),
            ));
        }
    }
    if errors.is_empty() && access_ids.is_empty() && admin_ids.is_empty() && processors.is_empty() {
        errors.push(FieldError::new(
            "accessIds",
            Reason::new(
                Code::NothingSelected,
                "select at least one access, administrator or additional processor",
            ),
        ));
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    Ok(Selection {
        access_ids,
        admin_ids,
        processors,
    })
}

/// What a selection removes, as found in the customer's partition.
struct Resolved {
    accesses: Vec<Access>,
    grants: Vec<ProcessorGrant>,
}

/// Everything selected must exist, so that a stale screen does not silently remove less; the
/// last administrator stays.
fn resolve(p: &Partition, sel: &Selection) -> Result<Resolved> {
    let mut errors = Vec::new();
    for (i, a) in sel.access_ids.iter().enumerate() {
        if !p.accesses.iter().any(|x| &x.id == a) {
            errors.push(FieldError::new(
                format!("accessIds[{i}]"),
                Reason::new(Code::UnknownAccess, "is not an access of this customer"),
            ));
        }
    }
    for (i, a) in sel.admin_ids.iter().enumerate() {
        if !p.is_admin(a) {
            errors.push(FieldError::new(
                format!("administratorIds[{i}]"),
                Reason::new(
                    Code::NotAnAdministrator,
                    "is not an administrator of this customer",
                ),
            ));
        }
    }
    let grants = selected_grants(p, &sel.processors, &mut errors);
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    if !sel.admin_ids.is_empty() && sel.admin_ids.len() >= p.admins.len() {
        return Err(last_administrator());
    }
    let accesses = p
        .accesses
        .iter()
        .filter(|a| sel.access_ids.contains(&a.id))
        .cloned()
        .collect();
    Ok(Resolved { accesses, grants })
}

/// The grants a processor selection names (all of a specialist's without a transaction).
fn selected_grants(
    p: &Partition,
    selections: &[ProcessorSelection],
    errors: &mut Vec<FieldError>,
) -> Vec<ProcessorGrant> {
    let mut grants: Vec<ProcessorGrant> = Vec::new();
    for (i, sel) in selections.iter().enumerate() {
        let matching: Vec<_> = p
            .processors
            .iter()
            .filter(|g| g.specialist_id == sel.specialist_id)
            .filter(|g| {
                sel.transaction_id
                    .as_ref()
                    .is_none_or(|t| &g.transaction_id == t)
            })
            .collect();
        if matching.is_empty() {
            errors.push(FieldError::new(
                format!("additionalProcessors[{i}]"),
                Reason::new(
                    Code::NotAnAdditionalProcessor,
                    "is not an additional processor of this customer",
                ),
            ));
        }
        for g in matching {
            if !grants.contains(g) {
                grants.push(g.clone());
            }
        }
    }
    grants
}

fn grants_changed() -> Error {
    Error::Conflict(
        crate::error::Conflict::StaleVersion,
        "The customer's authorisations were changed at the same time. Try again.".into(),
    )
}

/// Why the customer item's condition failed. It guards several things at once: that the
/// customer is there, that its grants did not change since they were read (`seq`, kept with
/// the responsibilities), and for removals that an administrator stays (`otherwise`). One read
/// tells them apart.
pub(super) async fn refused_by_customer(
    app: &App,
    id: &CustomerId,
    seq: i64,
    otherwise: Error,
) -> Error {
    let item = match app.table.get(&store::customer_key(id)).await {
        Ok(Some(item)) => item,
        Ok(None) => return Error::NotFound,
        Err(e) => return e.into(),
    };
    match store::customer_from_item(&item) {
        Ok(None) => Error::NotFound,
        Ok(Some(_)) if store::responsibility_state(&item).0 != seq => grants_changed(),
        Ok(Some(_)) => otherwise,
        Err(e) => e.into(),
    }
}

fn last_administrator() -> Error {
    Error::Conflict(
        crate::error::Conflict::LastAdministrator,
        "A customer always keeps at least one administrator; nothing was removed.".into(),
    )
}

/// The one transaction that removes the selection with one event per removed subject, or
/// nothing. Accesses whose identity keeps a sign-in or never had one leave it here too; those
/// that end a sign-in left it before.
fn removal_writes(
    app: &App,
    (id, actor): (&CustomerId, &Actor),
    sel: &Selection,
    (r, departures): (&Resolved, &identities::Departures),
) -> Result<Vec<Write>> {
    let record = |action, subject: &str| history::record(app, id, actor, action, subject);
    let mut writes = departures.leaving_writes();
    for a in &r.accesses {
        writes.push(Write::delete(store::access_key(id, &a.id)));
        writes.push(record(Action::AccessRemoved, &a.id));
        if let Some(current) = &a.invitation {
            writes.push(Write::delete(store::invitation_key(current)));
        }
    }
    for s in &sel.admin_ids {
        writes.push(Write::delete(store::admin_key(id, s)));
        writes.push(record(Action::AdministratorRemoved, s));
    }
    let mut lost: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for g in &r.grants {
        writes.push(Write::delete(store::processor_key(
            id,
            &g.specialist_id,
            &g.transaction_id,
        )));
        let ids = lost.entry(g.specialist_id.as_str()).or_default();
        ids.push(g.transaction_id.clone());
    }
    for (specialist, transactions) in lost {
        let event = (Action::ProcessorRemoved, specialist);
        writes.push(history::record_processor(
            app,
            id,
            actor,
            event,
            transactions,
        ));
    }
    writes.push(store::administrators_removed(id, sel.admin_ids.len()));
    too_large(&writes, "accessIds", "remove fewer at once")?;
    Ok(writes)
}

/// Accesses that are their identity's last while it has a sign-in leave in two steps,
/// because the sign-in lives outside the table. First, per access, its identity ends (record,
/// membership, pointer from the sign-in) and the access is marked removing, in one
/// transaction: nothing can act through it any more. Then the sign-ins are deleted, then the
/// selection goes. A fault anywhere leaves a state the invariants allow (a removing access
/// needs no sign-in) and a retry finishes the job: the access is still there, its identity is
/// found gone, and deleting a missing sign-in works.
async fn end_sign_ins(
    app: &App,
    id: &CustomerId,
    departures: &identities::Departures,
) -> Result<()> {
    let groups = departures
        .ending
        .iter()
        .map(|(access_id, writes)| {
            let mut group = writes.clone();
            group.push(store::mark_removing(id, access_id));
            group
        })
        .collect();
    identities::commit_groups(app, groups).await?;
    identities::delete_sign_ins(app, departures).await
}

/// Earlier (used or replaced) invitations of removed accesses and the pointers from their
/// e-mails' message ids: nothing points to them any more, so they go now rather than when
/// their TTL runs out.
async fn delete_stale_invitations(app: &App, removed: &[Access]) {
    let mut stale: Vec<_> = removed
        .iter()
        .flat_map(|a| {
            a.invitations
                .iter()
                .filter(|h| Some(*h) != a.invitation.as_ref())
        })
        .map(store::invitation_key)
        .collect();
    for a in removed {
        stale.extend(a.mail_messages.iter().map(|m| store::mail_message_key(m)));
    }
    stale.sort();
    stale.dedup();
    if let Err(e) = app.table.batch_delete(&stale).await {
        tracing::warn!(error = ?e, "old invitations not deleted; their TTL removes them");
    }
}

/// Removes the whole selection in one transaction, or nothing.
pub async fn remove(
    app: &App,
    caller: &Caller,
    customer: &CustomerId,
    input: RemoveInput,
) -> Result<AuthorisationsView> {
    let staff = require_staff(caller)?;
    let id = customer;
    let sel = parse_selection(input)?;
    let p = read_view_range(app, id).await?;
    may_change(&staff, &p)?;
    let resolved = resolve(&p, &sel)?;
    // The answer's names are read before the change, so that the change is the last call
    // whose failure the caller sees: a retry after a 503 then finds the selection unchanged.
    let mut after = p.clone();
    after.accesses.retain(|a| !sel.access_ids.contains(&a.id));
    after.admins.retain(|a| !sel.admin_ids.contains(a));
    after.processors.retain(|g| !resolved.grants.contains(g));
    let named = named_specialists(&after);
    let (names, read) = names_and_identities(app, &named, &resolved.accesses).await?;
    let departures = identities::plan(&read, &resolved.accesses)?;
    let actor = staff.actor();
    let mut writes = removal_writes(app, (id, &actor), &sel, (&resolved, &departures))?;
    let customer = p.customer.clone().ok_or(Error::NotFound)?;
    responsibilities::sync(&mut writes, &customer, &p, &after);
    too_large(&writes, "accessIds", "remove fewer at once")?;
    // The first writes of the transaction are the identities' (`removal_writes`).
    let leaving = departures.leaving_writes().len();
    end_sign_ins(app, id, &departures).await?;
    let written = app.table.transact(writes, None).await;
    let refused = written.on_condition(|index| match index {
        Some(i) if i < leaving => Error::Conflict(
            crate::error::Conflict::StaleVersion,
            "An address of the selection was invited or removed elsewhere at the same time. Try again.".into(),
        ),
        _ => last_administrator(),
    });
    if let Err(e) = refused {
        return Err(match e {
            Error::Conflict(crate::error::Conflict::LastAdministrator, _) => {
                refused_by_customer(app, id, p.resp_seq, e).await
            }
            other => other,
        });
    }
    delete_stale_invitations(app, &resolved.accesses).await;
    tracing::info!(customer_id = %id, accesses = resolved.accesses.len(), administrators = sel.admin_ids.len(), grants = resolved.grants.len(), "authorisations removed");
    Ok(build(app, &after, &names))
}

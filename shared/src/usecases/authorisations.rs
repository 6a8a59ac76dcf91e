//! Authorisations at a glance (accesses, administrators, additional processors) and their
//! changes: determine administrators and additional processors, remove any selection at once.

use super::{Staff, customer_alive, customer_id, parse_ids, staff, store_error};
use crate::app::App;
use crate::auth::Caller;
use crate::domain::{AccessStatus, FieldError, ProcessorGrant, Specialist};
use crate::error::{Error, Result};
use crate::ports::{Cond, Query, SortKey, StoreError, Write};
use crate::store::{self, GrantItem, Partition, SpecialistItem, from_item, to_item};
use crate::views::{AccessView, AuthorisationsView, ProcessorView, SpecialistView, TransactionRef};
use serde::Deserialize;
use std::collections::BTreeMap;

/// Ids per list in one request.
const MAX_IDS: usize = 50;
/// DynamoDB's limit on writes in one transaction.
const MAX_WRITES: usize = 100;

async fn read_view_range(app: &App, id: &crate::domain::CustomerId) -> Result<Partition> {
    let items = app
        .table
        .query_all(&Query::partition(
            store::customer_pk(id),
            SortKey::AtMost(store::VIEW_END.into()),
        ))
        .await?;
    let p = Partition::from_items(&items)?;
    if p.customer.is_none() {
        return Err(Error::NotFound);
    }
    Ok(p)
}

/// Reads directory entries (one round trip for up to 100).
pub async fn specialists_by_id(app: &App, ids: &[String]) -> Result<BTreeMap<String, Specialist>> {
    let mut out = BTreeMap::new();
    for chunk in ids.chunks(100) {
        let keys: Vec<_> = chunk.iter().map(|id| store::specialist_key(id)).collect();
        for item in app.table.batch_get(&keys).await? {
            let s = from_item::<SpecialistItem>(&item)?.into_domain()?;
            out.insert(s.id.clone(), s);
        }
    }
    Ok(out)
}

fn build(p: &Partition, names: &BTreeMap<String, Specialist>) -> AuthorisationsView {
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
        accesses: accesses.into_iter().map(AccessView::new).collect(),
        administrators,
        additional_processors,
    }
}

fn named_specialists(p: &Partition) -> Vec<String> {
    let mut ids: Vec<String> = p.admins.clone();
    ids.extend(p.processors.iter().map(|g| g.specialist_id.clone()));
    ids.sort();
    ids.dedup();
    ids
}

/// One query over the customer's partition, plus one batch read of specialist names.
pub async fn view(app: &App, caller: &Caller, customer: &str) -> Result<AuthorisationsView> {
    staff(caller)?;
    let id = customer_id(customer)?;
    let p = read_view_range(app, &id).await?;
    let names = specialists_by_id(app, &named_specialists(&p)).await?;
    Ok(build(&p, &names))
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

fn required_ids(
    field: &str,
    raw: &Option<Vec<String>>,
) -> std::result::Result<Vec<String>, FieldError> {
    match raw {
        None => Err(FieldError::new(field, "is required")),
        Some(list) if list.is_empty() => Err(FieldError::new(field, "must name at least one")),
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
        .map(|(i, _)| FieldError::new(format!("{field}[{i}]"), "is not a known specialist"))
        .collect()
}

pub async fn add_administrators(
    app: &App,
    caller: &Caller,
    customer: &str,
    input: AdministratorsInput,
) -> Result<AuthorisationsView> {
    let staff = staff(caller)?;
    let id = customer_id(customer)?;
    let ids = required_ids("specialistIds", &input.specialist_ids)
        .map_err(|e| Error::Validation(vec![e]))?;
    let mut p = read_view_range(app, &id).await?;
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
        return Ok(build(&p, &names));
    }
    let now = app.now();
    let mut writes: Vec<Write> = new
        .iter()
        .map(|s| Write::put_new(to_item(&GrantItem::admin(&id, s, now))))
        .collect();
    writes.push(Write::Update {
        key: store::customer_key(&id),
        set: Default::default(),
        remove: Vec::new(),
        add: vec![("adminCount".into(), new.len() as i64)],
        cond: Some(Cond::And(vec![Cond::Exists, Cond::Absent("deleting")])),
    });
    match app.table.transact(writes, None).await {
        Ok(()) => {}
        Err(StoreError::ConditionFailed { .. }) => {
            return Err(Error::Conflict(
                "The authorisations were changed at the same time. Reload and try again.".into(),
            ));
        }
        Err(e) => return Err(store_error(e)),
    }
    p.admins.extend(new.into_iter().cloned());
    Ok(build(&p, &names))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProcessorsInput {
    pub specialist_ids: Option<Vec<String>>,
    pub transaction_ids: Option<Vec<String>>,
}

pub async fn add_processors(
    app: &App,
    caller: &Caller,
    customer: &str,
    input: ProcessorsInput,
) -> Result<AuthorisationsView> {
    let staff = staff(caller)?;
    let id = customer_id(customer)?;
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
    if specialists.len() * transactions.len() > MAX_WRITES - 1 {
        return Err(Error::field(
            "transactionIds",
            format!(
                "at most {} specialist-transaction pairs per request",
                MAX_WRITES - 1
            ),
        ));
    }
    // The whole partition: the grants for the answer and the transactions to check.
    let items = app
        .table
        .query_all(&Query::partition(store::customer_pk(&id), SortKey::All))
        .await?;
    let mut p = Partition::from_items(&items)?;
    if p.customer.is_none() {
        return Err(Error::NotFound);
    }
    may_change(&staff, &p)?;
    let mut errors = Vec::new();
    let mut titles = BTreeMap::new();
    for (i, t) in transactions.iter().enumerate() {
        match p.transactions.iter().find(|x| &x.id == t) {
            Some(x) => {
                titles.insert(t.clone(), x.title.clone());
            }
            None => errors.push(FieldError::new(
                format!("transactionIds[{i}]"),
                "is not a business transaction of this customer",
            )),
        }
    }
    let mut wanted = named_specialists(&p);
    wanted.extend(specialists.iter().cloned());
    wanted.sort();
    wanted.dedup();
    let names = specialists_by_id(app, &wanted).await?;
    errors.extend(unknown_specialists("specialistIds", &specialists, &names));
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let now = app.now();
    let mut writes = vec![customer_alive(&id)];
    for s in &specialists {
        for t in &transactions {
            let grant = ProcessorGrant {
                specialist_id: s.clone(),
                transaction_id: t.clone(),
                transaction_title: titles[t].clone(),
            };
            writes.push(Write::put(to_item(&GrantItem::processor(&id, &grant, now))));
            if !p
                .processors
                .iter()
                .any(|g| g.specialist_id == *s && g.transaction_id == *t)
            {
                p.processors.push(grant);
            }
        }
    }
    match app.table.transact(writes, None).await {
        Ok(()) => {}
        Err(StoreError::ConditionFailed { .. }) => return Err(Error::NotFound),
        Err(e) => return Err(store_error(e)),
    }
    Ok(build(&p, &names))
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

/// Removes the whole selection in one transaction, or nothing.
pub async fn remove(
    app: &App,
    caller: &Caller,
    customer: &str,
    input: RemoveInput,
) -> Result<AuthorisationsView> {
    let staff = staff(caller)?;
    let id = customer_id(customer)?;
    let mut errors = Vec::new();
    let access_ids = parse_ids("accessIds", &input.access_ids, MAX_IDS).unwrap_or_else(|e| {
        errors.push(e);
        Vec::new()
    });
    let admin_ids = parse_ids("administratorIds", &input.administrator_ids, MAX_IDS)
        .unwrap_or_else(|e| {
            errors.push(e);
            Vec::new()
        });
    if input.additional_processors.len() > MAX_IDS {
        errors.push(FieldError::new(
            "additionalProcessors",
            format!("must have at most {MAX_IDS} entries"),
        ));
    }
    for (i, sel) in input.additional_processors.iter().enumerate() {
        if !crate::ids::plausible(&sel.specialist_id) {
            errors.push(FieldError::new(
                format!("additionalProcessors[{i}].specialistId"),
                "is not a valid id",
            ));
        }
        if sel
            .transaction_id
            .as_deref()
            .is_some_and(|t| !crate::ids::plausible(t))
        {
            errors.push(FieldError::new(
                format!("additionalProcessors[{i}].transactionId"),
                "is not a valid id",
            ));
        }
    }
    if errors.is_empty()
        && access_ids.is_empty()
        && admin_ids.is_empty()
        && input.additional_processors.is_empty()
    {
        errors.push(FieldError::new(
            "accessIds",
            "select at least one access, administrator or additional processor",
        ));
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let p = read_view_range(app, &id).await?;
    may_change(&staff, &p)?;

    // Everything selected must exist, so that a stale screen does not silently remove less.
    for (i, a) in access_ids.iter().enumerate() {
        if !p.accesses.iter().any(|x| &x.id == a) {
            errors.push(FieldError::new(
                format!("accessIds[{i}]"),
                "is not an access of this customer",
            ));
        }
    }
    for (i, a) in admin_ids.iter().enumerate() {
        if !p.is_admin(a) {
            errors.push(FieldError::new(
                format!("administratorIds[{i}]"),
                "is not an administrator of this customer",
            ));
        }
    }
    let mut grants: Vec<ProcessorGrant> = Vec::new();
    for (i, sel) in input.additional_processors.iter().enumerate() {
        let matching: Vec<_> = p
            .processors
            .iter()
            .filter(|g| g.specialist_id == sel.specialist_id)
            .filter(|g| {
                sel.transaction_id
                    .as_ref()
                    .is_none_or(|t| &g.transaction_id == t)
            })
            .cloned()
            .collect();
        if matching.is_empty() {
            errors.push(FieldError::new(
                format!("additionalProcessors[{i}]"),
                "is not an additional processor of this customer",
            ));
        }
        for g in matching {
            if !grants.iter().any(|x| x == &g) {
                grants.push(g);
            }
        }
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    if !admin_ids.is_empty() && admin_ids.len() >= p.admins.len() {
        return Err(Error::Conflict(
            "A customer always keeps at least one administrator; nothing was removed.".into(),
        ));
    }

    let removed: Vec<_> = p
        .accesses
        .iter()
        .filter(|a| access_ids.contains(&a.id))
        .cloned()
        .collect();
    let mut writes = Vec::new();
    for a in &removed {
        writes.push(Write::delete(store::access_key(&id, &a.id)));
        writes.push(Write::delete(store::email_key(&a.email.normalized())));
        if let Some(sub) = &a.identity {
            writes.push(Write::delete(store::identity_key(sub)));
        }
        if let Some(current) = &a.invitation {
            writes.push(Write::delete(store::invitation_key(current)));
        }
    }
    for s in &admin_ids {
        writes.push(Write::delete(store::admin_key(&id, s)));
    }
    for g in &grants {
        writes.push(Write::delete(store::processor_key(
            &id,
            &g.specialist_id,
            &g.transaction_id,
        )));
    }
    // The count guards the last administrator against parallel removals.
    writes.push(Write::Update {
        key: store::customer_key(&id),
        set: Default::default(),
        remove: Vec::new(),
        add: vec![("adminCount".into(), -(admin_ids.len() as i64))],
        cond: Some(Cond::And(vec![
            Cond::Absent("deleting"),
            Cond::Gt("adminCount", admin_ids.len() as i64),
        ])),
    });
    if writes.len() > MAX_WRITES {
        return Err(Error::field(
            "accessIds",
            "the selection is too large for one change; remove fewer at once",
        ));
    }
    // The answer's names are read before the change, so that the change is the last call
    // whose failure the caller sees: a retry after a 503 then finds the selection unchanged.
    let mut after = p;
    after.accesses.retain(|a| !access_ids.contains(&a.id));
    after.admins.retain(|a| !admin_ids.contains(a));
    after.processors.retain(|g| !grants.contains(g));
    let names = specialists_by_id(app, &named_specialists(&after)).await?;
    // Active accesses leave in two steps, because their sign-ins live outside the table.
    // First they stop acting: their identity pointers go and they are marked `removing`,
    // in one transaction. Then their sign-ins are deleted, then the selection goes. A fault
    // anywhere leaves a state the invariants allow (a removing access needs no sign-in) and
    // a retry finishes the job: the access is still there, deleting a missing sign-in works.
    let active: Vec<_> = removed
        .iter()
        .filter(|a| a.status == AccessStatus::Active)
        .collect();
    if !active.is_empty() {
        let mut stop = Vec::new();
        for a in &active {
            if let Some(sub) = &a.identity {
                stop.push(Write::delete(store::identity_key(sub)));
            }
            let mut set = crate::ports::Item::new();
            set.insert("removing".into(), serde_json::json!(true));
            stop.push(Write::Update {
                key: store::access_key(&id, &a.id),
                set,
                remove: Vec::new(),
                // A change read before this one now conflicts.
                add: vec![("version".into(), 1)],
                cond: Some(Cond::Exists),
            });
        }
        match app.table.transact(stop, None).await {
            Ok(()) => {}
            Err(StoreError::ConditionFailed { .. }) => {
                return Err(Error::Conflict(
                    "The accesses were changed at the same time. Reload and try again.".into(),
                ));
            }
            Err(e) => return Err(store_error(e)),
        }
        for a in &active {
            app.identity
                .delete(&a.email)
                .await
                .map_err(|e| Error::Unavailable(e.into()))?;
        }
    }
    match app.table.transact(writes, None).await {
        Ok(()) => {}
        Err(StoreError::ConditionFailed { .. }) => {
            return Err(Error::Conflict(
                "A customer always keeps at least one administrator; nothing was removed.".into(),
            ));
        }
        Err(e) => return Err(store_error(e)),
    }
    // Earlier (used or replaced) invitations of the removed accesses: nothing points to them
    // any more, so they go now rather than when their TTL runs out.
    let mut stale: Vec<_> = removed
        .iter()
        .flat_map(|a| {
            a.invitations
                .iter()
                .filter(|h| Some(*h) != a.invitation.as_ref())
        })
        .map(store::invitation_key)
        .collect();
    stale.sort();
    stale.dedup();
    if let Err(e) = app.table.batch_delete(&stale).await {
        tracing::warn!(error = ?e, "old invitations not deleted; their TTL removes them");
    }
    tracing::info!(customer_id = %id, accesses = removed.len(), administrators = admin_ids.len(), grants = grants.len(), "authorisations removed");
    Ok(build(&after, &names))
}

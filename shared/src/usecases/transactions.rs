//! Business transactions of a customer, visible to its administrators and platform admins in
//! full, to additional processors as far as assigned, and to its end users.

use super::{find, require_staff};
use crate::app::App;
use crate::auth::Caller;
use crate::domain::{Action, BusinessTransaction, Text};
use crate::domain::{CustomerId, TransactionId};
use crate::error::{Error, Result};
use crate::ports::Write;
use crate::store::CustomerRange;
use crate::store::{self, OnCondition, TransactionItem, from_item, to_item};
use crate::usecases::{history, responsibilities};
use crate::views::{Items, TransactionView};
use serde::Deserialize;

pub async fn list(
    app: &App,
    caller: &Caller,
    customer: &CustomerId,
) -> Result<Items<TransactionView>> {
    let staff = require_staff(caller)?;
    let id = customer;
    let p = super::whole_partition(app, id).await?;
    if p.customer.is_none() {
        return Err(Error::NotFound);
    }
    let all = staff.platform_admin || p.is_admin(staff.id);
    let items = p
        .transactions
        .iter()
        .filter(|t| {
            all || p
                .processors
                .iter()
                .any(|g| g.specialist_id == staff.id && g.transaction_id == t.id)
        })
        .map(TransactionView::new)
        .collect();
    Ok(Items { items })
}

#[derive(Debug, Deserialize)]
pub struct NewTransaction {
    pub title: Option<String>,
}

pub async fn create(
    app: &App,
    caller: &Caller,
    customer: &CustomerId,
    input: NewTransaction,
) -> Result<TransactionView> {
    let staff = require_staff(caller)?;
    let id = customer;
    super::customer_for_change(app, &staff, id, &[]).await?;
    let title = crate::domain::required(&input.title)
        .and_then(|t| Text::parse(t, 200))
        .map_err(|r| Error::field("title", r))?;
    let t = BusinessTransaction {
        id: crate::ids::new_id("trx", app.now()),
        customer_id: id.clone(),
        title,
        created_at: app.now(),
    };
    let writes = vec![
        store::customer_alive(id),
        Write::put_new(to_item(&TransactionItem::from_domain(&t))),
        history::record(app, id, &staff.actor(), Action::TransactionCreated, &t.id),
    ];
    app.table
        .transact(writes, None)
        .await
        .on_condition(|_| Error::NotFound)?;
    Ok(TransactionView::new(&t))
}

/// The transaction and whether the caller may change it; 404 when the caller may not see it.
async fn visible(
    app: &App,
    caller: &Caller,
    customer: &CustomerId,
    transaction: &TransactionId,
) -> Result<(BusinessTransaction, bool)> {
    let staff = require_staff(caller)?;
    let id = customer;
    let tid = transaction.as_str();
    let keys = [
        store::customer_key(id),
        store::admin_key(id, staff.id),
        store::transaction_key(id, tid),
        store::processor_key(id, staff.id, tid),
    ];
    let items = app.table.batch_get(&keys).await?;
    match find(&items, &keys[0]) {
        Some(c) if store::customer_from_item(c)?.is_some() => {}
        _ => return Err(Error::NotFound),
    }
    let t = find(&items, &keys[2]).ok_or(Error::NotFound)?;
    let t = from_item::<TransactionItem>(t)?.into_domain()?;
    let admin = staff.platform_admin || find(&items, &keys[1]).is_some();
    let processor = find(&items, &keys[3]).is_some();
    if !admin && !processor {
        return Err(Error::NotFound);
    }
    Ok((t, admin))
}

pub async fn get(
    app: &App,
    caller: &Caller,
    customer: &CustomerId,
    transaction: &TransactionId,
) -> Result<TransactionView> {
    visible(app, caller, customer, transaction)
        .await
        .map(|(t, _)| TransactionView::new(&t))
}

pub async fn delete(
    app: &App,
    caller: &Caller,
    customer: &CustomerId,
    transaction: &TransactionId,
) -> Result<()> {
    let (t, admin) = visible(app, caller, customer, transaction).await?;
    if !admin {
        return Err(Error::Forbidden(
            "Only the customer's administrators may delete business transactions.",
        ));
    }
    // The customer, its accesses and grants (one Query): whose responsibilities change.
    let items = app
        .table
        .query_all(&store::customer_query(
            &t.customer_id,
            CustomerRange::Authorisations,
        ))
        .await?;
    let mut before = store::Partition::from_items(&items)?;
    let customer = before.customer.clone().ok_or(Error::NotFound)?;
    let processors: Vec<String> = before
        .processors
        .iter()
        .filter(|g| g.transaction_id == t.id)
        .map(|g| g.specialist_id.clone())
        .collect();
    let actor = require_staff(caller)?.actor();
    let record =
        |action, subject: &str| history::record(app, &t.customer_id, &actor, action, subject);
    let mut first = vec![
        Write::delete(store::transaction_key(&t.customer_id, &t.id)),
        record(Action::TransactionDeleted, &t.id),
    ];
    // Each assigned specialist loses the grant, with its event and its responsibility, the
    // first ones together with the transaction, more in further transactions.
    for chunk in processors.chunks(PROCESSORS_PER_TRANSACTION) {
        let mut writes = std::mem::take(&mut first);
        let mut after = before.clone();
        after
            .processors
            .retain(|g| !(g.transaction_id == t.id && chunk.contains(&g.specialist_id)));
        for s in chunk {
            writes.push(Write::delete(store::processor_key(
                &t.customer_id,
                s,
                &t.id,
            )));
            writes.push(history::record_processor(
                app,
                &t.customer_id,
                &actor,
                (Action::ProcessorRemoved, s),
                vec![t.id.clone()],
            ));
        }
        responsibilities::sync(&mut writes, &customer, &before, &after);
        app.table
            .transact(writes, None)
            .await
            .on_condition(|_| changed_meanwhile())?;
        before = after;
        before.resp_seq += 1;
    }
    if !first.is_empty() {
        app.table.transact(first, None).await?;
    }
    tracing::info!(transaction_id = %t.id, "business transaction deleted");
    Ok(())
}

/// Processors per transaction of a deletion: two writes and a responsibility each, with room
/// for the business transaction, its event and the customer's counter.
const PROCESSORS_PER_TRANSACTION: usize = 30;

fn changed_meanwhile() -> Error {
    Error::Conflict(
        crate::error::Conflict::StaleVersion,
        "The business transaction was changed at the same time. Try again.".into(),
    )
}

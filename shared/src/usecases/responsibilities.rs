//! Responsibilities: which customers a specialist is responsible for (administrator, or
//! additional processor of at least one business transaction), the index that keeps them
//! (`store::responsibilities`), the need-to-know rule that restricts specialists to them,
//! and platform admins' emergency access on the record (contract v3).

use super::{Staff, paging, require_staff};
use crate::app::App;
use crate::auth::Caller;
use crate::config::AccessModel;
use crate::domain::{Action, Customer, CustomerId, Event, SpecialistId};
use crate::error::{Error, Result};
use crate::ports::{Query, SortKey, Write};
use crate::store::{self, OnCondition, Partition, Reasons};
use crate::views::{CustomerSummary, ResponsibilityPage, ResponsibilityView, TransactionRefView};

/// Adds to `writes` what keeps the index true when the grants of `before` become those of
/// `after` (the same customer): a put for every specialist whose reasons changed, a delete
/// for every one that is no longer responsible, and the customer item's counter and list.
/// Nothing when nobody's reasons changed.
pub fn sync(writes: &mut Vec<Write>, customer: &Customer, before: &Partition, after: &Partition) {
    let (old, new) = (store::reasons_of(before), store::reasons_of(after));
    if old == new {
        return;
    }
    let review_due = after.review.due_at.or(before.review.due_at);
    for (specialist, reasons) in &new {
        if old.get(specialist) != Some(reasons) {
            writes.push(store::put_responsibility(
                specialist, customer, reasons, review_due,
            ));
        }
    }
    for specialist in old.keys().filter(|s| !new.contains_key(*s)) {
        writes.push(store::delete_responsibility(specialist, &customer.id));
    }
    let responsible: Vec<String> = new.into_keys().collect();
    store::responsibilities_changed(writes, &customer.id, before.resp_seq, &responsible);
}

/// The writes of a new customer's one responsibility: its creator, as administrator, whose
/// own due list gets the first review at `review_due`.
pub fn created(
    writes: &mut Vec<Write>,
    customer: &Customer,
    creator: &str,
    review_due: time::OffsetDateTime,
) {
    let reasons = Reasons {
        administrator: true,
        ..Reasons::default()
    };
    writes.push(store::put_responsibility(
        creator,
        customer,
        &reasons,
        Some(review_due),
    ));
    store::responsibilities_changed(writes, &customer.id, 0, &[creator.to_owned()]);
}

/// Adds to `writes` the whole index of one customer, as its grants in `p` say (the partition
/// read up to its grants) and with `customer`'s data: a responsibility for every specialist
/// responsible for it (an administrator's in its own due list), the deletion of those its list
/// names that no longer are, its list and counter (under the counter read), and its first
/// review where it has none. Used where a customer's summary changes (a rename rewrites every
/// responsibility anyway) and by the backfill; the rebuild also completes a customer stored
/// before version 3.
pub fn rebuild(writes: &mut Vec<Write>, app: &App, customer: &Customer, p: &Partition) {
    let reasons = store::reasons_of(p);
    let due = p
        .review
        .due_at
        .unwrap_or_else(|| super::reviews::first_due(app, customer.created_at));
    for (specialist, why) in &reasons {
        writes.push(store::put_responsibility(
            specialist,
            customer,
            why,
            Some(due),
        ));
    }
    for gone in p.responsible.iter().filter(|s| !reasons.contains_key(*s)) {
        writes.push(store::delete_responsibility(gone, &customer.id));
    }
    let responsible: Vec<String> = reasons.into_keys().collect();
    store::responsibilities_changed(writes, &customer.id, p.resp_seq, &responsible);
    if p.review.due_at.is_none() {
        store::first_review_backfilled(writes, &customer.id, due);
    }
}

/// Whether the caller may reach customer `id` under `route` (a route template): always in
/// the `open` model; with need-to-know only where it is responsible (one GetItem), else 404
/// as for an unknown id, except for platform admins, whose emergency access is served and
/// recorded once per admin, customer and hour.
pub async fn admit(app: &App, caller: &Caller, id: &str, route: &str) -> Result<()> {
    if app.settings.access_model == AccessModel::Open {
        return Ok(());
    }
    let Caller::Staff { .. } = caller else {
        return Ok(());
    };
    let staff = require_staff(caller)?;
    let id = CustomerId::parse(id).map_err(|_| Error::NotFound)?;
    if app
        .table
        .get(&store::responsibility_key(staff.id, &id))
        .await?
        .is_some()
    {
        return Ok(());
    }
    if !staff.platform_admin {
        return Err(Error::NotFound);
    }
    record_emergency_access(app, &staff, &id, route).await
}

/// The hour's marker, the event and a check that the customer exists, in one transaction. A
/// failed condition means either that this hour's access is on record already or that there
/// is no such customer (the route then answers 404 itself): both serve the request.
async fn record_emergency_access(
    app: &App,
    staff: &Staff<'_>,
    id: &CustomerId,
    route: &str,
) -> Result<()> {
    let now = app.now();
    let hour = now.unix_timestamp().div_euclid(3600);
    let event =
        Event::new(now, &staff.actor(), Action::CustomerAccessed, id.as_str()).with_route(route);
    let writes = vec![
        store::emergency_access_marker(id, staff.id, hour),
        store::record_event(id, &event),
        store::customer_alive(id),
    ];
    app.table
        .transact(writes, None)
        .await
        .unless_condition_failed()?;
    tracing::info!(customer_id = %id, route, "emergency access recorded");
    Ok(())
}

/// One page of a specialist's overview from its index partition: the same order, search and
/// type filter as the overview of all customers.
pub async fn overview_page(
    app: &App,
    specialist: &str,
    kind: Option<crate::domain::CustomerType>,
    (prefix, limit, cursor): (String, usize, Option<&str>),
) -> Result<(Vec<CustomerSummary>, Option<String>)> {
    let (index, pk) = store::responsibility_overview(specialist, kind);
    let scope = format!("{}|{}|{}", index.name(), pk, prefix);
    let start_after = paging::start_after(app, &scope, cursor)?;
    let sk = if prefix.is_empty() {
        SortKey::All
    } else {
        SortKey::BeginsWith(prefix)
    };
    let page = app
        .table
        .query(&Query {
            index: Some(index),
            pk,
            sk,
            start_after,
            limit: Some(limit + 1),
        })
        .await?;
    let mut items = page.items;
    let next = paging::cut_index(app, &scope, &mut items, limit, index);
    let mut out = Vec::with_capacity(items.len());
    for item in &items {
        let r = store::responsibility_from_item(item)?;
        out.push(CustomerSummary {
            id: r.customer_id,
            kind: r.customer_type,
            display_name: r.display_name,
            email: r.email,
            created_at: r.created_at,
        });
    }
    Ok((out, next))
}

/// Page size of the responsibilities list when `limit` is not given.
const DEFAULT_LIMIT: usize = 25;

/// The query string of `GET /specialists/{id}/responsibilities`, as sent.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ResponsibilitiesQuery {
    pub limit: Option<String>,
    pub cursor: Option<String>,
}

/// `GET /specialists/{id}/responsibilities`: platform admins, and a specialist for itself;
/// one Query of the specialist's index partition (plus one GetItem of the directory entry).
pub async fn list(
    app: &App,
    caller: &Caller,
    specialist: &SpecialistId,
    query: &ResponsibilitiesQuery,
) -> Result<ResponsibilityPage> {
    let staff = require_staff(caller)?;
    let specialist = specialist.as_str();
    if !staff.platform_admin && staff.id != specialist {
        return Err(Error::Forbidden(
            "Only platform admins may read another specialist's responsibilities.",
        ));
    }
    let mut c = crate::domain::Collector::default();
    let limit = paging::limit(&mut c, query.limit.as_deref(), DEFAULT_LIMIT);
    c.finish().map_err(Error::Validation)?;
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    if app
        .table
        .get(&store::specialist_key(specialist))
        .await?
        .is_none()
    {
        return Err(Error::NotFound);
    }
    let page = page_of(app, specialist, limit, query.cursor.as_deref()).await?;
    Ok(page)
}

/// One page of a specialist's responsibilities, by the customers' names.
pub async fn page_of(
    app: &App,
    specialist: &str,
    limit: usize,
    cursor: Option<&str>,
) -> Result<ResponsibilityPage> {
    let (index, pk) = store::responsibility_overview(specialist, None);
    let scope = format!("responsibilities|{pk}");
    let start_after = paging::start_after(app, &scope, cursor)?;
    let page = app
        .table
        .query(&Query {
            index: Some(index),
            pk,
            sk: SortKey::All,
            start_after,
            limit: Some(limit + 1),
        })
        .await?;
    let mut items = page.items;
    let next_cursor = paging::cut_index(app, &scope, &mut items, limit, index);
    let items = items
        .iter()
        .map(|item| {
            let r = store::responsibility_from_item(item)?;
            Ok(ResponsibilityView {
                customer: crate::views::CustomerRefView {
                    id: r.customer_id,
                    display_name: r.display_name,
                },
                administrator: r.administrator,
                transactions: r
                    .transactions
                    .into_iter()
                    .map(|t| TransactionRefView {
                        id: t.id,
                        title: t.title,
                    })
                    .collect(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(ResponsibilityPage { items, next_cursor })
}

/// The customers a specialist is responsible for, by id, as far as one page of up to
/// `limit` reads (for the handover and the directory's delete).
pub async fn customers_of(app: &App, specialist: &str, limit: usize) -> Result<Vec<CustomerId>> {
    let query = Query {
        limit: Some(limit),
        ..store::responsibilities_query(specialist)
    };
    let page = app.table.query(&query).await?;
    page.items
        .iter()
        .map(|i| {
            let r = store::responsibility_from_item(i)?;
            CustomerId::parse(&r.customer_id)
                .map_err(|e| Error::internal(anyhow::anyhow!("stored customer id: {e}")))
        })
        .collect()
}

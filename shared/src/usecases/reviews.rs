//! Access reviews (contract, "Access reviews"): an administrator confirms who has access to a
//! customer, which moves its next review `ACCESS_REVIEW_DAYS` ahead; the reviews falling due
//! are listed from the due index, so the list costs what is due and nothing for the rest.

use super::require_staff;
use crate::app::App;
use crate::auth::Caller;
use crate::domain::{Action, Collector, CustomerId};
use crate::error::{Error, Result};
use crate::ports::{Item, Key, Query};
use crate::store::{self, OnCondition, Partition};
use crate::usecases::{authorisations, history, paging};
use crate::views::{AccessReviewView, AuthorisationsView, ts};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use time::OffsetDateTime;

/// How far ahead the due list looks (contract: due within 30 days, or overdue).
const LOOK_AHEAD: time::Duration = time::Duration::days(30);
const DEFAULT_LIMIT: usize = 25;
const SCOPE: &str = "access-reviews";

/// When a customer created at `created_at` first falls due.
pub fn first_due(app: &App, created_at: OffsetDateTime) -> OffsetDateTime {
    created_at + app.settings.due.review_every
}

/// The review as the authorisations show it; a customer stored before reviews existed falls
/// due a review period after its creation, as a new one does.
pub fn view(app: &App, p: &Partition) -> AccessReviewView {
    let created = p.customer.as_ref().map_or(app.now(), |c| c.created_at);
    AccessReviewView {
        reviewed_at: p.review.reviewed_at.map(ts),
        reviewed_by: p.review.reviewed_by.clone(),
        due_at: ts(p.review.due_at.unwrap_or_else(|| first_due(app, created))),
    }
}

/// `POST /customers/{id}/access-review`: the caller confirms the customer's current accesses,
/// administrators and additional processors. One Query of the view range, one transaction
/// (the review on the customer item, its `access.reviewed` event and each administrator's own
/// due entry), one batch read of names.
pub async fn confirm(
    app: &App,
    caller: &Caller,
    customer: &CustomerId,
) -> Result<AuthorisationsView> {
    let staff = require_staff(caller)?;
    let id = customer;
    let mut p = authorisations::read_view_range(app, id).await?;
    if !(staff.platform_admin || p.is_admin(staff.id)) {
        return Err(Error::Forbidden(
            "Only the customer's administrators may confirm its accesses.",
        ));
    }
    let now = app.now();
    let next_due = now + app.settings.due.review_every;
    let actor = staff.actor();
    let mut writes = vec![
        store::record_review(id, now, staff.id, next_due),
        history::record(app, id, &actor, Action::AccessReviewed, id.as_str()),
    ];
    // Each administrator's own due list follows, under the counter of the responsibilities
    // (a parallel grant change makes this 409, and nothing is written).
    writes.extend(
        p.admins
            .iter()
            .filter(|a| p.responsible.contains(a))
            .map(|a| store::move_own_review(a, id, next_due)),
    );
    store::responsibilities_changed(&mut writes, id, p.resp_seq, &p.responsible);
    let written = app.table.transact(writes, None).await;
    if let Err(e) = written.on_condition(|_| Error::NotFound) {
        return Err(authorisations::refused_by_customer(app, id, p.resp_seq, e).await);
    }
    tracing::info!(customer_id = %id, "accesses reviewed");
    p.review = store::ReviewState {
        reviewed_at: Some(now),
        reviewed_by: Some(staff.id.to_owned()),
        due_at: Some(next_due),
    };
    authorisations::answer(app, &p).await
}

/// The query string of `GET /access-reviews`, as sent.
#[derive(Debug, Default, Deserialize)]
pub struct DueQuery {
    pub limit: Option<String>,
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct DueCustomer {
    pub id: String,
    pub display_name: String,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct DueReview {
    pub customer: DueCustomer,
    pub due_at: String,
    pub reviewed_at: Option<String>,
    pub overdue: bool,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DuePage {
    pub items: Vec<DueReview>,
    pub next_cursor: Option<String>,
}

/// One round of the due list: index entries (the firm's, or the caller's own), then one batch
/// read of their customers. Every entry counts, except a customer deleted meanwhile.
async fn round(app: &App, query: &Query) -> Result<(Vec<(Item, DueReview)>, Option<Item>)> {
    let page = app.table.query(query).await?;
    let ids: Vec<CustomerId> = page
        .items
        .iter()
        .filter_map(store::review_customer)
        .collect();
    let keys: Vec<Key> = ids.iter().map(store::customer_key).collect();
    let read: HashMap<Key, Item> = app
        .table
        .batch_get_all(&keys)
        .await?
        .into_iter()
        .filter_map(|i| Some((Key::of(&i)?, i)))
        .collect();
    let now = app.now();
    let mut found = Vec::new();
    for (entry, id) in page.items.iter().zip(&ids) {
        let Some(item) = read.get(&store::customer_key(id)) else {
            continue;
        };
        let Some(customer) = store::customer_from_item(item)? else {
            continue;
        };
        let review = store::review_of(item)?;
        let due = review
            .due_at
            .unwrap_or_else(|| first_due(app, customer.created_at));
        found.push((
            store::due_page_key(entry),
            DueReview {
                customer: DueCustomer {
                    id: id.to_string(),
                    display_name: customer.data.display_name(),
                },
                due_at: ts(due),
                reviewed_at: review.reviewed_at.map(ts),
                overdue: due <= now,
            },
        ));
    }
    Ok((found, page.last_key))
}

/// `GET /access-reviews`: the reviews due within 30 days or overdue, oldest first, of the
/// customers the caller administers (platform admins: all). A specialist's page reads its own
/// due entries (on its administrator responsibilities) and their customers: one Query and one
/// batch read, whatever the size of the firm.
pub async fn due(app: &App, caller: &Caller, query: &DueQuery) -> Result<DuePage> {
    let staff = require_staff(caller)?;
    let mut c = Collector::default();
    let limit = paging::limit(&mut c, query.limit.as_deref(), DEFAULT_LIMIT);
    c.finish().map_err(Error::Validation)?;
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    // A specialist's cursor points into its own partition of the index, a platform admin's
    // into the firm's: each its own scope, so that a cursor of the other kind (one issued
    // before a specialist's list had its own partition) is a 400, never a read that fails.
    let kind = if staff.platform_admin { "firm" } else { "own" };
    let scope = format!("{SCOPE}|{kind}|{}", staff.id);
    let mut after = paging::start_after(app, &scope, query.cursor.as_deref())?;
    let until = app.now() + LOOK_AHEAD;
    let mut found: Vec<(Item, DueReview)> = Vec::new();
    // One more than asked tells whether a next page exists.
    while found.len() <= limit {
        let size = limit + 1 - found.len();
        let q = if staff.platform_admin {
            store::reviews_due(until, after.take(), size)
        } else {
            store::own_reviews_due(staff.id, until, after.take(), size)
        };
        let (more, last) = round(app, &q).await?;
        found.extend(more);
        match last {
            Some(k) => after = Some(k),
            None => break,
        }
    }
    let next_cursor = (found.len() > limit).then(|| {
        found.truncate(limit);
        let (key, _) = found.last().expect("limit is at least 1");
        paging::cursor_after(app, &scope, key)
    });
    Ok(DuePage {
        items: found.into_iter().map(|(_, r)| r).collect(),
        next_cursor,
    })
}

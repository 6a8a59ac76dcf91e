//! Deletion preview (what deleting a customer would remove, counted) and the deletion
//! records that every deletion leaves behind, listed newest first for platform admins.

use super::{paging, require_staff};
use crate::app::App;
use crate::auth::Caller;
use crate::domain::{Collector, CustomerId, DeletionRecord};
use crate::error::{Error, Result};
use crate::ports::{Query, Write};
use crate::store::{self, Partition};
use crate::views::{DeletionCountsView, DeletionPage, DeletionView};

pub const DEFAULT_LIMIT: usize = 25;

/// Scope of the cursors of `GET /deletions`: a cursor of another list is refused.
const SCOPE: &str = "deletions";

/// The counts of what a `DELETE /customers/{id}` would remove now: one Query of the
/// customer's partition, the same one the delete reads. Administrators of the customer and
/// platform admins; other specialists 403.
pub async fn preview(app: &App, caller: &Caller, id: &CustomerId) -> Result<DeletionCountsView> {
    let staff = require_staff(caller)?;
    let partition = super::whole_partition(app, id).await?;
    if partition.customer.is_none() {
        return Err(Error::NotFound);
    }
    if !staff.platform_admin && !partition.is_admin(staff.id) {
        return Err(Error::Forbidden(
            "Only the customer's administrators may preview its deletion.",
        ));
    }
    Ok(DeletionCountsView::new(&partition.deletion_counts()))
}

/// The two writes that start a deletion, as one transaction: the tombstone (which succeeds
/// once per customer) and the record of the deletion with the counts read before it. So a
/// deletion is recorded exactly once, with what its first attempt found, however often an
/// interrupted one is repeated.
pub fn start(app: &App, id: &CustomerId, deleted_by: &str, partition: &Partition) -> Vec<Write> {
    let record = DeletionRecord {
        customer_id: id.clone(),
        deleted_at: app.now(),
        deleted_by: deleted_by.to_owned(),
        counts: partition.deletion_counts(),
    };
    vec![
        store::tombstone_customer(id, deleted_by),
        store::record_deletion(&record),
    ]
}

/// The query string of `GET /deletions`, as sent.
#[derive(Debug, Default, serde::Deserialize)]
pub struct DeletionsQuery {
    pub limit: Option<String>,
    pub cursor: Option<String>,
}

/// One page of deletion records, newest first: one Query of the `DELETIONS` partition, one
/// item more than asked (which tells whether a next page exists). Platform admins only.
pub async fn list(app: &App, caller: &Caller, query: &DeletionsQuery) -> Result<DeletionPage> {
    let staff = require_staff(caller)?;
    if !staff.platform_admin {
        return Err(Error::Forbidden(
            "Only platform admins may read the deletion records.",
        ));
    }
    let mut c = Collector::default();
    let limit = paging::limit(&mut c, query.limit.as_deref(), DEFAULT_LIMIT);
    c.finish().map_err(Error::Validation)?;
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    let start_after = paging::start_after(app, SCOPE, query.cursor.as_deref())?;
    let page = app
        .table
        .query(&Query {
            start_after,
            limit: Some(limit + 1),
            ..store::deletions_query()
        })
        .await?;
    let mut items = page.items;
    let next_cursor = paging::cut(app, SCOPE, &mut items, limit);
    let items = items
        .iter()
        .map(|item| Ok(DeletionView::new(&store::deletion_from_item(item)?)))
        .collect::<Result<_>>()?;
    Ok(DeletionPage { items, next_cursor })
}

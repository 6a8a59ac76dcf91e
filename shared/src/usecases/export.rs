//! `GET /customers/{id}/export`: everything stored about a customer (GDPR Art. 15 and 20)
//! except secrets: its data, accesses with their invitations and delivery, authorisations,
//! business transactions and history, for its administrators and platform admins.

use super::require_staff;
use crate::app::App;
use crate::auth::Caller;
use crate::domain::CustomerId;
use crate::error::{Error, Result};
use crate::ports::Item;
use crate::store::{self, Partition};
use crate::store::{CustomerRange, PartitionItem};
use crate::views::{CustomerView, EventView, ts};
use serde::Serialize;
use serde_json::Value;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportView {
    pub customer: CustomerView,
    /// Each access as stored, with its invitations (without their secrets).
    pub accesses: Vec<Item>,
    pub authorisations: ExportAuthorisations,
    pub transactions: Vec<Item>,
    pub history: Vec<EventView>,
    pub exported_at: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportAuthorisations {
    pub administrators: Vec<Item>,
    pub additional_processors: Vec<Item>,
    /// The last access review and the next one's due time (the history has every review).
    pub access_review: crate::views::AccessReviewView,
}

/// Reads the whole partition (one Query per MB) and the invitations of its accesses
/// (BatchGetItem per 100): 2 round trips for most customers.
pub async fn export(app: &App, caller: &Caller, id: &CustomerId) -> Result<ExportView> {
    let staff = require_staff(caller)?;
    let items = super::partition_items(app, id, CustomerRange::Everything).await?;
    let partition = Partition::from_items(&items)?;
    let customer = partition.customer.as_ref().ok_or(Error::NotFound)?;
    if !staff.platform_admin && !partition.is_admin(staff.id) {
        return Err(Error::Forbidden(
            "Only the customer's administrators may export it.",
        ));
    }
    let invitation_keys: Vec<_> = partition
        .accesses
        .iter()
        .flat_map(|a| a.invitations.iter().map(store::invitation_key))
        .collect();
    let invitations = app.table.batch_get_all(&invitation_keys).await?;
    let mut export = assemble(app, customer, &items, &invitations)?;
    export.authorisations.access_review = super::reviews::view(app, &partition);
    Ok(export)
}

fn assemble(
    app: &App,
    customer: &crate::domain::Customer,
    items: &[Item],
    invitations: &[Item],
) -> Result<ExportView> {
    let of = |kind: PartitionItem| -> Vec<Item> {
        items
            .iter()
            .filter(|i| kind.is(i))
            .map(store::exported)
            .collect()
    };
    let mut accesses = of(PartitionItem::Access);
    for access in &mut accesses {
        let access_id = access.get("id").cloned();
        let own: Vec<Value> = invitations
            .iter()
            .filter(|i| i.get("accessId") == access_id.as_ref())
            .map(|i| Value::Object(store::exported(i)))
            .collect();
        access.insert("issuedInvitations".into(), Value::Array(own));
    }
    let history = items
        .iter()
        .filter(|i| store::is_event(i))
        .map(|i| Ok(EventView::new(&store::event_from_item(i)?)))
        .collect::<Result<_>>()?;
    Ok(ExportView {
        customer: CustomerView::new(customer),
        accesses,
        authorisations: ExportAuthorisations {
            administrators: of(PartitionItem::Administrator),
            additional_processors: of(PartitionItem::AdditionalProcessor),
            access_review: crate::views::AccessReviewView::default(),
        },
        transactions: of(PartitionItem::Transaction),
        history,
        exported_at: ts(app.now()),
    })
}

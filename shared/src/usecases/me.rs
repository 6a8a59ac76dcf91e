//! The end user's own view: its access, its customer and all of the customer's business
//! transactions.

use crate::app::App;
use crate::auth::Caller;
use crate::domain::AccessStatus;
use crate::error::{Error, Result};
use crate::ports::{Query, SortKey};
use crate::store::{self, AccessItem, Partition, PointerItem, from_item};
use crate::views::{AccessView, CustomerSummary, Items, TransactionView};
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, Deserialize)]
pub struct Me {
    pub access: AccessView,
    pub customer: CustomerSummary,
}

fn no_access() -> Error {
    Error::Forbidden("No active access belongs to this sign-in.")
}

async fn pointer(app: &App, caller: &Caller) -> Result<PointerItem> {
    let subject = match caller {
        Caller::EndUser { subject } => subject,
        Caller::Staff { .. } => return Err(Error::Forbidden("This endpoint is for end users.")),
    };
    if !crate::ids::plausible(subject) {
        return Err(no_access());
    }
    let item = app
        .table
        .get(&store::identity_key(subject))
        .await?
        .ok_or_else(no_access)?;
    Ok(from_item::<PointerItem>(&item)?)
}

pub async fn me(app: &App, caller: &Caller) -> Result<Me> {
    let ptr = pointer(app, caller).await?;
    let cid = crate::domain::CustomerId::parse(&ptr.customer_id).map_err(|_| no_access())?;
    let ckey = store::customer_key(&cid);
    let akey = store::access_key(&cid, ptr.access_id.as_deref().unwrap_or_default());
    let items = app.table.batch_get(&[ckey.clone(), akey.clone()]).await?;
    let customer = super::find(&items, &ckey)
        .map(store::customer_from_item)
        .transpose()?
        .flatten()
        .ok_or_else(no_access)?;
    let access = super::find(&items, &akey).ok_or_else(no_access)?;
    let access = from_item::<AccessItem>(access)?.into_domain()?;
    if access.status != AccessStatus::Active {
        return Err(no_access());
    }
    Ok(Me {
        access: AccessView::new(&access),
        customer: CustomerSummary::new(&customer),
    })
}

pub async fn transactions(app: &App, caller: &Caller) -> Result<Items<TransactionView>> {
    let ptr = pointer(app, caller).await?;
    let cid = crate::domain::CustomerId::parse(&ptr.customer_id).map_err(|_| no_access())?;
    let items = app
        .table
        .query_all(&Query::partition(store::customer_pk(&cid), SortKey::All))
        .await?;
    let p = Partition::from_items(&items)?;
    let own = ptr.access_id.as_deref();
    if p.customer.is_none() || !p.accesses.iter().any(|a| Some(a.id.as_str()) == own) {
        return Err(no_access());
    }
    Ok(Items {
        items: p.transactions.iter().map(TransactionView::new).collect(),
    })
}

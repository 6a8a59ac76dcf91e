//! The end user's own view: every customer where its identity holds an active access, and
//! the business transactions of all of them (or of one).

use crate::app::App;
use crate::auth::Caller;
use crate::domain::{Access, AccessStatus, Customer, CustomerId};
use crate::error::{Error, Result};
use crate::store::CustomerRange;
use crate::store::{self, AccessItem, SignInItem, from_item};
use crate::views::{AccessView, CustomerSummary, Items, TransactionView};
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, Deserialize)]
pub struct Me {
    pub email: String,
    pub customers: Vec<MyCustomer>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct MyCustomer {
    pub access: AccessView,
    pub customer: CustomerSummary,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TransactionsQuery {
    pub customer_id: Option<String>,
}

/// The identity's e-mail address from the sign-in's subject. A sign-in that no identity
/// records any more (its last access was removed) is not accepted: 401, as for a sign-in
/// that was deleted.
async fn identity_email(app: &App, caller: &Caller) -> Result<String> {
    let subject = match caller {
        Caller::EndUser { subject } => subject,
        Caller::Staff { .. } => return Err(Error::Forbidden("This endpoint is for end users.")),
    };
    if !crate::ids::plausible(subject) {
        return Err(Error::Unauthorized);
    }
    let item = app
        .table
        .get(&store::sign_in_key(subject))
        .await?
        .ok_or(Error::Unauthorized)?;
    Ok(from_item::<SignInItem>(&item)?.email)
}

/// Every active access of the signed-in identity with its customer, by display name.
async fn active_accesses(app: &App, email: &str) -> Result<Vec<(Access, Customer)>> {
    let keys: Vec<_> = super::identities::memberships(app, email)
        .await?
        .iter()
        .flat_map(|(cid, access)| [store::customer_key(cid), store::access_key(cid, access)])
        .collect();
    let items = app.table.batch_get_all(&keys).await?;
    let mut found = Vec::new();
    for pair in keys.chunks(2) {
        let customer = super::find(&items, &pair[0])
            .map(store::customer_from_item)
            .transpose()?
            .flatten();
        let access = super::find(&items, &pair[1])
            .filter(|i| !store::is_removing(i))
            .map(|i| from_item::<AccessItem>(i)?.into_domain())
            .transpose()?;
        if let (Some(c), Some(a)) = (customer, access)
            && a.status == AccessStatus::Active
        {
            found.push((a, c));
        }
    }
    found.sort_by_cached_key(|(_, c)| (c.data.display_name().to_lowercase(), c.id.to_string()));
    Ok(found)
}

pub async fn me(app: &App, caller: &Caller) -> Result<Me> {
    let email = identity_email(app, caller).await?;
    let customers = active_accesses(app, &email)
        .await?
        .iter()
        .map(|(a, c)| MyCustomer {
            access: AccessView::new(a, app.now()),
            customer: CustomerSummary::new(c),
        })
        .collect();
    Ok(Me { email, customers })
}

/// The transactions of every customer where the identity holds an active access, or of the
/// one `customerId` names (404 where it holds none).
pub async fn transactions(
    app: &App,
    caller: &Caller,
    query: TransactionsQuery,
) -> Result<Items<TransactionView>> {
    let email = identity_email(app, caller).await?;
    let mut customers: Vec<CustomerId> = active_accesses(app, &email)
        .await?
        .into_iter()
        .map(|(_, c)| c.id)
        .collect();
    if let Some(wanted) = query.customer_id.as_deref() {
        customers.retain(|c| c.as_str() == wanted);
        if customers.is_empty() {
            return Err(Error::NotFound);
        }
    }
    let mut items = Vec::new();
    for cid in &customers {
        let found = app
            .table
            .query_all(&store::customer_query(cid, CustomerRange::Transactions))
            .await?;
        for item in &found {
            let t = from_item::<store::TransactionItem>(item)?.into_domain()?;
            items.push(TransactionView::new(&t));
        }
    }
    // Oldest first across customers, as within one (ids are ULIDs: ties sort by creation).
    items.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
    Ok(Items { items })
}

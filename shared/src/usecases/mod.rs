//! Use cases: what each endpoint does, in terms of the ports. Authorisation rules of the
//! contract live here, next to the data they depend on.

pub mod accesses;
pub mod authorisations;
pub mod backfill;
pub mod customers;
pub mod deletions;
pub mod deliveries;
pub mod export;
pub mod handover;
pub mod history;
pub mod identities;
pub mod imports;
pub mod invitations;
pub mod limits;
pub mod me;
pub mod paging;
pub mod registration;
pub mod reminders;
pub mod responsibilities;
pub mod reviews;
pub mod specialists;
pub mod transactions;

use crate::app::App;
use crate::auth::Caller;
use crate::domain::{Actor, Customer, CustomerId};
use crate::error::{Error, Result};
use crate::ports::Item;
use crate::store;
use crate::store::CustomerRange;

/// A specialist or platform admin acting on customers.
pub struct Staff<'a> {
    pub id: &'a str,
    pub platform_admin: bool,
}

/// End users may call only `/me` and the registration endpoints.
pub fn require_staff(caller: &Caller) -> Result<Staff<'_>> {
    match caller {
        Caller::Staff { id, platform_admin } => Ok(Staff {
            id,
            platform_admin: *platform_admin,
        }),
        Caller::EndUser { .. } => Err(Error::Forbidden("This endpoint is for specialist users.")),
    }
}

/// The caller as a platform admin (its id), 403 with `what` for anyone else.
pub fn platform_admin_only(caller: &Caller, what: &'static str) -> Result<String> {
    let staff = require_staff(caller)?;
    if !staff.platform_admin {
        return Err(Error::Forbidden(what));
    }
    Ok(staff.id.to_owned())
}

/// A customer's current state: its partition up to its history (one Query per MB), parsed;
/// a customer being deleted shows as `deleting` without its customer.
pub async fn whole_partition(app: &App, id: &CustomerId) -> Result<store::Partition> {
    partition(app, id, CustomerRange::State).await
}

/// Everything in a customer's partition, its history included (one Query per MB): what a
/// deletion removes and an export shows.
pub async fn partition_with_history(app: &App, id: &CustomerId) -> Result<store::Partition> {
    partition(app, id, CustomerRange::Everything).await
}

async fn partition(app: &App, id: &CustomerId, range: CustomerRange) -> Result<store::Partition> {
    Ok(store::Partition::from_items(
        &partition_items(app, id, range).await?,
    )?)
}

/// The items of a customer's partition as stored (one Query per MB).
pub async fn partition_items(
    app: &App,
    id: &CustomerId,
    range: CustomerRange,
) -> Result<Vec<Item>> {
    let query = store::customer_query(id, range);
    Ok(app.table.query_all(&query).await?)
}

/// The actor of a change made by a specialist or platform admin.
impl Staff<'_> {
    pub fn actor(&self) -> Actor {
        Actor::specialist(self.id)
    }
}

/// Finds the item with this key among the results of a batch read.
pub fn find<'a>(items: &'a [Item], key: &crate::ports::Key) -> Option<&'a Item> {
    items
        .iter()
        .find(|i| crate::ports::Key::of(i).as_ref() == Some(key))
}

/// The customer and whether the staff caller may change it (administrator or platform
/// admin), read in one round trip. 404 when it does not exist, 403 when it may not change.
pub async fn customer_for_change(
    app: &App,
    staff: &Staff<'_>,
    id: &CustomerId,
    extra: &[crate::ports::Key],
) -> Result<(Customer, Vec<Item>)> {
    let why = "Only the customer's administrators may change this.";
    customer_for_admin(app, staff, id, extra, why).await
}

/// The customer, for its administrators and platform admins only, with the items of `extra`,
/// in one BatchGetItem: 404 when it does not exist (or is being deleted), 403 (`why`) for
/// any other specialist.
pub async fn customer_for_admin(
    app: &App,
    staff: &Staff<'_>,
    id: &CustomerId,
    extra: &[crate::ports::Key],
    why: &'static str,
) -> Result<(Customer, Vec<Item>)> {
    let ckey = store::customer_key(id);
    let akey = store::admin_key(id, staff.id);
    let mut keys = vec![ckey.clone(), akey.clone()];
    keys.extend_from_slice(extra);
    let items = app.table.batch_get(&keys).await?;
    let customer = match find(&items, &ckey) {
        Some(item) => store::customer_from_item(item)?.ok_or(Error::NotFound)?,
        None => return Err(Error::NotFound),
    };
    if !staff.platform_admin && find(&items, &akey).is_none() {
        return Err(Error::Forbidden(why));
    }
    Ok((customer, items))
}

/// Commits write groups in as few transactions as fit (a group never splits), in order; a
/// failed condition is `on_conflict`.
pub async fn commit_groups(
    app: &App,
    groups: Vec<Vec<crate::ports::Write>>,
    on_conflict: fn() -> Error,
) -> Result<()> {
    use crate::store::OnCondition;
    let mut batch = Vec::new();
    for group in groups {
        if batch.len() + group.len() > store::MAX_TRANSACTION_WRITES && !batch.is_empty() {
            let writes = std::mem::take(&mut batch);
            app.table
                .transact(writes, None)
                .await
                .on_condition(|_| on_conflict())?;
        }
        batch.extend(group);
    }
    if !batch.is_empty() {
        app.table
            .transact(batch, None)
            .await
            .on_condition(|_| on_conflict())?;
    }
    Ok(())
}

/// Parses a list of ids from a request, naming the failing entries.
pub fn parse_ids(
    field: &str,
    raw: &[String],
    max: usize,
) -> Result<Vec<String>, crate::domain::FieldError> {
    if raw.len() > max {
        return Err(crate::domain::FieldError::new(
            field,
            crate::domain::Reason::new(
                crate::domain::Code::TooMany,
                format!("must have at most {max} entries"),
            )
            .max(max),
        ));
    }
    let mut out: Vec<String> = Vec::new();
    for (i, id) in raw.iter().enumerate() {
        let id = id.trim();
        if !crate::ids::plausible(id) {
            return Err(crate::domain::FieldError::new(
                format!("{field}[{i}]"),
                crate::domain::Reason::new(crate::domain::Code::InvalidId, "is not a valid id"),
            ));
        }
        if !out.iter().any(|o| o == id) {
            out.push(id.to_owned());
        }
    }
    Ok(out)
}

/// Whether a run's time is up: a worker (an import, a handover, the backfill) stops before its
/// Lambda deadline and leaves the rest to its next run; `None` runs to the end.
pub(crate) fn passed(deadline: Option<std::time::Instant>) -> bool {
    deadline.is_some_and(|d| std::time::Instant::now() >= d)
}

//! Customers: overview, create (with the first access and its invitation), read, edit,
//! and permanent deletion of everything the customer owns.

use super::{customer_for_change, customer_id, find, staff, store_error};
use crate::app::App;
use crate::auth::Caller;
use crate::domain::{
    Access, AccessStatus, Customer, CustomerData, CustomerId, CustomerInput, CustomerInputError,
    CustomerType, fold_for_sorting,
};
use crate::error::{Error, Result};
use crate::ports::{Cond, Index, Item, Key, Query, SortKey, StoreError, Write};
use crate::store::{
    self, AccessItem, CUSTOMER_OPTIONAL_ATTRS, CustomerItem, GrantItem, IdempotencyItem, Partition,
    PointerItem, from_item, to_item,
};
use crate::usecases::invitations;
use crate::views::{AccessView, CustomerPage, CustomerSummary, CustomerView};
use serde_json::json;
use sha2::{Digest, Sha256};

pub const DEFAULT_LIMIT: usize = 25;
pub const MAX_LIMIT: usize = 100;
const IDEMPOTENCY_TTL_SECS: i64 = 24 * 3600;

pub struct ListParams {
    pub q: Option<String>,
    pub kind: Option<String>,
    pub limit: Option<String>,
    pub cursor: Option<String>,
}

pub async fn list(app: &App, caller: &Caller, p: ListParams) -> Result<CustomerPage> {
    staff(caller)?;
    let mut errors = Vec::new();
    let limit = match p.limit.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => DEFAULT_LIMIT,
        Some(raw) => match raw.parse::<usize>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
            _ => {
                errors.push(crate::domain::FieldError::new(
                    "limit",
                    format!("must be a whole number from 1 to {MAX_LIMIT}"),
                ));
                DEFAULT_LIMIT
            }
        },
    };
    let kind = match p.kind.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(raw) => match CustomerType::parse(raw) {
            Some(t) => Some(t),
            None => {
                errors.push(crate::domain::FieldError::new(
                    "type",
                    "must be person or company",
                ));
                None
            }
        },
    };
    let q = p.q.as_deref().map(str::trim).unwrap_or_default();
    if q.chars().count() > 100 {
        errors.push(crate::domain::FieldError::new(
            "q",
            "must be at most 100 characters",
        ));
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let prefix = fold_for_sorting(q);
    let (index, pk) = match kind {
        None => (Index::Gsi1, store::OVERVIEW_PK.to_owned()),
        Some(t) => (
            Index::Gsi2,
            format!("{}#{}", store::OVERVIEW_PK, t.as_str()),
        ),
    };
    let scope = format!("{}|{}|{}", index.name(), pk, prefix);
    let start_after = match p.cursor.as_deref().filter(|c| !c.is_empty()) {
        None => None,
        Some(c) => Some(
            crate::cursor::decode(&app.settings.cursor_key, &scope, c).ok_or_else(|| {
                Error::BadRequest {
                    detail: "The cursor is not valid for this query.".into(),
                    errors: vec![crate::domain::FieldError::new("cursor", "is not valid")],
                }
            })?,
        ),
    };
    // One more than asked tells whether a next page exists, without an empty last page.
    let page = app
        .table
        .query(&Query {
            index: Some(index),
            pk,
            sk: if prefix.is_empty() {
                SortKey::All
            } else {
                SortKey::BeginsWith(prefix)
            },
            start_after,
            limit: Some(limit + 1),
        })
        .await?;
    let mut customers = Vec::with_capacity(page.items.len());
    for item in &page.items {
        if let Some(c) = store::customer_from_item(item)? {
            customers.push((c, item));
        }
    }
    let next_cursor = if customers.len() > limit {
        customers.truncate(limit);
        customers.last().map(|(_, item)| {
            let mut k = Item::new();
            for attr in ["pk", "sk", index.pk_attr(), index.sk_attr()] {
                if let Some(v) = item.get(attr) {
                    k.insert(attr.into(), v.clone());
                }
            }
            crate::cursor::encode(&app.settings.cursor_key, &scope, &k)
        })
    } else {
        None
    };
    Ok(CustomerPage {
        items: customers
            .iter()
            .map(|(c, _)| CustomerSummary::new(c))
            .collect(),
        next_cursor,
    })
}

fn parse_input(app: &App, input: &CustomerInput) -> Result<CustomerData> {
    input.parse(app.now().date()).map_err(|e| match e {
        CustomerInputError::UnknownType(t) => Error::BadRequest {
            detail: format!("Unknown customer type {t:?}; expected person or company."),
            errors: vec![crate::domain::FieldError::new(
                "type",
                "must be person or company",
            )],
        },
        CustomerInputError::Invalid(errors) => Error::Validation(errors),
    })
}

/// The answer to a create: 201 with this body, or the stored first answer of a retry.
pub struct Created {
    pub id: String,
    pub body: serde_json::Value,
}

fn validate_idempotency_key(raw: &str) -> Result<&str> {
    let ok = !raw.is_empty() && raw.len() <= 255 && raw.bytes().all(|b| (0x21..0x7f).contains(&b));
    if ok {
        Ok(raw)
    } else {
        Err(Error::BadRequest {
            detail: "The Idempotency-Key header must be 1 to 255 visible ASCII characters.".into(),
            errors: vec![crate::domain::FieldError::new(
                "Idempotency-Key",
                "is not valid",
            )],
        })
    }
}

fn replay(item: &Item, request_hash: &str) -> Result<Created> {
    let stored: IdempotencyItem = from_item(item)?;
    if stored.request_hash != request_hash {
        return Err(Error::field(
            "Idempotency-Key",
            "was already used with a different request body",
        ));
    }
    Ok(Created {
        id: stored.customer_id,
        body: serde_json::from_str(&stored.response).map_err(Error::internal)?,
    })
}

pub async fn create(
    app: &App,
    caller: &Caller,
    input: CustomerInput,
    raw_body: &[u8],
    idempotency_key: Option<&str>,
) -> Result<Created> {
    let staff = staff(caller)?;
    let data = parse_input(app, &input)?;
    let request_hash = crate::domain::secrets_hex(&Sha256::digest(raw_body));
    let idem_key = match idempotency_key {
        None => None,
        Some(raw) => {
            let k = validate_idempotency_key(raw.trim())?;
            // The key is hashed: it is the client's text and may be anything printable.
            let hashed = crate::domain::secrets_hex(&Sha256::digest(k.as_bytes()));
            let key = store::idempotency_key(staff.id, &hashed);
            // DynamoDB's TTL removes expired records lazily: an expired one counts as absent.
            let now = app.now().unix_timestamp();
            if let Some(item) = app.table.get(&key).await?
                && item
                    .get("ttl")
                    .and_then(|t| t.as_i64())
                    .is_some_and(|t| t > now)
            {
                return replay(&item, &request_hash);
            }
            Some(key)
        }
    };

    let now = app.now();
    let customer = Customer {
        id: CustomerId::new(),
        data,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let (first_name, last_name) = customer.data.contact_name();
    let mut access = Access {
        id: crate::ids::new_id("acc"),
        customer_id: customer.id.clone(),
        first_name,
        last_name,
        email: customer.data.email.clone(),
        mobile: customer.data.mobile.clone(),
        language: customer.data.language,
        status: AccessStatus::Invited,
        invited_at: now,
        activated_at: None,
        identity: None,
        invitation: None,
        invitations: Vec::new(),
        sends: Vec::new(),
        delivery: None,
        version: 1,
    };
    let issued = invitations::issue(app, &mut access, now);

    let mut customer_item = to_item(&CustomerItem::from_domain(&customer));
    customer_item.insert("adminCount".into(), json!(1));
    if let Some(k) = &idem_key {
        // So that deleting the customer also deletes the stored answer.
        customer_item.insert("idempotencyPk".into(), json!(k.pk));
    }
    let mut body_view = CustomerView::new(&customer);
    body_view.accesses = Some(vec![AccessView::new(&access)]);
    let mut writes = vec![
        Write::put_new(customer_item),
        Write::put_new(to_item(&AccessItem::from_domain(&access))),
        Write::put_new(to_item(&PointerItem::new(
            store::email_key(&access.email.normalized()),
            &customer.id,
            Some(&access.id),
        ))),
        issued.put(),
        Write::put_new(to_item(&GrantItem::admin(&customer.id, staff.id, now))),
    ];
    const EMAIL_MARKER: usize = 2;
    const IDEMPOTENCY: usize = 5;
    if let Some(k) = &idem_key {
        writes.push(Write::Put {
            cond: Some(Cond::Or(vec![
                Cond::NotExists,
                Cond::Lt("ttl", now.unix_timestamp() + 1),
            ])),
            item: to_item(&IdempotencyItem {
                pk: k.pk.clone(),
                sk: k.sk.clone(),
                customer_id: customer.id.to_string(),
                request_hash: request_hash.clone(),
                response: serde_json::to_string(&body_view).map_err(Error::internal)?,
                ttl: now.unix_timestamp() + IDEMPOTENCY_TTL_SECS,
            }),
        });
    }
    match app.table.transact(writes, None).await {
        Ok(()) => {}
        Err(StoreError::ConditionFailed {
            index: Some(EMAIL_MARKER),
        }) => {
            return Err(Error::Conflict(
                "This e-mail address already belongs to an access.".into(),
            ));
        }
        Err(StoreError::ConditionFailed {
            index: Some(IDEMPOTENCY),
        }) => {
            // A parallel request with the same key won: answer as it did.
            let key = idem_key.as_ref().ok_or(Error::NotFound)?;
            let item = app.table.get(key).await?.ok_or(Error::Conflict(
                "A request with this Idempotency-Key is in progress.".into(),
            ))?;
            return replay(&item, &request_hash);
        }
        Err(e) => return Err(store_error(e)),
    }
    tracing::info!(customer_id = %customer.id, access_id = %access.id, "customer created");

    // Stored first, then sent: a delivery failure leaves everything saved and resendable.
    // With a key, the stored first answer shows the delivery too.
    let answer = |access: &Access| {
        let mut view = body_view.clone();
        view.accesses = Some(vec![AccessView::new(access)]);
        view
    };
    invitations::send_and_record(app, &mut access, &issued, |access| {
        let (Some(key), Ok(response)) = (&idem_key, serde_json::to_string(&answer(access))) else {
            return Vec::new();
        };
        let mut set = Item::new();
        set.insert("response".into(), json!(response));
        vec![Write::Update {
            key: key.clone(),
            set,
            remove: Vec::new(),
            add: Vec::new(),
            cond: Some(Cond::Exists),
        }]
    })
    .await;
    let final_view = answer(&access);
    Ok(Created {
        id: customer.id.to_string(),
        body: serde_json::to_value(&final_view).map_err(Error::internal)?,
    })
}

pub async fn get(app: &App, caller: &Caller, id: &str) -> Result<CustomerView> {
    staff(caller)?;
    let id = customer_id(id)?;
    let item = app
        .table
        .get(&store::customer_key(&id))
        .await?
        .ok_or(Error::NotFound)?;
    let customer = store::customer_from_item(&item)?.ok_or(Error::NotFound)?;
    Ok(CustomerView::new(&customer))
}

pub async fn update(
    app: &App,
    caller: &Caller,
    id: &str,
    input: CustomerInput,
) -> Result<CustomerView> {
    let staff = staff(caller)?;
    let id = customer_id(id)?;
    let (current, _) = customer_for_change(app, &staff, &id, &[]).await?;
    let data = parse_input(app, &input);
    let mut errors = match &data {
        Err(Error::Validation(e)) => e.clone(),
        Err(_) => Vec::new(),
        Ok(_) => Vec::new(),
    };
    let expected_version = input.version;
    if expected_version.is_none() {
        errors.push(crate::domain::FieldError::new(
            "version",
            "is required: send the version you read",
        ));
    }
    if let Ok(d) = &data
        && d.customer_type() != current.data.customer_type()
    {
        errors.push(crate::domain::FieldError::new("type", "cannot be changed"));
    }
    if !errors.is_empty() {
        return Err(Error::Validation(errors));
    }
    let data = data?;
    let expected_version = expected_version.unwrap_or_default();
    if expected_version != current.version {
        return Err(stale());
    }
    let updated = Customer {
        id: current.id.clone(),
        data,
        version: current.version + 1,
        created_at: current.created_at,
        updated_at: app.now(),
    };
    // Update, not put: attributes the edit does not own (adminCount, idempotencyPk) stay.
    let mut set = to_item(&CustomerItem::from_domain(&updated));
    set.remove("pk");
    set.remove("sk");
    let remove = CUSTOMER_OPTIONAL_ATTRS
        .iter()
        .filter(|a| !set.contains_key(**a))
        .map(|a| (*a).to_owned())
        .collect();
    let write = Write::Update {
        key: store::customer_key(&id),
        set,
        remove,
        add: Vec::new(),
        cond: Some(Cond::And(vec![
            Cond::Eq("version", json!(expected_version)),
            Cond::Absent("deleting"),
        ])),
    };
    match app.table.write(write).await {
        Ok(()) => Ok(CustomerView::new(&updated)),
        Err(StoreError::ConditionFailed { .. }) => Err(stale()),
        Err(e) => Err(store_error(e)),
    }
}

fn stale() -> Error {
    Error::Conflict(
        "The customer was changed by someone else since you read it (stale version). Reload and apply your changes again.".into(),
    )
}

/// Deletes the customer and everything it owns. The customer disappears from every read at
/// once (a tombstone), then its items go in batches of 25, the customer item last, so that
/// a repeated DELETE finishes an interrupted one.
pub async fn delete(app: &App, caller: &Caller, id: &str) -> Result<()> {
    let staff = staff(caller)?;
    let id = customer_id(id)?;
    let items = app
        .table
        .query_all(&Query::partition(store::customer_pk(&id), SortKey::All))
        .await?;
    let partition = Partition::from_items(&items)?;
    let exists = partition.customer.is_some() || partition.deleting;
    if !exists {
        return Err(Error::NotFound);
    }
    // Whoever started a deletion may finish it, also once the grants are gone.
    let started_by_caller = find(&items, &store::customer_key(&id))
        .and_then(|i| i.get("deletedBy"))
        .and_then(|v| v.as_str())
        == Some(staff.id);
    if !staff.platform_admin && !partition.is_admin(staff.id) && !started_by_caller {
        return Err(if partition.deleting {
            Error::NotFound
        } else {
            Error::Forbidden("Only the customer's administrators may delete it.")
        });
    }
    if !partition.deleting {
        let mut set = Item::new();
        set.insert("deleting".into(), json!(true));
        set.insert("deletedBy".into(), json!(staff.id));
        let tombstone = Write::Update {
            key: store::customer_key(&id),
            set,
            remove: ["gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk"]
                .into_iter()
                .map(str::to_owned)
                .collect(),
            add: Vec::new(),
            cond: Some(Cond::Exists),
        };
        match app.table.write(tombstone).await {
            Ok(()) | Err(StoreError::ConditionFailed { .. }) => {}
            Err(e) => return Err(store_error(e)),
        }
    }
    delete_owned(app, &id, &partition, &items).await?;
    tracing::info!(customer_id = %id, items = partition.keys.len(), "customer deleted");
    Ok(())
}

/// Removes sign-ins first (a failure leaves every item in place for the retry), then every
/// item of the partition and every item outside it that points into it, the customer last.
async fn delete_owned(app: &App, id: &CustomerId, p: &Partition, items: &[Item]) -> Result<()> {
    for a in &p.accesses {
        if a.identity.is_some() {
            app.identity
                .delete(&a.email)
                .await
                .map_err(|e| Error::Unavailable(e.into()))?;
        }
    }
    let customer_key = store::customer_key(id);
    let mut keys: Vec<Key> = p
        .keys
        .iter()
        .filter(|k| **k != customer_key)
        .cloned()
        .collect();
    for a in &p.accesses {
        keys.push(store::email_key(&a.email.normalized()));
        keys.extend(a.invitations.iter().map(store::invitation_key));
        if let Some(sub) = &a.identity {
            keys.push(store::identity_key(sub));
        }
    }
    if let Some(pk) = find(items, &customer_key)
        .and_then(|i| i.get("idempotencyPk"))
        .and_then(|v| v.as_str())
    {
        keys.push(Key::new(pk, "IDEM"));
    }
    app.table.batch_delete(&keys).await?;
    app.table.write(Write::delete(customer_key)).await?;
    Ok(())
}

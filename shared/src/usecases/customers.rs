//! Customers: overview, create (with the first access and its invitation), read, edit,
//! and permanent deletion of everything the customer owns.

use super::{Staff, customer_for_change, identities, require_staff};
use crate::app::App;
use crate::auth::Caller;
use crate::config::AccessModel;
use crate::domain::{
    Access, AccessStatus, Action, Collector, Customer, CustomerData, CustomerId, CustomerInput,
    CustomerInputError, CustomerType, FieldError, IdempotencyKey, ImportRow, fold_for_sorting,
};
use crate::error::{Error, Result};
use crate::ports::{Index, Item, Key, Query, StoreError, Write};
use crate::store::{self, GrantItem, IdempotencyItem, OnCondition, Partition, from_item, to_item};
use crate::usecases::limits::Sender;
use crate::usecases::{deletions, history, invitations, limits, paging, responsibilities};
use crate::views::{AccessView, CustomerPage, CustomerSummary, CustomerView};
use sha2::{Digest, Sha256};

pub const DEFAULT_LIMIT: usize = 25;
const IDEMPOTENCY_TTL_SECS: i64 = 24 * 3600;

/// The overview's query string, as sent.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ListQuery {
    pub q: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub limit: Option<String>,
    pub cursor: Option<String>,
}

/// The overview's query, parsed.
struct Overview<'a> {
    prefix: String,
    kind: Option<CustomerType>,
    limit: usize,
    cursor: Option<&'a str>,
}

fn given(raw: &Option<String>) -> Option<&str> {
    raw.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl ListQuery {
    /// Every failing parameter at once.
    fn parse(&self) -> Result<Overview<'_>> {
        let mut c = Collector::default();
        let limit = paging::limit(&mut c, self.limit.as_deref(), DEFAULT_LIMIT);
        let kind = given(&self.kind).map(|raw| c.check("type", CustomerType::parse(raw)));
        let q = self.q.as_deref().map(str::trim).unwrap_or_default();
        if q.chars().count() > 100 {
            c.push(FieldError::new("q", crate::domain::Reason::too_long(100)));
        }
        c.finish().map_err(Error::Validation)?;
        Ok(Overview {
            prefix: fold_for_sorting(q),
            kind: kind.flatten(),
            limit: limit.unwrap_or(DEFAULT_LIMIT),
            cursor: self.cursor.as_deref(),
        })
    }
}

/// One index query, one more item than asked: that tells whether a next page exists without
/// an empty last page.
pub async fn list(app: &App, caller: &Caller, query: &ListQuery) -> Result<CustomerPage> {
    let staff = require_staff(caller)?;
    let o = query.parse()?;
    if app.settings.access_model == AccessModel::NeedToKnow && !staff.platform_admin {
        // The specialist's own index partition: a cost that does not grow with the
        // customers it is not responsible for.
        let page = (o.prefix, o.limit, o.cursor);
        let (items, next_cursor) =
            responsibilities::overview_page(app, staff.id, o.kind, page).await?;
        return Ok(CustomerPage { items, next_cursor });
    }
    let scope_prefix = o.prefix.clone();
    let query = store::overview_query(o.kind, o.prefix);
    let index = query.index.unwrap_or(Index::Gsi1);
    let scope = format!("{}|{}|{}", index.name(), query.pk, scope_prefix);
    let start_after = paging::start_after(app, &scope, o.cursor)?;
    let page = app
        .table
        .query(&Query {
            start_after,
            limit: Some(o.limit + 1),
            ..query
        })
        .await?;
    let mut customers = Vec::with_capacity(page.items.len());
    for item in &page.items {
        if let Some(c) = store::customer_from_item(item)? {
            customers.push((c, item));
        }
    }
    let next_cursor = if customers.len() > o.limit {
        customers.truncate(o.limit);
        customers
            .last()
            .map(|(_, item)| paging::cursor_after(app, &scope, &store::page_key(item, index)))
    } else {
        None
    };
    let items = customers
        .iter()
        .map(|(c, _)| CustomerSummary::new(c))
        .collect();
    Ok(CustomerPage { items, next_cursor })
}

fn parse_input(app: &App, input: &CustomerInput) -> Result<CustomerData> {
    input.parse(app.now().date()).map_err(|e| match e {
        CustomerInputError::UnknownType(t) => Error::BadRequest {
            detail: format!("Unknown customer type {t:?}; expected person or company."),
            errors: vec![crate::domain::FieldError::new(
                "type",
                crate::domain::Reason::one_of(&["person", "company"]),
            )],
        },
        CustomerInputError::Invalid(errors) => Error::Validation(errors),
    })
}

/// Every rule a new customer's data must meet (also for each row of an import). The first
/// access's SMS goes to the mobile number, so its country is refused together with the other
/// fields' errors, and the form shows every refusal at once.
pub fn checked_input(app: &App, input: &CustomerInput) -> Result<CustomerData> {
    let country = crate::domain::given(&input.mobile)
        .and_then(|raw| crate::domain::MobileNumber::parse(raw).ok())
        .and_then(|m| limits::sms_country(&app.settings.limits, m).err())
        .map(|reason| FieldError::new("mobile", reason));
    match (parse_input(app, input), country) {
        (Ok(data), None) => Ok(data),
        (Ok(_), Some(refused)) => Err(Error::Validation(vec![refused])),
        (Err(Error::Validation(mut errors)), Some(refused)) => {
            errors.push(refused);
            Err(Error::Validation(errors))
        }
        (Err(e), _) => Err(e),
    }
}

/// The answer to a create: 201 with this body, or the stored first answer of a retry.
pub struct Created {
    pub id: String,
    pub body: serde_json::Value,
}

fn replay(item: &Item, request_hash: &str) -> Result<Created> {
    let stored: IdempotencyItem = from_item(item)?;
    if stored.request_hash != request_hash {
        return Err(Error::field(
            "Idempotency-Key",
            crate::domain::Reason::new(
                crate::domain::Code::IdempotencyKeyReused,
                "was already used with a different request body",
            ),
        ));
    }
    Ok(Created {
        id: stored.customer_id,
        body: serde_json::from_str(&stored.response).map_err(Error::internal)?,
    })
}

/// A create under an idempotency key: the earlier answer if one is stored, else where to
/// store this one.
enum Idempotency {
    Replay(Created),
    Record(Key),
}

async fn idempotency(
    app: &App,
    caller: &str,
    key: &IdempotencyKey,
    request_hash: &str,
) -> Result<Idempotency> {
    // The key is hashed: it is the client's text and may be anything printable.
    let hashed = crate::domain::secrets_hex(&Sha256::digest(key.as_str().as_bytes()));
    let key = store::idempotency_key(caller, &hashed);
    match app.table.get(&key).await? {
        Some(item) if IdempotencyItem::live(&item, app.now()) => {
            Ok(Idempotency::Replay(replay(&item, request_hash)?))
        }
        _ => Ok(Idempotency::Record(key)),
    }
}

/// The new customer and its first access, made from the customer's e-mail, mobile and name
/// (person) or contact name (company).
fn new_customer(data: CustomerData, now: time::OffsetDateTime) -> (Customer, Access) {
    let customer = Customer {
        id: CustomerId::new(now),
        data,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let (first_name, last_name) = customer.data.contact_name();
    let access = Access {
        id: crate::ids::new_id("acc", now),
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
        mail_messages: Vec::new(),
        sends: Vec::new(),
        delivery: None,
        expires_at: None,
        remind_at: None,
        version: 1,
    };
    (customer, access)
}

fn answer(customer: &Customer, access: &Access) -> CustomerView {
    let mut view = CustomerView::new(customer);
    // As it stood when created: this answer is also what a repeated key replays.
    view.accesses = Some(vec![AccessView::new(access, access.invited_at)]);
    view
}

fn to_json(view: &CustomerView) -> Result<String> {
    serde_json::to_string(view).map_err(Error::internal)
}

/// Why a specialist who has left the directory creates no customer (403): a token issued
/// before it left may still be valid for up to an hour.
pub const LEFT_DIRECTORY: &str =
    "You have left the specialist directory, so you can no longer create customers.";

/// Position in the create transaction whose condition the caller must tell apart.
const IDEMPOTENCY_RECORD: usize = 6;

/// Stores the customer, its first access and invitation, the creator's grant and the answer
/// for retries, in one transaction. `Some` is the answer of a parallel request that won.
async fn store_new(
    app: &App,
    staff: &Staff<'_>,
    (customer, access): (&Customer, &Access),
    issued: &invitations::Issued,
    idempotency: Option<(&Key, &str)>,
    sender: Sender<'_>,
) -> Result<Option<Created>> {
    let now = app.now();
    let new = store::new_customer(customer, idempotency.map(|(k, _)| k));
    // The first access review falls due a review period after creation (contract).
    let review_due = super::reviews::first_due(app, customer.created_at);
    let mut writes = vec![
        store::with_first_review(new, &customer.id, review_due),
        store::new_access(access),
    ];
    // A new customer holds no access yet, so the address joins its identity here for sure.
    writes.extend(store::join_identity(access));
    writes.extend([
        issued.put(),
        Write::put_new(to_item(&GrantItem::admin(&customer.id, staff.id, now))),
    ]);
    if let Some((key, request_hash)) = idempotency {
        let response = to_json(&answer(customer, access))?;
        let (id, ttl) = (&customer.id, IDEMPOTENCY_TTL_SECS);
        writes.push(store::remember_answer(
            key,
            id,
            request_hash,
            response,
            now,
            ttl,
        ));
    }
    let actor = staff.actor();
    writes.extend(
        [
            (Action::CustomerCreated, customer.id.as_str()),
            (Action::AccessCreated, &access.id),
            (Action::AdministratorAdded, staff.id),
        ]
        .map(|(action, subject)| history::record(app, &customer.id, &actor, action, subject)),
    );
    let counters = limits::for_invitation(app, sender, access, now);
    let counted = limits::append(&mut writes, counters);
    // After the counters, whose positions `counted` knows.
    responsibilities::created(&mut writes, customer, staff.id, review_due);
    // Last, so that no position above moves.
    let creator_check = writes.len();
    writes.push(store::creator_not_left(staff.id));
    match (app.table.transact(writes, None).await, idempotency) {
        (Err(e), Some((key, request_hash))) if e.failed_at(IDEMPOTENCY_RECORD) => {
            // A parallel request with the same key won: answer as it did.
            let item = app.table.get(key).await?.ok_or(Error::Conflict(
                crate::error::Conflict::InProgress,
                "A request with this Idempotency-Key is in progress.".into(),
            ))?;
            replay(&item, request_hash).map(Some)
        }
        (result, _) => result
            .on_condition(|index| {
                if index == Some(creator_check) {
                    return Error::Forbidden(LEFT_DIRECTORY);
                }
                counted
                    .error_at(index)
                    .unwrap_or_else(|| StoreError::ConditionFailed { index }.into())
            })
            .map(|()| None),
    }
}

pub async fn create(
    app: &App,
    caller: &Caller,
    input: CustomerInput,
    raw_body: &[u8],
    idempotency_key: Option<&IdempotencyKey>,
) -> Result<Created> {
    let staff = require_staff(caller)?;
    let sender = Sender::Specialist(staff.id);
    create_as(app, &staff, input, raw_body, idempotency_key, sender).await
}

/// `create` for `staff`, its invitation counted against `sender`'s limit.
async fn create_as(
    app: &App,
    staff: &Staff<'_>,
    input: CustomerInput,
    raw_body: &[u8],
    idempotency_key: Option<&IdempotencyKey>,
    sender: Sender<'_>,
) -> Result<Created> {
    let data = checked_input(app, &input)?;
    let request_hash = crate::domain::secrets_hex(&Sha256::digest(raw_body));
    let record = match idempotency_key {
        None => None,
        Some(k) => match idempotency(app, staff.id, k, &request_hash).await? {
            Idempotency::Replay(created) => return Ok(created),
            Idempotency::Record(key) => Some(key),
        },
    };
    let now = app.now();
    let (customer, mut access) = new_customer(data, now);
    let issued = invitations::issue(app, &mut access, now, invitations::Sending::First);
    let idempotency = record.as_ref().map(|k| (k, request_hash.as_str()));
    let new = (&customer, &access);
    if let Some(winner) = store_new(app, staff, new, &issued, idempotency, sender).await? {
        return Ok(winner);
    }
    tracing::info!(customer_id = %customer.id, access_id = %access.id, "customer created");

    // Stored first, then sent: a delivery failure leaves everything saved and resendable.
    // With a key, the stored first answer shows the delivery too.
    invitations::send_and_record(app, &mut access, &issued, |access| {
        match (&record, to_json(&answer(&customer, access))) {
            (Some(key), Ok(response)) => vec![store::update_answer(key, response)],
            _ => Vec::new(),
        }
    })
    .await;
    Ok(Created {
        id: customer.id.to_string(),
        body: serde_json::to_value(answer(&customer, &access)).map_err(Error::internal)?,
    })
}

/// A row of an import becomes a customer exactly as `create` makes one, for the specialist
/// who imported it. Keyed by the import and the row, so that a retried message or a restarted
/// worker never creates the row twice; its invitation does not count against the
/// specialist's limit (contract).
pub async fn create_imported(
    app: &App,
    specialist: &str,
    import_id: &str,
    row: &ImportRow,
) -> Result<Created> {
    let caller = Caller::Staff {
        id: specialist.to_owned(),
        platform_admin: false,
    };
    let staff = require_staff(&caller)?;
    let key = IdempotencyKey::parse(format!("import-{import_id}-row-{}", row.number).as_bytes())
        .map_err(|e| Error::internal(anyhow::anyhow!(e)))?;
    let body = serde_json::to_vec(&row.fields).map_err(Error::internal)?;
    create_as(app, &staff, row.input(), &body, Some(&key), Sender::Exempt).await
}

pub async fn get(app: &App, caller: &Caller, id: &CustomerId) -> Result<CustomerView> {
    require_staff(caller)?;
    let item = app
        .table
        .get(&store::customer_key(id))
        .await?
        .ok_or(Error::NotFound)?;
    let customer = store::customer_from_item(&item)?.ok_or(Error::NotFound)?;
    Ok(CustomerView::new(&customer))
}

pub async fn update(
    app: &App,
    caller: &Caller,
    id: &CustomerId,
    input: CustomerInput,
) -> Result<CustomerView> {
    let staff = require_staff(caller)?;
    let (current, _) = customer_for_change(app, &staff, id, &[]).await?;
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
            crate::domain::Reason::new(
                crate::domain::Code::Required,
                "is required: send the version you read",
            ),
        ));
    }
    if let Ok(d) = &data
        && d.customer_type() != current.data.customer_type()
    {
        errors.push(crate::domain::FieldError::new(
            "type",
            crate::domain::Reason::new(crate::domain::Code::CannotChange, "cannot be changed"),
        ));
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
    let fields = history::changed_fields(
        &CustomerView::new(&current),
        &CustomerView::new(&updated),
        &["version", "updatedAt", "displayName"],
    );
    // A save that changes nothing writes nothing: no event, the same version (openapi.yaml).
    if fields.is_empty() {
        return Ok(CustomerView::new(&current));
    }
    let event = (Action::CustomerUpdated, id.as_str());
    let mut writes = vec![
        store::update_customer(&updated, expected_version),
        history::record_update(app, id, &staff.actor(), event, &fields),
    ];
    if CustomerSummary::new(&current) != CustomerSummary::new(&updated) {
        // The index of responsibilities shows the name and e-mail too: rebuilt from the grants,
        // which also completes a customer the backfill has not reached (its walk follows names).
        let range = store::customer_query(id, store::CustomerRange::Authorisations);
        let p = store::Partition::from_items(&app.table.query_all(&range).await?)?;
        responsibilities::rebuild(&mut writes, app, &updated, &p);
    }
    app.table
        .transact(writes, None)
        .await
        .on_condition(|_| stale())?;
    Ok(CustomerView::new(&updated))
}

fn stale() -> Error {
    Error::Conflict(
        crate::error::Conflict::StaleVersion,
        "The customer was changed by someone else since you read it (stale version). Reload and apply your changes again.".into(),
    )
}

/// Deletes the customer and everything it owns. The customer disappears from every read at
/// once (a tombstone, set together with the deletion record), then its items go in batches
/// of 25, the customer item last, so that a repeated DELETE finishes an interrupted one.
pub async fn delete(app: &App, caller: &Caller, id: &CustomerId) -> Result<()> {
    let staff = require_staff(caller)?;
    let partition = super::partition_with_history(app, id).await?;
    let exists = partition.customer.is_some() || partition.deleting;
    if !exists {
        return Err(Error::NotFound);
    }
    // Whoever started a deletion may finish it, also once the grants are gone.
    let started_by_caller = partition.deleted_by.as_deref() == Some(staff.id);
    if !staff.platform_admin && !partition.is_admin(staff.id) && !started_by_caller {
        return Err(if partition.deleting {
            Error::NotFound
        } else {
            Error::Forbidden("Only the customer's administrators may delete it.")
        });
    }
    let partition = start_deletion(app, id, staff.id, partition).await?;
    delete_owned(app, id, &partition).await?;
    tracing::info!(customer_id = %id, items = partition.keys.len(), "customer deleted");
    Ok(())
}

/// Tombstone, deletion record and the end of every responsibility for the customer, together.
/// Their condition fails where the customer went or a parallel deletion started (and
/// recorded itself) since the read: then the cascade helps to finish that one; or where its
/// responsibilities changed meanwhile: then it reads again and starts again.
async fn start_deletion(
    app: &App,
    id: &CustomerId,
    by: &str,
    mut partition: Partition,
) -> Result<Partition> {
    for _ in 0..3 {
        if partition.deleting || partition.customer.is_none() {
            return Ok(partition);
        }
        let mut start = deletions::start(app, id, by, &partition);
        let responsible: Vec<String> = store::reasons_of(&partition).into_keys().collect();
        let room = store::MAX_TRANSACTION_WRITES - start.len();
        // More than fit go with the cascade (`delete_owned`), which deletes them all again.
        for specialist in responsible.iter().take(room) {
            start.push(store::delete_responsibility(specialist, id));
        }
        store::responsibilities_changed(&mut start, id, partition.resp_seq, &[]);
        let started = app.table.transact(start, None).await;
        if started.unless_condition_failed()?.is_some() {
            return Ok(partition);
        }
        partition = super::partition_with_history(app, id).await?;
    }
    Err(Error::Conflict(
        crate::error::Conflict::StaleVersion,
        "The customer's authorisations kept changing during the deletion. Try again.".into(),
    ))
}

/// The accesses leave their identities first, ending the sign-ins of those that held no
/// other access (a failure leaves the customer's items in place for the retry, which skips
/// what left already), then every item of the partition and every item outside it that
/// points into it go, the customer last.
async fn delete_owned(app: &App, id: &CustomerId, p: &Partition) -> Result<()> {
    let read = identities::read_for(app, &p.accesses).await?;
    let departures = identities::plan(&read, &p.accesses)?;
    let groups = departures
        .ending
        .iter()
        .chain(&departures.leaving)
        .map(|(_, writes)| writes.clone())
        .collect();
    identities::commit_groups(app, groups).await?;
    identities::delete_sign_ins(app, &departures).await?;
    let customer_key = store::customer_key(id);
    let mut keys: Vec<Key> = p
        .keys
        .iter()
        .filter(|k| **k != customer_key)
        .cloned()
        .collect();
    for a in &p.accesses {
        keys.extend(a.invitations.iter().map(store::invitation_key));
        keys.extend(a.mail_messages.iter().map(|m| store::mail_message_key(m)));
    }
    keys.extend(p.idempotency.clone());
    let responsible = store::reasons_of(p).into_keys();
    keys.extend(responsible.map(|s| store::responsibility_key(&s, id)));
    app.table.batch_delete(&keys).await?;
    app.table.write(Write::delete(customer_key)).await?;
    Ok(())
}

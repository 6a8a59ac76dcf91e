//! The storage port on DynamoDB: one table (`pk`/`sk`, sparse GSIs `gsi1` and `gsi2`, TTL on
//! `ttl`), with the same semantics as the in-memory table, and a count of the HTTP requests
//! sent so that tests can prove round-trip floors.

use crate::ports::{Cond, Index, Item, Key, Page, Query, SortKey, StoreError, Table, Write};
use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, ConditionCheck, Delete, DeleteRequest,
    GlobalSecondaryIndex, IndexStatus, KeySchemaElement, KeyType, KeysAndAttributes, Projection,
    ProjectionType, Put, ScalarAttributeType, TableStatus, TimeToLiveSpecification,
    TimeToLiveStatus, TransactWriteItem, Update, WriteRequest,
};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use aws_smithy_runtime_api::client::orchestrator::{HttpResponse, Metadata};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

type AttributeMap = HashMap<String, AttributeValue>;

/// DynamoDB's limit on the requests of one `BatchWriteItem`.
const BATCH_WRITE_MAX: usize = 25;
/// Attempts of a batch request whose items DynamoDB left unprocessed (throttling).
const BATCH_ATTEMPTS: u32 = 8;
const BACKOFF_BASE_MS: u64 = 50;
const BACKOFF_CAP_MS: u64 = 2_000;

/// An attribute that no item has. Removing it is how an update with nothing to change still
/// creates a missing item, as `UpdateItem` without an expression would (which moto refuses).
const NOOP_ATTR: &str = "__noop";

/// Counts every HTTP request of the port's operations that the SDK transmits, including its
/// own retries: that is what a round trip costs. Scans and table management are tools around
/// the port (the memory table does not count them either).
#[derive(Debug)]
struct CountRequests(Arc<AtomicU64>);

const COUNTED_OPERATIONS: &[&str] = &[
    "GetItem",
    "BatchGetItem",
    "Query",
    "PutItem",
    "UpdateItem",
    "DeleteItem",
    "TransactWriteItems",
    "BatchWriteItem",
];

impl Intercept for CountRequests {
    fn name(&self) -> &'static str {
        "CountRequests"
    }

    fn read_before_transmit(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let counted = cfg
            .load::<Metadata>()
            .is_none_or(|m| COUNTED_OPERATIONS.contains(&m.name()));
        if counted {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    }
}

/// A DynamoDB client whose data requests are counted in the returned counter.
pub fn counting_client(conf: &aws_config::SdkConfig) -> (Client, Arc<AtomicU64>) {
    let counter = Arc::new(AtomicU64::new(0));
    let config = aws_sdk_dynamodb::config::Builder::from(conf)
        .interceptor(CountRequests(counter.clone()))
        .build();
    (Client::from_conf(config), counter)
}

pub struct DynamoTable {
    client: Client,
    name: String,
    requests: Arc<AtomicU64>,
}

impl DynamoTable {
    /// `requests` is the counter of `counting_client`; any other counter makes `requests()`
    /// report what that counter holds.
    pub fn new(client: Client, name: impl Into<String>, requests: Arc<AtomicU64>) -> Self {
        Self {
            client,
            name: name.into(),
            requests,
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Every item of the table (a paged, consistent scan), for tests and leftover checks.
    pub async fn scan_all(&self) -> Result<Vec<Item>, StoreError> {
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let out = self
                .client
                .scan()
                .table_name(&self.name)
                .consistent_read(true)
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(|e| classify("Scan", e))?;
            for i in out.items.unwrap_or_default() {
                items.push(from_attributes(i)?);
            }
            match out.last_evaluated_key {
                Some(k) if !k.is_empty() => start = Some(k),
                _ => return Ok(items),
            }
        }
    }

    fn transact_item(&self, write: Write) -> Result<TransactWriteItem, StoreError> {
        let built = match write {
            Write::Put { item, cond } => {
                let mut expr = Expr::default();
                let condition = cond.as_ref().map(|c| expr.cond(c)).transpose()?;
                let put = Put::builder()
                    .table_name(&self.name)
                    .set_item(Some(to_attributes(&item)?))
                    .set_condition_expression(condition)
                    .set_expression_attribute_names(expr.names())
                    .set_expression_attribute_values(expr.values())
                    .build()
                    .map_err(build_error)?;
                TransactWriteItem::builder().put(put)
            }
            Write::Update {
                key,
                set,
                remove,
                add,
                cond,
            } => {
                let mut expr = Expr::default();
                let update_expression = expr.update(&set, &remove, &add)?;
                let condition = cond.as_ref().map(|c| expr.cond(c)).transpose()?;
                let update = Update::builder()
                    .table_name(&self.name)
                    .set_key(Some(key_attributes(&key)))
                    .update_expression(update_expression)
                    .set_condition_expression(condition)
                    .set_expression_attribute_names(expr.names())
                    .set_expression_attribute_values(expr.values())
                    .build()
                    .map_err(build_error)?;
                TransactWriteItem::builder().update(update)
            }
            Write::Delete { key, cond } => {
                let mut expr = Expr::default();
                let condition = cond.as_ref().map(|c| expr.cond(c)).transpose()?;
                let delete = Delete::builder()
                    .table_name(&self.name)
                    .set_key(Some(key_attributes(&key)))
                    .set_condition_expression(condition)
                    .set_expression_attribute_names(expr.names())
                    .set_expression_attribute_values(expr.values())
                    .build()
                    .map_err(build_error)?;
                TransactWriteItem::builder().delete(delete)
            }
            Write::Check { key, cond } => {
                let mut expr = Expr::default();
                let condition = expr.cond(&cond)?;
                let check = ConditionCheck::builder()
                    .table_name(&self.name)
                    .set_key(Some(key_attributes(&key)))
                    .condition_expression(condition)
                    .set_expression_attribute_names(expr.names())
                    .set_expression_attribute_values(expr.values())
                    .build()
                    .map_err(build_error)?;
                TransactWriteItem::builder().condition_check(check)
            }
        };
        Ok(built.build())
    }

    async fn transact_items(
        &self,
        items: Vec<TransactWriteItem>,
        token: Option<String>,
    ) -> Result<(), StoreError> {
        let writes = items.len();
        let result = self
            .client
            .transact_write_items()
            .set_transact_items(Some(items))
            .set_client_request_token(token)
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) => {
                let reasons: Option<Vec<Option<String>>> = match e.as_service_error() {
                    Some(TransactWriteItemsError::TransactionCanceledException(c)) => Some(
                        c.cancellation_reasons()
                            .iter()
                            .map(|r| r.code().map(str::to_owned))
                            .collect(),
                    ),
                    _ => None,
                };
                match reasons {
                    Some(reasons) => {
                        let err = cancelled(&reasons, anyhow::Error::new(e));
                        tracing::debug!(writes, error = %err, "transaction cancelled");
                        Err(err)
                    }
                    None => Err(classify("TransactWriteItems", e)),
                }
            }
        }
    }
}

/// What a cancelled transaction means for the caller: a failed condition is final (and names
/// the write), a conflict may pass on retry, throttling is unavailability.
fn cancelled(reasons: &[Option<String>], err: anyhow::Error) -> StoreError {
    let code_at = |wanted: &[&str]| {
        reasons
            .iter()
            .position(|c| c.as_deref().is_some_and(|c| wanted.contains(&c)))
    };
    if let Some(index) = code_at(&["ConditionalCheckFailed"]) {
        return StoreError::ConditionFailed { index: Some(index) };
    }
    if code_at(&["TransactionConflict"]).is_some() {
        return StoreError::TransactionConflict;
    }
    let err = err.context(format!(
        "DynamoDB TransactWriteItems cancelled: {:?}",
        reasons
            .iter()
            .map(|c| c.as_deref().unwrap_or("None"))
            .collect::<Vec<_>>()
    ));
    if code_at(&[
        "ThrottlingError",
        "ProvisionedThroughputExceeded",
        "RequestLimitExceeded",
    ])
    .is_some()
    {
        StoreError::Unavailable(err)
    } else {
        StoreError::Other(err)
    }
}

const THROTTLING: &[&str] = &[
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    // The same client request token is still being processed: the retry will be answered.
    "TransactionInProgressException",
];

/// Maps an SDK error onto the port's errors. Only the error and its code are kept: DynamoDB's
/// messages name attributes, never values, and nothing here logs items.
fn classify<E>(op: &'static str, err: SdkError<E, HttpResponse>) -> StoreError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let unavailable = match &err {
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) => true,
        SdkError::ResponseError(ctx) => ctx.raw().status().is_server_error(),
        SdkError::ServiceError(ctx) => match ctx.err().code().unwrap_or_default() {
            "ConditionalCheckFailedException" => {
                return StoreError::ConditionFailed { index: Some(0) };
            }
            // A single write on an item that a transaction is changing right now.
            "TransactionConflictException" => return StoreError::TransactionConflict,
            code => THROTTLING.contains(&code) || ctx.raw().status().is_server_error(),
        },
        _ => false,
    };
    let err = anyhow::Error::new(err).context(format!("DynamoDB {op}"));
    if unavailable {
        StoreError::Unavailable(err)
    } else {
        StoreError::Other(err)
    }
}

fn build_error(e: aws_smithy_types::error::operation::BuildError) -> StoreError {
    StoreError::Other(anyhow::Error::new(e).context("DynamoDB request cannot be built"))
}

fn to_attributes(item: &Item) -> Result<AttributeMap, StoreError> {
    serde_dynamo::to_item(item)
        .map_err(|e| StoreError::Other(anyhow::Error::new(e).context("item cannot be stored")))
}

fn from_attributes(attributes: AttributeMap) -> Result<Item, StoreError> {
    serde_dynamo::from_item(attributes)
        .map_err(|e| StoreError::Other(anyhow::Error::new(e).context("stored item cannot be read")))
}

fn to_attribute<T: serde::Serialize + ?Sized>(value: &T) -> Result<AttributeValue, StoreError> {
    serde_dynamo::to_attribute_value(value)
        .map_err(|e| StoreError::Other(anyhow::Error::new(e).context("value cannot be stored")))
}

fn key_attributes(key: &Key) -> AttributeMap {
    HashMap::from([
        ("pk".to_owned(), AttributeValue::S(key.pk.clone())),
        ("sk".to_owned(), AttributeValue::S(key.sk.clone())),
    ])
}

/// The exclusive start key of a query: only the key attributes, so that a whole item of the
/// previous page works as well (as it does on the memory table).
fn start_key(start: &Item, index: Option<Index>) -> Result<AttributeMap, StoreError> {
    let mut attrs = vec!["pk", "sk"];
    if let Some(index) = index {
        attrs.extend([index.pk_attr(), index.sk_attr()]);
    }
    let key: Item = attrs
        .into_iter()
        .filter_map(|a| start.get(a).map(|v| (a.to_owned(), v.clone())))
        .collect();
    to_attributes(&key)
}

/// Placeholders of one expression: every attribute name goes through `#n…` (so reserved
/// words cannot break an expression), every value through `:v…`.
#[derive(Default)]
struct Expr {
    names: HashMap<String, String>,
    values: AttributeMap,
}

impl Expr {
    fn name(&mut self, attr: &str) -> String {
        if let Some((placeholder, _)) = self.names.iter().find(|(_, a)| *a == attr) {
            return placeholder.clone();
        }
        let placeholder = format!("#n{}", self.names.len());
        self.names.insert(placeholder.clone(), attr.to_owned());
        placeholder
    }

    fn value(&mut self, value: AttributeValue) -> String {
        let placeholder = format!(":v{}", self.values.len());
        self.values.insert(placeholder.clone(), value);
        placeholder
    }

    fn cond(&mut self, cond: &Cond) -> Result<String, StoreError> {
        // An empty AND holds and an empty OR fails, as on the memory table; DynamoDB has no
        // literals, so both are spelt with the key attribute.
        const ALWAYS: &str = "(attribute_exists(pk) OR attribute_not_exists(pk))";
        const NEVER: &str = "(attribute_exists(pk) AND attribute_not_exists(pk))";
        Ok(match cond {
            Cond::NotExists => "attribute_not_exists(pk)".to_owned(),
            Cond::Exists => "attribute_exists(pk)".to_owned(),
            Cond::Eq(attr, v) => {
                let n = self.name(attr);
                let v = self.value(to_attribute(v)?);
                format!("{n} = {v}")
            }
            Cond::Absent(attr) => format!("attribute_not_exists({})", self.name(attr)),
            Cond::Lt(attr, x) => {
                let n = self.name(attr);
                let v = self.value(AttributeValue::N(x.to_string()));
                format!("{n} < {v}")
            }
            Cond::Gt(attr, x) => {
                let n = self.name(attr);
                let v = self.value(AttributeValue::N(x.to_string()));
                format!("{n} > {v}")
            }
            Cond::And(cs) if cs.is_empty() => ALWAYS.to_owned(),
            Cond::Or(cs) if cs.is_empty() => NEVER.to_owned(),
            Cond::And(cs) => self.join(cs, " AND ")?,
            Cond::Or(cs) => self.join(cs, " OR ")?,
        })
    }

    fn join(&mut self, conds: &[Cond], op: &str) -> Result<String, StoreError> {
        let parts = conds
            .iter()
            .map(|c| self.cond(c).map(|s| format!("({s})")))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(parts.join(op))
    }

    fn update(
        &mut self,
        set: &Item,
        remove: &[String],
        add: &[(String, i64)],
    ) -> Result<String, StoreError> {
        let mut clauses = Vec::new();
        if !set.is_empty() {
            let mut parts = Vec::with_capacity(set.len());
            for (attr, v) in set {
                let n = self.name(attr);
                let v = self.value(to_attribute(v)?);
                parts.push(format!("{n} = {v}"));
            }
            clauses.push(format!("SET {}", parts.join(", ")));
        }
        if !remove.is_empty() {
            let parts: Vec<String> = remove.iter().map(|a| self.name(a)).collect();
            clauses.push(format!("REMOVE {}", parts.join(", ")));
        }
        if !add.is_empty() {
            let parts: Vec<String> = add
                .iter()
                .map(|(attr, x)| {
                    let n = self.name(attr);
                    let v = self.value(AttributeValue::N(x.to_string()));
                    format!("{n} {v}")
                })
                .collect();
            clauses.push(format!("ADD {}", parts.join(", ")));
        }
        if clauses.is_empty() {
            clauses.push(format!("REMOVE {}", self.name(NOOP_ATTR)));
        }
        Ok(clauses.join(" "))
    }

    /// DynamoDB refuses empty placeholder maps.
    fn names(&mut self) -> Option<HashMap<String, String>> {
        (!self.names.is_empty()).then(|| std::mem::take(&mut self.names))
    }

    fn values(&mut self) -> Option<AttributeMap> {
        (!self.values.is_empty()).then(|| std::mem::take(&mut self.values))
    }
}

/// Exponential backoff with full jitter before retry `attempt` (1-based) of unprocessed items.
async fn backoff(attempt: u32) {
    let ceiling = BACKOFF_BASE_MS
        .saturating_mul(1 << attempt.min(16))
        .min(BACKOFF_CAP_MS);
    tokio::time::sleep(Duration::from_millis(rand::random_range(0..=ceiling))).await;
}

#[async_trait]
impl Table for DynamoTable {
    async fn get(&self, key: &Key) -> Result<Option<Item>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.name)
            .set_key(Some(key_attributes(key)))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| classify("GetItem", e))?;
        out.item.map(from_attributes).transpose()
    }

    async fn batch_get(&self, keys: &[Key]) -> Result<Vec<Item>, StoreError> {
        // DynamoDB refuses an empty batch; nothing to read is no round trip.
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let mut pending: Vec<AttributeMap> = keys.iter().map(key_attributes).collect();
        let mut items = Vec::with_capacity(keys.len());
        for attempt in 1..=BATCH_ATTEMPTS {
            let request = KeysAndAttributes::builder()
                .set_keys(Some(std::mem::take(&mut pending)))
                .consistent_read(true)
                .build()
                .map_err(build_error)?;
            let out = self
                .client
                .batch_get_item()
                .request_items(&self.name, request)
                .send()
                .await
                .map_err(|e| classify("BatchGetItem", e))?;
            let mut responses = out.responses.unwrap_or_default();
            for i in responses.remove(&self.name).unwrap_or_default() {
                items.push(from_attributes(i)?);
            }
            pending = out
                .unprocessed_keys
                .unwrap_or_default()
                .remove(&self.name)
                .map(|k| k.keys)
                .unwrap_or_default();
            if pending.is_empty() {
                return Ok(items);
            }
            tracing::warn!(
                unprocessed = pending.len(),
                attempt,
                "BatchGetItem left keys unprocessed"
            );
            if attempt < BATCH_ATTEMPTS {
                backoff(attempt).await;
            }
        }
        Err(StoreError::Unavailable(anyhow::anyhow!(
            "DynamoDB BatchGetItem left {} keys unprocessed after {BATCH_ATTEMPTS} attempts",
            pending.len()
        )))
    }

    async fn query(&self, query: &Query) -> Result<Page, StoreError> {
        let (pk_attr, sk_attr) = match query.index {
            None => ("pk", "sk"),
            Some(index) => (index.pk_attr(), index.sk_attr()),
        };
        let mut expr = Expr::default();
        let pk = expr.name(pk_attr);
        let pk_value = expr.value(AttributeValue::S(query.pk.clone()));
        let mut key_condition = format!("{pk} = {pk_value}");
        match &query.sk {
            SortKey::All => {}
            // DynamoDB refuses an empty key value; every sort key starts with "".
            SortKey::BeginsWith(prefix) if prefix.is_empty() => {}
            SortKey::BeginsWith(prefix) => {
                let sk = expr.name(sk_attr);
                let v = expr.value(AttributeValue::S(prefix.clone()));
                key_condition.push_str(&format!(" AND begins_with({sk}, {v})"));
            }
            SortKey::Between(low, high) => {
                let sk = expr.name(sk_attr);
                let a = expr.value(AttributeValue::S(low.clone()));
                let b = expr.value(AttributeValue::S(high.clone()));
                key_condition.push_str(&format!(" AND {sk} BETWEEN {a} AND {b}"));
            }
            SortKey::AtMost(high) => {
                let sk = expr.name(sk_attr);
                let v = expr.value(AttributeValue::S(high.clone()));
                key_condition.push_str(&format!(" AND {sk} <= {v}"));
            }
        }
        let start = query
            .start_after
            .as_ref()
            .map(|s| start_key(s, query.index))
            .transpose()?;
        let out = self
            .client
            .query()
            .table_name(&self.name)
            .set_index_name(query.index.map(|i| i.name().to_owned()))
            .key_condition_expression(key_condition)
            .set_expression_attribute_names(expr.names())
            .set_expression_attribute_values(expr.values())
            // Global secondary indexes are eventually consistent only.
            .consistent_read(query.index.is_none())
            .set_limit(query.limit.map(|l| i32::try_from(l).unwrap_or(i32::MAX)))
            .set_exclusive_start_key(start)
            .send()
            .await
            .map_err(|e| classify("Query", e))?;
        let items = out
            .items
            .unwrap_or_default()
            .into_iter()
            .map(from_attributes)
            .collect::<Result<Vec<_>, _>>()?;
        let last_key = match out.last_evaluated_key {
            Some(k) if !k.is_empty() => Some(from_attributes(k)?),
            _ => None,
        };
        Ok(Page { items, last_key })
    }

    async fn write(&self, write: Write) -> Result<(), StoreError> {
        // A lone condition check has no single-item API: a transaction of one is one round
        // trip with the same answer.
        if let Write::Check { .. } = write {
            let item = self.transact_item(write)?;
            return self.transact_items(vec![item], None).await;
        }
        let item = self.transact_item(write)?;
        if let Some(put) = item.put {
            self.client
                .put_item()
                .table_name(put.table_name)
                .set_item(Some(put.item))
                .set_condition_expression(put.condition_expression)
                .set_expression_attribute_names(put.expression_attribute_names)
                .set_expression_attribute_values(put.expression_attribute_values)
                .send()
                .await
                .map_err(|e| classify("PutItem", e))?;
        } else if let Some(update) = item.update {
            self.client
                .update_item()
                .table_name(update.table_name)
                .set_key(Some(update.key))
                .update_expression(update.update_expression)
                .set_condition_expression(update.condition_expression)
                .set_expression_attribute_names(update.expression_attribute_names)
                .set_expression_attribute_values(update.expression_attribute_values)
                .send()
                .await
                .map_err(|e| classify("UpdateItem", e))?;
        } else if let Some(delete) = item.delete {
            self.client
                .delete_item()
                .table_name(delete.table_name)
                .set_key(Some(delete.key))
                .set_condition_expression(delete.condition_expression)
                .set_expression_attribute_names(delete.expression_attribute_names)
                .set_expression_attribute_values(delete.expression_attribute_values)
                .send()
                .await
                .map_err(|e| classify("DeleteItem", e))?;
        }
        Ok(())
    }

    async fn transact(&self, writes: Vec<Write>, token: Option<String>) -> Result<(), StoreError> {
        if writes.is_empty() || writes.len() > 100 {
            return Err(StoreError::Other(anyhow::anyhow!(
                "a transaction takes 1 to 100 writes, not {}",
                writes.len()
            )));
        }
        let items = writes
            .into_iter()
            .map(|w| self.transact_item(w))
            .collect::<Result<Vec<_>, _>>()?;
        self.transact_items(items, token).await
    }

    async fn batch_delete(&self, keys: &[Key]) -> Result<(), StoreError> {
        for chunk in keys.chunks(BATCH_WRITE_MAX) {
            // BatchWriteItem refuses a key twice in one request; deleting once is the same.
            let mut seen = HashSet::new();
            let mut pending: Vec<WriteRequest> = chunk
                .iter()
                .filter(|k| seen.insert(*k))
                .map(|k| {
                    DeleteRequest::builder()
                        .set_key(Some(key_attributes(k)))
                        .build()
                        .map(|d| WriteRequest::builder().delete_request(d).build())
                        .map_err(build_error)
                })
                .collect::<Result<_, _>>()?;
            let mut attempt = 1;
            loop {
                let out = self
                    .client
                    .batch_write_item()
                    .request_items(&self.name, std::mem::take(&mut pending))
                    .send()
                    .await
                    .map_err(|e| classify("BatchWriteItem", e))?;
                pending = out
                    .unprocessed_items
                    .unwrap_or_default()
                    .remove(&self.name)
                    .unwrap_or_default();
                if pending.is_empty() {
                    break;
                }
                tracing::warn!(
                    unprocessed = pending.len(),
                    attempt,
                    "BatchWriteItem left deletes unprocessed"
                );
                if attempt == BATCH_ATTEMPTS {
                    return Err(StoreError::Unavailable(anyhow::anyhow!(
                        "DynamoDB BatchWriteItem left {} deletes unprocessed after {BATCH_ATTEMPTS} attempts",
                        pending.len()
                    )));
                }
                backoff(attempt).await;
                attempt += 1;
            }
        }
        Ok(())
    }

    fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }
}

/// Creates the table with its indexes if it is missing, waits until it and its indexes are
/// active, and switches on expiry by `ttl` (where the endpoint supports it).
pub async fn ensure_table(client: &Client, name: &str) -> anyhow::Result<()> {
    use anyhow::Context as _;
    let exists = match client.describe_table().table_name(name).send().await {
        Ok(_) => true,
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_resource_not_found_exception()) =>
        {
            false
        }
        Err(e) => return Err(e).with_context(|| format!("describing table {name}")),
    };
    if !exists {
        let string_attr = |n: &str| {
            AttributeDefinition::builder()
                .attribute_name(n)
                .attribute_type(ScalarAttributeType::S)
                .build()
        };
        let key = |n: &str, t: KeyType| {
            KeySchemaElement::builder()
                .attribute_name(n)
                .key_type(t)
                .build()
        };
        let gsi = |index: Index| -> anyhow::Result<GlobalSecondaryIndex> {
            Ok(GlobalSecondaryIndex::builder()
                .index_name(index.name())
                .key_schema(key(index.pk_attr(), KeyType::Hash)?)
                .key_schema(key(index.sk_attr(), KeyType::Range)?)
                .projection(
                    Projection::builder()
                        .projection_type(ProjectionType::All)
                        .build(),
                )
                .build()?)
        };
        let mut create = client
            .create_table()
            .table_name(name)
            .billing_mode(BillingMode::PayPerRequest)
            .key_schema(key("pk", KeyType::Hash)?)
            .key_schema(key("sk", KeyType::Range)?)
            .global_secondary_indexes(gsi(Index::Gsi1)?)
            .global_secondary_indexes(gsi(Index::Gsi2)?);
        for attr in ["pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk"] {
            create = create.attribute_definitions(string_attr(attr)?);
        }
        match create.send().await {
            Ok(_) => tracing::info!(table = name, "table created"),
            // Created by someone else in the meantime: wait for it like for our own.
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_resource_in_use_exception()) => {}
            Err(e) => return Err(e).with_context(|| format!("creating table {name}")),
        }
    }

    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    loop {
        let out = client
            .describe_table()
            .table_name(name)
            .send()
            .await
            .with_context(|| format!("describing table {name}"))?;
        let table = out
            .table
            .context("DescribeTable answered without a table")?;
        let active = table.table_status == Some(TableStatus::Active)
            && table
                .global_secondary_indexes()
                .iter()
                .all(|i| i.index_status == Some(IndexStatus::Active));
        if active {
            break;
        }
        anyhow::ensure!(
            tokio::time::Instant::now() < deadline,
            "table {name} did not become active within two minutes"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }

    let ttl_on = client
        .describe_time_to_live()
        .table_name(name)
        .send()
        .await
        .ok()
        .and_then(|o| o.time_to_live_description)
        .is_some_and(|d| {
            matches!(
                d.time_to_live_status,
                Some(TimeToLiveStatus::Enabled | TimeToLiveStatus::Enabling)
            ) && d.attribute_name.as_deref() == Some("ttl")
        });
    if !ttl_on {
        let spec = TimeToLiveSpecification::builder()
            .enabled(true)
            .attribute_name("ttl")
            .build()?;
        if let Err(e) = client
            .update_time_to_live()
            .table_name(name)
            .time_to_live_specification(spec)
            .send()
            .await
        {
            // Expiry is clean-up only (DynamoDB itself deletes expired items up to days late),
            // so a local emulator without it still serves the product.
            let error = aws_sdk_dynamodb::error::DisplayErrorContext(&e);
            tracing::warn!(table = name, %error, "TTL not enabled");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn render(cond: &Cond) -> (String, Option<HashMap<String, String>>) {
        let mut e = Expr::default();
        let s = e.cond(cond).unwrap();
        (s, e.names())
    }

    #[test]
    fn nested_conditions_are_parenthesised() {
        let (s, names) = render(&Cond::And(vec![
            Cond::Or(vec![
                Cond::Eq("status", json!("pending")),
                Cond::Lt("claimedAt", 5),
            ]),
            Cond::Absent("status"),
            Cond::Exists,
        ]));
        assert_eq!(
            s,
            "((#n0 = :v0) OR (#n1 < :v1)) AND (attribute_not_exists(#n0)) AND (attribute_exists(pk))"
        );
        assert_eq!(names.unwrap().len(), 2, "one placeholder per attribute");
    }

    #[test]
    fn a_cancelled_transaction_names_its_first_failed_condition() {
        let reasons = |codes: &[&str]| -> Vec<Option<String>> {
            codes.iter().map(|c| Some((*c).to_owned())).collect()
        };
        let err = || anyhow::anyhow!("cancelled");
        let failed = cancelled(
            &reasons(&[
                "None",
                "TransactionConflict",
                "ConditionalCheckFailed",
                "ConditionalCheckFailed",
            ]),
            err(),
        );
        assert!(
            matches!(failed, StoreError::ConditionFailed { index: Some(2) }),
            "{failed:?}"
        );
        let conflict = cancelled(&reasons(&["None", "TransactionConflict"]), err());
        assert!(
            matches!(conflict, StoreError::TransactionConflict),
            "{conflict:?}"
        );
        let throttled = cancelled(&reasons(&["ThrottlingError", "None"]), err());
        assert!(
            matches!(throttled, StoreError::Unavailable(_)),
            "{throttled:?}"
        );
        let invalid = cancelled(&reasons(&["ValidationError"]), err());
        assert!(matches!(invalid, StoreError::Other(_)), "{invalid:?}");
    }

    #[test]
    fn empty_conditions_hold_or_fail_like_the_memory_table() {
        assert!(render(&Cond::And(vec![])).0.contains(" OR "));
        assert!(render(&Cond::Or(vec![])).0.contains(" AND "));
    }

    #[test]
    fn an_update_with_nothing_to_change_is_still_a_valid_expression() {
        let mut e = Expr::default();
        assert_eq!(e.update(&Item::new(), &[], &[]).unwrap(), "REMOVE #n0");
        let mut e = Expr::default();
        let mut set = Item::new();
        set.insert("a".into(), json!(1));
        let s = e.update(&set, &["b".into()], &[("c".into(), -2)]).unwrap();
        assert_eq!(s, "SET #n0 = :v0 REMOVE #n1 ADD #n2 :v1");
    }
}

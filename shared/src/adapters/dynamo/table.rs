//! The `Table` implementation on DynamoDB: single-item calls, transactions, queries and
//! batches, each one request (batches retry what DynamoDB left unprocessed).

use super::attributes::{AttributeMap, from_attributes, key_attributes, start_key, to_attributes};
use super::errors::{build_error, cancelled, classify};
use super::expr::Expr;
use crate::ports::{Item, Key, Page, Query, SortKey, StoreError, Table, Write};
use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    AttributeValue, ConditionCheck, Delete, DeleteRequest, KeysAndAttributes, Put,
    TransactWriteItem, Update, WriteRequest,
};
use std::collections::HashSet;
use std::time::Duration;

/// DynamoDB's limit on the requests of one `BatchWriteItem`.
const BATCH_WRITE_MAX: usize = 25;
/// Attempts of a batch request whose items DynamoDB left unprocessed (throttling).
const BATCH_ATTEMPTS: u32 = 8;
const BACKOFF_BASE_MS: u64 = 50;
const BACKOFF_CAP_MS: u64 = 2_000;

pub struct DynamoTable {
    client: Client,
    name: String,
}

impl DynamoTable {
    pub fn new(client: Client, name: impl Into<String>) -> Self {
        Self {
            client,
            name: name.into(),
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
}

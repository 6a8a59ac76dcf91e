//! Request counting for the round-trip tests and the benchmark (feature `testing`): a
//! decorator that counts the round trips any table's calls cost on DynamoDB. (On DynamoDB
//! itself, `dynamo::counting_client` counts the HTTP requests the SDK sends.)

use crate::ports::{Item, Key, Page, Query, StoreError, Table, Write};
use async_trait::async_trait;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// DynamoDB's limit on the deletes of one `BatchWriteItem`.
const BATCH_WRITE_MAX: usize = 25;
/// DynamoDB's limit on the writes of one transaction.
const TRANSACTION_MAX: usize = 100;

/// A count of requests shared by whoever counts and whoever reads it.
#[derive(Debug, Clone, Default)]
pub struct RequestCounter(Arc<AtomicU64>);

impl RequestCounter {
    /// Requests counted so far.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }

    pub(crate) fn add(&self, n: u64) {
        self.0.fetch_add(n, Ordering::Relaxed);
    }
}

/// A table whose calls are counted as the round trips they cost on DynamoDB: one per call and
/// per page (`query_all` pages through `query`), one per 25 keys of a batch delete, none for
/// what the DynamoDB adapter answers without sending (an empty batch get, a transaction of 0
/// or more than 100 writes).
pub struct CountingTable<T> {
    inner: T,
    requests: RequestCounter,
}

impl<T: Table> CountingTable<T> {
    pub fn new(inner: T) -> Self {
        Self {
            inner,
            requests: RequestCounter::default(),
        }
    }

    /// The counted table, for the tools around the port (a scan).
    pub fn inner(&self) -> &T {
        &self.inner
    }

    /// The counter of this table's requests.
    pub fn requests(&self) -> RequestCounter {
        self.requests.clone()
    }
}

#[async_trait]
impl<T: Table> Table for CountingTable<T> {
    async fn get(&self, key: &Key) -> Result<Option<Item>, StoreError> {
        self.requests.add(1);
        self.inner.get(key).await
    }

    async fn batch_get(&self, keys: &[Key]) -> Result<Vec<Item>, StoreError> {
        if !keys.is_empty() {
            self.requests.add(1);
        }
        self.inner.batch_get(keys).await
    }

    async fn query(&self, query: &Query) -> Result<Page, StoreError> {
        self.requests.add(1);
        self.inner.query(query).await
    }

    async fn write(&self, write: Write) -> Result<(), StoreError> {
        self.requests.add(1);
        self.inner.write(write).await
    }

    async fn transact(&self, writes: Vec<Write>, token: Option<String>) -> Result<(), StoreError> {
        if (1..=TRANSACTION_MAX).contains(&writes.len()) {
            self.requests.add(1);
        }
        self.inner.transact(writes, token).await
    }

    async fn batch_delete(&self, keys: &[Key]) -> Result<(), StoreError> {
        self.requests
            .add(keys.len().div_ceil(BATCH_WRITE_MAX) as u64);
        self.inner.batch_delete(keys).await
    }
}

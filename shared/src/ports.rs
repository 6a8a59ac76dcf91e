//! Ports: the traits through which use cases reach storage, e-mail, SMS, sign-in identities,
//! the import queue and the clock. Adapters implement them for AWS and for local or in-memory use.

use crate::domain::{EmailAddress, MobileNumber, Password};
use async_trait::async_trait;
use serde_json::Value;
use time::OffsetDateTime;

// ---------------------------------------------------------------------------------------------
// Storage
// ---------------------------------------------------------------------------------------------

/// One stored item: attribute name to value, as DynamoDB holds it (`S`, `N`, `BOOL`, `L`, `M`).
pub type Item = serde_json::Map<String, Value>;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub pk: String,
    pub sk: String,
}

impl Key {
    pub fn new(pk: impl Into<String>, sk: impl Into<String>) -> Self {
        Self {
            pk: pk.into(),
            sk: sk.into(),
        }
    }

    pub fn of(item: &Item) -> Option<Self> {
        Some(Self::new(
            item.get("pk")?.as_str()?,
            item.get("sk")?.as_str()?,
        ))
    }
}

/// A condition on one item, evaluated atomically with its write. A small language that both
/// adapters understand: DynamoDB translates it into a `ConditionExpression`.
#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    /// The item does not exist.
    NotExists,
    /// The item exists.
    Exists,
    /// The attribute exists and equals the value.
    Eq(&'static str, Value),
    /// The attribute is absent.
    Absent(&'static str),
    /// The numeric attribute is less than the value.
    Lt(&'static str, i64),
    /// The numeric attribute is greater than the value.
    Gt(&'static str, i64),
    And(Vec<Cond>),
    Or(Vec<Cond>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Write {
    /// Puts the whole item.
    Put {
        item: Item,
        cond: Option<Cond>,
    },
    /// Sets, removes and increments single attributes of an item (creating it if absent,
    /// unless the condition says otherwise).
    Update {
        key: Key,
        set: Item,
        remove: Vec<String>,
        add: Vec<(String, i64)>,
        cond: Option<Cond>,
    },
    Delete {
        key: Key,
        cond: Option<Cond>,
    },
    /// Only checks a condition inside a transaction.
    Check {
        key: Key,
        cond: Cond,
    },
}

impl Write {
    pub fn key(&self) -> Option<Key> {
        match self {
            Write::Put { item, .. } => Key::of(item),
            Write::Update { key, .. } | Write::Delete { key, .. } | Write::Check { key, .. } => {
                Some(key.clone())
            }
        }
    }

    pub fn put(item: Item) -> Self {
        Self::Put { item, cond: None }
    }

    pub fn put_new(item: Item) -> Self {
        Self::Put {
            item,
            cond: Some(Cond::NotExists),
        }
    }

    pub fn delete(key: Key) -> Self {
        Self::Delete { key, cond: None }
    }

    pub fn update(key: Key, set: Item) -> Self {
        Self::Update {
            key,
            set,
            remove: Vec::new(),
            add: Vec::new(),
            cond: Some(Cond::Exists),
        }
    }
}

/// Which sort keys a query reads.
#[derive(Debug, Clone, PartialEq)]
pub enum SortKey {
    All,
    BeginsWith(String),
    Between(String, String),
    AtMost(String),
}

impl SortKey {
    /// Whether a sort key is read, compared as DynamoDB compares strings (by bytes).
    pub fn matches(&self, value: &str) -> bool {
        match self {
            SortKey::All => true,
            SortKey::BeginsWith(p) => value.starts_with(p.as_str()),
            SortKey::Between(a, b) => value >= a.as_str() && value <= b.as_str(),
            SortKey::AtMost(b) => value <= b.as_str(),
        }
    }
}

/// A global secondary index of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Index {
    /// All customers by folded display name.
    Gsi1,
    /// Customers of one type by folded display name.
    Gsi2,
    /// What falls due, by due time: pending invitation reminders and access reviews (sparse).
    Gsi3,
}

impl Index {
    pub fn name(self) -> &'static str {
        match self {
            Index::Gsi1 => "gsi1",
            Index::Gsi2 => "gsi2",
            Index::Gsi3 => "gsi3",
        }
    }
    pub fn pk_attr(self) -> &'static str {
        match self {
            Index::Gsi1 => "gsi1pk",
            Index::Gsi2 => "gsi2pk",
            Index::Gsi3 => "gsi3pk",
        }
    }
    pub fn sk_attr(self) -> &'static str {
        match self {
            Index::Gsi1 => "gsi1sk",
            Index::Gsi2 => "gsi2sk",
            Index::Gsi3 => "gsi3sk",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub index: Option<Index>,
    pub pk: String,
    pub sk: SortKey,
    /// Exclusive start: the key attributes of the last item of the previous page
    /// (`pk`, `sk`, and the index's key attributes when querying an index).
    pub start_after: Option<Item>,
    pub limit: Option<usize>,
}

impl Query {
    pub fn partition(pk: impl Into<String>, sk: SortKey) -> Self {
        Self {
            index: None,
            pk: pk.into(),
            sk,
            start_after: None,
            limit: None,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Page {
    pub items: Vec<Item>,
    /// The start key of the next page when more items may follow.
    pub last_key: Option<Item>,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A condition failed. `index` names the write of a transaction whose condition failed
    /// (0 for a single write), when the store tells.
    #[error("condition failed (write {index:?})")]
    ConditionFailed { index: Option<usize> },
    /// A concurrent transaction touched the same items; retrying may succeed.
    #[error("transaction conflict")]
    TransactionConflict,
    /// Throttled or temporarily unavailable.
    #[error("store unavailable")]
    Unavailable(#[source] anyhow::Error),
    #[error("store error")]
    Other(#[source] anyhow::Error),
}

/// The storage port: a DynamoDB-shaped table with conditional single writes, all-or-nothing
/// transactions of up to 100 writes, strongly consistent reads and cursor paging. Each method
/// is one round trip to DynamoDB, except `query_all` and `batch_delete`, which page and chunk.
#[async_trait]
pub trait Table: Send + Sync {
    async fn get(&self, key: &Key) -> Result<Option<Item>, StoreError>;
    /// Up to 100 keys; the result has no particular order.
    async fn batch_get(&self, keys: &[Key]) -> Result<Vec<Item>, StoreError>;
    async fn query(&self, query: &Query) -> Result<Page, StoreError>;
    async fn write(&self, write: Write) -> Result<(), StoreError>;
    /// Up to 100 writes on distinct items, all or nothing. `token` makes a retried call
    /// idempotent for ten minutes (DynamoDB's `ClientRequestToken`).
    async fn transact(&self, writes: Vec<Write>, token: Option<String>) -> Result<(), StoreError>;
    /// Deletes any number of items, 25 per request, retrying unprocessed ones with backoff.
    async fn batch_delete(&self, keys: &[Key]) -> Result<(), StoreError>;

    /// Reads any number of items, 100 keys per `BatchGetItem` (DynamoDB's limit).
    async fn batch_get_all(&self, keys: &[Key]) -> Result<Vec<Item>, StoreError> {
        let mut items = Vec::with_capacity(keys.len());
        for chunk in keys.chunks(100) {
            items.extend(self.batch_get(chunk).await?);
        }
        Ok(items)
    }

    /// Reads every page of a query.
    async fn query_all(&self, query: &Query) -> Result<Vec<Item>, StoreError> {
        let mut q = query.clone();
        let mut items = Vec::new();
        loop {
            let page = self.query(&q).await?;
            items.extend(page.items);
            match page.last_key {
                Some(k) => q.start_after = Some(k),
                None => return Ok(items),
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
pub struct EmailMessage {
    pub to: EmailAddress,
    pub subject: String,
    pub text: String,
    pub html: String,
}

#[derive(Debug, Clone)]
pub struct SmsMessage {
    pub to: MobileNumber,
    pub text: String,
}

/// A message could not be handed to the delivery service.
#[derive(Debug, thiserror::Error)]
#[error("delivery failed")]
pub struct DeliveryError(#[source] pub anyhow::Error);

#[async_trait]
pub trait Mailer: Send + Sync {
    /// Hands the message over and returns the mail service's id for it, by which its later
    /// reports (delivered, bounced, complained) name it.
    async fn send(&self, message: &EmailMessage) -> Result<String, DeliveryError>;
}

#[async_trait]
pub trait SmsSender: Send + Sync {
    async fn send(&self, message: &SmsMessage) -> Result<(), DeliveryError>;
}

// ---------------------------------------------------------------------------------------------
// Sign-in identities of end users
// ---------------------------------------------------------------------------------------------

#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    /// A sign-in with this e-mail address exists already.
    #[error("identity exists")]
    Exists,
    /// The identity provider refused the password (its own policy).
    #[error("password refused: {0}")]
    PasswordRefused(String),
    #[error("identity provider unavailable")]
    Unavailable(#[source] anyhow::Error),
}

/// The end users' sign-ins (the end-user pool of Cognito in AWS, argon2id hashes locally).
#[async_trait]
pub trait Identity: Send + Sync {
    /// Creates a confirmed sign-in with a permanent password and returns its subject (the
    /// `sub` claim of the user's tokens).
    async fn create(
        &self,
        email: &EmailAddress,
        password: &Password,
    ) -> Result<String, IdentityError>;
    /// Checks an existing sign-in's password without keeping anything it may issue: the
    /// subject when it is right, `None` when it is wrong or there is no such sign-in.
    async fn verify(
        &self,
        email: &EmailAddress,
        password: &str,
    ) -> Result<Option<String>, IdentityError>;
    /// The subject of the sign-in whose name is this address, if there is one. Only to find a
    /// sign-in that no identity records any more (an interrupted removal's leftover): what
    /// the product knows of a sign-in is its subject.
    async fn find(&self, email: &EmailAddress) -> Result<Option<String>, IdentityError>;
    /// Deletes the sign-in whose subject this is (never one found by its e-mail address, which
    /// may since belong to another sign-in); deleting one that does not exist succeeds.
    async fn delete(&self, subject: &str) -> Result<(), IdentityError>;
}

// ---------------------------------------------------------------------------------------------
// Import queue
// ---------------------------------------------------------------------------------------------

/// A message could not be handed to the queue.
#[derive(Debug, thiserror::Error)]
#[error("queue unavailable")]
pub struct QueueError(#[source] pub anyhow::Error);

/// Hands work to the import worker (SQS in AWS, a task in the local server and the tests).
/// A message may arrive more than once: the worker is idempotent.
#[async_trait]
pub trait Queue: Send + Sync {
    async fn send(&self, body: String) -> Result<(), QueueError>;
}

// ---------------------------------------------------------------------------------------------
// Time
// ---------------------------------------------------------------------------------------------

/// The one source of the time of day: every use case, limit window, id, token and scheduled
/// run asks it (a structure test finds any other reading of the wall clock).
pub trait Clock: Send + Sync {
    fn now(&self) -> OffsetDateTime;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// The system clock moved forward by an offset that only grows: the local server's clock,
/// which `POST /dev/clock` advances so that expiry, reminders and reviews can be tried out
/// without waiting.
#[derive(Default)]
pub struct SettableClock {
    offset: std::sync::Mutex<time::Duration>,
}

impl SettableClock {
    /// Moves the clock forward by `by` (never back: times already handed out stay in the
    /// past) and returns the new time.
    pub fn advance(&self, by: time::Duration) -> OffsetDateTime {
        let mut offset = self.offset.lock().unwrap_or_else(|e| e.into_inner());
        if by.is_positive() {
            *offset += by;
        }
        OffsetDateTime::now_utc() + *offset
    }
}

impl Clock for SettableClock {
    fn now(&self) -> OffsetDateTime {
        let offset = *self.offset.lock().unwrap_or_else(|e| e.into_inner());
        OffsetDateTime::now_utc() + offset
    }
}

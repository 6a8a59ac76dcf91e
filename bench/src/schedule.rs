//! The "schedule" row: one scheduled run over 10,000 pending invitation reminders of which 100
//! are due, on moto, with the backfill of the index done: its DynamoDB round trips and the
//! read units it would consume, which must be close to those of reading the 100 due items, not
//! the 10,000.
//!
//! moto reports no consumed capacity, so the read units are computed from what each call
//! returned, by DynamoDB's rules: a Query (of an index: eventually consistent) costs the sum
//! of the sizes of the entries it read, in 4 KB units, halved; a strongly consistent
//! BatchGetItem or GetItem costs each item's size in 4 KB units, at least one. An item's size
//! is the length of its attribute names and values as stored (an upper bound of DynamoDB's).

use crate::Bench;
use crate::dynamo::{app_on, batch_write, fresh_table};
use crate::report::{Table, thousands, yes};
use anyhow::{Result, anyhow};
use async_trait::async_trait;
use shared::ports::{Clock, Item, Key, Page, Query, SettableClock, StoreError, Table as _, Write};
use std::sync::{Arc, Mutex};

/// The pending reminders at the two sizes: the run must read the same at both.
const PENDING: [usize; 2] = [1_000, 10_000];
const DUE: usize = 100;

/// Half read units, so that eventually consistent reads stay whole numbers.
#[derive(Default)]
pub struct ReadUnits(Mutex<u64>);

impl ReadUnits {
    /// The read units counted so far.
    pub fn units(&self) -> f64 {
        *self.0.lock().unwrap() as f64 / 2.0
    }
}

fn size(item: &Item) -> u64 {
    item.iter()
        .map(|(k, v)| (k.len() + v.to_string().len()) as u64)
        .sum()
}

fn units_of(bytes: u64) -> u64 {
    bytes.div_ceil(4096).max(1)
}

/// The table, counting the read units of what it returns.
pub struct Metered {
    pub inner: Arc<dyn shared::ports::Table>,
    pub halves: Arc<ReadUnits>,
}

impl Metered {
    fn add(&self, halves: u64) {
        *self.halves.0.lock().unwrap() += halves;
    }
}

#[async_trait]
impl shared::ports::Table for Metered {
    async fn get(&self, key: &Key) -> Result<Option<Item>, StoreError> {
        let item = self.inner.get(key).await?;
        self.add(2 * item.as_ref().map_or(1, |i| units_of(size(i))));
        Ok(item)
    }
    async fn batch_get(&self, keys: &[Key]) -> Result<Vec<Item>, StoreError> {
        let items = self.inner.batch_get(keys).await?;
        self.add(items.iter().map(|i| 2 * units_of(size(i))).sum());
        Ok(items)
    }
    async fn query(&self, query: &Query) -> Result<Page, StoreError> {
        let page = self.inner.query(query).await?;
        let bytes: u64 = page.items.iter().map(size).sum();
        let halves = if query.index.is_some() { 1 } else { 2 };
        self.add(halves * units_of(bytes));
        Ok(page)
    }
    async fn write(&self, write: Write) -> Result<(), StoreError> {
        self.inner.write(write).await
    }
    async fn transact(&self, writes: Vec<Write>, token: Option<String>) -> Result<(), StoreError> {
        self.inner.transact(writes, token).await
    }
    async fn batch_delete(&self, keys: &[Key]) -> Result<(), StoreError> {
        self.inner.batch_delete(keys).await
    }
}

/// Index entries of pending reminders that are not due: copies of a real access item under
/// keys of their own, due ten days later.
fn not_due(template: &Item, due_secs: i64, pending: usize) -> Result<Vec<Item>> {
    (0..pending - DUE)
        .map(|i| {
            let mut item = template.clone();
            item.insert("pk".into(), format!("C#cus_pending{i:05}").into());
            item.insert("sk".into(), format!("ACCESS#acc_pending{i:05}").into());
            let sk = format!("{due_secs:012}#cus_pending{i:05}#acc_pending{i:05}");
            item.insert("gsi3sk".into(), sk.into());
            Ok(item)
        })
        .collect()
}

pub async fn section(bench: &Bench, table: &mut Table) -> Result<()> {
    for pending in PENDING {
        run_at(bench, table, pending).await?;
    }
    Ok(())
}

/// One scheduled run with `pending` reminders pending, `DUE` of them due.
async fn run_at(bench: &Bench, table: &mut Table, pending: usize) -> Result<()> {
    eprintln!("bench: a scheduled run over {pending} pending reminders, {DUE} due");
    let (dynamo, requests, admin) = fresh_table(&bench.conf, "bench-schedule").await?;
    let clock = Arc::new(SettableClock::default());
    let mut app = app_on(dynamo.clone())?;
    app.clock = clock.clone();
    app.settings.limits.sms_per_number = 1_000_000;
    app.settings.limits.invitations_per_specialist = 1_000_000;
    crate::fixtures::seed_directory(&app).await?;
    let anna = crate::fixtures::anna();
    let mut first = None;
    for i in 0..DUE {
        let body = format!(
            r#"{{"type":"person","firstName":"Erika","lastName":"Due {i}","email":"due-{i}@example.com"}}"#
        );
        let input = serde_json::from_str(&body)?;
        let created =
            shared::usecases::customers::create(&app, &anna, input, body.as_bytes(), None)
                .await
                .map_err(|e| anyhow!("creating a customer: {e:?}"))?;
        first.get_or_insert(created);
    }
    let first = first.ok_or_else(|| anyhow!("no customer"))?;
    eprintln!("bench: {DUE} customers invited; writing the other pending reminders");
    let cid = shared::domain::CustomerId::parse(&first.id).map_err(anyhow::Error::msg)?;
    let access_id = first.body["accesses"][0]["id"].as_str().unwrap_or_default();
    let key = shared::store::access_key(&cid, access_id);
    let template = dynamo
        .get(&key)
        .await?
        .ok_or_else(|| anyhow!("no access item"))?;
    let later = (clock.now() + time::Duration::days(10)).unix_timestamp();
    let items = not_due(&template, later, pending)?
        .into_iter()
        .map(|i| serde_dynamo::to_item(i).map_err(anyhow::Error::from))
        .collect::<Result<Vec<_>>>()?;
    batch_write(&admin, dynamo.name(), items).await?;
    // This version's first runs backfill the customers' index (the 100 invited ones): done
    // before the clock moves, so that the run measured below is the steady state.
    let first = shared::functions::run_scheduled(&app)
        .await
        .map_err(|e| anyhow!("scheduled run (backfill): {e:?}"))?;
    if first["backfillDone"] != true {
        return Err(anyhow!("the backfill did not finish in one run: {first}"));
    }
    eprintln!("bench: {pending} pending; the scheduled run");
    clock.advance(time::Duration::days(3) + time::Duration::hours(1));
    let halves = Arc::new(ReadUnits::default());
    app.table = Arc::new(Metered {
        inner: dynamo.clone(),
        halves: halves.clone(),
    });
    let before = requests.get();
    let answer = shared::functions::run_scheduled(&app)
        .await
        .map_err(|e| anyhow!("scheduled run: {e:?}"))?;
    let trips = requests.get() - before;
    let units = halves.units();
    let _ = admin.delete_table().table_name(dynamo.name()).send().await;
    let sent = answer["reminders"].as_u64().unwrap_or_default();
    // Reading the 100 due items alone, strongly consistent: one unit each (items under 4 KB);
    // the run also reads each reminded address's identity (one unit each) and the index.
    let floor = 2.0 * DUE as f64;
    table.row(
        "schedule",
        format!(
            "one scheduled run, {} pending reminders of which {DUE} due, on moto",
            thousands(pending)
        ),
        format!(
            "**{units:.1}** read units (computed) · **{trips}** round trips · {sent} reminders sent"
        ),
        "doc: 3n + 3 (the backfill done: one GetItem); read units close to 2 per due item",
        yes(sent == DUE as u64
            && (3 * DUE as u64 + 3..=3 * DUE as u64 + 4).contains(&trips)
            && units < floor * 1.1),
    );
    Ok(())
}

//! One specialist's access-review due list against moto, in the need-to-know bench's table at
//! each of its sizes: the first page of `GET /access-reviews` reads the caller's own entries of
//! the due index and their customers, so its read units and round trips must not grow with the
//! firm's customers (every one of which is due here).

use crate::dynamo::item_size;
use crate::report::{Table, ms, thousands, yes};
use anyhow::{Result, bail};
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes, ReturnConsumedCapacity};
use shared::app::App;
use shared::auth::Caller;
use shared::ports::SortKey;
use shared::store;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// One measured first page of anna's due list.
pub struct DuePoint {
    pub customers: usize,
    pub entries_read: i32,
    pub index_bytes: usize,
    pub read_units: f64,
    pub requests: u64,
    pub time: Duration,
}

/// The reads the use case makes, made again with the consumed capacity returned: the Query of
/// anna's own due entries (limit 25 + 1) and the batch read of their customers.
async fn read_units(admin: &Client, table: &str, app: &App) -> Result<(i32, usize, f64)> {
    let until = app.now() + time::Duration::days(30);
    let q = store::own_reviews_due("anna", until, None, 26);
    let SortKey::AtMost(bound) = q.sk else {
        bail!("the due list reads up to a bound")
    };
    let out = admin
        .query()
        .table_name(table)
        .index_name("gsi3")
        .key_condition_expression("gsi3pk = :pk AND gsi3sk <= :until")
        .expression_attribute_values(":pk", AttributeValue::S(q.pk))
        .expression_attribute_values(":until", AttributeValue::S(bound))
        .limit(26)
        .return_consumed_capacity(ReturnConsumedCapacity::Total)
        .send()
        .await?;
    let mut units = out
        .consumed_capacity()
        .and_then(|c| c.capacity_units())
        .unwrap_or(0.0);
    let keys: Vec<HashMap<String, AttributeValue>> = out
        .items()
        .iter()
        .filter_map(|entry| {
            let sk = entry.get("sk")?.as_s().ok()?;
            Some(HashMap::from([
                ("pk".to_owned(), AttributeValue::S(sk.clone())),
                (
                    "sk".to_owned(),
                    AttributeValue::S(store::CUSTOMER_SK.to_owned()),
                ),
            ]))
        })
        .collect();
    let batch = KeysAndAttributes::builder()
        .set_keys(Some(keys))
        .consistent_read(true)
        .build()?;
    let got = admin
        .batch_get_item()
        .request_items(table, batch)
        .return_consumed_capacity(ReturnConsumedCapacity::Total)
        .send()
        .await?;
    units += got
        .consumed_capacity()
        .iter()
        .filter_map(|c| c.capacity_units())
        .sum::<f64>();
    let bytes = out.items().iter().map(item_size).sum();
    Ok((out.count, bytes, units))
}

/// Anna's first page of `GET /access-reviews` in a table of `customers`, all due.
pub async fn measure(
    admin: &Client,
    (table, app, requests): (&str, &App, &shared::adapters::counting::RequestCounter),
    customers: usize,
) -> Result<DuePoint> {
    let (entries_read, index_bytes, read_units) = read_units(admin, table, app).await?;
    let caller = Caller::Staff {
        id: "anna".into(),
        platform_admin: false,
    };
    let query = shared::usecases::reviews::DueQuery {
        limit: Some("25".into()),
        cursor: None,
    };
    let before = requests.get();
    let t = Instant::now();
    let page = shared::usecases::reviews::due(app, &caller, &query)
        .await
        .map_err(|e| anyhow::anyhow!("reviews::due: {e:?}"))?;
    let time = t.elapsed();
    if page.items.len() != 25 || page.next_cursor.is_none() {
        bail!("anna's first due page holds {} reviews", page.items.len());
    }
    Ok(DuePoint {
        customers,
        entries_read,
        index_bytes,
        read_units,
        requests: requests.get() - before,
        time,
    })
}

/// The due list's rows: the same read units and round trips at both sizes.
pub fn rows(due: &[DuePoint], table: &mut Table) {
    let cost = |p: &DuePoint| (p.entries_read, p.read_units.to_bits(), p.requests);
    for p in due {
        table.row(
            "need-to-know",
            format!(
                "one specialist's access-review due list, first page (limit 25), at {} customers, all due",
                thousands(p.customers)
            ),
            format!(
                "{} own index entries read ({:.1} KB) and their customers: {:.1} RCU · `reviews::due` {} with {} request(s)",
                p.entries_read,
                p.index_bytes as f64 / 1000.0,
                p.read_units,
                ms(p.time),
                p.requests
            ),
            "same cost at 1k and 100k",
            yes(due.first().map(cost) == Some(cost(p))),
        );
    }
}

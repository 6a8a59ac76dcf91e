//! The "backfill" rows of the schedule section: one scheduled run that backfills the index of
//! n customers stored before version 3 (copies of a real customer, its access and its
//! administrator grant, without responsibility items, `responsible`, `respSeq` or a review due
//! time), on moto, at two sizes: its round trips and read units per customer, which must be
//! the same at both; then one more run, which must cost the same at both sizes (the backfill
//! done: one GetItem besides the reminders' index Query).

use crate::Bench;
use crate::dynamo::{app_on, batch_write, fresh_table};
use crate::report::{Table, thousands, yes};
use crate::schedule::{Metered, ReadUnits};
use anyhow::{Result, anyhow};
use aws_sdk_dynamodb::types::AttributeValue;
use shared::app::App;
use shared::domain::CustomerId;
use shared::ports::{Item, Write};
use shared::store::{self, CustomerRange};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

/// Customers stored before version 3, at the two sizes.
const SIZES: [usize; 2] = [200, 2_000];

/// What version 3 adds to a customer item, and the reminder an access item carries.
const NOT_IN_VERSION_2: [&str; 7] = [
    "responsible",
    "respSeq",
    "reviewDueAt",
    "gsi3pk",
    "gsi3sk",
    "remindAt",
    "mailMessages",
];

pub async fn section(bench: &Bench, table: &mut Table) -> Result<()> {
    for n in SIZES {
        run_at(bench, table, n).await?;
    }
    Ok(())
}

/// The customer item, its access and its administrator grant of one customer created through
/// the use case, whose own customer item then goes (so that the overview lists the copies only).
async fn templates(app: &App) -> Result<Vec<Item>> {
    crate::fixtures::seed_directory(app).await?;
    let body =
        r#"{"type":"person","firstName":"Erika","lastName":"Alt","email":"alt@example.com"}"#;
    let input = serde_json::from_str(body)?;
    let anna = crate::fixtures::anna();
    let created = shared::usecases::customers::create(app, &anna, input, body.as_bytes(), None)
        .await
        .map_err(|e| anyhow!("creating a customer: {e:?}"))?;
    let id = CustomerId::parse(&created.id).map_err(anyhow::Error::msg)?;
    let query = store::customer_query(&id, CustomerRange::Authorisations);
    let items = app.table.query_all(&query).await?;
    app.table
        .write(Write::delete(store::customer_key(&id)))
        .await?;
    Ok(items)
}

/// Copy `i` of the template items, as version 2 stored them.
fn copy(templates: &[Item], i: usize) -> Result<Vec<HashMap<String, AttributeValue>>> {
    let id = format!("cus_old{i:06}");
    let cid = CustomerId::parse(&id).map_err(anyhow::Error::msg)?;
    let sort = store::overview_sort_key(&format!("Alt {i:06}, Erika"), &id);
    templates
        .iter()
        .map(|t| {
            let mut item = t.clone();
            for attr in NOT_IN_VERSION_2 {
                item.remove(attr);
            }
            item.insert("pk".into(), store::customer_key(&cid).pk.into());
            if item.get("sk").and_then(|v| v.as_str()) == Some(store::CUSTOMER_SK) {
                item.insert("id".into(), id.clone().into());
                item.insert("gsi1sk".into(), sort.clone().into());
                item.insert("gsi2sk".into(), sort.clone().into());
            } else if item.contains_key("customerId") {
                item.insert("customerId".into(), id.clone().into());
            }
            Ok(serde_dynamo::to_item(item)?)
        })
        .collect()
}

/// One run that backfills `n` customers, then one run more.
async fn run_at(bench: &Bench, table: &mut Table, n: usize) -> Result<()> {
    eprintln!("bench: backfilling {n} customers stored before version 3");
    let (dynamo, requests, admin) = fresh_table(&bench.conf, "bench-backfill").await?;
    let mut app = app_on(dynamo.clone())?;
    let templates = templates(&app).await?;
    let mut items = Vec::new();
    for i in 0..n {
        items.extend(copy(&templates, i)?);
    }
    batch_write(&admin, dynamo.name(), items).await?;
    let halves = Arc::new(ReadUnits::default());
    app.table = Arc::new(Metered {
        inner: dynamo.clone(),
        halves: halves.clone(),
    });
    let (before, started) = (requests.get(), Instant::now());
    let answer = shared::functions::run_scheduled(&app)
        .await
        .map_err(|e| anyhow!("scheduled run: {e:?}"))?;
    let (trips, secs, units) = (
        requests.get() - before,
        started.elapsed().as_secs_f64(),
        halves.units(),
    );
    let before = (requests.get(), halves.units());
    let again = shared::functions::run_scheduled(&app)
        .await
        .map_err(|e| anyhow!("scheduled run: {e:?}"))?;
    let (trips_done, units_done) = (requests.get() - before.0, halves.units() - before.1);
    let _ = admin.delete_table().table_name(dynamo.name()).send().await;
    let pages = n.div_ceil(shared::usecases::backfill::PAGE) as u64;
    let per_customer = (trips - 2 - 2 * pages) as f64 / n as f64;
    table.row(
        "schedule",
        format!(
            "backfill: one run over {} customers stored before version 3, nothing due, on moto",
            thousands(n)
        ),
        format!(
            "**{trips}** round trips (**{per_customer:.2}** per customer besides the pages) · \
             **{units:.1}** read units ({:.2} per customer) · {secs:.1} s · {} backfilled; \
             the next run: **{trips_done}** round trips, {units_done:.1} read units",
            units / n as f64,
            answer["backfilled"]
        ),
        "doc: 2n + 2 ceil(n/25) + 2; once done: 2, whatever n",
        yes(answer["backfilled"] == n as u64
            && answer["backfillDone"] == true
            && again["backfilled"] == 0
            && trips == 2 * n as u64 + 2 * pages + 2
            && trips_done == 2),
    );
    Ok(())
}

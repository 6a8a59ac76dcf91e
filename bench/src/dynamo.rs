//! DynamoDB figures against moto: requests per endpoint, the overview at scale, and deleting
//! a customer with many business transactions.

use anyhow::{Context, Result, bail};
use aws_config::BehaviorVersion;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::config::Credentials;
use aws_sdk_dynamodb::types::{AttributeValue, PutRequest, ReturnConsumedCapacity, WriteRequest};
use http_body_util::BodyExt;
use shared::adapters::counting::RequestCounter;
use shared::adapters::dynamo::{DynamoTable, counting_client, ensure_table};
use shared::adapters::local_identity::LocalIdentity;
use shared::adapters::outbox::Outbox;
use shared::app::App;
use shared::auth::Caller;
use shared::config::Settings;
use shared::domain::{BusinessTransaction, Customer, CustomerId, CustomerInput, Text};
use shared::ports::SystemClock;
use shared::store::{self, CustomerItem, TransactionItem, to_item};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use time::OffsetDateTime;
use tower::ServiceExt;

pub async fn sdk_config(endpoint: &str) -> aws_config::SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .region("eu-central-1")
        .credentials_provider(Credentials::new("test", "test", None, None, "bench"))
        .endpoint_url(endpoint)
        .load()
        .await
}

pub fn settings() -> Settings {
    Settings {
        portal_base_url: "https://portal.example.com".into(),
        firm_name: "Steuerkanzlei Muster".into(),
        invitation_ttl: Duration::from_secs(7 * 24 * 3600),
        cursor_key: crate::CURSOR_KEY.as_bytes().to_vec(),
        limits: shared::config::Limits::default(),
        issuers: shared::config::Issuers::local(),
        due: shared::config::Due::default(),
        access_model: shared::config::AccessModel::Open,
    }
}

/// A new table on moto, the counter of its data requests (from zero), and an uncounted
/// client for the tools around the port (scans, bulk writes, dropping the table).
pub async fn fresh_table(
    conf: &aws_config::SdkConfig,
    prefix: &str,
) -> Result<(Arc<DynamoTable>, RequestCounter, Client)> {
    let admin = Client::new(conf);
    let name = format!("{prefix}-{}", uuid::Uuid::new_v4());
    ensure_table(&admin, &name).await?;
    let (client, counter) = counting_client(conf);
    Ok((Arc::new(DynamoTable::new(client, name)), counter, admin))
}

/// An app on `table` whose messages go to an in-memory outbox and whose sign-ins are local:
/// only DynamoDB is measured here.
pub fn app_on(table: Arc<DynamoTable>) -> Result<App> {
    let outbox = Arc::new(Outbox::new(None)?);
    Ok(App {
        table,
        mailer: outbox.clone(),
        sms: outbox,
        identity: Arc::new(LocalIdentity::new()),
        queue: Arc::new(shared::adapters::not_granted::NotGranted("bench")),
        clock: Arc::new(SystemClock),
        settings: settings(),
    })
}

async fn count_items(admin: &Client, table: &str) -> Result<usize> {
    let mut n = 0;
    let mut start = None;
    loop {
        let out = admin
            .scan()
            .table_name(table)
            .select(aws_sdk_dynamodb::types::Select::Count)
            .set_exclusive_start_key(start)
            .send()
            .await?;
        n += out.count as usize;
        match out.last_evaluated_key {
            Some(k) if !k.is_empty() => start = Some(k),
            _ => return Ok(n),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Round trips per endpoint
// ---------------------------------------------------------------------------------------------

/// Event file and the row of `docs/data-model.md` it exercises.
pub const ENDPOINTS: &[(&str, &str)] = &[
    ("customers-list.json", "`GET /customers`"),
    (
        "customers-create.json",
        "`POST /customers` with `Idempotency-Key`",
    ),
    ("customers-get.json", "`GET /customers/{id}`"),
    ("customers-update.json", "`PUT /customers/{id}`"),
    ("customers-delete.json", "`DELETE /customers/{id}`"),
    ("accesses-create.json", "`POST /customers/{id}/accesses`"),
    (
        "accesses-update.json",
        "`PATCH /customers/{id}/accesses/{accessId}`",
    ),
    (
        "accesses-invitation.json",
        "`POST /customers/{id}/accesses/{accessId}/invitation`",
    ),
    (
        "authorisations-get.json",
        "`GET /customers/{id}/authorisations`",
    ),
    (
        "administrators-add.json",
        "`POST /customers/{id}/administrators`",
    ),
    (
        "additional-processors-add.json",
        "`POST /customers/{id}/additional-processors`",
    ),
    (
        "authorisations-remove.json",
        "`POST /customers/{id}/authorisations/remove`",
    ),
    (
        "transactions-list.json",
        "`GET /customers/{id}/transactions`",
    ),
    (
        "transactions-create.json",
        "`POST /customers/{id}/transactions`",
    ),
    (
        "transactions-get.json",
        "`GET /customers/{id}/transactions/{transactionId}`",
    ),
    (
        "transactions-delete.json",
        "`DELETE /customers/{id}/transactions/{transactionId}`",
    ),
    ("specialists-list.json", "`GET /specialists`"),
    ("specialists-put.json", "`PUT /specialists/{id}`"),
    ("me-get.json", "`GET /me`"),
    ("me-transactions.json", "`GET /me/transactions`"),
    (
        "registrations-inspect.json",
        "`POST /registrations/inspect`",
    ),
    (
        "registrations-complete.json",
        "`POST /registrations/complete`",
    ),
];

/// The "round trips" column of the table in `docs/data-model.md`, by endpoint cell.
/// The round trips a customer's delete may take with `items` items besides the customer:
/// ceil(items/25) + 3 (`docs/data-model.md`).
pub fn delete_floor(items: usize) -> u64 {
    items.div_ceil(25) as u64 + 3
}

pub fn documented_round_trips(doc: &str) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let mut inside = false;
    for line in doc.lines() {
        if line.starts_with("## ") {
            inside = line.starts_with("## Round trips");
            continue;
        }
        if !inside || !line.starts_with('|') {
            continue;
        }
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        if cells.len() >= 3 && cells[0].starts_with('`') {
            out.insert(cells[0].to_owned(), cells[cells.len() - 1].to_owned());
        }
    }
    out
}

pub struct RoundTrip {
    pub event: &'static str,
    pub endpoint: &'static str,
    pub status: u16,
    pub requests: u64,
    pub documented: String,
    /// For the customer delete: the items it removed besides the customer.
    pub items: Option<usize>,
    pub at_floor: bool,
}

/// Whole numbers in a documented cell ("2 (3 when re-invited)" gives 2 and 3).
fn numbers_in(cell: &str) -> Vec<u64> {
    cell.split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect()
}

pub async fn round_trips(conf: &aws_config::SdkConfig, root: &Path) -> Result<Vec<RoundTrip>> {
    let doc = std::fs::read_to_string(root.join("docs/data-model.md"))
        .context("reading docs/data-model.md")?;
    let documented = documented_round_trips(&doc);
    let mut out = Vec::new();
    for (file, endpoint) in ENDPOINTS {
        let (table, requests, admin) = fresh_table(conf, "bench-rt").await?;
        let app = app_on(table.clone())?;
        crate::fixtures::seed(table.as_ref()).await?;
        let raw = std::fs::read_to_string(root.join("events").join(file))
            .with_context(|| format!("reading events/{file}"))?;
        let req = lambda_http::request::from_str(&raw)
            .map_err(|e| anyhow::anyhow!("events/{file}: {e}"))?;
        let (parts, body) = req.into_parts();
        let req = http::Request::from_parts(parts, axum::body::Body::from(body.to_vec()));
        let router = shared::functions::gateway(app);
        let delete = *file == "customers-delete.json";
        // Only the delete's figure needs the items before and after (a scan each).
        let before_items = if delete {
            count_items(&admin, table.name()).await?
        } else {
            0
        };
        let before = requests.get();
        let res = router.oneshot(req).await?;
        let status = res.status().as_u16();
        let _ = res.into_body().collect().await;
        let requests = requests.get() - before;
        let documented = documented
            .get(*endpoint)
            .cloned()
            .unwrap_or_else(|| "(not in the doc)".into());
        let (items, at_floor) = if delete {
            let after_items = count_items(&admin, table.name()).await?;
            let n = before_items.saturating_sub(after_items).saturating_sub(1);
            (Some(n), requests <= delete_floor(n))
        } else {
            (None, numbers_in(&documented).contains(&requests))
        };
        let _ = admin.delete_table().table_name(table.name()).send().await;
        out.push(RoundTrip {
            event: file,
            endpoint,
            status,
            requests,
            documented,
            items,
            at_floor: at_floor && (200..300).contains(&status),
        });
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// The overview at scale
// ---------------------------------------------------------------------------------------------

const FIRST: &[&str] = &[
    "Anna", "Ben", "Clara", "David", "Emma", "Felix", "Greta", "Hannes", "Ida", "Jonas", "Karla",
    "Lukas", "Mia", "Noah", "Olga", "Paul", "Rosa", "Simon", "Tilda", "Umut", "Vera", "Willi",
];
const LAST: &[&str] = &[
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Schäfer",
    "Koch",
    "Bauer",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Braun",
    "Krüger",
    "Hofmann",
    "Hartmann",
    "Lange",
    "Özdemir",
];

fn customer_item(i: usize, now: OffsetDateTime) -> Result<HashMap<String, AttributeValue>> {
    let customer = generated_customer(i, now)?;
    let mut item = to_item(&CustomerItem::from_domain(&customer));
    item.insert("adminCount".into(), 1.into());
    // Exactly what the adapter writes: the stored JSON item through serde_dynamo.
    Ok(serde_dynamo::to_item(item)?)
}

/// The `i`-th generated customer: a person with a German name, numbered so that names differ.
pub(crate) fn generated_customer(i: usize, now: OffsetDateTime) -> Result<Customer> {
    let id = CustomerId::parse(&shared::ids::new_id("cus", now)).map_err(anyhow::Error::msg)?;
    let data = CustomerInput {
        kind: Some("person".into()),
        first_name: Some(FIRST[i % FIRST.len()].into()),
        last_name: Some(format!("{}{}", LAST[(i / FIRST.len()) % LAST.len()], i)),
        email: Some(format!("kunde{i}@example.com")),
        mobile: Some(format!("0170 {:07}", i % 10_000_000)),
        language: Some("de".into()),
        ..Default::default()
    }
    .parse(now.date())
    .map_err(|e| anyhow::anyhow!("generated customer {i}: {e:?}"))?;
    Ok(Customer {
        id,
        data,
        version: 1,
        created_at: now,
        updated_at: now,
    })
}

/// Writes `items` with BatchWriteItem, 25 per request and a few requests in flight, retrying
/// unprocessed items.
pub(crate) async fn batch_write(
    admin: &Client,
    table: &str,
    items: Vec<HashMap<String, AttributeValue>>,
) -> Result<()> {
    let mut chunks: Vec<Vec<WriteRequest>> = Vec::new();
    for chunk in items.chunks(25) {
        let mut reqs = Vec::new();
        for item in chunk {
            reqs.push(
                WriteRequest::builder()
                    .put_request(PutRequest::builder().set_item(Some(item.clone())).build()?)
                    .build(),
            );
        }
        chunks.push(reqs);
    }
    let mut inflight = tokio::task::JoinSet::new();
    for reqs in chunks {
        while inflight.len() >= 4 {
            inflight.join_next().await.expect("tasks in flight")??;
        }
        let admin = admin.clone();
        let table = table.to_owned();
        inflight.spawn(async move {
            let mut pending = reqs;
            for attempt in 0..10u32 {
                let out = admin
                    .batch_write_item()
                    .request_items(&table, pending)
                    .send()
                    .await?;
                match out.unprocessed_items.and_then(|mut m| m.remove(&table)) {
                    Some(rest) if !rest.is_empty() => {
                        pending = rest;
                        tokio::time::sleep(Duration::from_millis(20 << attempt.min(6))).await;
                    }
                    _ => return Ok::<(), anyhow::Error>(()),
                }
            }
            bail!("BatchWriteItem left items unprocessed after 10 attempts")
        });
    }
    while let Some(r) = inflight.join_next().await {
        r??;
    }
    Ok(())
}

/// DynamoDB's item size: attribute names plus values (numbers approximated by their digits).
pub(crate) fn item_size(item: &HashMap<String, AttributeValue>) -> usize {
    fn value(v: &AttributeValue) -> usize {
        match v {
            AttributeValue::S(s) => s.len(),
            AttributeValue::N(n) => n.len().div_ceil(2) + 1,
            AttributeValue::Bool(_) | AttributeValue::Null(_) => 1,
            AttributeValue::L(l) => 3 + l.iter().map(|v| 1 + value(v)).sum::<usize>(),
            AttributeValue::M(m) => {
                3 + m.iter().map(|(k, v)| 1 + k.len() + value(v)).sum::<usize>()
            }
            AttributeValue::Ss(s) => s.iter().map(|s| s.len()).sum(),
            AttributeValue::Ns(s) => s.iter().map(|s| s.len().div_ceil(2) + 1).sum(),
            AttributeValue::B(b) => b.as_ref().len(),
            _ => 0,
        }
    }
    item.iter().map(|(k, v)| k.len() + value(v)).sum()
}

pub struct OverviewAt {
    pub customers: usize,
    pub items_read: i32,
    pub scanned: i32,
    pub bytes: usize,
    /// What DynamoDB would charge: eventually consistent index read, 0.5 RCU per 4 KB.
    pub rcu_estimate: f64,
    /// What moto reported for `ReturnConsumedCapacity=TOTAL`.
    pub moto_capacity: Option<f64>,
    pub query_time: Duration,
    pub list_time: Duration,
    pub list_requests: u64,
}

pub struct Scale {
    pub points: Vec<OverviewAt>,
    pub insert_rate: f64,
    pub wanted: usize,
    pub budget_hit: bool,
}

async fn overview_at(
    admin: &Client,
    table: &Arc<DynamoTable>,
    requests: &RequestCounter,
    app: &App,
    customers: usize,
) -> Result<OverviewAt> {
    let caller = Caller::Staff {
        id: "anna".into(),
        platform_admin: false,
    };
    // Warm-up, then the median of five of each.
    let mut query_times = Vec::new();
    let mut last = None;
    for _ in 0..6 {
        let t = Instant::now();
        let out = admin
            .query()
            .table_name(table.name())
            .index_name("gsi1")
            .key_condition_expression("gsi1pk = :pk")
            .expression_attribute_values(":pk", AttributeValue::S(store::OVERVIEW_PK.into()))
            .limit(26)
            .return_consumed_capacity(ReturnConsumedCapacity::Total)
            .send()
            .await?;
        query_times.push(t.elapsed());
        last = Some(out);
    }
    query_times.remove(0);
    let out = last.expect("queried");
    let bytes: usize = out.items().iter().map(item_size).sum();
    let mut list_times = Vec::new();
    let mut list_requests = 0;
    for _ in 0..6 {
        let before = requests.get();
        let t = Instant::now();
        let page = shared::usecases::customers::list(
            app,
            &caller,
            &shared::usecases::customers::ListQuery {
                q: None,
                kind: None,
                limit: Some("25".into()),
                cursor: None,
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("customers::list: {e:?}"))?;
        list_times.push(t.elapsed());
        list_requests = requests.get() - before;
        anyhow::ensure!(
            page.items.len() == 25,
            "the first page holds {} customers",
            page.items.len()
        );
    }
    list_times.remove(0);
    Ok(OverviewAt {
        customers,
        items_read: out.count,
        scanned: out.scanned_count,
        bytes,
        rcu_estimate: (bytes.div_ceil(4096).max(1)) as f64 * 0.5,
        moto_capacity: out.consumed_capacity().and_then(|c| c.capacity_units()),
        query_time: crate::report::median(&query_times),
        list_time: crate::report::median(&list_times),
        list_requests,
    })
}

/// Fills one table with customers: measures the overview at 1,000, then keeps writing up to
/// `wanted` or until `budget` is spent, and measures again at the size reached.
pub async fn scale(conf: &aws_config::SdkConfig, wanted: usize, budget: Duration) -> Result<Scale> {
    let (table, requests, admin) = fresh_table(conf, "bench-scale").await?;
    let app = app_on(table.clone())?;
    let now = OffsetDateTime::now_utc();
    let started = Instant::now();
    let first = wanted.min(1_000);
    let mut written = 0;
    let mut points = Vec::new();
    let mut budget_hit = false;
    const STEP: usize = 2_500;
    while written < wanted {
        let target = if written < first {
            first
        } else {
            (written + STEP).min(wanted)
        };
        let items = (written..target)
            .map(|i| customer_item(i, now))
            .collect::<Result<Vec<_>>>()?;
        batch_write(&admin, table.name(), items).await?;
        written = target;
        if written == first {
            points.push(overview_at(&admin, &table, &requests, &app, written).await?);
            eprintln!("  scale: {written} customers written, overview measured");
        } else if written.is_multiple_of(10_000) {
            eprintln!(
                "  scale: {written} customers written ({:.0} s)",
                started.elapsed().as_secs_f64()
            );
        }
        if written < wanted && started.elapsed() > budget {
            budget_hit = true;
            break;
        }
    }
    let insert_rate = written as f64 / started.elapsed().as_secs_f64();
    if written > first {
        points.push(overview_at(&admin, &table, &requests, &app, written).await?);
    }
    let _ = admin.delete_table().table_name(table.name()).send().await;
    Ok(Scale {
        points,
        insert_rate,
        wanted,
        budget_hit,
    })
}

// ---------------------------------------------------------------------------------------------
// Deleting a customer with many business transactions
// ---------------------------------------------------------------------------------------------

pub struct Delete {
    pub transactions: usize,
    pub items: usize,
    pub requests: u64,
    pub floor: u64,
    pub seconds: f64,
}

pub async fn delete(conf: &aws_config::SdkConfig, transactions: usize) -> Result<Delete> {
    let (table, requests, admin) = fresh_table(conf, "bench-delete").await?;
    let app = app_on(table.clone())?;
    let anna = Caller::Staff {
        id: "anna".into(),
        platform_admin: false,
    };
    crate::fixtures::seed_directory(&app).await?;
    let body = br#"{"type":"person","firstName":"Erika","lastName":"Mustermann","email":"erika@example.com","mobile":"0170 1234567"}"#;
    let input: CustomerInput = serde_json::from_slice(body)?;
    let created = shared::usecases::customers::create(&app, &anna, input, body, None)
        .await
        .map_err(|e| anyhow::anyhow!("creating the customer: {e:?}"))?;
    let id = CustomerId::parse(&created.id).map_err(anyhow::Error::msg)?;
    let now = OffsetDateTime::now_utc();
    let items = (0..transactions)
        .map(|i| {
            let tx = BusinessTransaction {
                id: shared::ids::new_id("trx", now),
                customer_id: id.clone(),
                title: Text::parse(
                    &format!("Vorgang {i}: Jahresabschluss und Steuererklärung"),
                    200,
                )
                .map_err(|e| anyhow::anyhow!("title: {e:?}"))?,
                created_at: now,
            };
            Ok(serde_dynamo::to_item(to_item(
                &TransactionItem::from_domain(&tx),
            ))?)
        })
        .collect::<Result<Vec<_>>>()?;
    batch_write(&admin, table.name(), items).await?;
    let before_items = count_items(&admin, table.name()).await?;
    let before = requests.get();
    let t = Instant::now();
    let id = shared::domain::CustomerId::parse(&created.id).map_err(|e| anyhow::anyhow!(e))?;
    shared::usecases::customers::delete(&app, &anna, &id)
        .await
        .map_err(|e| anyhow::anyhow!("deleting the customer: {e:?}"))?;
    let seconds = t.elapsed().as_secs_f64();
    let requests = requests.get() - before;
    let after_items = count_items(&admin, table.name()).await?;
    let items = before_items - after_items - 1;
    let _ = admin.delete_table().table_name(table.name()).send().await;
    Ok(Delete {
        transactions,
        items,
        requests,
        floor: delete_floor(items),
        seconds,
    })
}

//! The data the benchmark's events need: the events' fixtures (`shared::fixtures`, as the
//! events test seeds them) plus the specialist directory.

use anyhow::Result;
use shared::domain::*;
use shared::ports::{Table, Write};
use shared::store::{SpecialistItem, to_item};
use time::OffsetDateTime;

pub fn specialists() -> Vec<Specialist> {
    shared::usecases::specialists::seeded_specialists()
}

/// Seeds the specialist directory through its use case, as the local server does.
pub async fn seed_directory(app: &shared::app::App) -> Result<()> {
    shared::usecases::specialists::seed(app, &specialists())
        .await
        .map_err(|e| anyhow::anyhow!("seeding specialists: {e:?}"))
}

/// anna, the specialist who acts in the benchmark's scenarios.
pub fn anna() -> shared::auth::Caller {
    shared::auth::Caller::Staff {
        id: "anna".into(),
        platform_admin: false,
    }
}

/// Writes (or overwrites) the fixtures and the directory in one transaction. Every start of a
/// function then meets the same data.
pub async fn seed(table: &dyn Table) -> Result<()> {
    let mut writes = shared::fixtures::writes(OffsetDateTime::now_utc());
    for s in specialists() {
        writes.push(Write::put(to_item(&SpecialistItem::from_domain(&s))));
    }
    table
        .transact(writes, None)
        .await
        .map_err(|e| anyhow::anyhow!("seeding the fixtures: {e:#}"))?;
    Ok(())
}

/// Deletes the abuse-limit counters (`LIMIT#…` items), so that the next start of a function
/// is not refused with 429 for the starts before it (the re-invitation of `accesses` and the
/// registration requests count against per-day and per-minute limits).
pub async fn clear_limits(conf: &aws_config::SdkConfig, table: &str) -> Result<()> {
    use aws_sdk_dynamodb::types::AttributeValue;
    let client = aws_sdk_dynamodb::Client::new(conf);
    let found = client
        .scan()
        .table_name(table)
        .filter_expression("begins_with(pk, :p)")
        .expression_attribute_values(":p", AttributeValue::S("LIMIT#".into()))
        .projection_expression("pk, sk")
        .send()
        .await?;
    for item in found.items() {
        client
            .delete_item()
            .table_name(table)
            .set_key(Some(item.clone()))
            .send()
            .await?;
    }
    Ok(())
}

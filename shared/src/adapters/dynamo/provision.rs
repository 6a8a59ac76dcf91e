//! Creates the table when it is missing (feature `provisioning`): for the local server on an
//! emulator, the tests on moto and the benchmark. In AWS, `template.yaml` creates it.

use crate::ports::Index;
use anyhow::Context as _;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::operation::create_table::builders::CreateTableFluentBuilder;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, IndexStatus, KeySchemaElement, KeyType,
    Projection, ProjectionType, ScalarAttributeType, TableStatus, TimeToLiveSpecification,
    TimeToLiveStatus,
};
use std::time::Duration;

/// How long a new table and its indexes may take to become active.
const ACTIVE_WITHIN: Duration = Duration::from_secs(120);
const TTL_ATTR: &str = "ttl";

/// Creates the table with its indexes if it is missing, waits until it and its indexes are
/// active, and switches on expiry by `ttl` (where the endpoint supports it).
pub async fn ensure_table(client: &Client, name: &str) -> anyhow::Result<()> {
    if !table_exists(client, name).await? {
        create_table(client, name).await?;
    }
    wait_until_active(client, name).await?;
    if !ttl_enabled(client, name).await {
        enable_ttl(client, name).await?;
    }
    Ok(())
}

async fn table_exists(client: &Client, name: &str) -> anyhow::Result<bool> {
    match client.describe_table().table_name(name).send().await {
        Ok(_) => Ok(true),
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_resource_not_found_exception()) =>
        {
            Ok(false)
        }
        Err(e) => Err(e).with_context(|| format!("describing table {name}")),
    }
}

async fn create_table(client: &Client, name: &str) -> anyhow::Result<()> {
    match table_definition(client, name)?.send().await {
        Ok(_) => tracing::info!(table = name, "table created"),
        // Created by someone else in the meantime: wait for it like for our own.
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_resource_in_use_exception()) => {}
        Err(e) => return Err(e).with_context(|| format!("creating table {name}")),
    }
    Ok(())
}

/// The table as `template.yaml` defines it: `pk`/`sk`, the sparse indexes `gsi1` and `gsi2`
/// projecting all attributes, billed per request.
fn table_definition(client: &Client, name: &str) -> anyhow::Result<CreateTableFluentBuilder> {
    let mut create = client
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest)
        .key_schema(key("pk", KeyType::Hash)?)
        .key_schema(key("sk", KeyType::Range)?)
        .global_secondary_indexes(index(Index::Gsi1)?)
        .global_secondary_indexes(index(Index::Gsi2)?)
        .global_secondary_indexes(index(Index::Gsi3)?);
    let attrs = [
        "pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk", "gsi3pk", "gsi3sk",
    ];
    for attr in attrs {
        create = create.attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name(attr)
                .attribute_type(ScalarAttributeType::S)
                .build()?,
        );
    }
    Ok(create)
}

fn key(attr: &str, key_type: KeyType) -> anyhow::Result<KeySchemaElement> {
    Ok(KeySchemaElement::builder()
        .attribute_name(attr)
        .key_type(key_type)
        .build()?)
}

fn index(index: Index) -> anyhow::Result<GlobalSecondaryIndex> {
    // The due index carries keys only: a run reads what is due from it and the items
    // themselves strongly consistently, so its index reads stay small.
    let projection = match index {
        Index::Gsi3 => ProjectionType::KeysOnly,
        _ => ProjectionType::All,
    };
    Ok(GlobalSecondaryIndex::builder()
        .index_name(index.name())
        .key_schema(key(index.pk_attr(), KeyType::Hash)?)
        .key_schema(key(index.sk_attr(), KeyType::Range)?)
        .projection(Projection::builder().projection_type(projection).build())
        .build()?)
}

async fn wait_until_active(client: &Client, name: &str) -> anyhow::Result<()> {
    let deadline = tokio::time::Instant::now() + ACTIVE_WITHIN;
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
            return Ok(());
        }
        anyhow::ensure!(
            tokio::time::Instant::now() < deadline,
            "table {name} did not become active within two minutes"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

async fn ttl_enabled(client: &Client, name: &str) -> bool {
    client
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
            ) && d.attribute_name.as_deref() == Some(TTL_ATTR)
        })
}

async fn enable_ttl(client: &Client, name: &str) -> anyhow::Result<()> {
    let spec = TimeToLiveSpecification::builder()
        .enabled(true)
        .attribute_name(TTL_ATTR)
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
    Ok(())
}

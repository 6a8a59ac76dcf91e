//! Reference (b) of the cold-request rows: what a new user would deploy instead of this
//! project's set-up. The `cargo lambda new` HTTP template plus the aws-sdk-dynamodb README:
//! `aws_config::load_defaults`, one client, one `GetItem` per request, default features.
//! It reads the customer of `customers-get.json` (`TABLE_NAME`, key `C#cus_example`).

use aws_config::BehaviorVersion;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::AttributeValue;
use lambda_http::{Body, Error, Request, Response, run, service_fn, tracing};

async fn function_handler(
    client: &Client,
    table: &str,
    _event: Request,
) -> Result<Response<Body>, Error> {
    let item = client
        .get_item()
        .table_name(table)
        .key("pk", AttributeValue::S("C#cus_example".into()))
        .key("sk", AttributeValue::S("#CUSTOMER".into()))
        .send()
        .await?;
    let found = item.item().is_some();
    let resp = Response::builder()
        .status(if found { 200 } else { 404 })
        .header("content-type", "text/plain")
        .body(format!("found: {found}").into())
        .map_err(Box::new)?;
    Ok(resp)
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    let config = aws_config::load_defaults(BehaviorVersion::latest()).await;
    let client = Client::new(&config);
    let table = std::env::var("TABLE_NAME")?;
    run(service_fn(|event| function_handler(&client, &table, event))).await
}

//! `--aws-endpoint`: the same product on DynamoDB, SES, SNS and Cognito at one endpoint (for
//! example moto), creating the table, the sender identity and the end users' pool with its sign-in client
//! when missing. Built with the feature `aws` only (`cargo run -p local-server --features aws`),
//! so that the default build compiles no AWS SDK.

use anyhow::Context;
use shared::adapters::outbox::OutboxEntry;
use shared::app::App;
use shared::config::Settings;

pub const SENDER: &str = "no-reply@kanzlei.example.com";
#[cfg(feature = "aws")]
const POOL: &str = "dokumentenaustausch-local";
#[cfg(feature = "aws")]
const CLIENT: &str = "local-server";
/// The SES configuration set of invitation e-mails (template.yaml's `MailEvents`).
#[cfg(feature = "aws")]
const MAIL_EVENTS: &str = "dokumentenaustausch-mail-events";

/// Without the feature `aws` there is nothing to connect with: says how to build it.
#[cfg(not(feature = "aws"))]
pub async fn connect(endpoint: &str, _: &str, _: Settings) -> anyhow::Result<App> {
    anyhow::bail!(
        "--aws-endpoint {endpoint} needs the AWS SDK, which this build leaves out: \
         cargo run -p local-server --features aws -- --aws-endpoint {endpoint}"
    )
}

#[cfg(feature = "aws")]
pub async fn connect(endpoint: &str, table: &str, settings: Settings) -> anyhow::Result<App> {
    use aws_sdk_dynamodb::config::Credentials;
    use shared::adapters::cognito::{CognitoIdentity, ensure_sign_in_client, ensure_user_pool};
    use shared::adapters::dynamo::{DynamoTable, ensure_table};
    use shared::adapters::ses::{SesMailer, ensure_configuration_set, ensure_identity};
    use shared::adapters::sns::SnsSms;
    use std::sync::Arc;
    let mut loader =
        aws_config::defaults(aws_config::BehaviorVersion::latest()).endpoint_url(endpoint);
    if std::env::var_os("AWS_REGION").is_none() && std::env::var_os("AWS_DEFAULT_REGION").is_none()
    {
        loader = loader.region("eu-central-1");
    }
    if std::env::var_os("AWS_ACCESS_KEY_ID").is_none() {
        // An emulator accepts any signature; real AWS is never reached with these.
        loader = loader.credentials_provider(Credentials::new(
            "local",
            "local",
            None,
            None,
            "local-server",
        ));
    }
    let sdk = loader.load().await;

    let dynamo = aws_sdk_dynamodb::Client::new(&sdk);
    ensure_table(&dynamo, table)
        .await
        .with_context(|| format!("creating or finding table {table} at {endpoint}"))?;
    let ses = aws_sdk_sesv2::Client::new(&sdk);
    ensure_identity(&ses, SENDER)
        .await
        .context("creating the SES sender identity")?;
    ensure_configuration_set(&ses, MAIL_EVENTS)
        .await
        .context("creating the SES configuration set")?;
    let cognito = aws_sdk_cognitoidentityprovider::Client::new(&sdk);
    let pool_id = ensure_user_pool(&cognito, POOL)
        .await
        .context("creating the user pool")?;
    let client_id = ensure_sign_in_client(&cognito, &pool_id, CLIENT)
        .await
        .context("creating the app client")?;

    let app = App {
        table: Arc::new(DynamoTable::new(dynamo, table)),
        mailer: Arc::new(SesMailer::new(ses, SENDER, Some(MAIL_EVENTS.into()))),
        sms: Arc::new(SnsSms::new(aws_sdk_sns::Client::new(&sdk))),
        identity: Arc::new(CognitoIdentity::new(cognito, pool_id, Some(client_id))),
        // Replaced by the in-process queue of the import worker (`build`).
        queue: Arc::new(shared::adapters::not_granted::NotGranted("local-server")),
        clock: Arc::new(shared::ports::SystemClock),
        settings,
    };
    Ok(app)
}

/// What an emulator recorded as sent, in the outbox's shape: moto lists sent e-mail and SMS
/// at `/moto-api/data.json`. Real AWS has no such page; there the outbox stays empty.
pub async fn sent_messages(endpoint: &str) -> anyhow::Result<Vec<OutboxEntry>> {
    let body = http_get(&format!(
        "{}/moto-api/data.json",
        endpoint.trim_end_matches('/')
    ))
    .await?;
    let data: serde_json::Value = serde_json::from_slice(&body).context("data.json is not JSON")?;
    let mut out = Vec::new();
    let list = |v: &serde_json::Value| v.as_array().cloned().unwrap_or_default();
    for m in list(&data["ses"]["Message"]) {
        for to in list(&m["destinations"]["ToAddresses"]) {
            out.push(OutboxEntry {
                channel: "email".into(),
                to: to.as_str().unwrap_or_default().into(),
                subject: m["subject"].as_str().map(str::to_owned),
                body: m["body"].as_str().unwrap_or_default().into(),
                sent_at: String::new(),
                message_id: m["id"].as_str().map(str::to_owned),
            });
        }
    }
    for m in list(&data["sns"]["SMS"]) {
        out.push(OutboxEntry {
            channel: "sms".into(),
            to: m["phone_number"].as_str().unwrap_or_default().into(),
            subject: None,
            body: m["message"].as_str().unwrap_or_default().into(),
            sent_at: String::new(),
            message_id: None,
        });
    }
    Ok(out)
}

/// A plain HTTP/1.0 GET: enough for an emulator on loopback, without an HTTP client crate.
async fn http_get(url: &str) -> anyhow::Result<Vec<u8>> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let rest = url
        .strip_prefix("http://")
        .context("only http:// endpoints have data.json")?;
    let (host, path) = rest
        .split_once('/')
        .map(|(h, p)| (h, format!("/{p}")))
        .unwrap_or((rest, "/".into()));
    let mut stream = tokio::net::TcpStream::connect(host)
        .await
        .with_context(|| format!("connecting to {host}"))?;
    stream
        .write_all(format!("GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n").as_bytes())
        .await?;
    let mut buf = Vec::new();
    stream.read_to_end(&mut buf).await?;
    let split = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .context("no HTTP header end")?;
    Ok(buf[split + 4..].to_vec())
}

//! What every Lambda function does at start: read the configuration once, build the AWS
//! clients and adapters it is granted once, and hand its router to the Lambda runtime.

use crate::adapters::dynamo::DynamoTable;
use crate::adapters::https::HttpsConnector;
use crate::adapters::not_granted::NotGranted;
use crate::app::App;
use crate::config::{Config, EndUserPool};
use crate::functions::Function;
use crate::ports::{Identity, Mailer, Queue, SmsSender, SystemClock};
use aws_config::SdkConfig;
use std::sync::Arc;

/// The mailer and the SMS sender of a function that sends invitations.
type Messaging = (Arc<dyn Mailer>, Arc<dyn SmsSender>);

/// A function granted a service whose client its build leaves out: its `Cargo.toml` lacks the
/// feature of `shared` that `functions.rs` grants it (the structure tests hold the two together).
#[derive(Debug, thiserror::Error)]
#[error(
    "function {function} is granted {service} but was built without shared's `{feature}` feature"
)]
pub struct NotCompiled {
    function: &'static str,
    service: &'static str,
    feature: &'static str,
}

/// Builds the application on AWS for `function`: one SDK configuration, a client for each
/// service the function is granted (and none for the others; its build links only those),
/// all of them on one HTTPS client (`adapters::https::HttpsConnector`) and one credentials
/// cache.
pub async fn app_from_env(config: Config, function: &Function) -> Result<App, NotCompiled> {
    let https = HttpsConnector::default();
    let retries =
        aws_config::retry::RetryConfig::standard().with_max_attempts(function.aws_attempts);
    let sdk = crate::adapters::sdk::sdk_config(&https, retries).await;
    // A prototype until measured in a build of its own (docs/performance.md, "cold request").
    #[cfg(feature = "warm-init")]
    https.warm_up(&sdk).await;
    let not_granted = Arc::new(NotGranted(function.name));
    // `Config::from_env` read the sender, the pool and the queue exactly for the functions
    // granted them.
    let (mailer, sms): Messaging = match config.ses_from_address {
        Some(from) => messaging(&sdk, from, config.ses_configuration_set, function)?,
        None => (not_granted.clone(), not_granted.clone()),
    };
    let identity: Arc<dyn Identity> = match config.end_user_pool {
        Some(pool) => sign_ins(&sdk, pool, function)?,
        None => not_granted.clone(),
    };
    let queue: Arc<dyn Queue> = match config.import_queue_url {
        Some(url) => import_queue(&sdk, url, function)?,
        None => not_granted,
    };
    Ok(App {
        table: Arc::new(DynamoTable::new(
            aws_sdk_dynamodb::Client::new(&sdk),
            config.table_name,
        )),
        mailer,
        sms,
        identity,
        queue,
        clock: Arc::new(SystemClock),
        settings: config.settings,
    })
}

/// Invitations: e-mail through SES, SMS through SNS.
#[cfg(feature = "aws-messaging")]
fn messaging(
    sdk: &SdkConfig,
    from: String,
    configuration_set: Option<String>,
    _: &Function,
) -> Result<Messaging, NotCompiled> {
    use crate::adapters::{ses::SesMailer, sns::SnsSms};
    let mailer = SesMailer::new(aws_sdk_sesv2::Client::new(sdk), from, configuration_set);
    let sms = SnsSms::new(aws_sdk_sns::Client::new(sdk));
    Ok((Arc::new(mailer), Arc::new(sms)))
}

#[cfg(not(feature = "aws-messaging"))]
fn messaging(
    _: &SdkConfig,
    _: String,
    _: Option<String>,
    function: &Function,
) -> Result<Messaging, NotCompiled> {
    Err(not_compiled(function, "SES and SNS", "aws-messaging"))
}

/// End users' sign-ins in Cognito.
#[cfg(feature = "aws-sign-ins")]
fn sign_ins(
    sdk: &SdkConfig,
    pool: EndUserPool,
    _: &Function,
) -> Result<Arc<dyn Identity>, NotCompiled> {
    use crate::adapters::cognito::CognitoIdentity;
    let client = aws_sdk_cognitoidentityprovider::Client::new(sdk);
    Ok(Arc::new(CognitoIdentity::new(
        client,
        pool.id,
        pool.client_id,
    )))
}

#[cfg(not(feature = "aws-sign-ins"))]
fn sign_ins(
    _: &SdkConfig,
    _: EndUserPool,
    function: &Function,
) -> Result<Arc<dyn Identity>, NotCompiled> {
    Err(not_compiled(function, "Cognito", "aws-sign-ins"))
}

/// The import queue on SQS.
#[cfg(feature = "aws-queue")]
fn import_queue(sdk: &SdkConfig, url: String, _: &Function) -> Result<Arc<dyn Queue>, NotCompiled> {
    use crate::adapters::sqs::SqsQueue;
    Ok(Arc::new(SqsQueue::new(aws_sdk_sqs::Client::new(sdk), url)))
}

#[cfg(not(feature = "aws-queue"))]
fn import_queue(
    _: &SdkConfig,
    _: String,
    function: &Function,
) -> Result<Arc<dyn Queue>, NotCompiled> {
    Err(not_compiled(function, "SQS", "aws-queue"))
}

#[cfg(not(all(
    feature = "aws-messaging",
    feature = "aws-sign-ins",
    feature = "aws-queue"
)))]
fn not_compiled(function: &Function, service: &'static str, feature: &'static str) -> NotCompiled {
    let e = NotCompiled {
        function: function.name,
        service,
        feature,
    };
    tracing::error!(error = %e, "build incomplete");
    e
}

/// Builds the application of `function`, failing fast when its build lacks a granted service.
async fn app_of(function: &Function) -> Result<App, lambda_http::Error> {
    let config = config_of(function)?;
    if function.warm_up_phone_numbers {
        crate::domain::MobileNumber::warm_up();
    }
    Ok(app_from_env(config, function).await?)
}

/// Reads the configuration of `function`, failing fast and naming a missing variable.
fn config_of(function: &Function) -> Result<Config, lambda_http::Error> {
    Config::from_process_env(function.reads()).map_err(|e| {
        tracing::error!(error = %e, "configuration incomplete");
        e.into()
    })
}

/// The whole `main` of an API function: fails fast, naming a missing variable, before serving.
pub async fn run(function: Function) -> Result<(), lambda_http::Error> {
    crate::logging::init_tracing();
    let app = app_of(&function).await?;
    lambda_http::run(function.router(app)).await
}

/// The whole `main` of the `deliveries` function: SNS notifications carrying SES events.
/// An invocation fails only when the table does, so that Lambda retries it.
pub async fn run_deliveries() -> Result<(), lambda_http::Error> {
    use lambda_http::{LambdaEvent, service_fn};
    crate::logging::init_tracing();
    let function = crate::functions::DELIVERIES;
    let app = Arc::new(app_of(&function).await?);
    let handler = service_fn(move |event: LambdaEvent<serde_json::Value>| {
        let app = app.clone();
        async move {
            let outcomes = crate::usecases::deliveries::record_sns(&app, &event.payload)
                .await
                .map_err(|e| format!("mail reports not recorded: {e}"))?;
            let recorded = outcomes
                .iter()
                .filter(|o| **o == crate::usecases::deliveries::Outcome::Recorded)
                .count();
            Ok::<_, lambda_http::Error>(serde_json::json!({"recorded": recorded}))
        }
    });
    lambda_http::lambda_runtime::run(handler).await
}

/// The whole `main` of the `schedule` function: each EventBridge event runs the scheduled
/// work once. A failed run fails the invocation, which goes to the on-failure destination;
/// what it left undone is still due and the next run does it.
pub async fn run_schedule() -> Result<(), lambda_http::Error> {
    use lambda_http::{LambdaEvent, service_fn};
    crate::logging::init_tracing();
    let function = crate::functions::SCHEDULE;
    let app = Arc::new(app_of(&function).await?);
    let handler = service_fn(move |event: LambdaEvent<serde_json::Value>| {
        let app = app.clone();
        async move {
            let deadline = deadline_of(&event.context, SCHEDULE_MARGIN);
            crate::functions::run_scheduled_until(&app, deadline)
                .await
                .map_err(|e| lambda_http::Error::from(format!("scheduled run failed: {e}")))
        }
    });
    lambda_http::lambda_runtime::run(handler).await
}

/// Time a run of the import worker leaves itself before Lambda's deadline, to finish the row
/// at hand and queue its continuation.
const IMPORT_MARGIN: std::time::Duration = std::time::Duration::from_secs(60);

/// Time a scheduled run leaves itself before Lambda's deadline (its timeout is 300 s): the
/// backfill stops after the customer at hand and saves its cursor, and the run ends before
/// the duration alarm's 240 s.
const SCHEDULE_MARGIN: std::time::Duration = std::time::Duration::from_secs(120);

/// The instant `margin` before the invocation's deadline (a wall-clock time), on the
/// monotonic clock (already passed when less than `margin` is left).
fn deadline_of(
    context: &lambda_http::lambda_runtime::Context,
    margin: std::time::Duration,
) -> Option<std::time::Instant> {
    let left = context
        .deadline()
        .duration_since(std::time::SystemTime::now());
    let deadline = std::time::Instant::now() + left.unwrap_or_default();
    deadline.checked_sub(margin)
}

/// The bodies of an SQS event's messages.
fn sqs_bodies(payload: &serde_json::Value) -> Vec<String> {
    payload["Records"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["body"].as_str().map(str::to_owned))
        .collect()
}

/// The whole `main` of the `imports` function: messages of the import queue. A failed run
/// fails the invocation, so that SQS hands the message again after the visibility timeout
/// (and to the dead-letter queue after the redrive policy's receive count).
pub async fn run_imports() -> Result<(), lambda_http::Error> {
    use lambda_http::{LambdaEvent, service_fn};
    crate::logging::init_tracing();
    let function = crate::functions::IMPORTS;
    let app = Arc::new(function.restrict(app_of(&function).await?));
    let handler = service_fn(move |event: LambdaEvent<serde_json::Value>| {
        let app = app.clone();
        async move {
            let deadline = deadline_of(&event.context, IMPORT_MARGIN);
            for body in sqs_bodies(&event.payload) {
                crate::usecases::imports::work(&app, &body, deadline)
                    .await
                    .map_err(|e| format!("import run failed: {e}"))?;
            }
            Ok::<_, lambda_http::Error>(serde_json::json!({}))
        }
    });
    lambda_http::lambda_runtime::run(handler).await
}

//! What every Lambda function does at start: read the configuration once, build the AWS
//! clients and adapters once, and hand its router to the Lambda runtime.

use crate::adapters::cognito::CognitoIdentity;
use crate::adapters::dynamo::{DynamoTable, counting_client};
use crate::adapters::ses::SesMailer;
use crate::adapters::sns::SnsSms;
use crate::app::App;
use crate::config::Config;
use crate::http::AppState;
use crate::ports::SystemClock;
use axum::Router;
use std::sync::Arc;

/// Crates whose debug and trace logs carry request and response bodies, which hold personal
/// data: capped at `info` whatever `RUST_LOG` asks for.
const BODY_LOGGING_CRATES: &[&str] = &[
    "aws_smithy_runtime",
    "aws_smithy_runtime_api",
    "aws_smithy_http",
    "aws_smithy_http_client",
    "aws_runtime",
    "aws_config",
    "aws_sdk_dynamodb",
    "aws_sdk_sesv2",
    "aws_sdk_sns",
    "aws_sdk_cognitoidentityprovider",
    "hyper",
    "hyper_util",
    "h2",
    "rustls",
    "lambda_runtime",
    "lambda_http",
];

/// The log filter of the functions: `directives` (from `RUST_LOG`, default `info`) with the
/// crates that would log bodies held at `info`.
pub fn log_filter(directives: &str) -> tracing_subscriber::EnvFilter {
    let mut filter = tracing_subscriber::EnvFilter::try_new(directives)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    for krate in BODY_LOGGING_CRATES {
        if let Ok(d) = format!("{krate}=info").parse() {
            filter = filter.add_directive(d);
        }
    }
    filter
}

/// JSON logs (CloudWatch), level from `RUST_LOG`; the runtime adds the request id as a span.
pub fn init_tracing() {
    let directives = std::env::var("RUST_LOG").unwrap_or_else(|_| "info".into());
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(log_filter(&directives))
        .with_current_span(true)
        .with_span_list(false)
        .with_target(false)
        .without_time()
        .init();
}

/// Builds the application on AWS. All clients share one SDK configuration, and with it one
/// HTTP connector and one credentials cache.
pub async fn app_from_env(config: Config) -> App {
    let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let (dynamo, requests) = counting_client(&sdk);
    App {
        table: Arc::new(DynamoTable::new(dynamo, config.table_name, requests)),
        mailer: Arc::new(SesMailer::new(
            aws_sdk_sesv2::Client::new(&sdk),
            config.ses_from_address,
        )),
        sms: Arc::new(SnsSms::new(aws_sdk_sns::Client::new(&sdk))),
        identity: Arc::new(CognitoIdentity::new(
            aws_sdk_cognitoidentityprovider::Client::new(&sdk),
            config.user_pool_id,
        )),
        clock: Arc::new(SystemClock),
        settings: config.settings,
    }
}

/// The whole `main` of a function: fails fast, naming a missing variable, before serving.
pub async fn run(router: fn() -> Router<AppState>) -> Result<(), lambda_http::Error> {
    init_tracing();
    let config = match Config::from_process_env() {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "configuration incomplete");
            return Err(e.into());
        }
    };
    let app = app_from_env(config).await;
    lambda_http::run(crate::http::finish(router(), app)).await
}

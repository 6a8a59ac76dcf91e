//! What every Lambda function does at start: read the configuration once, build the AWS
//! clients and adapters once, and hand its router to the Lambda runtime.

use crate::adapters::cognito::CognitoIdentity;
use crate::adapters::dynamo::DynamoTable;
use crate::adapters::https::HttpsConnector;
use crate::adapters::not_granted::NotGranted;
use crate::adapters::ses::SesMailer;
use crate::adapters::sns::SnsSms;
use crate::adapters::sqs::SqsQueue;
use crate::app::App;
use crate::config::Config;
use crate::functions::Function;
use crate::ports::{Identity, Mailer, Queue, SmsSender, SystemClock};
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
    "aws_sdk_sqs",
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
    tracing::subscriber::set_global_default(subscriber(&directives, std::io::stdout))
        .expect("tracing is set up once, at start");
}

/// The functions' log subscriber: one JSON object per line, with the fields of the current
/// span, which in Lambda is the runtime's invocation span carrying `requestId` and, with
/// tracing active, `xrayTraceId`: every line of an invocation names its trace.
pub fn subscriber<W>(directives: &str, writer: W) -> impl tracing::Subscriber + Send + Sync
where
    W: for<'a> tracing_subscriber::fmt::MakeWriter<'a> + Send + Sync + 'static,
{
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(log_filter(directives))
        .with_current_span(true)
        .with_span_list(false)
        .with_target(false)
        .without_time()
        .with_writer(writer)
        .finish()
}

/// Builds the application on AWS for `function`: one SDK configuration, a client for each
/// service the function is granted (and none for the others), all of them on one HTTPS client
/// (`adapters::https::HttpsConnector`) and one credentials cache.
pub async fn app_from_env(config: Config, function: &Function) -> App {
    let https = HttpsConnector::default();
    let retries =
        aws_config::retry::RetryConfig::standard().with_max_attempts(function.aws_attempts);
    let sdk = crate::adapters::sdk::sdk_config(&https, retries).await;
    // A prototype until measured in a build of its own (docs/performance.md, "cold request").
    #[cfg(feature = "warm-init")]
    https.warm_up(&sdk).await;
    let not_granted = Arc::new(NotGranted(function.name));
    // `Config::from_env` read the sender and the pool exactly for the functions granted them.
    let (mailer, sms): (Arc<dyn Mailer>, Arc<dyn SmsSender>) = match config.ses_from_address {
        Some(from) => (
            Arc::new(SesMailer::new(
                aws_sdk_sesv2::Client::new(&sdk),
                from,
                config.ses_configuration_set,
            )),
            Arc::new(SnsSms::new(aws_sdk_sns::Client::new(&sdk))),
        ),
        None => (not_granted.clone(), not_granted.clone()),
    };
    let identity: Arc<dyn Identity> = match config.end_user_pool {
        Some(pool) => Arc::new(CognitoIdentity::new(
            aws_sdk_cognitoidentityprovider::Client::new(&sdk),
            pool.id,
            pool.client_id,
        )),
        None => not_granted.clone(),
    };
    let queue: Arc<dyn Queue> = match config.import_queue_url {
        Some(url) => Arc::new(SqsQueue::new(aws_sdk_sqs::Client::new(&sdk), url)),
        None => not_granted,
    };
    App {
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
    }
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
    init_tracing();
    let config = config_of(&function)?;
    let app = app_from_env(config, &function).await;
    lambda_http::run(function.router(app)).await
}

/// The whole `main` of the `deliveries` function: SNS notifications carrying SES events.
/// An invocation fails only when the table does, so that Lambda retries it.
pub async fn run_deliveries() -> Result<(), lambda_http::Error> {
    use lambda_http::{LambdaEvent, service_fn};
    init_tracing();
    let function = crate::functions::DELIVERIES;
    let config = config_of(&function)?;
    let app = Arc::new(app_from_env(config, &function).await);
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

/// Time a run of the import worker leaves itself before Lambda's deadline, to finish the row
/// at hand and queue its continuation.
const IMPORT_MARGIN: std::time::Duration = std::time::Duration::from_secs(60);

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
    init_tracing();
    let function = crate::functions::IMPORTS;
    let config = config_of(&function)?;
    let app = Arc::new(function.restrict(app_from_env(config, &function).await));
    let handler = service_fn(move |event: LambdaEvent<serde_json::Value>| {
        let app = app.clone();
        async move {
            let left = event
                .context
                .deadline()
                .duration_since(std::time::SystemTime::now());
            let deadline = std::time::Instant::now() + left.unwrap_or_default();
            let deadline = deadline.checked_sub(IMPORT_MARGIN);
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

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Buffer {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn every_log_line_is_json_with_the_request_id_and_the_trace_id_of_the_invocation() {
        let buffer = Buffer::default();
        let writer = buffer.clone();
        let subscriber = super::subscriber("trace", move || writer.clone());
        tracing::subscriber::with_default(subscriber, || {
            // The span lambda_runtime opens around each invocation, with the X-Ray trace id
            // that Lambda hands out when tracing is active.
            let mut context = lambda_http::lambda_runtime::Context::default();
            context.request_id = "8476a536-e9f4-11e8-9739-2dfe598c3fcd".into();
            context.xray_trace_id =
                Some("Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1".into());
            let span = lambda_http::lambda_runtime::layers::trace::request_span(&context);
            let _entered = span.enter();
            tracing::info!(customer_id = "cus_1", "customer created");
            // Body-carrying crates stay quiet even at trace.
            tracing::trace!(target: "aws_smithy_runtime::client", "read HTTP response body");
        });
        let text = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).expect("a JSON line"))
            .collect();
        assert_eq!(lines.len(), 1, "{text}");
        assert_eq!(
            lines[0]["span"]["requestId"],
            "8476a536-e9f4-11e8-9739-2dfe598c3fcd"
        );
        assert_eq!(
            lines[0]["span"]["xrayTraceId"],
            "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1"
        );
        assert_eq!(lines[0]["fields"]["message"], "customer created");
        assert_eq!(lines[0]["level"], "INFO");
    }
}

//! What every Lambda function does at start: read the configuration once, build the AWS
//! clients and adapters once, and hand its router to the Lambda runtime.

use crate::adapters::cognito::CognitoIdentity;
use crate::adapters::dynamo::DynamoTable;
use crate::adapters::not_granted::NotGranted;
use crate::adapters::ses::SesMailer;
use crate::adapters::sns::SnsSms;
use crate::adapters::sqs::SqsQueue;
use crate::app::App;
use crate::config::Config;
use crate::functions::Function;
use crate::ports::{Identity, Mailer, Queue, SmsSender, SystemClock};
use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};
use aws_smithy_runtime_api::client::http::{
    HttpConnector, HttpConnectorSettings, SharedHttpClient, SharedHttpConnector, http_client_fn,
};
use aws_smithy_runtime_api::shared::IntoShared;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

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

/// One HTTPS client for all AWS clients of a process, with one TLS connector built on first
/// use (one rustls configuration, one parse of the root certificates, one connection pool).
///
/// The SDK's default HTTP client builds a TLS connector whenever a service client is
/// constructed (to validate it) and once more per service client on its first request:
/// five connectors for four clients, each parsing every root certificate, four of them at
/// init. All clients here come from one `SdkConfig` and so share one timeout configuration,
/// which is what the one connector is built with.
pub fn shared_https_client() -> SharedHttpClient {
    HttpsConnector::default().client()
}

/// The one TLS connector of a process, built on first use: by the first AWS client that
/// sends a request, or earlier by `warm_up`.
#[derive(Clone, Default)]
pub struct HttpsConnector(Arc<OnceLock<SharedHttpConnector>>);

impl HttpsConnector {
    /// The connector, built now if it is not yet (this parses the root certificates).
    fn get(
        &self,
        settings: &HttpConnectorSettings,
        sleep: Option<aws_smithy_async::rt::sleep::SharedAsyncSleep>,
    ) -> SharedHttpConnector {
        self.0
            .get_or_init(|| {
                let mut builder = aws_smithy_http_client::Connector::builder()
                    .connector_settings(settings.clone());
                builder.set_sleep_impl(sleep);
                builder
                    .tls_provider(Provider::Rustls(CryptoMode::AwsLc))
                    .build()
                    .into_shared()
            })
            .clone()
    }

    /// The HTTP client for the SDK configuration: every AWS client gets this one connector.
    pub fn client(&self) -> SharedHttpClient {
        let this = self.clone();
        http_client_fn(move |settings: &HttpConnectorSettings, components| {
            this.get(settings, components.sleep_impl())
        })
    }

    /// Does at init what the first request would otherwise pay under the invoke's CPU share
    /// (at 128 MB about 7 % of a core, while Lambda runs init at full speed;
    /// `docs/performance.md`): builds the connector (reads and parses the root certificates),
    /// seeds the TLS library's random generator (aws-lc's CPU-jitter entropy, once per process)
    /// and opens one HTTPS connection to DynamoDB with an unsigned `GET /`, which DynamoDB
    /// answers with its health line and which needs neither a permission nor capacity. The
    /// connection stays in the pool for the first request. Best effort: a failure or a timeout
    /// (`WARM_UP_TIMEOUT`) leaves the first request to connect as before.
    pub async fn warm_up(&self, sdk: &aws_config::SdkConfig) {
        let timeouts = sdk.timeout_config();
        let mut settings = HttpConnectorSettings::builder();
        settings.set_connect_timeout(timeouts.and_then(|t| t.connect_timeout()));
        settings.set_read_timeout(timeouts.and_then(|t| t.read_timeout()));
        let connector = self.get(&settings.build(), sdk.sleep_impl());
        let endpoint = match sdk.endpoint_url() {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!(
                "https://dynamodb.{}.amazonaws.com",
                sdk.region().map(|r| r.as_ref()).unwrap_or("us-east-1")
            ),
        };
        let request = http::Request::get(format!("{endpoint}/"))
            .body(aws_smithy_types::body::SdkBody::empty())
            .ok()
            .and_then(|r| aws_smithy_runtime_api::http::Request::try_from(r).ok());
        let Some(request) = request else { return };
        match tokio::time::timeout(WARM_UP_TIMEOUT, connector.call(request)).await {
            Ok(Ok(_)) => tracing::debug!("HTTPS connection to DynamoDB opened at init"),
            Ok(Err(e)) => tracing::debug!(error = %e, "no HTTPS connection at init"),
            Err(_) => tracing::debug!("no HTTPS connection at init: timed out"),
        }
    }
}

/// How long init waits for the early connection (a TLS handshake in the region takes a few
/// milliseconds).
const WARM_UP_TIMEOUT: Duration = Duration::from_millis(500);

/// Builds the application on AWS for `function`: one SDK configuration, a client for each
/// service the function is granted (and none for the others), all of them on one HTTPS client
/// (`shared_https_client`) and one credentials cache.
pub async fn app_from_env(config: Config, function: &Function) -> App {
    let https = HttpsConnector::default();
    let mut loader =
        aws_config::defaults(aws_config::BehaviorVersion::latest()).http_client(https.client());
    if function.name == crate::functions::IMPORTS.name {
        // The worker has time to wait: SES's and SNS's throttling errors (and DynamoDB's) are
        // retried with exponential backoff up to 8 times instead of the default 3.
        loader =
            loader.retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(8));
    }
    let sdk = loader.load().await;
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

    /// An SDK configuration whose endpoint is `endpoint` (as `AWS_ENDPOINT_URL` sets it).
    fn sdk_at(endpoint: &str) -> aws_config::SdkConfig {
        aws_config::SdkConfig::builder()
            .behavior_version(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new("eu-central-1"))
            .endpoint_url(endpoint)
            .sleep_impl(aws_smithy_async::rt::sleep::TokioSleep::new())
            .build()
    }

    #[tokio::test]
    async fn warm_up_opens_one_connection_to_the_endpoint_and_keeps_it_for_the_first_request() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let server = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut buf = vec![0u8; 4096];
            let n = socket.read(&mut buf).await.unwrap();
            let head = String::from_utf8_lossy(&buf[..n]).into_owned();
            let answer = "HTTP/1.1 200 OK\r\ncontent-length: 7\r\n\r\nhealthy";
            socket.write_all(answer.as_bytes()).await.unwrap();
            // The connection stays open: a second accept would mean it was not kept.
            let second =
                tokio::time::timeout(std::time::Duration::from_millis(200), listener.accept())
                    .await;
            (head, second.is_err(), socket)
        });
        super::HttpsConnector::default()
            .warm_up(&sdk_at(&url))
            .await;
        let (head, no_second_connection, _socket) = server.await.unwrap();
        assert!(head.starts_with("GET / HTTP/1.1\r\n"), "{head}");
        assert!(
            !head.to_ascii_lowercase().contains("authorization"),
            "unsigned: {head}"
        );
        assert!(no_second_connection);
    }

    #[tokio::test]
    async fn warm_up_gives_up_quietly_when_nothing_answers() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        // Accepted by the kernel's backlog, never answered: the warm-up ends at its timeout.
        let started = std::time::Instant::now();
        super::HttpsConnector::default()
            .warm_up(&sdk_at(&url))
            .await;
        assert!(started.elapsed() < super::WARM_UP_TIMEOUT * 4);
        drop(listener);
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

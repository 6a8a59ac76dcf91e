//! The functions' logs: one JSON object per line with the invocation's request and trace id,
//! and the crates that would log request or response bodies held at `info`.

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

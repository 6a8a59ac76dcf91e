//! The one HTTPS connector of a Lambda process that every AWS client shares, and its optional
//! warm-up at init (docs/performance.md, "cold request").

use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};
use aws_smithy_runtime_api::client::http::{
    HttpConnector, HttpConnectorSettings, SharedHttpClient, SharedHttpConnector, http_client_fn,
};
use aws_smithy_runtime_api::shared::IntoShared;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// The one TLS connector of a process for all its AWS clients, built on first use (by the
/// first request, or earlier by `warm_up`): one rustls configuration, one parse of the root
/// certificates, one connection pool.
///
/// The SDK's default HTTP client builds a TLS connector whenever a service client is
/// constructed (to validate it) and once more per service client on its first request:
/// five connectors for four clients, each parsing every root certificate, four of them at
/// init. All clients here come from one `SdkConfig` and so share one timeout configuration,
/// which is what the one connector is built with.
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
    /// seeds the TLS library's random generator (from `getrandom`: the project builds aws-lc
    /// without CPU-jitter entropy) and opens one HTTPS connection to DynamoDB with an unsigned `GET /`, which DynamoDB
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

#[cfg(test)]
mod tests {
    use super::*;

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
        HttpsConnector::default().warm_up(&sdk_at(&url)).await;
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
        HttpsConnector::default().warm_up(&sdk_at(&url)).await;
        assert!(started.elapsed() < super::WARM_UP_TIMEOUT * 4);
        drop(listener);
    }
}

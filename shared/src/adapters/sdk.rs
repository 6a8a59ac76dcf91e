//! The AWS SDK configuration of a function: on Lambda straight from the variables Lambda sets,
//! elsewhere through aws-config's default chain (docs/performance.md, "SDK configuration").

use super::https::HttpsConnector;
use aws_config::identity::IdentityCache;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_dynamodb::config::{Credentials, SharedCredentialsProvider};
use aws_smithy_async::rt::sleep::{SharedAsyncSleep, TokioSleep};
use std::time::Duration;

/// What Lambda puts in a function's environment for the SDK: the region and the execution
/// role's temporary credentials. `AWS_ENDPOINT_URL` is honoured as aws-config does (the bench
/// and the event tests point the functions at moto with it; Lambda never sets it). No `Debug`:
/// it holds the secret key.
pub struct LambdaEnvironment {
    region: String,
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
    endpoint_url: Option<String>,
}

impl LambdaEnvironment {
    /// `Some` inside Lambda (`AWS_LAMBDA_FUNCTION_NAME` set, and the region and credentials
    /// with it), `None` elsewhere: an operator running a binary with a profile, SSO or a
    /// container role keeps the default chain.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Option<Self> {
        let set = |name: &str| var(name).filter(|v| !v.is_empty());
        set("AWS_LAMBDA_FUNCTION_NAME")?;
        Some(Self {
            region: set("AWS_REGION")?,
            access_key_id: set("AWS_ACCESS_KEY_ID")?,
            secret_access_key: set("AWS_SECRET_ACCESS_KEY")?,
            session_token: set("AWS_SESSION_TOKEN"),
            endpoint_url: set("AWS_ENDPOINT_URL"),
        })
    }

    /// The configuration aws-config's loader would build from the same variables, without its
    /// provider chains: no profile files read, no credential, region, token or endpoint
    /// provider constructed at init.
    pub fn sdk_config(self, https: &HttpsConnector, retries: RetryConfig) -> SdkConfig {
        let credentials = Credentials::new(
            self.access_key_id,
            self.secret_access_key,
            self.session_token,
            None,
            "Lambda environment",
        );
        let mut builder = SdkConfig::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(self.region))
            .credentials_provider(SharedCredentialsProvider::new(credentials))
            .http_client(https.client())
            .retry_config(retries)
            .timeout_config(default_timeouts())
            .sleep_impl(SharedAsyncSleep::new(TokioSleep::new()))
            .identity_cache(IdentityCache::lazy().build());
        builder.set_endpoint_url(self.endpoint_url);
        builder.build()
    }
}

/// aws-config's default timeouts for this behaviour version: a 3.1 s connect timeout, no
/// other limit (the function's own timeout bounds the rest).
fn default_timeouts() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(Duration::from_millis(3100))
        .build()
}

/// The SDK configuration for a function process: from Lambda's variables where they are all
/// there, else from aws-config's default chain; both with the one HTTPS connector and `retries`.
pub async fn sdk_config(https: &HttpsConnector, retries: RetryConfig) -> SdkConfig {
    match LambdaEnvironment::from_vars(|name| std::env::var(name).ok()) {
        Some(lambda) => lambda.sdk_config(https, retries),
        None => default_chain(https, retries).await,
    }
}

/// The SDK configuration through aws-config's default chain (profiles, SSO, container and
/// instance roles), with the one HTTPS connector and `retries`.
pub async fn default_chain(https: &HttpsConnector, retries: RetryConfig) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .http_client(https.client())
        .retry_config(retries)
        .load()
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_dynamodb::config::ProvideCredentials;
    use std::collections::HashMap;

    fn lambda_vars() -> HashMap<&'static str, &'static str> {
        HashMap::from([
            ("AWS_LAMBDA_FUNCTION_NAME", "customers"),
            ("AWS_REGION", "eu-central-1"),
            ("AWS_ACCESS_KEY_ID", "ASIAEXAMPLE"),
            ("AWS_SECRET_ACCESS_KEY", "secret"),
            ("AWS_SESSION_TOKEN", "token"),
        ])
    }

    fn from(vars: &HashMap<&'static str, &'static str>) -> Option<LambdaEnvironment> {
        LambdaEnvironment::from_vars(|name| vars.get(name).map(|v| v.to_string()))
    }

    #[tokio::test]
    async fn inside_lambda_the_configuration_holds_the_region_and_the_role_credentials_of_the_environment()
     {
        let sdk = from(&lambda_vars())
            .expect("a Lambda environment")
            .sdk_config(&HttpsConnector::default(), RetryConfig::standard());
        assert_eq!(sdk.region().map(|r| r.as_ref()), Some("eu-central-1"));
        assert_eq!(sdk.endpoint_url(), None);
        let credentials = sdk
            .credentials_provider()
            .expect("credentials")
            .provide_credentials()
            .await
            .unwrap();
        assert_eq!(credentials.access_key_id(), "ASIAEXAMPLE");
        assert_eq!(credentials.session_token(), Some("token"));
        assert!(sdk.http_client().is_some());
        assert!(sdk.identity_cache().is_some());
        let connect = sdk.timeout_config().and_then(|t| t.connect_timeout());
        assert_eq!(connect, Some(Duration::from_millis(3100)));
    }

    #[test]
    fn an_endpoint_url_in_the_environment_is_honoured_as_aws_config_does() {
        let mut vars = lambda_vars();
        vars.insert("AWS_ENDPOINT_URL", "https://127.0.0.1:4566");
        let sdk = from(&vars)
            .unwrap()
            .sdk_config(&HttpsConnector::default(), RetryConfig::standard());
        assert_eq!(sdk.endpoint_url(), Some("https://127.0.0.1:4566"));
    }

    #[test]
    fn outside_lambda_or_without_its_credentials_the_default_chain_is_used() {
        let mut outside = lambda_vars();
        outside.remove("AWS_LAMBDA_FUNCTION_NAME");
        assert!(from(&outside).is_none());
        for missing in ["AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"] {
            let mut vars = lambda_vars();
            vars.insert(missing, "");
            assert!(from(&vars).is_none(), "{missing} empty");
            vars.remove(missing);
            assert!(from(&vars).is_none(), "{missing} unset");
        }
        let mut no_token = lambda_vars();
        no_token.remove("AWS_SESSION_TOKEN");
        assert!(from(&no_token).is_some());
    }
}

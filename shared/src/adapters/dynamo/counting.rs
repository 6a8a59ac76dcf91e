//! Counting the HTTP requests of a DynamoDB client (feature `testing`): what a round trip
//! costs on DynamoDB, for the round-trip tests and the benchmark.

use crate::adapters::counting::RequestCounter;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use aws_smithy_runtime_api::client::orchestrator::Metadata;

/// Counts every HTTP request of the port's operations that the SDK transmits, including its
/// own retries: that is what a round trip costs. Scans and table management are tools around
/// the port (the counting decorator of other tables does not count them either).
#[derive(Debug)]
struct CountRequests(RequestCounter);

const COUNTED_OPERATIONS: &[&str] = &[
    "GetItem",
    "BatchGetItem",
    "Query",
    "PutItem",
    "UpdateItem",
    "DeleteItem",
    "TransactWriteItems",
    "BatchWriteItem",
];

impl Intercept for CountRequests {
    fn name(&self) -> &'static str {
        "CountRequests"
    }

    fn read_before_transmit(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let counted = cfg
            .load::<Metadata>()
            .is_none_or(|m| COUNTED_OPERATIONS.contains(&m.name()));
        if counted {
            self.0.add(1);
        }
        Ok(())
    }
}

/// A DynamoDB client whose data requests are counted in the returned counter.
pub fn counting_client(conf: &aws_config::SdkConfig) -> (Client, RequestCounter) {
    let counter = RequestCounter::default();
    let config = aws_sdk_dynamodb::config::Builder::from(conf)
        .interceptor(CountRequests(counter.clone()))
        .build();
    (Client::from_conf(config), counter)
}

//! Adapters: the ports implemented for AWS (DynamoDB, SES, SNS, Cognito, SQS) and for local or
//! in-memory use (memory table, outbox, local identities, in-process queue), and stand-ins for
//! ports a function is not granted.

pub mod cognito;
#[cfg(feature = "testing")]
pub mod counting;
pub mod dynamo;
pub mod https;
pub mod in_process_queue;
pub mod local_identity;
pub mod memory;
pub mod not_granted;
pub mod outbox;
pub mod sdk;
pub mod ses;
pub mod sns;
pub mod sqs;

//! Adapters: the ports implemented for AWS (DynamoDB, SES, SNS, Cognito) and for local or
//! in-memory use (memory table, outbox, local identities), and stand-ins for ports a function
//! is not granted.

pub mod cognito;
#[cfg(feature = "testing")]
pub mod counting;
pub mod dynamo;
pub mod local_identity;
pub mod memory;
pub mod not_granted;
pub mod outbox;
pub mod ses;
pub mod sns;

//! Adapters: the ports implemented for AWS (DynamoDB, SES, SNS, Cognito, SQS) and for local or
//! in-memory use (memory table, outbox, local identities, in-process queue), and stand-ins for
//! ports a function is not granted. Each AWS adapter is compiled only with the feature of its
//! service (`shared/Cargo.toml`).

#[cfg(any(
    feature = "aws-messaging",
    feature = "aws-sign-ins",
    feature = "aws-queue"
))]
mod aws_errors;
#[cfg(feature = "aws-sign-ins")]
pub mod cognito;
#[cfg(feature = "testing")]
pub mod counting;
#[cfg(feature = "aws")]
pub mod dynamo;
#[cfg(feature = "aws")]
pub mod https;
pub mod in_process_queue;
pub mod local_identity;
pub mod memory;
pub mod not_granted;
pub mod outbox;
#[cfg(feature = "aws")]
pub mod sdk;
#[cfg(feature = "aws-messaging")]
pub mod ses;
#[cfg(feature = "aws-messaging")]
pub mod sns;
#[cfg(feature = "aws-queue")]
pub mod sqs;

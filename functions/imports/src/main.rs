//! Lambda function `imports`: creates and invites the customers of queued CSV imports,
//! invoked by the SQS import queue.

// One thread: Lambda hands a function one event at a time.
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::lambda::run_imports().await
}

//! Lambda function `deliveries`: records what SES reports about invitation e-mails
//! (delivered, bounced, complained), invoked by the configuration set's SNS topic.

// One thread: Lambda hands a function one event at a time.
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::lambda::run_deliveries().await
}

//! Lambda function `schedule`: the scheduled work (each invitation's one automatic reminder),
//! invoked by an EventBridge schedule.

// One thread: Lambda hands a function one event at a time.
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::lambda::run_schedule().await
}

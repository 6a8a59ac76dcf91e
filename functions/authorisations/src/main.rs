//! Lambda function `authorisations`: authorisations at a glance and their changes, and the specialist directory.

// One thread: Lambda hands a function one event at a time, and at 128 MB it has a fraction
// of a core, so worker threads would cost memory and init time and buy nothing.
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::lambda::run(shared::functions::AUTHORISATIONS).await
}

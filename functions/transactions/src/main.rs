//! Lambda function `transactions`: business transactions of a customer, and the end user's own view.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::lambda::run(shared::functions::TRANSACTIONS).await
}

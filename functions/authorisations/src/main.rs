//! Lambda function `authorisations`: authorisations at a glance and their changes, and the specialist directory.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::lambda::run(shared::functions::AUTHORISATIONS).await
}

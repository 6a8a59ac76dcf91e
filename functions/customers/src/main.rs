//! Lambda function `customers`: customer overview, create, read, edit and permanent delete.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::lambda::run(shared::functions::CUSTOMERS).await
}

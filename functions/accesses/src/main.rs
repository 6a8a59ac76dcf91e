//! Lambda function `accesses`: end users' accesses: create, change, resend the invitation.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::lambda::run(shared::functions::ACCESSES).await
}

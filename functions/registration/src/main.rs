//! Lambda function `registration`: end users' registration: inspect a link, complete it into a sign-in.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::lambda::run(shared::functions::REGISTRATION).await
}

//! The floor of the benchmark: what any `lambda_http` + axum function costs before it does
//! anything of its own. No configuration, no AWS clients, one route that says hello.

use axum::Router;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    let app = Router::new().fallback(|| async { "hello" });
    lambda_http::run(app).await
}

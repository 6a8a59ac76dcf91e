//! A customer's business transactions (an end user's own view of them is `me`).

use super::AppState;
use super::extract::{JsonBody, PathParams};
use crate::auth::Caller;
use crate::domain::{CustomerId, TransactionId};
use crate::error::Result;
use crate::usecases::transactions::{self, NewTransaction};
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/customers/{id}/transactions", get(list).post(create))
        .route(
            "/customers/{id}/transactions/{transaction_id}",
            get(read).delete(delete),
        )
}

async fn list(
    State(app): State<AppState>,
    caller: Caller,
    PathParams(id): PathParams<CustomerId>,
) -> Result<impl IntoResponse> {
    Ok(Json(transactions::list(&app, &caller, &id).await?))
}

async fn create(
    State(app): State<AppState>,
    caller: Caller,
    PathParams(id): PathParams<CustomerId>,
    JsonBody(input): JsonBody<NewTransaction>,
) -> Result<impl IntoResponse> {
    let t = transactions::create(&app, &caller, &id, input).await?;
    let location = format!("/customers/{id}/transactions/{}", t.id);
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(t)))
}

async fn read(
    State(app): State<AppState>,
    caller: Caller,
    PathParams((id, tid)): PathParams<(CustomerId, TransactionId)>,
) -> Result<impl IntoResponse> {
    Ok(Json(transactions::get(&app, &caller, &id, &tid).await?))
}

async fn delete(
    State(app): State<AppState>,
    caller: Caller,
    PathParams((id, tid)): PathParams<(CustomerId, TransactionId)>,
) -> Result<impl IntoResponse> {
    transactions::delete(&app, &caller, &id, &tid).await?;
    Ok(StatusCode::NO_CONTENT)
}

//! The end user's own routes (`/me`).

use super::AppState;
use super::extract::QueryParams;
use crate::auth::Caller;
use crate::error::Result;
use crate::usecases::me;
use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/me", get(read))
        .route("/me/transactions", get(transactions))
}

async fn read(State(app): State<AppState>, caller: Caller) -> Result<impl IntoResponse> {
    Ok(Json(me::me(&app, &caller).await?))
}

async fn transactions(
    State(app): State<AppState>,
    caller: Caller,
    QueryParams(query): QueryParams<me::TransactionsQuery>,
) -> Result<impl IntoResponse> {
    Ok(Json(me::transactions(&app, &caller, query).await?))
}

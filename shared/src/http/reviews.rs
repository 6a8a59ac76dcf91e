//! Access reviews: confirm a customer's accesses, and the reviews that fall due.

use super::AppState;
use super::extract::{JsonBody, PathParams, QueryParams};
use crate::auth::Caller;
use crate::domain::CustomerId;
use crate::error::Result;
use crate::usecases::reviews::{self, DueQuery};
use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/customers/{id}/access-review", post(confirm))
        .route("/access-reviews", get(due))
}

/// The body is `{}`: nothing to say beyond who confirms, which the token tells.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewInput {}

async fn confirm(
    State(app): State<AppState>,
    caller: Caller,
    PathParams(id): PathParams<CustomerId>,
    JsonBody(_): JsonBody<ReviewInput>,
) -> Result<impl IntoResponse> {
    Ok(Json(reviews::confirm(&app, &caller, &id).await?))
}

async fn due(
    State(app): State<AppState>,
    caller: Caller,
    QueryParams(query): QueryParams<DueQuery>,
) -> Result<impl IntoResponse> {
    Ok(Json(reviews::due(&app, &caller, &query).await?))
}

//! The specialist directory.

use super::AppState;
use super::extract::{JsonBody, PathParams};
use crate::auth::Caller;
use crate::error::Result;
use crate::usecases::specialists::{self, SpecialistInput};
use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::{get, put};
use axum::{Json, Router};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/specialists", get(list))
        .route("/specialists/{id}", put(put_specialist))
}

async fn list(State(app): State<AppState>, caller: Caller) -> Result<impl IntoResponse> {
    Ok(Json(specialists::list(&app, &caller).await?))
}

async fn put_specialist(
    State(app): State<AppState>,
    caller: Caller,
    PathParams(id): PathParams<String>,
    JsonBody(input): JsonBody<SpecialistInput>,
) -> Result<impl IntoResponse> {
    Ok(Json(specialists::put(&app, &caller, &id, input).await?))
}

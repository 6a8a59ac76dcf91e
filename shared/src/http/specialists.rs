//! The specialist directory: its entries, what each specialist is responsible for, and a
//! specialist's leaving it.

use super::AppState;
use super::extract::{JsonBody, PathParams, QueryParams};
use crate::auth::Caller;
use crate::domain::SpecialistId;
use crate::error::Result;
use crate::usecases::responsibilities::{self, ResponsibilitiesQuery};
use crate::usecases::specialists::{self, SpecialistInput};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, put};
use axum::{Json, Router};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/specialists", get(list))
        .route(
            "/specialists/{id}",
            put(put_specialist).delete(remove_specialist),
        )
        .route("/specialists/{id}/responsibilities", get(responsibilities))
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

async fn responsibilities(
    State(app): State<AppState>,
    caller: Caller,
    PathParams(id): PathParams<SpecialistId>,
    QueryParams(query): QueryParams<ResponsibilitiesQuery>,
) -> Result<impl IntoResponse> {
    Ok(Json(
        responsibilities::list(&app, &caller, &id, &query).await?,
    ))
}

async fn remove_specialist(
    State(app): State<AppState>,
    caller: Caller,
    PathParams(id): PathParams<SpecialistId>,
) -> Result<impl IntoResponse> {
    specialists::delete(&app, &caller, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

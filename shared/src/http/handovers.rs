//! Responsibilities and handover (contract v3): a specialist's responsibilities and its
//! leaving the directory (served by the `authorisations` function, which keeps the
//! directory), and handovers (served by the `customers` function, which queues jobs).

use super::AppState;
use super::extract::{Body, PathParams, QueryParams, parse_json};
use crate::auth::Caller;
use crate::domain::IdempotencyKey;
use crate::error::Result;
use crate::usecases::handover;
use crate::usecases::responsibilities::{self, ResponsibilitiesQuery};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};

/// The directory's side: what a specialist is responsible for, and its removal.
pub fn directory_router() -> Router<AppState> {
    Router::new()
        .route("/specialists/{id}/responsibilities", get(list))
        .route("/specialists/{id}", delete(remove_specialist))
}

/// The jobs' side: starting a handover and following it.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/specialists/{id}/handover", post(start))
        .route("/handovers/{id}", get(read))
}

async fn list(
    State(app): State<AppState>,
    caller: Caller,
    PathParams(id): PathParams<String>,
    QueryParams(query): QueryParams<ResponsibilitiesQuery>,
) -> Result<impl IntoResponse> {
    Ok(Json(
        responsibilities::list(&app, &caller, &id, &query).await?,
    ))
}

async fn remove_specialist(
    State(app): State<AppState>,
    caller: Caller,
    PathParams(id): PathParams<String>,
) -> Result<impl IntoResponse> {
    handover::delete_specialist(&app, &caller, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn start(
    State(app): State<AppState>,
    caller: Caller,
    PathParams(id): PathParams<String>,
    key: Option<IdempotencyKey>,
    Body(body): Body,
) -> Result<Response> {
    let input = parse_json(&body)?;
    let view = handover::start(&app, &caller, &id, (input, &body), key.as_ref()).await?;
    Ok((StatusCode::ACCEPTED, Json(view)).into_response())
}

async fn read(
    State(app): State<AppState>,
    caller: Caller,
    PathParams(id): PathParams<String>,
) -> Result<impl IntoResponse> {
    Ok(Json(handover::get(&app, &caller, &id).await?))
}

//! Handovers (contract v3): starting one, a job on the queue, and following it.

use super::AppState;
use super::extract::{Body, PathParams, parse_json};
use crate::auth::Caller;
use crate::domain::{HandoverId, IdempotencyKey, SpecialistId};
use crate::error::Result;
use crate::usecases::handover;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/specialists/{id}/handover", post(start))
        .route("/handovers/{id}", get(read))
}

async fn start(
    State(app): State<AppState>,
    caller: Caller,
    PathParams(id): PathParams<SpecialistId>,
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
    PathParams(id): PathParams<HandoverId>,
) -> Result<impl IntoResponse> {
    Ok(Json(handover::get(&app, &caller, &id).await?))
}

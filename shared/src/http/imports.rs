//! Imports of customers from CSV: dry run, queueing an import, and its progress.

use super::AppState;
use super::extract::{CsvBody, PathParams, QueryParams};
use crate::auth::Caller;
use crate::domain::{IdempotencyKey, ImportId};
use crate::error::Result;
use crate::usecases::imports;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/imports", post(start))
        .route("/imports/{id}", get(read))
}

async fn start(
    State(app): State<AppState>,
    caller: Caller,
    QueryParams(query): QueryParams<imports::StartQuery>,
    key: Option<IdempotencyKey>,
    CsvBody(body): CsvBody,
) -> Result<Response> {
    if query.dry_run()? {
        return Ok(Json(imports::dry_run(&app, &caller, &body)?).into_response());
    }
    let queued = imports::start(&app, &caller, &body, key.as_ref()).await?;
    Ok((StatusCode::ACCEPTED, Json(queued)).into_response())
}

async fn read(
    State(app): State<AppState>,
    caller: Caller,
    PathParams(id): PathParams<ImportId>,
) -> Result<impl IntoResponse> {
    Ok(Json(imports::get(&app, &caller, &id).await?))
}

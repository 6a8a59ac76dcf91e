//! The import routes (served by the `customers` function): dry run, queueing an import, and
//! its progress.

use super::AppState;
use super::extract::{CsvBody, PathParams, QueryParams};
use crate::auth::Caller;
use crate::domain::IdempotencyKey;
use crate::error::{Error, Result};
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

/// The query string of `POST /imports`, as sent.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct StartQuery {
    dry_run: Option<String>,
}

fn dry_run(query: &StartQuery) -> Result<bool> {
    match query.dry_run.as_deref() {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(_) => Err(Error::BadRequest {
            detail: "dryRun must be true or false.".into(),
            errors: vec![crate::domain::FieldError::new(
                "dryRun",
                crate::domain::Reason::one_of(&["true", "false"]),
            )],
        }),
    }
}

async fn start(
    State(app): State<AppState>,
    caller: Caller,
    QueryParams(query): QueryParams<StartQuery>,
    key: Option<IdempotencyKey>,
    CsvBody(body): CsvBody,
) -> Result<Response> {
    if dry_run(&query)? {
        return Ok(Json(imports::dry_run(&app, &caller, &body)?).into_response());
    }
    let queued = imports::start(&app, &caller, &body, key.as_ref()).await?;
    Ok((StatusCode::ACCEPTED, Json(queued)).into_response())
}

async fn read(
    State(app): State<AppState>,
    caller: Caller,
    PathParams(id): PathParams<String>,
) -> Result<impl IntoResponse> {
    Ok(Json(imports::get(&app, &caller, &id).await?))
}

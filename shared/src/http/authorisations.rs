//! The `authorisations` function's routes: the view at a glance, adding administrators and
//! additional processors, removing any selection (the specialist directory is `specialists`).

use super::AppState;
use super::extract::{JsonBody, PathParams};
use crate::auth::Caller;
use crate::error::Result;
use crate::usecases::authorisations::{self, AdministratorsInput, ProcessorsInput, RemoveInput};
use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/customers/{id}/authorisations", get(view))
        .route("/customers/{id}/administrators", post(add_administrators))
        .route(
            "/customers/{id}/additional-processors",
            post(add_processors),
        )
        .route("/customers/{id}/authorisations/remove", post(remove))
        .merge(super::specialists::router())
        .merge(super::handovers::directory_router())
}

async fn view(
    State(app): State<AppState>,
    caller: Caller,
    PathParams(id): PathParams<String>,
) -> Result<impl IntoResponse> {
    Ok(Json(authorisations::view(&app, &caller, &id).await?))
}

async fn add_administrators(
    State(app): State<AppState>,
    caller: Caller,
    PathParams(id): PathParams<String>,
    JsonBody(input): JsonBody<AdministratorsInput>,
) -> Result<impl IntoResponse> {
    let view = authorisations::add_administrators(&app, &caller, &id, input).await?;
    Ok(Json(view))
}

async fn add_processors(
    State(app): State<AppState>,
    caller: Caller,
    PathParams(id): PathParams<String>,
    JsonBody(input): JsonBody<ProcessorsInput>,
) -> Result<impl IntoResponse> {
    let view = authorisations::add_processors(&app, &caller, &id, input).await?;
    Ok(Json(view))
}

async fn remove(
    State(app): State<AppState>,
    caller: Caller,
    PathParams(id): PathParams<String>,
    JsonBody(input): JsonBody<RemoveInput>,
) -> Result<impl IntoResponse> {
    Ok(Json(
        authorisations::remove(&app, &caller, &id, input).await?,
    ))
}

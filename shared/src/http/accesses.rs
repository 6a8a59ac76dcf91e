//! A customer's accesses: create one, change it, resend its invitation.

use super::AppState;
use super::extract::{JsonBody, PathParams};
use crate::auth::Caller;
use crate::domain::{AccessId, CustomerId};
use crate::error::Result;
use crate::usecases::accesses::{self, AccessPatch, NewAccessInput};
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{patch, post};
use axum::{Json, Router};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/customers/{id}/accesses", post(create))
        .route("/customers/{id}/accesses/{access_id}", patch(change))
        .route(
            "/customers/{id}/accesses/{access_id}/invitation",
            post(resend_invitation),
        )
}

async fn create(
    State(app): State<AppState>,
    caller: Caller,
    PathParams(id): PathParams<CustomerId>,
    JsonBody(input): JsonBody<NewAccessInput>,
) -> Result<impl IntoResponse> {
    let access = accesses::create(&app, &caller, &id, input).await?;
    let location = format!("/customers/{id}/accesses/{}", access.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(access),
    ))
}

async fn change(
    State(app): State<AppState>,
    caller: Caller,
    PathParams((id, access_id)): PathParams<(CustomerId, AccessId)>,
    JsonBody(input): JsonBody<AccessPatch>,
) -> Result<impl IntoResponse> {
    let access = accesses::patch(&app, &caller, &id, &access_id, input).await?;
    Ok(Json(access))
}

async fn resend_invitation(
    State(app): State<AppState>,
    caller: Caller,
    PathParams((id, access_id)): PathParams<(CustomerId, AccessId)>,
) -> Result<impl IntoResponse> {
    let access = accesses::resend(&app, &caller, &id, &access_id).await?;
    Ok((StatusCode::ACCEPTED, Json(access)))
}

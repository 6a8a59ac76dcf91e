//! The end user's registration, without sign-in.

use super::AppState;
use super::extract::{ClientAddress, JsonBody};
use crate::error::Result;
use crate::usecases::limits::admit_registration_request;
use crate::usecases::registration::{self, CompleteInput, InspectInput};
use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::post;
use axum::{Json, Router};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/registrations/inspect", post(inspect))
        .route("/registrations/complete", post(complete))
}

async fn inspect(
    State(app): State<AppState>,
    ClientAddress(client): ClientAddress,
    JsonBody(input): JsonBody<InspectInput>,
) -> Result<impl IntoResponse> {
    admit_registration_request(&app, &client).await?;
    Ok(Json(registration::inspect(&app, input).await?))
}

async fn complete(
    State(app): State<AppState>,
    ClientAddress(client): ClientAddress,
    JsonBody(input): JsonBody<CompleteInput>,
) -> Result<impl IntoResponse> {
    admit_registration_request(&app, &client).await?;
    Ok(Json(registration::complete(&app, input).await?))
}

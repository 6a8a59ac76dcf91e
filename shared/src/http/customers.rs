//! Customers: the overview, create, read, edit and delete, the history and export of a
//! customer, the deletion preview and the deletion records.

use super::AppState;
use super::extract::{Body, JsonBody, PathParams, QueryParams, parse_json};
use crate::auth::Caller;
use crate::domain::{CustomerId, CustomerInput, IdempotencyKey};
use crate::error::Result;
use crate::usecases::customers::{self, ListQuery};
use crate::usecases::deletions::{self, DeletionsQuery};
use crate::usecases::export;
use crate::usecases::history::{self, HistoryQuery};
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/customers", get(list).post(create))
        .route("/customers/{id}", get(read).put(update).delete(delete))
        .route("/customers/{id}/history", get(read_history))
        .route("/customers/{id}/export", get(export_customer))
        .route("/customers/{id}/deletion-preview", get(deletion_preview))
        .route("/deletions", get(list_deletions))
}

async fn list(
    State(app): State<AppState>,
    caller: Caller,
    QueryParams(query): QueryParams<ListQuery>,
) -> Result<impl IntoResponse> {
    Ok(Json(customers::list(&app, &caller, &query).await?))
}

async fn create(
    State(app): State<AppState>,
    caller: Caller,
    key: Option<IdempotencyKey>,
    Body(body): Body,
) -> Result<Response> {
    let input = parse_json(&body)?;
    let created = customers::create(&app, &caller, input, &body, key.as_ref()).await?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("/customers/{}", created.id))],
        Json(created.body),
    )
        .into_response())
}

async fn read(
    State(app): State<AppState>,
    caller: Caller,
    PathParams(id): PathParams<CustomerId>,
) -> Result<impl IntoResponse> {
    Ok(Json(customers::get(&app, &caller, &id).await?))
}

async fn update(
    State(app): State<AppState>,
    caller: Caller,
    PathParams(id): PathParams<CustomerId>,
    JsonBody(input): JsonBody<CustomerInput>,
) -> Result<impl IntoResponse> {
    Ok(Json(customers::update(&app, &caller, &id, input).await?))
}

async fn delete(
    State(app): State<AppState>,
    caller: Caller,
    PathParams(id): PathParams<CustomerId>,
) -> Result<impl IntoResponse> {
    customers::delete(&app, &caller, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn read_history(
    State(app): State<AppState>,
    caller: Caller,
    PathParams(id): PathParams<CustomerId>,
    QueryParams(query): QueryParams<HistoryQuery>,
) -> Result<impl IntoResponse> {
    Ok(Json(history::list(&app, &caller, &id, &query).await?))
}

async fn export_customer(
    State(app): State<AppState>,
    caller: Caller,
    PathParams(id): PathParams<CustomerId>,
) -> Result<impl IntoResponse> {
    Ok(Json(export::export(&app, &caller, &id).await?))
}

async fn deletion_preview(
    State(app): State<AppState>,
    caller: Caller,
    PathParams(id): PathParams<CustomerId>,
) -> Result<impl IntoResponse> {
    Ok(Json(deletions::preview(&app, &caller, &id).await?))
}

async fn list_deletions(
    State(app): State<AppState>,
    caller: Caller,
    QueryParams(query): QueryParams<DeletionsQuery>,
) -> Result<impl IntoResponse> {
    Ok(Json(deletions::list(&app, &caller, &query).await?))
}

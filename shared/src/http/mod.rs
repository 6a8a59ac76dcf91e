//! HTTP: one axum router per Lambda function, the error mapping and the extractors. The
//! local server merges the same routers (`functions::gateway`).

pub mod error;
pub mod extract;

use crate::app::App;
use crate::auth::Caller;
use crate::error::{Error, Result};
use crate::usecases::{
    accesses, authorisations, customers, me, registration, specialists, transactions,
};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json as JsonOut, Router};
use extract::{Body, Json, parse_json};
use std::collections::HashMap;
use std::sync::Arc;

pub type AppState = Arc<App>;

/// Unknown routes and methods answer problem+json too.
pub fn fallbacks(router: Router) -> Router {
    router
        .fallback(|| async { Error::NotFound })
        .method_not_allowed_fallback(|| async {
            error::problem_response(
                StatusCode::METHOD_NOT_ALLOWED,
                "/problems/method-not-allowed",
                "Method not allowed",
                "This method is not supported on this resource.".into(),
                &[],
                None,
            )
        })
}

// ----------------------------------------------------------------------------------------
// customers function
// ----------------------------------------------------------------------------------------

pub fn customers_router() -> Router<AppState> {
    Router::new()
        .route("/customers", get(list_customers).post(create_customer))
        .route(
            "/customers/{id}",
            get(get_customer)
                .put(update_customer)
                .delete(delete_customer),
        )
}

async fn list_customers(
    State(app): State<AppState>,
    caller: Caller,
    Query(params): Query<HashMap<String, String>>,
) -> Result<impl IntoResponse> {
    let mut params = params;
    let page = customers::list(
        &app,
        &caller,
        customers::ListParams {
            q: params.remove("q"),
            kind: params.remove("type"),
            limit: params.remove("limit"),
            cursor: params.remove("cursor"),
        },
    )
    .await?;
    Ok(JsonOut(page))
}

async fn create_customer(
    State(app): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Body(body): Body,
) -> Result<Response> {
    let input = parse_json(&body)?;
    let key = match headers.get("idempotency-key") {
        None => None,
        Some(v) => Some(v.to_str().map_err(|_| {
            Error::bad_request("The Idempotency-Key header must be visible ASCII characters.")
        })?),
    };
    let created = customers::create(&app, &caller, input, &body, key).await?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("/customers/{}", created.id))],
        JsonOut(created.body),
    )
        .into_response())
}

async fn get_customer(
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<impl IntoResponse> {
    Ok(JsonOut(customers::get(&app, &caller, &id).await?))
}

async fn update_customer(
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(input): Json<crate::domain::CustomerInput>,
) -> Result<impl IntoResponse> {
    Ok(JsonOut(customers::update(&app, &caller, &id, input).await?))
}

async fn delete_customer(
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<impl IntoResponse> {
    customers::delete(&app, &caller, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ----------------------------------------------------------------------------------------
// accesses function
// ----------------------------------------------------------------------------------------

pub fn accesses_router() -> Router<AppState> {
    Router::new()
        .route("/customers/{id}/accesses", post(create_access))
        .route(
            "/customers/{id}/accesses/{access_id}",
            axum::routing::patch(patch_access),
        )
        .route(
            "/customers/{id}/accesses/{access_id}/invitation",
            post(resend_invitation),
        )
}

async fn create_access(
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(input): Json<accesses::NewAccessInput>,
) -> Result<impl IntoResponse> {
    let access = accesses::create(&app, &caller, &id, input).await?;
    Ok((
        StatusCode::CREATED,
        [(
            header::LOCATION,
            format!("/customers/{id}/accesses/{}", access.id),
        )],
        JsonOut(access),
    ))
}

async fn patch_access(
    State(app): State<AppState>,
    caller: Caller,
    Path((id, access_id)): Path<(String, String)>,
    Json(input): Json<accesses::AccessPatch>,
) -> Result<impl IntoResponse> {
    Ok(JsonOut(
        accesses::patch(&app, &caller, &id, &access_id, input).await?,
    ))
}

async fn resend_invitation(
    State(app): State<AppState>,
    caller: Caller,
    Path((id, access_id)): Path<(String, String)>,
) -> Result<impl IntoResponse> {
    let access = accesses::resend(&app, &caller, &id, &access_id).await?;
    Ok((StatusCode::ACCEPTED, JsonOut(access)))
}

// ----------------------------------------------------------------------------------------
// authorisations function (with the specialist directory)
// ----------------------------------------------------------------------------------------

pub fn authorisations_router() -> Router<AppState> {
    Router::new()
        .route("/customers/{id}/authorisations", get(view_authorisations))
        .route("/customers/{id}/administrators", post(add_administrators))
        .route(
            "/customers/{id}/additional-processors",
            post(add_processors),
        )
        .route(
            "/customers/{id}/authorisations/remove",
            post(remove_authorisations),
        )
        .route("/specialists", get(list_specialists))
        .route("/specialists/{id}", axum::routing::put(put_specialist))
}

async fn view_authorisations(
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<impl IntoResponse> {
    Ok(JsonOut(authorisations::view(&app, &caller, &id).await?))
}

async fn add_administrators(
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(input): Json<authorisations::AdministratorsInput>,
) -> Result<impl IntoResponse> {
    Ok(JsonOut(
        authorisations::add_administrators(&app, &caller, &id, input).await?,
    ))
}

async fn add_processors(
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(input): Json<authorisations::ProcessorsInput>,
) -> Result<impl IntoResponse> {
    Ok(JsonOut(
        authorisations::add_processors(&app, &caller, &id, input).await?,
    ))
}

async fn remove_authorisations(
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(input): Json<authorisations::RemoveInput>,
) -> Result<impl IntoResponse> {
    Ok(JsonOut(
        authorisations::remove(&app, &caller, &id, input).await?,
    ))
}

async fn list_specialists(
    State(app): State<AppState>,
    caller: Caller,
) -> Result<impl IntoResponse> {
    Ok(JsonOut(specialists::list(&app, &caller).await?))
}

async fn put_specialist(
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(input): Json<specialists::SpecialistInput>,
) -> Result<impl IntoResponse> {
    Ok(JsonOut(specialists::put(&app, &caller, &id, input).await?))
}

// ----------------------------------------------------------------------------------------
// transactions function (with the end user's own view)
// ----------------------------------------------------------------------------------------

pub fn transactions_router() -> Router<AppState> {
    Router::new()
        .route(
            "/customers/{id}/transactions",
            get(list_transactions).post(create_transaction),
        )
        .route(
            "/customers/{id}/transactions/{transaction_id}",
            get(get_transaction).delete(delete_transaction),
        )
        .route("/me", get(get_me))
        .route("/me/transactions", get(my_transactions))
}

async fn list_transactions(
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<impl IntoResponse> {
    Ok(JsonOut(transactions::list(&app, &caller, &id).await?))
}

async fn create_transaction(
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(input): Json<transactions::NewTransaction>,
) -> Result<impl IntoResponse> {
    let t = transactions::create(&app, &caller, &id, input).await?;
    Ok((
        StatusCode::CREATED,
        [(
            header::LOCATION,
            format!("/customers/{id}/transactions/{}", t.id),
        )],
        JsonOut(t),
    ))
}

async fn get_transaction(
    State(app): State<AppState>,
    caller: Caller,
    Path((id, tid)): Path<(String, String)>,
) -> Result<impl IntoResponse> {
    Ok(JsonOut(transactions::get(&app, &caller, &id, &tid).await?))
}

async fn delete_transaction(
    State(app): State<AppState>,
    caller: Caller,
    Path((id, tid)): Path<(String, String)>,
) -> Result<impl IntoResponse> {
    transactions::delete(&app, &caller, &id, &tid).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn get_me(State(app): State<AppState>, caller: Caller) -> Result<impl IntoResponse> {
    Ok(JsonOut(me::me(&app, &caller).await?))
}

async fn my_transactions(State(app): State<AppState>, caller: Caller) -> Result<impl IntoResponse> {
    Ok(JsonOut(me::transactions(&app, &caller).await?))
}

// ----------------------------------------------------------------------------------------
// registration function (no sign-in)
// ----------------------------------------------------------------------------------------

pub fn registration_router() -> Router<AppState> {
    Router::new()
        .route("/registrations/inspect", post(inspect))
        .route("/registrations/complete", post(complete))
}

async fn inspect(
    State(app): State<AppState>,
    Json(input): Json<registration::InspectInput>,
) -> Result<impl IntoResponse> {
    Ok(JsonOut(registration::inspect(&app, input).await?))
}

async fn complete(
    State(app): State<AppState>,
    Json(input): Json<registration::CompleteInput>,
) -> Result<impl IntoResponse> {
    Ok(JsonOut(registration::complete(&app, input).await?))
}

//! The need-to-know rule in front of every route of one customer (`/customers/{id}...`): a
//! specialist who is not responsible for the customer gets 404 as for an unknown id, and a
//! platform admin's emergency access is recorded (`usecases::responsibilities::admit`). In
//! the `open` model it passes every request untouched.

use super::AppState;
use crate::auth::Caller;
use crate::config::AccessModel;
use axum::extract::{FromRequestParts, MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The routes this rule guards: every route template under one customer.
const CUSTOMER_ROUTES: &str = "/customers/{id}";

pub async fn guard(State(app): State<AppState>, request: Request, next: Next) -> Response {
    if app.settings.access_model == AccessModel::Open {
        return next.run(request).await;
    }
    let template = request
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned())
        .unwrap_or_default();
    if !template.starts_with(CUSTOMER_ROUTES) {
        return next.run(request).await;
    }
    let (mut parts, body) = request.into_parts();
    // Without a caller the route itself answers (401 or 403), as without the rule.
    let Ok(caller) = Caller::from_request_parts(&mut parts, &app).await else {
        return next.run(Request::from_parts(parts, body)).await;
    };
    let id = parts.uri.path().split('/').nth(2).unwrap_or_default();
    let route = format!("{} {template}", parts.method);
    let admitted = crate::usecases::responsibilities::admit(&app, &caller, id, &route).await;
    match admitted {
        Ok(()) => next.run(Request::from_parts(parts, body)).await,
        Err(e) => e.into_response(),
    }
}

//! HTTP: one axum router per resource (one file each), the error mapping, the edge and the
//! extractors they share. `functions.rs` alone composes the resources into Lambda functions;
//! the local server merges the same functions (`functions::gateway`).

pub mod accesses;
pub mod authorisations;
pub mod context;
pub mod customers;
pub mod edge;
pub mod error;
pub mod extract;
pub mod handovers;
pub mod imports;
pub mod me;
pub mod need_to_know;
pub mod registration;
pub mod reviews;
pub mod specialists;
pub mod transactions;

use crate::app::App;
use crate::error::Error;
use axum::Router;
use axum::http::StatusCode;
use std::sync::Arc;

pub type AppState = Arc<App>;

/// Routes as they are served, inside the edge: the query parameters each operation takes
/// (checked on the operations, so that a method a route does not serve stays 405), the
/// problem+json fallbacks, and the headers of every answer.
pub fn compose(router: Router) -> Router {
    edge::secure_answers(fallbacks(edge::check_queries(router)))
}

/// Unknown routes and methods answer problem+json too.
fn fallbacks(router: Router) -> Router {
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

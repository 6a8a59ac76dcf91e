//! Maps the API error to `application/problem+json` (RFC 9457). 5xx bodies say nothing
//! internal: the cause goes to the log under a correlation id that the body carries.

use crate::error::{Conflict, Error};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Problem<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    title: &'a str,
    status: u16,
    detail: String,
    #[serde(skip_serializing_if = "Errors::is_empty")]
    errors: Errors<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    correlation_id: Option<String>,
}

/// The errors a problem lists: by field, or by row and field (imports).
#[derive(Serialize)]
#[serde(untagged)]
enum Errors<'a> {
    Fields(&'a [crate::domain::FieldError]),
    Rows(&'a [crate::domain::RowError]),
}

impl Errors<'_> {
    fn is_empty(&self) -> bool {
        match self {
            Errors::Fields(e) => e.is_empty(),
            Errors::Rows(e) => e.is_empty(),
        }
    }
}

pub fn problem_response(
    status: StatusCode,
    kind: &str,
    title: &str,
    detail: String,
    errors: &[crate::domain::FieldError],
    correlation_id: Option<String>,
) -> Response {
    problem(
        status,
        kind,
        title,
        detail,
        Errors::Fields(errors),
        correlation_id,
    )
}

fn problem(
    status: StatusCode,
    kind: &str,
    title: &str,
    detail: String,
    errors: Errors<'_>,
    correlation_id: Option<String>,
) -> Response {
    let body = Problem {
        kind,
        title,
        status: status.as_u16(),
        detail,
        errors,
        correlation_id,
    };
    let mut res = (status, axum::Json(body)).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    res
}

fn correlation_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// The status, problem type and title of each kind of error.
fn kind(e: &Error) -> (StatusCode, &'static str, &'static str) {
    use StatusCode as S;
    match e {
        Error::BadRequest { .. } => (S::BAD_REQUEST, "/problems/bad-request", "Bad request"),
        Error::Unauthorized => (
            S::UNAUTHORIZED,
            "/problems/unauthenticated",
            "Not authenticated",
        ),
        Error::Forbidden(_) => (S::FORBIDDEN, "/problems/forbidden", "Forbidden"),
        Error::NotFound => (S::NOT_FOUND, "/problems/not-found", "Not found"),
        Error::Conflict(kind, _) => {
            let (kind, title) = conflict(*kind);
            (S::CONFLICT, kind, title)
        }
        Error::Gone(_) => (S::GONE, "/problems/gone", "Gone"),
        Error::PayloadTooLarge(_) => (
            S::PAYLOAD_TOO_LARGE,
            "/problems/payload-too-large",
            "Payload too large",
        ),
        Error::UnsupportedMediaType(_) => (
            S::UNSUPPORTED_MEDIA_TYPE,
            "/problems/unsupported-media-type",
            "Unsupported media type",
        ),
        Error::Validation(_) | Error::InvalidRows(_) => (
            S::UNPROCESSABLE_ENTITY,
            "/problems/validation-failed",
            "Validation failed",
        ),
        Error::Locked(_) => (
            S::TOO_MANY_REQUESTS,
            "/problems/registration-locked",
            "Registration locked",
        ),
        Error::TooManyRequests { .. } => (
            S::TOO_MANY_REQUESTS,
            "/problems/too-many-requests",
            "Too many requests",
        ),
        Error::Unavailable(_) => (
            S::SERVICE_UNAVAILABLE,
            "/problems/unavailable",
            "Service unavailable",
        ),
        Error::Internal(_) => (
            S::INTERNAL_SERVER_ERROR,
            "/problems/internal",
            "Internal error",
        ),
    }
}

/// Each kind of conflict has a problem type of its own, so that a client tells them apart by
/// `type` alone, as it tells a locked registration from a rate limit.
fn conflict(kind: Conflict) -> (&'static str, &'static str) {
    match kind {
        Conflict::StaleVersion => ("/problems/stale-version", "Changed meanwhile"),
        Conflict::EmailTaken => ("/problems/email-taken", "E-mail address taken"),
        Conflict::LastAdministrator => ("/problems/last-administrator", "Last administrator"),
        Conflict::Undeliverable => ("/problems/address-undeliverable", "Address undeliverable"),
        Conflict::AccessActive => ("/problems/access-active", "Access already active"),
        Conflict::SoleSignIn => ("/problems/sole-sign-in", "Sole sign-in"),
        Conflict::InProgress => ("/problems/in-progress", "Request in progress"),
        Conflict::StillResponsible => ("/problems/still-responsible", "Still responsible"),
        Conflict::OwnEntry => ("/problems/own-entry", "Own directory entry"),
    }
}

/// What the body says; for 5xx nothing internal.
fn detail(e: &Error) -> String {
    match e {
        Error::BadRequest { detail, .. } => detail.clone(),
        Error::Unauthorized => "A valid bearer token is required.".into(),
        Error::Forbidden(why) | Error::Gone(why) | Error::Locked(why) => (*why).into(),
        Error::TooManyRequests { detail, .. } => (*detail).into(),
        Error::NotFound => "No such resource, or it is not visible to you.".into(),
        Error::Conflict(_, why) => why.clone(),
        Error::PayloadTooLarge(limit) => format!("The request body must not exceed {limit}."),
        Error::UnsupportedMediaType(expected) => {
            format!("The request body must be sent as Content-Type {expected}.")
        }
        Error::Validation(errors) => format!("{} field(s) failed validation.", errors.len()),
        Error::InvalidRows(errors) => format!(
            "{} error(s) in the file; nothing was imported.",
            errors.len()
        ),
        Error::Unavailable(_) => "A service this request depends on is busy. Please retry.".into(),
        Error::Internal(_) => "Something went wrong on our side.".into(),
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let (status, kind, title) = kind(&self);
        let errors = match &self {
            Error::BadRequest { errors, .. } | Error::Validation(errors) => Errors::Fields(errors),
            Error::InvalidRows(errors) => Errors::Rows(errors),
            _ => Errors::Fields(&[]),
        };
        // 5xx: the cause goes to the log under an id that the body carries.
        let correlation_id = match &self {
            Error::Unavailable(cause) => {
                let id = correlation_id();
                tracing::warn!(correlation_id = %id, error = ?cause, "dependency unavailable");
                Some(id)
            }
            Error::Internal(cause) => {
                let id = correlation_id();
                tracing::error!(correlation_id = %id, error = ?cause, "internal error");
                Some(id)
            }
            _ => None,
        };
        let mut res = problem(status, kind, title, detail(&self), errors, correlation_id);
        let retry_after = match self {
            Error::Unavailable(_) => Some(1),
            Error::TooManyRequests { retry_after, .. } => Some(retry_after.max(1)),
            _ => None,
        };
        if let Some(secs) = retry_after {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        res
    }
}

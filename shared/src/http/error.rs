//! Maps the API error to `application/problem+json` (RFC 9457). 5xx bodies say nothing
//! internal: the cause goes to the log under a correlation id that the body carries.

use crate::error::Error;
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
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    errors: &'a [crate::domain::FieldError],
    #[serde(skip_serializing_if = "Option::is_none")]
    correlation_id: Option<String>,
}

pub fn problem_response(
    status: StatusCode,
    kind: &str,
    title: &str,
    detail: String,
    errors: &[crate::domain::FieldError],
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

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        use StatusCode as S;
        let (status, kind, title, detail, errors): (_, _, _, String, &[_]) = match &self {
            Error::BadRequest { detail, errors } => (
                S::BAD_REQUEST,
                "/problems/bad-request",
                "Bad request",
                detail.clone(),
                errors,
            ),
            Error::Unauthorized => (
                S::UNAUTHORIZED,
                "/problems/unauthenticated",
                "Not authenticated",
                "A valid bearer token is required.".into(),
                &[],
            ),
            Error::Forbidden(why) => (
                S::FORBIDDEN,
                "/problems/forbidden",
                "Forbidden",
                (*why).into(),
                &[],
            ),
            Error::NotFound => (
                S::NOT_FOUND,
                "/problems/not-found",
                "Not found",
                "No such resource, or it is not visible to you.".into(),
                &[],
            ),
            Error::Conflict(why) => (
                S::CONFLICT,
                "/problems/conflict",
                "Conflict",
                why.clone(),
                &[],
            ),
            Error::Gone(why) => (S::GONE, "/problems/gone", "Gone", (*why).into(), &[]),
            Error::PayloadTooLarge => (
                S::PAYLOAD_TOO_LARGE,
                "/problems/payload-too-large",
                "Payload too large",
                "The request body must not exceed 64 KiB.".into(),
                &[],
            ),
            Error::UnsupportedMediaType(expected) => (
                S::UNSUPPORTED_MEDIA_TYPE,
                "/problems/unsupported-media-type",
                "Unsupported media type",
                format!("The request body must be sent as Content-Type {expected}."),
                &[],
            ),
            Error::Validation(errors) => (
                S::UNPROCESSABLE_ENTITY,
                "/problems/validation-failed",
                "Validation failed",
                format!("{} field(s) failed validation.", errors.len()),
                errors,
            ),
            Error::TooManyRequests(why) => (
                S::TOO_MANY_REQUESTS,
                "/problems/too-many-requests",
                "Too many requests",
                (*why).into(),
                &[],
            ),
            Error::Unavailable(cause) => {
                let id = correlation_id();
                tracing::warn!(correlation_id = %id, error = ?cause, "dependency unavailable");
                let mut res = problem_response(
                    S::SERVICE_UNAVAILABLE,
                    "/problems/unavailable",
                    "Service unavailable",
                    "A service this request depends on is busy. Please retry.".into(),
                    &[],
                    Some(id),
                );
                res.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
                return res;
            }
            Error::Internal(cause) => {
                let id = correlation_id();
                tracing::error!(correlation_id = %id, error = ?cause, "internal error");
                return problem_response(
                    S::INTERNAL_SERVER_ERROR,
                    "/problems/internal",
                    "Internal error",
                    "Something went wrong on our side.".into(),
                    &[],
                    Some(id),
                );
            }
        };
        problem_response(status, kind, title, detail, errors, None)
    }
}

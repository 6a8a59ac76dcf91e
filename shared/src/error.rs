//! The one error type of the API: every use case returns it and it maps to problem+json.

use crate::domain::{FieldError, Reason, RowError};

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The kinds of 409 a client must tell apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conflict {
    /// Changed by someone else since it was read, or at the same time: reload and retry.
    StaleVersion,
    /// The e-mail address already holds an access at this customer, or a sign-in exists.
    EmailTaken,
    /// The change would leave the customer without an administrator.
    LastAdministrator,
    /// The invitation to this address bounced or was marked as spam.
    Undeliverable,
    /// The access is already active: no invitation to resend.
    AccessActive,
    /// The address signs in with this access only: its e-mail cannot be changed.
    SoleSignIn,
    /// The same request (Idempotency-Key, registration) is being worked on.
    InProgress,
    /// The specialist is still responsible for customers: hand them over first.
    StillResponsible,
    /// A platform admin's own directory entry: removing it would lock the caller out.
    OwnEntry,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Malformed request: not JSON, wrong JSON types, unknown `type`, bad cursor.
    #[error("bad request: {detail}")]
    BadRequest {
        detail: String,
        errors: Vec<FieldError>,
    },
    #[error("not authenticated")]
    Unauthorized,
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    #[error("not found")]
    NotFound,
    /// The request conflicts with the current state; the kind tells clients which conflict
    /// (each has its own problem type).
    #[error("conflict: {1}")]
    Conflict(Conflict, String),
    #[error("gone: {0}")]
    Gone(&'static str),
    /// The body is larger than the endpoint takes (the limit named here).
    #[error("payload too large, limit {0}")]
    PayloadTooLarge(&'static str),
    /// The body's `Content-Type` is not the one the endpoint takes (named here).
    #[error("unsupported media type, expected {0}")]
    UnsupportedMediaType(&'static str),
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    /// Rows of an imported file failed validation (422, each error naming its row).
    #[error("rows failed validation")]
    InvalidRows(Vec<RowError>),
    /// Too many wrong registration codes: the invitation is locked until it is resent.
    #[error("locked: {0}")]
    Locked(&'static str),
    /// An abuse limit is reached; the request may be made again after `retry_after` seconds.
    #[error("too many requests: {detail}")]
    TooManyRequests {
        detail: &'static str,
        retry_after: u64,
    },
    /// A dependency is throttling or unavailable; the request can be retried as it is.
    #[error("service unavailable")]
    Unavailable(#[source] anyhow::Error),
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl Error {
    pub fn field(field: &str, reason: Reason) -> Self {
        Self::Validation(vec![FieldError::new(field, reason)])
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::BadRequest {
            detail: detail.into(),
            errors: Vec::new(),
        }
    }

    pub fn internal(e: impl Into<anyhow::Error>) -> Self {
        Self::Internal(e.into())
    }
}

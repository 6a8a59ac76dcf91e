//! Request extractors: the caller (from the authorizer's claims) and JSON bodies that answer
//! malformed input with problem+json naming the field.

use crate::auth::Caller;
use crate::domain::FieldError;
use crate::error::Error;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use lambda_http::request::RequestContext;
use serde::de::DeserializeOwned;

/// Largest accepted request body.
pub const BODY_LIMIT: usize = 64 * 1024;

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let claims = match parts.extensions.get::<RequestContext>() {
            Some(RequestContext::ApiGatewayV2(ctx)) => ctx
                .authorizer
                .as_ref()
                .and_then(|a| a.jwt.as_ref())
                .map(|jwt| &jwt.claims),
            _ => None,
        };
        let claims = claims.ok_or(Error::Unauthorized)?;
        Caller::from_claims(
            claims.get("sub").map(String::as_str),
            claims.get("cognito:groups").map(String::as_str),
        )
        .ok_or(Error::Unauthorized)
    }
}

/// A JSON body of at most 64 KiB. Not JSON, or wrong JSON types: 400 naming the field.
pub struct Json<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = Error;

    async fn from_request(req: Request, _: &S) -> Result<Self, Self::Rejection> {
        let bytes = read_body(req).await?;
        parse_json(&bytes).map(Json)
    }
}

/// The raw body, bounded by [`BODY_LIMIT`].
pub struct Body(pub bytes::Bytes);

impl<S: Send + Sync> FromRequest<S> for Body {
    type Rejection = Error;

    async fn from_request(req: Request, _: &S) -> Result<Self, Self::Rejection> {
        read_body(req).await.map(Body)
    }
}

async fn read_body(req: Request) -> Result<bytes::Bytes, Error> {
    axum::body::to_bytes(req.into_body(), BODY_LIMIT)
        .await
        .map_err(|_| Error::PayloadTooLarge)
}

pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Error> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::bad_request(
            "The request body must be a JSON object.",
        ));
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let detail = match inner.classify() {
            serde_json::error::Category::Data => "The request body has a wrong JSON type.",
            _ => "The request body is not valid JSON.",
        };
        // serde's message names the expected type but never echoes the input.
        let message = inner.to_string();
        let message = message
            .split(" at line ")
            .next()
            .unwrap_or(&message)
            .to_owned();
        let errors = if path == "." || path.is_empty() {
            Vec::new()
        } else {
            vec![FieldError::new(path, message)]
        };
        Error::BadRequest {
            detail: detail.into(),
            errors,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::CustomerInput;

    #[test]
    fn wrong_json_types_name_the_field() {
        let err = parse_json::<CustomerInput>(br#"{"type":"person","firstName":5}"#).unwrap_err();
        match err {
            Error::BadRequest { errors, .. } => assert_eq!(errors[0].field, "firstName"),
            other => panic!("{other:?}"),
        }
        let err = parse_json::<CustomerInput>(br#"{"address":{"city":[]}}"#).unwrap_err();
        match err {
            Error::BadRequest { errors, .. } => assert_eq!(errors[0].field, "address.city"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn non_json_and_empty_bodies_are_bad_requests() {
        for body in [
            &b"not json"[..],
            b"",
            b"  ",
            b"[1,2]",
            b"[\"person\"]",
            b"5",
            b"{\"type\":",
        ] {
            assert!(matches!(
                parse_json::<CustomerInput>(body),
                Err(Error::BadRequest { .. })
            ));
        }
    }
}

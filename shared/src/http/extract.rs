//! Request extractors: the caller (from the authorizer's claims), JSON bodies, path
//! parameters and query strings that answer malformed input with problem+json naming the
//! field (a body sent as anything but `application/json`: 415), the client's address, and
//! the `Idempotency-Key` header.

use crate::auth::Caller;
use crate::domain::{FieldError, IdempotencyKey};
use crate::error::Error;
use axum::extract::{FromRequest, FromRequestParts, OptionalFromRequestParts, Request};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use lambda_http::request::RequestContext;
use serde::de::DeserializeOwned;

/// Largest accepted request body.
pub const BODY_LIMIT: usize = 64 * 1024;

impl FromRequestParts<super::AppState> for Caller {
    type Rejection = Error;

    async fn from_request_parts(
        parts: &mut Parts,
        app: &super::AppState,
    ) -> Result<Self, Self::Rejection> {
        let claims = match parts.extensions.get::<RequestContext>() {
            Some(RequestContext::ApiGatewayV2(ctx)) => ctx
                .authorizer
                .as_ref()
                .and_then(|a| a.jwt.as_ref())
                .map(|jwt| &jwt.claims),
            _ => None,
        };
        let claims = claims.ok_or(Error::Unauthorized)?;
        let claims = crate::auth::Claims {
            iss: claims.get("iss").map(String::as_str),
            sub: claims.get("sub").map(String::as_str),
            groups: claims.get("cognito:groups").map(String::as_str),
        };
        Caller::from_claims(&claims, &app.settings.issuers).ok_or(Error::Unauthorized)
    }
}

/// The client's address, for limits per address: API Gateway's `requestContext.http.sourceIp`,
/// or the peer of the local server's connection. Unknown (one shared bucket) where neither
/// exists, as in tests that call a router directly.
pub struct ClientAddress(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let gateway = match parts.extensions.get::<RequestContext>() {
            Some(RequestContext::ApiGatewayV2(ctx)) => ctx.http.source_ip.clone(),
            _ => None,
        };
        let peer = || {
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|c| c.0.ip().to_string())
        };
        Ok(Self(
            gateway.or_else(peer).unwrap_or_else(|| "unknown".into()),
        ))
    }
}

/// A JSON body of at most 64 KiB. Not JSON, wrong JSON types (400 naming the field), or
/// anything after the JSON value but whitespace: 400.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = Error;

    async fn from_request(req: Request, _: &S) -> Result<Self, Self::Rejection> {
        require_media_type(req.headers(), "application/json")?;
        let bytes = read_body(req).await?;
        parse_json(&bytes).map(JsonBody)
    }
}

/// Path parameters. A segment that does not decode (not UTF-8) cannot be an id of ours: 404,
/// as for any unknown id, in problem+json.
pub struct PathParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for PathParams<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        <axum::extract::Path<T> as FromRequestParts<S>>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(v)| PathParams(v))
            .map_err(|_| Error::NotFound)
    }
}

/// A query string parsed into `T`; a malformed one is 400.
pub struct QueryParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for QueryParams<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        serde_urlencoded::from_str(query)
            .map(QueryParams)
            .map_err(|_| Error::bad_request("The query string is malformed."))
    }
}

/// The `Idempotency-Key` header, parsed; a malformed one is 400 naming the header.
impl<S: Send + Sync> OptionalFromRequestParts<S> for IdempotencyKey {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Option<Self>, Self::Rejection> {
        parts
            .headers
            .get("idempotency-key")
            .map(|v| {
                Self::parse(v.as_bytes()).map_err(|detail| Error::BadRequest {
                    detail,
                    errors: vec![FieldError::new(
                        "Idempotency-Key",
                        crate::domain::Reason::new(
                            crate::domain::Code::InvalidIdempotencyKey,
                            "is not valid",
                        ),
                    )],
                })
            })
            .transpose()
    }
}

/// The raw bytes of a JSON body (sent as `application/json`, else 415), bounded by
/// [`BODY_LIMIT`], for handlers that keep the bytes as well (idempotency).
pub struct Body(pub bytes::Bytes);

impl<S: Send + Sync> FromRequest<S> for Body {
    type Rejection = Error;

    async fn from_request(req: Request, _: &S) -> Result<Self, Self::Rejection> {
        require_media_type(req.headers(), "application/json")?;
        read_body(req).await.map(Body)
    }
}

/// The raw bytes of a CSV file (sent as `text/csv`, else 415), of at most 2 MiB (else 413).
pub struct CsvBody(pub bytes::Bytes);

impl<S: Send + Sync> FromRequest<S> for CsvBody {
    type Rejection = Error;

    async fn from_request(req: Request, _: &S) -> Result<Self, Self::Rejection> {
        require_media_type(req.headers(), "text/csv")?;
        axum::body::to_bytes(req.into_body(), crate::domain::IMPORT_MAX_BYTES)
            .await
            .map(CsvBody)
            .map_err(|_| Error::PayloadTooLarge("2 MiB"))
    }
}

/// 415 unless the `Content-Type` names `expected` (a media type in lower case), with any
/// parameters (`application/json; charset=utf-8`). Refusing other types keeps a web page of
/// another origin from posting here with a "simple" request (`text/plain`, forms) that the
/// browser sends without a CORS preflight.
pub fn require_media_type(headers: &HeaderMap, expected: &'static str) -> Result<(), Error> {
    let matches = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case(expected));
    if matches {
        Ok(())
    } else {
        Err(Error::UnsupportedMediaType(expected))
    }
}

async fn read_body(req: Request) -> Result<bytes::Bytes, Error> {
    axum::body::to_bytes(req.into_body(), BODY_LIMIT)
        .await
        .map_err(|_| Error::PayloadTooLarge("64 KiB"))
}

pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Error> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::bad_request(
            "The request body must be a JSON object.",
        ));
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let detail = match inner.classify() {
            serde_json::error::Category::Data => "The request body has a wrong JSON type.",
            _ => "The request body is not valid JSON.",
        };
        let message = without_value(&inner.to_string());
        let errors = if path == "." || path.is_empty() {
            Vec::new()
        } else {
            vec![FieldError::new(
                path,
                crate::domain::Reason::new(crate::domain::Code::WrongType, message),
            )]
        };
        Error::BadRequest {
            detail: detail.into(),
            errors,
        }
    })?;
    // One JSON value and nothing after it but whitespace: `{...} xyz` is not JSON.
    de.end()
        .map_err(|_| Error::bad_request("The request body has text after the JSON value."))?;
    Ok(value)
}

/// serde's message about a wrong value, without the value: it quotes what was sent
/// ("invalid type: integer `19800131`, expected a string", "unknown variant `x`, expected one
/// of ..."), which can be personal data; what it expected is ours. Without the position.
fn without_value(message: &str) -> String {
    let message = message.split(" at line ").next().unwrap_or(message);
    let quotes_the_value = [
        "invalid type:",
        "invalid value:",
        "unknown variant",
        "invalid length",
    ]
    .iter()
    .any(|p| message.starts_with(p));
    match message.split_once(", expected ") {
        Some((_, expected)) if quotes_the_value => format!("expected {expected}"),
        _ => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::CustomerInput;

    #[test]
    fn a_wrong_json_type_is_named_without_repeating_the_value_sent() {
        let body = br#"{"type":"person","dateOfBirth":19800131,"firstName":"x"}"#;
        let Err(Error::BadRequest { errors, .. }) = parse_json::<CustomerInput>(body) else {
            panic!("a bad request")
        };
        assert_eq!(errors[0].field, "dateOfBirth");
        assert_eq!(errors[0].reason.message, "expected a string");
        let body = br#"{"version":"geheim-1980"}"#;
        let Err(Error::BadRequest { errors, .. }) = parse_json::<CustomerInput>(body) else {
            panic!("a bad request")
        };
        assert!(!errors[0].reason.message.contains("geheim"), "{errors:?}");
        assert_eq!(
            without_value("unknown variant `xyz`, expected `a` or `b` at line 1 column 9"),
            "expected `a` or `b`"
        );
        assert_eq!(
            without_value("missing field `type`"),
            "missing field `type`"
        );
    }

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

    fn headers(content_type: Option<&str>) -> HeaderMap {
        let mut h = HeaderMap::new();
        if let Some(v) = content_type {
            h.insert(
                axum::http::header::CONTENT_TYPE,
                axum::http::HeaderValue::from_str(v).unwrap(),
            );
        }
        h
    }

    #[test]
    fn json_bodies_need_the_json_media_type_with_any_parameters() {
        for ok in [
            "application/json",
            "application/json; charset=utf-8",
            "Application/JSON;charset=UTF-8",
            " application/json ",
        ] {
            assert!(
                require_media_type(&headers(Some(ok)), "application/json").is_ok(),
                "{ok}"
            );
        }
        for refused in [
            None,
            Some(""),
            Some("text/plain"),
            Some("text/plain; charset=utf-8"),
            Some("application/x-www-form-urlencoded"),
            Some("multipart/form-data; boundary=x"),
            Some("application/jsonp"),
            Some("application/problem+json"),
            Some("application/json-seq"),
            Some("text/json"),
        ] {
            assert!(
                matches!(
                    require_media_type(&headers(refused), "application/json"),
                    Err(Error::UnsupportedMediaType("application/json"))
                ),
                "{refused:?}"
            );
        }
    }

    #[test]
    fn whitespace_after_the_json_value_is_accepted() {
        assert!(parse_json::<serde_json::Value>(b" {} \r\n\t ").is_ok());
    }

    #[test]
    fn text_after_the_json_value_is_a_bad_request() {
        for body in [&b"{} xyz"[..], b"{\"a\":1}}", b"{}{}", b"[] 1", b"{}\0"] {
            match parse_json::<serde_json::Value>(body) {
                Err(Error::BadRequest { detail, .. }) => assert_eq!(
                    detail,
                    "The request body has text after the JSON value.",
                    "{}",
                    String::from_utf8_lossy(body)
                ),
                other => panic!("{}: {other:?}", String::from_utf8_lossy(body)),
            }
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
            b"{} xyz",
            b"{}{}",
            b"{} {\"type\":\"person\"}",
            b"{}\n,",
        ] {
            assert!(matches!(
                parse_json::<CustomerInput>(body),
                Err(Error::BadRequest { .. })
            ));
        }
    }
}

//! The edge every API answer passes, applied once where the routers are composed (each
//! function's router and the merged gateway): the query parameters each operation accepts
//! (any other is 400 naming it, so that `?dryrun=true` never passes for `?dryRun=true`), and
//! the headers on every answer, errors included: `Cache-Control: no-store` (the answers carry
//! personal data that no browser or proxy may keep) and `X-Content-Type-Options: nosniff`.

use crate::domain::FieldError;
use crate::error::Error;
use axum::Router;
use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::de::{self, DeserializeOwned, Deserializer, Visitor};

/// The parameters an operation takes: the field names of the type that parses its query.
type Parameters = fn() -> &'static [&'static str];

/// The operations that take a query string, with the type that parses it: the type's field
/// names are the parameters accepted. Every other operation accepts no parameter at all.
const QUERIES: &[(Method, &str, Parameters)] = &[
    (
        Method::GET,
        "/customers",
        field_names::<crate::usecases::customers::ListQuery>,
    ),
    (
        Method::GET,
        "/customers/{id}/history",
        field_names::<crate::usecases::history::HistoryQuery>,
    ),
    (
        Method::GET,
        "/deletions",
        field_names::<crate::usecases::deletions::DeletionsQuery>,
    ),
    (
        Method::GET,
        "/access-reviews",
        field_names::<crate::usecases::reviews::DueQuery>,
    ),
    (
        Method::GET,
        "/me/transactions",
        field_names::<crate::usecases::me::TransactionsQuery>,
    ),
    (
        Method::POST,
        "/imports",
        field_names::<crate::usecases::imports::StartQuery>,
    ),
    (
        Method::GET,
        "/specialists/{id}/responsibilities",
        field_names::<crate::usecases::responsibilities::ResponsibilitiesQuery>,
    ),
];

/// The parameter check around every operation of `router`. Layered before the fallbacks are
/// set: the method-not-allowed fallback that replaces each route's default one stays outside
/// it, so that a method a route does not serve answers 405 whatever its query.
pub fn check_queries(router: Router) -> Router {
    router.layer(axum::middleware::from_fn(known_query_parameters))
}

/// The headers of every answer around `router`, its fallbacks' included.
pub fn secure_answers(router: Router) -> Router {
    router.layer(axum::middleware::from_fn(security_headers))
}

/// Sets the headers that every API answer carries.
pub async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    secure(res.headers_mut());
    res
}

/// `Cache-Control: no-store` and `X-Content-Type-Options: nosniff` on an answer's headers.
pub fn secure(headers: &mut HeaderMap) {
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
}

/// 400 for a query parameter that the operation does not take, before any handler runs.
async fn known_query_parameters(req: Request, next: Next) -> Response {
    let Some(route) = req.extensions().get::<MatchedPath>() else {
        return next.run(req).await;
    };
    let query = req.uri().query().unwrap_or_default();
    match unknown_parameter(req.method(), route.as_str(), query) {
        Ok(()) => next.run(req).await,
        Err(e) => e.into_response(),
    }
}

/// The first parameter of `query` that the operation `method route` does not take.
fn unknown_parameter(method: &Method, route: &str, query: &str) -> Result<(), Error> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query)
        .map_err(|_| Error::bad_request("The query string is malformed."))?;
    // HEAD is answered by the GET handler.
    let method = if method == Method::HEAD {
        &Method::GET
    } else {
        method
    };
    let accepted = QUERIES
        .iter()
        .find(|(m, r, _)| m == method && *r == route)
        .map_or(&[][..], |(_, _, names)| names());
    match pairs
        .iter()
        .find(|(name, _)| !accepted.contains(&name.as_str()))
    {
        None => Ok(()),
        Some((name, _)) => {
            // Named as sent, but never more of it than a parameter name needs.
            let name: String = name.chars().take(64).collect();
            Err(Error::BadRequest {
                detail: format!("The query parameter {name:?} is not one this operation takes."),
                errors: vec![FieldError::new(
                    name,
                    crate::domain::Reason::new(
                        crate::domain::Code::UnknownParameter,
                        "is not a parameter of this operation",
                    ),
                )],
            })
        }
    }
}

/// The field names (after serde's renames) that the derived `Deserialize` of a struct asks
/// for: what serde hands to `deserialize_struct`. Empty for anything that is no struct.
fn field_names<T: DeserializeOwned>() -> &'static [&'static str] {
    let mut names = None;
    let _ = T::deserialize(FieldNames(&mut names));
    names.unwrap_or_default()
}

/// A deserializer that records the field names it is asked for and yields nothing.
struct FieldNames<'a>(&'a mut Option<&'static [&'static str]>);

impl<'de> Deserializer<'de> for FieldNames<'_> {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("only the field names are read"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Self::Error> {
        *self.0 = Some(fields);
        Err(de::Error::custom("only the field names are read"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_parameters_of_a_query_are_its_field_names_after_renames() {
        assert_eq!(
            field_names::<crate::usecases::customers::ListQuery>(),
            ["q", "type", "limit", "cursor"]
        );
        assert_eq!(
            field_names::<crate::usecases::imports::StartQuery>(),
            ["dryRun"]
        );
        assert!(field_names::<String>().is_empty());
    }

    #[test]
    fn only_the_parameters_an_operation_takes_are_accepted() {
        let post = Method::POST;
        assert!(unknown_parameter(&post, "/imports", "dryRun=true").is_ok());
        assert!(unknown_parameter(&post, "/imports", "").is_ok());
        assert!(unknown_parameter(&Method::GET, "/customers", "q=mu&limit=5&cursor=x").is_ok());
        assert!(unknown_parameter(&Method::HEAD, "/customers", "type=person").is_ok());
        for (method, route, query, unknown) in [
            (&post, "/imports", "dryrun=true", "dryrun"),
            (&post, "/imports", "dryRun=true&x=1", "x"),
            (&Method::GET, "/customers/{id}", "limit=5", "limit"),
            (&Method::PUT, "/customers", "q=a", "q"),
            (&Method::GET, "/me", "=1", ""),
            (&Method::GET, "/me", "a%20b=1", "a b"),
        ] {
            match unknown_parameter(method, route, query) {
                Err(Error::BadRequest { errors, .. }) => {
                    assert_eq!(errors[0].field, unknown, "{method} {route}?{query}")
                }
                other => panic!("{method} {route}?{query}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_long_unknown_parameter_is_named_by_its_start_only() {
        let query = format!("{}=1", "x".repeat(1000));
        match unknown_parameter(&Method::GET, "/me", &query) {
            Err(Error::BadRequest { errors, .. }) => assert_eq!(errors[0].field.len(), 64),
            other => panic!("{other:?}"),
        }
    }
}

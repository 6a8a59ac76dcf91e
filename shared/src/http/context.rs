//! The request context that API Gateway's JWT authorizer attaches to a request, built in one
//! place: for the local server, which verifies tokens itself, and for the tests.

use lambda_http::aws_lambda_events::apigw::{
    ApiGatewayRequestAuthorizer, ApiGatewayRequestAuthorizerJwtDescription,
    ApiGatewayV2httpRequestContext,
};
use lambda_http::request::RequestContext;
use std::collections::HashMap;

/// Verified claims as the HTTP API's JWT authorizer passes them on: strings only, an array
/// claim such as `cognito:groups` flattened to `[a b]`, and no groups claim without groups.
pub fn jwt_claims(iss: &str, sub: &str, groups: &[&str]) -> HashMap<String, String> {
    let mut claims = HashMap::from([
        ("iss".to_owned(), iss.to_owned()),
        ("sub".to_owned(), sub.to_owned()),
    ]);
    if !groups.is_empty() {
        claims.insert("cognito:groups".into(), format!("[{}]", groups.join(" ")));
    }
    claims
}

/// The context of one request: a fresh request id, the method and path, and the claims of a
/// verified token (`None`: no valid token, as when the route has no authorizer).
pub fn gateway_context(
    method: &http::Method,
    path: &str,
    claims: Option<HashMap<String, String>>,
) -> RequestContext {
    let mut ctx = ApiGatewayV2httpRequestContext::default();
    ctx.request_id = Some(uuid::Uuid::new_v4().to_string());
    ctx.http.method = method.clone();
    ctx.http.path = Some(path.to_owned());
    ctx.authorizer = claims.map(|claims| {
        let mut jwt = ApiGatewayRequestAuthorizerJwtDescription::default();
        jwt.claims = claims;
        let mut authorizer = ApiGatewayRequestAuthorizer::default();
        authorizer.jwt = Some(jwt);
        authorizer
    });
    RequestContext::ApiGatewayV2(ctx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_are_flattened_as_the_authorizer_flattens_an_array_claim() {
        let claims = jwt_claims("https://issuer", "anna", &["specialists", "admins"]);
        assert_eq!(claims["cognito:groups"], "[specialists admins]");
        assert_eq!(claims["sub"], "anna");
        assert!(!jwt_claims("https://issuer", "u", &[]).contains_key("cognito:groups"));
    }

    #[test]
    fn a_context_without_claims_has_no_authorizer_and_one_with_claims_carries_them() {
        let RequestContext::ApiGatewayV2(ctx) = gateway_context(&http::Method::GET, "/x", None)
        else {
            panic!("not an HTTP API context")
        };
        assert!(ctx.authorizer.is_none());
        assert_eq!(ctx.http.path.as_deref(), Some("/x"));
        let claims = jwt_claims("i", "s", &[]);
        let RequestContext::ApiGatewayV2(ctx) =
            gateway_context(&http::Method::POST, "/y", Some(claims.clone()))
        else {
            panic!("not an HTTP API context")
        };
        assert_eq!(ctx.authorizer.unwrap().jwt.unwrap().claims, claims);
    }
}

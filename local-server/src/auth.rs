//! Local stand-in for the two identity providers and API Gateway's JWT authorizer: the two
//! issuers (staff, end users) that sign the tokens of `/dev/login`, each with its own key and
//! `iss`, and the verification of every request's token, handing the claims to the product's
//! one caller extractor in the same request-context shape that API Gateway produces.

use crate::Dev;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use shared::http::context::{gateway_context, jwt_claims};
use std::sync::Arc;

const AUDIENCE: &str = "dokumentenaustausch-local";
const TOKEN_LIFETIME_SECS: i64 = 8 * 3600;

/// One issuer: its `iss` and a random HS256 key per start (tokens of an earlier run stop
/// working).
struct Issuer {
    iss: String,
    clock: Arc<dyn shared::ports::Clock>,
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl Issuer {
    fn generate(iss: &str, clock: Arc<dyn shared::ports::Clock>) -> Self {
        use rand::Rng;
        let mut secret = [0u8; 32];
        rand::rng().fill(&mut secret);
        Self {
            iss: iss.to_owned(),
            clock,
            encoding: EncodingKey::from_secret(&secret),
            decoding: DecodingKey::from_secret(&secret),
        }
    }

    fn sign(&self, sub: &str, groups: &[&str]) -> String {
        let now = self.clock.now().unix_timestamp();
        let claims = Claims {
            sub: sub.into(),
            groups: groups.iter().map(|g| g.to_string()).collect(),
            iss: self.iss.clone(),
            aud: AUDIENCE.into(),
            iat: now,
            exp: now + TOKEN_LIFETIME_SECS,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .expect("HS256 signing cannot fail")
    }

    fn verify(&self, token: &str) -> Option<Claims> {
        let mut v = Validation::new(Algorithm::HS256);
        v.set_issuer(&[&self.iss]);
        v.set_audience(&[AUDIENCE]);
        // The library would compare `exp` with the system's time; the local server's clock
        // may have been moved forward, so expiry is checked against that clock below.
        v.validate_exp = false;
        v.required_spec_claims = ["exp", "iss", "aud", "sub"].map(String::from).into();
        let claims = jsonwebtoken::decode::<Claims>(token, &self.decoding, &v)
            .ok()?
            .claims;
        (claims.exp > self.clock.now().unix_timestamp()).then_some(claims)
    }
}

/// The staff issuer and the end users' issuer, with the `iss` values the product expects
/// (`shared::config::Issuers::local`).
pub struct Keys {
    staff: Issuer,
    end_users: Issuer,
}

impl Keys {
    pub fn generate(
        issuers: &shared::config::Issuers,
        clock: Arc<dyn shared::ports::Clock>,
    ) -> Self {
        Self {
            staff: Issuer::generate(&issuers.staff, clock.clone()),
            end_users: Issuer::generate(&issuers.end_user, clock),
        }
    }

    /// A staff token (a seeded specialist or admin).
    pub fn sign_staff(&self, sub: &str, groups: &[&str]) -> String {
        self.staff.sign(sub, groups)
    }

    /// An end user's token (a registered identity's sign-in).
    pub fn sign_end_user(&self, sub: &str) -> String {
        self.end_users.sign(sub, &[])
    }

    /// The claims of a token that either issuer signed.
    fn verify(&self, token: &str) -> Option<Claims> {
        self.staff
            .verify(token)
            .or_else(|| self.end_users.verify(token))
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    #[serde(
        rename = "cognito:groups",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    groups: Vec<String>,
    iss: String,
    aud: String,
    iat: i64,
    exp: i64,
}

/// Verifies a bearer token, if any, and attaches the claims as API Gateway would: a map of
/// strings, with the groups flattened to `[a b]`. Requests without a valid token go on
/// without claims, and the handlers answer 401 where a caller is needed.
pub async fn verify(State(dev): State<Arc<Dev>>, mut req: Request, next: Next) -> Response {
    let claims = req
        .headers()
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .and_then(|t| dev.keys.verify(t.trim()));
    let claims = claims.map(|c| {
        let groups: Vec<&str> = c.groups.iter().map(String::as_str).collect();
        jwt_claims(&c.iss, &c.sub, &groups)
    });
    let ctx = gateway_context(req.method(), req.uri().path(), claims);
    req.extensions_mut().insert(ctx);
    next.run(req).await
}

//! Local stand-in for API Gateway's JWT authorizer: signs tokens at `/dev/login` and verifies
//! them on every request, handing the claims to the product's one caller extractor in the
//! same request-context shape that API Gateway produces.

use crate::{Dev, SignIns};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use serde_json::json;
use shared::app::App;
use shared::error::Error;
use shared::http::extract::JsonBody;
use std::sync::Arc;

const ISSUER: &str = "local-server";
const AUDIENCE: &str = "dokumentenaustausch-local";
const TOKEN_LIFETIME_SECS: i64 = 8 * 3600;

/// A random HS256 key per start: tokens of an earlier run stop working.
pub struct Keys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl Keys {
    pub fn generate() -> Self {
        use rand::Rng;
        let mut secret = [0u8; 32];
        rand::rng().fill(&mut secret);
        Self {
            encoding: EncodingKey::from_secret(&secret),
            decoding: DecodingKey::from_secret(&secret),
        }
    }

    pub fn sign(&self, sub: &str, groups: &[&str]) -> String {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let claims = Claims {
            sub: sub.into(),
            groups: groups.iter().map(|g| g.to_string()).collect(),
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            iat: now,
            exp: now + TOKEN_LIFETIME_SECS,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .expect("HS256 signing cannot fail")
    }

    fn verify(&self, token: &str) -> Option<Claims> {
        let mut v = Validation::new(Algorithm::HS256);
        v.set_issuer(&[ISSUER]);
        v.set_audience(&[AUDIENCE]);
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &v)
            .ok()
            .map(|d| d.claims)
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
    let mut ctx = json!({
        "requestId": uuid::Uuid::new_v4().to_string(),
        "http": {"method": req.method().as_str(), "path": req.uri().path()},
    });
    if let Some(c) = claims {
        let mut map = json!({"sub": c.sub});
        if !c.groups.is_empty() {
            map["cognito:groups"] = json!(format!("[{}]", c.groups.join(" ")));
        }
        ctx["authorizer"] = json!({"jwt": {"claims": map, "scopes": null}});
    }
    match serde_json::from_value(ctx) {
        Ok(ctx) => {
            req.extensions_mut()
                .insert(lambda_http::request::RequestContext::ApiGatewayV2(ctx));
        }
        Err(e) => tracing::error!(error = %e, "request context not built"),
    }
    next.run(req).await
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoginInput {
    specialist_id: Option<String>,
    email: Option<String>,
    password: Option<String>,
}

type DevState = (Arc<App>, Arc<Dev>);

fn unauthorized(detail: &str) -> Response {
    shared::http::error::problem_response(
        StatusCode::UNAUTHORIZED,
        "/problems/unauthenticated",
        "Not authenticated",
        detail.into(),
        &[],
        None,
    )
}

pub async fn login(
    State((app, dev)): State<DevState>,
    JsonBody(input): JsonBody<LoginInput>,
) -> Result<Response, Error> {
    if let Some(id) = input.specialist_id.as_deref() {
        if !shared::ids::plausible(id) {
            return Ok(unauthorized("Unknown specialist."));
        }
        let known = app
            .table
            .get(&shared::store::specialist_key(id))
            .await
            .map_err(shared::error::Error::from)?
            .is_some();
        if !known {
            return Ok(unauthorized("Unknown specialist."));
        }
        let groups: &[&str] = if dev.platform_admins.iter().any(|a| a == id) {
            &["specialists", "admins"]
        } else {
            &["specialists"]
        };
        return Ok(axum::Json(json!({"token": dev.keys.sign(id, groups)})).into_response());
    }
    let (Some(email), Some(password)) = (input.email.as_deref(), input.password.as_deref()) else {
        return Err(Error::field(
            "specialistId",
            "send either specialistId or email and password",
        ));
    };
    let subject = match &dev.sign_ins {
        SignIns::Local(identity) => identity.verify(email, password),
        SignIns::Cognito {
            client,
            pool_id,
            client_id,
        } => cognito_sign_in(client, pool_id, client_id, email, password).await,
    };
    let Some(subject) = subject else {
        return Ok(unauthorized("Wrong e-mail address or password."));
    };
    // A sign-in whose access was removed no longer opens anything.
    let active = app
        .table
        .get(&shared::store::identity_key(&subject))
        .await
        .map_err(shared::error::Error::from)?
        .is_some();
    if !active {
        return Ok(unauthorized("This access was removed."));
    }
    Ok(axum::Json(json!({"token": dev.keys.sign(&subject, &[])})).into_response())
}

async fn cognito_sign_in(
    client: &aws_sdk_cognitoidentityprovider::Client,
    pool_id: &str,
    client_id: &str,
    email: &str,
    password: &str,
) -> Option<String> {
    use aws_sdk_cognitoidentityprovider::types::AuthFlowType;
    client
        .admin_initiate_auth()
        .user_pool_id(pool_id)
        .client_id(client_id)
        .auth_flow(AuthFlowType::AdminUserPasswordAuth)
        .auth_parameters("USERNAME", email)
        .auth_parameters("PASSWORD", password)
        .send()
        .await
        .ok()?;
    let user = client
        .admin_get_user()
        .user_pool_id(pool_id)
        .username(email)
        .send()
        .await
        .ok()?;
    user.user_attributes()
        .iter()
        .find(|a| a.name() == "sub")
        .and_then(|a| a.value())
        .map(str::to_owned)
}

pub async fn outbox(State((_, dev)): State<DevState>) -> Result<Response, Error> {
    let items = match &dev.sent {
        crate::Sent::Outbox(o) => o.entries(),
        crate::Sent::Emulator(endpoint) => crate::aws::sent_messages(endpoint)
            .await
            .map_err(Error::Unavailable)?,
    };
    Ok(axum::Json(json!({"items": items})).into_response())
}

/// The directory for the local sign-in picker (no token needed, local only).
pub async fn specialists(State((app, _)): State<DevState>) -> Result<Response, Error> {
    let list = shared::usecases::specialists::list(
        &app,
        &shared::auth::Caller::Staff {
            id: "local-server".into(),
            platform_admin: false,
        },
    )
    .await?;
    Ok(axum::Json(list).into_response())
}

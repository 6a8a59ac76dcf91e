//! The development endpoints of the local server (never in a Lambda function): `/dev/login`
//! signs in a seeded specialist or a registered end user, `/dev/outbox` shows what would have
//! been sent, `/dev/specialists` feeds the console's sign-in picker.

use crate::{Dev, SignIns};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use shared::app::App;
use shared::error::Error;
use shared::http::extract::JsonBody;
use std::sync::Arc;

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

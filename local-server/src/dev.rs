//! The development endpoints of the local server (never in a Lambda function): `/dev/login`
//! signs in a seeded specialist or a registered end user, `/dev/outbox` shows what would have
//! been sent, `/dev/mail-events` plays the mail service's later report about an invitation
//! e-mail, `/dev/specialists` feeds the console's sign-in picker.

use crate::Dev;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use shared::app::App;
use shared::domain::{Code, Reason};
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
        return Ok(axum::Json(json!({"token": dev.keys.sign_staff(id, groups)})).into_response());
    }
    let (Some(email), Some(password)) = (input.email.as_deref(), input.password.as_deref()) else {
        return Err(Error::field(
            "specialistId",
            shared::domain::Reason::new(
                shared::domain::Code::Required,
                "send either specialistId or email and password",
            ),
        ));
    };
    let Ok(email) = shared::domain::EmailAddress::parse(email) else {
        return Ok(unauthorized("Wrong e-mail address or password."));
    };
    let subject = app
        .identity
        .verify(&email, password)
        .await
        .map_err(|e| Error::Unavailable(e.into()))?;
    let Some(subject) = subject else {
        return Ok(unauthorized("Wrong e-mail address or password."));
    };
    // A sign-in that no identity records any more (its last access went) opens nothing.
    let recorded = app
        .table
        .get(&shared::store::sign_in_key(&subject))
        .await
        .map_err(Error::from)?
        .is_some();
    if !recorded {
        return Ok(unauthorized("This access was removed."));
    }
    Ok(axum::Json(json!({"token": dev.keys.sign_end_user(&subject)})).into_response())
}

#[derive(Debug, Deserialize)]
pub struct MailEventInput {
    email: Option<String>,
    event: Option<String>,
}

/// The local stand-in for the mail service's later report about the last invitation e-mail
/// to an address: through the same use case as the `deliveries` function's SES events.
pub async fn mail_event(
    State((app, _)): State<DevState>,
    JsonBody(input): JsonBody<MailEventInput>,
) -> Result<Response, Error> {
    use shared::domain::DeliveryState;
    use shared::usecases::deliveries;
    let state = match input.event.as_deref() {
        Some("delivered") => DeliveryState::Delivered,
        Some("bounced") => DeliveryState::Bounced,
        Some("complained") => DeliveryState::Complained,
        _ => {
            return Err(Error::field(
                "event",
                shared::domain::Reason::one_of(&["delivered", "bounced", "complained"]),
            ));
        }
    };
    let email = shared::domain::EmailAddress::parse(input.email.as_deref().unwrap_or_default())
        .map_err(|m| Error::field("email", m))?;
    let Some(message_id) = deliveries::last_message_to(&app, &email).await? else {
        return Err(Error::NotFound);
    };
    let report = deliveries::MailReport { message_id, state };
    deliveries::record(&app, &report).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
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

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClockInput {
    advance_days: Option<serde_json::Value>,
}

/// The most `POST /dev/clock` moves at once: ten years, far beyond anything that falls due.
const MAX_ADVANCE_DAYS: f64 = 3650.0;

/// Moves the local server's clock forward by `advanceDays` (fractional allowed, never back).
pub async fn clock(
    State((_, dev)): State<DevState>,
    JsonBody(input): JsonBody<ClockInput>,
) -> Result<Response, Error> {
    let days = match input.advance_days.as_ref() {
        None | Some(serde_json::Value::Null) => {
            return Err(Error::field("advanceDays", Reason::required()));
        }
        Some(given) => given
            .as_f64()
            .filter(|d| d.is_finite() && (0.0..=MAX_ADVANCE_DAYS).contains(d))
            .ok_or_else(|| {
                let why = "must be a number of days from 0 to 3650 (fractions allowed)";
                let reason = Reason::new(Code::OutOfRange, why).min(0).max(3650);
                Error::field("advanceDays", reason)
            })?,
    };
    let by = time::Duration::seconds_f64(days * 86_400.0);
    let now = dev.clock.advance(by);
    Ok(axum::Json(json!({"now": shared::views::ts(now)})).into_response())
}

/// Runs the scheduled work now, as the schedule does every minute here and hourly in AWS.
pub async fn run_scheduled(State((app, _)): State<DevState>) -> Result<Response, Error> {
    let answer = shared::functions::run_scheduled(&app).await?;
    Ok(axum::Json(answer).into_response())
}

//! Registration by the end user: inspect a link (never consumes it) and complete it with the
//! SMS code and a password, which creates the sign-in and makes the access active.

use crate::app::App;
use crate::domain::{
    AccessStatus, Invitation, InvitationStatus, MAX_CODE_ATTEMPTS, Password, RegistrationCode,
    RegistrationToken, codes_match,
};
use crate::error::{Error, Result};
use crate::ports::IdentityError;
use crate::store::{self, InvitationItem, OnCondition, from_item};
use serde::{Deserialize, Serialize};

/// A claim older than this is taken to belong to a completion that died half-way.
const CLAIM_TIMEOUT_SECS: i64 = 120;

#[derive(Debug, Deserialize)]
pub struct InspectInput {
    pub token: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Inspection {
    pub sms_code_required: bool,
    pub email: String,
    pub language: String,
    /// Added to the contract: when the link stops working, and whether too many wrong codes
    /// locked it (then completing answers 429 until the invitation is resent).
    pub expires_at: String,
    pub locked: bool,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompleteInput {
    pub token: Option<String>,
    pub sms_code: Option<String>,
    pub password: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct Completed {
    pub status: String,
}

fn token(raw: &Option<String>) -> Result<RegistrationToken> {
    match raw.as_deref() {
        None | Some("") => Err(Error::field("token", "is required")),
        // A malformed token cannot belong to any invitation.
        Some(t) => RegistrationToken::parse(t).map_err(|_| Error::NotFound),
    }
}

async fn load(app: &App, token: &RegistrationToken) -> Result<Invitation> {
    let item = app
        .table
        .get(&store::invitation_key(&token.hash()))
        .await?
        .ok_or(Error::NotFound)?;
    Ok(from_item::<InvitationItem>(&item)?.into_domain()?)
}

/// 410 for links that no longer work, in one place.
fn usable(inv: &Invitation, now: time::OffsetDateTime) -> Result<()> {
    match inv.status {
        InvitationStatus::Used => {
            return Err(Error::Gone("This registration link was already used."));
        }
        InvitationStatus::Revoked => {
            return Err(Error::Gone(
                "This registration link was replaced or withdrawn.",
            ));
        }
        InvitationStatus::Pending | InvitationStatus::Claimed(_) => {}
    }
    if inv.expires_at <= now {
        return Err(Error::Gone("This registration link has expired."));
    }
    Ok(())
}

pub async fn inspect(app: &App, input: InspectInput) -> Result<Inspection> {
    let token = token(&input.token)?;
    let inv = load(app, &token).await?;
    usable(&inv, app.now())?;
    Ok(Inspection {
        sms_code_required: inv.code.is_some(),
        email: inv.email.masked(),
        language: inv.language.as_str().into(),
        expires_at: inv
            .expires_at
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
        locked: inv.attempts >= MAX_CODE_ATTEMPTS,
    })
}

fn in_progress() -> Error {
    Error::Conflict("This registration is being completed in another window.".into())
}

fn locked() -> Error {
    Error::Locked("Too many wrong registration codes. Ask your adviser to send a new invitation.")
}

/// Compares the typed code, if the invitation has one, after reserving one of the attempts:
/// however many requests run at once, at most [`MAX_CODE_ATTEMPTS`] comparisons happen. A
/// right code keeps its attempt too, so that no attempt is ever handed out twice.
async fn check_code(
    app: &App,
    token: &RegistrationToken,
    inv: &Invitation,
    typed: Option<&str>,
) -> Result<()> {
    let Some((salt, hash)) = &inv.code else {
        return Ok(());
    };
    let typed = typed.unwrap_or_default();
    if typed.trim().is_empty() {
        return Err(Error::field(
            "smsCode",
            "is required: enter the code from the SMS",
        ));
    }
    let reserve = store::reserve_attempt(&inv.token_hash, MAX_CODE_ATTEMPTS);
    if app
        .table
        .write(reserve)
        .await
        .unless_condition_failed()?
        .is_none()
    {
        // No attempt left: because a parallel completion used the link, or it is locked.
        let again = load(app, token).await?;
        usable(&again, app.now())?;
        return Err(match again.status {
            InvitationStatus::Claimed(_) => in_progress(),
            _ => locked(),
        });
    }
    if RegistrationCode::parse(typed).is_ok_and(|c| codes_match(salt, &c, hash)) {
        return Ok(());
    }
    // Parallel attempts may have used more meanwhile; the next try then answers 429.
    if inv.attempts + 1 >= MAX_CODE_ATTEMPTS {
        Err(locked())
    } else {
        Err(Error::field("smsCode", "is not the code from the SMS"))
    }
}

/// Only one completion can move the invitation from pending to claimed.
async fn claim(app: &App, token: &RegistrationToken, inv: &Invitation) -> Result<()> {
    let claim = store::claim_invitation(&inv.token_hash, app.now(), CLAIM_TIMEOUT_SECS);
    match app.table.write(claim).await.unless_condition_failed()? {
        Some(()) => Ok(()),
        None => {
            let again = load(app, token).await?;
            usable(&again, app.now())?;
            Err(in_progress())
        }
    }
}

pub async fn complete(app: &App, input: CompleteInput) -> Result<Completed> {
    let token = token(&input.token)?;
    let inv = load(app, &token).await?;
    let now = app.now();
    usable(&inv, now)?;
    if inv.attempts >= MAX_CODE_ATTEMPTS {
        return Err(locked());
    }
    // The password first: a weak one is refused without using up an attempt at the code.
    let password = input.password.as_deref().unwrap_or_default();
    let password =
        Password::parse(password, &inv.email).map_err(|m| Error::field("password", m))?;
    check_code(app, &token, &inv, input.sms_code.as_deref()).await?;
    claim(app, &token, &inv).await?;
    match finish(app, &inv, &password, now).await {
        Ok(()) => {
            tracing::info!(access_id = %inv.access_id, "registration completed");
            Ok(Completed {
                status: AccessStatus::Active.as_str().into(),
            })
        }
        Err(e) => {
            // Give the link back so that the end user can try again.
            let release = store::release_claim(&inv.token_hash);
            if let Err(release_error) = app.table.write(release).await {
                tracing::warn!(error = ?release_error, "claim not released; it times out");
            }
            Err(e)
        }
    }
}

/// A sign-in for the invited address: one access per e-mail address on the platform, so an
/// existing one can only be left over from an earlier completion that failed half-way.
async fn create_sign_in(app: &App, inv: &Invitation, password: &Password) -> Result<String> {
    match app.identity.create(&inv.email, password).await {
        Ok(s) => Ok(s),
        Err(IdentityError::Exists) => {
            app.identity
                .delete(&inv.email)
                .await
                .map_err(|e| Error::Unavailable(e.into()))?;
            app.identity
                .create(&inv.email, password)
                .await
                .map_err(identity_error)
        }
        Err(e) => Err(identity_error(e)),
    }
}

async fn finish(
    app: &App,
    inv: &Invitation,
    password: &Password,
    now: time::OffsetDateTime,
) -> Result<()> {
    let subject = create_sign_in(app, inv, password).await?;
    let writes = vec![
        store::use_invitation(&inv.token_hash),
        store::activate_access(inv, &subject, now),
        store::identity_pointer(&subject, &inv.customer_id, &inv.access_id),
        store::customer_alive(&inv.customer_id),
    ];
    let result = app.table.transact(writes, None).await;
    if result.is_err() {
        // No sign-in without an active access.
        if let Err(undo) = app.identity.delete(&inv.email).await {
            tracing::error!(access_id = %inv.access_id, error = ?undo, "sign-in not removed after failed registration");
        }
    }
    result.on_condition(|_| Error::Gone("This registration link was withdrawn."))
}

fn identity_error(e: IdentityError) -> Error {
    match e {
        IdentityError::PasswordRefused(why) => Error::field("password", why),
        IdentityError::Exists => {
            Error::Conflict("A sign-in for this e-mail address exists.".into())
        }
        IdentityError::Unavailable(cause) => Error::Unavailable(cause),
    }
}

//! Registration by the end user: inspect a link (never consumes it) and complete it with the
//! SMS code and a password, which creates the sign-in and makes the access active.

use crate::app::App;
use crate::domain::{
    AccessStatus, Action, Actor, Code, Invitation, InvitationStatus, MAX_CODE_ATTEMPTS, Password,
    Reason, RegistrationCode, RegistrationToken, codes_match,
};
use crate::error::{Error, Result};
use crate::ports::IdentityError;
use crate::store::{self, IdentityItem, InvitationItem, OnCondition, from_item};
use crate::usecases::history;
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
    /// The address has a sign-in already (it holds an access at another customer): completing
    /// takes that sign-in's password.
    pub existing_account: bool,
    pub customer: InspectedCustomer,
    pub expires_at: String,
    pub locked: bool,
}

/// The customer an invitation is for, as the registration page names it.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct InspectedCustomer {
    pub display_name: String,
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
        None | Some("") => Err(Error::field("token", Reason::required())),
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

/// The identity record of the invited address and the customer, read together.
async fn identity_and_customer(
    app: &App,
    inv: &Invitation,
) -> Result<(Option<IdentityItem>, crate::domain::Customer)> {
    let ikey = store::identity_key(&inv.email.normalized());
    let ckey = store::customer_key(&inv.customer_id);
    let items = app.table.batch_get(&[ikey.clone(), ckey.clone()]).await?;
    let identity = super::find(&items, &ikey)
        .map(from_item::<IdentityItem>)
        .transpose()?;
    let customer = super::find(&items, &ckey)
        .map(store::customer_from_item)
        .transpose()?
        .flatten()
        .ok_or(Error::Gone("This registration link was withdrawn."))?;
    Ok((identity, customer))
}

pub async fn inspect(app: &App, input: InspectInput) -> Result<Inspection> {
    let token = token(&input.token)?;
    let inv = load(app, &token).await?;
    usable(&inv, app.now())?;
    let (identity, customer) = identity_and_customer(app, &inv).await?;
    Ok(Inspection {
        sms_code_required: inv.code.is_some(),
        email: inv.email.masked(),
        language: inv.language.as_str().into(),
        existing_account: identity.is_some_and(|i| i.subject.is_some()),
        customer: InspectedCustomer {
            display_name: customer.data.display_name(),
        },
        expires_at: crate::domain::rfc3339(inv.expires_at),
        locked: inv.attempts >= MAX_CODE_ATTEMPTS,
    })
}

fn in_progress() -> Error {
    Error::Conflict(
        crate::error::Conflict::InProgress,
        "This registration is being completed in another window.".into(),
    )
}

fn locked() -> Error {
    Error::Locked(
        "Too many wrong registration codes or passwords. Ask your adviser to send a new invitation.",
    )
}

/// Reserves one of the attempts before a code or password is compared: however many requests
/// run at once, at most [`MAX_CODE_ATTEMPTS`] comparisons happen. A right answer keeps its
/// attempt too, so that no attempt is ever handed out twice.
async fn reserve_attempt(app: &App, token: &RegistrationToken, inv: &Invitation) -> Result<()> {
    let reserve = store::reserve_attempt(&inv.token_hash, MAX_CODE_ATTEMPTS);
    if app
        .table
        .write(reserve)
        .await
        .unless_condition_failed()?
        .is_some()
    {
        return Ok(());
    }
    // No attempt left: because a parallel completion used the link, or it is locked.
    let again = load(app, token).await?;
    usable(&again, app.now())?;
    Err(match again.status {
        InvitationStatus::Claimed(_) => in_progress(),
        _ => locked(),
    })
}

fn wrong_code() -> Reason {
    Reason::new(Code::WrongCode, "is not the code from the SMS")
}

/// A wrong code or password: 422 on the field, or 429 when it used the last attempt
/// (parallel attempts may have used more meanwhile; the next try then answers 429).
fn wrong(inv: &Invitation, field: &str, reason: Reason) -> Error {
    if inv.attempts + 1 >= MAX_CODE_ATTEMPTS {
        locked()
    } else {
        Error::field(field, reason)
    }
}

/// The typed code, required where the invitation has one.
fn typed_code<'a>(inv: &Invitation, typed: Option<&'a str>) -> Result<Option<&'a str>> {
    if inv.code.is_none() {
        return Ok(None);
    }
    match typed.filter(|t| !t.trim().is_empty()) {
        Some(t) => Ok(Some(t)),
        None => Err(Error::field(
            "smsCode",
            Reason::new(Code::Required, "is required: enter the code from the SMS"),
        )),
    }
}

fn code_matches(inv: &Invitation, typed: Option<&str>) -> bool {
    match (&inv.code, typed) {
        (None, _) => true,
        (Some((salt, hash)), Some(t)) => {
            RegistrationCode::parse(t).is_ok_and(|c| codes_match(salt, &c, hash))
        }
        (Some(_), None) => false,
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
    usable(&inv, app.now())?;
    if inv.attempts >= MAX_CODE_ATTEMPTS {
        return Err(locked());
    }
    let sign_in = super::identities::find(app, &inv.email)
        .await?
        .and_then(|k| k.subject);
    let password = input.password.as_deref().unwrap_or_default();
    let code = input.sms_code.as_deref();
    let recorded = sign_in.is_some();
    let (subject, created) = match sign_in {
        Some(subject) => {
            let subject = accept_existing(app, &token, &inv, code, password, &subject).await?;
            (subject, false)
        }
        None => register_new(app, &token, &inv, code, password).await?,
    };
    if let Err(e) = record(app, &inv, &subject, (created, recorded)).await {
        // Give the link back so that the end user can try again.
        return Err(release_after(app, &inv, e).await);
    }
    tracing::info!(access_id = %inv.access_id, existing_sign_in = !created, "registration completed");
    Ok(Completed {
        status: AccessStatus::Active.as_str().into(),
    })
}

/// A further access for an identity with a sign-in: accepted with that sign-in's password,
/// which is checked (never replaced) through the identity port. A wrong password counts like
/// a wrong code.
async fn accept_existing(
    app: &App,
    token: &RegistrationToken,
    inv: &Invitation,
    code: Option<&str>,
    password: &str,
    subject: &str,
) -> Result<String> {
    if password.is_empty() {
        return Err(Error::field(
            "password",
            Reason::new(
                Code::Required,
                "is required: enter the password of your existing sign-in",
            ),
        ));
    }
    let code = typed_code(inv, code)?;
    reserve_attempt(app, token, inv).await?;
    if !code_matches(inv, code) {
        return Err(wrong(inv, "smsCode", wrong_code()));
    }
    match verify(app, inv, password).await? {
        Some(s) if s == subject => {}
        _ => {
            return Err(wrong(
                inv,
                "password",
                Reason::new(
                    Code::WrongPassword,
                    "is not the password of your existing sign-in",
                ),
            ));
        }
    }
    claim(app, token, inv).await?;
    Ok(subject.to_owned())
}

async fn verify(app: &App, inv: &Invitation, password: &str) -> Result<Option<String>> {
    app.identity
        .verify(&inv.email, password)
        .await
        .map_err(|e| Error::Unavailable(e.into()))
}

/// A first access of an address: a new sign-in with a new password. Returns its subject and
/// whether this call created it.
async fn register_new(
    app: &App,
    token: &RegistrationToken,
    inv: &Invitation,
    code: Option<&str>,
    password: &str,
) -> Result<(String, bool)> {
    // The password first: a weak one is refused without using up an attempt at the code.
    let password =
        Password::parse(password, &inv.email).map_err(|m| Error::field("password", m))?;
    if let Some(code) = typed_code(inv, code)? {
        reserve_attempt(app, token, inv).await?;
        if !code_matches(inv, Some(code)) {
            return Err(wrong(inv, "smsCode", wrong_code()));
        }
    }
    claim(app, token, inv).await?;
    match app.identity.create(&inv.email, &password).await {
        Ok(subject) => Ok((subject, true)),
        Err(IdentityError::Exists) => adopt(app, token, inv, &password).await,
        Err(e) => Err(release_after(app, inv, identity_error(e)).await),
    }
}

/// A sign-in exists that no identity records: left by a registration that died between
/// creating it and recording it, whose end user chose its password. It is taken over with
/// that password, never deleted or replaced; another password counts as a wrong attempt.
async fn adopt(
    app: &App,
    token: &RegistrationToken,
    inv: &Invitation,
    password: &Password,
) -> Result<(String, bool)> {
    let checked = async {
        reserve_attempt(app, token, inv).await?;
        match verify(app, inv, password.expose()).await? {
            Some(subject) => Ok((subject, false)),
            None => Err(wrong(
                inv,
                "password",
                Reason::new(
                    Code::WrongPassword,
                    "an earlier registration for this address was interrupted: enter the password you chose then",
                ),
            )),
        }
    }
    .await;
    match checked {
        Ok(found) => Ok(found),
        Err(e) => Err(release_after(app, inv, e).await),
    }
}

/// Gives the claimed link back before answering with `e`.
async fn release_after(app: &App, inv: &Invitation, e: Error) -> Error {
    if let Err(release_error) = app.table.write(store::release_claim(&inv.token_hash)).await {
        tracing::warn!(error = ?release_error, "claim not released; it times out");
    }
    e
}

/// The claimed invitation is used, the access active with the sign-in `subject`, and the
/// identity records the sign-in (or, where it `recorded` it already, is checked to still
/// hold it), in one transaction. A sign-in this call `created` goes again if that fails.
async fn record(
    app: &App,
    inv: &Invitation,
    subject: &str,
    (created, recorded): (bool, bool),
) -> Result<()> {
    let email = inv.email.normalized();
    let mut writes = vec![
        store::use_invitation(&inv.token_hash),
        store::activate_access(inv, subject, app.now()),
        store::customer_alive(&inv.customer_id),
        history::record(
            app,
            &inv.customer_id,
            &Actor::end_user(subject),
            Action::AccessActivated,
            &inv.access_id,
        ),
    ];
    if recorded {
        writes.push(store::sign_in_unchanged(&email, subject));
    } else {
        writes.extend(store::record_sign_in(&email, subject));
    }
    let result = app.table.transact(writes, None).await;
    if result.is_err() && created {
        // No sign-in without an identity that records it: this call created it, so it goes.
        if let Err(undo) = app.identity.delete(subject).await {
            tracing::error!(access_id = %inv.access_id, error = ?undo, "sign-in not removed after failed registration");
        }
    }
    result.on_condition(|_| Error::Gone("This registration link was withdrawn."))
}

fn identity_error(e: IdentityError) -> Error {
    match e {
        IdentityError::PasswordRefused(why) => {
            Error::field("password", Reason::new(Code::PasswordRefused, why))
        }
        IdentityError::Exists => Error::Conflict(
            crate::error::Conflict::EmailTaken,
            "A sign-in for this e-mail address exists.".into(),
        ),
        IdentityError::Unavailable(cause) => Error::Unavailable(cause),
    }
}

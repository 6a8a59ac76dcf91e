//! Registration by the end user: inspect a link (never consumes it) and complete it with the
//! SMS code and a password, which creates the sign-in and makes the access active.

use super::{customer_alive, store_error};
use crate::app::App;
use crate::domain::{
    AccessStatus, Invitation, InvitationStatus, MAX_CODE_ATTEMPTS, Password, RegistrationCode,
    RegistrationToken, codes_match,
};
use crate::error::{Error, Result};
use crate::ports::{Cond, IdentityError, Item, StoreError, Write};
use crate::store::{self, InvitationItem, PointerItem, from_item, to_item};
use serde::{Deserialize, Serialize};
use serde_json::json;

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

fn locked() -> Error {
    Error::TooManyRequests(
        "Too many wrong registration codes. Ask your adviser to send a new invitation.",
    )
}

pub async fn complete(app: &App, input: CompleteInput) -> Result<Completed> {
    let token = token(&input.token)?;
    let inv = load(app, &token).await?;
    let now = app.now();
    usable(&inv, now)?;
    if inv.attempts >= MAX_CODE_ATTEMPTS {
        return Err(locked());
    }
    let key = store::invitation_key(&inv.token_hash);

    // The code first: a wrong code counts against the lock whatever the password.
    if let Some((salt, hash)) = &inv.code {
        let typed = input.sms_code.as_deref().unwrap_or_default();
        if typed.trim().is_empty() {
            return Err(Error::field(
                "smsCode",
                "is required: enter the code from the SMS",
            ));
        }
        let right = RegistrationCode::parse(typed).is_ok_and(|c| codes_match(salt, &c, hash));
        if !right {
            let wrong = Write::Update {
                key: key.clone(),
                set: Item::new(),
                remove: Vec::new(),
                add: vec![("attempts".into(), 1)],
                cond: Some(Cond::And(vec![
                    Cond::Lt("attempts", i64::from(MAX_CODE_ATTEMPTS)),
                    Cond::Exists,
                ])),
            };
            return match app.table.write(wrong).await {
                Ok(()) if inv.attempts + 1 >= MAX_CODE_ATTEMPTS => Err(locked()),
                Ok(()) => Err(Error::field("smsCode", "is not the code from the SMS")),
                Err(StoreError::ConditionFailed { .. }) => Err(locked()),
                Err(e) => Err(store_error(e)),
            };
        }
    }
    let password = input.password.as_deref().unwrap_or_default();
    let password =
        Password::parse(password, &inv.email).map_err(|m| Error::field("password", m))?;

    // Consume: only one completion can move the invitation from pending to claimed.
    let mut set = Item::new();
    set.insert("status".into(), json!("claimed"));
    set.insert("claimedAt".into(), json!(now.unix_timestamp()));
    let claim = Write::Update {
        key: key.clone(),
        set,
        remove: Vec::new(),
        add: Vec::new(),
        cond: Some(Cond::And(vec![
            Cond::Or(vec![
                Cond::Eq("status", json!("pending")),
                Cond::And(vec![
                    Cond::Eq("status", json!("claimed")),
                    Cond::Lt("claimedAt", now.unix_timestamp() - CLAIM_TIMEOUT_SECS),
                ]),
            ]),
            Cond::Lt("attempts", i64::from(MAX_CODE_ATTEMPTS)),
            Cond::Gt("expiresAt", now.unix_timestamp()),
        ])),
    };
    match app.table.write(claim).await {
        Ok(()) => {}
        Err(StoreError::ConditionFailed { .. }) => {
            let again = load(app, &token).await?;
            usable(&again, app.now())?;
            if again.attempts >= MAX_CODE_ATTEMPTS {
                return Err(locked());
            }
            return Err(Error::Conflict(
                "This registration is being completed in another window.".into(),
            ));
        }
        Err(e) => return Err(store_error(e)),
    }

    match finish(app, &inv, &password, now).await {
        Ok(()) => {
            tracing::info!(access_id = %inv.access_id, "registration completed");
            Ok(Completed {
                status: AccessStatus::Active.as_str().into(),
            })
        }
        Err(e) => {
            // Give the link back so that the end user can try again.
            let mut set = Item::new();
            set.insert("status".into(), json!("pending"));
            let release = Write::Update {
                key,
                set,
                remove: vec!["claimedAt".into()],
                add: Vec::new(),
                cond: Some(Cond::Eq("status", json!("claimed"))),
            };
            if let Err(release_error) = app.table.write(release).await {
                tracing::warn!(error = ?release_error, "claim not released; it times out");
            }
            Err(e)
        }
    }
}

async fn finish(
    app: &App,
    inv: &Invitation,
    password: &Password,
    now: time::OffsetDateTime,
) -> Result<()> {
    let subject = match app.identity.create(&inv.email, password).await {
        Ok(s) => s,
        Err(IdentityError::Exists) => {
            // One access per e-mail address on the platform, so a sign-in for this address
            // can only be left over from an earlier completion that failed half-way.
            app.identity
                .delete(&inv.email)
                .await
                .map_err(|e| Error::Unavailable(e.into()))?;
            app.identity
                .create(&inv.email, password)
                .await
                .map_err(identity_error)?
        }
        Err(e) => return Err(identity_error(e)),
    };
    let mut used = Item::new();
    used.insert("status".into(), json!("used"));
    let mut active = Item::new();
    active.insert("status".into(), json!("active"));
    active.insert(
        "activatedAt".into(),
        json!(
            now.format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default()
        ),
    );
    active.insert("identity".into(), json!(subject));
    let writes = vec![
        Write::Update {
            key: store::invitation_key(&inv.token_hash),
            set: used,
            remove: vec!["claimedAt".into()],
            add: Vec::new(),
            cond: Some(Cond::Eq("status", json!("claimed"))),
        },
        Write::Update {
            key: store::access_key(&inv.customer_id, &inv.access_id),
            set: active,
            remove: vec![
                "invitation".into(),
                "deliveryEmail".into(),
                "deliverySms".into(),
                "deliveryAt".into(),
            ],
            add: vec![("version".into(), 1)],
            cond: Some(Cond::And(vec![
                Cond::Exists,
                Cond::Eq("status", json!("invited")),
                Cond::Eq("invitation", json!(inv.token_hash.as_str())),
            ])),
        },
        Write::put(to_item(&PointerItem::new(
            store::identity_key(&subject),
            &inv.customer_id,
            Some(&inv.access_id),
        ))),
        customer_alive(&inv.customer_id),
    ];
    match app.table.transact(writes, None).await {
        Ok(()) => Ok(()),
        Err(e) => {
            // No sign-in without an active access.
            if let Err(undo) = app.identity.delete(&inv.email).await {
                tracing::error!(access_id = %inv.access_id, error = ?undo, "sign-in not removed after failed registration");
            }
            match e {
                StoreError::ConditionFailed { .. } => {
                    Err(Error::Gone("This registration link was withdrawn."))
                }
                other => Err(store_error(other)),
            }
        }
    }
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

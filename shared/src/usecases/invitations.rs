//! Issuing an invitation (link token and SMS code), sending it, and recording how delivery
//! went. Shared by customer creation, access creation, access changes and resends.

use crate::app::App;
use crate::domain::{
    Access, Action, Actor, Delivery, DeliveryState, Invitation, InvitationStatus, RegistrationCode,
    RegistrationToken, code_hash, new_salt,
};
use crate::error::Error;
use crate::messages::InvitationText;
use crate::ports::Write;
use crate::store;
use crate::usecases::history;
use time::OffsetDateTime;

/// The start of the 24 hours the limit counts, as a Unix timestamp.
fn day_before(now: OffsetDateTime) -> i64 {
    (now - time::Duration::DAY).unix_timestamp()
}

/// When the access has had `max` resends in the last 24 hours (the first invitation is no
/// resend: [`Sending`]): the seconds until the oldest of them that counts leaves the 24 hours.
pub fn resend_wait(access: &Access, now: OffsetDateTime, max: u32) -> Option<u64> {
    let since = day_before(now);
    let mut recent: Vec<i64> = access
        .sends
        .iter()
        .copied()
        .filter(|t| *t > since)
        .collect();
    let over = recent.len().checked_sub(max as usize)?;
    recent.sort_unstable();
    let frees = recent[over] - since;
    Some(frees.max(1) as u64)
}

/// A fresh invitation with its secrets; the secrets exist only in memory until sent.
pub struct Issued {
    pub sending: Sending,
    pub invitation: Invitation,
    pub token: RegistrationToken,
    pub code: Option<RegistrationCode>,
}

/// Which invitation of an access is being sent: only resends (by a specialist, or a re-invitation
/// after a fixed address) count against `LIMIT_RESENDS_PER_ACCESS`; the first invitation does
/// not, and neither does the system's reminder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sending {
    First,
    Resend,
    /// The one automatic reminder (`usecases::reminders`): it schedules none of its own.
    Reminder,
}

/// Makes a new invitation for the access and records it on the access (which the caller then
/// stores in the same transaction as [`Issued::put`]); a resend is counted on the access.
pub fn issue(app: &App, access: &mut Access, now: OffsetDateTime, sending: Sending) -> Issued {
    let token = RegistrationToken::generate();
    let code = access.mobile.as_ref().map(|_| RegistrationCode::generate());
    let invitation = Invitation {
        token_hash: token.hash(),
        customer_id: access.customer_id.clone(),
        access_id: access.id.clone(),
        code: code.as_ref().map(|c| {
            let salt = new_salt();
            let hash = code_hash(&salt, c);
            (salt, hash)
        }),
        expires_at: now + app.settings.invitation_ttl,
        attempts: 0,
        status: InvitationStatus::Pending,
        email: access.email.clone(),
        language: access.language,
    };
    access.invitation = Some(invitation.token_hash.clone());
    access.invitations.push(invitation.token_hash.clone());
    let since = day_before(now);
    access.sends.retain(|t| *t > since);
    if sending == Sending::Resend {
        access.sends.push(now.unix_timestamp());
    }
    access.invited_at = now;
    access.expires_at = Some(invitation.expires_at);
    // Every invitation a specialist sends gets its one reminder; the reminder gets none.
    access.remind_at = match (sending, app.settings.due.reminder_after) {
        (Sending::Reminder, _) | (_, None) => None,
        (_, Some(after)) => Some(now + after),
    };
    access.delivery = Some(Delivery {
        email: DeliveryState::Pending,
        sms: access.mobile.as_ref().map(|_| DeliveryState::Pending),
        at: now,
        message_id: None,
    });
    Issued {
        sending,
        invitation,
        token,
        code,
    }
}

impl Issued {
    /// The error when [`resend_wait`] says to wait.
    pub fn too_often(retry_after: u64) -> Error {
        Error::TooManyRequests {
            detail: "This invitation was sent too often in the last 24 hours. Please try again later.",
            retry_after,
        }
    }

    pub fn put(&self) -> Write {
        store::new_invitation(&self.invitation)
    }
}

/// Revokes the invitation that currently works for the access, if it is still stored
/// (DynamoDB's TTL removes invitations some weeks after they expired).
pub fn revoke(app: &App, access: &Access) -> Option<Write> {
    let hash = access.invitation.as_ref()?;
    let stored_until = access.invited_at
        + app.settings.invitation_ttl
        + time::Duration::seconds(store::INVITATION_RETENTION_SECS - 24 * 3600);
    if stored_until < app.now() {
        return None;
    }
    Some(store::revoke_invitation(hash))
}

/// Sends the e-mail and, where a code exists, the SMS. Failures are logged without personal
/// data and reported in the returned delivery state; they never undo what was stored.
pub async fn send(app: &App, access: &Access, issued: &Issued, now: OffsetDateTime) -> Delivery {
    let name = format!("{} {}", access.first_name, access.last_name);
    // The wording reflects this moment: with a sign-in, the end user accepts with it.
    let existing_account = match super::identities::has_sign_in(app, &access.email).await {
        Ok(known) => known,
        Err(e) => {
            tracing::warn!(access_id = %access.id, error = ?e, "sign-in not looked up; the invitation asks for a new password");
            false
        }
    };
    let text = InvitationText {
        existing_account,
        firm: &app.settings.firm_name,
        name: &name,
        portal_base_url: &app.settings.portal_base_url,
        token: &issued.token,
        code: issued.code.as_ref(),
        expires_at: issued.invitation.expires_at,
        language: access.language,
        reminder: issued.sending == Sending::Reminder,
    };
    let (email, message_id) = match app.mailer.send(&text.email(access.email.clone())).await {
        Ok(id) => (DeliveryState::Sent, Some(id)),
        Err(e) => {
            tracing::warn!(access_id = %access.id, error = ?e, "invitation e-mail not delivered");
            (DeliveryState::Failed, None)
        }
    };
    let sms = match access.mobile.clone().and_then(|m| text.sms(m)) {
        None => None,
        Some(message) => Some(match app.sms.send(&message).await {
            Ok(()) => DeliveryState::Sent,
            Err(e) => {
                tracing::warn!(access_id = %access.id, error = ?e, "invitation SMS not delivered");
                DeliveryState::Failed
            }
        }),
    };
    Delivery {
        email,
        sms,
        at: now,
        message_id,
    }
}

/// Sends the invitation and stores how it went (one more round trip), together with the
/// writes `extra` makes from the access as delivered. The access passed in is updated to show
/// the outcome.
pub async fn send_and_record(
    app: &App,
    access: &mut Access,
    issued: &Issued,
    extra: impl FnOnce(&Access) -> Vec<Write>,
) {
    let now = app.now();
    let delivery = send(app, access, issued, now).await;
    let channels: &[&str] = if delivery.sms.is_some() {
        &["email", "sms"]
    } else {
        &["email"]
    };
    let event = (Action::AccessDelivery, access.id.as_str());
    let mut writes = vec![
        store::record_delivery(access, &delivery, access.version),
        history::record_update(
            app,
            &access.customer_id,
            &Actor::delivery(),
            event,
            channels,
        ),
    ];
    if let Some(id) = &delivery.message_id {
        // Later reports about this e-mail find the access through its message id.
        writes.push(store::mail_message(id, access, now));
    }
    if let Some(id) = &delivery.message_id
        && !access.mail_messages.contains(id)
    {
        access.mail_messages.push(id.clone());
    }
    access.delivery = Some(delivery);
    writes.extend(extra(access));
    if let Err(e) = app.table.transact(writes, None).await {
        // The access changed or went away meanwhile; the invitation itself is stored.
        tracing::info!(access_id = %access.id, error = ?e, "delivery state not recorded");
    }
}

//! What the mail service reports about invitation e-mails after sending (delivered, bounced,
//! complained): SES events through the configuration set's SNS topic in AWS, the local
//! server's `POST /dev/mail-events` locally. Each report is recorded on the access whose
//! current invitation that e-mail was, matched by the message id stored at sending.

use crate::app::App;
use crate::domain::{Action, Actor, DeliveryState};
use crate::error::Result;
use crate::store::{self, MailMessageItem, OnCondition, from_item};
use crate::usecases::history;
use serde::Deserialize;

/// One report about one e-mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailReport {
    pub message_id: String,
    pub state: DeliveryState,
}

/// What became of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Recorded,
    /// Not about a current invitation: an unknown or older e-mail, an access that registered
    /// or went away meanwhile, or a delivery after a bounce or complaint.
    Ignored,
}

/// An SES event (event publishing: `eventType`) or notification (`notificationType`), as far
/// as it is read here. Nothing personal is kept from it: only the message id and the kind.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SesEvent {
    event_type: Option<String>,
    notification_type: Option<String>,
    mail: SesMail,
    bounce: Option<SesBounce>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SesMail {
    message_id: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SesBounce {
    bounce_type: String,
}

/// The report in an SES event, if it is one that counts: a delivery, a permanent bounce or a
/// complaint. Transient and undetermined bounces (a full mailbox, a greylisting server) are
/// not final, and SES retries them itself; other event types (send, open, …) say nothing new.
pub fn parse_ses_event(json: &str) -> Option<MailReport> {
    let event: SesEvent = serde_json::from_str(json).ok()?;
    let kind = event.event_type.or(event.notification_type)?;
    let state = match kind.as_str() {
        "Delivery" => DeliveryState::Delivered,
        "Complaint" => DeliveryState::Complained,
        "Bounce" if event.bounce.is_some_and(|b| b.bounce_type == "Permanent") => {
            DeliveryState::Bounced
        }
        _ => return None,
    };
    Some(MailReport {
        message_id: event.mail.message_id,
        state,
    })
}

/// Records a report on the access whose current invitation the e-mail was: one GetItem (the
/// message id's pointer) and one TransactWriteItems (the access's state under its conditions,
/// the history event, a check that the customer is not being deleted).
pub async fn record(app: &App, report: &MailReport) -> Result<Outcome> {
    if report.message_id.is_empty() || report.message_id.len() > 200 {
        return Ok(Outcome::Ignored);
    }
    let Some(item) = app
        .table
        .get(&store::mail_message_key(&report.message_id))
        .await?
    else {
        return Ok(Outcome::Ignored);
    };
    let pointer = from_item::<MailMessageItem>(&item)?;
    let Ok(customer) = crate::domain::CustomerId::parse(&pointer.customer_id) else {
        return Ok(Outcome::Ignored);
    };
    let write = store::record_mail_report(
        &customer,
        &pointer.access_id,
        &report.message_id,
        report.state,
        app.now(),
    );
    // The event goes with the report; neither lands on a customer being deleted.
    let event = (Action::AccessDelivery, pointer.access_id.as_str());
    let writes = vec![
        write,
        history::record_update(app, &customer, &Actor::delivery(), event, &["email"]),
        store::customer_alive(&customer),
    ];
    let recorded = app
        .table
        .transact(writes, None)
        .await
        .unless_condition_failed()?;
    let outcome = match recorded {
        Some(()) => Outcome::Recorded,
        None => Outcome::Ignored,
    };
    tracing::info!(access_id = %pointer.access_id, state = report.state.as_str(), ?outcome, "mail report");
    Ok(outcome)
}

/// The message id of the last invitation e-mail to `email` that a report could still be about
/// (the local server's `POST /dev/mail-events` names the address, not the message): the
/// newest of the address's invited accesses, found through its identity.
pub async fn last_message_to(
    app: &App,
    email: &crate::domain::EmailAddress,
) -> Result<Option<String>> {
    let keys: Vec<_> = super::identities::memberships(app, &email.normalized())
        .await?
        .iter()
        .map(|(cid, access)| store::access_key(cid, access))
        .collect();
    let mut newest: Option<(time::OffsetDateTime, String)> = None;
    for item in app.table.batch_get_all(&keys).await? {
        let access = from_item::<store::AccessItem>(&item)?.into_domain()?;
        if let Some(d) = access.delivery
            && let Some(id) = d.message_id
            && newest.as_ref().is_none_or(|(at, _)| d.at > *at)
        {
            newest = Some((d.at, id));
        }
    }
    Ok(newest.map(|(_, id)| id))
}

/// The SNS notifications of one Lambda invocation (`Records[].Sns.Message` holding SES
/// events), recorded one by one. A store failure fails the invocation, so that Lambda's retry
/// of the asynchronous invocation records it later; reports are idempotent.
pub async fn record_sns(app: &App, event: &serde_json::Value) -> Result<Vec<Outcome>> {
    let mut outcomes = Vec::new();
    let records = event["Records"].as_array().cloned().unwrap_or_default();
    for r in &records {
        let message = r["Sns"]["Message"].as_str().unwrap_or_default();
        match parse_ses_event(message) {
            Some(report) => outcomes.push(record(app, &report).await?),
            None => outcomes.push(Outcome::Ignored),
        }
    }
    Ok(outcomes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: &str, extra: &str) -> String {
        format!(
            r#"{{"eventType":"{kind}","mail":{{"messageId":"0107-abc","destination":["erika@example.com"]}}{extra}}}"#
        )
    }

    #[test]
    fn deliveries_permanent_bounces_and_complaints_count_and_nothing_else_does() {
        let report = |state| {
            Some(MailReport {
                message_id: "0107-abc".into(),
                state,
            })
        };
        assert_eq!(
            parse_ses_event(&event("Delivery", "")),
            report(DeliveryState::Delivered)
        );
        assert_eq!(
            parse_ses_event(&event("Complaint", r#","complaint":{}"#)),
            report(DeliveryState::Complained)
        );
        let permanent = r#","bounce":{"bounceType":"Permanent","bounceSubType":"General"}"#;
        assert_eq!(
            parse_ses_event(&event("Bounce", permanent)),
            report(DeliveryState::Bounced)
        );
        let transient = r#","bounce":{"bounceType":"Transient","bounceSubType":"MailboxFull"}"#;
        assert_eq!(parse_ses_event(&event("Bounce", transient)), None);
        assert_eq!(parse_ses_event(&event("Send", "")), None);
        assert_eq!(parse_ses_event(&event("Open", "")), None);
        assert_eq!(parse_ses_event("not json"), None);
        assert_eq!(parse_ses_event(r#"{"eventType":"Delivery"}"#), None);
    }

    #[test]
    fn identity_notifications_of_the_older_format_are_read_too() {
        let old = r#"{"notificationType":"Bounce","bounce":{"bounceType":"Permanent"},"mail":{"messageId":"m-1"}}"#;
        assert_eq!(
            parse_ses_event(old),
            Some(MailReport {
                message_id: "m-1".into(),
                state: DeliveryState::Bounced
            })
        );
    }
}

//! E-mail through Amazon SES (API v2): the `Mailer` port for AWS, and the sender identity
//! that the local server creates on moto.

use super::aws_errors::sdk_error;
use crate::ports::{DeliveryError, EmailMessage, Mailer};
use anyhow::{Context, anyhow};
use async_trait::async_trait;
use aws_sdk_sesv2::error::ProvideErrorMetadata;
use aws_sdk_sesv2::operation::create_email_identity::CreateEmailIdentityError;
use aws_sdk_sesv2::operation::get_email_identity::GetEmailIdentityError;
use aws_sdk_sesv2::types::{Body, Content, Destination, EmailContent, Message};

pub struct SesMailer {
    client: aws_sdk_sesv2::Client,
    from: String,
    /// The configuration set whose event destination reports deliveries, bounces and
    /// complaints (template.yaml's `MailEvents`); none sends without events.
    configuration_set: Option<String>,
}

impl SesMailer {
    /// `from` is the sender as SES expects it: an address of a verified identity, optionally
    /// with a display name (`Kanzlei <noreply@example.com>`).
    pub fn new(
        client: aws_sdk_sesv2::Client,
        from: impl Into<String>,
        configuration_set: Option<String>,
    ) -> Self {
        Self {
            client,
            from: from.into(),
            configuration_set,
        }
    }
}

fn utf8(data: &str) -> Result<Content, DeliveryError> {
    Content::builder()
        .data(data)
        .charset("UTF-8")
        .build()
        .map_err(|e| DeliveryError(anyhow::Error::new(e).context("SES message content")))
}

#[async_trait]
impl Mailer for SesMailer {
    async fn send(&self, message: &EmailMessage) -> Result<String, DeliveryError> {
        let content = EmailContent::builder()
            .simple(
                Message::builder()
                    .subject(utf8(&message.subject)?)
                    .body(
                        Body::builder()
                            .text(utf8(&message.text)?)
                            .html(utf8(&message.html)?)
                            .build(),
                    )
                    .build(),
            )
            .build();
        let sent = self
            .client
            .send_email()
            .from_email_address(&self.from)
            .destination(
                Destination::builder()
                    .to_addresses(message.to.as_str())
                    .build(),
            )
            .content(content)
            .set_configuration_set_name(self.configuration_set.clone())
            .send()
            .await
            .map_err(|e| DeliveryError(sdk_error("SES SendEmail", e)))?;
        sent.message_id
            .ok_or_else(|| DeliveryError(anyhow!("SES SendEmail: no message id")))
    }
}

/// Makes sure the configuration set `name` exists (the local server on moto; in AWS
/// template.yaml creates it with its event destination).
pub async fn ensure_configuration_set(
    client: &aws_sdk_sesv2::Client,
    name: &str,
) -> anyhow::Result<()> {
    match client
        .create_configuration_set()
        .configuration_set_name(name)
        .send()
        .await
    {
        Ok(_) => Ok(()),
        // SES says `AlreadyExistsException`; moto, in SES v1's words,
        // `ConfigurationSetAlreadyExistsException`.
        Err(e)
            if e.as_service_error()
                .and_then(|s| s.code())
                .is_some_and(|c| c.ends_with("AlreadyExistsException")) =>
        {
            Ok(())
        }
        Err(e) => Err(sdk_error("SES CreateConfigurationSet", e)),
    }
}

/// Makes sure SES knows the sender as an identity. On moto that is all it takes to send;
/// in AWS a new identity still has to be verified (DNS or the link SES mails).
pub async fn ensure_identity(client: &aws_sdk_sesv2::Client, address: &str) -> anyhow::Result<()> {
    match client
        .get_email_identity()
        .email_identity(address)
        .send()
        .await
    {
        Ok(_) => return Ok(()),
        Err(e)
            if matches!(
                e.as_service_error(),
                Some(GetEmailIdentityError::NotFoundException(_))
            ) => {}
        Err(e) => return Err(sdk_error("SES GetEmailIdentity", e)),
    }
    match client
        .create_email_identity()
        .email_identity(address)
        .send()
        .await
    {
        Ok(_) => Ok(()),
        // Created by someone else in the meantime: what we wanted.
        Err(e)
            if matches!(
                e.as_service_error(),
                Some(CreateEmailIdentityError::AlreadyExistsException(_))
            ) =>
        {
            Ok(())
        }
        Err(e) => Err(sdk_error("SES CreateEmailIdentity", e)),
    }
    .context("ensuring the SES sender identity")
}

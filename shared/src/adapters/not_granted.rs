//! Ports a function is not granted (template.yaml gives it no such permission): every call
//! refuses and logs which function reached which port, so that a router that needs more than
//! its function is granted fails in the tests, not with AccessDenied in production.

use crate::domain::{EmailAddress, Password};
use crate::ports::{
    DeliveryError, EmailMessage, Identity, IdentityError, Mailer, Queue, QueueError, SmsMessage,
    SmsSender,
};
use async_trait::async_trait;
use std::sync::Arc;

/// Stands in for a port the function `0` is not granted.
#[derive(Clone, Copy, Debug)]
pub struct NotGranted(pub &'static str);

impl NotGranted {
    fn refuse(&self, port: &'static str) -> anyhow::Error {
        tracing::error!(
            function = self.0,
            port,
            "this function is not granted this port (template.yaml); its router reached it"
        );
        anyhow::anyhow!("function {} is not granted {port}", self.0)
    }
}

#[async_trait]
impl Mailer for NotGranted {
    async fn send(&self, _message: &EmailMessage) -> Result<String, DeliveryError> {
        Err(DeliveryError(self.refuse("mail")))
    }
}

#[async_trait]
impl SmsSender for NotGranted {
    async fn send(&self, _message: &SmsMessage) -> Result<(), DeliveryError> {
        Err(DeliveryError(self.refuse("sms")))
    }
}

#[async_trait]
impl Queue for NotGranted {
    async fn send(&self, _body: String) -> Result<(), QueueError> {
        Err(QueueError(self.refuse("import queue")))
    }
}

#[async_trait]
impl Identity for NotGranted {
    async fn create(
        &self,
        _email: &EmailAddress,
        _password: &Password,
    ) -> Result<String, IdentityError> {
        Err(IdentityError::Unavailable(self.refuse("sign-ins: create")))
    }

    async fn verify(
        &self,
        _email: &EmailAddress,
        _password: &str,
    ) -> Result<Option<String>, IdentityError> {
        Err(IdentityError::Unavailable(self.refuse("sign-ins: verify")))
    }

    async fn find(&self, _email: &EmailAddress) -> Result<Option<String>, IdentityError> {
        Err(IdentityError::Unavailable(self.refuse("sign-ins: find")))
    }

    async fn delete(&self, _subject: &str) -> Result<(), IdentityError> {
        Err(IdentityError::Unavailable(self.refuse("sign-ins: delete")))
    }
}

/// Sign-ins a function may find (by address, to delete a leftover) and delete but not create.
#[derive(Clone)]
pub struct DeleteOnly {
    pub function: &'static str,
    pub inner: Arc<dyn Identity>,
}

#[async_trait]
impl Identity for DeleteOnly {
    async fn create(
        &self,
        email: &EmailAddress,
        password: &Password,
    ) -> Result<String, IdentityError> {
        NotGranted(self.function).create(email, password).await
    }

    async fn verify(
        &self,
        email: &EmailAddress,
        password: &str,
    ) -> Result<Option<String>, IdentityError> {
        NotGranted(self.function).verify(email, password).await
    }

    async fn find(&self, email: &EmailAddress) -> Result<Option<String>, IdentityError> {
        self.inner.find(email).await
    }

    async fn delete(&self, subject: &str) -> Result<(), IdentityError> {
        self.inner.delete(subject).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::local_identity::LocalIdentity;

    fn email() -> EmailAddress {
        EmailAddress::parse("erika@example.com").unwrap()
    }

    fn password() -> Password {
        Password::parse(
            "Sommerwiese-2026!",
            &EmailAddress::parse("erika@example.com").unwrap(),
        )
        .unwrap()
    }

    #[tokio::test]
    async fn a_port_that_is_not_granted_refuses_every_call() {
        let port = NotGranted("transactions");
        assert!(matches!(
            port.create(&email(), &password()).await,
            Err(IdentityError::Unavailable(_))
        ));
        assert!(matches!(
            port.delete("a-subject").await,
            Err(IdentityError::Unavailable(_))
        ));
    }

    #[tokio::test]
    async fn delete_only_sign_ins_delete_through_the_real_port_but_never_create() {
        let local = Arc::new(LocalIdentity::new());
        let subject = local.create(&email(), &password()).await.unwrap();
        let port = DeleteOnly {
            function: "authorisations",
            inner: local.clone(),
        };
        assert!(matches!(
            port.create(
                &EmailAddress::parse("max@example.com").unwrap(),
                &password()
            )
            .await,
            Err(IdentityError::Unavailable(_))
        ));
        assert_eq!(local.count(), 1);
        port.delete(&subject).await.unwrap();
        assert!(!local.contains(&email()));
    }
}

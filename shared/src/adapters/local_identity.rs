//! Local sign-ins for end users: argon2id password hashes in memory, checked by the local
//! server's `POST /dev/login`.

use crate::domain::{EmailAddress, Password};
use crate::ports::{Identity, IdentityError};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use async_trait::async_trait;
use std::collections::HashMap;
use std::sync::Mutex;

struct Entry {
    subject: String,
    hash: String,
}

#[derive(Default)]
pub struct LocalIdentity {
    users: Mutex<HashMap<String, Entry>>,
    /// Cost of the hashes it makes; a hash keeps its own, so a check needs none.
    cost: Cost,
}

/// How much work a local password hash costs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Cost {
    /// argon2id at the crate's defaults (19 MiB, 2 passes): the local server's sign-ins.
    #[default]
    Default,
    /// argon2id at its minimum (8 KiB, 1 pass), for test suites that register hundreds of end
    /// users and prove the flows, not the hash (in AWS, Cognito hashes). The stored hash names
    /// its parameters, so a check reads them from there.
    Minimal,
}

impl LocalIdentity {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with_cost(cost: Cost) -> Self {
        Self {
            cost,
            ..Self::default()
        }
    }

    fn hasher(&self) -> Argon2<'static> {
        match self.cost {
            Cost::Default => Argon2::default(),
            Cost::Minimal => Argon2::new(
                argon2::Algorithm::Argon2id,
                argon2::Version::V0x13,
                argon2::Params::new(argon2::Params::MIN_M_COST, 1, 1, None)
                    .expect("argon2's minimum parameters are valid"),
            ),
        }
    }

    /// The subject of the sign-in when the password is right.
    pub fn check(&self, email: &str, password: &str) -> Option<String> {
        let key = EmailAddress::parse(email).ok()?.normalized();
        let (subject, hash) = {
            let users = self.users.lock().unwrap_or_else(|e| e.into_inner());
            let e = users.get(&key)?;
            (e.subject.clone(), e.hash.clone())
        };
        let parsed = PasswordHash::new(&hash).ok()?;
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .ok()
            .map(|_| subject)
    }

    pub fn count(&self) -> usize {
        self.users.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn contains(&self, email: &EmailAddress) -> bool {
        self.users
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains_key(&email.normalized())
    }
}

#[async_trait]
impl Identity for LocalIdentity {
    async fn create(
        &self,
        email: &EmailAddress,
        password: &Password,
    ) -> Result<String, IdentityError> {
        let key = email.normalized();
        if self
            .users
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains_key(&key)
        {
            return Err(IdentityError::Exists);
        }
        let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
        let hash = self
            .hasher()
            .hash_password(password.expose().as_bytes(), &salt)
            .map_err(|e| IdentityError::Unavailable(anyhow::anyhow!("argon2: {e}")))?
            .to_string();
        let subject = uuid::Uuid::new_v4().to_string();
        let mut users = self.users.lock().unwrap_or_else(|e| e.into_inner());
        if users.contains_key(&key) {
            return Err(IdentityError::Exists);
        }
        users.insert(
            key,
            Entry {
                subject: subject.clone(),
                hash,
            },
        );
        Ok(subject)
    }

    async fn verify(
        &self,
        email: &EmailAddress,
        password: &str,
    ) -> Result<Option<String>, IdentityError> {
        Ok(self.check(email.as_str(), password))
    }

    async fn find(&self, email: &EmailAddress) -> Result<Option<String>, IdentityError> {
        Ok(self
            .users
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&email.normalized())
            .map(|e| e.subject.clone()))
    }

    async fn delete(&self, subject: &str) -> Result<(), IdentityError> {
        self.users
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|_, entry| entry.subject != subject);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_created_sign_in_verifies_only_with_its_password_until_deleted() {
        let id = LocalIdentity::new();
        let email = EmailAddress::parse("Erika@example.com").unwrap();
        let pw = Password::parse("richtig-langes-Passwort", &email).unwrap();
        let sub = id.create(&email, &pw).await.unwrap();
        assert_eq!(
            id.check("erika@example.com", "richtig-langes-Passwort"),
            Some(sub.clone())
        );
        assert_eq!(id.check("erika@example.com", "falsches-Passwort!"), None);
        assert!(matches!(
            id.create(&email, &pw).await,
            Err(IdentityError::Exists)
        ));
        id.delete(&sub).await.unwrap();
        assert_eq!(
            id.check("erika@example.com", "richtig-langes-Passwort"),
            None
        );
    }

    #[tokio::test]
    async fn a_minimal_cost_hash_names_its_parameters_and_verifies_only_with_its_password() {
        let id = LocalIdentity::with_cost(Cost::Minimal);
        let email = EmailAddress::parse("max@example.com").unwrap();
        let pw = Password::parse("richtig-langes-Passwort", &email).unwrap();
        let sub = id.create(&email, &pw).await.unwrap();
        let hash = id.users.lock().unwrap()["max@example.com"].hash.clone();
        assert!(hash.starts_with("$argon2id$v=19$m=8,t=1,p=1$"), "{hash}");
        assert_eq!(
            id.check("max@example.com", "richtig-langes-Passwort"),
            Some(sub)
        );
        assert_eq!(id.check("max@example.com", "falsches-Passwort!"), None);
    }
}

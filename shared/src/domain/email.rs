//! E-mail addresses, parsed by the `email_address` crate and normalised for comparison.

use std::fmt;
use std::str::FromStr;

/// A syntactically valid e-mail address (RFC 5321/5322 as checked by `email_address`), trimmed,
/// at most 128 characters (the longest sign-in name Cognito takes; RFC 5321 would allow 254), with a domain that contains a dot (addresses are for delivery on the
/// internet, so `user@localhost` is refused).
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err("is required".into());
        }
        if trimmed.chars().count() > 128 {
            return Err("must be at most 128 characters".into());
        }
        let parsed = email_address::EmailAddress::from_str(trimmed)
            .map_err(|_| "is not a valid e-mail address".to_owned())?;
        let domain = parsed.domain();
        if !domain.contains('.') || domain.starts_with('[') || parsed.display_part() != "" {
            return Err("is not a valid e-mail address".into());
        }
        Ok(Self(parsed.email()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key under which uniqueness is enforced: the domain is case-insensitive by
    /// definition and, in practice, so is the local part at every provider our users have.
    pub fn normalized(&self) -> String {
        self.0.to_lowercase()
    }

    /// A hint that shows which address a message went to without disclosing it:
    /// `erika@example.com` becomes `e***@example.com`.
    pub fn masked(&self) -> String {
        let (local, domain) = self.0.rsplit_once('@').unwrap_or((&self.0, ""));
        let first: String = local.chars().take(1).collect();
        format!("{first}***@{domain}")
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for EmailAddress {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn valid_and_invalid_addresses() {
        let valid = [
            ("erika@example.com", "erika@example.com"),
            (
                "  Erika.Mustermann@Example.DE ",
                "Erika.Mustermann@Example.DE",
            ),
            (
                "max+steuer@kanzlei-muster.de",
                "max+steuer@kanzlei-muster.de",
            ),
        ];
        for (raw, expected) in valid {
            assert_eq!(
                EmailAddress::parse(raw).unwrap().as_str(),
                expected,
                "{raw}"
            );
        }
        let invalid = [
            ("", "empty"),
            ("erika", "no @"),
            ("erika@", "no domain"),
            ("@example.com", "no local part"),
            ("erika@localhost", "domain without dot"),
            ("erika@exa mple.com", "space in domain"),
            ("Erika <erika@example.com>", "display name"),
            ("erika@@example.com", "double @"),
            (
                &format!("{}@example.com", "e".repeat(120)),
                "longer than a sign-in name may be",
            ),
        ];
        for (raw, why) in &invalid {
            assert!(EmailAddress::parse(raw).is_err(), "{why}: {raw}");
        }
    }

    #[test]
    fn masked_address_keeps_first_letter_and_domain() {
        let e = EmailAddress::parse("erika@example.com").unwrap();
        assert_eq!(e.masked(), "e***@example.com");
    }

    #[test]
    fn normalized_address_is_lower_case() {
        let e = EmailAddress::parse("Erika@Example.COM").unwrap();
        assert_eq!(e.normalized(), "erika@example.com");
    }

    proptest! {
        #[test]
        fn parsing_never_panics_and_keeps_an_at_sign(raw in any::<String>()) {
            if let Ok(e) = EmailAddress::parse(&raw) {
                prop_assert!(e.as_str().contains('@'));
                prop_assert_eq!(e.as_str(), e.as_str().trim());
            }
        }

        #[test]
        fn generated_addresses_parse(local in "[a-z][a-z0-9._+-]{0,20}[a-z0-9]", domain in "[a-z][a-z0-9-]{0,20}[a-z0-9]\\.[a-z]{2,6}") {
            let raw = format!("{local}@{domain}");
            prop_assume!(!local.contains(".."));
            prop_assert!(EmailAddress::parse(&raw).is_ok(), "{}", raw);
        }
    }
}

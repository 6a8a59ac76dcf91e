//! E-mail addresses, parsed by the `email_address` crate and normalised for comparison.

use crate::domain::{Code, Reason};
use std::fmt;
use std::str::FromStr;

/// A syntactically valid e-mail address (RFC 5321/5322 as checked by `email_address`) that the
/// mail service can deliver to: trimmed, a local part of ASCII characters only (SES does not
/// speak SMTPUTF8), a domain with a dot (addresses are for delivery on the internet, so
/// `user@localhost` is refused) and, where it is internationalised, stored in its ASCII
/// (punycode) form as IDNA 2008 / UTS 46 maps it (crate `idna`), at most 128 characters in
/// that form (the longest sign-in name Cognito takes; RFC 5321 would allow 254).
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(raw: &str) -> Result<Self, Reason> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(Reason::required());
        }
        if trimmed.chars().any(crate::domain::text::is_invisible) {
            return Err(crate::domain::text::invisible());
        }
        let (local, domain) = trimmed.rsplit_once('@').ok_or_else(invalid)?;
        if !local.is_ascii() {
            return Err(Reason::new(
                Code::InvalidEmail,
                "must have only ASCII characters before the @ (the mail service cannot deliver to others)",
            ));
        }
        let domain = ascii_domain(domain)?;
        let ascii = format!("{local}@{domain}");
        if ascii.chars().count() > 128 {
            return Err(Reason::too_long(128));
        }
        let parsed = email_address::EmailAddress::from_str(&ascii).map_err(|_| invalid())?;
        let domain = parsed.domain();
        if !domain.contains('.') || domain.starts_with('[') || parsed.display_part() != "" {
            return Err(invalid());
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

fn invalid() -> Reason {
    Reason::new(Code::InvalidEmail, "is not a valid e-mail address")
}

/// An internationalised domain in its ASCII form (`bücher.de` becomes `xn--bcher-kva.de`);
/// an ASCII domain as it was typed, for `email_address` to judge, unless it holds punycode,
/// which must decode.
fn ascii_domain(domain: &str) -> Result<std::borrow::Cow<'_, str>, Reason> {
    if domain.is_ascii() && !domain.to_ascii_lowercase().contains("xn--") {
        return Ok(domain.into());
    }
    idna::domain_to_ascii_strict(domain)
        .map(Into::into)
        .map_err(|_| {
            Reason::new(
                Code::InvalidEmail,
                "has a domain that is not a valid internationalised domain name",
            )
        })
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
    fn only_deliverable_addresses_are_taken() {
        let converted = [
            ("erika@bücher.de", "erika@xn--bcher-kva.de", "German IDN"),
            (
                "erika@BÜCHER.de",
                "erika@xn--bcher-kva.de",
                "IDN in upper case",
            ),
            ("info@例え.jp", "info@xn--r8jz45g.jp", "Japanese IDN"),
            (
                "erika@bu\u{0308}cher.de",
                "erika@xn--bcher-kva.de",
                "decomposed umlaut",
            ),
        ];
        for (raw, expected, why) in converted {
            assert_eq!(
                EmailAddress::parse(raw).unwrap().as_str(),
                expected,
                "{why}"
            );
        }
        let refused = [
            ("jürgen@example.de", "non-ASCII local part"),
            ("用户@例子.广告", "non-ASCII local part and domain"),
            ("erika@exa\u{200B}mple.com", "zero-width space"),
            ("erika\u{202E}@example.com", "right-to-left override"),
            ("erika@-bücher.de", "IDN label starting with a hyphen"),
            ("erika@xn--.de", "empty punycode label"),
        ];
        for (raw, why) in refused {
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
                prop_assert!(e.as_str().is_ascii(), "deliverable by SES");
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

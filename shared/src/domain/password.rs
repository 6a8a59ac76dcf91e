//! A new end-user password, by NIST SP 800-63B rev. 4 for single-factor sign-in: long enough,
//! not common, not guessable from the e-mail address; no composition rules.

use super::{Code, EmailAddress, Reason};
use std::collections::HashSet;
use std::sync::LazyLock;

const MIN_CHARS: usize = Password::MIN_CHARS;
const MAX_CHARS: usize = Password::MAX_CHARS;
/// A local part this short (`e@…`) is no hint at the password; containment would refuse most.
const MIN_LOCAL_PART_CHARS: usize = 3;

/// The entries of the 100,000 most used passwords (`data/passwords/`, the UK NCSC's list from
/// Have I Been Pwned, as published in SecLists under the MIT licence) that are at least
/// [`MIN_CHARS`] long, in lower case: `build.rs` derives them, so that only the code that
/// checks a password carries them (some 6 KB) and not the whole list (836 KB).
static EMBEDDED: &str = include_str!(concat!(env!("OUT_DIR"), "/password-blocklist.txt"));

/// Built on the first check, so that only registration pays for it.
static BLOCKLIST: LazyLock<HashSet<&'static str>> = LazyLock::new(|| EMBEDDED.lines().collect());

/// A password with a space at either end: Cognito refuses them, and they are invisible when
/// typed.
pub fn edge_spaces() -> Reason {
    Reason::new(
        Code::PasswordEdgeSpaces,
        "must not begin or end with a space",
    )
}

/// The end user's new password. Never printed.
pub struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

impl Password {
    /// Fewest characters (not bytes): SP 800-63B rev. 4, 3.1.1.2, for a password used alone.
    pub const MIN_CHARS: usize = 15;
    /// Most characters: Cognito's limit.
    pub const MAX_CHARS: usize = 256;

    /// A password for the sign-in of `email`: 15 to 256 characters, not on the blocklist
    /// (case-insensitively), not one character repeated, not containing the e-mail's local
    /// part (case-insensitively), no control characters, no blanks at either end.
    pub fn parse(raw: &str, email: &EmailAddress) -> Result<Self, Reason> {
        let len = raw.chars().count();
        if len < MIN_CHARS {
            return Err(Reason::new(
                Code::PasswordTooShort,
                format!("must be at least {MIN_CHARS} characters"),
            )
            .min(MIN_CHARS));
        }
        if len > MAX_CHARS {
            return Err(Reason::new(
                Code::PasswordTooLong,
                format!("must be at most {MAX_CHARS} characters"),
            )
            .max(MAX_CHARS));
        }
        if raw.chars().any(char::is_control) {
            return Err(Reason::new(
                Code::PasswordControlCharacters,
                "must not contain control characters",
            ));
        }
        if raw.trim() != raw {
            // Cognito refuses them, and they are invisible when typed.
            return Err(edge_spaces());
        }
        let lower = raw.to_lowercase();
        let mut chars = lower.chars();
        let first = chars.next();
        if chars.all(|c| Some(c) == first) {
            return Err(Reason::new(
                Code::PasswordRepeatedCharacter,
                "must not be one character repeated",
            ));
        }
        if contains_local_part(&lower, email) {
            return Err(Reason::new(
                Code::PasswordContainsEmail,
                "must not contain your e-mail address or the part before the @",
            ));
        }
        if BLOCKLIST.contains(lower.as_str()) {
            return Err(Reason::new(
                Code::PasswordTooCommon,
                "is one of the most used passwords; please choose another",
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// `lower` is the password in lower case.
fn contains_local_part(lower: &str, email: &EmailAddress) -> bool {
    let address = email.as_str().to_lowercase();
    let local = address
        .rsplit_once('@')
        .map_or(address.as_str(), |(l, _)| l);
    lower.contains(address.as_str())
        || (local.chars().count() >= MIN_LOCAL_PART_CHARS && lower.contains(local))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn email(raw: &str) -> EmailAddress {
        EmailAddress::parse(raw).unwrap()
    }

    fn refusal(raw: &str, address: &str) -> Option<String> {
        Password::parse(raw, &email(address))
            .err()
            .map(|r| r.message)
    }

    #[test]
    fn each_rule_refuses_with_its_own_message() {
        let cases = [
            (
                "vierzehn-zeich",
                "must be at least 15 characters",
                "14 characters",
            ),
            (
                "passwordpassword",
                "is one of the most used passwords; please choose another",
                "common",
            ),
            (
                "123456789012345",
                "is one of the most used passwords; please choose another",
                "common digits",
            ),
            (
                "PasswordPassword",
                "is one of the most used passwords; please choose another",
                "common, other case",
            ),
            (
                "aaaaaaaaaaaaaaaa",
                "must not be one character repeated",
                "one character",
            ),
            (
                "AaAaAaAaAaAaAaAa",
                "must not be one character repeated",
                "one letter in two cases",
            ),
            (
                "xx-erika-sonnenschein",
                "must not contain your e-mail address or the part before the @",
                "local part",
            ),
            (
                "xx-ERIKA-sonnenschein",
                "must not contain your e-mail address or the part before the @",
                "local part, other case",
            ),
            (
                "ein\tsicheres-Passwort",
                "must not contain control characters",
                "tab",
            ),
            (
                " ein-sicheres-Passwort",
                "must not begin or end with a space",
                "leading blank",
            ),
        ];
        for (raw, message, why) in cases {
            assert_eq!(
                refusal(raw, "erika@example.com").as_deref(),
                Some(message),
                "{why}"
            );
        }
    }

    #[test]
    fn the_length_is_counted_in_characters_from_15_to_256() {
        let e = "erika@example.com";
        assert!(
            refusal("Grüße-aus-Köln", e).is_some(),
            "14 characters, 16 bytes"
        );
        assert!(refusal("Grüße-aus-Kölle", e).is_none(), "15 characters");
        let longest = "Sonnenblume-".repeat(22)[..256].to_owned();
        assert!(refusal(&longest, e).is_none(), "256 characters");
        assert_eq!(
            refusal(&format!("{longest}x"), e).as_deref(),
            Some("must be at most 256 characters")
        );
    }

    #[test]
    fn long_passwords_without_composition_rules_are_taken() {
        for ok in [
            "ein-sicheres-Passwort",
            "pferd batterie heftklammer",
            "correct horse battery staple",
            "zwölf äpfel und birnen",
            "ALLES IN GROSSBUCHSTABEN",
        ] {
            assert!(refusal(ok, "erika@example.com").is_none(), "{ok}");
        }
    }

    #[test]
    fn a_very_short_local_part_is_no_hint() {
        assert!(refusal("ein-sicheres-Passwort", "e@example.com").is_none());
        assert!(
            refusal("xx-e@example.com-xx", "e@example.com").is_some(),
            "the whole address still is"
        );
    }

    #[test]
    fn the_embedded_list_is_the_shipped_list_less_what_the_length_rule_refuses() {
        let shipped = include_str!("../../data/passwords/ncsc-100k.txt");
        assert!(shipped.lines().count() > 99_900, "the 100,000 most used");
        let expected: HashSet<String> = shipped
            .lines()
            .map(str::to_lowercase)
            .filter(|e| e.chars().count() >= MIN_CHARS)
            .collect();
        let embedded: HashSet<String> = BLOCKLIST.iter().map(|e| e.to_string()).collect();
        assert_eq!(embedded, expected);
        for entry in shipped.lines().filter(|e| !e.is_empty()) {
            let refused = refusal(entry, "z@example.com");
            assert!(refused.is_some(), "a shipped entry is never taken: {entry}");
        }
    }

    proptest! {
        #[test]
        fn short_passwords_are_always_refused(raw in "\\PC{0,14}") {
            prop_assert!(refusal(&raw, "e@example.com").is_some());
        }

        #[test]
        fn a_taken_password_obeys_every_rule(raw in "\\PC{10,40}") {
            if Password::parse(&raw, &email("erika@example.com")).is_ok() {
                let lower = raw.to_lowercase();
                prop_assert!((MIN_CHARS..=MAX_CHARS).contains(&raw.chars().count()));
                prop_assert!(!lower.contains("erika"));
                prop_assert!(!BLOCKLIST.contains(lower.as_str()));
            }
        }
    }
}

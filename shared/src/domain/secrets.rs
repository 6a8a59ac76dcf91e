//! Registration secrets: the link token and the SMS code, only ever stored as hashes.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::Rng;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Symbols of the SMS code: no `0`/`O`, no `1`/`I`/`L`, so nothing can be mistaken.
pub const CODE_ALPHABET: &[u8; 31] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
const CODE_LEN: usize = 8;

/// The secret in the registration link. 256 bits from the operating system's CSPRNG,
/// base64url without padding. It is never stored: only its [`TokenHash`] is.
pub struct RegistrationToken(String);

impl RegistrationToken {
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::rng().fill(&mut bytes);
        Self(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// Reads a token that a client sent; anything that cannot be one of ours is refused
    /// before it reaches the store.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        if raw.len() != 43 || URL_SAFE_NO_PAD.decode(raw).is_err() {
            return Err("is not a valid registration token".into());
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn hash(&self) -> TokenHash {
        TokenHash(hex(&Sha256::digest(self.0.as_bytes())))
    }
}

/// SHA-256 of a registration token, hex encoded: the key under which an invitation is stored.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TokenHash(String);

impl TokenHash {
    pub fn from_stored(s: String) -> Self {
        Self(s)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The registration code sent by SMS: 8 symbols of [`CODE_ALPHABET`].
#[derive(Clone, PartialEq, Eq)]
pub struct RegistrationCode(String);

impl std::fmt::Debug for RegistrationCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RegistrationCode(***)")
    }
}

impl RegistrationCode {
    pub fn generate() -> Self {
        let mut rng = rand::rng();
        let code = (0..CODE_LEN)
            .map(|_| CODE_ALPHABET[rng.random_range(0..CODE_ALPHABET.len())] as char)
            .collect();
        Self(code)
    }

    /// Accepts what a person types: any case, with or without the hyphen or spaces.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let code: String = raw
            .chars()
            .filter(|c| !matches!(c, '-' | ' ' | '\u{a0}' | '\t'))
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if code.chars().count() != CODE_LEN || !code.bytes().all(|b| CODE_ALPHABET.contains(&b)) {
            return Err("must be the 8-character code from the SMS (XXXX-XXXX)".into());
        }
        Ok(Self(code))
    }

    /// The form shown to people: `XXXX-XXXX`.
    pub fn display(&self) -> String {
        format!("{}-{}", &self.0[..4], &self.0[4..])
    }

    pub fn raw(&self) -> &str {
        &self.0
    }
}

/// Hash of a code with a per-invitation salt; the code is useless without the link token,
/// and guessing is bounded by the lock after five wrong codes.
pub fn code_hash(salt: &str, code: &RegistrationCode) -> String {
    let mut h = Sha256::new();
    h.update(salt.as_bytes());
    h.update(b":");
    h.update(code.0.as_bytes());
    hex(&h.finalize())
}

/// Compares a typed code with a stored hash in constant time.
pub fn codes_match(salt: &str, code: &RegistrationCode, stored_hash: &str) -> bool {
    code_hash(salt, code)
        .as_bytes()
        .ct_eq(stored_hash.as_bytes())
        .into()
}

/// A fresh random salt for [`code_hash`].
pub fn new_salt() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill(&mut bytes);
    hex(&bytes)
}

pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::{HashMap, HashSet};

    #[test]
    fn the_alphabet_has_no_characters_that_can_be_mistaken() {
        for c in [b'0', b'O', b'1', b'I', b'L', b'l', b'o', b'i'] {
            assert!(!CODE_ALPHABET.contains(&c), "{}", c as char);
        }
        let unique: HashSet<_> = CODE_ALPHABET.iter().collect();
        assert_eq!(unique.len(), 31);
    }

    #[test]
    fn generated_codes_use_every_symbol_and_none_dominates() {
        let mut counts: HashMap<u8, usize> = HashMap::new();
        for _ in 0..10_000 {
            let code = RegistrationCode::generate();
            assert_eq!(code.raw().len(), 8);
            for b in code.raw().bytes() {
                assert!(CODE_ALPHABET.contains(&b));
                *counts.entry(b).or_default() += 1;
            }
        }
        assert_eq!(counts.len(), 31, "every symbol appears");
        // 80,000 symbols over 31 buckets: about 2,581 each. A uniform generator stays well
        // within +-15 %; a biased one (modulo bias, missing symbol) does not.
        let expected = 80_000.0 / 31.0;
        for (symbol, n) in counts {
            let ratio = n as f64 / expected;
            assert!(
                (0.85..1.15).contains(&ratio),
                "{} appears {n} times",
                symbol as char
            );
        }
    }

    #[test]
    fn codes_are_accepted_in_any_case_with_or_without_separators() {
        let code = RegistrationCode::parse("ABCD2345").unwrap();
        for typed in [
            "ABCD-2345",
            "abcd2345",
            "abcd-2345",
            " ABCD 2345 ",
            "aBcD - 2345",
        ] {
            assert_eq!(RegistrationCode::parse(typed).unwrap(), code, "{typed}");
        }
        assert_eq!(code.display(), "ABCD-2345");
    }

    #[test]
    fn codes_with_ambiguous_or_foreign_characters_are_refused() {
        for typed in [
            "ABCD-2340",
            "ABCD-234O",
            "ABCD-2341",
            "ABCD-234I",
            "ABCD-234L",
            "ABCD-234",
            "ABCD-23456",
            "ÄBCD-2345",
            "",
        ] {
            assert!(RegistrationCode::parse(typed).is_err(), "{typed}");
        }
    }

    #[test]
    fn tokens_carry_256_bits_and_are_url_safe() {
        let tokens: HashSet<String> = (0..1000)
            .map(|_| RegistrationToken::generate().expose().to_owned())
            .collect();
        assert_eq!(tokens.len(), 1000, "no repeats");
        for t in &tokens {
            assert_eq!(URL_SAFE_NO_PAD.decode(t).unwrap().len(), 32);
            assert!(
                t.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            );
            assert!(RegistrationToken::parse(t).is_ok());
        }
    }

    #[test]
    fn token_hash_is_sha256_hex_and_not_the_token() {
        let t = RegistrationToken::generate();
        let h = t.hash();
        assert_eq!(h.as_str().len(), 64);
        assert_ne!(h.as_str(), t.expose());
        assert_eq!(h, RegistrationToken::parse(t.expose()).unwrap().hash());
    }

    #[test]
    fn code_hash_depends_on_salt_and_matches_only_the_right_code() {
        let code = RegistrationCode::parse("ABCD2345").unwrap();
        let other = RegistrationCode::parse("ABCD2346").unwrap();
        let salt = new_salt();
        let stored = code_hash(&salt, &code);
        assert!(codes_match(&salt, &code, &stored));
        assert!(!codes_match(&salt, &other, &stored));
        assert_ne!(stored, code_hash(&new_salt(), &code));
    }

    proptest! {
        #[test]
        fn any_code_round_trips_through_display(code in "[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{8}") {
            let c = RegistrationCode::parse(&code).unwrap();
            prop_assert_eq!(RegistrationCode::parse(&c.display()).unwrap(), c.clone());
            prop_assert_eq!(RegistrationCode::parse(&c.display().to_lowercase()).unwrap(), c);
        }

        #[test]
        fn code_parsing_never_panics(raw in any::<String>()) {
            let _ = RegistrationCode::parse(&raw);
        }

        #[test]
        fn token_parsing_never_panics(raw in any::<String>()) {
            let _ = RegistrationToken::parse(&raw);
        }
    }
}

//! Opaque paging cursors: the last key of a page, sealed with XChaCha20-Poly1305 under a key
//! derived from the cursor key and bound to the query it belongs to (the associated data), so
//! that a cursor in a URL or a browser's history says nothing (the overview's last key holds
//! the lower-cased display name), and a tampered or foreign cursor is refused (400).

use crate::ports::Item;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use sha2::Sha256;

/// Separates the cursor's key from every other use of the cursor key (the limits' keyed
/// hashes use it as an HMAC key).
const KEY_LABEL: &[u8] = b"paging cursor encryption v1";

/// Bytes of the random nonce in front of the sealed last key: XChaCha20's 192 bits, so that
/// random nonces never repeat in practice.
const NONCE_LEN: usize = 24;

fn cipher(key: &[u8]) -> XChaCha20Poly1305 {
    let mut derived = [0u8; 32];
    Hkdf::<Sha256>::new(None, key)
        .expand(KEY_LABEL, &mut derived)
        .expect("32 bytes is a valid HKDF-SHA-256 output length");
    XChaCha20Poly1305::new(&derived.into())
}

pub fn encode(key: &[u8], scope: &str, last_key: &Item) -> String {
    use rand::Rng;
    let plaintext = serde_json::to_vec(last_key).unwrap_or_default();
    let mut nonce = [0u8; NONCE_LEN];
    rand::rng().fill(&mut nonce);
    let sealed = cipher(key)
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: &plaintext,
                aad: scope.as_bytes(),
            },
        )
        .expect("a last key is far below XChaCha20-Poly1305's message limit");
    let mut bytes = nonce.to_vec();
    bytes.extend_from_slice(&sealed);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The last key of the page before, if `cursor` is one that [`encode`] issued for this
/// `scope` under this `key`; `None` (400 for the caller) for anything else.
pub fn decode(key: &[u8], scope: &str, cursor: &str) -> Option<Item> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    if bytes.len() < NONCE_LEN {
        return None;
    }
    let (nonce, sealed) = bytes.split_at(NONCE_LEN);
    let plaintext = cipher(key)
        .decrypt(
            XNonce::from_slice(nonce),
            Payload {
                msg: sealed,
                aad: scope.as_bytes(),
            },
        )
        .ok()?;
    let item: Item = serde_json::from_slice(&plaintext).ok()?;
    // A last key as `encode` is given one: the table's key attributes, all strings.
    let is_key =
        item.values().all(|v| v.is_string()) && item.contains_key("pk") && item.contains_key("sk");
    is_key.then_some(item)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn last() -> Item {
        json!({"pk": "C#1", "sk": "#CUSTOMER", "gsi1pk": "CUSTOMER", "gsi1sk": "muster#1"})
            .as_object()
            .unwrap()
            .clone()
    }

    #[test]
    fn a_cursor_round_trips_within_its_scope_only() {
        let c = encode(b"k", "gsi1|mu", &last());
        assert_eq!(decode(b"k", "gsi1|mu", &c), Some(last()));
        assert_eq!(decode(b"k", "gsi1|ma", &c), None, "another query");
        assert_eq!(decode(b"other", "gsi1|mu", &c), None, "another key");
    }

    #[test]
    fn a_cursor_shows_nothing_of_the_last_key() {
        let c = encode(b"k", "s", &last());
        let bytes = URL_SAFE_NO_PAD.decode(&c).unwrap();
        for plain in ["muster", "CUSTOMER", "gsi1sk", "pk"] {
            assert!(
                !bytes.windows(plain.len()).any(|w| w == plain.as_bytes()),
                "{plain} in the cursor"
            );
        }
        assert_ne!(c, encode(b"k", "s", &last()), "a fresh nonce each time");
    }

    #[test]
    fn a_tampered_cursor_is_refused() {
        let c = encode(b"k", "s", &last());
        let forged = encode(b"guess", "s", &last());
        assert_eq!(decode(b"k", "s", &forged), None);
        assert_eq!(decode(b"k", "s", &format!("{c}x")), None);
        assert_eq!(decode(b"k", "s", &c[..c.len() - 1]), None);
        assert_eq!(decode(b"k", "s", "garbage"), None);
        assert_eq!(decode(b"k", "s", ""), None);
    }

    /// A cursor that the key sealed around any plaintext: what a leaked key could make.
    fn sealed(plaintext: &[u8]) -> String {
        let nonce = [7u8; NONCE_LEN];
        let sealed = cipher(b"k")
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: b"s",
                },
            )
            .unwrap();
        URL_SAFE_NO_PAD.encode([&nonce[..], &sealed].concat())
    }

    #[test]
    fn a_sealed_payload_that_is_no_last_key_is_refused() {
        let payload = serde_json::to_vec(&last()).unwrap();
        assert_eq!(decode(b"k", "s", &sealed(&payload)), Some(last()));
        for payload in [
            &b"{}"[..],
            br#"{"pk":"C#1"}"#,
            br##"{"sk":"#CUSTOMER"}"##,
            br#"{"pk":"C#1","sk":5}"#,
            br#"["pk","sk"]"#,
            b"null",
        ] {
            assert_eq!(
                decode(b"k", "s", &sealed(payload)),
                None,
                "{}",
                String::from_utf8_lossy(payload)
            );
        }
    }

    #[test]
    fn the_signed_cursors_of_the_version_before_are_refused() {
        // `{}` with a one-byte tag: the first version took it when the byte matched; the
        // second signed the plain last key.
        for byte in 0..=255u8 {
            let forged = format!("e30.{}", URL_SAFE_NO_PAD.encode([byte]));
            assert_eq!(decode(b"k", "s", &forged), None);
        }
        let plain = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&last()).unwrap());
        assert_eq!(
            decode(b"k", "s", &format!("{plain}.AAAAAAAAAAAAAAAAAAAAAA")),
            None
        );
    }

    proptest! {
        #[test]
        fn decoding_arbitrary_input_never_panics(raw in any::<String>()) {
            let _ = decode(b"k", "s", &raw);
        }

        #[test]
        fn a_cursor_changed_anywhere_is_refused(at in 0usize..300, with in "[A-Za-z0-9_-]") {
            let c = encode(b"k", "s", &last());
            let at = at % c.len();
            let mut changed = c.clone();
            changed.replace_range(at..at + 1, &with);
            prop_assume!(changed != c);
            // The last character carries only some bits of the tag: base64 without padding
            // may leave the rest of it unused, so that two characters decode alike.
            prop_assume!(URL_SAFE_NO_PAD.decode(&changed).ok() != URL_SAFE_NO_PAD.decode(&c).ok());
            prop_assert_eq!(decode(b"k", "s", &changed), None);
        }
    }
}

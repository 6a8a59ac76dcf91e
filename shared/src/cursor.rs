//! Opaque paging cursors: the last key of a page, signed with HMAC-SHA-256 and bound to the
//! query it belongs to, so that a tampered or foreign cursor is refused (400).

use crate::ports::Item;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

fn mac(key: &[u8], payload: &[u8], scope: &str) -> HmacSha256 {
    // HMAC accepts keys of any length.
    let mut m = HmacSha256::new_from_slice(key).expect("HMAC takes any key length");
    m.update(scope.as_bytes());
    m.update(b"\n");
    m.update(payload);
    m
}

pub fn encode(key: &[u8], scope: &str, last_key: &Item) -> String {
    let payload = serde_json::to_vec(last_key).unwrap_or_default();
    let tag = mac(key, &payload, scope).finalize().into_bytes();
    format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(&payload),
        URL_SAFE_NO_PAD.encode(&tag[..16])
    )
}

pub fn decode(key: &[u8], scope: &str, cursor: &str) -> Option<Item> {
    let (payload, tag) = cursor.split_once('.')?;
    let payload = URL_SAFE_NO_PAD.decode(payload).ok()?;
    let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
    mac(key, &payload, scope).verify_truncated_left(&tag).ok()?;
    let item: Item = serde_json::from_slice(&payload).ok()?;
    // Only string key attributes, as written by `encode`.
    item.values().all(|v| v.is_string()).then_some(item)
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
    fn a_tampered_cursor_is_refused() {
        let c = encode(b"k", "s", &last());
        let forged = encode(b"guess", "s", &last());
        let (payload, _) = forged.split_once('.').unwrap();
        let (_, tag) = c.split_once('.').unwrap();
        assert_eq!(decode(b"k", "s", &format!("{payload}x.{tag}")), None);
        assert_eq!(decode(b"k", "s", "garbage"), None);
        assert_eq!(decode(b"k", "s", ""), None);
    }

    proptest! {
        #[test]
        fn decoding_arbitrary_input_never_panics(raw in any::<String>()) {
            let _ = decode(b"k", "s", &raw);
        }
    }
}

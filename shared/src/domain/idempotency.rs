//! The client's key that makes a create safe to retry (the `Idempotency-Key` header).

/// The key of a create: 1 to 255 visible ASCII characters.
#[derive(Debug, Clone)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub fn parse(raw: &[u8]) -> Result<Self, String> {
        let raw = std::str::from_utf8(raw).unwrap_or_default().trim();
        let visible = raw.bytes().all(|b| (0x21..0x7f).contains(&b));
        if !raw.is_empty() && raw.len() <= 255 && visible {
            Ok(Self(raw.to_owned()))
        } else {
            Err("The Idempotency-Key header must be 1 to 255 visible ASCII characters.".into())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idempotency_keys_are_one_to_255_visible_ascii_characters() {
        assert_eq!(IdempotencyKey::parse(b" abc-1 ").unwrap().as_str(), "abc-1");
        assert!(IdempotencyKey::parse(&[b'k'; 255]).is_ok());
        for bad in [
            &b""[..],
            b"  ",
            b"a b",
            &[b'k'; 256],
            "schlüssel".as_bytes(),
            b"\x01",
        ] {
            assert!(IdempotencyKey::parse(bad).is_err(), "{bad:?}");
        }
    }
}

//! Which stored attributes an export of a customer withholds, and why: keys and secrets. Every
//! other attribute goes out as stored, times as RFC 3339 (docs/data-model.md, "Export").

use crate::domain::rfc3339;
use crate::ports::Item;
use serde_json::Value;
use time::OffsetDateTime;

/// Table keys and index keys (derived from ids and names that the export shows), the expiry
/// that DynamoDB's TTL reads, and the key of a create's stored answer.
pub const WITHHELD_KEYS: &[&str] = &[
    "pk",
    "sk",
    "gsi1pk",
    "gsi1sk",
    "gsi2pk",
    "gsi2sk",
    "gsi3pk",
    "gsi3sk",
    "ttl",
    "idempotencyPk",
];

/// Secrets: hashes of registration tokens (which are also the invitations' keys) and the
/// salted hash of the SMS code.
pub const WITHHELD_SECRETS: &[&str] = &["invitation", "invitations", "codeSalt", "codeHash"];

/// Attributes stored as unix seconds (so that conditions can compare them).
const UNIX_TIMES: &[&str] = &["expiresAt", "claimedAt", "sends"];

/// The item as an export shows it.
pub fn exported(item: &Item) -> Item {
    item.iter()
        .filter(|(name, _)| {
            !WITHHELD_KEYS.contains(&name.as_str()) && !WITHHELD_SECRETS.contains(&name.as_str())
        })
        .map(|(name, value)| {
            let value = if UNIX_TIMES.contains(&name.as_str()) {
                rfc3339_of(value)
            } else {
                value.clone()
            };
            (name.clone(), value)
        })
        .collect()
}

/// Unix seconds (or a list of them) as RFC 3339 text.
pub fn rfc3339_of(value: &Value) -> Value {
    match value {
        Value::Array(list) => Value::Array(list.iter().map(rfc3339_of).collect()),
        Value::Number(n) => n
            .as_i64()
            .and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok())
            .map_or_else(|| value.clone(), |t| Value::String(rfc3339(t))),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_export_drops_keys_and_secrets_and_shows_unix_times_as_text() {
        let item = json!({
            "pk": "INV#abc", "sk": "INV", "codeHash": "h", "codeSalt": "s", "ttl": 5,
            "status": "pending", "expiresAt": 0, "sends": [60], "attempts": 2,
        });
        let out = exported(item.as_object().unwrap());
        assert_eq!(
            Value::Object(out),
            json!({"status": "pending", "expiresAt": "1970-01-01T00:00:00Z",
                   "sends": ["1970-01-01T00:01:00Z"], "attempts": 2})
        );
    }
}

//! Server-chosen ids: a type prefix and a ULID (time-ordered, 80 random bits), so that
//! items of one kind sort by creation in a DynamoDB sort key.

use rand::Rng;

const CROCKFORD: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

/// The last id value issued by this process: ids of one process are strictly increasing,
/// also within one millisecond (ULID's monotonic mode), so that creation order holds.
static LAST: std::sync::Mutex<u128> = std::sync::Mutex::new(0);

/// `now` comes from the one clock (`ports::Clock`), so that ids made after the local server's
/// clock moved on still sort after the ones made before.
pub fn new_id(prefix: &str, now: time::OffsetDateTime) -> String {
    let millis = now.unix_timestamp_nanos() / 1_000_000;
    let random: u128 = rand::rng().random::<u128>() & ((1u128 << 80) - 1);
    let fresh = ((millis as u128 & ((1u128 << 48) - 1)) << 80) | random;
    let value = {
        let mut last = LAST.lock().unwrap_or_else(|e| e.into_inner());
        *last = if fresh > *last { fresh } else { *last + 1 };
        *last
    };
    let mut out = String::with_capacity(prefix.len() + 27);
    out.push_str(prefix);
    out.push('_');
    for i in (0..26).rev() {
        out.push(CROCKFORD[((value >> (i * 5)) & 0x1f) as usize] as char);
    }
    out
}

/// Whether `raw` could be an id at all: short, and only characters that are safe inside a
/// DynamoDB key and a URL path. Anything else is simply not found.
pub fn plausible(raw: &str) -> bool {
    !raw.is_empty()
        && raw.len() <= 64
        && raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_carry_their_prefix_and_sort_by_creation() {
        let t = time::macros::datetime!(2026-01-01 00:00 UTC);
        let a = new_id("trx", t);
        let b = new_id("trx", t + time::Duration::milliseconds(2));
        assert!(a.starts_with("trx_") && a.len() == 30);
        assert!(a < b);
        assert!(plausible(&a));
    }

    #[test]
    fn ids_of_one_millisecond_still_sort_by_creation() {
        let ids: Vec<String> = (0..1000)
            .map(|_| new_id("trx", time::macros::datetime!(2026-01-01 00:00 UTC)))
            .collect();
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(ids, sorted);
    }

    #[test]
    fn implausible_ids_are_refused() {
        for raw in ["", "a/b", "a#b", "ä", &"x".repeat(65)] {
            assert!(!plausible(raw), "{raw}");
        }
    }
}

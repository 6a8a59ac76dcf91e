//! The abuse limits of the contract. Each is a counter item per fixed window (a UTC day, a
//! minute), incremented under the condition that it is below the limit, in the same
//! transaction as the write it guards: concurrent requests cannot overrun it.

use crate::app::App;
use crate::config::Limits;
use crate::domain::{Access, MobileNumber};
use crate::error::{Error, Result};
use crate::ports::Write;
use crate::store::{self, OnCondition};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use time::OffsetDateTime;

const DAY: i64 = 24 * 3600;
const MINUTE: i64 = 60;

/// One counter write and what its failure tells the caller.
pub struct Counter {
    write: Write,
    detail: &'static str,
    retry_after: u64,
}

/// The fixed window of `secs` that `now` is in: its number and the seconds until it ends.
fn window(now: OffsetDateTime, secs: i64) -> (i64, u64) {
    let t = now.unix_timestamp();
    let number = t.div_euclid(secs);
    (number, ((number + 1) * secs - t) as u64)
}

/// Counter subjects that are personal data (numbers, addresses) are stored only as a keyed
/// hash, so that the table holds no list of who was messaged.
fn hashed(app: &App, value: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(&app.settings.cursor_key)
        .expect("HMAC takes keys of any length");
    mac.update(value.as_bytes());
    crate::domain::secrets_hex(&mac.finalize().into_bytes()[..16])
}

/// A counter write of `uses` at once against `limit` per window of `secs`.
fn counter(
    (kind, subject): (&str, &str),
    uses: u32,
    (limit, secs): (u32, i64),
    now: OffsetDateTime,
    detail: &'static str,
) -> Counter {
    let (number, retry_after) = window(now, secs);
    let key = store::limit_key(kind, subject, number);
    // Kept a window longer than needed, so a late clock never meets a vanished counter.
    let expires_at = (number + 2) * secs;
    Counter {
        write: store::count_uses(key, uses, limit, expires_at),
        detail,
        retry_after,
    }
}

impl Counter {
    fn too_many(&self) -> Error {
        Error::TooManyRequests {
            detail: self.detail,
            retry_after: self.retry_after,
        }
    }

    /// Writes the counter on its own: 429 when the limit is reached.
    async fn admit(self, app: &App) -> Result<()> {
        let refused = self.too_many();
        app.table.write(self.write).await.on_condition(|_| refused)
    }
}

/// Whose daily invitation limit an invitation counts against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sender<'a> {
    /// The specialist who sends it.
    Specialist(&'a str),
    /// Nobody's: the contract exempts the invitations of imported rows (counted once, when
    /// the import is accepted, by `admit_imported_invitations`).
    Exempt,
}

/// The counters one invitation counts against: its sender's, and the destination number's
/// where an SMS goes out.
pub fn for_invitation(
    app: &App,
    sender: Sender<'_>,
    access: &Access,
    now: OffsetDateTime,
) -> Vec<Counter> {
    let limits = &app.settings.limits;
    let mut counters = Vec::with_capacity(2);
    if let Sender::Specialist(sender) = sender {
        counters.push(counter(
            ("INVITE", sender),
            1,
            (limits.invitations_per_specialist, DAY),
            now,
            "You sent as many invitations as allowed today. Please try again tomorrow.",
        ));
    }
    if let Some(mobile) = &access.mobile {
        counters.push(counter(
            ("SMS", &hashed(app, mobile.as_str())),
            1,
            (limits.sms_per_number, DAY),
            now,
            "This mobile number received as many SMS as allowed today. Please try again tomorrow.",
        ));
    }
    counters
}

/// The counter the system's reminder counts against: only the destination number's, where an
/// SMS goes out (reminders are nobody's invitations and no resend).
pub fn for_reminder(app: &App, access: &Access, now: OffsetDateTime) -> Vec<Counter> {
    let limits = &app.settings.limits;
    access
        .mobile
        .iter()
        .map(|mobile| {
            counter(
                ("SMS", &hashed(app, mobile.as_str())),
                1,
                (limits.sms_per_number, DAY),
                now,
                "This mobile number received as many SMS as allowed today.",
            )
        })
        .collect()
}

/// Where a transaction's counters sit, to tell their failures apart from the others.
pub struct Counted {
    start: usize,
    failures: Vec<(&'static str, u64)>,
}

/// Appends the counters to a transaction's writes.
pub fn append(writes: &mut Vec<Write>, counters: Vec<Counter>) -> Counted {
    let start = writes.len();
    let mut failures = Vec::with_capacity(counters.len());
    for c in counters {
        writes.push(c.write);
        failures.push((c.detail, c.retry_after));
    }
    Counted { start, failures }
}

impl Counted {
    /// The 429 for a failed condition at `index`, if it is one of the counters.
    pub fn error_at(&self, index: Option<usize>) -> Option<Error> {
        let i = index?.checked_sub(self.start)?;
        let (detail, retry_after) = *self.failures.get(i)?;
        Some(Error::TooManyRequests {
            detail,
            retry_after,
        })
    }
}

/// Counts the invitations of an import (one per row) against the importing specialist's daily
/// limit of imported invitations, all at once: 429 and nothing counted when they do not fit.
/// One write before anything of the import is stored; concurrent imports cannot overrun it.
pub async fn admit_imported_invitations(app: &App, specialist: &str, rows: usize) -> Result<()> {
    let limit = app.settings.limits.imported_invitations_per_specialist;
    let uses = u32::try_from(rows).unwrap_or(u32::MAX);
    let c = counter(
        ("IMPORT", specialist),
        uses,
        (limit, DAY),
        app.now(),
        "This import would send more invitations than you may import today. \
         Please import fewer rows, or try again tomorrow.",
    );
    // More than the limit never fits, not even into a window that has no counter yet.
    if uses > limit {
        return Err(c.too_many());
    }
    c.admit(app).await
}

/// Counts a request of a client address to the registration endpoints (one write), per
/// [`address_block`].
pub async fn admit_registration_request(app: &App, client: &str) -> Result<()> {
    counter(
        ("REG", &hashed(app, &address_block(client))),
        1,
        (app.settings.limits.registration_requests_per_minute, MINUTE),
        app.now(),
        "Too many requests from your network. Please wait a minute and try again.",
    )
    .admit(app)
    .await
}

/// What the per-address limit counts: an IPv4 address as it is, an IPv6 address by its /64.
/// One IPv6 subscriber gets a whole /64 (usually more) and picks any address in it at will,
/// so counting full addresses would give one client 2^64 buckets. An IPv4 address mapped into
/// IPv6 (`::ffff:192.0.2.1`) counts as that IPv4 address; anything that is no address (a
/// router called without a client address) counts as it is.
pub fn address_block(client: &str) -> String {
    match client.trim().parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(v4)) => v4.to_string(),
        Ok(std::net::IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let prefix = u128::from(v6) & !(u128::from(u64::MAX));
                format!("{}/64", std::net::Ipv6Addr::from(prefix))
            }
        },
        Err(_) => client.to_owned(),
    }
}

/// SMS go only to the configured countries.
pub fn sms_country(
    limits: &Limits,
    mobile: MobileNumber,
) -> Result<MobileNumber, crate::domain::Reason> {
    match mobile.country() {
        Some(c) if limits.sms_countries.contains(&c) => Ok(mobile),
        _ => Err(crate::domain::Reason::new(
            crate::domain::Code::SmsCountryNotAllowed,
            format!(
                "must be a mobile number in one of these countries: {}",
                limits.sms_countries.join(", ")
            ),
        )
        .allowed(limits.sms_countries.clone())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn a_window_is_numbered_and_says_how_long_it_still_runs() {
        assert_eq!(
            window(datetime!(1970-01-02 00:00 UTC), DAY),
            (1, DAY as u64)
        );
        assert_eq!(window(datetime!(1970-01-01 23:59:30 UTC), DAY), (0, 30));
        assert_eq!(window(datetime!(1970-01-01 00:01:15 UTC), MINUTE), (1, 45));
    }

    #[test]
    fn ipv6_addresses_count_per_64_and_ipv4_addresses_one_by_one() {
        let block = "2001:db8:1:2::/64";
        for client in [
            "2001:db8:1:2::1",
            "2001:db8:1:2:ffff:ffff:ffff:ffff",
            "2001:0db8:0001:0002:abcd::",
        ] {
            assert_eq!(address_block(client), block, "{client}");
        }
        assert_eq!(address_block("2001:db8:1:3::1"), "2001:db8:1:3::/64");
        assert_eq!(address_block("192.0.2.1"), "192.0.2.1");
        assert_ne!(address_block("192.0.2.2"), address_block("192.0.2.1"));
        assert_eq!(address_block("::ffff:192.0.2.1"), "192.0.2.1");
        assert_eq!(address_block("unknown"), "unknown");
    }

    #[test]
    fn sms_go_only_to_the_configured_countries() {
        let limits = Limits::default();
        let de = MobileNumber::parse("0170 1234567").unwrap();
        assert!(sms_country(&limits, de).is_ok());
        let ng = MobileNumber::parse("+234 803 123 4567").unwrap();
        let err = sms_country(&limits, ng).unwrap_err();
        assert!(err.message.contains("DE, AT, CH"), "{err}");
        assert_eq!(err.code, crate::domain::Code::SmsCountryNotAllowed);
        assert_eq!(err.params.allowed, Some(limits.sms_countries.clone()));
    }
}

//! Times as the API and the table write them: RFC 3339 in UTC, one formatter and one parser
//! for every layer.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// `t` as RFC 3339 text. Every time the product handles is a valid UTC instant, which always
/// formats; the empty string stands in for the impossible failure instead of a panic.
pub fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

/// RFC 3339 text as a time, `None` where it is not one.
pub fn parse_rfc3339(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s, &Rfc3339).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_formats_as_rfc3339_and_parses_back_to_itself() {
        let t = OffsetDateTime::from_unix_timestamp(1_764_000_000).unwrap();
        assert_eq!(rfc3339(t), "2025-11-24T16:00:00Z");
        assert_eq!(parse_rfc3339(&rfc3339(t)), Some(t));
    }

    #[test]
    fn text_that_is_not_a_time_parses_to_none() {
        assert_eq!(parse_rfc3339("24.11.2025"), None);
        assert_eq!(parse_rfc3339(""), None);
    }
}

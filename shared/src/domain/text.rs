//! Bounded free text such as names: trimmed, non-blank, no control characters.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Text(String);

impl Text {
    /// Parses free text of at most `max_chars` characters after trimming.
    pub fn parse(raw: &str, max_chars: usize) -> Result<Self, String> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err("is required".into());
        }
        if trimmed.chars().any(char::is_control) {
            return Err("must not contain control characters".into());
        }
        let len = trimmed.chars().count();
        if len > max_chars {
            return Err(format!("must be at most {max_chars} characters"));
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn text_is_trimmed_and_bounded() {
        let cases: &[(&str, usize, Result<&str, &str>, &str)] = &[
            (
                "  Erika ",
                10,
                Ok("Erika"),
                "surrounding blanks are trimmed",
            ),
            ("", 10, Err("is required"), "empty is missing"),
            ("   ", 10, Err("is required"), "blank is missing"),
            (
                "a\u{0}b",
                10,
                Err("must not contain control characters"),
                "NUL",
            ),
            (
                "a\nb",
                10,
                Err("must not contain control characters"),
                "newline",
            ),
            (
                "Ärztekammer",
                11,
                Ok("Ärztekammer"),
                "counts characters, not bytes",
            ),
            (
                "abcdefghijk",
                10,
                Err("must be at most 10 characters"),
                "too long",
            ),
        ];
        for (raw, max, expected, why) in cases {
            let got = Text::parse(raw, *max);
            match expected {
                Ok(v) => assert_eq!(got.as_ref().map(Text::as_str), Ok(*v), "{why}"),
                Err(e) => assert_eq!(got.unwrap_err(), *e, "{why}"),
            }
        }
    }

    proptest! {
        #[test]
        fn parsed_text_is_always_trimmed_nonblank_and_bounded(raw in "\\PC{0,40}") {
            if let Ok(t) = Text::parse(&raw, 20) {
                prop_assert_eq!(t.as_str(), t.as_str().trim());
                prop_assert!(!t.as_str().is_empty());
                prop_assert!(t.as_str().chars().count() <= 20);
                prop_assert!(!t.as_str().chars().any(char::is_control));
            }
        }

        #[test]
        fn parsing_never_panics(raw in any::<String>(), max in 0usize..50) {
            let _ = Text::parse(&raw, max);
        }
    }
}

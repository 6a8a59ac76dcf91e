//! Bounded free text such as names and titles: NFC-normalised, trimmed, non-blank, without
//! control or invisible formatting characters. Every text field of every input (customers,
//! accesses, specialists, transactions, imports) is parsed here.

use crate::domain::{Code, Reason};
use icu_properties::CodePointSetData;
use icu_properties::props::DefaultIgnorableCodePoint;
use std::fmt;
use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, GeneralCategoryGroup, UnicodeGeneralCategory};

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Text(String);

/// Characters that are invisible or change how the text around them is shown: controls (Cc),
/// formatting characters (Cf: bidirectional overrides and isolates, zero-width spaces and
/// joiners, the BOM, soft hyphens), surrogates and private-use characters (Cs, Co), line and
/// paragraph separators (Zl, Zp), Unicode's `Default_Ignorable_Code_Point` set (characters a
/// renderer shows as nothing: the Hangul fillers U+115F, U+1160, U+3164 and U+FFA0, which are
/// letters (Lo) by category, the combining grapheme joiner U+034F, variation selectors, tags),
/// and the blanks that no Unicode property names. A name such as `Max\u{202E}exe.fdp` would
/// otherwise be shown reversed in a console or an e-mail, and two zero-width spaces or one
/// Hangul filler would pass as filled in. Unassigned code points stay allowed: Unicode assigns
/// new letters every year.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(
        c.general_category(),
        GeneralCategory::Control
            | GeneralCategory::Format
            | GeneralCategory::Surrogate
            | GeneralCategory::PrivateUse
            | GeneralCategory::LineSeparator
            | GeneralCategory::ParagraphSeparator
    ) || CodePointSetData::new::<DefaultIgnorableCodePoint>().contains(c)
        || GLYPHLESS.contains(&c)
}

/// Characters drawn as blank space that are not `Default_Ignorable_Code_Point`, not
/// `White_Space` and not in a category the rule above refuses, so that no Unicode property
/// covers them: U+2800 BRAILLE PATTERN BLANK (General_Category So), the one the probe found.
/// (The Hangul fillers it found are `Default_Ignorable_Code_Point` in DerivedCoreProperties.txt
/// and come from the Unicode data above.)
const GLYPHLESS: [char; 1] = ['\u{2800}'];

/// A letter of any script (general category L*) that is also visible: a Hangul filler is a
/// letter by category and still never counts as one.
pub(crate) fn is_letter(c: char) -> bool {
    c.general_category_group() == GeneralCategoryGroup::Letter && !is_invisible(c)
}

pub(crate) const INVISIBLE: &str = "must not contain control or invisible formatting characters";

/// Text with control or invisible formatting characters.
pub(crate) fn invisible() -> Reason {
    Reason::new(Code::InvisibleCharacters, INVISIBLE)
}

impl Text {
    /// Parses free text of at most `max_chars` characters after normalising to NFC (so that
    /// `e` + combining acute and `é` are the same name, for search and for duplicates) and
    /// trimming.
    pub fn parse(raw: &str, max_chars: usize) -> Result<Self, Reason> {
        let normalised: String = raw.nfc().collect();
        let trimmed = normalised.trim();
        if trimmed.is_empty() {
            return Err(Reason::required());
        }
        // The text as sent, as the API's schema judges it: a control character is refused
        // also where trimming would drop it (a tab or line break at the edge), and the length
        // (`maxLength`) counts the surrounding blanks too, in the normalised form.
        if trimmed.chars().any(is_invisible) || raw.chars().any(char::is_control) {
            return Err(invisible());
        }
        let len = normalised.chars().count();
        if len > max_chars {
            return Err(Reason::too_long(max_chars));
        }
        Ok(Self(trimmed.to_owned()))
    }

    /// A person's name: free text that contains at least one letter, so that `-`, `...` or
    /// `1` are not taken for a name.
    pub fn parse_name(raw: &str, max_chars: usize) -> Result<Self, Reason> {
        let text = Self::parse(raw, max_chars)?;
        if !text.0.chars().any(is_letter) {
            return Err(Reason::new(
                Code::NoLetter,
                "must contain at least one letter",
            ));
        }
        Ok(text)
    }

    /// Text read back from the store, under the rules of version 1 (trimmed, non-blank, no
    /// control characters, bounded): items written before the stricter input rules must stay
    /// readable, and the store is not input.
    pub fn parse_stored(raw: &str, max_chars: usize) -> Result<Self, String> {
        let ok = !raw.is_empty()
            && raw.trim() == raw
            && !raw.chars().any(char::is_control)
            && raw.chars().count() <= max_chars;
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err("is not stored text".into())
        }
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

    fn check(
        parse: fn(&str, usize) -> Result<Text, Reason>,
        cases: &[(&str, usize, Result<&str, &str>, &str)],
    ) {
        for (raw, max, expected, why) in cases {
            let got = parse(raw, *max);
            match expected {
                Ok(v) => assert_eq!(got.as_ref().map(Text::as_str), Ok(*v), "{why}"),
                Err(e) => assert_eq!(got.unwrap_err(), *e, "{why}"),
            }
        }
    }

    #[test]
    fn text_is_trimmed_and_bounded() {
        check(
            Text::parse,
            &[
                (
                    "  Erika ",
                    10,
                    Ok("Erika"),
                    "surrounding blanks are trimmed",
                ),
                ("", 10, Err("is required"), "empty is missing"),
                ("   ", 10, Err("is required"), "blank is missing"),
                ("a\u{0}b", 10, Err(INVISIBLE), "NUL"),
                ("a\nb", 10, Err(INVISIBLE), "newline"),
                ("Erika\t", 10, Err(INVISIBLE), "a tab at the edge, as sent"),
                (
                    " abcdefghij",
                    10,
                    Err("must be at most 10 characters"),
                    "counted as sent, the surrounding blank too",
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
            ],
        );
    }

    #[test]
    fn invisible_formatting_characters_are_refused() {
        let cases = [
            ("Max\u{202E}exe.fdp", "right-to-left override"),
            ("Max\u{202A}Muster", "left-to-right embedding"),
            ("Max\u{2066}Muster\u{2069}", "left-to-right isolate"),
            ("\u{200B}\u{200B}", "two zero-width spaces"),
            ("Mus\u{200B}ter", "zero-width space inside"),
            ("Mus\u{200D}ter", "zero-width joiner"),
            ("Mus\u{200C}ter", "zero-width non-joiner"),
            ("\u{FEFF}Muster", "byte order mark"),
            ("Mus\u{00AD}ter", "soft hyphen"),
            ("Mus\u{2060}ter", "word joiner"),
            ("Mus\u{2028}ter", "line separator"),
            ("Mus\u{2029}ter", "paragraph separator"),
            ("Mus\u{E000}ter", "private use"),
            ("Mus\u{0085}ter", "next line (C1 control)"),
            ("\u{3164}", "Hangul filler (Lo, default ignorable)"),
            ("Erika\u{3164}", "Hangul filler after a name"),
            ("\u{FFA0}Erika", "halfwidth Hangul filler"),
            ("\u{115F}\u{1160}", "Hangul choseong and jungseong fillers"),
            ("Er\u{034F}ika", "combining grapheme joiner"),
            ("Erika\u{FE0F}", "variation selector"),
            ("Erika\u{E0041}", "tag character"),
            ("Mus\u{2800}ter", "braille pattern blank"),
            ("\u{2800}", "braille pattern blank alone"),
        ];
        for (raw, why) in cases {
            assert_eq!(Text::parse(raw, 100).unwrap_err(), INVISIBLE, "{why}");
        }
    }

    #[test]
    fn default_ignorable_and_blank_characters_never_count_as_letters() {
        for c in [
            '\u{3164}', '\u{FFA0}', '\u{115F}', '\u{1160}', '\u{034F}', '\u{2800}',
        ] {
            assert!(is_invisible(c), "{:04X} is invisible", c as u32);
            assert!(!is_letter(c), "{:04X} is no letter", c as u32);
        }
        for c in ['E', 'ß', '李', 'Д', 'ㄱ', '한'] {
            assert!(is_letter(c), "{c} is a letter");
        }
    }

    #[test]
    fn text_is_normalised_to_nfc() {
        let decomposed = "Jose\u{0301} Mu\u{0308}ller";
        let t = Text::parse(decomposed, 100).unwrap();
        assert_eq!(t.as_str(), "José Müller");
        assert_eq!(t.as_str().chars().count(), 11, "composed: one char each");
        assert_eq!(
            Text::parse("A\u{030A}ngstro\u{0308}m", 8).unwrap().as_str(),
            "Ångström",
            "the bound applies to the normalised form"
        );
    }

    #[test]
    fn visible_text_of_any_script_is_kept() {
        for raw in [
            "Ærøskøbing",
            "Łódź",
            "Ἀθῆναι",
            "Дмитрий",
            "محمد",
            "李小龙",
            "O'Brien-Smith",
            "Hauptstr.\u{00A0}1",
        ] {
            assert_eq!(Text::parse(raw, 100).unwrap().as_str(), raw);
        }
    }

    #[test]
    fn a_name_needs_at_least_one_letter() {
        check(
            Text::parse_name,
            &[
                ("Erika", 100, Ok("Erika"), "letters"),
                ("Ng", 100, Ok("Ng"), "two letters"),
                ("李", 100, Ok("李"), "one letter of another script"),
                ("Erika 2", 100, Ok("Erika 2"), "letters and a digit"),
                ("-", 100, Err("must contain at least one letter"), "hyphen"),
                ("...", 100, Err("must contain at least one letter"), "dots"),
                ("42", 100, Err("must contain at least one letter"), "digits"),
                (
                    "\u{0301}",
                    100,
                    Err("must contain at least one letter"),
                    "a lone combining mark",
                ),
                ("\u{200B}\u{200B}", 100, Err(INVISIBLE), "zero-width only"),
                ("\u{3164}", 100, Err(INVISIBLE), "Hangul filler only"),
                (
                    "\u{3164}\u{FFA0}",
                    100,
                    Err(INVISIBLE),
                    "Hangul fillers only",
                ),
                ("\u{2800}", 100, Err(INVISIBLE), "braille blank only"),
                ("  ", 100, Err("is required"), "blank"),
            ],
        );
    }

    #[test]
    fn stored_text_keeps_the_rules_it_was_written_under() {
        assert!(Text::parse_stored("Mus\u{200B}ter", 100).is_ok());
        assert!(Text::parse_stored(" Muster", 100).is_err());
        assert!(Text::parse_stored("", 100).is_err());
        assert!(Text::parse_stored("a\nb", 100).is_err());
    }

    proptest! {
        #[test]
        fn parsed_text_is_always_trimmed_nonblank_bounded_visible_and_nfc(raw in "\\PC{0,40}") {
            if let Ok(t) = Text::parse(&raw, 20) {
                prop_assert_eq!(t.as_str(), t.as_str().trim());
                prop_assert!(!t.as_str().is_empty());
                prop_assert!(t.as_str().chars().count() <= 20);
                prop_assert!(!t.as_str().chars().any(is_invisible));
                prop_assert!(unicode_normalization::is_nfc(t.as_str()));
            }
        }

        #[test]
        fn parsing_is_idempotent(raw in any::<String>()) {
            if let Ok(t) = Text::parse(&raw, 50) {
                prop_assert_eq!(Text::parse(t.as_str(), 50).unwrap(), t);
            }
        }

        #[test]
        fn parsing_never_panics(raw in any::<String>(), max in 0usize..50) {
            let _ = Text::parse(&raw, max);
            let _ = Text::parse_name(&raw, max);
        }
    }
}

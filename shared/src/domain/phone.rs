//! Mobile numbers, normalised to E.164 by the `phonenumber` crate (with the DACH numbering
//! plans first: `numbering_plans`).

use crate::domain::{Code, Reason};
use std::fmt;

fn invalid() -> Reason {
    Reason::new(Code::InvalidMobile, "is not a valid phone number")
}

/// A mobile number in E.164 form (`+491701234567`). National numbers are read as German.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct MobileNumber(String);

impl MobileNumber {
    pub fn parse(raw: &str) -> Result<Self, Reason> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(Reason::required());
        }
        if trimmed.len() > 32 || trimmed.chars().any(char::is_control) {
            return Err(invalid());
        }
        let super::numbering_plans::Parsed { number, plans } =
            super::numbering_plans::parse(trimmed).map_err(|_| invalid())?;
        if !number.is_valid_with(plans) {
            return Err(invalid());
        }
        if !is_mobile(number.number_type(plans)) {
            return Err(Reason::new(
                Code::NotAMobile,
                "is not a mobile phone number",
            ));
        }
        // E.164 as the crate's formatter writes it, without the formatter: it compiles every
        // national format pattern of the country first (about 100 ms for Germany), which E.164
        // does not use.
        Ok(Self(format!(
            "+{}{}",
            number.country().code(),
            number.national()
        )))
    }

    /// Does at a function's init what the first typed number would otherwise pay in its
    /// request: loads the numbering plans of the default SMS countries and compiles what the
    /// check of a German mobile number needs. Lambda runs init at full CPU and an invoke at the
    /// CPU share of the function's memory (docs/performance.md, "first typed mobile number").
    pub fn warm_up() {
        let _ = Self::parse("+49 170 1234567");
    }

    /// A number read back from storage, where only parsed numbers are written: checks the
    /// E.164 shape without the numbering plan metadata, whose first load in a process costs
    /// about 80 ms and 6 MiB.
    pub fn from_stored(stored: &str) -> Result<Self, String> {
        let digits = stored.strip_prefix('+').unwrap_or_default();
        if (8..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(stored.to_owned()))
        } else {
            Err("stored mobile number is not E.164".into())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The ISO code of the number's country (`DE`), from the numbering plan.
    pub fn country(&self) -> Option<String> {
        let super::numbering_plans::Parsed { number, plans } =
            super::numbering_plans::parse(&self.0).ok()?;
        number.metadata(plans).map(|m| m.id().to_owned())
    }

    /// Shows the last two digits only: `+49*********67`.
    pub fn masked(&self) -> String {
        let digits: Vec<char> = self.0.chars().collect();
        let keep = digits.len().saturating_sub(2);
        digits
            .iter()
            .enumerate()
            .map(|(i, c)| if i < 3 || i >= keep { *c } else { '*' })
            .collect()
    }
}

/// Whether a number of this type is a mobile that an SMS reaches. Personal numbers (German
/// 0700, Swiss 0878: forwarded to wherever their owner says, at the sender's cost), premium
/// rate, shared cost, VoIP, pager, UAN, voicemail and fixed lines are not. `FixedLineOrMobile`
/// is the type libphonenumber gives the mobiles of plans that do not tell the two apart (the
/// North American plan): refusing it would refuse every mobile of those countries, and
/// `SMS_COUNTRIES` decides whether they get SMS at all. No DACH number has that type.
fn is_mobile(kind: phonenumber::Type) -> bool {
    matches!(
        kind,
        phonenumber::Type::Mobile | phonenumber::Type::FixedLineOrMobile
    )
}

impl fmt::Display for MobileNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn warming_up_leaves_the_next_parse_unchanged() {
        MobileNumber::warm_up();
        assert_eq!(
            MobileNumber::parse("0170 1234567").unwrap().as_str(),
            "+491701234567"
        );
    }

    #[test]
    fn national_and_international_numbers_become_e164() {
        let cases = [
            (
                "0170 1234567",
                "+491701234567",
                "German national with space",
            ),
            (
                "0170/1234567",
                "+491701234567",
                "German national with slash",
            ),
            ("+49 170 1234567", "+491701234567", "international"),
            ("0049 170 1234567", "+491701234567", "international with 00"),
            ("+43 664 1234567", "+436641234567", "Austrian mobile"),
        ];
        for (raw, expected, why) in cases {
            assert_eq!(
                MobileNumber::parse(raw).unwrap().as_str(),
                expected,
                "{why}"
            );
        }
    }

    #[test]
    fn invalid_numbers_are_refused() {
        let cases = [
            ("", "empty"),
            ("abc", "letters"),
            ("0170", "too short"),
            ("+49 30 1234567", "Berlin landline is not mobile"),
            ("+49 700 12345678", "German personal number"),
            ("+41 878 123 456", "Swiss personal number"),
            ("+49 900 1234567", "German premium rate"),
            ("+49 32 12345678", "German VoIP (national subscriber)"),
            ("0170 1234567 1234567 1234567 1234567", "too long"),
        ];
        for (raw, why) in cases {
            assert!(MobileNumber::parse(raw).is_err(), "{why}: {raw}");
        }
    }

    #[test]
    fn personal_premium_shared_cost_voip_and_pager_numbers_are_no_mobiles() {
        use phonenumber::Type;
        for (raw, kind) in [
            ("+49 700 12345678", Type::PersonalNumber),
            ("+41 878 123 456", Type::PersonalNumber),
            ("+49 900 1234567", Type::PremiumRate),
            ("+41 840 123 456", Type::SharedCost),
            ("+43 780 123456", Type::Voip),
            ("+49 1641234567", Type::Pager),
        ] {
            let parsed = crate::domain::numbering_plans::parse(raw).unwrap();
            assert!(
                parsed.number.is_valid_with(parsed.plans),
                "{raw} is a valid number"
            );
            assert_eq!(parsed.number.number_type(parsed.plans), kind, "{raw}");
            assert_eq!(
                MobileNumber::parse(raw).unwrap_err(),
                "is not a mobile phone number",
                "{raw}"
            );
        }
    }

    #[test]
    fn the_country_of_a_number_is_its_iso_code() {
        let de = MobileNumber::parse("0170 1234567").unwrap();
        assert_eq!(de.country().as_deref(), Some("DE"));
        let at = MobileNumber::parse("+43 664 1234567").unwrap();
        assert_eq!(at.country().as_deref(), Some("AT"));
        let ch = MobileNumber::parse("+41 79 123 45 67").unwrap();
        assert_eq!(ch.country().as_deref(), Some("CH"));
        let ng = MobileNumber::parse("+234 803 123 4567").unwrap();
        assert_eq!(ng.country().as_deref(), Some("NG"));
    }

    #[test]
    fn masking_keeps_country_prefix_and_last_two_digits() {
        let m = MobileNumber::parse("0170 1234567").unwrap();
        assert_eq!(m.masked(), "+49********67");
    }

    proptest! {
        #[test]
        fn parsed_numbers_are_e164(raw in "[+0-9 ()/-]{0,24}") {
            if let Ok(m) = MobileNumber::parse(&raw) {
                prop_assert!(m.as_str().starts_with('+'));
                prop_assert!(m.as_str()[1..].chars().all(|c| c.is_ascii_digit()));
                prop_assert!(m.as_str().len() <= 16);
                // Normalisation is idempotent, and what is stored reads back as it was.
                prop_assert_eq!(MobileNumber::parse(m.as_str()).unwrap(), m.clone());
                prop_assert_eq!(MobileNumber::from_stored(m.as_str()).unwrap(), m);
            }
        }

        #[test]
        fn parsing_never_panics(raw in any::<String>()) {
            let _ = MobileNumber::parse(&raw);
        }

        /// The full `phonenumber` database is the oracle: with the DACH extract first, every
        /// input gets the same answer, number and country as with the full database alone.
        #[test]
        fn the_dach_plans_answer_as_the_full_database(
            raw in prop_oneof![
                "(\\+|00)(49|43|41)[ 0-9]{4,14}",
                "0[1-9][0-9 /]{3,14}",
                "(\\+|00)(49|43|41)1[5-7][0-9]{6,11}",
                "(\\+|00)(43 ?6[5-9]|41 ?7[5-9])[0-9 ]{6,11}",
                // Personal, premium-rate, shared-cost and VoIP ranges of the three plans.
                "(\\+|00)(49 ?(700|900|180|32)|41 ?(878|90|84)|43 ?(9|78|81))[0-9 ]{5,10}",
                "\\+(4[0-9]|3[0-9]|2[0-9]{2}|1)[ 0-9]{5,12}",
                "[+0-9 ()/-]{0,24}",
            ]
        ) {
            let ours = MobileNumber::parse(&raw).map_err(|r| r.message);
            prop_assert_eq!(&ours, &full_database(&raw), "{}", raw);
            if let Ok(m) = ours {
                prop_assert_eq!(m.country(), full_database_country(m.as_str()));
            }
        }
    }

    /// `MobileNumber::parse` as it was before the DACH extract: the full database only.
    fn full_database(raw: &str) -> Result<MobileNumber, String> {
        use phonenumber::metadata::DATABASE;
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err("is required".into());
        }
        if trimmed.len() > 32 || trimmed.chars().any(char::is_control) {
            return Err("is not a valid phone number".into());
        }
        let number = phonenumber::parse(Some(phonenumber::country::Id::DE), trimmed)
            .map_err(|_| "is not a valid phone number".to_owned())?;
        if !phonenumber::is_valid(&number) {
            return Err("is not a valid phone number".into());
        }
        use phonenumber::Type;
        match number.number_type(&DATABASE) {
            Type::Mobile | Type::FixedLineOrMobile => {}
            _ => return Err("is not a mobile phone number".into()),
        }
        Ok(MobileNumber(
            number.format().mode(phonenumber::Mode::E164).to_string(),
        ))
    }

    fn full_database_country(e164: &str) -> Option<String> {
        let number = phonenumber::parse(None, e164).ok()?;
        number.country().id().map(|id| id.as_ref().to_owned())
    }
}

//! ISO 3166-1 alpha-2 country codes.

/// Officially assigned ISO 3166-1 alpha-2 codes.
const CODES: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CountryCode([u8; 2]);

impl CountryCode {
    /// Accepts an assigned alpha-2 code in any case (`de` becomes `DE`).
    pub fn parse(raw: &str) -> Result<Self, crate::domain::Reason> {
        let upper = raw.trim().to_ascii_uppercase();
        if upper.len() == 2 && CODES.split(' ').any(|c| c == upper) {
            let b = upper.as_bytes();
            Ok(Self([b[0], b[1]]))
        } else {
            Err(crate::domain::Reason::new(
                crate::domain::Code::InvalidCountry,
                "must be an ISO 3166-1 alpha-2 country code such as DE",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII upper-case letters are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
}

impl serde::Serialize for CountryCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn assigned_codes_parse_and_others_do_not() {
        for (raw, ok) in [
            ("DE", true),
            ("de", true),
            (" at ", true),
            ("CH", true),
            ("XX", false),
            ("UK", false),
            ("DEU", false),
            ("", false),
            ("D", false),
        ] {
            assert_eq!(CountryCode::parse(raw).is_ok(), ok, "{raw}");
        }
        assert_eq!(CountryCode::parse("de").unwrap().as_str(), "DE");
    }

    #[test]
    fn the_list_holds_all_249_assigned_codes() {
        assert_eq!(CODES.split(' ').count(), 249);
    }

    proptest! {
        #[test]
        fn parsed_codes_are_two_upper_case_letters(raw in "\\PC{0,4}") {
            if let Ok(c) = CountryCode::parse(&raw) {
                prop_assert_eq!(c.as_str().len(), 2);
                prop_assert!(c.as_str().chars().all(|ch| ch.is_ascii_uppercase()));
            }
        }
    }
}

//! The numbering plans a mobile number is checked against: Germany, Austria and Switzerland (the
//! default SMS countries) from a 31 KB extract of libphonenumber's metadata, every other country
//! from the `phonenumber` crate's full database, loaded only when such a number comes.

use phonenumber::metadata::{DATABASE, Database};
use phonenumber::{ParseError, PhoneNumber};
use std::sync::LazyLock;

/// DE, AT and CH exactly as the crate's full metadata has them (`shared/data/`, written by
/// `scripts/phone-metadata-subset.py` from the crate version in `Cargo.lock`).
static DACH: LazyLock<Database> = LazyLock::new(|| {
    Database::parse(include_str!("../../data/phone-metadata-dach.xml"))
        .expect("the DACH numbering plans parse")
});

/// A parsed number with the database that holds its country's plan.
pub struct Parsed {
    pub number: PhoneNumber,
    pub plans: &'static Database,
}

/// Parses `raw` (national numbers as German) with the DACH plans, and with the full database
/// only when the number's country code is not one of theirs. The answer is the full database's
/// (a property test holds the two to each other).
pub fn parse(raw: &str) -> Result<Parsed, ParseError> {
    let german = Some(phonenumber::country::Id::DE);
    let dach: &'static Database = &DACH;
    match phonenumber::parse_with(dach, german, raw) {
        Ok(number) if dach.by_code(&number.code().value()).is_some() => Ok(Parsed {
            number,
            plans: dach,
        }),
        Ok(_) | Err(ParseError::InvalidCountryCode) => {
            let full: &'static Database = &DATABASE;
            phonenumber::parse_with(full, german, raw).map(|number| Parsed {
                number,
                plans: full,
            })
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn german_austrian_and_swiss_numbers_are_read_with_the_small_plans() {
        for raw in [
            "0170 1234567",
            "+43 664 1234567",
            "+41 79 123 45 67",
            "0049 1511 2345678",
        ] {
            let parsed = parse(raw).unwrap();
            assert!(std::ptr::eq(parsed.plans, &*DACH), "{raw}");
        }
    }

    #[test]
    fn a_number_of_another_country_is_read_with_the_full_database() {
        let parsed = parse("+33 6 12 34 56 78").unwrap();
        assert!(std::ptr::eq(parsed.plans, &*DATABASE));
        assert!(parsed.number.is_valid_with(parsed.plans));
    }

    /// Fails when the crate's metadata changes and the extract was not written again from it.
    #[test]
    fn the_extract_is_the_crates_own_metadata_of_its_three_countries() {
        for id in ["DE", "AT", "CH"] {
            let ours = format!("{:?}", DACH.by_id(id).expect(id));
            let crates = format!("{:?}", DATABASE.by_id(id).expect(id));
            assert_eq!(ours, crates, "{id}");
        }
    }

    #[test]
    fn the_extract_holds_exactly_germany_austria_and_switzerland() {
        let mut ids: Vec<&str> = DACH.iter().map(|m| m.id()).collect();
        ids.sort();
        assert_eq!(ids, ["AT", "CH", "DE"]);
    }
}

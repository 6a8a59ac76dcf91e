//! Customers: a person or a company, parsed from the API's input into data that holds.

use super::{
    Collector, CountryCode, EmailAddress, FieldError, MobileNumber, Text, given, required,
};
use serde::Deserialize;
use time::{Date, OffsetDateTime};

/// Server-chosen, opaque customer id (`cus_` + 26 lower-case base32 characters).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CustomerId(String);

impl CustomerId {
    pub fn new(now: time::OffsetDateTime) -> Self {
        Self(crate::ids::new_id("cus", now))
    }
    /// Accepts anything that could be an id of ours; unknown ids are then simply not found.
    pub fn parse(raw: &str) -> Result<Self, String> {
        if crate::ids::plausible(raw) {
            Ok(Self(raw.to_owned()))
        } else {
            Err("is not a valid id".into())
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for CustomerId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomerType {
    Person,
    Company,
}

impl CustomerType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Person => "person",
            Self::Company => "company",
        }
    }
    pub fn parse(raw: &str) -> Result<Self, String> {
        match raw {
            "person" => Ok(Self::Person),
            "company" => Ok(Self::Company),
            _ => Err("must be person or company".into()),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Language {
    #[default]
    De,
    En,
}

impl Language {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::De => "de",
            Self::En => "en",
        }
    }
    pub fn parse(raw: &str) -> Result<Self, String> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "de" => Ok(Self::De),
            "en" => Ok(Self::En),
            _ => Err("must be de or en".into()),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Salutation {
    Ms,
    Mr,
    Mx,
}

impl Salutation {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ms => "ms",
            Self::Mr => "mr",
            Self::Mx => "mx",
        }
    }
    pub fn parse(raw: &str) -> Result<Self, String> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "ms" => Ok(Self::Ms),
            "mr" => Ok(Self::Mr),
            "mx" => Ok(Self::Mx),
            _ => Err("must be ms, mr or mx".into()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub salutation: Option<Salutation>,
    pub title: Option<Text>,
    pub first_name: Text,
    pub last_name: Text,
    pub date_of_birth: Option<Date>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Company {
    pub company_name: Text,
    pub legal_form: Option<Text>,
    pub register_number: Option<Text>,
    pub vat_id: Option<Text>,
    pub contact_first_name: Text,
    pub contact_last_name: Text,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CustomerKind {
    Person(Person),
    Company(Company),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    pub street: Text,
    pub postal_code: Text,
    pub city: Text,
    pub country: CountryCode,
}

/// Everything a specialist enters about a customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerData {
    pub kind: CustomerKind,
    pub email: EmailAddress,
    pub mobile: Option<MobileNumber>,
    pub language: Language,
    pub address: Option<Address>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    pub id: CustomerId,
    pub data: CustomerData,
    pub version: u64,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

impl CustomerData {
    pub fn customer_type(&self) -> CustomerType {
        match self.kind {
            CustomerKind::Person(_) => CustomerType::Person,
            CustomerKind::Company(_) => CustomerType::Company,
        }
    }

    /// "Mustermann, Erika" for a person, the company name for a company.
    pub fn display_name(&self) -> String {
        match &self.kind {
            CustomerKind::Person(p) => format!("{}, {}", p.last_name, p.first_name),
            CustomerKind::Company(c) => c.company_name.to_string(),
        }
    }

    /// The name of the person behind the first access.
    pub fn contact_name(&self) -> (Text, Text) {
        match &self.kind {
            CustomerKind::Person(p) => (p.first_name.clone(), p.last_name.clone()),
            CustomerKind::Company(c) => (c.contact_first_name.clone(), c.contact_last_name.clone()),
        }
    }
}

/// Sort key for case-insensitive ordering and prefix search: lower case with German umlauts
/// folded as in telephone books (DIN 5007-2), so "Ärzte" sorts with "Aerzte", not after "Z".
pub fn fold_for_sorting(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::with_capacity(s.len());
    // NFC first: a search typed with combining marks finds the names stored composed.
    for c in s.trim().nfc() {
        match c {
            'ä' | 'Ä' => out.push_str("ae"),
            'ö' | 'Ö' => out.push_str("oe"),
            'ü' | 'Ü' => out.push_str("ue"),
            'ß' | 'ẞ' => out.push_str("ss"),
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// The customer fields as a client sends them (`POST /customers`, `PUT /customers/{id}`).
/// Every field is optional here so that a missing mandatory field becomes a 422 naming it,
/// while a wrong JSON type is a 400 from deserialisation. Unknown fields (such as `id` or
/// `displayName` sent back from a read) are ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerInput {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub salutation: Option<String>,
    pub title: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub date_of_birth: Option<String>,
    pub company_name: Option<String>,
    pub legal_form: Option<String>,
    pub register_number: Option<String>,
    pub vat_id: Option<String>,
    pub contact_first_name: Option<String>,
    pub contact_last_name: Option<String>,
    pub email: Option<String>,
    pub mobile: Option<String>,
    pub language: Option<String>,
    pub address: Option<AddressInput>,
    #[serde(default, deserialize_with = "whole_number")]
    pub version: Option<u64>,
}

/// A JSON number without a fractional part, as JSON Schema's `integer` has it: `3` and `3.0`
/// alike (JSON itself does not tell them apart). Anything else is a wrong type (400).
fn whole_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    struct Visitor;
    impl<'de> serde::de::Visitor<'de> for Visitor {
        type Value = Option<u64>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a whole number from 0 to 18446744073709551615")
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
            u64::try_from(v)
                .map(Some)
                .map_err(|_| E::invalid_value(serde::de::Unexpected::Signed(v), &self))
        }
        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
            // 2^64 is the first float past u64::MAX; every float below it with no fraction fits.
            if v.fract() == 0.0 && (0.0..18_446_744_073_709_551_616.0).contains(&v) {
                Ok(Some(v as u64))
            } else {
                Err(E::invalid_value(serde::de::Unexpected::Float(v), &self))
            }
        }
    }
    d.deserialize_option(Visitor)
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddressInput {
    pub street: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
}

/// Why customer input was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum CustomerInputError {
    /// `type` is not one of the known customer types (400 by the contract).
    UnknownType(String),
    Invalid(Vec<FieldError>),
}

pub const NAME_MAX: usize = 100;

fn text(c: &mut Collector, field: &str, raw: &Option<String>, max: usize) -> Option<Text> {
    c.check(field, required(raw).and_then(|s| Text::parse(s, max)))
}

/// A person's name (first, last, contact names): at least one letter.
fn name(c: &mut Collector, field: &str, raw: &Option<String>) -> Option<Text> {
    c.check(
        field,
        required(raw).and_then(|s| Text::parse_name(s, NAME_MAX)),
    )
}

/// A company's name needs a letter or a digit: registered names such as "1&1" have no letter,
/// but a name of punctuation alone is a typo.
fn parse_company_name(raw: &str) -> Result<Text, String> {
    let t = Text::parse(raw, 200)?;
    if !t.as_str().chars().any(char::is_alphanumeric) {
        return Err("must contain at least one letter or digit".into());
    }
    Ok(t)
}

fn optional_text(c: &mut Collector, field: &str, raw: &Option<String>, max: usize) -> Option<Text> {
    given(raw).and_then(|s| c.check(field, Text::parse(s, max)))
}

fn parse_birth_date(raw: &str, today: Date) -> Result<Date, String> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = Date::parse(raw.trim(), format)
        .map_err(|_| "must be a date in the form YYYY-MM-DD".to_owned())?;
    if date > today {
        return Err("must not be in the future".into());
    }
    if date.year() < 1900 {
        return Err("must not be before 1900".into());
    }
    Ok(date)
}

fn parse_vat_id(raw: &str) -> Result<Text, String> {
    let compact: String = raw
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    // Characters, not bytes: the input may hold anything.
    let len = compact.chars().count();
    let ok = (4..=14).contains(&len)
        && compact.chars().take(2).all(|c| c.is_ascii_uppercase())
        && compact
            .chars()
            .skip(2)
            .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '*');
    if !ok {
        return Err("must be a VAT identification number such as DE123456789".into());
    }
    Text::parse(&compact, 14)
}

fn parse_postal_code(raw: &str) -> Result<Text, String> {
    let t = Text::parse(raw, 10)?;
    if !t
        .as_str()
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-')
    {
        return Err("must contain only letters, digits, spaces and hyphens".into());
    }
    Ok(t)
}

fn parse_address(input: &AddressInput) -> Result<Option<Address>, Vec<FieldError>> {
    let all_blank = [
        &input.street,
        &input.postal_code,
        &input.city,
        &input.country,
    ]
    .iter()
    .all(|f| given(f).is_none());
    if all_blank {
        return Ok(None);
    }
    let mut c = Collector::default();
    let street = text(&mut c, "street", &input.street, NAME_MAX);
    let postal_code = c.check(
        "postalCode",
        required(&input.postal_code).and_then(parse_postal_code),
    );
    let city = text(&mut c, "city", &input.city, NAME_MAX);
    let country = c.check(
        "country",
        required(&input.country).and_then(CountryCode::parse),
    );
    match (street, postal_code, city, country) {
        (Some(street), Some(postal_code), Some(city), Some(country)) if c.is_empty() => {
            Ok(Some(Address {
                street,
                postal_code,
                city,
                country,
            }))
        }
        _ => Err(c.into_errors()),
    }
}

impl CustomerInput {
    /// The one place where raw customer input becomes [`CustomerData`]. `today` bounds the
    /// date of birth.
    pub fn parse(&self, today: Date) -> Result<CustomerData, CustomerInputError> {
        let Some(kind_raw) = given(&self.kind) else {
            return Err(CustomerInputError::Invalid(vec![FieldError::new(
                "type",
                "is required (person or company)",
            )]));
        };
        let customer_type = CustomerType::parse(kind_raw.trim())
            .map_err(|_| CustomerInputError::UnknownType(kind_raw.to_owned()))?;

        let mut c = Collector::default();
        let kind = match customer_type {
            CustomerType::Person => self.person(&mut c, today),
            CustomerType::Company => self.company(&mut c),
        };
        let email = c.check("email", required(&self.email).and_then(EmailAddress::parse));
        let mobile = given(&self.mobile).and_then(|s| c.check("mobile", MobileNumber::parse(s)));
        let language = match given(&self.language) {
            Some(s) => c.check("language", Language::parse(s)),
            None => Some(Language::default()),
        };
        let address = match &self.address {
            Some(a) => match parse_address(a) {
                Ok(addr) => addr,
                Err(errors) => {
                    c.extend(errors.into_iter().map(|e| e.nested("address")));
                    None
                }
            },
            None => None,
        };
        match (kind, email, language) {
            (Some(kind), Some(email), Some(language)) if c.is_empty() => Ok(CustomerData {
                kind,
                email,
                mobile,
                language,
                address,
            }),
            _ => Err(CustomerInputError::Invalid(c.into_errors())),
        }
    }

    fn person(&self, c: &mut Collector, today: Date) -> Option<CustomerKind> {
        let salutation =
            given(&self.salutation).and_then(|s| c.check("salutation", Salutation::parse(s)));
        let title = optional_text(c, "title", &self.title, 50);
        let first_name = name(c, "firstName", &self.first_name);
        let last_name = name(c, "lastName", &self.last_name);
        let date_of_birth = given(&self.date_of_birth)
            .and_then(|s| c.check("dateOfBirth", parse_birth_date(s, today)));
        first_name.zip(last_name).map(|(first_name, last_name)| {
            CustomerKind::Person(Person {
                salutation,
                title,
                first_name,
                last_name,
                date_of_birth,
            })
        })
    }

    fn company(&self, c: &mut Collector) -> Option<CustomerKind> {
        let company_name = c.check(
            "companyName",
            required(&self.company_name).and_then(parse_company_name),
        );
        let legal_form = optional_text(c, "legalForm", &self.legal_form, 50);
        let register_number = optional_text(c, "registerNumber", &self.register_number, 50);
        let vat_id = given(&self.vat_id).and_then(|s| c.check("vatId", parse_vat_id(s)));
        let contact_first_name = name(c, "contactFirstName", &self.contact_first_name);
        let contact_last_name = name(c, "contactLastName", &self.contact_last_name);
        match (company_name, contact_first_name, contact_last_name) {
            (Some(company_name), Some(contact_first_name), Some(contact_last_name)) => {
                Some(CustomerKind::Company(Company {
                    company_name,
                    legal_form,
                    register_number,
                    vat_id,
                    contact_first_name,
                    contact_last_name,
                }))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 23);

    fn person() -> CustomerInput {
        CustomerInput {
            kind: Some("person".into()),
            first_name: Some("Erika".into()),
            last_name: Some("Mustermann".into()),
            email: Some("erika@example.com".into()),
            ..Default::default()
        }
    }

    fn company() -> CustomerInput {
        CustomerInput {
            kind: Some("company".into()),
            company_name: Some("Muster GmbH".into()),
            contact_first_name: Some("Max".into()),
            contact_last_name: Some("Muster".into()),
            email: Some("info@muster.de".into()),
            ..Default::default()
        }
    }

    fn fields(r: Result<CustomerData, CustomerInputError>) -> Vec<String> {
        match r {
            Err(CustomerInputError::Invalid(e)) => e.into_iter().map(|e| e.field).collect(),
            other => panic!("expected field errors, got {other:?}"),
        }
    }

    #[test]
    fn a_minimal_person_parses_with_defaults() {
        let d = person().parse(TODAY).unwrap();
        assert_eq!(d.display_name(), "Mustermann, Erika");
        assert_eq!(d.language, Language::De);
        assert_eq!(d.customer_type(), CustomerType::Person);
    }

    #[test]
    fn a_minimal_company_parses_and_is_named_by_its_company_name() {
        let d = company().parse(TODAY).unwrap();
        assert_eq!(d.display_name(), "Muster GmbH");
        assert_eq!(d.contact_name().0.as_str(), "Max");
    }

    #[test]
    fn every_missing_mandatory_field_is_named() {
        let cases: Vec<(CustomerInput, Vec<&str>, &str)> = vec![
            (
                CustomerInput {
                    first_name: None,
                    ..person()
                },
                vec!["firstName"],
                "person without first name",
            ),
            (
                CustomerInput {
                    last_name: Some("  ".into()),
                    ..person()
                },
                vec!["lastName"],
                "blank last name",
            ),
            (
                CustomerInput {
                    email: None,
                    first_name: None,
                    ..person()
                },
                vec!["firstName", "email"],
                "two at once",
            ),
            (
                CustomerInput {
                    company_name: None,
                    ..company()
                },
                vec!["companyName"],
                "company without name",
            ),
            (
                CustomerInput {
                    contact_first_name: None,
                    contact_last_name: None,
                    ..company()
                },
                vec!["contactFirstName", "contactLastName"],
                "company without contact",
            ),
            (
                CustomerInput {
                    kind: None,
                    ..person()
                },
                vec!["type"],
                "type missing",
            ),
        ];
        for (input, expected, why) in cases {
            assert_eq!(fields(input.parse(TODAY)), expected, "{why}");
        }
    }

    #[test]
    fn malformed_values_are_named() {
        let cases: Vec<(CustomerInput, &str)> = vec![
            (
                CustomerInput {
                    email: Some("erika@".into()),
                    ..person()
                },
                "email",
            ),
            (
                CustomerInput {
                    mobile: Some("12".into()),
                    ..person()
                },
                "mobile",
            ),
            (
                CustomerInput {
                    date_of_birth: Some("31.01.1980".into()),
                    ..person()
                },
                "dateOfBirth",
            ),
            (
                CustomerInput {
                    date_of_birth: Some("2027-01-01".into()),
                    ..person()
                },
                "dateOfBirth",
            ),
            (
                CustomerInput {
                    language: Some("fr".into()),
                    ..person()
                },
                "language",
            ),
            (
                CustomerInput {
                    salutation: Some("herr".into()),
                    ..person()
                },
                "salutation",
            ),
            (
                CustomerInput {
                    vat_id: Some("123".into()),
                    ..company()
                },
                "vatId",
            ),
            (
                CustomerInput {
                    address: Some(AddressInput {
                        street: Some("Hauptstr. 1".into()),
                        postal_code: Some("10115".into()),
                        city: Some("Berlin".into()),
                        country: Some("XX".into()),
                    }),
                    ..person()
                },
                "address.country",
            ),
            (
                CustomerInput {
                    address: Some(AddressInput {
                        street: Some("Hauptstr. 1".into()),
                        ..Default::default()
                    }),
                    ..person()
                },
                "address.postalCode",
            ),
        ];
        for (input, field) in cases {
            assert!(
                fields(input.parse(TODAY)).contains(&field.to_owned()),
                "{field}"
            );
        }
    }

    #[test]
    fn an_unknown_type_is_its_own_error() {
        let input = CustomerInput {
            kind: Some("robot".into()),
            ..person()
        };
        assert_eq!(
            input.parse(TODAY),
            Err(CustomerInputError::UnknownType("robot".into()))
        );
    }

    #[test]
    fn mobile_is_normalised_and_blank_optionals_are_absent() {
        let input = CustomerInput {
            mobile: Some("0170 1234567".into()),
            title: Some("".into()),
            address: Some(AddressInput {
                street: Some(" ".into()),
                ..Default::default()
            }),
            ..person()
        };
        let d = input.parse(TODAY).unwrap();
        assert_eq!(d.mobile.unwrap().as_str(), "+491701234567");
        assert!(d.address.is_none());
        match d.kind {
            CustomerKind::Person(p) => assert!(p.title.is_none()),
            _ => unreachable!(),
        }
    }

    #[test]
    fn folding_sorts_umlauts_like_a_telephone_book() {
        assert_eq!(fold_for_sorting("Ärzte Groß"), "aerzte gross");
        assert!(fold_for_sorting("Özdemir") < fold_for_sorting("Pahl"));
        assert_eq!(
            fold_for_sorting("O\u{0308}zdemir"),
            "oezdemir",
            "combining marks fold as the composed letter"
        );
    }

    #[test]
    fn names_need_a_letter_and_company_names_a_letter_or_digit() {
        let cases: Vec<(CustomerInput, Vec<&str>, &str)> = vec![
            (
                CustomerInput {
                    first_name: Some("-".into()),
                    last_name: Some("\u{200B}\u{200B}".into()),
                    ..person()
                },
                vec!["firstName", "lastName"],
                "punctuation and zero-width spaces are no names",
            ),
            (
                CustomerInput {
                    company_name: Some("...".into()),
                    contact_first_name: Some("42".into()),
                    contact_last_name: Some("Max\u{202E}exe.fdp".into()),
                    ..company()
                },
                vec!["companyName", "contactFirstName", "contactLastName"],
                "company and contact names",
            ),
        ];
        for (input, expected, why) in cases {
            assert_eq!(fields(input.parse(TODAY)), expected, "{why}");
        }
        let numeric = CustomerInput {
            company_name: Some("1&1".into()),
            ..company()
        };
        assert!(numeric.parse(TODAY).is_ok(), "a registered name of digits");
    }

    #[test]
    fn names_are_stored_in_nfc() {
        let d = CustomerInput {
            last_name: Some("Mu\u{0308}ller".into()),
            ..person()
        }
        .parse(TODAY)
        .unwrap();
        assert_eq!(d.display_name(), "Müller, Erika");
    }

    proptest! {
        #[test]
        fn parsing_arbitrary_input_never_panics(
            kind in proptest::option::of("person|company|x"),
            first in proptest::option::of("\\PC{0,20}"),
            email in proptest::option::of("\\PC{0,30}"),
            mobile in proptest::option::of("[+0-9 ]{0,16}"),
            dob in proptest::option::of("[0-9-]{0,12}"),
        ) {
            let input = CustomerInput { kind, first_name: first.clone(), last_name: first, email, mobile, date_of_birth: dob, ..Default::default() };
            let _ = input.parse(TODAY);
        }

        #[test]
        fn vat_id_parsing_never_panics(raw in any::<String>()) {
            let _ = parse_vat_id(&raw);
        }

        #[test]
        fn a_parsed_birth_date_is_never_in_the_future(y in 1800i32..2100, m in 1u8..13, d in 1u8..29) {
            let raw = format!("{y:04}-{m:02}-{d:02}");
            if let Ok(date) = parse_birth_date(&raw, TODAY) {
                prop_assert!(date <= TODAY);
            }
        }
    }
}

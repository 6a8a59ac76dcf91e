//! The closed list of reasons a field, a row or a password can be refused for: every field
//! error carries one `code` of it (and `params` where a number or a list matters), so that
//! each client can say what is wrong in its user's language. `openapi.yaml` lists the same
//! codes (a test holds the two equal), and `web/i18n.js` has a German and an English text for
//! each (a browser test checks).

use serde::{Deserialize, Serialize};

/// Declares the enum and the list of all its codes from one list, so that no code can be
/// added without being listed.
macro_rules! codes {
    ($($(#[doc = $doc:literal])* $variant:ident = $name:literal,)*) => {
        /// Why a field (or a row, or a column) is refused.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum Code {
            $($(#[doc = $doc])* #[serde(rename = $name)] $variant,)*
        }

        impl Code {
            /// Every code, in the order of the list.
            pub const ALL: &[Code] = &[$(Code::$variant,)*];

            /// The code as the API writes it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                }
            }
        }
    };
}

codes! {
    /// Mandatory and missing or blank.
    Required = "required",
    /// Longer than `params.max` characters.
    TooLong = "too_long",
    /// A list with more than `params.max` entries.
    TooMany = "too_many",
    /// Holds control or invisible formatting characters.
    InvisibleCharacters = "invisible_characters",
    /// A name without a single letter.
    NoLetter = "no_letter",
    /// A company name without a letter or digit.
    NoLetterOrDigit = "no_letter_or_digit",
    /// Not an e-mail address that can be delivered to.
    InvalidEmail = "invalid_email",
    /// Not a phone number.
    InvalidMobile = "invalid_mobile",
    /// A phone number, but not a mobile one.
    NotAMobile = "not_a_mobile",
    /// A mobile number of a country that gets no SMS; `params.allowed` lists those that do.
    SmsCountryNotAllowed = "sms_country_not_allowed",
    /// Not an ISO 3166-1 alpha-2 country code.
    InvalidCountry = "invalid_country",
    /// Not one of the values in `params.allowed`.
    NotAllowedValue = "not_allowed_value",
    /// Not a date in the form YYYY-MM-DD.
    InvalidDate = "invalid_date",
    /// A date after today.
    DateInFuture = "date_in_future",
    /// A date before the year `params.min`.
    DateTooEarly = "date_too_early",
    /// Not a VAT identification number.
    InvalidVatId = "invalid_vat_id",
    /// A postal code with other characters than letters, digits, spaces and hyphens.
    InvalidPostalCode = "invalid_postal_code",
    /// Not an id in the form ids take.
    InvalidId = "invalid_id",
    /// Not a whole number from `params.min` to `params.max`.
    OutOfRange = "out_of_range",
    /// A value that cannot be changed (any more).
    CannotChange = "cannot_change",
    /// Names no specialist of the directory.
    UnknownSpecialist = "unknown_specialist",
    /// Names no business transaction of this customer.
    UnknownTransaction = "unknown_transaction",
    /// Names no access of this customer.
    UnknownAccess = "unknown_access",
    /// Names no administrator of this customer.
    NotAnAdministrator = "not_an_administrator",
    /// Names no additional processor of this customer.
    NotAnAdditionalProcessor = "not_an_additional_processor",
    /// A selection or list that names nothing.
    NothingSelected = "nothing_selected",
    /// A selection too large for one change; `params.max` where a number applies.
    SelectionTooLarge = "selection_too_large",
    /// A new password shorter than `params.min` characters.
    PasswordTooShort = "password_too_short",
    /// A new password longer than `params.max` characters.
    PasswordTooLong = "password_too_long",
    /// A new password with control characters.
    PasswordControlCharacters = "password_control_characters",
    /// A new password that begins or ends with a space.
    PasswordEdgeSpaces = "password_edge_spaces",
    /// A new password of one character repeated.
    PasswordRepeatedCharacter = "password_repeated_character",
    /// A new password that contains the e-mail address or its part before the @.
    PasswordContainsEmail = "password_contains_email",
    /// A new password on the list of common or breached passwords.
    PasswordTooCommon = "password_too_common",
    /// A new password that the sign-in service's own policy refuses (Cognito only: the rules
    /// above are stricter than the pool's policy as deployed).
    PasswordRefused = "password_refused",
    /// Not the password of the existing sign-in.
    WrongPassword = "wrong_password",
    /// Not the registration code from the SMS.
    WrongCode = "wrong_code",
    /// A paging cursor that was not issued for this query.
    InvalidCursor = "invalid_cursor",
    /// An `Idempotency-Key` header that is not 1 to 255 visible characters.
    InvalidIdempotencyKey = "invalid_idempotency_key",
    /// An `Idempotency-Key` already used with a different request body.
    IdempotencyKeyReused = "idempotency_key_reused",
    /// A query parameter the operation does not take.
    UnknownParameter = "unknown_parameter",
    /// A JSON value of the wrong type.
    WrongType = "wrong_type",
    /// An import row identical to the earlier row `params.row`.
    DuplicateRow = "duplicate_row",
    /// An import column named twice in the header.
    DuplicateColumn = "duplicate_column",
    /// An import header name that is no column; `params.allowed` lists the columns.
    UnknownColumn = "unknown_column",
    /// A mandatory import column missing from the header.
    MissingColumn = "missing_column",
    /// An import value in a column the header does not name.
    ValueWithoutColumn = "value_without_column",
    /// An import file that cannot be read as CSV.
    UnreadableFile = "unreadable_file",
    /// An import file with more than `params.max` rows.
    TooManyRows = "too_many_rows",
    /// An import row that met an abuse limit (SMS per number and day, imported invitations).
    LimitReached = "limit_reached",
    /// An import row refused for another reason than its fields; the message says which.
    RowRefused = "row_refused",
}

/// What a number or a list in a message stands for, for clients to put into their own text.
/// Numbers are `u32`, which every limit fits, so that an error stays small enough to return.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Params {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row: Option<u32>,
}

fn small(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Params {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// Why a value is refused: the code, its params and an English message for people reading
/// the raw API. A parser returns it; the field it belongs to is added by the caller.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    /// Import errors stored before codes existed (kept 30 days) read as `row_refused`: their
    /// message still says what was wrong.
    #[serde(default = "stored_without_code")]
    pub code: Code,
    #[serde(default, skip_serializing_if = "Params::is_empty")]
    pub params: Params,
    pub message: String,
}

fn stored_without_code() -> Code {
    Code::RowRefused
}

impl Reason {
    /// The only way to a reason: a code is always given.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Self {
            code,
            params: Params::default(),
            message: message.into(),
        }
    }

    pub fn required() -> Self {
        Self::new(Code::Required, "is required")
    }

    pub fn too_long(max: usize) -> Self {
        Self::new(Code::TooLong, format!("must be at most {max} characters")).max(max)
    }

    /// One of `allowed`, named in the message and the params.
    pub fn one_of(allowed: &[&str]) -> Self {
        Self::new(
            Code::NotAllowedValue,
            format!("must be one of {}", allowed.join(", ")),
        )
        .allowed(allowed.iter().map(|s| (*s).to_owned()).collect())
    }

    pub fn max(mut self, max: usize) -> Self {
        self.params.max = Some(small(max));
        self
    }

    pub fn min(mut self, min: usize) -> Self {
        self.params.min = Some(small(min));
        self
    }

    pub fn allowed(mut self, allowed: Vec<String>) -> Self {
        self.params.allowed = Some(allowed);
        self
    }

    pub fn row(mut self, row: usize) -> Self {
        self.params.row = Some(small(row));
        self
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Unit tests compare a reason with the message they expect.
#[cfg(test)]
impl PartialEq<&str> for Reason {
    fn eq(&self, other: &&str) -> bool {
        self.message == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_written_as_serde_writes_it_and_no_two_codes_share_a_name() {
        let mut seen = std::collections::BTreeSet::new();
        for code in Code::ALL {
            let json = serde_json::to_value(code).unwrap();
            assert_eq!(json, code.as_str());
            assert!(seen.insert(code.as_str()), "{} twice", code.as_str());
        }
    }

    #[test]
    fn an_error_stored_before_codes_existed_reads_as_row_refused() {
        let stored: Reason = serde_json::from_str(r#"{"message":"is required"}"#).unwrap();
        assert_eq!(stored.code, Code::RowRefused);
        assert_eq!(stored.message, "is required");
    }

    #[test]
    fn a_reason_without_params_leaves_them_out_and_one_with_a_limit_names_it() {
        let plain = serde_json::to_value(Reason::required()).unwrap();
        assert_eq!(
            plain,
            serde_json::json!({"code": "required", "message": "is required"})
        );
        let long = serde_json::to_value(Reason::too_long(100)).unwrap();
        assert_eq!(long["code"], "too_long");
        assert_eq!(long["params"], serde_json::json!({"max": 100}));
    }
}

//! Domain types that parse raw input into values that cannot be invalid.

mod codes;
mod country;
pub mod csv_out;
mod customer;
mod deletion;
mod email;
mod history;
mod id_types;
mod idempotency;
mod import_file;
mod import_text;
mod numbering_plans;
mod password;
mod phone;
mod records;
mod secrets;
mod text;
mod timestamp;

pub use codes::{Code, Params, Reason};
pub use country::CountryCode;
pub use customer::{
    Address, AddressInput, Company, Customer, CustomerData, CustomerInput, CustomerInputError,
    CustomerKind, CustomerType, Language, NAME_MAX, Person, Salutation, fold_for_sorting,
};
pub use deletion::{DeletionCounts, DeletionRecord};
pub use email::EmailAddress;
pub use history::{Action, Actor, ActorKind, Event, SubjectKind};
pub use id_types::{AccessId, CustomerId, HandoverId, ImportId, SpecialistId, TransactionId};
pub use idempotency::IdempotencyKey;
pub use import_file::{
    COLUMNS as IMPORT_COLUMNS, FileRefused, ImportFile, ImportRow, MAX_BYTES as IMPORT_MAX_BYTES,
    MAX_ROWS as IMPORT_MAX_ROWS, RowError, failed_rows_csv, read as read_import_file,
};
pub use password::{Password, edge_spaces as password_edge_spaces};
pub use phone::MobileNumber;
pub use records::{
    Access, AccessStatus, BusinessTransaction, Delivery, DeliveryState, Invitation,
    InvitationStatus, MAX_CODE_ATTEMPTS, ProcessorGrant, Specialist,
};
pub use secrets::hex as secrets_hex;
pub use secrets::{
    CODE_ALPHABET, RegistrationCode, RegistrationToken, TokenHash, code_hash, codes_match, new_salt,
};
pub use text::Text;
pub use timestamp::{parse_rfc3339, rfc3339};

use serde::{Deserialize, Serialize};

/// One failing input field: `field` is the JSON path (`firstName`, `address.postalCode`), and
/// the reason says why, with a code from the closed list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    #[serde(flatten)]
    pub reason: Reason,
}

impl FieldError {
    pub fn new(field: impl Into<String>, reason: Reason) -> Self {
        Self {
            field: field.into(),
            reason,
        }
    }

    /// The same error one level deeper, e.g. `street` becomes `address.street`.
    pub fn nested(self, parent: &str) -> Self {
        Self {
            field: format!("{parent}.{}", self.field),
            reason: self.reason,
        }
    }
}

/// Collects field errors while parsing a whole request body, so the answer names every
/// failing field at once instead of the first one only.
#[derive(Debug, Default)]
pub struct Collector {
    errors: Vec<FieldError>,
}

impl Collector {
    pub fn check<T>(&mut self, field: &str, result: Result<T, Reason>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(reason) => {
                self.errors.push(FieldError::new(field, reason));
                None
            }
        }
    }

    pub fn push(&mut self, error: FieldError) {
        self.errors.push(error);
    }

    pub fn extend(&mut self, errors: impl IntoIterator<Item = FieldError>) {
        self.errors.extend(errors);
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    pub fn finish(self) -> Result<(), Vec<FieldError>> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(self.errors)
        }
    }

    pub fn into_errors(self) -> Vec<FieldError> {
        self.errors
    }
}

/// Optional text input: absent, `null` and blank all mean "not given".
pub fn given(raw: &Option<String>) -> Option<&str> {
    raw.as_deref().filter(|s| !s.trim().is_empty())
}

/// Mandatory text input.
pub fn required(raw: &Option<String>) -> Result<&str, Reason> {
    given(raw).ok_or_else(Reason::required)
}

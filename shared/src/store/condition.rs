//! Failed store conditions become domain errors at the call site, which alone knows what a
//! condition meant (in the style of realworld-axum-sqlx's `on_constraint`); every other store
//! error converts one way only, through `From<StoreError> for Error`.

use crate::error::Error;
use crate::ports::StoreError;

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Unavailable(cause) => Error::Unavailable(cause),
            StoreError::TransactionConflict => Error::Conflict(
                crate::error::Conflict::StaleVersion,
                "The customer was changed at the same time. Please retry.".into(),
            ),
            other => Error::internal(other),
        }
    }
}

impl StoreError {
    /// True when the condition of write `index` of a transaction failed.
    pub fn failed_at(&self, index: usize) -> bool {
        matches!(self, StoreError::ConditionFailed { index: Some(i) } if *i == index)
    }
}

pub trait OnCondition<T> {
    /// A failed condition becomes the error `f` names for it (given the index of the failing
    /// write of a transaction, when the store tells); other store errors convert as usual.
    fn on_condition(self, f: impl FnOnce(Option<usize>) -> Error) -> Result<T, Error>;

    /// A failed condition means the write was not needed: `None`.
    fn unless_condition_failed(self) -> Result<Option<T>, Error>;
}

impl<T> OnCondition<T> for Result<T, StoreError> {
    fn on_condition(self, f: impl FnOnce(Option<usize>) -> Error) -> Result<T, Error> {
        self.map_err(|e| match e {
            StoreError::ConditionFailed { index } => f(index),
            other => other.into(),
        })
    }

    fn unless_condition_failed(self) -> Result<Option<T>, Error> {
        match self {
            Ok(v) => Ok(Some(v)),
            Err(StoreError::ConditionFailed { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }
}

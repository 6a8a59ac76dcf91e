//! DynamoDB's errors as the port's: a failed condition is final and names its write, a
//! conflict may pass on retry, throttling and server errors are an unavailable store.

use crate::ports::StoreError;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;

/// What a cancelled transaction means for the caller: a failed condition is final (and names
/// the write), a conflict may pass on retry, throttling is unavailability.
pub(super) fn cancelled(reasons: &[Option<String>], err: anyhow::Error) -> StoreError {
    let code_at = |wanted: &[&str]| {
        reasons
            .iter()
            .position(|c| c.as_deref().is_some_and(|c| wanted.contains(&c)))
    };
    if let Some(index) = code_at(&["ConditionalCheckFailed"]) {
        return StoreError::ConditionFailed { index: Some(index) };
    }
    if code_at(&["TransactionConflict"]).is_some() {
        return StoreError::TransactionConflict;
    }
    let err = err.context(format!(
        "DynamoDB TransactWriteItems cancelled: {:?}",
        reasons
            .iter()
            .map(|c| c.as_deref().unwrap_or("None"))
            .collect::<Vec<_>>()
    ));
    if code_at(&[
        "ThrottlingError",
        "ProvisionedThroughputExceeded",
        "RequestLimitExceeded",
    ])
    .is_some()
    {
        StoreError::Unavailable(err)
    } else {
        StoreError::Other(err)
    }
}

const THROTTLING: &[&str] = &[
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    // The same client request token is still being processed: the retry will be answered.
    "TransactionInProgressException",
];

/// Maps an SDK error onto the port's errors. Only the error and its code are kept: DynamoDB's
/// messages name attributes, never values, and nothing here logs items.
pub(super) fn classify<E>(op: &'static str, err: SdkError<E, HttpResponse>) -> StoreError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let unavailable = match &err {
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) => true,
        SdkError::ResponseError(ctx) => ctx.raw().status().is_server_error(),
        SdkError::ServiceError(ctx) => match ctx.err().code().unwrap_or_default() {
            "ConditionalCheckFailedException" => {
                return StoreError::ConditionFailed { index: Some(0) };
            }
            // A single write on an item that a transaction is changing right now.
            "TransactionConflictException" => return StoreError::TransactionConflict,
            code => THROTTLING.contains(&code) || ctx.raw().status().is_server_error(),
        },
        _ => false,
    };
    let err = anyhow::Error::new(err).context(format!("DynamoDB {op}"));
    if unavailable {
        StoreError::Unavailable(err)
    } else {
        StoreError::Other(err)
    }
}

pub(super) fn build_error(e: aws_smithy_types::error::operation::BuildError) -> StoreError {
    StoreError::Other(anyhow::Error::new(e).context("DynamoDB request cannot be built"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cancelled_transaction_names_its_first_failed_condition() {
        let reasons = |codes: &[&str]| -> Vec<Option<String>> {
            codes.iter().map(|c| Some((*c).to_owned())).collect()
        };
        let err = || anyhow::anyhow!("cancelled");
        let failed = cancelled(
            &reasons(&[
                "None",
                "TransactionConflict",
                "ConditionalCheckFailed",
                "ConditionalCheckFailed",
            ]),
            err(),
        );
        assert!(
            matches!(failed, StoreError::ConditionFailed { index: Some(2) }),
            "{failed:?}"
        );
        let conflict = cancelled(&reasons(&["None", "TransactionConflict"]), err());
        assert!(
            matches!(conflict, StoreError::TransactionConflict),
            "{conflict:?}"
        );
        let throttled = cancelled(&reasons(&["ThrottlingError", "None"]), err());
        assert!(
            matches!(throttled, StoreError::Unavailable(_)),
            "{throttled:?}"
        );
        let invalid = cancelled(&reasons(&["ValidationError"]), err());
        assert!(matches!(invalid, StoreError::Other(_)), "{invalid:?}");
    }
}

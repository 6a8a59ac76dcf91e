//! How a failed AWS call is described in errors and logs, for every AWS adapter: without what
//! the service echoes of the request.

use anyhow::anyhow;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::RequestId;
use aws_smithy_runtime_api::http::Response as HttpResponse;

/// Describes a failed AWS call for errors and logs without the service's message: services
/// echo what they were sent (SES names the refused addresses, Cognito the user name), and
/// that is personal data. The error code, HTTP status and request id are enough to find the
/// call in AWS's own logs.
pub(crate) fn sdk_error<E>(operation: &str, err: SdkError<E, HttpResponse>) -> anyhow::Error
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let code = err.code().unwrap_or("unknown error").to_owned();
    let request_id = err.request_id().unwrap_or("none").to_owned();
    match err {
        SdkError::ServiceError(ctx) => anyhow!(
            "{operation}: {code} (HTTP {}, request id {request_id})",
            ctx.raw().status().as_u16()
        ),
        // Transport errors carry no payload, and their cause (refused, reset, DNS) matters.
        SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) => {
            anyhow::Error::new(err).context(format!("{operation}: service not reachable"))
        }
        SdkError::ResponseError(ctx) => anyhow!(
            "{operation}: unreadable response (HTTP {})",
            ctx.raw().status().as_u16()
        ),
        SdkError::ConstructionFailure(_) => anyhow!("{operation}: request could not be built"),
        _ => anyhow!("{operation}: failed"),
    }
}

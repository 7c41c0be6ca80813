//! AWS call failures, classified as transient (worth retrying) or permanent.

use std::fmt;

use aws_sdk_s3::config::http::HttpResponse;
use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};

/// Whether repeating a failed call can help.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Retry {
    /// Throttling, a 5xx answer, a timeout, an endpoint not reachable: try again later.
    Transient,
    /// Bad input, access denied, a missing object: the same call fails again.
    Permanent,
}

/// The code of an [`AwsError`] for a call cut off by the invocation's deadline.
pub const DEADLINE_EXCEEDED: &str = "DeadlineExceeded";
/// Longest error message kept, in characters.
pub const MESSAGE_MAX: usize = 1024;
/// Longest error code kept, in characters.
pub const CODE_MAX: usize = 128;

/// Runs one network call under the invocation's deadline (`None`: no deadline): when the
/// deadline passes first, the call is dropped (its connection closed) and the answer is
/// [`AwsError::deadline`].
pub async fn within<T>(
    deadline: Option<tokio::time::Instant>,
    operation: &'static str,
    call: impl std::future::Future<Output = Result<T, AwsError>>,
) -> Result<T, AwsError> {
    match deadline {
        None => call.await,
        Some(d) if tokio::time::Instant::now() >= d => Err(AwsError::deadline(operation)),
        Some(d) => match tokio::time::timeout_at(d, call).await {
            Ok(r) => r,
            Err(_) => {
                tracing::warn!(
                    operation,
                    "the invocation's deadline passed during the call"
                );
                Err(AwsError::deadline(operation))
            }
        },
    }
}

/// A call to an AWS service that failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct AwsError {
    pub retry: Retry,
    /// `Service.Operation`, e.g. `S3.PutObject`.
    pub operation: &'static str,
    /// The service's error code (`ThrottlingException`, `NoSuchKey`, …) or, without an answer
    /// from the service, what went wrong (`DispatchFailure`, `Timeout`, `ResponseError`, …).
    pub code: String,
    pub message: String,
}

impl fmt::Display for AwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.retry {
            Retry::Transient => "transient",
            Retry::Permanent => "permanent",
        };
        write!(
            f,
            "{} failed ({kind}): {}: {}",
            self.operation, self.code, self.message
        )
    }
}

impl AwsError {
    pub fn new(
        retry: Retry,
        operation: &'static str,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        let code = code.into();
        let message = message.into();
        AwsError {
            retry,
            operation,
            // both come from the service's answer or an error chain: bounded, so that log
            // lines and answers stay within Lambda's limits
            code: asff_core::fit::truncate_chars(&code, CODE_MAX).unwrap_or(code),
            message: asff_core::fit::truncate_chars(&message, MESSAGE_MAX).unwrap_or(message),
        }
    }

    /// The invocation's time ran out (less its safety margin) before or during `operation`.
    pub fn deadline(operation: &'static str) -> Self {
        AwsError::new(
            Retry::Transient,
            operation,
            DEADLINE_EXCEEDED,
            "the invocation is about to time out; the call was not made or not waited for",
        )
    }

    /// Whether the call ran out of the invocation's time ([`AwsError::deadline`]).
    pub fn is_deadline(&self) -> bool {
        self.code == DEADLINE_EXCEEDED
    }

    pub fn is_transient(&self) -> bool {
        self.retry == Retry::Transient
    }

    /// Classifies an SDK error of any AWS service client.
    pub fn from_sdk<E>(operation: &'static str, err: SdkError<E, HttpResponse>) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        match &err {
            SdkError::ServiceError(se) => {
                let status = se.raw().status().as_u16();
                let code = se
                    .err()
                    .code()
                    .map(str::to_string)
                    .unwrap_or_else(|| format!("HTTP {status}"));
                let message = se
                    .err()
                    .message()
                    .map(str::to_string)
                    .unwrap_or_else(|| format!("the service answered HTTP {status}"));
                let retry = if status >= 500 || status == 429 || is_throttling_code(&code) {
                    Retry::Transient
                } else {
                    Retry::Permanent
                };
                AwsError::new(retry, operation, code, message)
            }
            SdkError::TimeoutError(_) => {
                AwsError::new(Retry::Transient, operation, "Timeout", "the call timed out")
            }
            SdkError::DispatchFailure(d) => {
                let what = if d.is_timeout() {
                    "Timeout"
                } else if d.is_io() {
                    "Unreachable"
                } else {
                    "DispatchFailure"
                };
                AwsError::new(Retry::Transient, operation, what, error_chain(&err))
            }
            SdkError::ResponseError(_) => AwsError::new(
                Retry::Transient,
                operation,
                "ResponseError",
                error_chain(&err),
            ),
            SdkError::ConstructionFailure(_) => AwsError::new(
                Retry::Permanent,
                operation,
                "ConstructionFailure",
                error_chain(&err),
            ),
            _ => AwsError::new(Retry::Transient, operation, "Unknown", error_chain(&err)),
        }
    }
}

/// Error codes that mean "slow down" (Security Hub answers `TooManyRequestsException` or
/// `ThrottlingException`; `LimitExceededException` covers its throttling limits too).
pub fn is_throttling_code(code: &str) -> bool {
    let c = code.to_ascii_lowercase();
    c.contains("throttl")
        || c.contains("toomanyrequests")
        || c.contains("slowdown")
        || c.contains("limitexceeded")
        || c.contains("requestlimit")
}

/// Whether a `FailedFindings` error code is worth another try (throttling or the service's
/// own failure), rather than something wrong with the finding.
pub fn is_transient_finding_code(code: &str) -> bool {
    let c = code.to_ascii_lowercase();
    is_throttling_code(code)
        || c.contains("internal")
        || c.contains("serviceunavailable")
        || c.contains("unavailable")
}

/// The error and its sources, one line.
pub fn error_chain(err: &dyn std::error::Error) -> String {
    let mut s = err.to_string();
    let mut cur = err.source();
    while let Some(e) = cur {
        let m = e.to_string();
        if !s.contains(&m) {
            s.push_str(": ");
            s.push_str(&m);
        }
        cur = e.source();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttling_codes() {
        for c in [
            "ThrottlingException",
            "TooManyRequestsException",
            "LimitExceededException",
            "SlowDown",
        ] {
            assert!(is_throttling_code(c), "{c}");
            assert!(is_transient_finding_code(c), "{c}");
        }
        for c in [
            "InvalidInputException",
            "AccessDeniedException",
            "InvalidInput",
        ] {
            assert!(!is_throttling_code(c), "{c}");
            assert!(!is_transient_finding_code(c), "{c}");
        }
        assert!(is_transient_finding_code("InternalException"));
    }

    #[test]
    fn display_names_operation_kind_and_code() {
        let e = AwsError::new(
            Retry::Transient,
            "S3.PutObject",
            "Unreachable",
            "connection refused",
        );
        assert_eq!(
            e.to_string(),
            "S3.PutObject failed (transient): Unreachable: connection refused"
        );
    }
}

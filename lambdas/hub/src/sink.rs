//! Where findings go: one BatchImportFindings request at a time.

use std::future::Future;

use asff_core::AwsSecurityFinding;
use aws_smithy_types::body::SdkBody;
use serde::Serialize;

use crate::error::AwsError;

/// A finding that Security Hub did not accept (an entry of `FailedFindings`), or that could not
/// be sent at all (then the code names the failed call, e.g. `ThrottlingException`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FailedFinding {
    #[serde(rename = "Id")]
    pub id: String,
    #[serde(rename = "ErrorCode")]
    pub error_code: String,
    #[serde(rename = "ErrorMessage")]
    pub error_message: String,
}

/// The answer to one request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchOutcome {
    /// `SuccessCount`.
    pub success: usize,
    /// `FailedFindings`.
    pub failed: Vec<FailedFinding>,
}

/// Imports findings, one request at a time. The import loop ([`crate::import`]) splits, limits
/// the rate, runs requests concurrently and retries; a sink only makes the call.
pub trait FindingSink: Send + Sync {
    /// Sends one request with these findings (at most 100, at most 6 MB serialized).
    fn import(
        &self,
        findings: &[&AwsSecurityFinding],
    ) -> impl Future<Output = Result<BatchOutcome, AwsError>> + Send;
}

impl<T: FindingSink> FindingSink for &T {
    fn import(
        &self,
        findings: &[&AwsSecurityFinding],
    ) -> impl Future<Output = Result<BatchOutcome, AwsError>> + Send {
        (**self).import(findings)
    }
}

impl<T: FindingSink> FindingSink for std::sync::Arc<T> {
    fn import(
        &self,
        findings: &[&AwsSecurityFinding],
    ) -> impl Future<Output = Result<BatchOutcome, AwsError>> + Send {
        (**self).import(findings)
    }
}

/// Security Hub's BatchImportFindings.
///
/// The request body is our own serialization of the findings (`{"Findings":[…]}`, exactly the
/// ASFF we built, including members the SDK's model would not carry), put in place of the SDK's
/// body before the request is signed. The SDK signs, sends and parses the answer. The client
/// should have its own retries turned off ([`crate::aws::securityhub_client`]): the import
/// loop retries with its own rate limit and backoff.
#[derive(Debug, Clone)]
pub struct SecurityHubSink {
    client: aws_sdk_securityhub::Client,
}

impl SecurityHubSink {
    pub fn new(client: aws_sdk_securityhub::Client) -> Self {
        SecurityHubSink { client }
    }
}

#[derive(Serialize)]
struct Body<'a> {
    #[serde(rename = "Findings")]
    findings: &'a [&'a AwsSecurityFinding],
}

const OPERATION: &str = "SecurityHub.BatchImportFindings";

impl FindingSink for SecurityHubSink {
    async fn import(&self, findings: &[&AwsSecurityFinding]) -> Result<BatchOutcome, AwsError> {
        let body = serde_json::to_vec(&Body { findings }).map_err(|e| {
            AwsError::new(
                crate::error::Retry::Permanent,
                OPERATION,
                "SerializationError",
                e.to_string(),
            )
        })?;
        let len = body.len().to_string();
        let out = self
            .client
            .batch_import_findings()
            .set_findings(Some(Vec::new()))
            .customize()
            .mutate_request(move |req| {
                *req.body_mut() = SdkBody::from(body.clone());
                req.headers_mut().insert("content-length", len.clone());
            })
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(OPERATION, e))?;
        Ok(BatchOutcome {
            success: out.success_count().unwrap_or(0).max(0) as usize,
            failed: out
                .failed_findings()
                .iter()
                .map(|f| FailedFinding {
                    id: f.id().unwrap_or_default().to_string(),
                    error_code: f.error_code().unwrap_or("Unknown").to_string(),
                    error_message: f.error_message().unwrap_or_default().to_string(),
                })
                .collect(),
        })
    }
}

//! The account the findings belong to.

use std::future::Future;

use tokio::sync::OnceCell;

use crate::error::{AwsError, Retry};

/// Tells the AWS account id the function runs in.
pub trait AccountResolver: Send + Sync {
    fn account_id(&self) -> impl Future<Output = Result<String, AwsError>> + Send;
}

/// STS GetCallerIdentity, asked once per container (the first success is kept; a failure is
/// asked again on the next invocation).
#[derive(Debug)]
pub struct StsAccount {
    client: aws_sdk_sts::Client,
    cached: OnceCell<String>,
}

impl StsAccount {
    pub fn new(client: aws_sdk_sts::Client) -> Self {
        StsAccount {
            client,
            cached: OnceCell::new(),
        }
    }
}

impl AccountResolver for StsAccount {
    async fn account_id(&self) -> Result<String, AwsError> {
        self.cached
            .get_or_try_init(|| async {
                let out = self
                    .client
                    .get_caller_identity()
                    .send()
                    .await
                    .map_err(|e| AwsError::from_sdk("STS.GetCallerIdentity", e))?;
                out.account().map(str::to_string).ok_or_else(|| {
                    AwsError::new(
                        Retry::Transient,
                        "STS.GetCallerIdentity",
                        "ResponseError",
                        "the answer names no account",
                    )
                })
            })
            .await
            .cloned()
    }
}

/// A fixed account id (tests, or configuration).
#[derive(Debug, Clone)]
pub struct FixedAccount(pub String);

impl AccountResolver for FixedAccount {
    async fn account_id(&self) -> Result<String, AwsError> {
        Ok(self.0.clone())
    }
}

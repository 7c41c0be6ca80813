//! The `import-findings` Lambda function: what CodeBuild calls after a scan.
//!
//! It takes the payload existing buildspecs send (`{"messageType":"CodeScanReport",
//! "reportType":…,"report":{…}}`, or `"reportS3Uri"` for large reports) or an S3
//! `ObjectCreated` notification ([`payload`]), archives the raw report in S3, converts it with
//! [`asff_parsers`] (all or nothing) and imports the findings into Security Hub through
//! [`asff_hub`] ([`handler`]), with the finding lifecycle: what the scanner no longer reports is
//! archived, first-seen times are kept ([`asff_hub::lifecycle`], state in S3 under `state/`).
//! The answer ([`answer::Answer`]) counts what was imported, archived and reactivated, what
//! failed and by severity, names the archived report and gives a pass/fail gate; when anything
//! failed the invocation ends in a function error carrying that answer. Settings come from the
//! environment ([`config`]).
//!
//! ```
//! use import_findings::payload::{Event, ReportSource};
//!
//! let event = Event::parse(
//!     r#"{"messageType":"CodeScanReport","reportType":"PHPStan","build_id":"app:1",
//!         "report":{"totals":{"errors":0,"file_errors":0},"files":[],"errors":[]}}"#,
//!     "incoming/",
//! )?;
//! let Event::CodeBuild(req) = event else { panic!("a CodeBuild payload") };
//! assert_eq!(req.context.report_type.as_deref(), Some("PHPStan"));
//! assert!(matches!(req.source, ReportSource::Inline(_)));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

// the SDK futures nest deeply
#![recursion_limit = "256"]

pub mod answer;
pub mod config;
pub mod handler;
pub mod payload;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use asff_hub::{aws, S3Archive, S3StateStore, SecurityHubSink, StsAccount};
use lambda_runtime::{service_fn, LambdaEvent};
use serde_json::value::RawValue;

pub use answer::{Answer, Failure, Gate};
pub use config::{Config, Lifecycle};
pub use handler::{Handler, Invocation};

/// The handler with the real services.
pub type LambdaHandler = Handler<S3Archive, SecurityHubSink, StsAccount, S3StateStore>;

/// Builds the handler from the environment and the AWS configuration.
pub async fn from_env(config: Config) -> LambdaHandler {
    let sdk = aws::load_config().await;
    let s3 = aws::s3_client(&sdk);
    Handler::new(
        S3Archive::new(s3.clone(), config.bucket.clone(), config.kms_key_id.clone()),
        SecurityHubSink::new(aws::securityhub_client(&sdk)),
        StsAccount::new(aws::sts_client(&sdk)),
        S3StateStore::new(s3, config.bucket.clone(), config.kms_key_id.clone()),
        config,
    )
}

/// Runs the function against the Lambda Runtime API (`AWS_LAMBDA_RUNTIME_API`). A bad
/// configuration fails every invocation with `Permanent.Configuration` and the reason.
pub fn run() -> Pin<Box<dyn Future<Output = Result<(), lambda_runtime::Error>>>> {
    // boxed: the future is deep; callers need not raise their recursion limit
    Box::pin(run_inner())
}

async fn run_inner() -> Result<(), lambda_runtime::Error> {
    lambda_runtime::tracing::init_default_subscriber();
    match Config::from_env() {
        Ok(config) => {
            let handler = Arc::new(from_env(config).await);
            lambda_runtime::run(service_fn(move |event: LambdaEvent<Box<RawValue>>| {
                let handler = Arc::clone(&handler);
                async move { handler.invoke(event).await }
            }))
            .await
        }
        Err(e) => {
            tracing::error!(error = %e, "bad configuration");
            lambda_runtime::run(service_fn(move |_: LambdaEvent<Box<RawValue>>| {
                let message = e.to_string();
                async move {
                    Err::<Answer, Failure>(Failure::new(
                        Answer::default(),
                        asff_hub::Retry::Permanent,
                        "Configuration",
                        message,
                    ))
                }
            }))
            .await
        }
    }
}

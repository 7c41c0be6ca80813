//! The AWS Security Finding Format (ASFF) for scanner reports: the model, severity
//! normalisation, stable finding ids, fitting to Security Hub's limits and batching.
//!
//! Parsers turn a scanner's records into [`Draft`]s; [`build`] adds what the [`Context`] knows
//! (account, region, partition, pipeline, clock, severity policy), derives a stable Id from the
//! tool, the [`Scope`] and the record's identity, masks secret-looking values in its free text
//! ([`redact`]; [`Context::with_redaction`] turns it off) and fits the finding to Security Hub's limits.
//! [`batch::batches`] then splits findings into BatchImportFindings requests ([`batch::Batcher`]
//! as they come). Parsers hand each finding to an [`Emitter`] as soon as it is built
//! ([`emit`]): it goes to a [`Sink`] and only the [`Accounting`] is kept, so that memory is
//! bounded by the report rather than by the number of findings.
//!
//! For parsers: [`report`] has [`ReportError`] and the JSON helpers, [`sniff`] the format
//! detection, and [`xml`] the one hardened XML reader every XML report is read with (no DTD
//! processing, bounded nesting, element paths and byte offsets in errors).
//!
//! No AWS SDK here: this crate builds fast and works offline.
//!
//! ```
//! use asff_core::{build, Context, Draft, Label, Scope, ToolInfo};
//!
//! let ctx = Context::new("123456789012", "eu-west-1")?
//!     .with_now_rfc3339("2024-01-02T03:04:05Z")?;
//! let tool = ToolInfo { name: "example", product_name: "Example Scanner", company_name: "Example" };
//! let scope = Scope::Repository { name: "github.com/org/app".into(), branch: Some("main".into()) };
//! let finding = build(&ctx, &tool, &scope, Draft {
//!     identity: vec!["pkg:npm/lodash@4.17.20".into(), "CVE-2021-23337".into()],
//!     title: "CVE-2021-23337 in lodash 4.17.20".into(),
//!     label: Some(Label::High),
//!     original_severity: "HIGH".into(),
//!     types: vec!["Software and Configuration Checks/Vulnerabilities/CVE".into()],
//!     ..Default::default()
//! })?;
//! assert_eq!(finding.label(), Some(Label::High));
//! assert_eq!(finding.created_at, "2024-01-02T03:04:05.000Z");
//! assert!(finding.id.starts_with("example/github.com/org/app@main/pkg:npm/lodash@4.17.20/"));
//! assert_eq!(finding.product_arn, "arn:aws:securityhub:eu-west-1:123456789012:product/123456789012/default");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod batch;
pub mod build;
pub mod context;
pub mod emit;
pub mod encoding;
pub mod fit;
pub mod id;
pub mod image;
pub mod lifecycle;
pub mod model;
pub mod pipeline;
pub mod policy;
pub mod redact;
pub mod region;
pub mod report;
pub mod scanner;
pub mod severity;
pub mod sniff;
pub mod text;
pub mod vuln;
pub mod xml;

pub use build::{build, build_with_product, repository_resource, Draft, ToolInfo};
pub use context::{Context, ContextError, Pipeline, PipelineInfo, Scope, ScopeReport};
pub use emit::{Accounting, EmitError, Emitter, Sink, SinkError};
pub use fit::FitError;
pub use model::AwsSecurityFinding;
pub use policy::SeverityPolicy;
pub use report::{Location, ParseOutput, ReportError, Skipped};
pub use scanner::{ScanOptions, Scanner};
pub use severity::Label;

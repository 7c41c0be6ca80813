//! The AWS side of importing findings: Security Hub, the S3 archive of raw reports and the
//! account, each behind a small trait so that handlers can be tested with fakes as well as
//! with the real services.
//!
//! - [`FindingSink`]: one BatchImportFindings request ([`SecurityHubSink`] is the real one).
//! - [`import()`]: the import loop over a sink: requests of at most 100 findings and 6 MB,
//!   several in flight within Security Hub's rate ([`TokenBucket`], 10 per second, burst 30),
//!   throttled calls retried with backoff and jitter, every `FailedFindings` entry collected.
//! - [`Archive`]: raw reports into S3, encrypted, under a sanitised key with the context as
//!   metadata ([`archive`] documents the key rule); reading reports from S3 ([`S3Archive`]).
//! - [`AccountResolver`]: the account id, from STS once per container ([`StsAccount`]).
//! - [`StateStore`]: the finding lifecycle's state of each scope, written with conditional
//!   requests ([`S3StateStore`], [`state`] documents the keys); [`lifecycle::run`] archives
//!   what a complete report no longer has and keeps first-seen times.
//! - [`AwsError`]: a failed call, classified [`Retry::Transient`] or [`Retry::Permanent`].
//!
//! The AWS SDK lives here and in the Lambda crates only.
//!
//! ```
//! use asff_core::AwsSecurityFinding;
//! use asff_hub::{import, AwsError, BatchOutcome, FindingSink, ImportOptions, TokenBucket};
//!
//! /// A sink that accepts everything and counts requests.
//! struct Counting(std::sync::atomic::AtomicUsize);
//! impl FindingSink for Counting {
//!     async fn import(&self, f: &[&AwsSecurityFinding]) -> Result<BatchOutcome, AwsError> {
//!         self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
//!         Ok(BatchOutcome { success: f.len(), failed: vec![] })
//!     }
//! }
//!
//! let findings: Vec<AwsSecurityFinding> = (0..250)
//!     .map(|i| AwsSecurityFinding { id: format!("f-{i}"), ..Default::default() })
//!     .collect();
//! let sink = Counting(Default::default());
//! let rt = tokio::runtime::Builder::new_current_thread().enable_time().build()?;
//! let report = rt.block_on(import(&sink, &findings, &TokenBucket::security_hub(), &ImportOptions::default()));
//! assert_eq!(report.imported, 250);
//! assert!(report.failed.is_empty());
//! assert_eq!(sink.0.into_inner(), 3); // 100 + 100 + 50
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod account;
pub mod archive;
pub mod aws;
pub mod error;
pub mod import;
pub mod lifecycle;
pub mod rate;
pub mod sink;
pub mod state;

pub use account::{AccountResolver, FixedAccount, StsAccount};
pub use archive::{raw_key, Archive, RawKey, S3Archive, S3Location, StoredObject};
pub use error::{AwsError, Retry};
pub use import::{import, ImportOptions, ImportReport};
pub use rate::{Backoff, TokenBucket};
pub use sink::{BatchOutcome, FailedFinding, FindingSink, SecurityHubSink};
pub use state::{Loaded, Precondition, S3StateStore, Saved, StateError, StateStore};

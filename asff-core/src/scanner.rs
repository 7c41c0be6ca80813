//! What a scanner crate implements: its name, how to recognise its reports, how to parse them.
//!
//! Each tool crate (`parsers/<tool>`) implements [`Scanner`] on a unit struct and exports it as
//! a constant; the facade (`asff-parsers`) registers it with one line, and everything else (the
//! CLI's `--format`, the Lambda's `reportType`, detection, the fuzz targets) comes from that
//! registry.
//!
//! ```
//! use asff_core::scanner::{ScanOptions, Scanner};
//! use asff_core::sniff::Sniff;
//! use asff_core::{Context, Emitter, ReportError, ToolInfo};
//!
//! struct Example;
//!
//! impl Scanner for Example {
//!     fn info(&self) -> ToolInfo {
//!         ToolInfo { name: "example", product_name: "Example", company_name: "Example Inc." }
//!     }
//!     fn detect(&self, sniff: &Sniff) -> bool {
//!         sniff.is_object() && sniff.has_keys(&["exampleFindings"])
//!     }
//!     fn parse_into(
//!         &self,
//!         _: &[u8],
//!         _: &Context,
//!         _: &ScanOptions,
//!         _: &mut Emitter<'_>,
//!     ) -> Result<(), ReportError> {
//!         Ok(())
//!     }
//! }
//!
//! assert_eq!(Example.info().name, "example");
//! assert!(Example.aliases().is_empty());
//! let ctx = Context::new("123456789012", "us-east-1")?;
//! assert!(Example.parse(b"{}", &ctx, &ScanOptions::default())?.findings.is_empty());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::build::ToolInfo;
use crate::context::Context;
use crate::emit::Emitter;
use crate::report::{ParseOutput, ReportError};
use crate::sniff::Sniff;

/// Options some scanners take besides the context; each ignores what is not its own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ScanOptions {
    /// SonarQube's server base URL, for a SourceUrl back to each issue and hotspot.
    pub sonar_url: Option<String>,
}

impl ScanOptions {
    /// Options with SonarQube's server URL.
    pub fn with_sonar_url(mut self, url: Option<String>) -> Self {
        self.sonar_url = url;
        self
    }
}

/// A scanner whose reports become ASFF findings.
pub trait Scanner: Sync {
    /// The tool's stable name (used in Ids, `--format` and policies) and the names shown in
    /// Security Hub.
    fn info(&self) -> ToolInfo;

    /// Other names callers give the tool, such as the `reportType` of existing CodeBuild
    /// buildspecs (`OWASP-Dependency-Check`); matched without regard to case.
    fn aliases(&self) -> &'static [&'static str] {
        &[]
    }

    /// Whether a sniffed report looks like this tool's. Detection asks every registered
    /// scanner; a report two of them claim is ambiguous.
    fn detect(&self, sniff: &Sniff) -> bool;

    /// Converts a report of this tool into `out`, one finding at a time: every record emitted
    /// ([`Emitter::emit`]) or skipped with a reason, every scope the report speaks for covered
    /// ([`Emitter::cover`]). An error of `emit` (the sink failed) is returned at once.
    fn parse_into(
        &self,
        bytes: &[u8],
        ctx: &Context,
        options: &ScanOptions,
        out: &mut Emitter<'_>,
    ) -> Result<(), ReportError>;

    /// [`Scanner::parse_into`] collected into a [`ParseOutput`] (its invariants not checked:
    /// see [`ParseOutput::check`]).
    fn parse(
        &self,
        bytes: &[u8],
        ctx: &Context,
        options: &ScanOptions,
    ) -> Result<ParseOutput, ReportError> {
        crate::emit::collect(self.info().name, |out| {
            self.parse_into(bytes, ctx, options, out)
        })
    }
}

/// Declares a tool crate's [`Scanner`]: a unit struct whose methods are the crate's `TOOL`,
/// `detect(&Sniff) -> bool` and `parse_into(&[u8], &Context, &mut Emitter) -> Result<(), ReportError>`
/// (a tool that takes [`ScanOptions`] implements [`Scanner`] itself), plus `aliases`; and the
/// crate's collecting `parse(&[u8], &Context) -> Result<ParseOutput, ReportError>`.
///
/// ```ignore
/// asff_core::scanner!(
///     /// PHPStan's `--error-format=json` output.
///     PhpStan,
///     aliases: ["PHPStan"]
/// );
/// ```
#[macro_export]
macro_rules! scanner {
    ($(#[$meta:meta])* $name:ident, aliases: [$($alias:literal),* $(,)?]) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $name;

        /// Converts a report, collecting its findings ([`parse_into`] hands them out one at a
        /// time).
        pub fn parse(
            bytes: &[u8],
            ctx: &$crate::Context,
        ) -> Result<$crate::ParseOutput, $crate::ReportError> {
            $crate::emit::collect(TOOL.name, |out| parse_into(bytes, ctx, out))
        }

        impl $crate::Scanner for $name {
            fn info(&self) -> $crate::ToolInfo {
                TOOL
            }
            fn aliases(&self) -> &'static [&'static str] {
                &[$($alias),*]
            }
            fn detect(&self, sniff: &$crate::sniff::Sniff) -> bool {
                detect(sniff)
            }
            fn parse_into(
                &self,
                bytes: &[u8],
                ctx: &$crate::Context,
                _: &$crate::ScanOptions,
                out: &mut $crate::Emitter<'_>,
            ) -> Result<(), $crate::ReportError> {
                parse_into(bytes, ctx, out)
            }
        }
    };
}

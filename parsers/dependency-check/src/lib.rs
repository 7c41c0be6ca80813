//! OWASP Dependency-Check reports to ASFF findings.
//!
//! Reads the JSON report of every layout from Dependency-Check 5.x to 12.x and the XML report
//! of every schema from 1.x to 4.x, told apart by content, and emits one finding per
//! (dependency, vulnerability):
//!
//! - **Severity**: the vulnerability's own word (critical; high; medium or moderate; low;
//!   info, informational or none), case-insensitive; for a missing or other word ("Unknown")
//!   the highest CVSS base score among cvssv4/cvssv3/cvssv2 by the qualitative scale; else
//!   INFORMATIONAL. `Severity.Original` keeps the word (or the score when there is no word).
//! - **Id**: the dependency's package id (purl), else its file path, and the vulnerability
//!   name. When two records share these (the same library at two paths), the file name, then
//!   the file path, then the source are added, so no two records share an Id; a record written
//!   twice is skipped as `duplicate`.
//! - **Suppressed** vulnerabilities are skipped with reason `suppressed`. Related dependencies
//!   (the same library found elsewhere) do not add findings: they are listed in the finding's
//!   vulnerable packages and resource details.
//! - **Scope**: the repository (`Context::code_scope`), which every report covers
//!   ([`asff_core::ParseOutput::scopes`]), also one without vulnerabilities. Analysis exceptions
//!   mark the report incomplete ([`asff_core::ParseOutput::incomplete`]): the finding lifecycle
//!   then archives nothing.
//! - **Vulnerabilities**: CVE/GHSA id, package name and version from the purl (or Maven
//!   coordinates, or the CPE), every CVSS entry with version, score, vector and source, the
//!   reference URLs, CISA KEV → `ExploitAvailable: YES`, the first fixed version when the
//!   matched version range ends before it.
//!
//! JSON is deserialized into borrowing types that skip what is not needed
//! (`evidenceCollected`); XML is read with asff-core's hardened reader ([`asff_core::xml`]),
//! without DTD processing or entity expansion.
//!
//! ```
//! use asff_core::{Context, Label, Pipeline};
//!
//! let ctx = Context::new("123456789012", "us-east-1")?
//!     .with_now_rfc3339("2024-01-01T00:00:00Z")?
//!     .with_pipeline(Pipeline {
//!         repository: Some("https://github.com/org/app.git".into()),
//!         branch: Some("main".into()),
//!         source_root: Some("/app".into()), // the checkout: paths under it become relative
//!         ..Default::default()
//!     });
//! let report = br#"{"reportSchema":"1.1","scanInfo":{"engineVersion":"9.0.9"},
//!   "dependencies":[{"fileName":"log4j-core-2.14.1.jar","filePath":"\/app\/lib\/log4j-core-2.14.1.jar",
//!     "packages":[{"id":"pkg:maven\/org.apache.logging.log4j\/log4j-core@2.14.1"}],
//!     "vulnerabilities":[{"source":"NVD","name":"CVE-2021-44228","severity":"CRITICAL",
//!       "cvssv3":{"baseScore":10.0,"version":"3.1"},"description":"Log4Shell",
//!       "knownExploitedVulnerability":{"DateAdded":"2021-12-10"}}],
//!     "suppressedVulnerabilities":[{"source":"NVD","name":"CVE-2021-45046"}]}]}"#;
//! let out = asff_dependency_check::parse(report, &ctx)?;
//! assert_eq!(out.records, 2);
//! assert_eq!(out.skipped[0].reason, "suppressed");
//! let f = &out.findings[0];
//! assert_eq!(f.title, "CVE-2021-44228 in log4j-core 2.14.1");
//! assert_eq!(f.label(), Some(Label::Critical));
//! assert_eq!(f.vulnerabilities[0].exploit_available, Some(asff_core::model::YesNo::Yes));
//! assert_eq!(f.generator_id, "dependency-check/github.com/org/app@main");
//! assert_eq!(f.resources[0].details.as_ref().unwrap().other["FilePath"], "lib/log4j-core-2.14.1.jar");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod convert;
pub mod model;
mod xml;

use asff_core::report::parse_json;
use asff_core::sniff::Sniff;
use asff_core::{Context, Emitter, Location, ReportError, ToolInfo};

use convert::Syntax;
use model::Report;

/// The tool.
pub const TOOL: ToolInfo = ToolInfo {
    name: "dependency-check",
    product_name: "OWASP Dependency-Check",
    company_name: "OWASP",
};

/// Whether a report looks like Dependency-Check's: a JSON object with `dependencies` and one of
/// `reportSchema`, `scanInfo` or `projectInfo`; or an XML document whose root is `analysis` in
/// a Dependency-Check namespace (or in none: [`parse`] then checks its children).
pub fn detect(sniff: &Sniff) -> bool {
    match sniff {
        Sniff::JsonObject { .. } => {
            sniff.has_keys(&["dependencies"])
                && ["reportSchema", "scanInfo", "projectInfo"]
                    .iter()
                    .any(|k| sniff.has_keys(&[k]))
        }
        Sniff::Xml { root, namespace } => {
            root == "analysis"
                && namespace.as_deref().is_none_or(|ns| {
                    let ns = ns.to_ascii_lowercase();
                    ns.contains("dependencycheck") || ns.contains("dependency-check")
                })
        }
        _ => false,
    }
}

/// Converts a JSON or XML report.
pub fn parse_into(bytes: &[u8], ctx: &Context, out: &mut Emitter<'_>) -> Result<(), ReportError> {
    let body = asff_core::report::require_content(TOOL.name, bytes)?;
    if body.first() == Some(&b'<') {
        let report = xml::read(bytes)?;
        tracing::debug!(dependencies = report.dependencies.len(), "read XML report");
        return convert::convert(&report, Syntax::Xml, ctx, out);
    }
    let json = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let report: Report = parse_json(TOOL.name, json).map_err(|mut e| {
        if matches!(&e.location, Location::Json { path, .. } if path == "$")
            && e.message.starts_with("missing field")
        {
            e.message = format!("not a Dependency-Check report: {}", e.message);
        }
        e
    })?;
    if report.report_schema.is_none() && report.scan_info.is_none() && report.project_info.is_none()
    {
        return Err(ReportError::at_path(
            TOOL.name,
            "$",
            "not a Dependency-Check report: none of reportSchema, scanInfo and projectInfo",
        ));
    }
    tracing::debug!(
        dependencies = report.dependencies.len(),
        engine = report
            .scan_info
            .as_ref()
            .and_then(|s| s.engine_version.as_deref())
            .unwrap_or("unknown"),
        "read JSON report"
    );
    convert::convert(&report, Syntax::Json, ctx, out)
}

asff_core::scanner!(
    /// The scanner of OWASP Dependency-Check JSON and XML reports.
    DependencyCheck,
    aliases: ["OWASP-Dependency-Check"]
);

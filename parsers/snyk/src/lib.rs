//! Snyk reports to ASFF findings.
//!
//! Reads the JSON of `snyk test --json` and `snyk container test --json`: a single project
//! object, an array of projects (`--all-projects`, several images), container results with
//! their application projects in `applications[]`, grouped (`--group-issues`: one entry per
//! issue, `from` an array of paths) and non-grouped output (one entry per dependency path).
//!
//! - One finding per (project, issue id, package, version); the dependency paths of all its
//!   entries are aggregated into it (count in `snyk/DependencyPaths`, the paths in the
//!   resource's `Details.Other.DependencyPaths`). Grouped and non-grouped output of the same
//!   scan give the same findings with the same Ids.
//! - Accounting: every entry of `vulnerabilities[]` is a record. The first entry of a finding
//!   emits it; every further entry of the same finding (non-grouped output repeats the issue
//!   once per path) is skipped with reason [`AGGREGATED`] (`aggregated path`), so that
//!   emitted + skipped = the entries of the report. Entries of `filtered.ignore` and
//!   `filtered.patch` are records skipped as `ignored` and `patched`; `snyk iac test` issues
//!   are skipped as not supported (with a warning).
//! - Severity critical, high, medium, low, from `severityWithCritical` when present (legacy
//!   Snyk JSON caps `severity` at high and gives the real rating there), else `severity`;
//!   another word falls back to the CVSS score. The word used is kept in `Severity.Original`
//!   (`critical`), the capped `severity` in `snyk/Severity` when it differs. License issues (`type: license`) are findings of type
//!   `Software and Configuration Checks/Industry and Regulatory Standards`.
//! - Kept: CVE and CWE ids (and GHSA/alternative ids as related vulnerabilities), every CVSS
//!   score and vector (`cvssScore`/`CVSSv3`, `cvssSources`, `cvssDetails`), exploit maturity
//!   (Mature or Proof of Concept → ExploitAvailable YES, No Known Exploit → NO), EPSS,
//!   `fixedIn`/`nearestFixedInVersion` and the upgrade paths as remediation.
//! - Scope: a container result (and its applications) → the image repository of the image
//!   tested (`path`, else `projectName` without `docker-image|`, else the context's image), a
//!   `Container` resource; a code project → the pipeline's repository, the manifest (relative,
//!   `/`-separated) and project name in the identity, a `CodeRepository` resource. The report
//!   speaks for each project's scope ([`ParseOutput::scopes`](asff_core::ParseOutput::scopes)) also when it has no issues (a
//!   container result naming no image covers none, with a warning).
//! - A report that is a Snyk error (`{"ok": false, "error": …}`) is a [`ReportError`]; in an
//!   array, such an element (that project was not tested) marks the report incomplete
//!   ([`ParseOutput::incomplete`](asff_core::ParseOutput::incomplete), also a warning): the finding lifecycle then archives nothing.
//!
//! ```
//! let report = br#"{
//!   "ok": false, "packageManager": "npm", "projectName": "app", "displayTargetFile": "package-lock.json",
//!   "dependencyCount": 2, "path": "/src",
//!   "vulnerabilities": [{
//!     "id": "SNYK-JS-QS-3153490", "title": "Prototype Pollution", "severity": "high",
//!     "packageName": "qs", "version": "6.5.2", "from": ["app@1.0.0", "qs@6.5.2"],
//!     "identifiers": {"CVE": ["CVE-2022-24999"], "CWE": ["CWE-1321"]},
//!     "cvssScore": 7.5, "CVSSv3": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H",
//!     "exploit": "Proof of Concept", "fixedIn": ["6.5.3"], "upgradePath": [false, "qs@6.5.3"]
//!   }]
//! }"#;
//! let ctx = asff_core::Context::new("123456789012", "us-east-1")?.with_pipeline(asff_core::Pipeline {
//!     repository: Some("https://github.com/org/app.git".into()),
//!     ..Default::default()
//! });
//! let out = asff_snyk::parse(report, &ctx)?;
//! let f = &out.findings[0];
//! assert_eq!(f.title, "Prototype Pollution in qs@6.5.2");
//! assert_eq!(f.label(), Some(asff_core::Label::High));
//! assert_eq!(f.vulnerabilities[0].id, "CVE-2022-24999");
//! assert_eq!(f.vulnerabilities[0].exploit_available, Some(asff_core::model::YesNo::Yes));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod convert;
pub mod model;

pub use convert::AGGREGATED;

use asff_core::sniff::{json_start, Sniff};
use asff_core::{Context, Emitter, ReportError, ToolInfo};

/// The tool.
pub const TOOL: ToolInfo = ToolInfo {
    name: "snyk",
    product_name: "Snyk",
    company_name: "Snyk",
};

/// Whether a report looks like Snyk's: an object (or array of objects) with `vulnerabilities`
/// and one of Snyk's project members (`packageManager`, `dependencyCount`, `uniqueCount`, or
/// `ok` with `projectName` or `org`); or a Snyk error object (`ok` and `error`). Anchore
/// Engine's report also has `vulnerabilities`, but with `imageDigest`; Snyk IaC results
/// (`infrastructureAsCodeIssues`) are not converted.
pub fn detect(sniff: &Sniff) -> bool {
    let has = |k: &str| sniff.has_keys(&[k]);
    if has("imageDigest") || has("infrastructureAsCodeIssues") || has("imageScanFindings") {
        return false;
    }
    let project = has("vulnerabilities")
        && (has("packageManager")
            || has("dependencyCount")
            || has("uniqueCount")
            || (has("ok") && (has("projectName") || has("org"))));
    // `snyk test --json` that failed: an error object, or (`--all-projects`) an array whose
    // projects all failed
    let error = has("ok") && has("error") && !has("vulnerabilities");
    project || error
}

/// Converts a report.
pub fn parse_into(bytes: &[u8], ctx: &Context, out: &mut Emitter<'_>) -> Result<(), ReportError> {
    let _span = tracing::debug_span!("parse", format = TOOL.name).entered();
    // The CLI's stdout may carry lines before the JSON.
    let start = json_start(bytes).unwrap_or(0);
    let array = bytes.get(start) == Some(&b'[');
    let projects: Vec<model::Project> = if array {
        asff_core::report::parse_json_at(TOOL.name, bytes, start)?
    } else {
        vec![asff_core::report::parse_json_at(TOOL.name, bytes, start)?]
    };
    for (i, p) in projects.iter().enumerate() {
        if !p.looks_like_snyk() {
            let path = if array {
                format!("$[{i}]")
            } else {
                "$".to_string()
            };
            return Err(ReportError::at_path(
                TOOL.name,
                path,
                "not a Snyk test result: it needs vulnerabilities and Snyk's project members (packageManager, dependencyCount, ok, projectName, …), or a Snyk error",
            ));
        }
    }
    convert::convert(&projects, array, ctx, out)
}

asff_core::scanner!(
    /// The scanner of `snyk test --json` and `snyk container test --json` output.
    Snyk,
    aliases: ["SNYK"]
);

//! Grype (`grype -o json`) reports to ASFF findings.
//!
//! One finding per entry of `matches[]`. The scope of the findings is the scanned image's
//! repository (`source.type == "image"`: from `source.target.userInput`, else its tags or repo
//! digests, else [`Context::image`]), never its tag or digest, so a rebuilt image with the same
//! flaw updates the same finding; for `directory` and `file` sources it is the pipeline's code
//! repository ([`Context::code_scope`]). Other sources (SBOM, purl, …) use
//! [`Context::image`] when given, else the code repository. The report speaks for that scope
//! ([`asff_core::ParseOutput::scopes`]) also when it has no matches, so the finding lifecycle
//! archives what the scope no longer has.
//!
//! Within the scope a finding is identified by the vulnerability id, the package name, version
//! and type, and the package's location paths (never the layer, which changes with every
//! rebuild), so the same CVE in two places is two findings. A match repeating an earlier one's
//! identity is skipped as `duplicate`; `ignoredMatches[]` are skipped as `ignored`.
//!
//! Severity: Critical, High, Medium, Low as such; Negligible INFORMATIONAL. An unrated match
//! (Unknown, no word, or any other word) takes its label from a CVSS base score by the v3 scale
//! when it has one (the vulnerability's own `cvss[]` or `cvssV3`/`cvssV2`, else the NVD related
//! entry's, else another related entry's; v3 and later before v2), named in
//! `grype/SeverityFromCvss`; without a score it is INFORMATIONAL. The word is always kept in
//! `Severity.Original`.
//!
//! Old Grype is read too: before 0.13 (May 2021) `matchDetails` is one object, not an array;
//! Grype 0.7 writes `cvssV2`/`cvssV3`, `links` and `fixedInVersion` instead of `cvss[]`, `urls`
//! and `fix`. Every CVSS entry of the vulnerability
//! and its related vulnerabilities is kept with version, vector and source; the highest EPSS
//! score becomes `EpssScore`; a CISA KEV entry sets `ExploitAvailable`; the fix state maps to
//! `FixAvailable` (fixed YES with `FixedInVersion`, not-fixed and wont-fix NO, unknown omitted);
//! related ids go to `RelatedVulnerabilities` and, with the match id, to the ids the severity
//! policy matches (a GHSA with a related CVE is typed as a CVE).
//!
//! ```
//! let report = br#"{
//!   "matches": [{
//!     "vulnerability": {
//!       "id": "GHSA-v6rh-hp5x-86rv", "namespace": "github:python", "severity": "High",
//!       "dataSource": "https://github.com/advisories/GHSA-v6rh-hp5x-86rv",
//!       "fix": {"versions": ["3.2.10"], "state": "fixed"}
//!     },
//!     "relatedVulnerabilities": [{"id": "CVE-2021-44420", "namespace": "nvd"}],
//!     "matchDetails": [],
//!     "artifact": {"name": "Django", "version": "3.2.9", "type": "python",
//!       "locations": [{"path": "/usr/lib/python3/site-packages/Django-3.2.9.dist-info/METADATA"}]}
//!   }],
//!   "source": {"type": "image", "target": {"userInput": "ghcr.io/org/app:1.0",
//!     "manifestDigest": "sha256:9d88", "tags": ["ghcr.io/org/app:1.0"]}},
//!   "descriptor": {"name": "grype", "version": "0.80.0"}
//! }"#;
//! let ctx = asff_core::Context::new("123456789012", "eu-west-1")?;
//! let out = asff_grype::parse(report, &ctx)?;
//! let f = &out.findings[0];
//! assert!(f.id.starts_with("grype/ghcr.io/org/app/GHSA-v6rh-hp5x-86rv/"));
//! assert_eq!(f.types, ["Software and Configuration Checks/Vulnerabilities/CVE"]);
//! assert_eq!(f.vulnerabilities[0].related_vulnerabilities, ["CVE-2021-44420"]);
//! assert_eq!(f.resources[0].id, "ghcr.io/org/app:1.0@sha256:9d88");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod convert;
pub mod model;

use asff_core::report::parse_json;
use asff_core::sniff::{sniff, Sniff};
use asff_core::{Context, Emitter, ReportError, ToolInfo};

/// The tool.
pub const TOOL: ToolInfo = ToolInfo {
    name: "grype",
    product_name: "Grype",
    company_name: "Anchore",
};

/// Whether a report looks like Grype's: an object with `matches` and `source` or `descriptor`.
pub fn detect(sniff: &Sniff) -> bool {
    sniff.is_object()
        && sniff.has_keys(&["matches"])
        && (sniff.has_keys(&["source"]) || sniff.has_keys(&["descriptor"]))
}

/// Converts a report.
pub fn parse_into(bytes: &[u8], ctx: &Context, out: &mut Emitter<'_>) -> Result<(), ReportError> {
    let s = sniff(bytes);
    if !detect(&s) && !s.is_unknown() {
        return Err(ReportError::at_path(
            TOOL.name,
            "$",
            format!(
                "not a Grype JSON report: expected an object with matches and source or descriptor \
                 (grype -o json); the document is {s}"
            ),
        ));
    }
    // Malformed documents go through the typed parse for an error with a JSON path.
    let doc: model::Document = parse_json(TOOL.name, bytes)?;
    convert::convert(doc, ctx, out)
}

asff_core::scanner!(
    /// The scanner of Grype JSON (`grype -o json`).
    Grype,
    aliases: []
);

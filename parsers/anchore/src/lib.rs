//! Anchore vulnerability reports to ASFF findings.
//!
//! Two layouts, told apart by content:
//!
//! - **Anchore Engine** (`anchore-cli --json image vuln IMAGE all`): `imageDigest`,
//!   `vulnerability_type` and `vulnerabilities[]` (vuln, package_name, package_version,
//!   package_type, package_path, severity, fix, url, feed, feed_group, nvd_data, vendor_data).
//!   Absent values are written as the string `"None"` and treated as absent. The report names
//!   only the image digest, not its repository: the image comes from [`Context::image`]
//!   (`--image REF`); without it the findings are scoped to the digest, with a warning, and a
//!   rebuilt image will not update them.
//! - **Anchore Enterprise** (anchorectl, the Enterprise UI download): `metadata` (registry,
//!   repository, tag, imageDigest) and `securityEvaluation[]` (vulnerabilityId, cves, severity,
//!   packageType, path, package, fixAvailable, link, nvdCvssBaseScore). The image comes from
//!   `metadata`, else [`Context::image`].
//!
//! One finding per entry. The Id is scoped to the image repository (never the tag or digest, so
//! a rebuilt image with the same flaw updates the same finding) and identified by the
//! vulnerability id, the package (name, version, type) and its path. An entry repeating an
//! earlier one's identity is skipped as `duplicate`. Severity: Critical, High, Medium, Low as
//! such; Negligible INFORMATIONAL; Unknown (or no word, or any other) takes its label from a
//! CVSS base score by the v3 scale when there is one (`nvd_data`, then `vendor_data`, v3 before
//! v2; anchorectl's `nvdCvssBaseScore`), named in `anchore/SeverityFromCvss`, else
//! INFORMATIONAL. The word is always kept in `Severity.Original`. The resource is a `Container` whose Id is the full image reference,
//! with the digest and tag in its details.
//!
//! The report speaks for the image's scope ([`asff_core::ParseOutput::scopes`]) also when it
//! has no vulnerabilities, so the finding lifecycle archives what the image no longer has. An
//! `--image` whose digest is not the report's marks the report incomplete (it may be about
//! another image): the lifecycle then archives nothing. An Engine report lists the
//! `vulnerability_type` it was asked for (`os`, `non-os`, `all`): keep it the same from run to
//! run, or an `os` report archives the `non-os` findings of an `all` one.
//!
//! ```
//! let report = br#"{
//!   "imageDigest": "sha256:0123",
//!   "vulnerability_type": "os",
//!   "vulnerabilities": [{
//!     "vuln": "CVE-2018-15686", "severity": "High", "feed": "vulnerabilities",
//!     "feed_group": "debian:9", "package": "libsystemd0-232-25+deb9u9",
//!     "package_name": "libsystemd0", "package_version": "232-25+deb9u9",
//!     "package_type": "dpkg", "package_path": "None", "package_cpe": "None",
//!     "fix": "232-25+deb9u10",
//!     "url": "https://security-tracker.debian.org/tracker/CVE-2018-15686"
//!   }]
//! }"#;
//! let ctx = asff_core::Context::new("123456789012", "eu-west-1")?
//!     .with_image(Some("registry.example.com/team/app:1.4".into()));
//! let out = asff_anchore::parse(report, &ctx)?;
//! let f = &out.findings[0];
//! assert_eq!(f.label(), Some(asff_core::Label::High));
//! assert!(f.id.starts_with("anchore/registry.example.com/team/app/CVE-2018-15686/"));
//! assert_eq!(f.resources[0].id, "registry.example.com/team/app:1.4@sha256:0123");
//! assert_eq!(f.vulnerabilities[0].vulnerable_packages[0].fixed_in_version.as_deref(), Some("232-25+deb9u10"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod convert;
pub mod model;

use asff_core::report::parse_json;
use asff_core::sniff::{sniff, Sniff};
use asff_core::{Context, Emitter, ReportError, ToolInfo};

/// The tool.
pub const TOOL: ToolInfo = ToolInfo {
    name: "anchore",
    product_name: "Anchore",
    company_name: "Anchore",
};

fn is_engine(s: &Sniff) -> bool {
    s.is_object()
        && s.has_keys(&["vulnerabilities"])
        && (s.has_keys(&["imageDigest"]) || s.has_keys(&["image_digest"]))
}

fn is_enterprise(s: &Sniff) -> bool {
    s.is_object() && s.has_keys(&["metadata", "securityEvaluation"])
}

/// Whether a report looks like an Anchore vulnerability report: an object with
/// `imageDigest` and `vulnerabilities` (Engine), or with `metadata` and `securityEvaluation`
/// (Enterprise).
pub fn detect(sniff: &Sniff) -> bool {
    is_engine(sniff) || is_enterprise(sniff)
}

/// Converts a report of either layout.
pub fn parse_into(bytes: &[u8], ctx: &Context, out: &mut Emitter<'_>) -> Result<(), ReportError> {
    let s = sniff(bytes);
    if is_enterprise(&s) {
        let report: model::EnterpriseReport = parse_json(TOOL.name, bytes)?;
        convert::enterprise(report, ctx, out)
    } else if is_engine(&s) || s.is_unknown() {
        // Malformed documents go through the typed parse for an error with a JSON path.
        let report: model::EngineReport = parse_json(TOOL.name, bytes)?;
        convert::engine(report, ctx, out)
    } else {
        Err(ReportError::at_path(
            TOOL.name,
            "$",
            format!(
                "not an Anchore vulnerability report: expected an object with imageDigest and vulnerabilities \
                 (anchore-cli --json image vuln) or with metadata and securityEvaluation (Anchore Enterprise); \
                 the document is {s}"
            ),
        ))
    }
}

asff_core::scanner!(
    /// The scanner of anchore-cli `image vuln` and anchorectl JSON.
    Anchore,
    aliases: ["ANCHORE"]
);

//! Trivy JSON reports (`trivy image|fs|repo|vm|sbom … --format json`, and `trivy k8s --format
//! json`) to ASFF findings.
//!
//! Three layouts are read: the schema 2 report (`SchemaVersion: 2`, `ArtifactName`,
//! `ArtifactType`, `Results[]`) for every artifact type; the legacy output of Trivy before 0.20,
//! a top-level array of results; and the Kubernetes cluster report (`ClusterName` with
//! `Resources[]`, or the older layout with `Vulnerabilities[]` and `Misconfigurations[]` lists
//! of resources, each with its `Results`).
//!
//! # Records and skips
//!
//! Every `Vulnerabilities[]`, `Misconfigurations[]`, `Secrets[]` and `Licenses[]` entry of every
//! result is a record. Skipped: a vulnerability with `Status: not_affected` (`not affected`;
//! `fixed` means a fix exists and the installed version is still vulnerable: a finding); a
//! misconfiguration whose `Status` is present and not `FAIL` (`status PASS`, …); a license entry
//! (`license finding`); a vulnerability equal to an earlier one of the same result in (Target,
//! VulnerabilityID, PkgID or PkgName, InstalledVersion, PkgPath), or whose identity (below)
//! equals an earlier finding's (`duplicate`).
//!
//! # Scope
//!
//! - `container_image`: the image repository, without tag or digest (so a rebuilt image with the
//!   same flaw updates the same finding): from `ArtifactName` unless it names an archive
//!   (`--input image.tar`), else `Metadata.Reference`, `RepoTags`, `RepoDigests`, else the
//!   pipeline's image ([`Context::image`]), else the name in an OS result's target
//!   (`{image} ({family} {version})`); with none, the digest, with a warning;
//! - `filesystem`, `repository` and `vm`: the pipeline's code scope
//!   ([`Context::code_scope_for`]; a report without one is refused);
//! - an SBOM (`cyclonedx`, `spdx`) or an unknown type: the pipeline's image when it names one,
//!   else the code scope; the legacy array likewise, but an OS result's target names the image;
//! - Kubernetes: [`Scope::Cluster`](asff_core::Scope::Cluster), the cluster (`ClusterName`)
//!   and the resource's namespace (none for cluster-wide resources); the resource's
//!   `namespace/kind/name` is part of every identity. Every namespace the report lists a
//!   resource of is covered, so a resource that is gone or fixed is archived, and a report of
//!   some namespaces (`--include-namespaces`) archives nothing in the others. A resource with an
//!   `Error` makes the report incomplete.
//!
//! # Identity (never a line number)
//!
//! - vulnerabilities: VulnerabilityID, PkgID (else PkgName), InstalledVersion, PkgPath (for a
//!   language package without one, its lock file: the result's target) relative to the checkout
//!   ([`Context::source_path`]), and the result's `Class/Type`: the same CVE in two packages is
//!   two findings;
//! - misconfigurations: ID (else AVDID), the target file, `CauseMetadata.Resource` and the
//!   resources of its `Occurrences`;
//! - secrets: RuleID, the target file and the SHA-256 of the match as masked
//!   ([`asff_core::redact`]), never the match itself;
//! - a misconfiguration or secret whose identity equals an earlier one's (two secrets on
//!   identical lines of one file) adds `#2`, `#3`, … so both are findings.
//!
//! # Severity
//!
//! Trivy's `Severity` (CRITICAL, HIGH, MEDIUM, LOW) as such. A vulnerability rated `UNKNOWN`, or
//! not at all, takes the label of a CVSS base score on the v3 scale
//! ([`asff_core::severity::unrated_label`]): the score of its `SeveritySource`, else `nvd`'s, else
//! any source's (in name order), of a source v3 then v4.0 then v2 (named in
//! `trivy/SeverityFromCvss`); without one it is INFORMATIONAL, as is an UNKNOWN misconfiguration
//! or secret. `Severity.Original` keeps Trivy's word and, for a vulnerability, its source:
//! `LOW (debian)` (a severity policy's `original` matches that text).
//!
//! # Findings
//!
//! - vulnerabilities: `Software and Configuration Checks/Vulnerabilities/CVE` (a vulnerability
//!   with no CVE id, nor a CVE among its `VendorIDs`, `…/Vulnerabilities`); the ASFF
//!   `Vulnerabilities` block as the Grype crate fills it: the package (name, version, package
//!   manager, PkgPath as `FilePath`, `FixedVersion`, layer), every CVSS entry with version,
//!   vector and source, `VendorIDs` as related vulnerabilities, the data source as vendor,
//!   `PrimaryURL` and `References`, and `FixAvailable` (YES with a fixed version or `fixed`; NO
//!   for `affected`, `will_not_fix`, `fix_deferred`, `end_of_life`; else not said). Trivy's JSON
//!   has no EPSS or KEV members.
//! - misconfigurations: Title `ID: Title`, the Description with the message, the file and its
//!   lines; `Resolution` as the remediation with `PrimaryURL`; Types
//!   `Software and Configuration Checks/AWS Security Best Practices` for AWS checks (provider
//!   `AWS`, or an `AVD-AWS-` id), else `…/Industry and Regulatory Standards`;
//!   `Compliance.Status: FAILED`.
//! - secrets: Title from `Title` (else `RuleID`) and the file; Types
//!   `Sensitive Data Identifications/Passwords`; the match and the cause lines go through the
//!   redaction of [`asff_core::build()`], a line Trivy did not mask (no `*`) is not shown, and the
//!   code lines around the cause never are: the secret never reaches a finding in the clear.
//! - resources: for an image, `AwsEcrContainerImage` when it is in an ECR registry, else a
//!   `Container` with the image name and digest; for code, the code repository and the file as
//!   `Other`; for Kubernetes, the resource as `Other` (`k8s:{cluster}/{namespace}/{kind}/{name}`),
//!   followed for a vulnerability by the workload's image when its OS result names it.
//!
//! ```
//! let report = br#"{
//!   "SchemaVersion": 2,
//!   "ArtifactName": "ghcr.io/org/app:1.0",
//!   "ArtifactType": "container_image",
//!   "Metadata": {"RepoDigests": ["ghcr.io/org/app@sha256:9d88"]},
//!   "Results": [{
//!     "Target": "ghcr.io/org/app:1.0 (alpine 3.19.1)", "Class": "os-pkgs", "Type": "alpine",
//!     "Vulnerabilities": [
//!       {"VulnerabilityID": "CVE-2024-0727", "PkgID": "libcrypto3@3.1.4-r5", "PkgName": "libcrypto3",
//!        "InstalledVersion": "3.1.4-r5", "FixedVersion": "3.1.4-r6", "Status": "fixed",
//!        "SeveritySource": "nvd", "Severity": "UNKNOWN",
//!        "CVSS": {"nvd": {"V3Score": 5.5, "V3Vector": "CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:H"}}},
//!       {"VulnerabilityID": "CVE-2024-0727", "PkgID": "libssl3@3.1.4-r5", "PkgName": "libssl3",
//!        "InstalledVersion": "3.1.4-r5", "Status": "not_affected", "Severity": "MEDIUM"}
//!     ]
//!   }]
//! }"#;
//! let ctx = asff_core::Context::new("123456789012", "eu-west-1")?;
//! let out = asff_trivy::parse(report, &ctx)?;
//! assert_eq!((out.records, out.findings.len()), (2, 1));
//! assert_eq!(out.skipped[0].reason, "not affected");
//! let f = &out.findings[0];
//! assert!(f.id.starts_with("trivy/ghcr.io/org/app/CVE-2024-0727/"));
//! assert_eq!(f.label(), Some(asff_core::Label::Medium));
//! assert_eq!(f.resources[0].id, "ghcr.io/org/app:1.0@sha256:9d88");
//! assert_eq!(f.vulnerabilities[0].vulnerable_packages[0].fixed_in_version.as_deref(), Some("3.1.4-r6"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod convert;
pub mod model;

pub use convert::{TYPE_AWS, TYPE_SECRET, TYPE_STANDARDS};

use asff_core::report::{parse_json_at, require_content};
use asff_core::sniff::{json_start, sniff, Sniff};
use asff_core::{Context, Emitter, ReportError, ToolInfo};

/// The tool.
pub const TOOL: ToolInfo = ToolInfo {
    name: "trivy",
    product_name: "Trivy",
    company_name: "Aqua Security",
};

/// Whether a report looks like Trivy's: an object with `SchemaVersion` and `ArtifactName`,
/// `ArtifactType` or `Results`; a Kubernetes report (`ClusterName` with `Resources`,
/// `Vulnerabilities` or `Misconfigurations`); or the legacy array whose first result has a
/// `Target` and `Type`, `Class`, `Vulnerabilities`, `Misconfigurations` or `Secrets` (Snyk's
/// and SonarQube's arrays have none of these capitalised members).
pub fn detect(sniff: &Sniff) -> bool {
    let has = |k: &str| sniff.has_keys(&[k]);
    match sniff {
        Sniff::JsonObject { .. } => {
            (has("SchemaVersion") && (has("ArtifactName") || has("ArtifactType") || has("Results")))
                || (has("ClusterName")
                    && (has("Resources") || has("Vulnerabilities") || has("Misconfigurations")))
        }
        Sniff::JsonArray {
            first_keys: Some(_),
            ..
        } => {
            has("Target")
                && [
                    "Type",
                    "Class",
                    "Vulnerabilities",
                    "Misconfigurations",
                    "Secrets",
                ]
                .iter()
                .any(|k| has(k))
        }
        _ => false,
    }
}

/// Converts a report of any of the three layouts. Lines before the JSON (Trivy's log, when
/// stderr went into the report too) are skipped; error lines count from the start of the input.
pub fn parse_into(bytes: &[u8], ctx: &Context, out: &mut Emitter<'_>) -> Result<(), ReportError> {
    let _span = tracing::debug_span!("parse", format = TOOL.name).entered();
    let body = require_content(TOOL.name, bytes)?;
    let Some(start) = json_start(bytes) else {
        let head = String::from_utf8_lossy(body.get(..40).unwrap_or(body)).into_owned();
        return Err(ReportError::document(
            TOOL.name,
            format!("no line starts a JSON object or array: not Trivy's --format json output (starts with {head:?})"),
        ));
    };
    let json = bytes.get(start..).unwrap_or_default();
    let s = sniff(json);
    let array_of_values = matches!(
        s,
        Sniff::JsonArray {
            first_keys: None,
            ..
        }
    );
    if !detect(&s) && !s.is_unknown() && !array_of_values {
        return Err(ReportError::at_path(
            TOOL.name,
            "$",
            format!(
                "not a Trivy JSON report: expected an object with SchemaVersion and Results (trivy --format json), \
                 a Kubernetes report with ClusterName, or an array of results with Target; the document is {s}"
            ),
        ));
    }
    if json.first() == Some(&b'[') {
        let results: Vec<model::TrivyResult> = parse_json_at(TOOL.name, bytes, start)?;
        convert::legacy(results, ctx, out)
    } else {
        let report: model::Report = parse_json_at(TOOL.name, bytes, start)?;
        convert::report(report, ctx, out)
    }
}

asff_core::scanner!(
    /// The scanner of Trivy JSON (`trivy … --format json`).
    Trivy,
    aliases: ["TRIVY"]
);

//! Amazon ECR image scanning reports to ASFF findings.
//!
//! Reads the output of `aws ecr describe-image-scan-findings` (the `DescribeImageScanFindings`
//! response), from basic scanning (`imageScanFindings.findings[]`, attributes in any order)
//! and from enhanced scanning (`imageScanFindings.enhancedFindings[]` in the Amazon Inspector
//! format), with timestamps as epoch seconds (AWS CLI v1, the raw API) or ISO strings (CLI v2).
//!
//! - One finding per entry. Enhanced findings with status `CLOSED` are skipped with reason
//!   `closed`, `SUPPRESSED` ones with `suppressed`; an entry identical to an earlier one (same
//!   vulnerability and packages) with `duplicate`.
//! - Severity CRITICAL, HIGH, MEDIUM, LOW and INFORMATIONAL as such; an unrated finding
//!   (UNDEFINED, UNTRIAGED, no word or any other word) takes the label of its CVSS score by the
//!   v3 scale (basic: `CVSS3_SCORE`, else `CVSS2_SCORE`; enhanced: Inspector's `score`, else
//!   `scoreDetails.cvss.score`, else a `packageVulnerabilityDetails.cvss` score), named in
//!   `ecr/SeverityFromCvss`; without a score it is INFORMATIONAL. The word is kept in
//!   `Severity.Original`.
//! - Scope (and so the Id) is the image repository
//!   `{registryId}.dkr.ecr.{region}.{domain}/{repositoryName}`: another tag or digest of the
//!   same repository updates the same findings. The region is the one in the enhanced
//!   findings' resource ARNs when they name this repository, else the context's (basic-scanning
//!   reports do not say; run the conversion in the registry's region). The
//!   identity within it is the vulnerability id and the package (name, version; for enhanced
//!   findings every vulnerable package with epoch, release, architecture and file path).
//! - The resource is an `AwsEcrContainerImage` whose Id is the image ARN as Amazon Inspector
//!   writes it, `arn:{partition}:ecr:{region}:{registryId}:repository/{repo}/{digest}` (the
//!   repository ARN when the digest is unknown), with registry, repository, digest, tags,
//!   architecture and push time in its details and the image URI in `Details.Other`.
//! - A report that cannot be the whole truth is converted but warned about, both with
//!   `tracing::warn!` and in [`ParseOutput::warnings`](asff_core::ParseOutput::warnings): enhanced scanning (status `ACTIVE`)
//!   without `enhancedFindings` (old AWS CLIs drop them), a scan status other than COMPLETE or
//!   ACTIVE, fewer findings than `findingSeverityCounts` counts, or a `nextToken`. Each also
//!   marks the report incomplete ([`ParseOutput::incomplete`](asff_core::ParseOutput::incomplete)): the finding lifecycle then
//!   archives nothing.
//! - The report speaks for the repository's scope ([`ParseOutput::scopes`](asff_core::ParseOutput::scopes)) also when it has no
//!   findings (the repository from the envelope, else an ECR image URI given as the image; the
//!   region of a clean report is the context's).
//!
//! ```
//! let report = br#"{
//!   "registryId": "123456789012", "repositoryName": "app",
//!   "imageId": {"imageDigest": "sha256:abc", "imageTag": "1.0"},
//!   "imageScanStatus": {"status": "COMPLETE"},
//!   "imageScanFindings": {"imageScanCompletedAt": 1579839105.0, "findings": [{
//!     "name": "CVE-2019-5188", "severity": "MEDIUM", "uri": "https://example.com/CVE-2019-5188",
//!     "attributes": [{"key": "package_version", "value": "1.44.1"},
//!                    {"key": "package_name", "value": "e2fsprogs"}]}]}
//! }"#;
//! let ctx = asff_core::Context::new("123456789012", "us-east-1")?;
//! let out = asff_ecr::parse(report, &ctx)?;
//! assert_eq!(out.findings.len(), 1);
//! let f = &out.findings[0];
//! assert_eq!(f.title, "CVE-2019-5188 in e2fsprogs 1.44.1");
//! assert!(f.id.starts_with("ecr/123456789012.dkr.ecr.us-east-1.amazonaws.com/app/CVE-2019-5188/"));
//! assert_eq!(f.resources[0].id, "arn:aws:ecr:us-east-1:123456789012:repository/app/sha256:abc");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod convert;
pub mod model;

use asff_core::sniff::{trim_start, Sniff};
use asff_core::{Context, Emitter, ReportError, ToolInfo};

/// The tool.
pub const TOOL: ToolInfo = ToolInfo {
    name: "ecr",
    product_name: "Amazon ECR image scanning",
    company_name: "Amazon",
};

/// Whether a report looks like `describe-image-scan-findings` output: an object with
/// `imageScanFindings`, or (a failed or pending scan) with `imageScanStatus` and
/// `repositoryName`.
pub fn detect(sniff: &Sniff) -> bool {
    sniff.is_object()
        && (sniff.has_keys(&["imageScanFindings"])
            || sniff.has_keys(&["imageScanStatus", "repositoryName"]))
}

/// Converts a report.
pub fn parse_into(bytes: &[u8], ctx: &Context, out: &mut Emitter<'_>) -> Result<(), ReportError> {
    let _span = tracing::debug_span!("parse", format = TOOL.name).entered();
    let body = trim_start(bytes);
    if body.first() == Some(&b'[') {
        return Err(ReportError::at_path(
            TOOL.name,
            "$",
            "the report is a JSON array; describe-image-scan-findings writes one JSON object",
        ));
    }
    let envelope: model::Envelope = asff_core::report::parse_json(TOOL.name, body)?;
    if envelope.image_scan_findings.is_none() && envelope.image_scan_status.is_none() {
        return Err(ReportError::at_path(
            TOOL.name,
            "$",
            "not a describe-image-scan-findings report: it has neither imageScanFindings nor imageScanStatus",
        ));
    }
    convert::convert(envelope, ctx, out)
}

asff_core::scanner!(
    /// The scanner of `aws ecr describe-image-scan-findings` output.
    Ecr,
    aliases: ["ECR"]
);

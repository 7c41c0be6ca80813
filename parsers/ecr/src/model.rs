//! The output of `aws ecr describe-image-scan-findings` (the `DescribeImageScanFindings`
//! response), as botocore models it (`ecr/2015-09-21/service-2.json`).
//!
//! Every member is optional, as in the API model; unknown members are ignored. Timestamps are
//! epoch seconds (AWS CLI v1, the raw API) or ISO 8601 strings (AWS CLI v2): see [`Timestamp`].

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// `DescribeImageScanFindingsResponse`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Envelope {
    pub registry_id: Option<String>,
    pub repository_name: Option<String>,
    pub image_id: Option<ImageIdentifier>,
    pub image_scan_status: Option<ImageScanStatus>,
    pub image_scan_findings: Option<ImageScanFindings>,
    pub next_token: Option<String>,
}

/// `ImageIdentifier`.
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ImageIdentifier {
    pub image_digest: Option<String>,
    pub image_tag: Option<String>,
}

/// `ImageScanStatus`: `status` is one of IN_PROGRESS, COMPLETE, FAILED, UNSUPPORTED_IMAGE,
/// ACTIVE, PENDING, SCAN_ELIGIBILITY_EXPIRED, FINDINGS_UNAVAILABLE, LIMIT_EXCEEDED,
/// IMAGE_ARCHIVED (kept as text: new values must not break old parsers).
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ImageScanStatus {
    pub status: Option<String>,
    pub description: Option<String>,
}

/// `ImageScanFindings`. `findings` holds basic-scanning results, `enhancedFindings` the Amazon
/// Inspector results of enhanced scanning. Absent and empty differ: old AWS CLIs drop
/// `enhancedFindings` entirely.
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ImageScanFindings {
    pub image_scan_completed_at: Option<Timestamp>,
    pub vulnerability_source_updated_at: Option<Timestamp>,
    pub finding_severity_counts: Option<BTreeMap<String, u64>>,
    pub findings: Option<Vec<ImageScanFinding>>,
    pub enhanced_findings: Option<Vec<EnhancedImageScanFinding>>,
}

/// `ImageScanFinding` (basic scanning).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageScanFinding {
    pub name: Option<String>,
    pub description: Option<String>,
    pub uri: Option<String>,
    /// `FindingSeverity`: INFORMATIONAL, LOW, MEDIUM, HIGH, CRITICAL, UNDEFINED.
    pub severity: Option<String>,
    #[serde(default)]
    pub attributes: Vec<Attribute>,
}

/// `Attribute`: a key/value pair (`package_name`, `package_version`, `CVSS2_SCORE`,
/// `CVSS2_VECTOR`, `CVSS3_SCORE`, `CVSS3_VECTOR`, … in no fixed order).
#[derive(Debug, Deserialize)]
pub struct Attribute {
    pub key: String,
    pub value: Option<String>,
}

/// `EnhancedImageScanFinding` (enhanced scanning, Amazon Inspector format).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EnhancedImageScanFinding {
    pub aws_account_id: Option<String>,
    pub description: Option<String>,
    pub finding_arn: Option<String>,
    pub first_observed_at: Option<Timestamp>,
    pub last_observed_at: Option<Timestamp>,
    pub package_vulnerability_details: Option<PackageVulnerabilityDetails>,
    pub remediation: Option<Remediation>,
    #[serde(default)]
    pub resources: Vec<Resource>,
    pub score: Option<f64>,
    pub score_details: Option<ScoreDetails>,
    /// Inspector's severity: INFORMATIONAL, LOW, MEDIUM, HIGH, CRITICAL, UNTRIAGED.
    pub severity: Option<String>,
    /// ACTIVE, SUPPRESSED or CLOSED.
    pub status: Option<String>,
    pub title: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub updated_at: Option<Timestamp>,
    /// YES, NO or PARTIAL.
    pub fix_available: Option<String>,
    /// YES or NO.
    pub exploit_available: Option<String>,
    /// Inspector's EPSS block (newer responses).
    pub epss: Option<Epss>,
}

/// `PackageVulnerabilityDetails`.
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct PackageVulnerabilityDetails {
    #[serde(default)]
    pub cvss: Vec<CvssScore>,
    #[serde(default)]
    pub reference_urls: Vec<String>,
    #[serde(default)]
    pub related_vulnerabilities: Vec<String>,
    pub source: Option<String>,
    pub source_url: Option<String>,
    pub vendor_created_at: Option<Timestamp>,
    pub vendor_severity: Option<String>,
    pub vendor_updated_at: Option<Timestamp>,
    pub vulnerability_id: Option<String>,
    #[serde(default)]
    pub vulnerable_packages: Vec<VulnerablePackage>,
}

/// `CvssScore`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CvssScore {
    pub base_score: Option<f64>,
    pub scoring_vector: Option<String>,
    pub source: Option<String>,
    pub version: Option<String>,
}

/// `VulnerablePackage`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VulnerablePackage {
    pub arch: Option<String>,
    pub epoch: Option<i64>,
    pub file_path: Option<String>,
    pub name: Option<String>,
    pub package_manager: Option<String>,
    pub release: Option<String>,
    pub source_layer_hash: Option<String>,
    pub version: Option<String>,
    /// A version, or `NotAvailable`.
    pub fixed_in_version: Option<String>,
    /// How to fix it (Amazon Inspector's `VulnerablePackage`; not in ECR's model).
    pub remediation: Option<String>,
}

/// `Remediation`.
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Remediation {
    pub recommendation: Option<Recommendation>,
}

/// `Recommendation`.
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Recommendation {
    pub url: Option<String>,
    /// Often the literal `None Provided`.
    pub text: Option<String>,
}

/// `Resource` of an enhanced finding.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Resource {
    pub details: Option<ResourceDetails>,
    pub id: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

/// `ResourceDetails`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceDetails {
    pub aws_ecr_container_image: Option<AwsEcrContainerImageDetails>,
}

/// `AwsEcrContainerImageDetails`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AwsEcrContainerImageDetails {
    pub architecture: Option<String>,
    pub author: Option<String>,
    pub image_hash: Option<String>,
    #[serde(default)]
    pub image_tags: Vec<String>,
    pub platform: Option<String>,
    pub pushed_at: Option<Timestamp>,
    pub last_in_use_at: Option<Timestamp>,
    pub in_use_count: Option<i64>,
    pub registry: Option<String>,
    pub repository_name: Option<String>,
}

/// `ScoreDetails`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScoreDetails {
    pub cvss: Option<CvssScoreDetails>,
}

/// `CvssScoreDetails`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CvssScoreDetails {
    pub score: Option<f64>,
    pub score_source: Option<String>,
    pub scoring_vector: Option<String>,
    pub version: Option<String>,
}

/// Inspector's EPSS block.
#[derive(Debug, Deserialize)]
pub struct Epss {
    pub score: Option<f64>,
}

/// A timestamp as the AWS CLI prints it: epoch seconds (a number, CLI v1 and the raw API) or
/// an ISO 8601 string (CLI v2). A string that is not RFC 3339 is kept as written.
#[derive(Debug, Clone, PartialEq)]
pub enum Timestamp {
    At(OffsetDateTime),
    Text(String),
}

impl Timestamp {
    fn from_epoch(secs: f64) -> Option<Timestamp> {
        if !secs.is_finite() {
            return None;
        }
        let nanos = (secs * 1e9).round();
        if nanos.abs() > 1e20 {
            return None;
        }
        OffsetDateTime::from_unix_timestamp_nanos(nanos as i128)
            .ok()
            .map(Timestamp::At)
    }

    fn from_text(s: &str) -> Timestamp {
        let t = s.trim();
        if let Ok(at) = OffsetDateTime::parse(t, &Rfc3339) {
            return Timestamp::At(at);
        }
        if let Some(at) = t.parse::<f64>().ok().and_then(Timestamp::from_epoch) {
            return at;
        }
        Timestamp::Text(s.to_string())
    }

    /// The timestamp as ASFF writes it (`2024-01-02T03:04:05.678Z`), if it could be read.
    pub fn asff(&self) -> Option<String> {
        match self {
            Timestamp::At(t) => Some(asff_core::context::format_timestamp(*t)),
            Timestamp::Text(_) => None,
        }
    }

    /// The timestamp for people: ASFF form when it could be read, else as written.
    pub fn display(&self) -> String {
        match self {
            Timestamp::At(t) => asff_core::context::format_timestamp(*t),
            Timestamp::Text(s) => s.clone(),
        }
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Timestamp;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a timestamp: epoch seconds or an ISO 8601 string")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Timestamp, E> {
                Timestamp::from_epoch(v)
                    .ok_or_else(|| E::custom(format!("epoch seconds {v} out of range")))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Timestamp, E> {
                self.visit_f64(v as f64)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Timestamp, E> {
                self.visit_f64(v as f64)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Timestamp, E> {
                Ok(Timestamp::from_text(v))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_and_iso_timestamps_agree() {
        let epoch: Timestamp = serde_json::from_str("1579839105.0").unwrap();
        let int: Timestamp = serde_json::from_str("1579839105").unwrap();
        let iso: Timestamp = serde_json::from_str("\"2020-01-24T04:11:45+00:00\"").unwrap();
        let other_zone: Timestamp = serde_json::from_str("\"2020-01-23T23:11:45-05:00\"").unwrap();
        assert_eq!(epoch.asff().as_deref(), Some("2020-01-24T04:11:45.000Z"));
        assert_eq!(epoch, int);
        assert_eq!(epoch, iso);
        assert_eq!(epoch.asff(), other_zone.asff());
        let millis: Timestamp =
            serde_json::from_str("\"2025-06-09T07:08:40.144000+00:00\"").unwrap();
        assert_eq!(millis.asff().as_deref(), Some("2025-06-09T07:08:40.144Z"));
        let odd: Timestamp = serde_json::from_str("\"yesterday\"").unwrap();
        assert_eq!(odd.asff(), None);
        assert_eq!(odd.display(), "yesterday");
        assert!(serde_json::from_str::<Timestamp>("true").is_err());
        assert!(serde_json::from_str::<Timestamp>("1e300").is_err());
    }
}

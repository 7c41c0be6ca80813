//! Trivy's JSON output (`trivy … --format json`), as Trivy writes it (`pkg/types/report.go`,
//! `pkg/k8s/report`): the schema 2 report, the legacy top-level array of results (before 0.20)
//! and the Kubernetes cluster reports (`Resources[]`, and the older layout with
//! `Vulnerabilities[]`/`Misconfigurations[]` lists of resources).
//!
//! Unknown members are tolerated; members we do not use (the image config, package lists,
//! custom resources, summaries, …) are not modelled. Collections Trivy may write as `null` read
//! as empty.

use std::collections::BTreeMap;

use asff_core::report::nullable;
use serde::Deserialize;

/// A JSON object report: schema 2 (`SchemaVersion`, `ArtifactName`, `Results`) or a
/// Kubernetes report (`ClusterName` with `Resources`, or with `Vulnerabilities` and
/// `Misconfigurations` lists of resources).
#[derive(Debug, Default, Deserialize)]
pub struct Report {
    #[serde(rename = "SchemaVersion", default)]
    pub schema_version: Option<serde_json::Value>,
    #[serde(rename = "CreatedAt", default)]
    pub created_at: Option<String>,
    #[serde(rename = "Trivy", default)]
    pub trivy: Option<TrivyInfo>,
    #[serde(rename = "ArtifactName", default)]
    pub artifact_name: Option<String>,
    /// `container_image`, `filesystem`, `repository`, `vm`, `cyclonedx`, `spdx`, …
    #[serde(rename = "ArtifactType", default)]
    pub artifact_type: Option<String>,
    #[serde(rename = "Metadata", default)]
    pub metadata: Option<Metadata>,
    #[serde(rename = "Results", default, deserialize_with = "nullable")]
    pub results: Vec<TrivyResult>,

    /// Kubernetes reports: the cluster.
    #[serde(rename = "ClusterName", default)]
    pub cluster_name: Option<String>,
    /// Kubernetes reports since 0.38: every resource with its results.
    #[serde(rename = "Resources", default, deserialize_with = "nullable")]
    pub resources: Vec<K8sResource>,
    /// Older Kubernetes reports: the resources with vulnerabilities.
    #[serde(rename = "Vulnerabilities", default, deserialize_with = "nullable")]
    pub vulnerabilities: Vec<K8sResource>,
    /// Older Kubernetes reports: the resources with misconfigurations.
    #[serde(rename = "Misconfigurations", default, deserialize_with = "nullable")]
    pub misconfigurations: Vec<K8sResource>,
}

/// `Trivy`: the version that wrote the report.
#[derive(Debug, Default, Deserialize)]
pub struct TrivyInfo {
    #[serde(rename = "Version", default)]
    pub version: Option<String>,
}

/// `Metadata` of the scanned artifact.
#[derive(Debug, Default, Deserialize)]
pub struct Metadata {
    #[serde(rename = "OS", default)]
    pub os: Option<Os>,
    #[serde(rename = "ImageID", default)]
    pub image_id: Option<String>,
    #[serde(rename = "RepoTags", default, deserialize_with = "nullable")]
    pub repo_tags: Vec<String>,
    #[serde(rename = "RepoDigests", default, deserialize_with = "nullable")]
    pub repo_digests: Vec<String>,
    /// The image reference (newer Trivy).
    #[serde(rename = "Reference", default)]
    pub reference: Option<String>,
}

/// The detected operating system.
#[derive(Debug, Default, Deserialize)]
pub struct Os {
    #[serde(rename = "Family", default)]
    pub family: Option<String>,
    #[serde(rename = "Name", default)]
    pub name: Option<String>,
}

/// A Kubernetes resource and its results.
#[derive(Debug, Default, Deserialize)]
pub struct K8sResource {
    #[serde(rename = "Namespace", default)]
    pub namespace: Option<String>,
    #[serde(rename = "Kind", default)]
    pub kind: Option<String>,
    #[serde(rename = "Name", default)]
    pub name: Option<String>,
    #[serde(rename = "Results", default, deserialize_with = "nullable")]
    pub results: Vec<TrivyResult>,
    /// Why the resource could not be scanned.
    #[serde(rename = "Error", default)]
    pub error: Option<String>,
}

/// One result: a target (an OS, a lock file, a config file, a file with secrets) and what was
/// found in it.
#[derive(Debug, Default, Deserialize)]
pub struct TrivyResult {
    #[serde(rename = "Target", default, deserialize_with = "nullable")]
    pub target: String,
    /// `os-pkgs`, `lang-pkgs`, `config`, `secret`, `license`, `license-file`, `custom`.
    #[serde(rename = "Class", default)]
    pub class: Option<String>,
    /// The OS family, the package manager (`npm`, `jar`, …) or the config type.
    #[serde(rename = "Type", default)]
    pub kind: Option<String>,
    #[serde(rename = "Vulnerabilities", default, deserialize_with = "nullable")]
    pub vulnerabilities: Vec<Vulnerability>,
    #[serde(rename = "Misconfigurations", default, deserialize_with = "nullable")]
    pub misconfigurations: Vec<Misconfiguration>,
    #[serde(rename = "Secrets", default, deserialize_with = "nullable")]
    pub secrets: Vec<Secret>,
    #[serde(rename = "Licenses", default, deserialize_with = "nullable")]
    pub licenses: Vec<serde::de::IgnoredAny>,
}

/// `DetectedVulnerability`.
#[derive(Debug, Default, Deserialize)]
pub struct Vulnerability {
    #[serde(rename = "VulnerabilityID", default, deserialize_with = "nullable")]
    pub vulnerability_id: String,
    #[serde(rename = "VendorIDs", default, deserialize_with = "nullable")]
    pub vendor_ids: Vec<String>,
    #[serde(rename = "PkgID", default)]
    pub pkg_id: Option<String>,
    #[serde(rename = "PkgName", default)]
    pub pkg_name: Option<String>,
    #[serde(rename = "PkgPath", default)]
    pub pkg_path: Option<String>,
    #[serde(rename = "PkgIdentifier", default)]
    pub pkg_identifier: Option<PkgIdentifier>,
    #[serde(rename = "InstalledVersion", default)]
    pub installed_version: Option<String>,
    #[serde(rename = "FixedVersion", default)]
    pub fixed_version: Option<String>,
    /// `unknown`, `not_affected`, `affected`, `fixed`, `under_investigation`, `will_not_fix`,
    /// `fix_deferred`, `end_of_life`.
    #[serde(rename = "Status", default)]
    pub status: Option<String>,
    #[serde(rename = "Layer", default)]
    pub layer: Option<Layer>,
    #[serde(rename = "SeveritySource", default)]
    pub severity_source: Option<String>,
    #[serde(rename = "PrimaryURL", default)]
    pub primary_url: Option<String>,
    #[serde(rename = "DataSource", default)]
    pub data_source: Option<DataSource>,
    #[serde(rename = "Title", default)]
    pub title: Option<String>,
    #[serde(rename = "Description", default)]
    pub description: Option<String>,
    /// `CRITICAL`, `HIGH`, `MEDIUM`, `LOW` or `UNKNOWN`.
    #[serde(rename = "Severity", default)]
    pub severity: Option<String>,
    #[serde(rename = "CweIDs", default, deserialize_with = "nullable")]
    pub cwe_ids: Vec<String>,
    /// CVSS scores by source (`nvd`, `redhat`, `ghsa`, …).
    #[serde(rename = "CVSS", default, deserialize_with = "nullable")]
    pub cvss: BTreeMap<String, Cvss>,
    #[serde(rename = "References", default, deserialize_with = "nullable")]
    pub references: Vec<String>,
    #[serde(rename = "PublishedDate", default)]
    pub published_date: Option<String>,
    #[serde(rename = "LastModifiedDate", default)]
    pub last_modified_date: Option<String>,
}

/// `PkgIdentifier`.
#[derive(Debug, Default, Deserialize)]
pub struct PkgIdentifier {
    #[serde(rename = "PURL", default)]
    pub purl: Option<String>,
}

/// The image layer a package or file is in.
#[derive(Debug, Default, Deserialize)]
pub struct Layer {
    #[serde(rename = "Digest", default)]
    pub digest: Option<String>,
    #[serde(rename = "DiffID", default)]
    pub diff_id: Option<String>,
}

/// Where Trivy took the advisory from.
#[derive(Debug, Default, Deserialize)]
pub struct DataSource {
    #[serde(rename = "ID", default)]
    pub id: Option<String>,
    #[serde(rename = "Name", default)]
    pub name: Option<String>,
    #[serde(rename = "URL", default)]
    pub url: Option<String>,
}

/// One source's CVSS scores.
#[derive(Debug, Default, Deserialize)]
pub struct Cvss {
    #[serde(rename = "V2Vector", default)]
    pub v2_vector: Option<String>,
    #[serde(rename = "V3Vector", default)]
    pub v3_vector: Option<String>,
    #[serde(rename = "V40Vector", default)]
    pub v40_vector: Option<String>,
    #[serde(rename = "V2Score", default)]
    pub v2_score: Option<f64>,
    #[serde(rename = "V3Score", default)]
    pub v3_score: Option<f64>,
    #[serde(rename = "V40Score", default)]
    pub v40_score: Option<f64>,
}

/// `DetectedMisconfiguration`.
#[derive(Debug, Default, Deserialize)]
pub struct Misconfiguration {
    #[serde(rename = "Type", default)]
    pub kind: Option<String>,
    #[serde(rename = "ID", default)]
    pub id: Option<String>,
    #[serde(rename = "AVDID", default)]
    pub avd_id: Option<String>,
    #[serde(rename = "Title", default)]
    pub title: Option<String>,
    #[serde(rename = "Description", default)]
    pub description: Option<String>,
    #[serde(rename = "Message", default)]
    pub message: Option<String>,
    #[serde(rename = "Namespace", default)]
    pub namespace: Option<String>,
    #[serde(rename = "Resolution", default)]
    pub resolution: Option<String>,
    #[serde(rename = "Severity", default)]
    pub severity: Option<String>,
    #[serde(rename = "PrimaryURL", default)]
    pub primary_url: Option<String>,
    #[serde(rename = "References", default, deserialize_with = "nullable")]
    pub references: Vec<String>,
    /// `FAIL`, `PASS`, `EXCEPTION`.
    #[serde(rename = "Status", default)]
    pub status: Option<String>,
    #[serde(rename = "CauseMetadata", default)]
    pub cause: Option<CauseMetadata>,
}

/// Where a misconfiguration is.
#[derive(Debug, Default, Deserialize)]
pub struct CauseMetadata {
    #[serde(rename = "Resource", default)]
    pub resource: Option<String>,
    #[serde(rename = "Provider", default)]
    pub provider: Option<String>,
    #[serde(rename = "Service", default)]
    pub service: Option<String>,
    #[serde(rename = "StartLine", default)]
    pub start_line: Option<u64>,
    #[serde(rename = "EndLine", default)]
    pub end_line: Option<u64>,
    #[serde(rename = "Code", default)]
    pub code: Option<Code>,
    /// The modules or resources the cause is reached through (Terraform).
    #[serde(rename = "Occurrences", default, deserialize_with = "nullable")]
    pub occurrences: Vec<Occurrence>,
}

/// One step on the way to a misconfiguration's cause.
#[derive(Debug, Default, Deserialize)]
pub struct Occurrence {
    #[serde(rename = "Resource", default)]
    pub resource: Option<String>,
    #[serde(rename = "Filename", default)]
    pub filename: Option<String>,
}

/// Lines of code around a cause.
#[derive(Debug, Default, Deserialize)]
pub struct Code {
    #[serde(rename = "Lines", default, deserialize_with = "nullable")]
    pub lines: Vec<Line>,
}

/// One line of code.
#[derive(Debug, Default, Deserialize)]
pub struct Line {
    #[serde(rename = "Number", default)]
    pub number: Option<u64>,
    #[serde(rename = "Content", default)]
    pub content: Option<String>,
    #[serde(rename = "IsCause", default)]
    pub is_cause: bool,
}

/// `DetectedSecret`; Trivy masks the secret in `Match` and in the code lines, our redaction
/// masks what it left.
#[derive(Debug, Default, Deserialize)]
pub struct Secret {
    #[serde(rename = "RuleID", default)]
    pub rule_id: Option<String>,
    #[serde(rename = "Category", default)]
    pub category: Option<String>,
    #[serde(rename = "Severity", default)]
    pub severity: Option<String>,
    #[serde(rename = "Title", default)]
    pub title: Option<String>,
    #[serde(rename = "StartLine", default)]
    pub start_line: Option<u64>,
    #[serde(rename = "EndLine", default)]
    pub end_line: Option<u64>,
    #[serde(rename = "Code", default)]
    pub code: Option<Code>,
    #[serde(rename = "Match", default)]
    pub matched: Option<String>,
    #[serde(rename = "Layer", default)]
    pub layer: Option<Layer>,
}

//! The two Anchore report layouts, as the tools write them.
//!
//! Unknown members are tolerated (serde ignores them); members we do not use are not modelled.
//! Values are kept as written: Anchore writes absent values as the string `"None"` (engine) or
//! `"N/A"` (enterprise); [`present`] treats those as absent when converting.

use serde::{Deserialize, Deserializer};

/// `anchore-cli --json image vuln IMAGE all` (Anchore Engine, and the Enterprise API's
/// `GET /images/{digest}/vuln/all`).
#[derive(Debug, Deserialize)]
pub struct EngineReport {
    /// The image's manifest digest; older engines wrote `image_digest`.
    #[serde(default, rename = "imageDigest", alias = "image_digest")]
    pub image_digest: Option<String>,
    /// `os`, `non-os` or `all`.
    #[serde(default)]
    pub vulnerability_type: Option<String>,
    pub vulnerabilities: Vec<EngineVulnerability>,
}

/// One entry of `vulnerabilities[]`: a vulnerability in one package.
#[derive(Debug, Deserialize)]
pub struct EngineVulnerability {
    /// `CVE-…`, `GHSA-…`, `VULNDB-…`, `RHSA-…`, …
    pub vuln: String,
    /// `Critical`, `High`, `Medium`, `Low`, `Negligible` or `Unknown`.
    #[serde(default)]
    pub severity: Option<String>,
    /// `name-version`.
    #[serde(default)]
    pub package: Option<String>,
    #[serde(default)]
    pub package_name: Option<String>,
    #[serde(default)]
    pub package_version: Option<String>,
    /// `dpkg`, `rpm`, `apkg`, `java`, `python`, `npm`, `gem`, `go`, …
    #[serde(default)]
    pub package_type: Option<String>,
    /// Where a non-OS package was found; `"None"` for OS packages.
    #[serde(default)]
    pub package_path: Option<String>,
    #[serde(default)]
    pub package_cpe: Option<String>,
    #[serde(default)]
    pub package_cpe23: Option<String>,
    /// The version that fixes it, or `"None"`.
    #[serde(default)]
    pub fix: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    /// `vulnerabilities`, `nvdv2`, `vulndb`, `github`, …
    #[serde(default)]
    pub feed: Option<String>,
    /// `debian:9`, `vulndb:vulnerabilities`, `github:python`, …
    #[serde(default)]
    pub feed_group: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub nvd_data: Vec<CvssData>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub vendor_data: Vec<CvssData>,
}

/// An `nvd_data[]` or `vendor_data[]` entry: the CVSS scores one source gives.
#[derive(Debug, Deserialize)]
pub struct CvssData {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub cvss_v2: Option<CvssScores>,
    #[serde(default)]
    pub cvss_v3: Option<CvssScores>,
}

/// Scores of one CVSS version. Anchore writes `-1.0` for "not scored".
#[derive(Debug, Deserialize)]
pub struct CvssScores {
    #[serde(default, deserialize_with = "score")]
    pub base_score: Option<f64>,
    #[serde(default, deserialize_with = "score")]
    pub exploitability_score: Option<f64>,
    #[serde(default, deserialize_with = "score")]
    pub impact_score: Option<f64>,
    /// Read when present; the engine reports we have seen carry only scores.
    #[serde(default, alias = "vector")]
    pub vector_string: Option<String>,
}

/// The Anchore Enterprise vulnerability report (UI download, anchorectl): image metadata and
/// `securityEvaluation[]`.
#[derive(Debug, Deserialize)]
pub struct EnterpriseReport {
    pub metadata: EnterpriseMetadata,
    #[serde(rename = "securityEvaluation")]
    pub security_evaluation: Vec<Evaluation>,
}

/// The image the report is about.
#[derive(Debug, Default, Deserialize)]
pub struct EnterpriseMetadata {
    #[serde(default)]
    pub registry: Option<String>,
    #[serde(default)]
    pub repository: Option<String>,
    #[serde(default)]
    pub tag: Option<String>,
    #[serde(default, rename = "imageDigest", alias = "image_digest")]
    pub image_digest: Option<String>,
    #[serde(default)]
    pub timestamp: Option<String>,
}

/// One entry of `securityEvaluation[]`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Evaluation {
    pub vulnerability_id: String,
    /// Comma-separated CVE ids; empty when there is none.
    #[serde(default)]
    pub cves: Option<String>,
    #[serde(default)]
    pub severity: Option<String>,
    #[serde(default)]
    pub detected_at: Option<String>,
    /// `Java`, `RPM`, `Go`, `dpkg`, …
    #[serde(default)]
    pub package_type: Option<String>,
    /// Where the package was found; `pkgdb` for OS packages.
    #[serde(default)]
    pub path: Option<String>,
    /// `name-version`.
    #[serde(default)]
    pub package: Option<String>,
    /// Comma-separated fixed versions, or `"None"`.
    #[serde(default)]
    pub fix_available: Option<String>,
    #[serde(default)]
    pub fix_observed_at: Option<String>,
    #[serde(default)]
    pub link: Option<String>,
    /// A number, or `"N/A"`.
    #[serde(default)]
    pub nvd_cvss_base_score: Option<NumberOrText>,
}

/// A value Anchore writes either as a number or as text (`"N/A"`).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum NumberOrText {
    Number(f64),
    Text(String),
}

impl NumberOrText {
    /// The number, when there is one (a numeric string counts).
    pub fn number(&self) -> Option<f64> {
        match self {
            NumberOrText::Number(n) => Some(*n),
            NumberOrText::Text(t) => t.trim().parse().ok(),
        }
    }
}

/// `s` unless it is one of Anchore's spellings of "nothing": empty, `None`, `N/A`, `null`.
pub fn present(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|t| {
        !t.is_empty()
            && !t.eq_ignore_ascii_case("none")
            && !t.eq_ignore_ascii_case("n/a")
            && !t.eq_ignore_ascii_case("null")
    })
}

/// A CVSS score: a number (or numeric string) in 0..=10; Anchore's `-1.0` means none.
fn score<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    let v: Option<NumberOrText> = Option::deserialize(d)?;
    Ok(v.and_then(|v| v.number())
        .filter(|n| (0.0..=10.0).contains(n)))
}

/// A list that some versions write as a single object (or `null`).
fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<CvssData>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        Many(Vec<CvssData>),
        One(CvssData),
    }
    let v: Option<OneOrMany> = Option::deserialize(d)?;
    Ok(match v {
        None => Vec::new(),
        Some(OneOrMany::Many(v)) => v,
        Some(OneOrMany::One(one)) => vec![one],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn none_spellings_are_absent() {
        for s in ["None", "none", "", "  ", "N/A", "null"] {
            assert_eq!(present(&Some(s.to_string())), None, "{s:?}");
        }
        assert_eq!(present(&None), None);
        assert_eq!(present(&Some(" 1.18 ".into())), Some("1.18"));
    }

    #[test]
    fn scores_and_single_objects() {
        let v: EngineVulnerability = serde_json::from_str(
            r#"{"vuln":"X","nvd_data":{"id":"X","cvss_v3":{"base_score":"7.5"},"cvss_v2":{"base_score":-1.0}},
                "vendor_data":null}"#,
        )
        .unwrap();
        assert_eq!(v.nvd_data.len(), 1);
        assert_eq!(
            v.nvd_data[0].cvss_v3.as_ref().unwrap().base_score,
            Some(7.5)
        );
        assert_eq!(v.nvd_data[0].cvss_v2.as_ref().unwrap().base_score, None);
        assert!(v.vendor_data.is_empty());
    }
}

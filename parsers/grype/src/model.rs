//! The `grype -o json` document, as Grype writes it (`grype/presenter/models`).
//!
//! Unknown members are tolerated; members we do not use (layers, licenses, cpes, package
//! metadata, the configuration echo, …) are not modelled. Collections Grype may write as `null`
//! read as empty.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// The document.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Document {
    pub matches: Vec<Match>,
    /// Matches an ignore rule suppressed (present when rules matched).
    #[serde(default, deserialize_with = "asff_core::report::nullable")]
    pub ignored_matches: Vec<IgnoredMatch>,
    #[serde(default)]
    pub source: Option<Source>,
    #[serde(default)]
    pub distro: Option<Distro>,
    #[serde(default)]
    pub descriptor: Option<Descriptor>,
}

/// One vulnerability matched against one package.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Match {
    pub vulnerability: Vulnerability,
    #[serde(default, deserialize_with = "asff_core::report::nullable")]
    pub related_vulnerabilities: Vec<VulnerabilityMetadata>,
    /// An array; Grype before 0.13 (May 2021) wrote one object (`{matcher, searchKey,
    /// matchedOn}`), read as a one-element array.
    #[serde(default, deserialize_with = "one_or_many")]
    pub match_details: Vec<MatchDetails>,
    pub artifact: Artifact,
}

/// A match an ignore rule suppressed; only counted.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IgnoredMatch {
    #[serde(default)]
    pub vulnerability: Option<IdOnly>,
}

/// Just the id of a vulnerability.
#[derive(Debug, Deserialize)]
pub struct IdOnly {
    #[serde(default)]
    pub id: Option<String>,
}

/// The matched vulnerability: its metadata, the fix, and (newer Grype) EPSS and CISA KEV data.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Vulnerability {
    pub id: String,
    #[serde(default)]
    pub data_source: Option<String>,
    /// `debian:10`, `nvd`, `github:python`, …
    #[serde(default)]
    pub namespace: Option<String>,
    /// `Critical`, `High`, `Medium`, `Low`, `Negligible` or `Unknown`.
    #[serde(default)]
    pub severity: Option<String>,
    #[serde(default, deserialize_with = "asff_core::report::nullable")]
    pub urls: Vec<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "asff_core::report::nullable")]
    pub cvss: Vec<Cvss>,
    #[serde(default, deserialize_with = "asff_core::report::nullable")]
    pub known_exploited: Vec<KnownExploited>,
    #[serde(default, deserialize_with = "asff_core::report::nullable")]
    pub epss: Vec<Epss>,
    #[serde(default)]
    pub fix: Option<Fix>,
    #[serde(default, deserialize_with = "asff_core::report::nullable")]
    pub advisories: Vec<Advisory>,
    #[serde(default)]
    pub risk: Option<f64>,
    /// Old Grype (0.7): the links instead of `urls`.
    #[serde(default, deserialize_with = "asff_core::report::nullable")]
    pub links: Vec<String>,
    /// Old Grype (0.7): the CVSS v2 assessment instead of `cvss[]`.
    #[serde(default, rename = "cvssV2")]
    pub cvss_v2: Option<LegacyCvss>,
    /// Old Grype (0.7): the CVSS v3 assessment instead of `cvss[]`.
    #[serde(default, rename = "cvssV3")]
    pub cvss_v3: Option<LegacyCvss>,
    /// Old Grype (0.7): the fixed version instead of `fix`.
    #[serde(default)]
    pub fixed_in_version: Option<String>,
}

/// A CVSS assessment of old Grype (`cvssV2`, `cvssV3`): the scores and the vector, no version.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LegacyCvss {
    #[serde(default)]
    pub base_score: Option<f64>,
    #[serde(default)]
    pub exploitability_score: Option<f64>,
    #[serde(default)]
    pub impact_score: Option<f64>,
    #[serde(default)]
    pub vector: Option<String>,
}

/// What a vulnerability database says about a related vulnerability (the same fields as
/// [`Vulnerability`] without the fix).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VulnerabilityMetadata {
    pub id: String,
    #[serde(default)]
    pub data_source: Option<String>,
    /// `debian:10`, `nvd`, `github:python`, …
    #[serde(default)]
    pub namespace: Option<String>,
    /// `Critical`, `High`, `Medium`, `Low`, `Negligible` or `Unknown`.
    #[serde(default)]
    pub severity: Option<String>,
    #[serde(default, deserialize_with = "asff_core::report::nullable")]
    pub urls: Vec<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "asff_core::report::nullable")]
    pub cvss: Vec<Cvss>,
    #[serde(default, deserialize_with = "asff_core::report::nullable")]
    pub known_exploited: Vec<KnownExploited>,
    #[serde(default, deserialize_with = "asff_core::report::nullable")]
    pub epss: Vec<Epss>,
}

/// One CVSS assessment.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cvss {
    /// `nvd@nist.gov`, … (newer Grype).
    #[serde(default)]
    pub source: Option<String>,
    /// `Primary` or `Secondary` (newer Grype).
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub vector: Option<String>,
    #[serde(default)]
    pub metrics: Option<CvssMetrics>,
}

/// CVSS scores.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CvssMetrics {
    #[serde(default)]
    pub base_score: Option<f64>,
    #[serde(default)]
    pub exploitability_score: Option<f64>,
    #[serde(default)]
    pub impact_score: Option<f64>,
}

/// A CISA Known Exploited Vulnerabilities entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KnownExploited {
    #[serde(default)]
    pub cve: Option<String>,
    #[serde(default)]
    pub date_added: Option<String>,
    #[serde(default)]
    pub known_ransomware_campaign_use: Option<String>,
}

/// An EPSS score.
#[derive(Debug, Clone, Deserialize)]
pub struct Epss {
    #[serde(default)]
    pub cve: Option<String>,
    /// The probability of exploitation in the next 30 days, 0..=1.
    #[serde(default)]
    pub epss: Option<f64>,
    #[serde(default)]
    pub percentile: Option<f64>,
    #[serde(default)]
    pub date: Option<String>,
}

/// The fix: `state` is `fixed`, `not-fixed`, `wont-fix` or `unknown` (or empty in old Grype).
#[derive(Debug, Clone, Deserialize)]
pub struct Fix {
    #[serde(default, deserialize_with = "asff_core::report::nullable")]
    pub versions: Vec<String>,
    #[serde(default)]
    pub state: Option<String>,
}

/// A vendor advisory.
#[derive(Debug, Clone, Deserialize)]
pub struct Advisory {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub link: Option<String>,
}

/// How a match was made (`searchedBy`/`searchKey` and `found`/`matchedOn` are not used).
#[derive(Debug, Clone, Deserialize)]
pub struct MatchDetails {
    /// `exact-direct-match`, `exact-indirect-match`, `cpe-match` (newer Grype).
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub matcher: Option<String>,
}

/// The package.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Artifact {
    /// Syft's package id (newer Grype); not stable across scans, not used in Ids.
    #[serde(default)]
    pub id: Option<String>,
    pub name: String,
    #[serde(default)]
    pub version: Option<String>,
    /// `deb`, `rpm`, `apk`, `python`, `java-archive`, `npm`, `go-module`, `binary`, …
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "asff_core::report::nullable")]
    pub locations: Vec<Location>,
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub purl: Option<String>,
    #[serde(default, deserialize_with = "asff_core::report::nullable")]
    pub upstreams: Vec<Upstream>,
}

/// Where a package was found.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    #[serde(default)]
    pub path: Option<String>,
    /// The image layer; changes with every rebuild, so not used in Ids.
    #[serde(default, rename = "layerID")]
    pub layer_id: Option<String>,
}

/// The source package a package was built from.
#[derive(Debug, Clone, Deserialize)]
pub struct Upstream {
    pub name: String,
    #[serde(default)]
    pub version: Option<String>,
}

/// What was scanned: `type` is `image`, `directory`, `file`, `sbom-file`, `purl`, `cpe`,
/// `snap` or `unknown`; `target` is an object for images and a string otherwise.
#[derive(Debug, Deserialize)]
pub struct Source {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub target: Value,
}

/// The image of an `image` source (`source.target`).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageTarget {
    /// What the user asked for: `alpine:3.18`, `docker:app:1`, `docker-archive:img.tar`, …
    #[serde(default)]
    pub user_input: Option<String>,
    /// The image config digest.
    #[serde(default, rename = "imageID")]
    pub image_id: Option<String>,
    #[serde(default)]
    pub manifest_digest: Option<String>,
    #[serde(default, deserialize_with = "asff_core::report::nullable")]
    pub tags: Vec<String>,
    #[serde(default, deserialize_with = "asff_core::report::nullable")]
    pub repo_digests: Vec<String>,
    #[serde(default)]
    pub architecture: Option<String>,
    #[serde(default)]
    pub os: Option<String>,
}

/// The distribution Grype detected.
#[derive(Debug, Deserialize)]
pub struct Distro {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub version: Option<String>,
}

/// The Grype that wrote the document.
#[derive(Debug, Deserialize)]
pub struct Descriptor {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub version: Option<String>,
}

/// An array of `T`, one `T` as an object (read as a one-element array), or `null` (empty).
fn one_or_many<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    use serde::de::{self, MapAccess, SeqAccess, Visitor};
    struct V<T>(std::marker::PhantomData<T>);
    impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
        type Value = Vec<T>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an array of objects or one object")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut v = Vec::new();
            while let Some(x) = seq.next_element()? {
                v.push(x);
            }
            Ok(v)
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            T::deserialize(de::value::MapAccessDeserializer::new(map)).map(|t| vec![t])
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
    }
    d.deserialize_any(V(std::marker::PhantomData))
}

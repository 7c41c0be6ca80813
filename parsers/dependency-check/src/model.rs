//! The Dependency-Check report as it is written, JSON layouts 5.x to 12.x.
//!
//! Only what the conversion reads is modelled; everything else (`evidenceCollected`, the data
//! source timestamps, the credits, …) is skipped by serde without being materialised. Strings
//! borrow from the input where they can: `Cow` because compact output escapes slashes (`\/`),
//! and an escaped string has to be unescaped into an owned one.
//!
//! The XML reader ([`crate::xml`]) fills the same types from the XML schemas 1.x to 4.x.
//!
//! Layout differences this model absorbs:
//! - every block but `dependencies` and a vulnerability's `name` is optional;
//! - `cvssv2.confidentialImpact` (up to 8.x) vs `confidentialityImpact` (9.0 and later);
//! - 5.x wrote the keys `authenticationr>` and `baseSeverity>` (a template typo);
//! - scores are numbers but `exploitabilityScore`/`impactScore` are strings, and flags such as
//!   `unscored` or `vulnerabilityIdMatched` are the string `"true"`: [`Num`] and [`Flag`] take
//!   either form;
//! - `knownExploitedVulnerability` members are PascalCase (`DateAdded`) in the JSON report and
//!   camelCase in the XML schema.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, Visitor};
use serde::Deserialize;

/// Text borrowed from the report where possible (serde's own `Cow` impl always copies, and
/// `#[serde(borrow)]` only reaches a bare `Cow` field, not one inside `Option` or `Vec`).
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Text<'a>(pub Cow<'a, str>);

impl<'a> Text<'a> {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text without surrounding white space, `None` when nothing is left.
    pub fn trimmed(&self) -> Option<&str> {
        Some(self.0.trim()).filter(|t| !t.is_empty())
    }
}

impl std::ops::Deref for Text<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl<'a> From<Cow<'a, str>> for Text<'a> {
    fn from(c: Cow<'a, str>) -> Self {
        Text(c)
    }
}

impl<'a> From<&'a str> for Text<'a> {
    fn from(s: &'a str) -> Self {
        Text(Cow::Borrowed(s))
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        asff_core::report::BorrowedStr::deserialize(d).map(|s| Text(s.0))
    }
}

/// A whole report.
#[derive(Debug, Default, Deserialize)]
pub struct Report<'a> {
    /// "1.1" in every JSON layout; absent in XML.
    #[serde(rename = "reportSchema", borrow, default)]
    pub report_schema: Option<Text<'a>>,
    #[serde(rename = "scanInfo", borrow, default)]
    pub scan_info: Option<ScanInfo<'a>>,
    #[serde(rename = "projectInfo", borrow, default)]
    pub project_info: Option<ProjectInfo<'a>>,
    #[serde(borrow)]
    pub dependencies: Vec<Dependency<'a>>,
}

/// `scanInfo`.
#[derive(Debug, Default, Deserialize)]
pub struct ScanInfo<'a> {
    #[serde(rename = "engineVersion", borrow, default)]
    pub engine_version: Option<Text<'a>>,
    /// Errors Dependency-Check met while scanning (only counted).
    #[serde(rename = "analysisExceptions", default)]
    pub analysis_exceptions: Option<Vec<IgnoredAny>>,
}

/// `projectInfo` (the credits are skipped: an object in JSON, a string in XML).
#[derive(Debug, Default, Deserialize)]
pub struct ProjectInfo<'a> {
    #[serde(borrow, default)]
    pub name: Option<Text<'a>>,
    #[serde(rename = "groupID", borrow, default)]
    pub group_id: Option<Text<'a>>,
    #[serde(rename = "artifactID", borrow, default)]
    pub artifact_id: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub version: Option<Text<'a>>,
    #[serde(rename = "reportDate", borrow, default)]
    pub report_date: Option<Text<'a>>,
}

/// One scanned dependency. `evidenceCollected`, the largest part of a report, is not declared
/// and so skipped.
#[derive(Debug, Default, Deserialize)]
pub struct Dependency<'a> {
    #[serde(rename = "isVirtual", default)]
    pub is_virtual: Option<Flag>,
    #[serde(rename = "fileName", borrow, default)]
    pub file_name: Option<Text<'a>>,
    #[serde(rename = "filePath", borrow, default)]
    pub file_path: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub md5: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub sha1: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub sha256: Option<Text<'a>>,
    #[serde(rename = "projectReferences", borrow, default)]
    pub project_references: Option<Vec<Text<'a>>>,
    #[serde(rename = "includedBy", borrow, default)]
    pub included_by: Option<Vec<IncludedBy<'a>>>,
    #[serde(rename = "relatedDependencies", borrow, default)]
    pub related_dependencies: Option<Vec<RelatedDependency<'a>>>,
    /// Package identifiers (purls such as `pkg:maven/g/a@v`).
    #[serde(borrow, default)]
    pub packages: Option<Vec<Identifier<'a>>>,
    /// CPEs the vulnerabilities were matched on.
    #[serde(rename = "vulnerabilityIds", borrow, default)]
    pub vulnerability_ids: Option<Vec<Identifier<'a>>>,
    #[serde(borrow, default)]
    pub vulnerabilities: Option<Vec<Vulnerability<'a>>>,
    #[serde(rename = "suppressedVulnerabilities", borrow, default)]
    pub suppressed_vulnerabilities: Option<Vec<SuppressedVulnerability<'a>>>,
    /// Analysis exceptions of this dependency (XML 1.x only; counted).
    #[serde(skip)]
    pub analysis_exceptions: usize,
    /// Where the dependency starts in an XML report (for error locations).
    #[serde(skip)]
    pub offset: u64,
}

/// `includedBy[]`: the direct dependency that pulled this one in.
#[derive(Debug, Default, Deserialize)]
pub struct IncludedBy<'a> {
    #[serde(borrow, default)]
    pub reference: Option<Text<'a>>,
    #[serde(rename = "type", borrow, default)]
    pub kind: Option<Text<'a>>,
}

/// `relatedDependencies[]`: the same library found elsewhere, folded into this dependency.
#[derive(Debug, Default, Deserialize)]
pub struct RelatedDependency<'a> {
    #[serde(rename = "isVirtual", default)]
    pub is_virtual: Option<Flag>,
    #[serde(rename = "fileName", borrow, default)]
    pub file_name: Option<Text<'a>>,
    #[serde(rename = "filePath", borrow, default)]
    pub file_path: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub sha256: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub sha1: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub md5: Option<Text<'a>>,
    #[serde(rename = "packageIds", borrow, default)]
    pub package_ids: Option<Vec<Identifier<'a>>>,
}

/// A package or vulnerability identifier.
#[derive(Debug, Default, Deserialize)]
pub struct Identifier<'a> {
    #[serde(borrow, default)]
    pub id: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub confidence: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub url: Option<Text<'a>>,
}

/// A vulnerability of a dependency.
#[derive(Debug, Default, Deserialize)]
pub struct Vulnerability<'a> {
    /// NVD, OSSINDEX, NPM, RETIREJS, …
    #[serde(borrow, default)]
    pub source: Option<Text<'a>>,
    /// CVE, GHSA, advisory number, …
    #[serde(borrow)]
    pub name: Text<'a>,
    /// The severity word: upper case (NVD, OSSINDEX), lower case (RETIREJS), "Unknown"; 5.x
    /// wrote it only for unscored vulnerabilities.
    #[serde(borrow, default)]
    pub severity: Option<Text<'a>>,
    #[serde(default)]
    pub unscored: Option<Flag>,
    #[serde(borrow, default)]
    pub cvssv2: Option<CvssV2<'a>>,
    #[serde(borrow, default)]
    pub cvssv3: Option<CvssV3<'a>>,
    #[serde(borrow, default)]
    pub cvssv4: Option<CvssV4<'a>>,
    #[serde(borrow, default)]
    pub cwes: Option<Vec<Text<'a>>>,
    #[serde(borrow, default)]
    pub description: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub notes: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub references: Option<Vec<Reference<'a>>>,
    #[serde(rename = "vulnerableSoftware", borrow, default)]
    pub vulnerable_software: Option<Vec<VulnerableSoftware<'a>>>,
    /// The CISA Known Exploited Vulnerabilities entry (8.x and later).
    #[serde(rename = "knownExploitedVulnerability", borrow, default)]
    pub known_exploited: Option<KnownExploited<'a>>,
}

/// A suppressed vulnerability: skipped, so only its name is read.
#[derive(Debug, Default, Deserialize)]
pub struct SuppressedVulnerability<'a> {
    #[serde(borrow, default)]
    pub name: Option<Text<'a>>,
}

/// `cvssv2`.
#[derive(Debug, Default, Deserialize)]
pub struct CvssV2<'a> {
    #[serde(default)]
    pub score: Option<Num>,
    #[serde(rename = "accessVector", borrow, default)]
    pub access_vector: Option<Text<'a>>,
    #[serde(rename = "accessComplexity", borrow, default)]
    pub access_complexity: Option<Text<'a>>,
    #[serde(
        rename = "authenticationr",
        alias = "authenticationr>",
        alias = "authentication",
        borrow,
        default
    )]
    pub authentication: Option<Text<'a>>,
    /// `confidentialImpact` up to 8.x, `confidentialityImpact` from 9.0.
    #[serde(
        rename = "confidentialityImpact",
        alias = "confidentialImpact",
        borrow,
        default
    )]
    pub confidentiality_impact: Option<Text<'a>>,
    #[serde(rename = "integrityImpact", borrow, default)]
    pub integrity_impact: Option<Text<'a>>,
    #[serde(rename = "availabilityImpact", borrow, default)]
    pub availability_impact: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub severity: Option<Text<'a>>,
    /// Absent before 6.0.
    #[serde(borrow, default)]
    pub version: Option<Text<'a>>,
}

/// `cvssv3` (no vector string in the report: it is rebuilt from the metrics).
#[derive(Debug, Default, Deserialize)]
pub struct CvssV3<'a> {
    #[serde(rename = "baseScore", default)]
    pub base_score: Option<Num>,
    #[serde(rename = "attackVector", borrow, default)]
    pub attack_vector: Option<Text<'a>>,
    #[serde(rename = "attackComplexity", borrow, default)]
    pub attack_complexity: Option<Text<'a>>,
    #[serde(rename = "privilegesRequired", borrow, default)]
    pub privileges_required: Option<Text<'a>>,
    #[serde(rename = "userInteraction", borrow, default)]
    pub user_interaction: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub scope: Option<Text<'a>>,
    #[serde(rename = "confidentialityImpact", borrow, default)]
    pub confidentiality_impact: Option<Text<'a>>,
    #[serde(rename = "integrityImpact", borrow, default)]
    pub integrity_impact: Option<Text<'a>>,
    #[serde(rename = "availabilityImpact", borrow, default)]
    pub availability_impact: Option<Text<'a>>,
    #[serde(rename = "baseSeverity", alias = "baseSeverity>", borrow, default)]
    pub base_severity: Option<Text<'a>>,
    /// Absent before 6.0.
    #[serde(borrow, default)]
    pub version: Option<Text<'a>>,
}

/// `cvssv4` (12.x), with its vector string.
#[derive(Debug, Default, Deserialize)]
pub struct CvssV4<'a> {
    #[serde(rename = "vectorString", borrow, default)]
    pub vector_string: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub source: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub version: Option<Text<'a>>,
    #[serde(rename = "baseScore", default)]
    pub base_score: Option<Num>,
    #[serde(rename = "baseSeverity", borrow, default)]
    pub base_severity: Option<Text<'a>>,
}

/// `references[]`.
#[derive(Debug, Default, Deserialize)]
pub struct Reference<'a> {
    #[serde(borrow, default)]
    pub source: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub url: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub name: Option<Text<'a>>,
}

/// `vulnerableSoftware[]`: `{"software": {...}}`.
#[derive(Debug, Default, Deserialize)]
pub struct VulnerableSoftware<'a> {
    #[serde(borrow, default)]
    pub software: Option<Software<'a>>,
}

/// A CPE with the version range it is vulnerable in.
#[derive(Debug, Default, Deserialize)]
pub struct Software<'a> {
    #[serde(borrow, default)]
    pub id: Option<Text<'a>>,
    /// `"true"` on the entry the dependency matched.
    #[serde(rename = "vulnerabilityIdMatched", default)]
    pub matched: Option<Flag>,
    #[serde(rename = "versionStartIncluding", borrow, default)]
    pub version_start_including: Option<Text<'a>>,
    #[serde(rename = "versionStartExcluding", borrow, default)]
    pub version_start_excluding: Option<Text<'a>>,
    #[serde(rename = "versionEndIncluding", borrow, default)]
    pub version_end_including: Option<Text<'a>>,
    #[serde(rename = "versionEndExcluding", borrow, default)]
    pub version_end_excluding: Option<Text<'a>>,
}

/// `knownExploitedVulnerability`: PascalCase members in JSON, camelCase in XML.
#[derive(Debug, Default, Deserialize)]
pub struct KnownExploited<'a> {
    #[serde(rename = "Name", alias = "name", borrow, default)]
    pub name: Option<Text<'a>>,
    #[serde(rename = "DateAdded", alias = "dateAdded", borrow, default)]
    pub date_added: Option<Text<'a>>,
    #[serde(rename = "DueDate", alias = "dueDate", borrow, default)]
    pub due_date: Option<Text<'a>>,
    #[serde(rename = "RequiredAction", alias = "requiredAction", borrow, default)]
    pub required_action: Option<Text<'a>>,
}

/// A number that may be written as a JSON number or as a string (`"10.0"`). A string that is
/// not a number (or is empty) reads as no number.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Num(pub Option<f64>);

impl Num {
    /// Parses text, `None` unless it is a finite number.
    pub fn parse(text: &str) -> Num {
        Num(text.trim().parse::<f64>().ok().filter(|v| v.is_finite()))
    }
}

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Num;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number or a string holding a number")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Num, E> {
                Ok(Num(Some(v).filter(|v| v.is_finite())))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Num, E> {
                Ok(Num(Some(v as f64)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Num, E> {
                Ok(Num(Some(v as f64)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Num, E> {
                Ok(Num::parse(v))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Num, E> {
                Ok(Num(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// A flag written as a JSON boolean or as the string `"true"`/`"false"`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flag(pub bool);

impl Flag {
    /// `true` for "true" (any case) or "1".
    pub fn parse(text: &str) -> Flag {
        let t = text.trim();
        Flag(t.eq_ignore_ascii_case("true") || t == "1")
    }
}

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Flag;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a boolean or the string \"true\" or \"false\"")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Flag, E> {
                Ok(Flag(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Flag, E> {
                Ok(Flag(v != 0))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Flag, E> {
                Ok(Flag(v != 0))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Flag, E> {
                Ok(Flag::parse(v))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Flag, E> {
                Ok(Flag(false))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_flags_take_both_forms() {
        let v: Vec<Num> = serde_json::from_str(r#"[7.5, "10.0", 3, "", "n/a", null]"#).unwrap();
        assert_eq!(
            v,
            vec![
                Num(Some(7.5)),
                Num(Some(10.0)),
                Num(Some(3.0)),
                Num(None),
                Num(None),
                Num(None)
            ]
        );
        let f: Vec<Flag> =
            serde_json::from_str(r#"[true, "true", "TRUE", false, "false", null]"#).unwrap();
        assert_eq!(f.iter().filter(|f| f.0).count(), 3);
        assert!(serde_json::from_str::<Num>("{}").is_err());
    }

    #[test]
    fn strings_borrow_unless_escaped() {
        let r: Reference = serde_json::from_str(r#"{"url":"https:\/\/x","name":"plain"}"#).unwrap();
        assert!(matches!(r.url, Some(Text(Cow::Owned(ref s))) if s == "https://x"));
        assert!(matches!(r.name, Some(Text(Cow::Borrowed("plain")))));
        let v: Vulnerability =
            serde_json::from_str(r#"{"name":"CVE-1","cwes":["CWE-79"]}"#).unwrap();
        assert!(matches!(v.name, Text(Cow::Borrowed("CVE-1"))));
        assert!(matches!(
            v.cwes.as_deref(),
            Some([Text(Cow::Borrowed("CWE-79"))])
        ));
    }
}

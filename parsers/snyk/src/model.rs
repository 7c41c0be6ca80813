//! The JSON of `snyk test --json` and `snyk container test --json` (the CLI's "legacy" test
//! result, `TestResult` in snyk/cli `src/lib/snyk-test/legacy.ts`).
//!
//! A report is one project object, or an array of them (`--all-projects`, several images). A
//! container result carries its application projects in `applications[]`. Every entry of
//! `vulnerabilities[]` is one vulnerability on one dependency path (`from`), or with
//! `--group-issues` one vulnerability with all its paths (`from` is then an array of paths and
//! `name` an array of names). Every member is optional; unknown members are ignored.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

/// One project: a manifest (`snyk test`), an image's operating system packages (`snyk
/// container test`) or an application inside an image (`applications[]`).
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Project {
    pub vulnerabilities: Option<Vec<Vulnerability>>,
    pub ok: Option<bool>,
    /// Set instead of results when the CLI failed (`{"ok": false, "error": "…", "path": "…"}`).
    pub error: Option<Value>,
    pub dependency_count: Option<u64>,
    pub org: Option<String>,
    pub package_manager: Option<String>,
    pub project_name: Option<String>,
    pub display_target_file: Option<String>,
    pub target_file: Option<String>,
    /// The directory tested, or for a container the image as given on the command line.
    pub path: Option<String>,
    pub platform: Option<String>,
    pub docker: Option<Docker>,
    /// Issues removed from `vulnerabilities` by the policy (`.snyk` ignores and patches).
    pub filtered: Option<Filtered>,
    #[serde(default)]
    pub applications: Vec<Project>,
    /// `snyk iac test` results, which this parser does not convert.
    pub infrastructure_as_code_issues: Option<Vec<IgnoredAny>>,
    pub summary: Option<String>,
    pub unique_count: Option<Value>,
}

impl Project {
    /// Whether the object has the members of a Snyk test result (Anchore Engine's report also
    /// has `vulnerabilities`, but none of these).
    pub fn looks_like_snyk(&self) -> bool {
        let error = self.error.as_ref().is_some_and(|e| !e.is_null());
        let project = self.package_manager.is_some()
            || self.dependency_count.is_some()
            || self.unique_count.is_some()
            || self.ok.is_some()
            || self.project_name.is_some()
            || self.org.is_some();
        error
            || (project
                && (self.vulnerabilities.is_some() || self.infrastructure_as_code_issues.is_some()))
    }
}

/// `docker` of a container result.
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Docker {
    pub base_image: Option<String>,
}

/// `filtered`: the ignored and patched issues.
#[derive(Debug, Deserialize, Default)]
pub struct Filtered {
    #[serde(default)]
    pub ignore: Vec<IgnoredAny>,
    #[serde(default)]
    pub patch: Vec<IgnoredAny>,
}

/// One entry of `vulnerabilities[]`: a vulnerability or a license issue (`type: "license"`).
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Vulnerability {
    pub id: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    /// critical, high, medium or low (the effective severity, after the organisation's policy).
    pub severity: Option<String>,
    pub severity_with_critical: Option<String>,
    pub original_severity: Option<String>,
    pub package_name: Option<String>,
    pub module_name: Option<String>,
    /// The package as found on this path; with `--group-issues`, one per path.
    pub name: Option<OneOrMany>,
    pub version: Option<OneOrMany>,
    pub package_manager: Option<String>,
    pub language: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub license: Option<String>,
    /// `CVE`, `CWE`, `GHSA`, `ALTERNATIVE`, `NSP`, … → ids (strings; NSP ids are numbers).
    pub identifiers: Option<BTreeMap<String, Vec<Ident>>>,
    pub cvss_score: Option<f64>,
    #[serde(rename = "CVSSv3")]
    pub cvss_v3: Option<String>,
    #[serde(default)]
    pub cvss_details: Vec<CvssDetail>,
    #[serde(default)]
    pub cvss_sources: Vec<CvssSource>,
    /// Exploit maturity: Mature, Proof of Concept, No Known Exploit, No Data, Not Defined.
    pub exploit: Option<String>,
    pub exploit_details: Option<ExploitDetails>,
    pub epss_details: Option<EpssDetails>,
    #[serde(default)]
    pub fixed_in: Vec<String>,
    pub nearest_fixed_in_version: Option<String>,
    #[serde(default)]
    pub from: Paths,
    /// `[false, "direct@2.0.0", …]`: per element of `from`, the version to upgrade to, or
    /// `false`. Kept loose: older CLIs wrote nested arrays when grouping.
    #[serde(default)]
    pub upgrade_path: Value,
    pub is_upgradable: Option<bool>,
    pub is_patchable: Option<bool>,
    pub is_pinnable: Option<bool>,
    #[serde(default)]
    pub references: Vec<Reference>,
    pub url: Option<String>,
    pub publication_time: Option<String>,
    pub disclosure_time: Option<String>,
    pub modification_time: Option<String>,
    pub malicious: Option<bool>,
}

/// `cvssDetails[]`: scores of other assigners (NVD, Red Hat, SUSE, …).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CvssDetail {
    pub assigner: Option<String>,
    pub severity: Option<String>,
    #[serde(rename = "cvssV3Vector")]
    pub cvss_v3_vector: Option<String>,
    #[serde(rename = "cvssV3BaseScore")]
    pub cvss_v3_base_score: Option<f64>,
}

/// `cvssSources[]` (newer CLIs): every score with its assigner and version.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CvssSource {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub vector: Option<String>,
    pub assigner: Option<String>,
    pub severity: Option<String>,
    pub base_score: Option<f64>,
    pub cvss_version: Option<String>,
}

/// `exploitDetails`.
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ExploitDetails {
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default)]
    pub maturity_levels: Vec<MaturityLevel>,
}

/// `exploitDetails.maturityLevels[]`.
#[derive(Debug, Deserialize)]
pub struct MaturityLevel {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub level: Option<String>,
    pub format: Option<String>,
}

/// `epssDetails`: numbers, or numbers written as strings.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EpssDetails {
    pub probability: Option<Number>,
    pub percentile: Option<Number>,
    pub model_version: Option<String>,
}

/// `references[]`.
#[derive(Debug, Deserialize)]
pub struct Reference {
    pub title: Option<String>,
    pub url: Option<String>,
}

/// An identifier: a string, or a number (old `NSP` advisory ids).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ident(pub String);

impl<'de> Deserialize<'de> for Ident {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Ident;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an identifier (string or number)")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Ident, E> {
                Ok(Ident(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Ident, E> {
                Ok(Ident(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Ident, E> {
                Ok(Ident(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// A string, or an array of strings (grouped output).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OneOrMany(pub Vec<String>);

impl OneOrMany {
    pub fn first(&self) -> Option<&str> {
        self.0
            .iter()
            .map(String::as_str)
            .find(|s| !s.trim().is_empty())
    }
}

impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = OneOrMany;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or an array of strings")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<OneOrMany, E> {
                Ok(OneOrMany(vec![v.to_string()]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<OneOrMany, A::Error> {
                let mut out = Vec::new();
                while let Some(s) = seq.next_element::<String>()? {
                    out.push(s);
                }
                Ok(OneOrMany(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// `from`: one dependency path (`["app@1.0.0", "express@2.5.11", "qs@0.4.2"]`), or with
/// `--group-issues` an array of paths.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Paths(pub Vec<Vec<String>>);

impl<'de> Deserialize<'de> for Paths {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        /// An element of `from`: a package of the one path, or a whole path.
        enum Element {
            Package(String),
            Path(Vec<String>),
            Nothing,
        }
        impl<'de> Deserialize<'de> for Element {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> Visitor<'de> for V {
                    type Value = Element;
                    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                        f.write_str("a package (string) or a dependency path (array of strings)")
                    }
                    fn visit_str<E: de::Error>(self, v: &str) -> Result<Element, E> {
                        Ok(Element::Package(v.to_string()))
                    }
                    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Element, E> {
                        Ok(Element::Nothing)
                    }
                    fn visit_unit<E: de::Error>(self) -> Result<Element, E> {
                        Ok(Element::Nothing)
                    }
                    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Element, A::Error> {
                        let mut path = Vec::new();
                        while let Some(p) = seq.next_element::<String>()? {
                            path.push(p);
                        }
                        Ok(Element::Path(path))
                    }
                }
                d.deserialize_any(V)
            }
        }

        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Paths;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a dependency path or an array of dependency paths")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Paths, E> {
                Ok(Paths::default())
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Paths, A::Error> {
                let mut single = Vec::new();
                let mut paths = Vec::new();
                while let Some(e) = seq.next_element::<Element>()? {
                    match e {
                        Element::Package(p) => single.push(p),
                        Element::Path(p) => paths.push(p),
                        Element::Nothing => {}
                    }
                }
                if !single.is_empty() {
                    paths.insert(0, single);
                }
                Ok(Paths(paths))
            }
        }
        d.deserialize_any(V)
    }
}

/// A number, or a number written as a string.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Number(pub Option<f64>);

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Number;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Number, E> {
                Ok(Number(Some(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Number, E> {
                Ok(Number(Some(v as f64)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Number, E> {
                Ok(Number(Some(v as f64)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Number, E> {
                Ok(Number(v.trim().parse().ok()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Number, E> {
                Ok(Number(None))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_single_and_grouped() {
        let one: Paths = serde_json::from_str(r#"["app@1", "a@2", "b@3"]"#).unwrap();
        assert_eq!(one.0, vec![vec!["app@1", "a@2", "b@3"]]);
        let many: Paths =
            serde_json::from_str(r#"[["app@1", "b@3"], ["app@1", "a@2", "b@3"]]"#).unwrap();
        assert_eq!(many.0.len(), 2);
        let empty: Paths = serde_json::from_str("[]").unwrap();
        assert!(empty.0.is_empty());
        assert!(serde_json::from_str::<Paths>("3").is_err());
        assert!(serde_json::from_str::<Paths>("[[1]]").is_err());
    }

    #[test]
    fn names_and_numbers() {
        let n: OneOrMany = serde_json::from_str(r#""qs""#).unwrap();
        assert_eq!(n.first(), Some("qs"));
        let n: OneOrMany =
            serde_json::from_str(r#"["busybox/ssl_client", "busybox/busybox"]"#).unwrap();
        assert_eq!(n.0.len(), 2);
        assert_eq!(
            serde_json::from_str::<Number>("\"0.00046\"").unwrap().0,
            Some(0.00046)
        );
        assert_eq!(serde_json::from_str::<Number>("0.5").unwrap().0, Some(0.5));
        assert_eq!(serde_json::from_str::<Number>("\"n/a\"").unwrap().0, None);
    }
}

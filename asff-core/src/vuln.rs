//! What vulnerability scanners share: the ASFF Types of a vulnerability, CVE ids, and the
//! severity words of package and image scanners with the unrated fallback to a CVSS score.
//!
//! ```
//! use asff_core::vuln::{vulnerability_type, Severity, TYPE_CVE};
//! use asff_core::Label;
//!
//! assert_eq!(vulnerability_type("CVE-2021-44228"), TYPE_CVE);
//! assert_eq!(Severity::parse(Some("High")).label(None), Label::High);
//! // an unrated word takes the label of the CVSS score, when there is one
//! assert_eq!(Severity::parse(Some("Unknown")).label(Some(9.8)), Label::Critical);
//! assert_eq!(Severity::parse(Some("UNTRIAGED")).label(None), Label::Informational);
//! assert_eq!(Severity::parse(Some("Negligible")).label(Some(9.8)), Label::Informational);
//! assert_eq!(asff_core::vuln::cwe_id("external/cwe/cwe-079").as_deref(), Some("CWE-79"));
//! ```

use crate::severity::{unrated_label, Label};

/// The ASFF type of a finding about a CVE.
pub const TYPE_CVE: &str = "Software and Configuration Checks/Vulnerabilities/CVE";
/// The ASFF type of a vulnerability that is not a CVE (a GHSA, a Snyk id, …), and of a code
/// scanner's security findings.
pub const TYPE_VULNERABILITY: &str = "Software and Configuration Checks/Vulnerabilities";
/// The ASFF type namespace alone: code quality findings, which the taxonomy has no category for.
pub const TYPE_SOFTWARE_AND_CONFIGURATION: &str = "Software and Configuration Checks";

/// Whether an id is a CVE id (`CVE-…`, any case).
pub fn is_cve(id: &str) -> bool {
    id.trim()
        .get(..4)
        .is_some_and(|p| p.eq_ignore_ascii_case("cve-"))
}

/// [`TYPE_CVE`] for a CVE id, else [`TYPE_VULNERABILITY`].
pub fn vulnerability_type(id: &str) -> &'static str {
    if is_cve(id) {
        TYPE_CVE
    } else {
        TYPE_VULNERABILITY
    }
}

/// The CWE id a tag or reference names, as `CWE-<n>`: `CWE-79`, `cwe-79`, `cwe:79`,
/// `external/cwe/cwe-79` (CodeQL, Bandit), `CWE-328: Use of Weak Hash` (Semgrep). `None` for
/// anything else, such as the bare `cwe` tag or `cwe-79x`.
pub fn cwe_id(tag: &str) -> Option<String> {
    let t = tag.trim();
    let t = t
        .get(..13)
        .filter(|p| p.eq_ignore_ascii_case("external/cwe/"))
        .and_then(|_| t.get(13..))
        .unwrap_or(t);
    let rest = t
        .get(..4)
        .filter(|p| {
            p.get(..3).is_some_and(|c| c.eq_ignore_ascii_case("cwe"))
                && matches!(p.get(3..), Some("-" | ":" | "_"))
        })
        .and_then(|_| t.get(4..))?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let after = rest.get(digits..).unwrap_or_default();
    if digits == 0 || after.starts_with(|c: char| c.is_alphanumeric()) {
        return None;
    }
    let n: u64 = rest.get(..digits)?.parse().ok()?;
    Some(format!("CWE-{n}"))
}

/// A package or image scanner's severity word (Grype, Anchore, ECR, Snyk, …), any case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
    Informational,
    /// A rating, the lowest (Grype, Anchore): not unrated.
    Negligible,
    /// No rating: `Unknown` (Grype, Anchore), `UNDEFINED` and `UNTRIAGED` (ECR), no word, or a
    /// word the tool does not define, as given.
    Unknown(String),
}

impl Severity {
    pub fn parse(word: Option<&str>) -> Severity {
        let w = word.unwrap_or("").trim();
        match w.to_ascii_lowercase().as_str() {
            "critical" => Severity::Critical,
            "high" => Severity::High,
            "medium" => Severity::Medium,
            "low" => Severity::Low,
            "informational" => Severity::Informational,
            "negligible" => Severity::Negligible,
            _ => Severity::Unknown(w.to_string()),
        }
    }

    /// Whether the word gives no rating ([`Severity::Unknown`]).
    pub fn is_unrated(&self) -> bool {
        matches!(self, Severity::Unknown(_))
    }

    /// The label: the rating's; an unrated finding takes the label of its CVSS base score
    /// ([`unrated_label`]: the v3 qualitative scale), else INFORMATIONAL.
    pub fn label(&self, score: Option<f64>) -> Label {
        if self.is_unrated() {
            unrated_label(score)
        } else {
            Label::from(self)
        }
    }
}

impl From<&Severity> for Label {
    /// Critical, High, Medium and Low as such; Informational, Negligible and unrated words are
    /// INFORMATIONAL: emitted, not dropped.
    fn from(s: &Severity) -> Label {
        match s {
            Severity::Critical => Label::Critical,
            Severity::High => Label::High,
            Severity::Medium => Label::Medium,
            Severity::Low => Label::Low,
            Severity::Informational | Severity::Negligible | Severity::Unknown(_) => {
                Label::Informational
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words() {
        for (w, l, unrated) in [
            ("Critical", Label::Critical, false),
            ("HIGH", Label::High, false),
            ("medium", Label::Medium, false),
            ("Low", Label::Low, false),
            ("INFORMATIONAL", Label::Informational, false),
            ("Negligible", Label::Informational, false),
            ("Unknown", Label::Informational, true),
            ("UNDEFINED", Label::Informational, true),
            ("UNTRIAGED", Label::Informational, true),
            ("Severe", Label::Informational, true),
            ("", Label::Informational, true),
        ] {
            let s = Severity::parse(Some(w));
            assert_eq!(Label::from(&s), l, "{w}");
            assert_eq!(s.is_unrated(), unrated, "{w}");
        }
        assert_eq!(Severity::parse(None), Severity::Unknown(String::new()));
        assert_eq!(
            Severity::parse(Some(" UNTRIAGED ")),
            Severity::Unknown("UNTRIAGED".into())
        );
    }

    #[test]
    fn unrated_words_take_the_score() {
        let u = Severity::parse(Some("Unknown"));
        assert_eq!(u.label(Some(9.8)), Label::Critical);
        assert_eq!(u.label(Some(7.5)), Label::High);
        assert_eq!(u.label(Some(0.0)), Label::Informational);
        assert_eq!(u.label(Some(f64::NAN)), Label::Informational);
        assert_eq!(u.label(None), Label::Informational);
        assert_eq!(
            Severity::parse(Some("Low")).label(Some(9.8)),
            Label::Low,
            "a rating wins"
        );
    }

    #[test]
    fn cwe_ids() {
        for (tag, want) in [
            ("external/cwe/cwe-78", Some("CWE-78")),
            ("External/CWE/CWE-079", Some("CWE-79")),
            ("CWE-79", Some("CWE-79")),
            ("cwe:327", Some("CWE-327")),
            ("CWE-328: Use of Weak Hash", Some("CWE-328")),
            ("cwe", None),
            ("cwe-", None),
            ("cwe-79x", None),
            ("security", None),
            ("external/cwe/", None),
            ("é", None),
        ] {
            assert_eq!(cwe_id(tag).as_deref(), want, "{tag}");
        }
    }

    #[test]
    fn cve_ids() {
        assert!(is_cve("CVE-2021-44228"));
        assert!(is_cve(" cve-2021-1 "));
        assert!(!is_cve("GHSA-jfh8-c2jp-5v3q"));
        assert!(!is_cve("CV"));
        assert!(!is_cve("é"));
        assert_eq!(vulnerability_type("SNYK-JS-LODASH-1"), TYPE_VULNERABILITY);
    }
}

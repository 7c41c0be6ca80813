//! An organisation's severity policy: label overrides per tool, per rule or vulnerability id
//! and per original severity.
//!
//! The file is JSON (schema: `schemas/severity-policy.schema.json`):
//!
//! ```json
//! {
//!   "version": 1,
//!   "overrides": [
//!     { "tool": "dependency-check", "id": "CVE-2021-44228", "label": "CRITICAL" },
//!     { "tool": "phpstan", "id": "missingType.iterableValue", "label": "LOW" },
//!     { "tool": "zap", "original": "Informational", "label": "LOW" },
//!     { "original": "moderate", "label": "HIGH", "reason": "we treat moderate as high" }
//!   ]
//! }
//! ```
//!
//! Each override names at least one of `tool`, `id` and `original`; a member left out matches
//! anything. `id` matches any of the finding's rule or vulnerability ids (the CVE, the rule key,
//! the PHPStan identifier, …), `original` the scanner's own severity word; both compare
//! case-insensitively. When several overrides match, the most specific wins (`id` outweighs
//! `original`, which outweighs `tool`); among equally specific ones, the first in the file.

use serde::{Deserialize, Serialize};

use crate::severity::Label;

/// A severity policy file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    #[error("severity policy: {0}")]
    Json(String),
    #[error("severity policy: overrides[{0}] names none of tool, id and original")]
    MatchesEverything(usize),
    #[error("severity policy: version {0} is not supported (expected 1)")]
    Version(u32),
}

/// One override.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Override {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original: Option<String>,
    pub label: Label,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A parsed policy. The default policy overrides nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeverityPolicy {
    pub version: u32,
    #[serde(default)]
    pub overrides: Vec<Override>,
}

impl SeverityPolicy {
    /// Parses and checks a policy file.
    pub fn from_json(bytes: &[u8]) -> Result<Self, PolicyError> {
        let p: SeverityPolicy = serde_json::from_slice(bytes).map_err(|e| {
            PolicyError::Json(format!("line {} column {}: {}", e.line(), e.column(), e))
        })?;
        if p.version != 1 {
            return Err(PolicyError::Version(p.version));
        }
        if let Some(i) = p
            .overrides
            .iter()
            .position(|o| o.tool.is_none() && o.id.is_none() && o.original.is_none())
        {
            return Err(PolicyError::MatchesEverything(i));
        }
        Ok(p)
    }

    /// The override that applies to a finding of `tool` with these `ids` and the scanner's
    /// `original` severity, if any.
    pub fn lookup(&self, tool: &str, ids: &[String], original: &str) -> Option<&Override> {
        let eq = |a: &str, b: &str| a.trim().eq_ignore_ascii_case(b.trim());
        let mut best: Option<(u8, &Override)> = None;
        for o in &self.overrides {
            if o.tool.as_deref().is_some_and(|t| !eq(t, tool)) {
                continue;
            }
            if o.original.as_deref().is_some_and(|s| !eq(s, original)) {
                continue;
            }
            if o.id
                .as_deref()
                .is_some_and(|want| !ids.iter().any(|i| eq(i, want)))
            {
                continue;
            }
            let weight = 4 * u8::from(o.id.is_some())
                + 2 * u8::from(o.original.is_some())
                + u8::from(o.tool.is_some());
            if best.is_none_or(|(w, _)| weight > w) {
                best = Some((weight, o));
            }
        }
        best.map(|(_, o)| o)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> SeverityPolicy {
        SeverityPolicy::from_json(
            br#"{"version":1,"overrides":[
              {"tool":"zap","label":"LOW"},
              {"original":"moderate","label":"HIGH"},
              {"tool":"zap","original":"Medium","label":"HIGH"},
              {"id":"CVE-1","label":"CRITICAL"},
              {"tool":"phpstan","id":"CVE-1","label":"INFORMATIONAL"}
            ]}"#,
        )
        .unwrap()
    }

    #[test]
    fn most_specific_override_wins() {
        let p = policy();
        let ids = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(p.lookup("zap", &[], "Low").unwrap().label, Label::Low);
        assert_eq!(p.lookup("zap", &[], "medium").unwrap().label, Label::High);
        assert_eq!(
            p.lookup("snyk", &[], "Moderate").unwrap().label,
            Label::High
        );
        assert_eq!(
            p.lookup("zap", &ids(&["x", "cve-1"]), "medium")
                .unwrap()
                .label,
            Label::Critical
        );
        assert_eq!(
            p.lookup("phpstan", &ids(&["CVE-1"]), "").unwrap().label,
            Label::Informational
        );
        assert!(p.lookup("grype", &ids(&["CVE-2"]), "High").is_none());
    }

    #[test]
    fn bad_policies_are_refused() {
        assert!(matches!(
            SeverityPolicy::from_json(br#"{"version":1,"overrides":[{"label":"LOW"}]}"#),
            Err(PolicyError::MatchesEverything(0))
        ));
        assert!(matches!(
            SeverityPolicy::from_json(br#"{"version":2,"overrides":[]}"#),
            Err(PolicyError::Version(2))
        ));
        assert!(matches!(
            SeverityPolicy::from_json(
                br#"{"version":1,"overrides":[{"id":"x","label":"SEVERE"}]}"#
            ),
            Err(PolicyError::Json(_))
        ));
        assert!(matches!(
            SeverityPolicy::from_json(br#"{"version":1,"overides":[]}"#),
            Err(PolicyError::Json(_))
        ));
    }
}

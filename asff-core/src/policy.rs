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
    #[error("severity policy: overrides[{index}] names tool {tool:?}, which is not one of the tools: {known}{hint}")]
    UnknownTool {
        index: usize,
        tool: String,
        known: String,
        /// ` (did you mean …?)` when the name is close to, or another name of, a tool.
        hint: String,
    },
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
        let mut de = serde_json::Deserializer::from_slice(bytes);
        let json = |at: String, inner: serde_json::Error| {
            PolicyError::Json(format!(
                "{at}{inner} (line {} column {})",
                inner.line(),
                inner.column()
            ))
        };
        let p: SeverityPolicy = serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let at = if path.is_empty() || path == "." {
                String::new()
            } else {
                format!("{path}: ")
            };
            json(at, inner)
        })?;
        de.end().map_err(|e| json(String::new(), e))?;
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

    /// Checks that every override's `tool` is one of `tools` (compared as [`Self::lookup`] does:
    /// case-insensitively), so that a misspelt name does not silently match nothing.
    /// `aliases` are other names of the tools (`(alias, name)`), suggested in the error.
    pub fn check_tools(&self, tools: &[&str], aliases: &[(&str, &str)]) -> Result<(), PolicyError> {
        let eq = |a: &str, b: &str| a.trim().eq_ignore_ascii_case(b.trim());
        for (index, o) in self.overrides.iter().enumerate() {
            let Some(tool) = o.tool.as_deref() else {
                continue;
            };
            if tools.iter().any(|t| eq(t, tool)) {
                continue;
            }
            let suggestion = aliases
                .iter()
                .find(|(a, _)| eq(a, tool))
                .map(|(_, n)| *n)
                .or_else(|| {
                    let want = tool.trim().to_ascii_lowercase();
                    tools
                        .iter()
                        .map(|t| (crate::text::edit_distance(&want, t), *t))
                        .filter(|(d, _)| *d <= 3)
                        .min()
                        .map(|(_, t)| t)
                });
            return Err(PolicyError::UnknownTool {
                index,
                tool: tool.to_string(),
                known: tools.join(", "),
                hint: suggestion
                    .map(|t| format!(" (did you mean {t:?}?)"))
                    .unwrap_or_default(),
            });
        }
        Ok(())
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

    #[test]
    fn errors_name_the_entry() {
        let e = SeverityPolicy::from_json(
            br#"{"version":1,"overrides":[{"id":"x","label":"LOW"},{"id":"y","label":"SEVERE"}]}"#,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("overrides[1].label"), "{e}");
        assert!(e.contains("SEVERE"), "{e}");
        let e = SeverityPolicy::from_json(
            br#"{"version":1,"overrides":[{"id":"x","label":"LOW","severity":"HIGH"}]}"#,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("overrides[0]"), "{e}");
        assert!(e.contains("severity"), "{e}");
    }

    #[test]
    fn unknown_tools_are_refused() {
        let tools = ["dependency-check", "zap", "phpstan"];
        let aliases = [("OWASP-ZAP", "zap")];
        let p = SeverityPolicy::from_json(
            br#"{"version":1,"overrides":[{"tool":"ZAP","label":"LOW"},{"tool":"dependancy-check","label":"LOW"}]}"#,
        )
        .unwrap();
        let e = p.check_tools(&tools, &aliases).unwrap_err();
        assert!(
            matches!(&e, PolicyError::UnknownTool { index: 1, .. }),
            "{e}"
        );
        let e = e.to_string();
        assert!(
            e.contains("overrides[1]") && e.contains("\"dependancy-check\""),
            "{e}"
        );
        assert!(e.contains("did you mean \"dependency-check\""), "{e}");
        let p = SeverityPolicy::from_json(
            br#"{"version":1,"overrides":[{"tool":"owasp-zap","label":"LOW"}]}"#,
        )
        .unwrap();
        let e = p.check_tools(&tools, &aliases).unwrap_err().to_string();
        assert!(e.contains("did you mean \"zap\""), "{e}");
        let p = SeverityPolicy::from_json(
            br#"{"version":1,"overrides":[{"tool":"nessus","label":"LOW"}]}"#,
        )
        .unwrap();
        let e = p.check_tools(&tools, &aliases).unwrap_err().to_string();
        assert!(!e.contains("did you mean"), "{e}");
        assert!(policy().check_tools(&["zap", "phpstan"], &[]).is_ok());
    }
}

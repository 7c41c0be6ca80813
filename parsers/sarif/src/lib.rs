//! SARIF 2.1.0 logs to ASFF findings: CodeQL, Semgrep, Checkov, Bandit, ESLint, Gitleaks,
//! Trivy, SpotBugs and every other SARIF producer.
//!
//! A SARIF log holds `runs`, each the results of one tool (its `tool.driver`, maybe with
//! `extensions` such as rule packs). The tool name is `sarif` (`--format sarif`, the Lambda's
//! `reportType` `SARIF`); a log is detected by its `version` and `runs` members (what the sniff
//! sees of it). SARIF 1.x and the 2.0 drafts are refused with an error that says so (the SARIF
//! multitool's `sarif transform` converts them to 2.1.0).
//!
//! # Mapping
//! - **Records**: every `runs[].results[]` entry; one finding per result, never merged. Skipped:
//!   a `kind` other than `fail` (`pass`, `open`, `review`, `informational`, `notApplicable`) →
//!   reason `kind <value>`; `suppressions` with an entry whose `status` is absent or `accepted`
//!   → `suppressed` (an empty array is no suppression, nor are `underReview` and `rejected`
//!   ones); `baselineState: "absent"` → `absent from this scan`.
//! - **Rule** of a result: `ruleIndex` (or `rule.index`) into the driver's rules, or into
//!   `tool.extensions[rule.toolComponent.index].rules` (or the extension that
//!   `rule.toolComponent.name` names); else the rule whose `id` is the
//!   `ruleId` (or `rule.id`); a result may have none (Gitleaks 7).
//! - **Severity**: `security-severity` of the result's `properties`, else the rule's, as a CVSS
//!   v3 score 0–10 (number or string; [`asff_core::Label::from_cvss`]) or a word (`critical`, `high`,
//!   `medium`, `low`, `info`/`informational`/`none`); else the level (the result's, else the
//!   rule's `defaultConfiguration.level`, else `warning`): `error` HIGH, `warning` MEDIUM,
//!   `note` LOW, `none` INFORMATIONAL (an undefined word MEDIUM). `Severity.Original` says which
//!   (`security-severity 8.8`, `level error`). A `security-severity` outside 0–10 or an
//!   unknown word is no score: the level decides. The rule id and the CWEs are the rule ids a
//!   severity policy may name (`{"tool": "sarif", "id": "CWE-89", …}`); its `original` is the
//!   whole `Severity.Original` (`level error`).
//! - **Id**: the run's tool (`driver.name`), the rule id, and the result's `fingerprints`, else
//!   `partialFingerprints` (all entries, sorted) with the primary location's file (partial
//!   fingerprints are, by the spec, only part of a result's identity: CodeQL's
//!   `primaryLocationLineHash` hashes the line's text, so equal lines in two files agree) when
//!   it has any; else the primary location's
//!   file (the artifact URI resolved through `originalUriBaseIds` and made relative to the
//!   checkout, `--source-root`), its logical location's fully qualified name and the message.
//!   **Never the line, the column or the result's position in the log**: code moved by an edit
//!   keeps its Ids. The Id shows the rule id. Results equal in identity get an occurrence
//!   number in report order (`sarif/Occurrence` from the second on), so none is lost, and a
//!   warning says how many. A fingerprint with an empty value (Gitleaks 8 outside git) or Semgrep
//!   OSS's `matchBasedId/v1` placeholder `requires login` (the same on every result) is no
//!   fingerprint.
//! - **Scope**: the repository ([`Context::code_scope`](asff_core::Context::code_scope)) per tool: GeneratorId
//!   `sarif/{driver name}/{repository scope}` ([`asff_core::Scope::Producer`]), so a log with
//!   runs of two tools covers two scopes, and a Semgrep log archives nothing of CodeQL's. Every
//!   run covers its scope, also without results. A run without `results` (the tool failed) or
//!   an invocation with `executionSuccessful: false` marks the report incomplete. A log with no
//!   runs (`"runs": []`) names no tool, so it covers no scope: no findings, and it is marked
//!   incomplete (a warning says why) rather than taken for a clean scan.
//! - **Product**: `ProductName` the driver's name, `CompanyName` its `organization` (else the
//!   name); the driver's `version` and `semanticVersion` in `sarif/ToolVersion` and
//!   `sarif/ToolSemanticVersion`.
//! - **Text**: Title from the rule's `shortDescription`, else its `name`, else the message's
//!   first sentence; Description the message (`text`, else `markdown` as text, else the rule's
//!   or tool's message string named by `message.id`; `{0}` placeholders filled from
//!   `arguments`) with the location and rule; Remediation from the rule's `help` and `helpUri`.
//!   CWEs from the rule's `properties.tags` (`external/cwe/cwe-79`, `CWE-79`, `CWE-328: …`)
//!   and `relationships` (`sarif/CWE`).
//! - **Types**: secrets (Gitleaks, TruffleHog, detect-secrets, Checkov's `CKV_SECRET_*`,
//!   Trivy's `Secret` rules, rules tagged `secret`) `Sensitive Data Identifications/Passwords`;
//!   IaC checks (Checkov, tfsec, KICS, Terrascan, cfn-lint, cfn_nag, Trivy's
//!   `Misconfiguration`) `Software and Configuration Checks/AWS Security Best Practices` when
//!   the rule id names AWS (`CKV_AWS_…`, `AVD-AWS-…`), else `…/Industry and Regulatory
//!   Standards`; Trivy's package rules `…/Vulnerabilities/CVE` (or `…/Vulnerabilities`); any
//!   other result `Software and Configuration Checks/Vulnerabilities`.
//! - **Resources**: the repository, then one `Other` resource per location (`uri:startLine`,
//!   the file, or the logical location; at most 32 resources in all, `sarif/LocationsOmitted`
//!   counts the rest). `codeFlows` are summarised in `sarif/CodeFlows`, `sarif/CodeFlow/Steps`
//!   (steps of all thread flows) and `sarif/CodeFlow/First`/`Last` (the first and last step's
//!   location). The primary snippet, the fingerprints and up to 16 scalar result properties
//!   (`sarif/Property/<name>`) are kept.
//! - **Secrets**: every free text goes through the redaction of [`asff_core::redact`]; for a
//!   secret result the values the tool calls the secret (the snippets, and the `secret`,
//!   `offender`, `match` and `value` properties) are masked wherever they appear as well
//!   ([`asff_core::redact::mask_values`]), so a Gitleaks secret never reaches a finding in clear.
//!
//! ```
//! use asff_core::{Context, Label};
//!
//! let log = br#"{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "Bandit",
//!   "rules": [{"id": "B602", "name": "subprocess_popen_with_shell_equals_true"}]}},
//!   "results": [{"ruleId": "B602", "ruleIndex": 0, "level": "error",
//!     "message": {"text": "subprocess call with shell=True identified."},
//!     "locations": [{"physicalLocation": {"artifactLocation": {"uri": "app/server.py"},
//!       "region": {"startLine": 12}}}]},
//!    {"ruleId": "B602", "kind": "pass", "message": {"text": "fine"}}]}]}"#;
//! let ctx = Context::new("123456789012", "us-east-1")?.with_pipeline(asff_core::Pipeline {
//!     repository: Some("https://github.com/org/app.git".into()),
//!     ..Default::default()
//! });
//! let out = asff_sarif::parse(log, &ctx)?;
//! assert_eq!((out.records, out.findings.len()), (2, 1));
//! assert_eq!(out.skipped[0].reason, "kind pass");
//! let f = &out.findings[0];
//! assert_eq!(f.label(), Some(Label::High));
//! assert_eq!(f.severity.as_ref().and_then(|s| s.original.as_deref()), Some("level error"));
//! assert_eq!(f.generator_id, "sarif/Bandit/github.com/org/app");
//! assert!(f.id.starts_with("sarif/Bandit/github.com/org/app/B602/"));
//! assert_eq!(f.product_name.as_deref(), Some("Bandit"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod convert;
mod model;

use asff_core::report::{parse_json, require_content};
use asff_core::sniff::Sniff;
use asff_core::{Context, Emitter, ReportError, ToolInfo};
use serde_json::Value;

use crate::model::{Header, Log};

pub use crate::convert::{TYPE_AWS_BEST_PRACTICES, TYPE_SECRETS, TYPE_STANDARDS};

/// The tool. Each finding's product and company are the run's tool's (see the crate docs).
pub const TOOL: ToolInfo = ToolInfo {
    name: "sarif",
    product_name: "SARIF",
    company_name: "SARIF",
};

/// Whether a report looks like a SARIF log: an object with `version` and `runs`.
pub fn detect(sniff: &Sniff) -> bool {
    sniff.is_object() && sniff.has_keys(&["version", "runs"])
}

/// Converts a SARIF 2.1.0 log.
pub fn parse_into(bytes: &[u8], ctx: &Context, out: &mut Emitter<'_>) -> Result<(), ReportError> {
    let body = require_content(TOOL.name, bytes)?;
    let header: Header = parse_json(TOOL.name, body)?;
    check_version(&header)?;
    let log: Log = parse_json(TOOL.name, body)?;
    convert::convert(&log, ctx, out)
}

/// SARIF 2.1.0 only: 1.x and the 2.0 drafts are refused with what they are.
fn check_version(h: &Header) -> Result<(), ReportError> {
    let unsupported = |what: String| {
        ReportError::at_path(
            TOOL.name,
            "$.version",
            format!("{what} is not supported: only SARIF 2.1.0 is (the SARIF multitool converts older logs: `sarif transform --sarif-output-version Current`)"),
        )
    };
    let version = match &h.version {
        Some(Value::String(v)) => v.trim().to_string(),
        Some(other) => {
            return Err(ReportError::at_path(
                TOOL.name,
                "$.version",
                format!("expected the string \"2.1.0\", found {other}"),
            ))
        }
        None => {
            let schema = h
                .schema
                .as_ref()
                .and_then(Value::as_str)
                .unwrap_or_default();
            return Err(ReportError::at_path(
                TOOL.name,
                "$.version",
                format!(
                    "no \"version\": not a SARIF 2.1.0 log, which has \"version\": \"2.1.0\"{}",
                    if schema.is_empty() {
                        String::new()
                    } else {
                        format!(" (its $schema is {schema:?})")
                    }
                ),
            ));
        }
    };
    let shown: String = version.chars().take(40).collect();
    if version == "2.1.0" {
        Ok(())
    } else if version.starts_with("1.") {
        Err(unsupported(format!("SARIF 1.x (version {shown:?})")))
    } else if version.starts_with("2.0") {
        Err(unsupported(format!(
            "SARIF 2.0 (version {shown:?}, a draft of 2.1.0)"
        )))
    } else if version.starts_with("2.1.0-") {
        Err(unsupported(format!(
            "a pre-release of SARIF 2.1.0 (version {shown:?})"
        )))
    } else {
        Err(unsupported(format!("SARIF version {shown:?}")))
    }
}

asff_core::scanner!(
    /// The scanner of SARIF 2.1.0 logs.
    Sarif,
    aliases: ["SARIF"]
);

//! The SonarQube Web API responses pipelines save: `api/issues/search` (every layout from 7.x to
//! today) and `api/hotspots/search`, as the server sends them. Every member we read is optional
//! unless the server always sends it (`key`); unknown members are ignored.

use std::fmt;

use serde::de::{Deserializer, Visitor};
use serde::Deserialize;

use asff_core::Label;

/// One response page: an issues search (`issues`) or a hotspots search (`hotspots`).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Page {
    #[serde(default)]
    pub issues: Option<Vec<Issue>>,
    #[serde(default)]
    pub hotspots: Option<Vec<Hotspot>>,
    /// The files and projects the page's issues point to (`additionalFields` not needed).
    #[serde(default)]
    pub components: Option<Vec<Component>>,
    /// Rule names, when the search asked for `additionalFields=rules`.
    #[serde(default)]
    pub rules: Option<Vec<Rule>>,
    #[serde(default)]
    pub paging: Option<Paging>,
    /// Deprecated duplicate of `paging.total` (issues search before 9.x and SonarCloud).
    #[serde(default)]
    pub total: Option<u64>,
}

/// `paging`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Paging {
    #[serde(default)]
    pub total: Option<u64>,
}

/// One issue of `api/issues/search`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Issue {
    pub key: String,
    #[serde(default)]
    pub rule: Option<String>,
    /// Legacy severity (BLOCKER, CRITICAL, MAJOR, MINOR, INFO); absent on the newest servers.
    #[serde(default)]
    pub severity: Option<Severity>,
    #[serde(default)]
    pub component: Option<String>,
    #[serde(default)]
    pub project: Option<String>,
    #[serde(default)]
    pub line: Option<u64>,
    #[serde(default)]
    pub text_range: Option<TextRange>,
    #[serde(default)]
    pub flows: Option<Vec<Flow>>,
    /// Legacy status: OPEN, CONFIRMED, REOPENED, RESOLVED, CLOSED (hotspots in 7.x/8.x issue
    /// searches: TO_REVIEW, IN_REVIEW, REVIEWED).
    #[serde(default)]
    pub status: Option<String>,
    /// FIXED, FALSE-POSITIVE, WONTFIX, REMOVED (hotspots: FIXED, SAFE, ACKNOWLEDGED).
    #[serde(default)]
    pub resolution: Option<String>,
    /// 10.4 and later: OPEN, CONFIRMED, FALSE_POSITIVE, ACCEPTED, FIXED, IN_SANDBOX.
    #[serde(default)]
    pub issue_status: Option<String>,
    /// The same as `issueStatus`, under its name in 10.4 previews.
    #[serde(default)]
    pub simple_status: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    /// BUG, VULNERABILITY, CODE_SMELL, SECURITY_HOTSPOT (7.3-8.1); absent on the newest servers.
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// 10.2 and later.
    #[serde(default)]
    pub impacts: Option<Vec<Impact>>,
    #[serde(default)]
    pub clean_code_attribute: Option<String>,
    #[serde(default)]
    pub clean_code_attribute_category: Option<String>,
    #[serde(default)]
    pub creation_date: Option<String>,
    #[serde(default)]
    pub update_date: Option<String>,
    #[serde(default)]
    pub effort: Option<String>,
    #[serde(default)]
    pub author: Option<String>,
    #[serde(default)]
    pub assignee: Option<String>,
    #[serde(default)]
    pub branch: Option<String>,
    #[serde(default)]
    pub pull_request: Option<String>,
    /// MAIN or TEST code.
    #[serde(default)]
    pub scope: Option<String>,
}

/// One entry of `impacts` (10.2 and later).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Impact {
    /// SECURITY, RELIABILITY or MAINTAINABILITY.
    pub software_quality: String,
    pub severity: Severity,
}

/// One hotspot of `api/hotspots/search`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Hotspot {
    pub key: String,
    #[serde(default)]
    pub component: Option<String>,
    #[serde(default)]
    pub project: Option<String>,
    #[serde(default)]
    pub security_category: Option<String>,
    /// HIGH, MEDIUM or LOW.
    #[serde(default)]
    pub vulnerability_probability: Option<Severity>,
    /// TO_REVIEW or REVIEWED.
    #[serde(default)]
    pub status: Option<String>,
    /// When REVIEWED: FIXED, SAFE or ACKNOWLEDGED.
    #[serde(default)]
    pub resolution: Option<String>,
    #[serde(default)]
    pub line: Option<u64>,
    #[serde(default)]
    pub text_range: Option<TextRange>,
    #[serde(default)]
    pub message: Option<String>,
    /// Absent before 9.x.
    #[serde(default)]
    pub rule_key: Option<String>,
    #[serde(default)]
    pub flows: Option<Vec<Flow>>,
    #[serde(default)]
    pub creation_date: Option<String>,
    #[serde(default)]
    pub update_date: Option<String>,
    #[serde(default)]
    pub author: Option<String>,
    #[serde(default)]
    pub assignee: Option<String>,
    #[serde(default)]
    pub branch: Option<String>,
    #[serde(default)]
    pub pull_request: Option<String>,
}

/// `textRange`: lines are 1-based, offsets 0-based.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TextRange {
    #[serde(default)]
    pub start_line: Option<u64>,
    #[serde(default)]
    pub end_line: Option<u64>,
    #[serde(default)]
    pub start_offset: Option<u64>,
    #[serde(default)]
    pub end_offset: Option<u64>,
}

/// One flow: the secondary locations of an issue, in order.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Flow {
    #[serde(default)]
    pub locations: Option<Vec<FlowLocation>>,
}

/// One secondary location; `component` is absent when it is the issue's own file.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct FlowLocation {
    #[serde(default)]
    pub component: Option<String>,
    #[serde(default)]
    pub text_range: Option<TextRange>,
    #[serde(default)]
    pub msg: Option<String>,
}

/// One entry of `components`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Component {
    pub key: String,
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default)]
    pub long_name: Option<String>,
    /// TRK (project), DIR, FIL, UTS (test file), …
    #[serde(default)]
    pub qualifier: Option<String>,
}

/// One entry of `rules`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Rule {
    pub key: String,
    #[serde(default)]
    pub name: Option<String>,
}

/// Every severity word SonarQube uses: the legacy severities (BLOCKER, CRITICAL, MAJOR, MINOR,
/// INFO), the impact severities (BLOCKER, HIGH, MEDIUM, LOW, INFO) and the hotspot
/// probabilities (HIGH, MEDIUM, LOW). The vocabularies share words without conflict (BLOCKER and
/// INFO mean the same in both), so one enum and one mapping serve all three.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Severity {
    Blocker,
    Critical,
    High,
    Major,
    Medium,
    Minor,
    Low,
    Info,
    Unknown(String),
}

impl Severity {
    pub fn from_word(word: &str) -> Severity {
        match word.trim().to_ascii_uppercase().as_str() {
            "BLOCKER" => Severity::Blocker,
            "CRITICAL" => Severity::Critical,
            "HIGH" => Severity::High,
            "MAJOR" => Severity::Major,
            "MEDIUM" => Severity::Medium,
            "MINOR" => Severity::Minor,
            "LOW" => Severity::Low,
            "INFO" => Severity::Info,
            _ => Severity::Unknown(word.to_string()),
        }
    }

    /// The word as SonarQube spells it.
    pub fn as_str(&self) -> &str {
        match self {
            Severity::Blocker => "BLOCKER",
            Severity::Critical => "CRITICAL",
            Severity::High => "HIGH",
            Severity::Major => "MAJOR",
            Severity::Medium => "MEDIUM",
            Severity::Minor => "MINOR",
            Severity::Low => "LOW",
            Severity::Info => "INFO",
            Severity::Unknown(w) => w,
        }
    }
}

/// The one mapping of SonarQube's severities to labels: BLOCKER → CRITICAL; CRITICAL and HIGH →
/// HIGH; MAJOR and MEDIUM → MEDIUM; MINOR and LOW → LOW; INFO → INFORMATIONAL. A word we do not
/// know (a future server's) is MEDIUM: neither hidden nor raised, and the policy can override it
/// by its original word.
impl From<&Severity> for Label {
    fn from(s: &Severity) -> Label {
        match s {
            Severity::Blocker => Label::Critical,
            Severity::Critical | Severity::High => Label::High,
            Severity::Major | Severity::Medium => Label::Medium,
            Severity::Minor | Severity::Low => Label::Low,
            Severity::Info => Label::Informational,
            Severity::Unknown(_) => Label::Medium,
        }
    }
}

impl<'de> Deserialize<'de> for Severity {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Severity;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a severity word such as MAJOR or HIGH")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Severity, E> {
                Ok(Severity::from_word(v))
            }
        }
        d.deserialize_str(V)
    }
}

/// The JSON export of sonar-report (soprasteria/sonar-report, `--save-report-json`): not a Web
/// API response but what the tool gathered for its HTML report. Members not used (`date`, the
/// report's options and phrases, `qualityGateStatus`, `summary`, …) are not modelled.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SonarReport {
    #[serde(default)]
    pub project_name: Option<String>,
    /// The server the issues came from.
    #[serde(default, rename = "sonarBaseURL")]
    pub sonar_base_url: Option<String>,
    /// The project key.
    #[serde(default)]
    pub sonar_component: Option<String>,
    /// The rules of the issues, by rule key.
    #[serde(default)]
    pub rules: Option<std::collections::BTreeMap<String, ReportRule>>,
    pub issues: Vec<ReportIssue>,
    /// The keys of the issues that are security hotspots (listed in `issues` too).
    #[serde(default)]
    pub hotspot_keys: Option<Vec<String>>,
}

/// One rule of a sonar-report export.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ReportRule {
    #[serde(default)]
    pub name: Option<String>,
    /// The rule's description, HTML.
    #[serde(default)]
    pub html_desc: Option<String>,
    /// The rule's default severity: the issue's when the issue gives none.
    #[serde(default)]
    pub severity: Option<Severity>,
}

/// One issue (or hotspot) of a sonar-report export.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ReportIssue {
    pub key: String,
    #[serde(default)]
    pub rule: Option<String>,
    /// The issue's legacy severity (BLOCKER, CRITICAL, MAJOR, MINOR, INFO).
    #[serde(default)]
    pub severity: Option<Severity>,
    /// The issue's status as the server said (OPEN, CONFIRMED, REOPENED, RESOLVED, CLOSED;
    /// hotspots TO_REVIEW, IN_REVIEW, REVIEWED).
    #[serde(default)]
    pub status: Option<String>,
    /// The file, relative to the project (the project key already removed).
    #[serde(default)]
    pub component: Option<String>,
    #[serde(default)]
    pub line: Option<u64>,
    /// The rule's name, repeated.
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
}

//! SonarQube's Web API responses to ASFF findings: `api/issues/search` in every layout from 7.x
//! to today, and `api/hotspots/search`; and the JSON export of sonar-report
//! (soprasteria/sonar-report, `--save-report-json`).
//!
//! A pipeline saves what the server answers: one response page, or (a search returns at most
//! 10,000 results and a page at most 500, so pipelines page) a JSON array of several pages.
//! Issue and hotspot pages may be mixed in one array. A page that holds fewer records than its
//! `paging.total` says, a key repeated across pages (results that shifted while paging) or an
//! empty array of pages mark the report incomplete ([`ParseOutput::incomplete`], also a
//! warning): the finding lifecycle then archives nothing.
//!
//! A sonar-report export (`{date, projectName, sonarBaseURL, sonarComponent, rules: {key: {name,
//! htmlDesc, severity}}, issues: [{rule, severity, status, component, line, description,
//! message, key}], hotspotKeys, …}`) is read as one issues page: each issue with its rule's
//! name, the rule's description (as text) in the finding's description, the issue's severity
//! (else the rule's) and status under the same rules as Web API issues, the project
//! `sonarComponent`; the issues named in `hotspotKeys` are hotspots (type SECURITY_HOTSPOT,
//! `sonarqube/Kind` hotspot). `sonarBaseURL` is the server for SourceUrl and the rule's page
//! when [`Options::server_url`] names none. Its issues carry no dates, tags or text ranges.
//!
//! The report speaks for the repository's scope (`Context::code_scope`,
//! [`ParseOutput::scopes`]) also when it has no issues, so the lifecycle archives what the
//! server no longer reports. Issues and hotspots share that scope: save both searches in one
//! report (one JSON array), or a report of one archives the findings of the other.
//!
//! # Mapping
//! - **Records**: every issue and every hotspot. One finding per open issue and per hotspot to
//!   review; the others are skipped with a reason:
//!   - issues with `issueStatus` (10.4 and later; `simpleStatus` in previews) FIXED → `fixed`,
//!     FALSE_POSITIVE → `false positive`, ACCEPTED → `accepted`, CLOSED → `closed`;
//!   - in layouts without `issueStatus`: `status` CLOSED → `closed`, RESOLVED → by its
//!     `resolution` (FIXED → `fixed`, FALSE-POSITIVE → `false positive`, WONTFIX → `accepted`,
//!     REMOVED → `closed`, none → `resolved`);
//!   - hotspots (and the SECURITY_HOTSPOT issues of 7.3 to 8.1 searches) REVIEWED as SAFE →
//!     `reviewed safe` or as FIXED → `reviewed fixed` (ACKNOWLEDGED ones stay findings);
//!   - a key seen before in the file → `duplicate key` (pages fetched while results shifted
//!     repeat records; the first is kept and a warning names the key).
//! - **Severity**: the severity of the issue's SECURITY impact when it has one; else its highest
//!   impact severity; else the legacy severity. Hotspots: `vulnerabilityProbability`. The
//!   words map BLOCKER → CRITICAL, CRITICAL and HIGH → HIGH, MAJOR and MEDIUM → MEDIUM, MINOR
//!   and LOW → LOW, INFO → INFORMATIONAL; an unknown or missing word is MEDIUM with a warning.
//!   The word that decided is `Severity.Original`; the policy can match the rule key or a
//!   `CWE-n` from the tags.
//! - **Id**: the scope (`Context::code_scope`: repository and branch) and the issue or hotspot
//!   key, which the server keeps stable for the life of the issue.
//! - **Types**: the ASFF taxonomy defines no category for code quality. Security findings (type
//!   VULNERABILITY or SECURITY_HOTSPOT, a SECURITY impact, every hotspot) are
//!   `Software and Configuration Checks/Vulnerabilities`: a hotspot is security-sensitive code,
//!   not a code smell. Bugs and code smells get the namespace alone,
//!   `Software and Configuration Checks` (a partial path the taxonomy allows), rather than a
//!   defined category that would misstate them (`Industry and Regulatory Standards` is for
//!   compliance controls, `AWS Security Best Practices` for AWS resources); their SonarQube
//!   type and impacts are in `sonarqube/Type` and `sonarqube/Impacts`.
//! - **Kept**: component and file path, line and text range (resource details), rule and rule
//!   name, message, tags, CWE and OWASP references from tags (`cwe-79`, `owasp-a1`), status,
//!   clean code attribute, effort, author, dates (`creationDate` → FirstObservedAt), the
//!   secondary locations of flows (one line each, cut at whole lines within the product field
//!   limit, with their count), and with a server base URL ([`Options::server_url`]) a
//!   SourceUrl back to the issue (`{base}/project/issues?id={project}&open={key}`) or hotspot
//!   (`{base}/security_hotspots?id={project}&hotspots={key}`), plus the rule's page as
//!   remediation.
//!
//! ```
//! use asff_core::{Context, Label};
//!
//! let report = br#"{
//!   "paging": {"pageIndex": 1, "pageSize": 100, "total": 2},
//!   "issues": [
//!     {"key": "AY1", "rule": "java:S2076", "component": "app:src/Run.java", "project": "app",
//!      "line": 12, "message": "Make sure this command is safe.", "issueStatus": "OPEN",
//!      "impacts": [{"softwareQuality": "SECURITY", "severity": "BLOCKER"}],
//!      "tags": ["cwe-78", "owasp-a1"]},
//!     {"key": "AY2", "rule": "java:S1144", "component": "app:src/Run.java", "project": "app",
//!      "severity": "MAJOR", "type": "CODE_SMELL", "status": "RESOLVED", "resolution": "WONTFIX"}
//!   ]
//! }"#;
//! let ctx = Context::new("123456789012", "us-east-1")?.with_pipeline(asff_core::Pipeline {
//!     repository: Some("https://github.com/org/app.git".into()),
//!     ..Default::default()
//! });
//! let opts = asff_sonarqube::Options { server_url: Some("https://sonar.example.com/".into()) };
//! let out = asff_sonarqube::parse_with(report, &ctx, &opts)?;
//! assert_eq!((out.records, out.findings.len()), (2, 1));
//! assert_eq!(out.skipped[0].reason, "accepted");
//! let f = &out.findings[0];
//! assert_eq!(f.label(), Some(Label::Critical));
//! assert_eq!(f.types, ["Software and Configuration Checks/Vulnerabilities"]);
//! assert_eq!(f.source_url.as_deref(), Some("https://sonar.example.com/project/issues?id=app&open=AY1"));
//! assert_eq!(f.product_fields["sonarqube/CWE"], "CWE-78");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod convert;
mod model;

use asff_core::report::parse_json;
use asff_core::sniff::Sniff;
use asff_core::{Context, Emitter, ParseOutput, ReportError, ToolInfo};

use crate::convert::{Document, Extras};
use crate::model::{Page, SonarReport};

/// The tool.
pub const TOOL: ToolInfo = ToolInfo {
    name: "sonarqube",
    product_name: "SonarQube",
    company_name: "SonarSource",
};

/// What the conversion needs besides the report and the context.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// The server's base URL (`https://sonar.example.com`, with a context path if any): each
    /// finding then links back to its issue or hotspot.
    pub server_url: Option<String>,
}

/// Whether a report looks like a SonarQube issues search (`issues` with `paging`,
/// `components` or `total`) or hotspots search (`hotspots` with `paging`), or an array whose
/// first element is one, or a sonar-report export (see [`is_sonar_report`]).
pub fn detect(sniff: &Sniff) -> bool {
    let issues = sniff.has_keys(&["issues"])
        && ["paging", "components", "total"]
            .iter()
            .any(|k| sniff.has_keys(&[k]));
    let hotspots = sniff.has_keys(&["hotspots", "paging"]);
    issues || hotspots || is_sonar_report(sniff)
}

/// Whether a report is sonar-report's JSON export (`sonar-report --save-report-json`): an object
/// with `issues`, `rules` and one of `sonarBaseURL`, `sonarComponent` or `hotspotKeys`, the
/// members only that tool writes.
pub fn is_sonar_report(sniff: &Sniff) -> bool {
    sniff.is_object()
        && sniff.has_keys(&["issues", "rules"])
        && ["sonarBaseURL", "sonarComponent", "hotspotKeys"]
            .iter()
            .any(|k| sniff.has_keys(&[k]))
}

/// Converts a report without a server URL (no SourceUrl). See [`parse_with`].
pub fn parse(bytes: &[u8], ctx: &Context) -> Result<ParseOutput, ReportError> {
    parse_with(bytes, ctx, &Options::default())
}

/// [`parse_into`] collected into a [`ParseOutput`].
pub fn parse_with(
    bytes: &[u8],
    ctx: &Context,
    options: &Options,
) -> Result<ParseOutput, ReportError> {
    asff_core::emit::collect(TOOL.name, |out| parse_into(bytes, ctx, options, out))
}

/// Converts a report: one response page or a JSON array of pages.
pub fn parse_into(
    bytes: &[u8],
    ctx: &Context,
    options: &Options,
    out: &mut Emitter<'_>,
) -> Result<(), ReportError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace()).copied();
    let (doc, extras) = if first == Some(b'[') {
        (
            Document::Many(parse_json::<Vec<Page>>(TOOL.name, bytes)?),
            Extras::default(),
        )
    } else if first == Some(b'{') && is_sonar_report(&asff_core::sniff::sniff(bytes)) {
        let report = parse_json::<SonarReport>(TOOL.name, bytes)?;
        convert::from_sonar_report(report)
    } else {
        (
            Document::One(parse_json::<Page>(TOOL.name, bytes)?),
            Extras::default(),
        )
    };
    // (the facade logs what the conversion gave)
    convert::convert(&doc, ctx, options, &extras, out)
}

/// The scanner of SonarQube's `api/issues/search` and `api/hotspots/search` responses.
#[derive(Debug, Clone, Copy, Default)]
pub struct SonarQube;

impl asff_core::Scanner for SonarQube {
    fn info(&self) -> ToolInfo {
        TOOL
    }
    fn aliases(&self) -> &'static [&'static str] {
        &["SONAR-QUBE"]
    }
    fn detect(&self, sniff: &Sniff) -> bool {
        detect(sniff)
    }
    fn parse_into(
        &self,
        bytes: &[u8],
        ctx: &Context,
        options: &asff_core::ScanOptions,
        out: &mut Emitter<'_>,
    ) -> Result<(), ReportError> {
        parse_into(
            bytes,
            ctx,
            &Options {
                server_url: options.sonar_url.clone(),
            },
            out,
        )
    }
}

//! SonarQube issues and hotspots to drafts.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use asff_core::context::format_timestamp;
use asff_core::model::FieldMap;
use asff_core::{build, repository_resource, Context, Draft, Emitter, Label, ReportError, Scope};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::OffsetDateTime;

use crate::model::{Component, Flow, Hotspot, Issue, Page, Rule, Severity, SonarReport, TextRange};
use crate::{Options, TOOL};

/// The type of bugs and code smells: the namespace alone (see the crate docs).
pub(crate) use asff_core::vuln::TYPE_SOFTWARE_AND_CONFIGURATION as TYPE_QUALITY;
/// The type of security issues and hotspots.
pub(crate) use asff_core::vuln::TYPE_VULNERABILITY as TYPE_SECURITY;

/// The longest text of secondary locations kept in one product field.
const SECONDARY_MAX: usize = 1900;

/// A response as saved: one page, or an array of pages.
pub(crate) enum Document {
    One(Page),
    Many(Vec<Page>),
}

impl Document {
    /// The pages with the JSON path of each.
    fn pages(&self) -> Vec<(String, &Page)> {
        match self {
            Document::One(p) => vec![("$".to_string(), p)],
            Document::Many(ps) => ps
                .iter()
                .enumerate()
                .map(|(i, p)| (format!("$[{i}]"), p))
                .collect(),
        }
    }
}

/// What a sonar-report export adds to its issues: the rules' descriptions and the server.
#[derive(Debug, Default)]
pub(crate) struct Extras {
    /// Rule key → the rule's description as plain text.
    pub rule_descriptions: HashMap<String, String>,
    /// `sonarBaseURL`: the server, when the options name none.
    pub server_url: Option<String>,
    /// `hotspotKeys`: the issues that are security hotspots.
    pub hotspot_keys: HashSet<String>,
}

/// A sonar-report export as one issues page: each issue with its key, rule, severity, status,
/// file and line, the project (`sonarComponent`), the type SECURITY_HOTSPOT for the keys of
/// `hotspotKeys`; the rules' names as the page's rules; their descriptions and the server in
/// the extras.
pub(crate) fn from_sonar_report(report: SonarReport) -> (Document, Extras) {
    let hotspots: HashSet<String> = report
        .hotspot_keys
        .unwrap_or_default()
        .into_iter()
        .collect();
    let project = report
        .sonar_component
        .filter(|c| !c.trim().is_empty())
        .or(report.project_name.filter(|c| !c.trim().is_empty()));
    let mut extras = Extras {
        server_url: report.sonar_base_url,
        hotspot_keys: hotspots.clone(),
        ..Default::default()
    };
    let mut rules = Vec::new();
    let mut rule_severities: HashMap<String, Severity> = HashMap::new();
    for (key, rule) in report.rules.unwrap_or_default() {
        if let Some(sev) = rule.severity {
            rule_severities.insert(key.clone(), sev);
        }
        if let Some(text) = rule
            .html_desc
            .as_deref()
            .map(html_to_text)
            .filter(|t| !t.is_empty())
        {
            extras.rule_descriptions.insert(key.clone(), text);
        }
        rules.push(Rule {
            key,
            name: rule.name,
        });
    }
    let issues = report
        .issues
        .into_iter()
        .map(|i| {
            let severity = i.severity.or_else(|| {
                i.rule
                    .as_ref()
                    .and_then(|r| rule_severities.get(r))
                    .cloned()
            });
            Issue {
                kind: hotspots
                    .contains(&i.key)
                    .then(|| "SECURITY_HOTSPOT".to_string()),
                key: i.key,
                rule: i.rule,
                severity,
                status: i.status,
                component: i.component,
                project: project.clone(),
                line: i.line,
                message: i.message.or(i.description),
                ..Default::default()
            }
        })
        .collect();
    let page = Page {
        issues: Some(issues),
        rules: Some(rules),
        ..Default::default()
    };
    (Document::One(page), extras)
}

/// HTML (a rule's description) as plain text: tags dropped (block ends and `<br>` become line
/// breaks), the common entities decoded, blank runs collapsed.
pub(crate) fn html_to_text(html: &str) -> String {
    let mut text = String::new();
    let mut rest = html;
    // the source's own line breaks are spaces; only block tags break lines
    let push_text = |text: &mut String, t: &str| {
        for c in t.chars() {
            text.push(if c.is_whitespace() { ' ' } else { c });
        }
    };
    while let Some(open) = rest.find('<') {
        push_text(&mut text, rest.get(..open).unwrap_or(""));
        let after = rest.get(open..).unwrap_or("");
        let Some(close) = after.find('>') else {
            rest = "";
            break;
        };
        let tag = after
            .get(1..close)
            .unwrap_or("")
            .trim_start_matches('/')
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        if matches!(
            tag.as_str(),
            "p" | "br"
                | "li"
                | "ul"
                | "ol"
                | "pre"
                | "h1"
                | "h2"
                | "h3"
                | "h4"
                | "h5"
                | "h6"
                | "div"
                | "tr"
                | "table"
        ) {
            text.push('\n');
        } else {
            text.push(' ');
        }
        rest = after.get(close + 1..).unwrap_or("");
    }
    push_text(&mut text, rest);
    let text = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&");
    text.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

struct Conv<'a, 'o, 's> {
    ctx: &'a Context,
    server: Option<String>,
    scope: Scope,
    components: HashMap<&'a str, &'a Component>,
    rules: HashMap<&'a str, &'a str>,
    rule_descriptions: &'a HashMap<String, String>,
    hotspot_keys: &'a HashSet<String>,
    seen: HashSet<&'a str>,
    duplicates: BTreeMap<&'a str, usize>,
    unknown_words: BTreeSet<String>,
    no_severity: usize,
    out: &'o mut Emitter<'s>,
}

/// Converts every page.
pub(crate) fn convert<'a>(
    doc: &'a Document,
    ctx: &'a Context,
    opts: &Options,
    extras: &'a Extras,
    out: &mut Emitter<'_>,
) -> Result<(), ReportError> {
    let pages = doc.pages();
    let base = |u: Option<&str>| {
        u.map(|u| u.trim().trim_end_matches('/').to_string())
            .filter(|u| !u.is_empty())
    };
    let mut c = Conv {
        ctx,
        // the options' server wins over the one a sonar-report export names
        server: base(opts.server_url.as_deref()).or_else(|| base(extras.server_url.as_deref())),
        rule_descriptions: &extras.rule_descriptions,
        hotspot_keys: &extras.hotspot_keys,
        scope: ctx.code_scope_for(TOOL.name)?,
        components: HashMap::new(),
        rules: HashMap::new(),
        seen: HashSet::new(),
        duplicates: BTreeMap::new(),
        unknown_words: BTreeSet::new(),
        no_severity: 0,
        out,
    };
    // the report speaks for the repository, also when it has no issues
    c.out.cover(&TOOL, &c.scope);
    if let Document::Many(ps) = doc {
        if ps.is_empty() {
            tracing::warn!("an empty array of SonarQube pages");
            c.out
                .mark_incomplete("an empty array of SonarQube pages: no search result was saved");
        }
    }
    for (path, page) in &pages {
        if page.issues.is_none() && page.hotspots.is_none() {
            return Err(ReportError::at_path(
                TOOL.name,
                path.clone(),
                "neither `issues` nor `hotspots`: not a response of api/issues/search or api/hotspots/search",
            ));
        }
        for comp in page.components.iter().flatten() {
            c.components.entry(comp.key.as_str()).or_insert(comp);
        }
        for rule in page.rules.iter().flatten() {
            if let Some(name) = rule.name.as_deref() {
                c.rules.entry(rule.key.as_str()).or_insert(name);
            }
        }
    }

    let (mut issue_count, mut hotspot_count) = (0usize, 0usize);
    let (mut issue_total, mut hotspot_total) = (None::<u64>, None::<u64>);
    for (path, page) in &pages {
        let total = page.paging.as_ref().and_then(|p| p.total).or(page.total);
        if let Some(issues) = &page.issues {
            issue_count += issues.len();
            issue_total = issue_total.max(total);
            for (i, issue) in issues.iter().enumerate() {
                c.out.records += 1;
                c.issue(format!("{path}.issues[{i}]"), issue)?;
            }
        }
        if let Some(hotspots) = &page.hotspots {
            hotspot_count += hotspots.len();
            hotspot_total = hotspot_total.max(total);
            for (i, hotspot) in hotspots.iter().enumerate() {
                c.out.records += 1;
                c.hotspot(format!("{path}.hotspots[{i}]"), hotspot)?;
            }
        }
    }

    for (what, count, total) in [
        ("issues", issue_count, issue_total),
        ("hotspots", hotspot_count, hotspot_total),
    ] {
        if let Some(total) = total.filter(|t| (count as u64) < *t) {
            let limit = if total > 10_000 {
                " (a search returns at most 10,000 results: narrow it, e.g. by component or date)"
            } else {
                ""
            };
            c.out.mark_incomplete(format!(
                "the report holds {count} of the {total} {what} the server found: save every page (p=1, 2, …) as one JSON array{limit}"
            ));
        }
    }
    for (key, n) in &c.duplicates {
        // results that shifted between pages repeat some records and miss others
        c.out.mark_incomplete(format!(
            "key {key} appears {} times (pages fetched while the server's results changed?): the first is kept",
            n + 1
        ));
    }
    for w in &c.unknown_words {
        c.out
            .warnings
            .push(format!("unknown SonarQube severity {w:?} taken as MEDIUM"));
    }
    if c.no_severity > 0 {
        c.out.warnings.push(format!(
            "{} records have no severity: taken as MEDIUM",
            c.no_severity
        ));
    }
    Ok(())
}

impl<'a> Conv<'a, '_, '_> {
    /// Whether the key was seen before; a repeated key is skipped.
    fn repeated(&mut self, path: &str, key: &'a str) -> bool {
        if self.seen.insert(key) {
            return false;
        }
        *self.duplicates.entry(key).or_insert(0) += 1;
        self.out.skip(path, "duplicate key");
        true
    }

    fn issue(&mut self, path: String, issue: &'a Issue) -> Result<(), ReportError> {
        if self.repeated(&path, &issue.key) {
            return Ok(());
        }
        if let Some(reason) = issue_skip_reason(issue) {
            self.out.skip(path, reason);
            return Ok(());
        }
        let impacts = issue.impacts.as_deref().unwrap_or_default();
        let is_security = issue.kind.as_deref().is_some_and(|k| {
            k.eq_ignore_ascii_case("VULNERABILITY") || k.eq_ignore_ascii_case("SECURITY_HOTSPOT")
        }) || impacts
            .iter()
            .any(|i| i.software_quality.eq_ignore_ascii_case("SECURITY"));
        let severity = issue_severity(issue);
        let (label, original) = self.label(severity, &path);

        let file = self.file_of(issue.component.as_deref(), issue.project.as_deref());
        let line = issue.line.or(issue.text_range.and_then(|r| r.start_line));
        let location = location_text(file.as_deref(), issue.project.as_deref(), line);
        let rule = issue.rule.as_deref();
        let rule_name = rule.and_then(|r| self.rules.get(r).copied());
        let tags = issue.tags.as_deref().unwrap_or_default();
        let (cwes, owasp) = standards(tags);
        let message = issue.message.as_deref().unwrap_or("").trim();

        let mut pf = FieldMap::new();
        // a sonar-report export lists its hotspots among the issues
        let hotspot = self.hotspot_keys.contains(issue.key.as_str());
        put(
            &mut pf,
            "Kind",
            Some(if hotspot { "hotspot" } else { "issue" }),
        );
        put(&mut pf, "Key", Some(&issue.key));
        put(&mut pf, "Project", issue.project.as_deref());
        put(&mut pf, "Component", issue.component.as_deref());
        put(&mut pf, "Rule", rule);
        put(&mut pf, "RuleName", rule_name);
        put(&mut pf, "Type", issue.kind.as_deref());
        put(
            &mut pf,
            "Severity",
            issue.severity.as_ref().map(Severity::as_str),
        );
        let impacts_text = impacts
            .iter()
            .map(|i| format!("{}:{}", i.software_quality, i.severity.as_str()))
            .collect::<Vec<_>>()
            .join(", ");
        put(&mut pf, "Impacts", Some(&impacts_text));
        let clean_code = match (
            issue.clean_code_attribute.as_deref(),
            issue.clean_code_attribute_category.as_deref(),
        ) {
            (Some(a), Some(c)) => Some(format!("{a} ({c})")),
            (a, c) => a.or(c).map(str::to_string),
        };
        put(&mut pf, "CleanCodeAttribute", clean_code.as_deref());
        let status = issue
            .issue_status
            .clone()
            .or_else(|| issue.simple_status.clone())
            .or_else(|| match (&issue.status, &issue.resolution) {
                (Some(s), Some(r)) => Some(format!("{s}/{r}")),
                (s, _) => s.clone(),
            });
        put(&mut pf, "Status", status.as_deref());
        put(&mut pf, "Tags", Some(&tags.join(", ")));
        put(&mut pf, "CWE", Some(&cwes.join(", ")));
        put(&mut pf, "OWASP", Some(&owasp.join(", ")));
        put(&mut pf, "Location", Some(&location));
        put(&mut pf, "Effort", issue.effort.as_deref());
        put(&mut pf, "Author", issue.author.as_deref());
        put(&mut pf, "Assignee", issue.assignee.as_deref());
        put(&mut pf, "CreationDate", issue.creation_date.as_deref());
        put(&mut pf, "UpdateDate", issue.update_date.as_deref());
        put(&mut pf, "Branch", issue.branch.as_deref());
        put(&mut pf, "PullRequest", issue.pull_request.as_deref());
        put(&mut pf, "Scope", issue.scope.as_deref());
        let (secondary, n_secondary) =
            self.secondary_locations(issue.flows.as_deref(), file.as_deref());
        put(&mut pf, "SecondaryLocations", Some(&secondary));
        if n_secondary > 0 {
            pf.insert(
                "sonarqube/SecondaryLocationCount".into(),
                n_secondary.to_string(),
            );
        }

        let mut description = vec![if message.is_empty() {
            "SonarQube issue".to_string()
        } else {
            message.to_string()
        }];
        if let Some(r) = rule {
            description.push(match rule_name {
                Some(n) => format!("Rule: {r} ({n})"),
                None => format!("Rule: {r}"),
            });
        }
        description.push(format!("Location: {location}"));
        let mut kinds = Vec::new();
        if let Some(k) = &issue.kind {
            kinds.push(format!("Type: {k}"));
        }
        if !impacts_text.is_empty() {
            kinds.push(format!("Impacts: {impacts_text}"));
        }
        if !kinds.is_empty() {
            description.push(kinds.join("; "));
        }
        if !tags.is_empty() {
            description.push(format!("Tags: {}", tags.join(", ")));
        }
        if let Some(d) = rule.and_then(|r| self.rule_descriptions.get(r)) {
            description.push(d.clone());
        }

        let mut rule_ids: Vec<String> = rule.map(str::to_string).into_iter().collect();
        rule_ids.extend(cwes.iter().cloned());

        let draft = Draft {
            identity: vec![issue.key.clone()],
            title: title(message, rule, file.as_deref()),
            description: description.join("\n"),
            label: Some(label),
            original_severity: original,
            rule_ids,
            types: vec![if is_security {
                TYPE_SECURITY
            } else {
                TYPE_QUALITY
            }
            .to_string()],
            remediation_text: None,
            remediation_url: None,
            source_url: self.url(
                if hotspot {
                    "security_hotspots"
                } else {
                    "project/issues"
                },
                if hotspot { "hotspots" } else { "open" },
                issue.project.as_deref(),
                &issue.key,
                issue.branch.as_deref(),
                issue.pull_request.as_deref(),
            ),
            product_fields: pf,
            resources: vec![self.resource(
                file.as_deref(),
                issue.component.as_deref(),
                line,
                issue.text_range,
            )],
            vulnerabilities: Vec::new(),
            first_observed_at: issue.creation_date.as_deref().and_then(observed_at),
        };
        let draft = self.with_remediation(draft, rule, rule_name);
        self.emit(&path, draft)
    }

    fn hotspot(&mut self, path: String, h: &'a Hotspot) -> Result<(), ReportError> {
        if self.repeated(&path, &h.key) {
            return Ok(());
        }
        if let Some(reason) = hotspot_skip_reason(h.status.as_deref(), h.resolution.as_deref()) {
            self.out.skip(path, reason);
            return Ok(());
        }
        let (label, original) = self.label(h.vulnerability_probability.as_ref(), &path);
        let file = self.file_of(h.component.as_deref(), h.project.as_deref());
        let line = h.line.or(h.text_range.and_then(|r| r.start_line));
        let location = location_text(file.as_deref(), h.project.as_deref(), line);
        let rule = h.rule_key.as_deref();
        let rule_name = rule.and_then(|r| self.rules.get(r).copied());
        let message = h.message.as_deref().unwrap_or("").trim();

        let mut pf = FieldMap::new();
        put(&mut pf, "Kind", Some("hotspot"));
        put(&mut pf, "Key", Some(&h.key));
        put(&mut pf, "Project", h.project.as_deref());
        put(&mut pf, "Component", h.component.as_deref());
        put(&mut pf, "Rule", rule);
        put(&mut pf, "RuleName", rule_name);
        put(&mut pf, "SecurityCategory", h.security_category.as_deref());
        put(
            &mut pf,
            "VulnerabilityProbability",
            h.vulnerability_probability.as_ref().map(Severity::as_str),
        );
        let status = match (&h.status, &h.resolution) {
            (Some(s), Some(r)) => Some(format!("{s}/{r}")),
            (s, _) => s.clone(),
        };
        put(&mut pf, "Status", status.as_deref());
        put(&mut pf, "Location", Some(&location));
        put(&mut pf, "Author", h.author.as_deref());
        put(&mut pf, "Assignee", h.assignee.as_deref());
        put(&mut pf, "CreationDate", h.creation_date.as_deref());
        put(&mut pf, "UpdateDate", h.update_date.as_deref());
        put(&mut pf, "Branch", h.branch.as_deref());
        put(&mut pf, "PullRequest", h.pull_request.as_deref());
        let (secondary, n_secondary) =
            self.secondary_locations(h.flows.as_deref(), file.as_deref());
        put(&mut pf, "SecondaryLocations", Some(&secondary));
        if n_secondary > 0 {
            pf.insert(
                "sonarqube/SecondaryLocationCount".into(),
                n_secondary.to_string(),
            );
        }

        let mut description = vec![
            if message.is_empty() {
                "SonarQube security hotspot".to_string()
            } else {
                message.to_string()
            },
            format!(
                "Security hotspot to review: category {}, review priority {}.",
                h.security_category.as_deref().unwrap_or("unknown"),
                h.vulnerability_probability
                    .as_ref()
                    .map_or("unknown", Severity::as_str)
            ),
        ];
        if let Some(r) = rule {
            description.push(match rule_name {
                Some(n) => format!("Rule: {r} ({n})"),
                None => format!("Rule: {r}"),
            });
        }
        description.push(format!("Location: {location}"));

        let draft = Draft {
            identity: vec![h.key.clone()],
            title: format!(
                "Security hotspot: {}",
                title(message, rule, file.as_deref())
            ),
            description: description.join("\n"),
            label: Some(label),
            original_severity: original,
            rule_ids: rule.map(str::to_string).into_iter().collect(),
            types: vec![TYPE_SECURITY.to_string()],
            source_url: self.url(
                "security_hotspots",
                "hotspots",
                h.project.as_deref(),
                &h.key,
                h.branch.as_deref(),
                h.pull_request.as_deref(),
            ),
            product_fields: pf,
            resources: vec![self.resource(
                file.as_deref(),
                h.component.as_deref(),
                line,
                h.text_range,
            )],
            first_observed_at: h.creation_date.as_deref().and_then(observed_at),
            ..Default::default()
        };
        let draft = self.with_remediation(draft, rule, rule_name);
        self.emit(&path, draft)
    }

    fn emit(&mut self, path: &str, draft: Draft) -> Result<(), ReportError> {
        let finding = build(self.ctx, &TOOL, &self.scope, draft)
            .map_err(|e| ReportError::at_path(TOOL.name, path, e.to_string()))?;
        self.out.emit(finding)?;
        Ok(())
    }

    /// The label and original word of a severity; a missing or unknown word is MEDIUM.
    fn label(&mut self, severity: Option<&Severity>, path: &str) -> (Label, String) {
        match severity {
            Some(s) => {
                if let Severity::Unknown(w) = s {
                    self.unknown_words.insert(w.clone());
                }
                (Label::from(s), s.as_str().to_string())
            }
            None => {
                tracing::warn!(record = path, "no severity: taken as MEDIUM");
                self.no_severity += 1;
                (Label::Medium, String::new())
            }
        }
    }

    /// The file path of a component: from `components`, else the key without the
    /// `project:` prefix; `None` for the project itself.
    fn file_of(&self, component: Option<&str>, project: Option<&str>) -> Option<String> {
        let component = component?;
        if let Some(c) = self.components.get(component) {
            if c.qualifier.as_deref() == Some("TRK") {
                return None;
            }
            if let Some(p) = c.path.as_deref().or(c.long_name.as_deref()) {
                return Some(p.to_string());
            }
        }
        if Some(component) == project {
            return None;
        }
        if let Some(rest) = project.and_then(|p| component.strip_prefix(p)?.strip_prefix(':')) {
            return Some(rest.to_string());
        }
        Some(component.to_string())
    }

    fn resource(
        &self,
        file: Option<&str>,
        component: Option<&str>,
        line: Option<u64>,
        range: Option<TextRange>,
    ) -> asff_core::model::Resource {
        let mut other = FieldMap::new();
        if let Some(f) = file {
            other.insert("Path".into(), f.to_string());
        }
        if let Some(c) = component {
            other.insert("Component".into(), c.to_string());
        }
        if let Some(l) = line {
            other.insert("Line".into(), l.to_string());
        }
        if let Some(r) = range.and_then(range_text) {
            other.insert("TextRange".into(), r);
        }
        repository_resource(self.ctx, other)
    }

    /// The secondary locations of the flows, one per line (`[flow n] path:line message`), cut
    /// at whole lines with a count of what was left out; and how many there are.
    fn secondary_locations(&self, flows: Option<&[Flow]>, file: Option<&str>) -> (String, usize) {
        let flows = flows.unwrap_or_default();
        let mut lines = Vec::new();
        for (n, flow) in flows.iter().enumerate() {
            for loc in flow.locations.iter().flatten() {
                let loc_file = match loc.component.as_deref() {
                    Some(c) => self.file_of(Some(c), None),
                    None => file.map(str::to_string),
                };
                let mut place = loc_file.unwrap_or_else(|| "(project)".to_string());
                if let Some(l) = loc.text_range.and_then(|r| r.start_line) {
                    place.push_str(&format!(":{l}"));
                }
                let msg = loc.msg.as_deref().unwrap_or("").trim();
                let prefix = if flows.len() > 1 {
                    format!("[flow {}] ", n + 1)
                } else {
                    String::new()
                };
                lines.push(format!("{prefix}{place} {msg}").trim_end().to_string());
            }
        }
        let total = lines.len();
        let mut text = String::new();
        for (i, l) in lines.iter().enumerate() {
            let left = total - i;
            let more = format!("\n… {left} more");
            if text.chars().count() + l.chars().count() + 1 + more.len() > SECONDARY_MAX {
                text.push_str(if text.is_empty() {
                    more.trim_start()
                } else {
                    &more
                });
                break;
            }
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(l);
        }
        (text, total)
    }

    /// A link to the issue or hotspot on the server, when its base URL is known.
    fn url(
        &self,
        page: &str,
        key_param: &str,
        project: Option<&str>,
        key: &str,
        branch: Option<&str>,
        pull_request: Option<&str>,
    ) -> Option<String> {
        let base = self.server.as_deref()?;
        let project = project?;
        let mut url = format!(
            "{base}/{page}?id={}&{key_param}={}",
            encode(project),
            encode(key)
        );
        if let Some(b) = branch {
            url.push_str(&format!("&branch={}", encode(b)));
        }
        if let Some(p) = pull_request {
            url.push_str(&format!("&pullRequest={}", encode(p)));
        }
        Some(url)
    }

    /// A pointer to the rule's description on the server, when its base URL is known.
    fn with_remediation(
        &self,
        mut draft: Draft,
        rule: Option<&str>,
        rule_name: Option<&str>,
    ) -> Draft {
        if let (Some(base), Some(rule)) = (self.server.as_deref(), rule) {
            draft.remediation_url = Some(format!(
                "{base}/coding_rules?open={r}&rule_key={r}",
                r = encode(rule)
            ));
            draft.remediation_text = Some(match rule_name {
                Some(n) => format!(
                    "See SonarQube rule {rule} ({n}) for why this matters and how to fix it."
                ),
                None => {
                    format!("See SonarQube rule {rule} for why this matters and how to fix it.")
                }
            });
        }
        draft
    }
}

/// The severity that decides the label: the SECURITY impact's, else the highest impact's, else
/// the legacy severity.
pub(crate) fn issue_severity(issue: &Issue) -> Option<&Severity> {
    let impacts = issue.impacts.as_deref().unwrap_or_default();
    let highest = |security_only: bool| {
        impacts
            .iter()
            .filter(|i| !security_only || i.software_quality.eq_ignore_ascii_case("SECURITY"))
            .map(|i| &i.severity)
            .max_by_key(|s| Label::from(*s))
    };
    highest(true)
        .or_else(|| highest(false))
        .or(issue.severity.as_ref())
}

/// Why an issue produces no finding, if it does not: by `issueStatus` (or its preview name
/// `simpleStatus`) when the server sends it, else by the legacy `status` and `resolution`.
pub(crate) fn issue_skip_reason(issue: &Issue) -> Option<&'static str> {
    let upper = |s: &Option<String>| s.as_deref().map(|s| s.trim().to_ascii_uppercase());
    if let Some(st) = upper(&issue.issue_status).or_else(|| upper(&issue.simple_status)) {
        return match st.as_str() {
            "FIXED" => Some("fixed"),
            "FALSE_POSITIVE" => Some("false positive"),
            "ACCEPTED" => Some("accepted"),
            "CLOSED" => Some("closed"),
            _ => None,
        };
    }
    let status = upper(&issue.status);
    let resolution = upper(&issue.resolution);
    match status.as_deref() {
        Some("CLOSED") => Some("closed"),
        Some("RESOLVED") => Some(match resolution.as_deref() {
            Some("FIXED") => "fixed",
            Some("FALSE-POSITIVE") | Some("FALSE_POSITIVE") => "false positive",
            Some("WONTFIX") | Some("ACCEPTED") => "accepted",
            Some("REMOVED") => "closed",
            _ => "resolved",
        }),
        // a hotspot in an issues search (7.3 to 8.1)
        Some("REVIEWED") => hotspot_skip_reason(status.as_deref(), resolution.as_deref()),
        _ => None,
    }
}

/// Why a hotspot produces no finding: reviewed as safe or fixed.
pub(crate) fn hotspot_skip_reason(
    status: Option<&str>,
    resolution: Option<&str>,
) -> Option<&'static str> {
    if !status.is_some_and(|s| s.trim().eq_ignore_ascii_case("REVIEWED")) {
        return None;
    }
    match resolution.map(|r| r.trim().to_ascii_uppercase()).as_deref() {
        Some("SAFE") => Some("reviewed safe"),
        Some("FIXED") => Some("reviewed fixed"),
        _ => None,
    }
}

/// CWE ids (`cwe-79` → `CWE-79`) and OWASP categories (`owasp-a1` → `A1`) from tags. The plain
/// `cwe` tag names no weakness and is left out.
pub(crate) fn standards(tags: &[String]) -> (Vec<String>, Vec<String>) {
    let mut cwes = Vec::new();
    let mut owasp = Vec::new();
    for t in tags {
        let t = t.trim().to_ascii_lowercase();
        if let Some(n) = t.strip_prefix("cwe-").or_else(|| t.strip_prefix("cwe:")) {
            if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) {
                cwes.push(format!("CWE-{n}"));
            }
        } else if let Some(cat) = t.strip_prefix("owasp-") {
            if !cat.is_empty() {
                owasp.push(cat.to_ascii_uppercase());
            }
        }
    }
    (cwes, owasp)
}

fn title(message: &str, rule: Option<&str>, file: Option<&str>) -> String {
    if !message.is_empty() {
        return message.to_string();
    }
    match (rule, file) {
        (Some(r), Some(f)) => format!("{r} in {f}"),
        (Some(r), None) => r.to_string(),
        (None, Some(f)) => format!("SonarQube finding in {f}"),
        (None, None) => "SonarQube finding".to_string(),
    }
}

fn location_text(file: Option<&str>, project: Option<&str>, line: Option<u64>) -> String {
    match (file, line) {
        (Some(f), Some(l)) => format!("{f}:{l}"),
        (Some(f), None) => f.to_string(),
        (None, _) => match project {
            Some(p) => format!("project {p}"),
            None => "project".to_string(),
        },
    }
}

/// `startLine:startOffset-endLine:endOffset`.
fn range_text(r: TextRange) -> Option<String> {
    let sl = r.start_line?;
    let el = r.end_line.unwrap_or(sl);
    Some(match (r.start_offset, r.end_offset) {
        (Some(so), Some(eo)) => format!("{sl}:{so}-{el}:{eo}"),
        _ => format!("{sl}-{el}"),
    })
}

/// Adds `sonarqube/{name}` when the value is not empty.
fn put(pf: &mut FieldMap, name: &str, value: Option<&str>) {
    if let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) {
        pf.insert(format!("sonarqube/{name}"), v.to_string());
    }
}

/// SonarQube's dates (`2013-05-13T17:55:39+0200`) or RFC 3339, as ASFF timestamps.
pub(crate) fn observed_at(s: &str) -> Option<String> {
    let sonar = format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second][offset_hour sign:mandatory][offset_minute]"
    );
    let t = OffsetDateTime::parse(s.trim(), &Rfc3339)
        .or_else(|_| OffsetDateTime::parse(s.trim(), &sonar))
        .ok()?;
    Some(format_timestamp(t))
}

/// Percent-encodes a query value (keeps unreserved characters, `:` and `/`).
pub(crate) fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b':' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_descriptions_become_text() {
        assert_eq!(
            html_to_text("<p>A <code>x &lt; y</code>\n  check.</p><ul><li>one</li><li>two &amp; three</li></ul>"),
            "A x < y check.\none\ntwo & three"
        );
        assert_eq!(html_to_text("no tags"), "no tags");
        assert_eq!(html_to_text("cut <b"), "cut");
        assert_eq!(html_to_text(""), "");
    }
}

//! SARIF results to drafts (the rules are in the crate docs).

use std::collections::HashMap;

use asff_core::model::{FieldMap, Resource, ResourceDetails};
use asff_core::redact::mask_values;
use asff_core::text::{clean, non_empty, push_unique, uri_path, uri_scheme};
use asff_core::vuln::{cwe_id, vulnerability_type, TYPE_VULNERABILITY};
use asff_core::{
    build_with_product, repository_resource, Context, Draft, Emitter, Label, ReportError,
};
use serde_json::Value;

use crate::model::{
    ArtifactLocation, Location, Log, Message, Properties, Rule, Run, SarifResult, ToolComponent,
};
use crate::TOOL;

/// The Types of IaC checks about AWS resources.
pub const TYPE_AWS_BEST_PRACTICES: &str =
    "Software and Configuration Checks/AWS Security Best Practices";
/// The Types of other IaC checks (Dockerfiles, Kubernetes, other clouds).
pub const TYPE_STANDARDS: &str =
    "Software and Configuration Checks/Industry and Regulatory Standards";
/// The Types of secrets found in code.
pub const TYPE_SECRETS: &str = "Sensitive Data Identifications/Passwords";

/// Most resources of a finding (Security Hub's limit): the repository and 31 locations.
const MAX_RESOURCES: usize = 32;
/// Most result properties kept as product fields.
const MAX_PROPERTIES: usize = 16;
/// Most links followed in a chain of `originalUriBaseIds`.
const MAX_BASE_DEPTH: usize = 16;
/// The placeholder Semgrep OSS writes as every result's `matchBasedId/v1` fingerprint when
/// not logged in: the same on every result, so no fingerprint.
const PLACEHOLDER_FINGERPRINT: &str = "requires login";

/// What a rule checks, for the Types and for how secrets are treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Category {
    /// A secret in the code (Gitleaks, TruffleHog, Checkov's and Trivy's secret checks, a rule
    /// tagged `secret`): its snippet and the values the tool calls the secret are masked.
    Secret,
    /// An infrastructure-as-code check; `aws` when about AWS resources.
    Iac { aws: bool },
    /// A package vulnerability (Trivy's package rules).
    Package,
    /// Any other code scanner's result.
    Code,
}

pub(crate) fn convert(log: &Log, ctx: &Context, out: &mut Emitter<'_>) -> Result<(), ReportError> {
    let base = ctx.code_scope_for(TOOL.name)?;
    if log.runs.is_empty() {
        // no tool to speak for: nothing covered, and flagged rather than taken as a clean scan
        out.mark_incomplete(
            "the SARIF log has no runs: no tool's results, so it covers no scope and nothing is archived",
        );
        return Ok(());
    }
    // how many results with the same identity came before, over the whole log
    let mut equals: HashMap<Vec<String>, usize> = HashMap::new();
    let mut repeated = 0usize;

    for (r, run) in log.runs.iter().enumerate() {
        let driver = &run.tool.driver;
        let name = clean(driver.name.trim());
        if name.is_empty() {
            return Err(ReportError::at_path(
                TOOL.name,
                format!("$.runs[{r}].tool.driver.name"),
                "the driver's name is empty: the tool that wrote the run is unknown",
            ));
        }
        let scope = base.clone().of_producer(&name);
        out.cover(&TOOL, &scope);
        for inv in &run.invocations {
            if inv.execution_successful == Some(false) {
                let code = inv
                    .exit_code
                    .map(|c| format!(" (exit code {c})"))
                    .unwrap_or_default();
                out.mark_incomplete(format!(
                    "run {r} ({name}): the tool says its execution did not succeed{code}"
                ));
            }
        }
        let Some(results) = &run.results else {
            out.mark_incomplete(format!(
                "run {r} ({name}) has no results: the tool produced none (SARIF writes an empty array when it found nothing)"
            ));
            continue;
        };
        let company = driver
            .organization
            .as_deref()
            .and_then(|o| non_empty(Some(o)))
            .unwrap_or(&name)
            .to_string();

        for (i, res) in results.iter().enumerate() {
            out.records += 1;
            let record = format!("$.runs[{r}].results[{i}]");
            if let Some(reason) = skip_reason(res) {
                out.skip(record, reason);
                continue;
            }
            let mut draft = draft(ctx, run, &name, res);
            let n = equals.entry(draft.identity.clone()).or_insert(0);
            let ordinal = *n;
            *n += 1;
            if ordinal > 0 {
                repeated += 1;
                draft
                    .product_fields
                    .insert("sarif/Occurrence".into(), (ordinal + 1).to_string());
            }
            draft.identity.push(ordinal.to_string());
            let finding = build_with_product(ctx, &TOOL, &scope, draft, &name, &company)
                .map_err(|e| ReportError::at_path(TOOL.name, record, e.to_string()))?;
            out.emit(finding)?;
        }
    }
    if repeated > 0 {
        let (n, are) = if repeated == 1 {
            ("1 result".to_string(), "is")
        } else {
            (format!("{repeated} results"), "are")
        };
        out.warnings.push(format!(
            "{n} {are} equal in identity to an earlier one (same tool and rule, and the same fingerprints, or the same file, logical location and message): told apart by their order in the report (sarif/Occurrence)"
        ));
    }
    Ok(())
}

/// Why a result is no finding: not a failure (`kind`), suppressed, or absent from this scan.
fn skip_reason(res: &SarifResult) -> Option<String> {
    if let Some(kind) = res.kind.as_deref().map(str::trim) {
        if kind != "fail" {
            return Some(format!("kind {kind}"));
        }
    }
    let suppressed = res.suppressions.as_deref().is_some_and(|s| {
        s.iter().any(|s| match s.status.as_deref().map(str::trim) {
            None => true,
            Some(status) => status.eq_ignore_ascii_case("accepted"),
        })
    });
    if suppressed {
        return Some("suppressed".into());
    }
    if res.baseline_state.as_deref().map(str::trim) == Some("absent") {
        return Some("absent from this scan".into());
    }
    None
}

/// A non-negative index.
fn index(i: Option<i64>) -> Option<usize> {
    i.and_then(|i| usize::try_from(i).ok())
}

/// The rule of a result: by index into the driver's rules or an extension's, else by id; none
/// when the result names none (Gitleaks 7) or one the run does not describe.
fn rule_of<'r>(run: &'r Run, res: &SarifResult) -> Option<&'r Rule> {
    let reference = res.rule.as_ref();
    // the tool component the rule belongs to: an extension by index (or by name), else the driver
    let component: Option<&ToolComponent> = match reference.and_then(|r| r.tool_component.as_ref())
    {
        Some(t) if t.index.is_some() => index(t.index).and_then(|c| run.tool.extensions.get(c)),
        Some(t) => match non_empty(t.name.as_deref()) {
            Some(name) if name != run.tool.driver.name.trim() => {
                run.tool.extensions.iter().find(|e| e.name.trim() == name)
            }
            _ => Some(&run.tool.driver),
        },
        None => Some(&run.tool.driver),
    };
    let by_index = index(res.rule_index.or(reference.and_then(|r| r.index)))
        .and_then(|i| component.and_then(|c| c.rules.get(i)));
    if by_index.is_some() {
        return by_index;
    }
    let id = rule_id(res, None)?;
    let matches = |c: &'r ToolComponent| c.rules.iter().find(|r| r.id.as_deref() == Some(id));
    component
        .and_then(matches)
        .or_else(|| matches(&run.tool.driver))
        .or_else(|| run.tool.extensions.iter().find_map(matches))
}

/// The rule id: the result's `ruleId` or `rule.id`, else its rule's.
fn rule_id<'a>(res: &'a SarifResult, rule: Option<&'a Rule>) -> Option<&'a str> {
    non_empty(res.rule_id.as_deref())
        .or_else(|| non_empty(res.rule.as_ref().and_then(|r| r.id.as_deref())))
        .or_else(|| non_empty(rule.and_then(|r| r.id.as_deref())))
}

/// The label and `Severity.Original`: `security-severity` (the result's, else the rule's),
/// else the level.
fn severity(res: &SarifResult, rule: Option<&Rule>) -> (Label, String, String) {
    let level = non_empty(res.level.as_deref())
        .or_else(|| {
            non_empty(
                rule.and_then(|r| r.default_configuration.as_ref())
                    .and_then(|c| c.level.as_deref()),
            )
        })
        .unwrap_or("warning")
        .to_string();
    let scored = [
        res.properties.as_ref(),
        rule.and_then(|r| r.properties.as_ref()),
    ]
    .into_iter()
    .flatten()
    .find_map(security_severity);
    if let Some((label, shown)) = scored {
        return (label, format!("security-severity {shown}"), level);
    }
    let label = match level.as_str() {
        "error" => Label::High,
        "note" => Label::Low,
        "none" => Label::Informational,
        // `warning`, and a word SARIF does not define
        _ => Label::Medium,
    };
    (label, format!("level {level}"), level)
}

/// `security-severity` of a property bag: a CVSS v3 score (number or string) or a word.
fn security_severity(props: &Properties) -> Option<(Label, String)> {
    let (score, shown) = match props.get("security-severity")? {
        Value::Number(n) => (n.as_f64()?, n.to_string()),
        Value::String(s) => {
            let s = s.trim();
            match s.parse::<f64>() {
                Ok(x) => (x, s.to_string()),
                Err(_) => {
                    let label = match s.to_ascii_lowercase().as_str() {
                        "critical" => Label::Critical,
                        "high" => Label::High,
                        "medium" => Label::Medium,
                        "low" => Label::Low,
                        "info" | "informational" | "none" => Label::Informational,
                        _ => return None,
                    };
                    return Some((label, clean(s)));
                }
            }
        }
        _ => return None,
    };
    Label::from_cvss(score).map(|l| (l, shown))
}

/// The message text: `text`, else `markdown`, else the rule's (or the tool's) message string
/// named by `id`; `{n}` placeholders filled from the arguments.
fn message_text(msg: &Message, rule: Option<&Rule>, driver: &ToolComponent) -> String {
    let by_id = |id: &str| {
        rule.and_then(|r| r.message_strings.get(id))
            .or_else(|| driver.global_message_strings.get(id))
            .and_then(|m| m.text.as_deref().or(m.markdown.as_deref()))
    };
    let template = msg
        .text
        .as_deref()
        .or(msg.markdown.as_deref())
        .or_else(|| msg.id.as_deref().and_then(by_id))
        .unwrap_or_default();
    fill(template, &msg.arguments).trim().to_string()
}

/// `{n}` replaced by the n-th argument (left as it is without one), `{{` and `}}` as braces.
fn fill(template: &str, arguments: &[String]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                out.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                out.push('}');
            }
            '{' => {
                let mut digits = String::new();
                while let Some(d) = chars.peek().copied().filter(char::is_ascii_digit) {
                    digits.push(d);
                    chars.next();
                }
                let arg = digits
                    .parse::<usize>()
                    .ok()
                    .filter(|_| chars.peek() == Some(&'}'))
                    .and_then(|n| arguments.get(n));
                match arg {
                    Some(a) => {
                        chars.next();
                        out.push_str(a);
                    }
                    None => {
                        out.push('{');
                        out.push_str(&digits);
                    }
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// The first sentence of a message, on one line.
fn first_sentence(text: &str) -> String {
    let line = one_line(text);
    let end = line
        .char_indices()
        .find(|&(i, c)| {
            c == '.'
                && line
                    .get(i + 1..)
                    .is_none_or(|rest| rest.starts_with(' ') || rest.is_empty())
        })
        .map(|(i, _)| i);
    match end.and_then(|e| line.get(..e)) {
        Some(s) if !s.trim().is_empty() => s.trim().to_string(),
        _ => line,
    }
}

fn one_line(s: &str) -> String {
    clean(&s.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// A file of a location, for the Id (relative to the checkout) and for showing.
struct FilePath {
    id: String,
    shown: String,
}

/// Whether a URI reference is absolute: a scheme (`file:///…`) or an absolute path.
fn is_absolute(uri: &str) -> bool {
    uri_scheme(uri).is_some() || uri.starts_with('/') || uri.starts_with('\\')
}

fn join(base: &str, rel: &str) -> String {
    if base.is_empty() || base.ends_with('/') {
        format!("{base}{rel}")
    } else {
        format!("{base}/{rel}")
    }
}

/// The file an artifact location names: the URI (or the run's artifact it points to) resolved
/// through `originalUriBaseIds`. A relative URI whose base is undefined (`%SRCROOT%`) is
/// relative to the checkout already; one whose chain of bases ends at an absolute URI is made
/// relative to the source root when it is under it, else kept relative to that outermost base
/// (which stands for the checkout); an absolute URI is made relative to the source root when it
/// is under it.
fn file_path(ctx: &Context, run: &Run, al: &ArtifactLocation) -> Option<FilePath> {
    let from_artifact = || {
        index(al.index)
            .and_then(|i| run.artifacts.get(i))
            .and_then(|a| a.location.clone())
    };
    let al = match non_empty(al.uri.as_deref()) {
        Some(_) => al.clone(),
        None => from_artifact()?,
    };
    let uri = non_empty(al.uri.as_deref())?;
    let of = |p: &str| FilePath {
        id: ctx.source_path(p).into_owned(),
        shown: ctx.relative_path(p).into_owned(),
    };
    if is_absolute(uri) {
        return Some(of(&uri_path(uri)));
    }
    let mut rel = uri_path(uri);
    let mut base = al.uri_base_id.clone();
    for _ in 0..MAX_BASE_DEPTH {
        let Some(def) = base
            .as_deref()
            .and_then(|b| run.original_uri_base_ids.get(b))
        else {
            break;
        };
        let Some(b) = non_empty(def.uri.as_deref()) else {
            break;
        };
        if is_absolute(b) {
            let abs = join(&uri_path(b), &rel);
            let under_root = ctx.relative_path(&abs);
            if under_root != abs {
                let p = under_root.into_owned();
                return Some(FilePath {
                    id: p.clone(),
                    shown: p,
                });
            }
            return Some(FilePath {
                id: rel.clone(),
                shown: rel,
            });
        }
        rel = join(&uri_path(b), &rel);
        base = def.uri_base_id.clone();
    }
    Some(of(&rel))
}

/// The fully qualified name of a location's first logical location (or its name, or the run's
/// logical location it points to).
fn logical_name(run: &Run, loc: &Location) -> Option<String> {
    let l = loc.logical_locations.first()?;
    let own = non_empty(l.fully_qualified_name.as_deref()).or(non_empty(l.name.as_deref()));
    let shared = || {
        index(l.index)
            .and_then(|i| run.logical_locations.get(i))
            .and_then(|s| {
                non_empty(s.fully_qualified_name.as_deref()).or(non_empty(s.name.as_deref()))
            })
    };
    own.or_else(shared).map(clean)
}

/// A location as shown: the file and start line (`src/a.py:12`), the file alone, or the
/// logical location.
struct Place {
    file: Option<FilePath>,
    line: Option<u64>,
    end_line: Option<u64>,
    logical: Option<String>,
    snippet: Option<String>,
}

impl Place {
    fn of(ctx: &Context, run: &Run, loc: &Location) -> Place {
        let phys = loc.physical_location.as_ref();
        let region = phys.and_then(|p| p.region.as_ref());
        Place {
            file: phys
                .and_then(|p| p.artifact_location.as_ref())
                .and_then(|al| file_path(ctx, run, al)),
            line: region.and_then(|r| r.start_line),
            end_line: region.and_then(|r| r.end_line),
            logical: logical_name(run, loc),
            snippet: region
                .and_then(|r| r.snippet.as_ref())
                .or_else(|| {
                    phys.and_then(|p| p.context_region.as_ref())
                        .and_then(|r| r.snippet.as_ref())
                })
                .and_then(|s| s.text.clone())
                .filter(|s| !s.trim().is_empty()),
        }
    }

    /// `uri:startLine`, the file, or the logical location.
    fn shown(&self) -> Option<String> {
        match (&self.file, self.line) {
            (Some(f), Some(l)) => Some(format!("{}:{l}", f.shown)),
            (Some(f), None) => Some(f.shown.clone()),
            (None, _) => self.logical.clone(),
        }
    }

    fn resource(&self, ctx: &Context) -> Option<Resource> {
        let id = self.shown()?;
        let mut other = FieldMap::new();
        if let Some(f) = &self.file {
            other.insert("Path".into(), f.shown.clone());
            other.insert("Region".into(), id.clone());
        }
        if let Some(l) = self.line {
            other.insert("StartLine".into(), l.to_string());
        }
        if let Some(l) = self.end_line {
            other.insert("EndLine".into(), l.to_string());
        }
        if let Some(l) = &self.logical {
            other.insert("LogicalLocation".into(), l.clone());
        }
        Some(Resource {
            kind: "Other".into(),
            id,
            partition: Some(ctx.partition().to_string()),
            region: Some(ctx.region().to_string()),
            details: Some(ResourceDetails {
                other,
                ..Default::default()
            }),
            ..Default::default()
        })
    }
}

/// The rule's tags (`properties.tags`).
fn tags(rule: Option<&Rule>) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(Value::Array(ts)) = rule
        .and_then(|r| r.properties.as_ref())
        .and_then(|p| p.get("tags"))
    {
        for t in ts.iter().filter_map(Value::as_str) {
            push_unique(&mut out, &clean(t));
        }
    }
    out
}

/// CWE ids from the rule's tags and its relationships.
fn cwes(rule: Option<&Rule>, tags: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for t in tags {
        if let Some(c) = cwe_id(t) {
            push_unique(&mut out, &c);
        }
    }
    for rel in rule.map(|r| r.relationships.as_slice()).unwrap_or_default() {
        let Some(id) = non_empty(rel.target.id.as_deref()) else {
            continue;
        };
        let cwe_taxonomy = rel
            .target
            .tool_component
            .as_ref()
            .and_then(|t| t.name.as_deref())
            .is_some_and(|n| n.trim().eq_ignore_ascii_case("cwe"));
        let c = match cwe_id(id) {
            Some(c) => Some(c),
            None if cwe_taxonomy => id.parse::<u64>().ok().map(|n| format!("CWE-{n}")),
            None => None,
        };
        if let Some(c) = c {
            push_unique(&mut out, &c);
        }
    }
    out
}

/// What a rule checks, from the tool, the rule and its tags.
fn category(driver: &str, rule: Option<&Rule>, rule_id: Option<&str>, tags: &[String]) -> Category {
    let d = driver.to_ascii_lowercase();
    let id = rule_id.unwrap_or_default().to_ascii_lowercase();
    let rule_name = rule
        .and_then(|r| r.name.as_deref())
        .map(|n| n.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let tagged_secret = tags
        .iter()
        .any(|t| t.eq_ignore_ascii_case("secret") || t.eq_ignore_ascii_case("secrets"));
    let secret_tool = ["gitleaks", "trufflehog", "detect-secrets", "secret"]
        .iter()
        .any(|t| d.contains(t));
    if secret_tool || tagged_secret || id.starts_with("ckv_secret") || rule_name == "secret" {
        return Category::Secret;
    }
    let aws = id.contains("aws");
    if d == "trivy" {
        return match rule_name.as_str() {
            "misconfiguration" => Category::Iac { aws },
            "ospackagevulnerability" | "languagespecificpackagevulnerability" => Category::Package,
            _ => Category::Code,
        };
    }
    let iac_tool = [
        "checkov",
        "tfsec",
        "kics",
        "terrascan",
        "cfn-lint",
        "cfn_nag",
    ]
    .iter()
    .any(|t| d.contains(t));
    if iac_tool {
        return Category::Iac { aws };
    }
    Category::Code
}

/// The identity: the tool, the rule, and the fingerprints (all entries, sorted) when there
/// are any, else the primary file, logical location and message. Never a line, a column or
/// a position in the report.
fn identity(
    driver: &str,
    rule_id: &str,
    res: &SarifResult,
    primary: Option<&Place>,
    message: &str,
) -> (Vec<String>, Option<String>) {
    let prints = |m: &std::collections::BTreeMap<String, String>| -> Vec<String> {
        m.iter()
            .filter(|(_, v)| !v.trim().is_empty() && v.trim() != PLACEHOLDER_FINGERPRINT)
            .map(|(k, v)| format!("{k}={v}"))
            .collect()
    };
    let mut fingerprints = prints(&res.fingerprints);
    let mut partial = false;
    if fingerprints.is_empty() {
        fingerprints = prints(&res.partial_fingerprints);
        partial = true;
    }
    let key = if rule_id.is_empty() {
        "result"
    } else {
        rule_id
    };
    let mut id = vec![key.to_string(), driver.to_string(), rule_id.to_string()];
    if fingerprints.is_empty() {
        id.push("location".into());
        id.push(
            primary
                .and_then(|p| p.file.as_ref())
                .map(|f| f.id.clone())
                .unwrap_or_default(),
        );
        id.push(primary.and_then(|p| p.logical.clone()).unwrap_or_default());
        id.push(message.to_string());
        (id, None)
    } else {
        let shown = fingerprints.join("; ");
        id.push("fingerprints".into());
        id.extend(fingerprints);
        if partial {
            // partial fingerprints identify a result only with its file (CodeQL's
            // primaryLocationLineHash hashes the line's text: equal lines of two files agree)
            id.push(
                primary
                    .and_then(|p| p.file.as_ref())
                    .map(|f| f.id.clone())
                    .unwrap_or_default(),
            );
        }
        (id, Some(shown))
    }
}

/// The values a secret result says are the secret: its snippets and the properties secret
/// scanners put the match in.
fn secret_values(res: &SarifResult, places: &[Place]) -> Vec<String> {
    let mut out: Vec<String> = places
        .iter()
        .filter_map(|p| p.snippet.as_deref())
        .flat_map(|s| [s.to_string(), s.trim().to_string()])
        .collect();
    if let Some(props) = &res.properties {
        for (k, v) in props {
            let k = k.to_ascii_lowercase();
            if ["secret", "offender", "match", "value"].contains(&k.as_str()) {
                if let Some(s) = v.as_str() {
                    out.push(s.to_string());
                }
            }
        }
    }
    out.retain(|s| !s.trim().is_empty());
    out
}

fn draft(ctx: &Context, run: &Run, driver_name: &str, res: &SarifResult) -> Draft {
    let driver = &run.tool.driver;
    let rule = rule_of(run, res);
    let rule_id = rule_id(res, rule).map(clean).unwrap_or_default();
    let (label, original, level) = severity(res, rule);
    let tags = tags(rule);
    let cwes = cwes(rule, &tags);
    let category = category(driver_name, rule, Some(&rule_id), &tags);
    let message = message_text(&res.message, rule, driver);
    let places: Vec<Place> = res
        .locations
        .iter()
        .map(|l| Place::of(ctx, run, l))
        .collect();
    let primary = places.first();
    let (identity, fingerprints) = identity(driver_name, &rule_id, res, primary, &message);

    // secrets: what the tool calls the secret is masked wherever it is shown
    let secrets = if category == Category::Secret {
        secret_values(res, &places)
    } else {
        Vec::new()
    };
    let secret_refs: Vec<&str> = secrets.iter().map(String::as_str).collect();
    let masked_count = std::cell::Cell::new(0usize);
    let masked = |s: &str| {
        let (text, n) = mask_values(s, &secret_refs);
        masked_count.set(masked_count.get() + n);
        text.into_owned()
    };

    let title = rule
        .and_then(|r| r.short_description.as_ref())
        .and_then(|d| non_empty(d.text.as_deref()).or(non_empty(d.markdown.as_deref())))
        .or_else(|| non_empty(rule.and_then(|r| r.name.as_deref())))
        .map(one_line)
        .unwrap_or_else(|| first_sentence(&message));
    let title = if title.is_empty() {
        format!("{driver_name} result")
    } else {
        masked(&title)
    };

    let shown = primary.and_then(Place::shown);
    let mut description = vec![masked(&message)];
    if let Some(s) = &shown {
        description.push(format!("Location: {s}"));
    }
    if !rule_id.is_empty() {
        description.push(format!("Rule: {rule_id}"));
    }
    let description = description
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("\n");

    let help = rule.and_then(|r| r.help.as_ref());
    let remediation_text = help
        .and_then(|h| non_empty(h.text.as_deref()).or(non_empty(h.markdown.as_deref())))
        .map(masked);
    let remediation_url = non_empty(rule.and_then(|r| r.help_uri.as_deref())).map(str::to_string);

    let mut pf = FieldMap::new();
    let mut put = |k: &str, v: Option<String>| {
        if let Some(v) = v.filter(|v| !v.trim().is_empty()) {
            pf.insert(format!("sarif/{k}"), v);
        }
    };
    put("Tool", Some(driver_name.to_string()));
    put("ToolVersion", driver.version.as_deref().map(clean));
    put(
        "ToolSemanticVersion",
        driver.semantic_version.as_deref().map(clean),
    );
    put("RuleId", Some(rule_id.clone()));
    put(
        "RuleName",
        rule.and_then(|r| r.name.as_deref()).map(one_line),
    );
    put("Level", Some(clean(&level)));
    put("BaselineState", res.baseline_state.as_deref().map(clean));
    put("Rank", res.rank.map(|r| r.to_string()));
    put("CWE", Some(cwes.join(", ")));
    put("Tags", Some(tags.join(", ")));
    put("Fingerprints", fingerprints.map(|f| clean(&f)));
    // suppressions that do not suppress (under review, rejected)
    let suppressions: Vec<String> = res
        .suppressions
        .iter()
        .flatten()
        .map(|s| {
            let part = |v: &Option<String>| non_empty(v.as_deref()).map(clean);
            [part(&s.kind), part(&s.status)]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    put("Suppressions", Some(suppressions.join(", ")));
    if let Some(p) = primary {
        put("File", p.file.as_ref().map(|f| f.shown.clone()));
        put("Line", p.line.map(|l| l.to_string()));
        put("LogicalLocation", p.logical.clone());
        put(
            "Snippet",
            p.snippet.as_deref().map(|s| masked(s.trim_end())),
        );
    }
    if places.len() > 1 {
        put("Locations", Some(places.len().to_string()));
    }
    if !res.related_locations.is_empty() {
        put(
            "RelatedLocations",
            Some(res.related_locations.len().to_string()),
        );
    }
    if !res.code_flows.is_empty() {
        put("CodeFlows", Some(res.code_flows.len().to_string()));
        let steps: Vec<&Location> = res
            .code_flows
            .iter()
            .flat_map(|c| &c.thread_flows)
            .flat_map(|t| &t.locations)
            .filter_map(|l| l.location.as_ref())
            .collect();
        put("CodeFlow/Steps", Some(steps.len().to_string()));
        let at = |l: Option<&&Location>| l.and_then(|l| Place::of(ctx, run, l).shown());
        put("CodeFlow/First", at(steps.first()));
        put("CodeFlow/Last", at(steps.last()));
    }
    if let Some(props) = &res.properties {
        let scalars = props.iter().filter_map(|(k, v)| {
            let v = match v {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                _ => return None,
            };
            Some((k, v))
        });
        for (k, v) in scalars.take(MAX_PROPERTIES) {
            put(&format!("Property/{}", clean(k)), Some(masked(&v)));
        }
    }

    let mut other = FieldMap::new();
    if let Some(p) = primary {
        if let Some(f) = &p.file {
            other.insert("Path".into(), f.shown.clone());
        }
        if let Some(s) = &shown {
            other.insert("Region".into(), s.clone());
        }
    }
    let mut resources = vec![repository_resource(ctx, other)];
    let located: Vec<Resource> = places.iter().filter_map(|p| p.resource(ctx)).collect();
    let omitted = located.len().saturating_sub(MAX_RESOURCES - 1);
    resources.extend(located.into_iter().take(MAX_RESOURCES - 1));
    if omitted > 0 {
        pf.insert("sarif/LocationsOmitted".into(), omitted.to_string());
    }
    for r in &mut resources {
        r.id = masked(&r.id);
        if let Some(d) = r.details.as_mut() {
            for v in d.other.values_mut() {
                *v = masked(v);
            }
        }
    }

    if masked_count.get() > 0 {
        // build adds what its own redaction masks
        pf.insert(
            asff_core::redact::REDACTED_FIELD.into(),
            masked_count.get().to_string(),
        );
    }

    let types = vec![match category {
        Category::Secret => TYPE_SECRETS,
        Category::Iac { aws: true } => TYPE_AWS_BEST_PRACTICES,
        Category::Iac { aws: false } => TYPE_STANDARDS,
        Category::Package => vulnerability_type(&rule_id),
        Category::Code => TYPE_VULNERABILITY,
    }
    .to_string()];

    let mut rule_ids = Vec::new();
    push_unique(&mut rule_ids, &rule_id);
    for c in &cwes {
        push_unique(&mut rule_ids, c);
    }

    Draft {
        identity,
        title,
        description,
        label: Some(label),
        original_severity: original,
        rule_ids,
        types,
        remediation_text,
        remediation_url,
        product_fields: pf,
        resources,
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders() {
        let args = ["ptr".to_string(), "0".to_string()];
        assert_eq!(
            fill("Variable \"{0}\" at {1}.", &args),
            "Variable \"ptr\" at 0."
        );
        assert_eq!(fill("{{0}} {2} {x} {", &args), "{0} {2} {x} {");
        assert_eq!(fill("é{0}é", &args), "éptré");
    }

    #[test]
    fn first_sentences() {
        assert_eq!(first_sentence("A b. C d."), "A b");
        assert_eq!(
            first_sentence("Use of os.system here"),
            "Use of os.system here"
        );
        assert_eq!(
            first_sentence("  Line one\nline two. More"),
            "Line one line two"
        );
        assert_eq!(first_sentence("."), ".");
    }
}

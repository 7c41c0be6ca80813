//! From the Snyk model to ASFF drafts.

use std::collections::{BTreeSet, HashMap};

use asff_core::context::{image_digest, image_repository, image_tag};
use asff_core::model::{
    Cvss, FieldMap, Resource, SoftwarePackage, Vulnerability, VulnerabilityVendor, YesNo,
    YesNoPartial,
};
use asff_core::text::non_empty;
use asff_core::vuln::{Severity, TYPE_CVE as CVE_TYPE, TYPE_VULNERABILITY as VULN_TYPE};
use asff_core::{build, repository_resource, Context, Draft, Emitter, ReportError, Scope};
use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::model::{self, Project};
use crate::TOOL;

const LICENSE_TYPE: &str = "Software and Configuration Checks/Industry and Regulatory Standards";

/// The skip reason of a non-grouped entry that is one more dependency path of a finding
/// emitted from an earlier entry.
pub const AGGREGATED: &str = "aggregated path";

/// Snyk's exploit maturity.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Maturity {
    Mature,
    ProofOfConcept,
    NoKnownExploit,
    NoData,
}

impl Maturity {
    fn parse(word: &str) -> Option<Maturity> {
        match word
            .trim()
            .to_ascii_lowercase()
            .replace(['-', '_'], " ")
            .as_str()
        {
            "mature" | "high" | "functional" | "attacked" => Some(Maturity::Mature),
            "proof of concept" | "poc" => Some(Maturity::ProofOfConcept),
            "no known exploit" | "unproven" => Some(Maturity::NoKnownExploit),
            "no data" | "not defined" | "" => Some(Maturity::NoData),
            _ => None,
        }
    }

    fn exploit_available(&self) -> Option<YesNo> {
        match self {
            Maturity::Mature | Maturity::ProofOfConcept => Some(YesNo::Yes),
            Maturity::NoKnownExploit => Some(YesNo::No),
            Maturity::NoData => None,
        }
    }
}

/// An RFC 3339 time as ASFF writes it.
fn asff_time(s: Option<&str>) -> Option<String> {
    let t = OffsetDateTime::parse(non_empty(s)?, &Rfc3339).ok()?;
    Some(asff_core::context::format_timestamp(t))
}

/// The CVSS version of a vector: `CVSS:3.1/…` → `3.1`.
fn vector_version(vector: &str) -> Option<String> {
    let rest = vector.trim().strip_prefix("CVSS:")?;
    Some(rest.split('/').next()?.to_string())
}

/// Where a project's findings belong.
struct ProjectInfo {
    /// The JSON path of the project.
    path: String,
    scope: Scope,
    /// The image reference, for container results and their applications.
    image: Option<String>,
    base_image: Option<String>,
    platform: Option<String>,
    /// The manifest, relative to the tested directory, with `/` separators (empty for an
    /// image's operating system packages).
    target_file: String,
    project_name: String,
    package_manager: Option<String>,
    org: Option<String>,
}

/// One finding being gathered from one or more entries.
struct Gathered<'a> {
    first: &'a model::Vulnerability,
    record: String,
    project: usize,
    identity: Vec<String>,
    package: String,
    version: String,
    paths: Vec<Vec<String>>,
    upgrade_paths: Vec<String>,
    names: BTreeSet<String>,
}

/// The container image of a container result: the image as given on the command line
/// (`path`), else the project name without `docker-image|`, else the context's image. Archives
/// (`docker-archive:…`) name no repository: the context's image is used when given.
fn container_image(p: &Project, ctx: &Context) -> Option<String> {
    let from_path = non_empty(p.path.as_deref()).filter(|s| !s.contains("archive:"));
    let from_name = non_empty(p.project_name.as_deref())
        .and_then(|n| n.strip_prefix("docker-image|"))
        .filter(|s| !s.contains("archive:"));
    from_path
        .or(from_name)
        .map(str::to_string)
        .or_else(|| ctx.image().map(str::to_string))
}

fn is_container(p: &Project) -> bool {
    p.docker.is_some()
        || p.project_name
            .as_deref()
            .is_some_and(|n| n.starts_with("docker-image|"))
}

/// The manifest relative to the tested directory, `/`-separated, so that the identity does
/// not depend on the machine or checkout directory.
fn target_file(p: &Project) -> String {
    let Some(file) =
        non_empty(p.display_target_file.as_deref()).or(non_empty(p.target_file.as_deref()))
    else {
        return String::new();
    };
    let file = file.replace('\\', "/");
    let base = p
        .path
        .as_deref()
        .map(|b| b.replace('\\', "/"))
        .unwrap_or_default();
    let base = base.trim_end_matches('/');
    match file.strip_prefix(base).filter(|_| !base.is_empty()) {
        Some(rest) if rest.starts_with('/') => rest.trim_start_matches('/').to_string(),
        _ => file,
    }
}

fn warn(out: &mut Emitter<'_>, message: String) {
    tracing::warn!(format = TOOL.name, "{message}");
    out.warnings.push(message);
}

fn error_text(e: &Value) -> String {
    match e {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Converts the projects of a report; `array` says whether the report was an array.
pub fn convert(
    projects: &[Project],
    array: bool,
    ctx: &Context,
    out: &mut Emitter<'_>,
) -> Result<(), ReportError> {
    let mut infos: Vec<ProjectInfo> = Vec::new();
    let mut gathered: Vec<Gathered> = Vec::new();
    let mut by_identity: HashMap<Vec<String>, usize> = HashMap::new();

    for (i, p) in projects.iter().enumerate() {
        let path = if array {
            format!("$[{i}]")
        } else {
            "$".to_string()
        };
        if let Some(e) = p.error.as_ref().filter(|e| !e.is_null()) {
            if p.vulnerabilities.is_none() {
                let message = format!(
                    "Snyk reported an error instead of results: {}",
                    error_text(e)
                );
                if !array {
                    return Err(ReportError::at_path(
                        TOOL.name,
                        format!("{path}.error"),
                        message,
                    ));
                }
                let name = non_empty(p.path.as_deref())
                    .or(non_empty(p.project_name.as_deref()))
                    .unwrap_or("?");
                // the report does not cover this project: the lifecycle must not archive its
                // findings
                tracing::warn!(format = TOOL.name, "{message}");
                out.mark_incomplete(format!(
                    "{path} ({name}): {message}; this project was not tested and is NOT known to be clean"
                ));
                continue;
            }
        }
        let container = is_container(p);
        let image = if container {
            container_image(p, ctx)
        } else {
            None
        };
        let scope = match (&image, container) {
            (Some(img), _) => Scope::image(img),
            (None, true) => {
                if count_records(p) == 0 {
                    Scope::image("unknown-image")
                } else {
                    return Err(ReportError::at_path(
                        TOOL.name,
                        format!("{path}.path"),
                        "the container result names no image (path, projectName) and no image was given",
                    ));
                }
            }
            (None, false) => ctx.code_scope_for(TOOL.name)?,
        };
        if image.is_some() || !container {
            // the report speaks for the project's scope, also when it has no issues
            out.cover(&TOOL, &scope);
        } else {
            warn(
                out,
                format!("{path}: the container result names no image (path, projectName) and none was given: its scope is unknown, so nothing of it can be archived"),
            );
        }
        let base_image = p
            .docker
            .as_ref()
            .and_then(|d| non_empty(d.base_image.as_deref()))
            .map(str::to_string);
        let root = ProjectInfo {
            path: path.clone(),
            scope: scope.clone(),
            image: image.clone(),
            base_image: base_image.clone(),
            platform: non_empty(p.platform.as_deref()).map(str::to_string),
            // an image's own packages: the image is the scope, no manifest
            target_file: if container {
                String::new()
            } else {
                ctx.source_path(&target_file(p)).into_owned()
            },
            project_name: if container {
                String::new()
            } else {
                non_empty(p.project_name.as_deref())
                    .unwrap_or("")
                    .to_string()
            },
            package_manager: non_empty(p.package_manager.as_deref()).map(str::to_string),
            org: non_empty(p.org.as_deref()).map(str::to_string),
        };
        infos.push(root);
        gather(
            p,
            infos.len() - 1,
            &infos,
            &mut gathered,
            &mut by_identity,
            out,
        );
        for (j, app) in p.applications.iter().enumerate() {
            let info = ProjectInfo {
                path: format!("{path}.applications[{j}]"),
                scope: scope.clone(),
                image: image.clone(),
                base_image: base_image.clone(),
                platform: non_empty(p.platform.as_deref()).map(str::to_string),
                target_file: ctx.source_path(&target_file(app)).into_owned(),
                project_name: non_empty(app.project_name.as_deref())
                    .unwrap_or("")
                    .to_string(),
                package_manager: non_empty(app.package_manager.as_deref()).map(str::to_string),
                org: non_empty(app.org.as_deref()).map(str::to_string),
            };
            infos.push(info);
            gather(
                app,
                infos.len() - 1,
                &infos,
                &mut gathered,
                &mut by_identity,
                out,
            );
        }
    }

    for g in gathered {
        let info = infos.get(g.project).ok_or_else(|| {
            ReportError::at_path(
                TOOL.name,
                g.record.clone(),
                "internal error: lost the project",
            )
        })?;
        let record = g.record.clone();
        let draft = draft(ctx, info, g);
        let f = build(ctx, &TOOL, &info.scope, draft)
            .map_err(|e| ReportError::at_path(TOOL.name, record, e.to_string()))?;
        out.emit(f)?;
    }
    Ok(())
}

fn count_records(p: &Project) -> usize {
    p.vulnerabilities.as_ref().map_or(0, Vec::len)
        + p.filtered
            .as_ref()
            .map_or(0, |f| f.ignore.len() + f.patch.len())
        + p.infrastructure_as_code_issues.as_ref().map_or(0, Vec::len)
        + p.applications.iter().map(count_records).sum::<usize>()
}

/// Counts a project's records, skips what produces no finding and gathers the entries into
/// findings by identity.
fn gather<'a>(
    p: &'a Project,
    project: usize,
    infos: &[ProjectInfo],
    gathered: &mut Vec<Gathered<'a>>,
    by_identity: &mut HashMap<Vec<String>, usize>,
    out: &mut Emitter<'_>,
) {
    let Some(info) = infos.get(project) else {
        return;
    };
    let path = &info.path;
    if let Some(f) = &p.filtered {
        out.records += f.ignore.len() + f.patch.len();
        for k in 0..f.ignore.len() {
            out.skip(format!("{path}.filtered.ignore[{k}]"), "ignored");
        }
        for k in 0..f.patch.len() {
            out.skip(format!("{path}.filtered.patch[{k}]"), "patched");
        }
    }
    if let Some(iac) = &p.infrastructure_as_code_issues {
        if !iac.is_empty() {
            out.records += iac.len();
            for k in 0..iac.len() {
                out.skip(
                    format!("{path}.infrastructureAsCodeIssues[{k}]"),
                    "infrastructure as code issue (not supported)",
                );
            }
            warn(
                out,
                format!(
                    "{path}: {} Snyk IaC issues were skipped: `snyk iac test` results are not converted",
                    iac.len()
                ),
            );
        }
    }
    let vulns = p.vulnerabilities.as_deref().unwrap_or_default();
    out.records += vulns.len();
    for (k, v) in vulns.iter().enumerate() {
        let record = format!("{path}.vulnerabilities[{k}]");
        let id = non_empty(v.id.as_deref())
            .or(non_empty(v.title.as_deref()))
            .unwrap_or("unnamed issue")
            .to_string();
        let package = non_empty(v.package_name.as_deref())
            .or_else(|| v.name.as_ref().and_then(|n| n.first()))
            .or(non_empty(v.module_name.as_deref()))
            .unwrap_or("")
            .to_string();
        let version = v
            .version
            .as_ref()
            .and_then(|n| n.first())
            .unwrap_or("")
            .to_string();
        let identity = vec![
            id,
            package.clone(),
            version.clone(),
            info.target_file.clone(),
            info.project_name.clone(),
        ];
        let upgrade = upgrade_path(&v.upgrade_path);
        let names = v.name.iter().flat_map(|n| n.0.iter()).cloned();
        match by_identity
            .get(&identity)
            .and_then(|&i| gathered.get_mut(i))
        {
            Some(g) => {
                for path in &v.from.0 {
                    if !g.paths.contains(path) {
                        g.paths.push(path.clone());
                    }
                }
                if let Some(u) = upgrade {
                    if !g.upgrade_paths.contains(&u) {
                        g.upgrade_paths.push(u);
                    }
                }
                g.names.extend(names);
                out.skip(record, AGGREGATED);
            }
            None => {
                by_identity.insert(identity.clone(), gathered.len());
                let mut paths = Vec::new();
                for path in &v.from.0 {
                    if !paths.contains(path) {
                        paths.push(path.clone());
                    }
                }
                gathered.push(Gathered {
                    first: v,
                    record,
                    project,
                    identity,
                    package,
                    version,
                    paths,
                    upgrade_paths: upgrade.into_iter().collect(),
                    names: names.collect(),
                });
            }
        }
    }
}

/// `[false, "express@3.0.0", "connect@2.6.0"]` → `express@3.0.0 > connect@2.6.0`; `None`
/// when nothing can be upgraded.
fn upgrade_path(v: &Value) -> Option<String> {
    let steps: Vec<&str> = match v {
        Value::Array(items) => items
            .iter()
            .filter_map(Value::as_str)
            .filter(|s| !s.trim().is_empty())
            .collect(),
        _ => Vec::new(),
    };
    (!steps.is_empty()).then(|| steps.join(" > "))
}

/// The page of a vulnerability on Snyk's database.
fn snyk_url(v: &model::Vulnerability, id: &str, license: bool) -> Option<String> {
    if let Some(u) = non_empty(v.url.as_deref()) {
        return Some(u.to_string());
    }
    (!license && !id.contains(' ')).then(|| format!("https://security.snyk.io/vuln/{id}"))
}

fn identifiers<'a>(v: &'a model::Vulnerability, kind: &str) -> Vec<&'a str> {
    v.identifiers
        .as_ref()
        .and_then(|m| m.get(kind))
        .map(|ids| {
            ids.iter()
                .map(|i| i.0.as_str())
                .filter(|s| !s.trim().is_empty())
                .collect()
        })
        .unwrap_or_default()
}

/// Every CVSS score of the entry, Snyk's own first, without repeats.
fn cvss(v: &model::Vulnerability) -> Vec<Cvss> {
    let mut out: Vec<Cvss> = Vec::new();
    let mut push = |c: Cvss| {
        let same = out.iter().any(|o| {
            o.base_vector == c.base_vector && o.base_score == c.base_score && o.source == c.source
        });
        if !same && (c.base_score.is_some() || c.base_vector.is_some()) {
            out.push(c);
        }
    };
    let vector = non_empty(v.cvss_v3.as_deref());
    push(Cvss {
        version: vector.and_then(vector_version),
        base_score: v.cvss_score,
        base_vector: vector.map(str::to_string),
        source: Some("Snyk".into()),
        ..Default::default()
    });
    for s in &v.cvss_sources {
        let vector = non_empty(s.vector.as_deref());
        push(Cvss {
            version: non_empty(s.cvss_version.as_deref())
                .map(str::to_string)
                .or_else(|| vector.and_then(vector_version)),
            base_score: s.base_score,
            base_vector: vector.map(str::to_string),
            source: non_empty(s.assigner.as_deref()).map(str::to_string),
            ..Default::default()
        });
    }
    for d in &v.cvss_details {
        let vector = non_empty(d.cvss_v3_vector.as_deref());
        push(Cvss {
            version: vector.and_then(vector_version),
            base_score: d.cvss_v3_base_score,
            base_vector: vector.map(str::to_string),
            source: non_empty(d.assigner.as_deref()).map(str::to_string),
            ..Default::default()
        });
    }
    out
}

/// The exploit maturity word: `exploit`, else the primary level of `exploitDetails`.
fn maturity_word(v: &model::Vulnerability) -> Option<&str> {
    non_empty(v.exploit.as_deref()).or_else(|| {
        let levels = &v.exploit_details.as_ref()?.maturity_levels;
        levels
            .iter()
            .find(|l| l.kind.as_deref() == Some("primary"))
            .or(levels.first())
            .and_then(|l| non_empty(l.level.as_deref()))
    })
}

fn draft(ctx: &Context, info: &ProjectInfo, g: Gathered) -> Draft {
    let v = g.first;
    let id = g.identity.first().cloned().unwrap_or_default();
    let license = v.kind.as_deref() == Some("license") || id.starts_with("snyk:lic:");
    let pkg = if g.version.is_empty() {
        g.package.clone()
    } else {
        format!("{}@{}", g.package, g.version)
    };
    let cves = identifiers(v, "CVE");
    let cwes = identifiers(v, "CWE");
    let mut related: Vec<String> = Vec::new();
    for (kind, ids) in v.identifiers.iter().flatten() {
        match kind.as_str() {
            "CWE" => {}
            // old npm security advisories: bare numbers
            "NSP" => related.extend(ids.iter().map(|i| format!("NSP-{}", i.0))),
            _ => related.extend(
                ids.iter()
                    .map(|i| i.0.clone())
                    .filter(|s| !s.trim().is_empty()),
            ),
        }
    }
    let vuln_id = cves
        .first()
        .map(|c| c.to_string())
        .unwrap_or_else(|| id.clone());
    related.push(id.clone());
    let mut seen = BTreeSet::new();
    related.retain(|r| *r != vuln_id && seen.insert(r.clone()));

    // legacy Snyk JSON caps `severity` at high and rates in `severityWithCritical`; that one
    // wins when present (as DefectDojo reads it), and is the word kept in Severity.Original
    let word = non_empty(v.severity_with_critical.as_deref())
        .or(non_empty(v.severity.as_deref()))
        .unwrap_or("");
    let sev = Severity::parse(Some(word));
    let cvss = cvss(v);
    let score = v
        .cvss_score
        .or_else(|| cvss.iter().find_map(|c| c.base_score));

    let title_text = non_empty(v.title.as_deref()).unwrap_or(&id);
    let title = if pkg.is_empty() {
        title_text.to_string()
    } else {
        format!("{title_text} in {pkg}")
    };

    let fixed: Option<String> = non_empty(v.nearest_fixed_in_version.as_deref())
        .map(str::to_string)
        .or_else(|| (!v.fixed_in.is_empty()).then(|| v.fixed_in.join(", ")));
    let upgradable = v.is_upgradable == Some(true) || !g.upgrade_paths.is_empty();
    let fix_available = if license {
        None
    } else if fixed.is_some() || upgradable || v.is_patchable == Some(true) {
        Some(YesNoPartial::Yes)
    } else {
        Some(YesNoPartial::No)
    };

    let mut remediation = Vec::new();
    if let Some(f) = &fixed {
        remediation.push(format!("Upgrade {} to version {f} or higher.", g.package));
    }
    if !g.upgrade_paths.is_empty() {
        remediation.push(format!("Upgrade paths: {}.", g.upgrade_paths.join("; ")));
    } else if v.is_patchable == Some(true) {
        remediation.push("A Snyk patch is available (snyk protect).".into());
    }
    if license {
        if let Some(l) = non_empty(v.license.as_deref()) {
            remediation.push(format!("Review the use of {pkg} under the {l} license."));
        }
    }
    let url = snyk_url(v, &id, license);

    let shown_paths: Vec<String> = g.paths.iter().map(|p| p.join(" > ")).collect();
    let mut summary = format!("{pkg} is affected by {title_text} ({id}");
    for c in &cves {
        summary.push_str(&format!(", {c}"));
    }
    for c in &cwes {
        summary.push_str(&format!(", {c}"));
    }
    summary.push_str(").");
    match shown_paths.as_slice() {
        [] => {}
        [one] => summary.push_str(&format!(" Introduced through {one}.")),
        [one, rest @ ..] => summary.push_str(&format!(
            " Introduced through {one} and {} other path{}.",
            rest.len(),
            if rest.len() == 1 { "" } else { "s" }
        )),
    }
    if let Some(f) = &fixed {
        summary.push_str(&format!(" Fixed in {f}."));
    }
    let description = match non_empty(v.description.as_deref()) {
        Some(d) => format!("{summary}\n\n{d}"),
        None => summary,
    };

    let maturity = maturity_word(v);
    let mut product_fields = FieldMap::new();
    for (k, val) in [
        ("snyk/Id", Some(id.clone())),
        (
            "snyk/PackageManager",
            non_empty(v.package_manager.as_deref())
                .map(str::to_string)
                .or(info.package_manager.clone()),
        ),
        (
            "snyk/Language",
            non_empty(v.language.as_deref()).map(str::to_string),
        ),
        (
            "snyk/ProjectName",
            Some(info.project_name.clone()).filter(|s| !s.is_empty()),
        ),
        (
            "snyk/TargetFile",
            Some(info.target_file.clone()).filter(|s| !s.is_empty()),
        ),
        ("snyk/Org", info.org.clone()),
        ("snyk/CWE", (!cwes.is_empty()).then(|| cwes.join(", "))),
        ("snyk/ExploitMaturity", maturity.map(str::to_string)),
        (
            "snyk/DependencyPaths",
            Some(g.paths.len().to_string()).filter(|_| !g.paths.is_empty()),
        ),
        ("snyk/IsUpgradable", v.is_upgradable.map(|b| b.to_string())),
        ("snyk/IsPatchable", v.is_patchable.map(|b| b.to_string())),
        (
            "snyk/Malicious",
            v.malicious.filter(|m| *m).map(|m| m.to_string()),
        ),
        (
            "snyk/License",
            non_empty(v.license.as_deref()).map(str::to_string),
        ),
        (
            "snyk/Severity",
            non_empty(v.severity.as_deref())
                .filter(|o| !o.eq_ignore_ascii_case(word))
                .map(str::to_string),
        ),
        (
            "snyk/OriginalSeverity",
            non_empty(v.original_severity.as_deref())
                .filter(|o| !o.eq_ignore_ascii_case(word))
                .map(str::to_string),
        ),
        (
            "snyk/EpssPercentile",
            v.epss_details
                .as_ref()
                .and_then(|e| e.percentile)
                .and_then(|n| n.0)
                .map(|n| n.to_string()),
        ),
    ] {
        if let Some(val) = val {
            product_fields.insert(k.into(), val);
        }
    }

    let mut other = FieldMap::new();
    other.insert("Package".into(), pkg.clone());
    if !info.target_file.is_empty() {
        other.insert("TargetFile".into(), info.target_file.clone());
    }
    if !shown_paths.is_empty() {
        other.insert("DependencyPaths".into(), shown_paths.join("\n"));
    }
    let binaries: Vec<&str> = g
        .names
        .iter()
        .map(String::as_str)
        .filter(|n| *n != g.package)
        .collect();
    if !binaries.is_empty() {
        other.insert("Packages".into(), binaries.join(", "));
    }
    let resource = match &info.image {
        Some(image) => {
            if let Some(b) = &info.base_image {
                other.insert("BaseImage".into(), b.clone());
            }
            if let Some(p) = &info.platform {
                other.insert("Platform".into(), p.clone());
            }
            container_resource(ctx, image, other)
        }
        None => repository_resource(ctx, other),
    };

    let mut rule_ids = vec![id.clone()];
    rule_ids.extend(cves.iter().map(|s| s.to_string()));
    rule_ids.extend(cwes.iter().map(|s| s.to_string()));
    rule_ids.extend(related.iter().cloned());
    let mut seen = BTreeSet::new();
    rule_ids.retain(|r| seen.insert(r.clone()));

    let types = if license {
        LICENSE_TYPE
    } else if cves.is_empty() {
        VULN_TYPE
    } else {
        CVE_TYPE
    };

    Draft {
        identity: g.identity,
        title,
        description,
        label: Some(sev.label(score)),
        original_severity: word.to_string(),
        rule_ids,
        types: vec![types.into()],
        remediation_text: (!remediation.is_empty()).then(|| remediation.join(" ")),
        remediation_url: url.clone(),
        source_url: url.clone(),
        product_fields,
        resources: vec![resource],
        vulnerabilities: if license {
            Vec::new()
        } else {
            vec![Vulnerability {
                id: vuln_id,
                vulnerable_packages: vec![SoftwarePackage {
                    name: Some(g.package.clone()).filter(|s| !s.is_empty()),
                    version: Some(g.version.clone()).filter(|s| !s.is_empty()),
                    package_manager: non_empty(v.package_manager.as_deref())
                        .map(str::to_string)
                        .or(info.package_manager.clone()),
                    fixed_in_version: fixed,
                    ..Default::default()
                }],
                cvss,
                related_vulnerabilities: related,
                vendor: Some(VulnerabilityVendor {
                    name: "Snyk".into(),
                    url,
                    vendor_severity: Some(word.to_string()).filter(|w| !w.is_empty()),
                    vendor_created_at: asff_time(v.publication_time.as_deref()),
                    vendor_updated_at: asff_time(v.modification_time.as_deref()),
                    ..Default::default()
                }),
                reference_urls: v
                    .references
                    .iter()
                    .filter_map(|r| non_empty(r.url.as_deref()).map(str::to_string))
                    .collect(),
                fix_available,
                exploit_available: maturity
                    .and_then(Maturity::parse)
                    .and_then(|m| m.exploit_available()),
                epss_score: v
                    .epss_details
                    .as_ref()
                    .and_then(|e| e.probability)
                    .and_then(|n| n.0),
                ..Default::default()
            }]
        },
        first_observed_at: None,
    }
}

/// A container image as a resource: the image as named, with its tag and digest when known
/// (from the report, or from the context's image of the same repository).
fn container_resource(ctx: &Context, image: &str, mut other: FieldMap) -> Resource {
    let from_ctx = ctx
        .image()
        .filter(|c| image_repository(c) == image_repository(image));
    let digest = image_digest(image).or_else(|| from_ctx.and_then(image_digest));
    if let Some(t) = image_tag(image).or_else(|| from_ctx.and_then(image_tag)) {
        other.insert("ImageTag".into(), t);
    }
    asff_core::image::container_resource(
        ctx,
        image.to_string(),
        Some(image.to_string()),
        digest,
        other,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use asff_core::Label;

    #[test]
    fn severity_words() {
        for (w, l) in [
            ("critical", Label::Critical),
            ("High", Label::High),
            ("medium", Label::Medium),
            ("low", Label::Low),
        ] {
            assert_eq!(Severity::parse(Some(w)).label(Some(0.1)), l);
        }
        assert_eq!(
            Severity::parse(Some("severe")).label(Some(9.1)),
            Label::Critical
        );
        assert_eq!(Severity::parse(Some("")).label(None), Label::Informational);
    }

    #[test]
    fn exploit_maturity() {
        let e = |w: &str| Maturity::parse(w).and_then(|m| m.exploit_available());
        assert_eq!(e("Mature"), Some(YesNo::Yes));
        assert_eq!(e("Proof of Concept"), Some(YesNo::Yes));
        assert_eq!(e("proof-of-concept"), Some(YesNo::Yes));
        assert_eq!(e("No Known Exploit"), Some(YesNo::No));
        assert_eq!(e("Not Defined"), None);
        assert_eq!(e("No Data"), None);
        assert_eq!(e("whatever"), None);
    }

    #[test]
    fn upgrade_paths() {
        let v: Value = serde_json::json!([false, "express@3.0.0", "connect@2.6.0"]);
        assert_eq!(
            upgrade_path(&v).as_deref(),
            Some("express@3.0.0 > connect@2.6.0")
        );
        assert_eq!(upgrade_path(&serde_json::json!([])), None);
        assert_eq!(upgrade_path(&serde_json::json!([false])), None);
        assert_eq!(upgrade_path(&Value::Null), None);
    }

    #[test]
    fn target_files_are_relative() {
        let p = |file: &str, path: &str| Project {
            display_target_file: Some(file.into()),
            path: Some(path.into()),
            ..Default::default()
        };
        assert_eq!(
            target_file(&p("project-a\\pom.xml", "C:\\workspace")),
            "project-a/pom.xml"
        );
        assert_eq!(
            target_file(&p("/build/src/app/package.json", "/build/src")),
            "app/package.json"
        );
        assert_eq!(
            target_file(&p("/package.json", "cli-grouping")),
            "/package.json"
        );
    }
}

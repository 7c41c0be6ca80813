//! Grype matches to findings.

use std::collections::HashSet;

use asff_core::model::{
    Cvss, FieldMap, Resource, SoftwarePackage, Vulnerability, VulnerabilityVendor, YesNo,
    YesNoPartial,
};
use asff_core::report::json_path;
use asff_core::severity::unrated_label;
use asff_core::text::{clean, non_empty, push_unique};
use asff_core::vuln::{is_cve, Severity, TYPE_CVE, TYPE_VULNERABILITY as TYPE_VULN};
use asff_core::{build, repository_resource, Context, Draft, Emitter, Label, ReportError, Scope};

use crate::model::{self, Document, ImageTarget, Match};
use crate::TOOL;
use asff_core::image::{reference_in_input, Image};

/// Grype's fix states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FixState {
    Fixed,
    NotFixed,
    WontFix,
    Unknown,
}

impl FixState {
    fn parse(state: Option<&str>) -> FixState {
        match state.unwrap_or("").trim().to_ascii_lowercase().as_str() {
            "fixed" => FixState::Fixed,
            "not-fixed" => FixState::NotFixed,
            "wont-fix" => FixState::WontFix,
            _ => FixState::Unknown,
        }
    }

    /// fixed → YES, not-fixed and wont-fix → NO, unknown → not said.
    fn available(self) -> Option<YesNoPartial> {
        match self {
            FixState::Fixed => Some(YesNoPartial::Yes),
            FixState::NotFixed | FixState::WontFix => Some(YesNoPartial::No),
            FixState::Unknown => None,
        }
    }
}

/// What the findings are about: an image, or the code of the pipeline's repository.
enum Target {
    Image(Image),
    Code {
        scope: Scope,
        target: Option<String>,
    },
}

impl Target {
    fn scope(&self) -> Scope {
        match self {
            Target::Image(i) => i.scope(),
            Target::Code { scope, .. } => scope.clone(),
        }
    }

    fn resource(&self, ctx: &Context) -> Resource {
        match self {
            Target::Image(i) => i.resource(ctx, FieldMap::new()),
            Target::Code { target, .. } => {
                let mut other = FieldMap::new();
                if let Some(t) = target {
                    other.insert("ScanTarget".into(), clean(t));
                }
                repository_resource(ctx, other)
            }
        }
    }
}

/// The image of an `image` source.
fn image_of(t: &ImageTarget, ctx: &Context, out: &mut Emitter<'_>) -> Image {
    let repo_digest = t
        .repo_digests
        .iter()
        .find_map(|r| r.split_once('@').map(|(_, d)| d));
    let digest = non_empty(t.manifest_digest.as_deref()).or(repo_digest);
    let reference = non_empty(t.user_input.as_deref())
        .and_then(reference_in_input)
        .or_else(|| t.tags.iter().map(|s| s.trim()).find(|s| !s.is_empty()))
        .or_else(|| {
            t.repo_digests
                .iter()
                .map(|s| s.trim())
                .find(|s| !s.is_empty())
        })
        .or(ctx.image());
    let mut image = match reference {
        Some(r) => Image::from_reference(r, digest),
        None => {
            let image = Image::from_digest(digest.or(non_empty(t.image_id.as_deref())));
            out.warnings.push(format!(
                "the report does not name the image repository (userInput {:?}, no tags); the findings are scoped to {} \
                 so a rebuilt image will not update them: pass the image reference (--image)",
                t.user_input.as_deref().unwrap_or(""),
                image.repository
            ));
            image
        }
    };
    image.tags = t.tags.clone();
    image.image_id = non_empty(t.image_id.as_deref()).map(str::to_string);
    image
}

fn target_of(doc: &Document, ctx: &Context, out: &mut Emitter<'_>) -> Result<Target, ReportError> {
    // a directory scan's target relative to the checkout (GITHUB_WORKSPACE, …)
    let code = |target: Option<String>| -> Result<Target, ReportError> {
        Ok(Target::Code {
            scope: ctx.code_scope_for(TOOL.name)?,
            target: target.map(|t| ctx.relative_path(&t).into_owned()),
        })
    };
    let Some(source) = &doc.source else {
        return match ctx.image() {
            Some(r) => Ok(Target::Image(Image::from_reference(r, None))),
            None => code(None),
        };
    };
    let text = source.target.as_str().map(str::to_string);
    Ok(match source.kind.as_str() {
        "image" => {
            let t: ImageTarget = serde_json::from_value(source.target.clone()).map_err(|e| {
                ReportError::at_path(TOOL.name, json_path("source.target"), e.to_string())
            })?;
            Target::Image(image_of(&t, ctx, out))
        }
        "directory" | "file" => code(text)?,
        // An SBOM, a purl or cpe list, a snap, or unknown: the image if the pipeline names one.
        _ => match ctx.image() {
            Some(r) => Target::Image(Image::from_reference(r, None)),
            None => code(text)?,
        },
    })
}

/// Converts a Grype document.
pub fn convert(doc: Document, ctx: &Context, out: &mut Emitter<'_>) -> Result<(), ReportError> {
    out.records = doc.matches.len() + doc.ignored_matches.len();
    let target = target_of(&doc, ctx, out)?;
    let scope = target.scope();
    // the report speaks for its target, also when it has no matches
    out.cover(&TOOL, &scope);
    let resource = target.resource(ctx);

    let mut report_fields = FieldMap::new();
    if let Some(v) = doc
        .descriptor
        .as_ref()
        .and_then(|d| non_empty(d.version.as_deref()))
    {
        report_fields.insert("grype/Version".into(), v.to_string());
    }
    if let Some(d) = &doc.distro {
        let distro = [
            non_empty(d.name.as_deref()),
            non_empty(d.version.as_deref()),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
        if !distro.is_empty() {
            report_fields.insert("grype/Distro".into(), distro);
        }
    }
    if let Some(s) = &doc.source {
        report_fields.insert("grype/SourceType".into(), s.kind.clone());
    }

    let mut seen = HashSet::new();
    for (i, m) in doc.matches.iter().enumerate() {
        let path = format!("$.matches[{i}]");
        let draft = draft(m, &target, &resource, &report_fields);
        if !seen.insert(draft.identity.clone()) {
            tracing::debug!(record = %path, "same vulnerability, package and locations as an earlier match");
            out.skip(path, "duplicate");
            continue;
        }
        let finding = build(ctx, &TOOL, &scope, draft)
            .map_err(|e| ReportError::at_path(TOOL.name, path.as_str(), e.to_string()))?;
        out.emit(finding)?;
    }
    for (i, m) in doc.ignored_matches.iter().enumerate() {
        let id = m
            .vulnerability
            .as_ref()
            .and_then(|v| v.id.as_deref())
            .unwrap_or("?");
        tracing::debug!(
            vulnerability = id,
            "match suppressed by a Grype ignore rule"
        );
        out.skip(format!("$.ignoredMatches[{i}]"), "ignored");
    }
    Ok(())
}

fn cvss_of(entries: &[model::Cvss], namespace: Option<&str>, cvss: &mut Vec<Cvss>) {
    for c in entries {
        let Some(score) = c
            .metrics
            .as_ref()
            .and_then(|m| m.base_score)
            .filter(|s| (0.0..=10.0).contains(s))
        else {
            continue;
        };
        let entry = Cvss {
            version: non_empty(c.version.as_deref()).map(str::to_string),
            base_score: Some(score),
            base_vector: non_empty(c.vector.as_deref()).map(str::to_string),
            source: non_empty(c.source.as_deref())
                .or(namespace)
                .map(str::to_string),
            ..Default::default()
        };
        if !cvss.contains(&entry) {
            cvss.push(entry);
        }
    }
}

/// The CVSS entries of old Grype's `cvssV3` and `cvssV2` (the version from the vector's
/// `CVSS:3.x/` prefix, else 3.0 and 2.0).
fn legacy_cvss(v: &model::Vulnerability, cvss: &mut Vec<Cvss>) {
    for (c, default_version) in [(&v.cvss_v3, "3.0"), (&v.cvss_v2, "2.0")] {
        let Some(c) = c else { continue };
        let Some(score) = c.base_score.filter(|s| (0.0..=10.0).contains(s)) else {
            continue;
        };
        let vector = non_empty(c.vector.as_deref());
        let version = vector
            .and_then(|x| x.strip_prefix("CVSS:"))
            .and_then(|x| x.split('/').next())
            .filter(|x| !x.is_empty())
            .unwrap_or(default_version);
        let entry = Cvss {
            version: Some(version.to_string()),
            base_score: Some(score),
            base_vector: vector.map(str::to_string),
            source: non_empty(v.namespace.as_deref()).map(str::to_string),
            ..Default::default()
        };
        if !cvss.contains(&entry) {
            cvss.push(entry);
        }
    }
}

/// The base score an unrated match's label comes from: the first CVSS v3 (or later) score of
/// the vulnerability, else of its NVD related entry, else of another related entry; without
/// any, the first v2 score in the same order.
fn rating_score(m: &Match) -> Option<(f64, String)> {
    let v = &m.vulnerability;
    let mut own = Vec::new();
    cvss_of(&v.cvss, non_empty(v.namespace.as_deref()), &mut own);
    legacy_cvss(v, &mut own);
    let mut related: Vec<&model::VulnerabilityMetadata> =
        m.related_vulnerabilities.iter().collect();
    // the NVD's entries first (a stable sort keeps the report's order otherwise)
    related
        .sort_by_key(|r| !non_empty(r.namespace.as_deref()).is_some_and(|n| n.starts_with("nvd")));
    let mut all = own;
    for r in related {
        cvss_of(&r.cvss, non_empty(r.namespace.as_deref()), &mut all);
    }
    let v3 = |c: &&Cvss| {
        c.version
            .as_deref()
            .is_some_and(|x| !x.starts_with('2') && !x.starts_with('1'))
    };
    let pick = all.iter().find(v3).or(all.first())?;
    let score = pick.base_score?;
    let what = match (&pick.version, &pick.source) {
        (Some(ver), Some(src)) => format!("{score} (CVSS {ver}, {src})"),
        (Some(ver), None) => format!("{score} (CVSS {ver})"),
        (None, Some(src)) => format!("{score} ({src})"),
        (None, None) => score.to_string(),
    };
    Some((score, what))
}

fn draft(m: &Match, target: &Target, resource: &Resource, report_fields: &FieldMap) -> Draft {
    let v = &m.vulnerability;
    let a = &m.artifact;
    let id = v.id.trim();
    let severity = Severity::parse(v.severity.as_deref());
    let name = a.name.trim();
    let version = non_empty(a.version.as_deref());
    let kind = non_empty(a.kind.as_deref());

    let mut paths: Vec<&str> = a
        .locations
        .iter()
        .filter_map(|l| non_empty(l.path.as_deref()))
        .collect();
    paths.sort_unstable();
    paths.dedup();

    let mut related = Vec::new();
    for r in &m.related_vulnerabilities {
        if r.id.trim() != id {
            push_unique(&mut related, &r.id);
        }
    }
    let mut rule_ids = vec![id.to_string()];
    for r in &related {
        push_unique(&mut rule_ids, r);
    }
    let cve = is_cve(id) || related.iter().any(|r| is_cve(r));

    let fix = v.fix.as_ref();
    // old Grype (0.7) has no `fix`, only `fixedInVersion` when there is one
    let legacy_fix = non_empty(v.fixed_in_version.as_deref()).filter(|_| fix.is_none());
    let state = match legacy_fix {
        Some(_) => FixState::Fixed,
        None => FixState::parse(fix.and_then(|f| f.state.as_deref())),
    };
    let fixed_versions: Vec<&str> = match legacy_fix {
        Some(x) => vec![x],
        None => fix
            .map(|f| {
                f.versions
                    .iter()
                    .map(|s| s.trim())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default(),
    };
    let fixed_in =
        (state == FixState::Fixed && !fixed_versions.is_empty()).then(|| fixed_versions.join(", "));
    let remediation_text = match state {
        FixState::Fixed if fixed_versions.is_empty() => {
            Some(format!("A fix is available: upgrade {name}."))
        }
        FixState::Fixed => Some(format!(
            "Upgrade {name} to {}.",
            fixed_versions.join(" or ")
        )),
        FixState::NotFixed => Some("No fix is available yet.".to_string()),
        FixState::WontFix => Some("The vendor will not fix this vulnerability.".to_string()),
        FixState::Unknown => None,
    };

    let mut cvss = Vec::new();
    cvss_of(&v.cvss, non_empty(v.namespace.as_deref()), &mut cvss);
    legacy_cvss(v, &mut cvss);
    for r in &m.related_vulnerabilities {
        cvss_of(&r.cvss, non_empty(r.namespace.as_deref()), &mut cvss);
    }

    let epss = v
        .epss
        .iter()
        .chain(m.related_vulnerabilities.iter().flat_map(|r| r.epss.iter()))
        .filter_map(|e| e.epss)
        .filter(|s| (0.0..=1.0).contains(s))
        .fold(None, |max: Option<f64>, s| {
            Some(max.map_or(s, |m| m.max(s)))
        });
    let known_exploited = !v.known_exploited.is_empty()
        || m.related_vulnerabilities
            .iter()
            .any(|r| !r.known_exploited.is_empty());

    let mut urls = Vec::new();
    if let Some(d) = non_empty(v.data_source.as_deref()) {
        push_unique(&mut urls, d);
    }
    for u in v.urls.iter().chain(&v.links) {
        push_unique(&mut urls, u);
    }
    for adv in &v.advisories {
        if let Some(l) = non_empty(adv.link.as_deref()) {
            push_unique(&mut urls, l);
        }
    }
    for r in &m.related_vulnerabilities {
        if let Some(d) = non_empty(r.data_source.as_deref()) {
            push_unique(&mut urls, d);
        }
        for u in &r.urls {
            push_unique(&mut urls, u);
        }
    }

    let package_label = match version {
        Some(ver) => format!("{name} {ver}"),
        None => name.to_string(),
    };
    let title = clean(&format!("{id} in {package_label}"));
    let description = non_empty(v.description.as_deref())
        .or_else(|| {
            m.related_vulnerabilities
                .iter()
                .find_map(|r| non_empty(r.description.as_deref()))
        })
        .map(str::to_string)
        .unwrap_or_else(|| {
            let place = match target {
                Target::Image(i) => format!("image {}", i.name()),
                Target::Code { .. } => "the scanned code".to_string(),
            };
            format!(
                "{id} ({}) affects {package_label}{} in {place}.",
                v.severity.as_deref().unwrap_or("Unknown"),
                kind.map(|k| format!(" ({k} package)")).unwrap_or_default()
            )
        });

    // an unrated match (Unknown, no word, or a word that is no rating) takes its label from a
    // CVSS score when it has one; Negligible is a rating
    let unrated_score = match severity {
        Severity::Unknown(_) => rating_score(m),
        _ => None,
    };
    let label = match &unrated_score {
        Some((score, _)) => unrated_label(Some(*score)),
        None => Label::from(&severity),
    };

    let mut fields = report_fields.clone();
    let mut put = |k: &str, val: Option<String>| {
        if let Some(val) = val.filter(|s| !s.is_empty()) {
            fields.insert(k.to_string(), clean(&val));
        }
    };
    put(
        "grype/Purl",
        non_empty(a.purl.as_deref()).map(str::to_string),
    );
    put(
        "grype/SeverityFromCvss",
        unrated_score.as_ref().map(|(_, what)| what.clone()),
    );
    put(
        "grype/Namespace",
        non_empty(v.namespace.as_deref()).map(str::to_string),
    );
    put(
        "grype/FixState",
        fix.and_then(|f| non_empty(f.state.as_deref()))
            .map(str::to_string),
    );
    if state != FixState::Fixed && !fixed_versions.is_empty() {
        put("grype/FixVersions", Some(fixed_versions.join(", ")));
    }
    put("grype/Locations", Some(paths.join(", ")));
    let mut matchers = Vec::new();
    let mut match_types = Vec::new();
    for d in &m.match_details {
        if let Some(x) = non_empty(d.matcher.as_deref()) {
            push_unique(&mut matchers, x);
        }
        if let Some(x) = non_empty(d.kind.as_deref()) {
            push_unique(&mut match_types, x);
        }
    }
    put("grype/Matchers", Some(matchers.join(", ")));
    put("grype/MatchTypes", Some(match_types.join(", ")));
    let upstreams: Vec<String> = a
        .upstreams
        .iter()
        .map(|u| match non_empty(u.version.as_deref()) {
            Some(ver) => format!("{} {ver}", u.name),
            None => u.name.clone(),
        })
        .collect();
    put("grype/Upstreams", Some(upstreams.join(", ")));
    put(
        "grype/Risk",
        v.risk.filter(|r| *r > 0.0).map(|r| r.to_string()),
    );
    if let Some(e) = v.epss.iter().find(|e| e.percentile.is_some()) {
        put("grype/EpssPercentile", e.percentile.map(|p| p.to_string()));
        put("grype/EpssDate", e.date.clone());
    }

    let vulnerability = Vulnerability {
        id: id.to_string(),
        vulnerable_packages: vec![SoftwarePackage {
            name: Some(clean(name)).filter(|s| !s.is_empty()),
            version: version.map(clean),
            package_manager: kind.map(clean),
            file_path: paths.first().map(|p| clean(p)),
            fixed_in_version: fixed_in.as_deref().map(clean),
            ..Default::default()
        }],
        cvss,
        related_vulnerabilities: related,
        vendor: Some(VulnerabilityVendor {
            name: non_empty(v.namespace.as_deref())
                .unwrap_or("grype")
                .to_string(),
            url: non_empty(v.data_source.as_deref()).map(str::to_string),
            vendor_severity: non_empty(v.severity.as_deref()).map(str::to_string),
            ..Default::default()
        }),
        reference_urls: urls,
        fix_available: state.available(),
        exploit_available: known_exploited.then_some(YesNo::Yes),
        epss_score: epss,
        ..Default::default()
    };

    Draft {
        identity: vec![
            id.to_string(),
            name.to_string(),
            version.unwrap_or("").to_string(),
            kind.unwrap_or("").to_string(),
            paths.join("\n"),
        ],
        title,
        description,
        label: Some(label),
        original_severity: v.severity.clone().unwrap_or_default(),
        rule_ids,
        types: vec![if cve { TYPE_CVE } else { TYPE_VULN }.to_string()],
        remediation_text,
        remediation_url: None,
        source_url: non_empty(v.data_source.as_deref()).map(str::to_string),
        product_fields: fields,
        resources: vec![resource.clone()],
        vulnerabilities: vec![vulnerability],
        first_observed_at: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fix_states() {
        assert_eq!(
            FixState::parse(Some("fixed")).available(),
            Some(YesNoPartial::Yes)
        );
        assert_eq!(
            FixState::parse(Some("not-fixed")).available(),
            Some(YesNoPartial::No)
        );
        assert_eq!(
            FixState::parse(Some("wont-fix")).available(),
            Some(YesNoPartial::No)
        );
        assert_eq!(FixState::parse(Some("unknown")).available(), None);
        assert_eq!(FixState::parse(Some("")).available(), None);
        assert_eq!(FixState::parse(None).available(), None);
    }
}

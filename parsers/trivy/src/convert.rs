//! Trivy results to findings.

use std::collections::{HashMap, HashSet};

use asff_core::id::sha256_hex;
use asff_core::image::{reference_in_input, Image};
use asff_core::model::{
    Cvss, FieldMap, Resource, SoftwarePackage, Vulnerability, VulnerabilityVendor, YesNoPartial,
};
use asff_core::redact::redact;
use asff_core::severity::unrated_label;
use asff_core::text::{clean, non_empty, push_unique};
use asff_core::vuln::{is_cve, Severity, TYPE_CVE, TYPE_VULNERABILITY};
use asff_core::{build, repository_resource, Context, Draft, Emitter, Label, ReportError, Scope};

use crate::model::{self, K8sResource, Report, TrivyResult};
use crate::TOOL;

/// The type of a misconfiguration found by an AWS check.
pub const TYPE_AWS: &str = "Software and Configuration Checks/AWS Security Best Practices";
/// The type of every other misconfiguration.
pub const TYPE_STANDARDS: &str =
    "Software and Configuration Checks/Industry and Regulatory Standards";
/// The type of a secret.
pub const TYPE_SECRET: &str = "Sensitive Data Identifications/Passwords";

/// Shown instead of a matched line Trivy did not mask (no `*` in it).
const UNMASKED: &str = "(not shown: the report has the secret unmasked)";

/// What the findings of a list of results are about.
enum Subject {
    Image(Image),
    /// The pipeline's code repository; the scanned directory, relative to the checkout.
    Code {
        target: Option<String>,
    },
    Kubernetes(K8s),
}

/// A Kubernetes resource.
struct K8s {
    cluster: String,
    namespace: Option<String>,
    kind: String,
    name: String,
    /// The image of a workload, as its OS result's target names it.
    image: Option<Image>,
}

impl K8s {
    fn of(cluster: &str, r: &K8sResource) -> K8s {
        K8s {
            cluster: cluster.to_string(),
            namespace: non_empty(r.namespace.as_deref()).map(str::to_string),
            kind: non_empty(r.kind.as_deref()).unwrap_or("").to_string(),
            name: non_empty(r.name.as_deref()).unwrap_or("").to_string(),
            image: os_target_image(&r.results).map(|i| Image::from_reference(&i, None)),
        }
    }

    fn scope(&self) -> Scope {
        Scope::Cluster {
            name: self.cluster.clone(),
            namespace: self.namespace.clone(),
        }
    }

    /// `namespace/kind/name` (`kind/name` for a cluster-wide resource): part of the identity.
    fn key(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{ns}/{}/{}", self.kind, self.name),
            None => format!("{}/{}", self.kind, self.name),
        }
    }

    fn resource(&self, ctx: &Context, mut other: FieldMap) -> Resource {
        other.insert("Cluster".into(), clean(&self.cluster));
        if let Some(ns) = &self.namespace {
            other.insert("Namespace".into(), clean(ns));
        }
        other.insert("Kind".into(), clean(&self.kind));
        other.insert("Name".into(), clean(&self.name));
        Resource {
            kind: "Other".into(),
            id: clean(&format!("k8s:{}/{}", self.cluster, self.key())),
            partition: Some(ctx.partition().to_string()),
            region: Some(ctx.region().to_string()),
            details: Some(asff_core::model::ResourceDetails {
                other,
                ..Default::default()
            }),
            ..Default::default()
        }
    }
}

/// The subject, its scope and what every finding of it carries.
struct Place<'a> {
    ctx: &'a Context,
    subject: Subject,
    scope: Scope,
    fields: FieldMap,
}

impl Place<'_> {
    /// The resources of a finding; `file` is the file it is in, when it is about one.
    fn resources(&self, file: Option<&str>) -> Vec<Resource> {
        let ctx = self.ctx;
        let mut other = FieldMap::new();
        if let Some(f) = file {
            other.insert("Path".into(), clean(f));
        }
        match &self.subject {
            Subject::Image(i) => vec![i
                .ecr_resource(ctx, other.clone())
                .unwrap_or_else(|| i.resource(ctx, other))],
            Subject::Code { target } => {
                if let Some(t) = target {
                    other.insert("ScanTarget".into(), clean(t));
                }
                let mut out = vec![repository_resource(ctx, other)];
                if let Some(f) = file {
                    out.push(Resource {
                        kind: "Other".into(),
                        id: clean(f),
                        partition: Some(ctx.partition().to_string()),
                        region: Some(ctx.region().to_string()),
                        ..Default::default()
                    });
                }
                out
            }
            Subject::Kubernetes(k) => vec![k.resource(ctx, other)],
        }
    }

    /// The resources of a vulnerability: a workload's image follows the workload.
    fn vulnerability_resources(&self, file: Option<&str>) -> Vec<Resource> {
        let mut out = self.resources(file);
        if let Subject::Kubernetes(K8s { image: Some(i), .. }) = &self.subject {
            out.push(
                i.ecr_resource(self.ctx, FieldMap::new())
                    .unwrap_or_else(|| i.resource(self.ctx, FieldMap::new())),
            );
        }
        out
    }

    /// What the identity adds for the subject: the Kubernetes resource.
    fn identity_suffix(&self, identity: &mut Vec<String>) {
        if let Subject::Kubernetes(k) = &self.subject {
            identity.push(k.key());
        }
    }

    /// A file path of a result as it identifies the file (relative to the checkout).
    fn id_path(&self, path: &str) -> String {
        match self.subject {
            Subject::Code { .. } => self.ctx.source_path(path).into_owned(),
            _ => path.to_string(),
        }
    }

    /// A file path of a result as a finding shows it.
    fn shown_path(&self, path: &str) -> String {
        match self.subject {
            Subject::Code { .. } => self.ctx.relative_path(path).into_owned(),
            _ => path.to_string(),
        }
    }
}

/// Converts a legacy report (before 0.20): a top-level array of results.
pub fn legacy(
    results: Vec<TrivyResult>,
    ctx: &Context,
    out: &mut Emitter<'_>,
) -> Result<(), ReportError> {
    let subject = match ctx.image() {
        Some(r) => Subject::Image(Image::from_reference(r, None)),
        None => match os_target_image(&results) {
            Some(r) => Subject::Image(Image::from_reference(&r, None)),
            None => {
                ctx.code_scope_for(TOOL.name)?;
                Subject::Code { target: None }
            }
        },
    };
    let mut fields = FieldMap::new();
    fields.insert("trivy/Format".into(), "legacy".into());
    let place = place(ctx, subject, fields)?;
    out.cover(&TOOL, &place.scope);
    let mut state = State::default();
    for (i, r) in results.iter().enumerate() {
        convert_result(&place, r, &format!("$[{i}]"), &mut state, out)?;
    }
    Ok(())
}

/// Converts a report object: schema 2 or Kubernetes.
pub fn report(report: Report, ctx: &Context, out: &mut Emitter<'_>) -> Result<(), ReportError> {
    let mut fields = FieldMap::new();
    if let Some(v) = report
        .trivy
        .as_ref()
        .and_then(|t| non_empty(t.version.as_deref()))
    {
        fields.insert("trivy/Version".into(), clean(v));
    }
    if let Some(t) = non_empty(report.artifact_type.as_deref()) {
        fields.insert("trivy/ArtifactType".into(), clean(t));
    }

    if let Some(cluster) = report.cluster_name.as_deref() {
        return kubernetes(&report, cluster, ctx, fields, out);
    }

    let subject = subject_of(&report, ctx, out)?;
    if let Subject::Image(i) = &subject {
        if let Some(os) = report.metadata.as_ref().and_then(|m| m.os.as_ref()) {
            let os = [
                non_empty(os.family.as_deref()),
                non_empty(os.name.as_deref()),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
            if !os.is_empty() {
                fields.insert("trivy/OS".into(), clean(&os));
            }
        }
        tracing::debug!(image = %i.reference(), "image scan");
    }
    let place = place(ctx, subject, fields)?;
    out.cover(&TOOL, &place.scope);
    let mut state = State::default();
    for (i, r) in report.results.iter().enumerate() {
        convert_result(&place, r, &format!("$.Results[{i}]"), &mut state, out)?;
    }
    Ok(())
}

fn place(ctx: &Context, subject: Subject, fields: FieldMap) -> Result<Place<'_>, ReportError> {
    let scope = match &subject {
        Subject::Image(i) => i.scope(),
        Subject::Code { .. } => ctx.code_scope_for(TOOL.name)?,
        Subject::Kubernetes(k) => k.scope(),
    };
    Ok(Place {
        ctx,
        subject,
        scope,
        fields,
    })
}

/// A Kubernetes report: each resource is its own subject, in the scope of its cluster and
/// namespace.
fn kubernetes(
    report: &Report,
    cluster: &str,
    ctx: &Context,
    fields: FieldMap,
    out: &mut Emitter<'_>,
) -> Result<(), ReportError> {
    let cluster = match non_empty(Some(cluster)) {
        Some(c) => c.to_string(),
        None => {
            out.warnings.push(
                "the Kubernetes report names no cluster (ClusterName is empty): its findings are scoped to the cluster \"unknown-cluster\""
                    .to_string(),
            );
            "unknown-cluster".to_string()
        }
    };
    let mut state = State::default();
    for (list, resources) in [
        ("Resources", &report.resources),
        ("Vulnerabilities", &report.vulnerabilities),
        ("Misconfigurations", &report.misconfigurations),
    ] {
        for (r, resource) in resources.iter().enumerate() {
            let k8s = K8s::of(&cluster, resource);
            if let Some(e) = non_empty(resource.error.as_deref()) {
                out.mark_incomplete(format!("{} could not be scanned: {}", k8s.key(), clean(e)));
            }
            let place = place(ctx, Subject::Kubernetes(k8s), fields.clone())?;
            out.cover(&TOOL, &place.scope);
            for (i, res) in resource.results.iter().enumerate() {
                let path = format!("$.{list}[{r}].Results[{i}]");
                convert_result(&place, res, &path, &mut state, out)?;
            }
        }
    }
    Ok(())
}

/// The subject of a schema 2 report, by its artifact type.
fn subject_of(
    report: &Report,
    ctx: &Context,
    out: &mut Emitter<'_>,
) -> Result<Subject, ReportError> {
    let code = |name: Option<&str>| -> Result<Subject, ReportError> {
        ctx.code_scope_for(TOOL.name)?;
        Ok(Subject::Code {
            target: non_empty(name).map(|n| ctx.relative_path(n).into_owned()),
        })
    };
    let name = non_empty(report.artifact_name.as_deref());
    match non_empty(report.artifact_type.as_deref()) {
        Some("container_image") => Ok(Subject::Image(image_of(report, ctx, out))),
        Some("filesystem" | "repository" | "vm") => code(name),
        // an SBOM, or a type this crate does not know: the image if the pipeline names one
        _ => match ctx.image() {
            Some(r) => Ok(Subject::Image(Image::from_reference(r, None))),
            None => code(name),
        },
    }
}

/// The scanned image: the reference Trivy was given (`ArtifactName`, unless it is an archive),
/// else the one in the metadata (`Reference`, `RepoTags`, `RepoDigests`), else the pipeline's
/// image, else the one an OS result's target names; the digest from `RepoDigests`.
fn image_of(report: &Report, ctx: &Context, out: &mut Emitter<'_>) -> Image {
    let md = report.metadata.as_ref();
    let repo_digests: Vec<&str> = md
        .map(|m| {
            m.repo_digests
                .iter()
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let repo_tags: Vec<&str> = md
        .map(|m| {
            m.repo_tags
                .iter()
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let digest = repo_digests
        .iter()
        .find_map(|r| r.split_once('@').map(|(_, d)| d.trim()))
        .filter(|d| !d.is_empty());
    let image_id = md.and_then(|m| non_empty(m.image_id.as_deref()));
    let from_target = os_target_image(&report.results);
    let reference = non_empty(report.artifact_name.as_deref())
        .and_then(reference_in_input)
        .or_else(|| md.and_then(|m| non_empty(m.reference.as_deref())))
        .or_else(|| repo_tags.first().copied())
        .or_else(|| {
            repo_digests
                .iter()
                .copied()
                .find(|r| r.split_once('@').is_some_and(|(repo, _)| !repo.is_empty()))
        })
        .or(ctx.image())
        .or(from_target.as_deref());
    let mut image = match reference {
        Some(r) => Image::from_reference(r, digest),
        None => {
            let image = Image::from_digest(digest.or(image_id));
            out.warnings.push(format!(
                "the report does not name the image repository (ArtifactName {:?}, no RepoTags); the findings are scoped to {} \
                 so a rebuilt image will not update them: pass the image reference (--image)",
                report.artifact_name.as_deref().unwrap_or(""),
                image.repository
            ));
            image
        }
    };
    image.tags = repo_tags.iter().map(|s| s.to_string()).collect();
    image.image_id = image_id.map(str::to_string);
    image
}

/// The image an OS result's target names: Trivy writes `{artifact} ({family} {version})`.
fn os_target_image(results: &[TrivyResult]) -> Option<String> {
    results.iter().find_map(|r| {
        let family = non_empty(r.kind.as_deref())?;
        let (name, os) = r.target.trim().strip_suffix(')')?.rsplit_once(" (")?;
        let os_family = os.split(' ').next()?;
        (os_family == family)
            .then(|| reference_in_input(name))
            .flatten()
            .map(str::to_string)
    })
}

/// What a conversion remembers across results.
#[derive(Default)]
struct State {
    /// Identities of the findings so far.
    identities: HashSet<Vec<String>>,
    /// How many misconfigurations or secrets with the same identity came before.
    repeats: HashMap<Vec<String>, usize>,
}

impl State {
    /// The identity with ` #n` for the n-th repeat of an identity (the first keeps it as it is).
    fn ordinal(&mut self, mut identity: Vec<String>) -> Vec<String> {
        let n = self.repeats.entry(identity.clone()).or_insert(0);
        *n += 1;
        if *n > 1 {
            identity.push(format!("#{n}"));
        }
        identity
    }
}

fn convert_result(
    place: &Place,
    r: &TrivyResult,
    path: &str,
    state: &mut State,
    out: &mut Emitter<'_>,
) -> Result<(), ReportError> {
    out.records +=
        r.vulnerabilities.len() + r.misconfigurations.len() + r.secrets.len() + r.licenses.len();
    let ctx = place.ctx;
    let mut seen = HashSet::new();
    for (j, v) in r.vulnerabilities.iter().enumerate() {
        let record = format!("{path}.Vulnerabilities[{j}]");
        if v.status
            .as_deref()
            .is_some_and(|s| s.trim().eq_ignore_ascii_case("not_affected"))
        {
            out.skip(record, "not affected");
            continue;
        }
        let key = (
            r.target.as_str(),
            v.vulnerability_id.trim(),
            package_key(v),
            v.installed_version.as_deref().unwrap_or("").trim(),
            v.pkg_path.as_deref().unwrap_or("").trim(),
        );
        if !seen.insert(key) {
            out.skip(record, "duplicate");
            continue;
        }
        let draft = vulnerability(place, r, v);
        if !state.identities.insert(draft.identity.clone()) {
            tracing::debug!(record = %record, "the same identity as an earlier vulnerability");
            out.skip(record, "duplicate");
            continue;
        }
        let f = build(ctx, &TOOL, &place.scope, draft)
            .map_err(|e| ReportError::at_path(TOOL.name, record.as_str(), e.to_string()))?;
        out.emit(f)?;
    }
    for (j, m) in r.misconfigurations.iter().enumerate() {
        let record = format!("{path}.Misconfigurations[{j}]");
        if let Some(s) = non_empty(m.status.as_deref()).filter(|s| !s.eq_ignore_ascii_case("FAIL"))
        {
            out.skip(record, format!("status {s}"));
            continue;
        }
        let mut draft = misconfiguration(place, r, m);
        draft.identity = state.ordinal(draft.identity);
        let mut f = build(ctx, &TOOL, &place.scope, draft)
            .map_err(|e| ReportError::at_path(TOOL.name, record.as_str(), e.to_string()))?;
        f.set_compliance_status("FAILED");
        out.emit(f)?;
    }
    for (j, s) in r.secrets.iter().enumerate() {
        let record = format!("{path}.Secrets[{j}]");
        let mut draft = secret(place, r, s);
        draft.identity = state.ordinal(draft.identity);
        let f = build(ctx, &TOOL, &place.scope, draft)
            .map_err(|e| ReportError::at_path(TOOL.name, record.as_str(), e.to_string()))?;
        out.emit(f)?;
    }
    for j in 0..r.licenses.len() {
        out.skip(format!("{path}.Licenses[{j}]"), "license finding");
    }
    Ok(())
}

/// `PkgID`, else `PkgName`.
fn package_key(v: &model::Vulnerability) -> &str {
    non_empty(v.pkg_id.as_deref())
        .or(non_empty(v.pkg_name.as_deref()))
        .unwrap_or("")
}

/// The result's class and type (`os-pkgs/debian`, `lang-pkgs/npm`).
fn class_type(r: &TrivyResult) -> String {
    format!(
        "{}/{}",
        non_empty(r.class.as_deref()).unwrap_or(""),
        non_empty(r.kind.as_deref()).unwrap_or("")
    )
}

/// Trivy's statuses of a vulnerability.
fn fix_available(v: &model::Vulnerability) -> Option<YesNoPartial> {
    if non_empty(v.fixed_version.as_deref()).is_some() {
        return Some(YesNoPartial::Yes);
    }
    match v
        .status
        .as_deref()
        .map(|s| s.trim().to_ascii_lowercase())
        .as_deref()
    {
        Some("fixed") => Some(YesNoPartial::Yes),
        Some("affected" | "will_not_fix" | "fix_deferred" | "end_of_life") => {
            Some(YesNoPartial::No)
        }
        _ => None,
    }
}

fn remediation(v: &model::Vulnerability, package: &str) -> Option<String> {
    if let Some(fixed) = non_empty(v.fixed_version.as_deref()) {
        return Some(format!("Upgrade {package} to {fixed}."));
    }
    match v.status.as_deref().map(|s| s.trim().to_ascii_lowercase()).as_deref() {
        Some("fixed") => Some(format!("A fix is available: upgrade {package}.")),
        Some("affected") => Some("No fix is available yet.".to_string()),
        Some("will_not_fix") => Some("The vendor will not fix this vulnerability.".to_string()),
        Some("fix_deferred") => Some("The vendor has deferred the fix.".to_string()),
        Some("end_of_life") => Some(
            "The package or its distribution is end of life and will get no fix: upgrade to a supported release."
                .to_string(),
        ),
        Some("under_investigation") => Some("The vendor is investigating whether it is affected.".to_string()),
        _ => None,
    }
}

/// The CVSS entries of every source: v3, v4.0 and v2, with vector and source.
fn cvss_entries(v: &model::Vulnerability) -> Vec<Cvss> {
    let mut out = Vec::new();
    for (source, c) in &v.cvss {
        for (version, score, vector) in scores(c) {
            out.push(Cvss {
                version: Some(version),
                base_score: Some(score),
                base_vector: vector.map(str::to_string),
                source: Some(source.clone()),
                ..Default::default()
            });
        }
    }
    out
}

/// One source's scores, v3 then v4.0 then v2: (version, score, vector).
fn scores(c: &model::Cvss) -> Vec<(String, f64, Option<&str>)> {
    let valid = |s: Option<f64>| s.filter(|s| (0.0..=10.0).contains(s));
    let mut out = Vec::new();
    if let Some(s) = valid(c.v3_score) {
        let vector = non_empty(c.v3_vector.as_deref());
        let version = vector
            .and_then(|x| x.strip_prefix("CVSS:"))
            .and_then(|x| x.split('/').next())
            .filter(|x| !x.is_empty())
            .unwrap_or("3.0");
        out.push((version.to_string(), s, vector));
    }
    if let Some(s) = valid(c.v40_score) {
        out.push(("4.0".to_string(), s, non_empty(c.v40_vector.as_deref())));
    }
    if let Some(s) = valid(c.v2_score) {
        out.push(("2.0".to_string(), s, non_empty(c.v2_vector.as_deref())));
    }
    out
}

/// The score an unrated vulnerability's label comes from: the `SeveritySource`'s, else the
/// NVD's, else any source's (in name order); of a source, v3 then v4.0 then v2. With what it
/// is, for `trivy/SeverityFromCvss`.
fn rating_score(v: &model::Vulnerability) -> Option<(f64, String)> {
    let preferred = non_empty(v.severity_source.as_deref());
    let mut sources: Vec<(&String, &model::Cvss)> = v.cvss.iter().collect();
    // the severity source first, then nvd (a stable sort keeps name order otherwise)
    sources.sort_by_key(|(name, _)| {
        if Some(name.as_str()) == preferred {
            0
        } else if name.as_str() == "nvd" {
            1
        } else {
            2
        }
    });
    sources.into_iter().find_map(|(name, c)| {
        scores(c)
            .into_iter()
            .next()
            .map(|(version, score, _)| (score, format!("{score} (CVSS {version}, {name})")))
    })
}

/// The label and original severity of a vulnerability, and the score it came from when unrated.
fn vulnerability_severity(v: &model::Vulnerability) -> (Label, String, Option<String>) {
    let word = non_empty(v.severity.as_deref());
    let severity = Severity::parse(word);
    let original = match (word, non_empty(v.severity_source.as_deref())) {
        (Some(w), Some(s)) => format!("{w} ({s})"),
        (Some(w), None) => w.to_string(),
        (None, _) => String::new(),
    };
    if !severity.is_unrated() {
        return (Label::from(&severity), original, None);
    }
    match rating_score(v) {
        Some((score, what)) => (unrated_label(Some(score)), original, Some(what)),
        None => (Label::Informational, original, None),
    }
}

fn vulnerability(place: &Place, r: &TrivyResult, v: &model::Vulnerability) -> Draft {
    let id = v.vulnerability_id.trim();
    let package = non_empty(v.pkg_name.as_deref())
        .or(non_empty(v.pkg_id.as_deref()))
        .unwrap_or("");
    let version = non_empty(v.installed_version.as_deref());
    let kind = non_empty(r.kind.as_deref());
    let lang = r.class.as_deref().is_some_and(|c| c == "lang-pkgs");
    // the package's file: PkgPath, else a lock file's target
    let file = non_empty(v.pkg_path.as_deref())
        .or_else(|| lang.then(|| non_empty(Some(r.target.as_str()))).flatten());
    let (label, original, from_cvss) = vulnerability_severity(v);

    let mut related = Vec::new();
    for x in &v.vendor_ids {
        if x.trim() != id {
            push_unique(&mut related, x);
        }
    }
    let mut rule_ids = vec![id.to_string()];
    for x in &related {
        push_unique(&mut rule_ids, x);
    }
    let cve = is_cve(id) || related.iter().any(|x| is_cve(x));

    let mut urls = Vec::new();
    if let Some(u) = non_empty(v.primary_url.as_deref()) {
        push_unique(&mut urls, u);
    }
    for u in &v.references {
        push_unique(&mut urls, u);
    }

    let package_label = match version {
        Some(ver) => format!("{package} {ver}"),
        None => package.to_string(),
    };
    let title = clean(&format!("{id} in {package_label}"));
    let place_text = match &place.subject {
        Subject::Image(i) => format!("image {}", i.name()),
        Subject::Code { .. } => "the scanned code".to_string(),
        Subject::Kubernetes(k) => format!("{} of cluster {}", k.key(), k.cluster),
    };
    let summary = non_empty(v.title.as_deref());
    let description = match (non_empty(v.description.as_deref()), summary) {
        (Some(d), _) => d.to_string(),
        (None, Some(t)) => t.to_string(),
        (None, None) => format!(
            "{id} ({}) affects {package_label}{} in {place_text}.",
            word_or_unknown(v.severity.as_deref()),
            kind.map(|k| format!(" ({k} package)")).unwrap_or_default()
        ),
    };

    let mut fields = place.fields.clone();
    let mut put = |k: &str, val: Option<String>| {
        if let Some(val) = val.filter(|s| !s.trim().is_empty()) {
            fields.insert(k.to_string(), clean(&val));
        }
    };
    put("trivy/Target", Some(place.shown_path(&r.target)));
    put("trivy/Class", r.class.clone());
    put("trivy/Type", r.kind.clone());
    put("trivy/PkgID", v.pkg_id.clone());
    put(
        "trivy/Purl",
        v.pkg_identifier.as_ref().and_then(|p| p.purl.clone()),
    );
    put("trivy/Status", v.status.clone());
    put("trivy/SeveritySource", v.severity_source.clone());
    put("trivy/SeverityFromCvss", from_cvss);
    put("trivy/Title", summary.map(str::to_string));
    put("trivy/CweIDs", Some(v.cwe_ids.join(", ")));
    put("trivy/PublishedDate", v.published_date.clone());
    put("trivy/LastModifiedDate", v.last_modified_date.clone());

    let layer = v
        .layer
        .as_ref()
        .and_then(|l| non_empty(l.digest.as_deref()).or(non_empty(l.diff_id.as_deref())));
    let data_source = v.data_source.as_ref();
    let vulnerability = Vulnerability {
        id: id.to_string(),
        vulnerable_packages: vec![SoftwarePackage {
            name: Some(clean(package)).filter(|s| !s.is_empty()),
            version: version.map(clean),
            package_manager: kind.map(clean),
            file_path: file.map(|f| clean(&place.shown_path(f))),
            fixed_in_version: non_empty(v.fixed_version.as_deref()).map(clean),
            source_layer_hash: layer.map(clean),
            ..Default::default()
        }],
        cvss: cvss_entries(v),
        related_vulnerabilities: related,
        vendor: Some(VulnerabilityVendor {
            name: data_source
                .and_then(|d| non_empty(d.name.as_deref()).or(non_empty(d.id.as_deref())))
                .unwrap_or("Trivy")
                .to_string(),
            url: data_source
                .and_then(|d| non_empty(d.url.as_deref()))
                .map(str::to_string),
            vendor_severity: non_empty(v.severity.as_deref()).map(str::to_string),
            ..Default::default()
        }),
        reference_urls: urls,
        fix_available: fix_available(v),
        ..Default::default()
    };

    let mut identity = vec![
        id.to_string(),
        package_key(v).to_string(),
        version.unwrap_or("").to_string(),
        file.map(|f| place.id_path(f)).unwrap_or_default(),
        class_type(r),
    ];
    place.identity_suffix(&mut identity);

    Draft {
        identity,
        title,
        description,
        label: Some(label),
        original_severity: original,
        rule_ids,
        types: vec![if cve { TYPE_CVE } else { TYPE_VULNERABILITY }.to_string()],
        remediation_text: remediation(v, package),
        remediation_url: None,
        source_url: non_empty(v.primary_url.as_deref()).map(str::to_string),
        product_fields: fields,
        // for code, the lock file as a resource of its own
        resources: place.vulnerability_resources(
            file.filter(|_| matches!(place.subject, Subject::Code { .. }))
                .map(|f| place.shown_path(f))
                .as_deref(),
        ),
        vulnerabilities: vec![vulnerability],
        first_observed_at: None,
    }
}

fn word_or_unknown(word: Option<&str>) -> &str {
    non_empty(word).unwrap_or("UNKNOWN")
}

/// Whether a check is about AWS resources.
fn is_aws_check(m: &model::Misconfiguration) -> bool {
    let provider = m
        .cause
        .as_ref()
        .and_then(|c| non_empty(c.provider.as_deref()));
    let id_is_aws = [m.id.as_deref(), m.avd_id.as_deref()]
        .into_iter()
        .flatten()
        .any(|id| {
            let id = id.trim().to_ascii_uppercase();
            id.starts_with("AVD-AWS-") || id.starts_with("AWS-")
        });
    provider.is_some_and(|p| p.eq_ignore_ascii_case("aws")) || id_is_aws
}

fn misconfiguration(place: &Place, r: &TrivyResult, m: &model::Misconfiguration) -> Draft {
    let id = non_empty(m.id.as_deref())
        .or(non_empty(m.avd_id.as_deref()))
        .unwrap_or("");
    let title_text = non_empty(m.title.as_deref());
    let title = clean(&match (id, title_text) {
        ("", Some(t)) => t.to_string(),
        ("", None) => "Trivy misconfiguration".to_string(),
        (id, Some(t)) => format!("{id}: {t}"),
        (id, None) => id.to_string(),
    });
    let severity = Severity::parse(m.severity.as_deref());
    let cause = m.cause.as_ref();
    let resource = cause
        .and_then(|c| non_empty(c.resource.as_deref()))
        .unwrap_or("");
    let mut via = Vec::new();
    for o in cause.map(|c| c.occurrences.as_slice()).unwrap_or_default() {
        if let Some(x) = non_empty(o.resource.as_deref()) {
            push_unique(&mut via, x);
        }
    }
    let shown = place.shown_path(&r.target);
    let lines = cause.and_then(|c| match (c.start_line, c.end_line) {
        (Some(a), Some(b)) if a > 0 && b > a => Some(format!("{a}-{b}")),
        (Some(a), _) if a > 0 => Some(a.to_string()),
        _ => None,
    });

    let mut description = Vec::new();
    if let Some(d) = non_empty(m.description.as_deref()) {
        description.push(d.to_string());
    }
    if let Some(msg) = non_empty(m.message.as_deref()) {
        description.push(msg.to_string());
    }
    if !shown.trim().is_empty() {
        description.push(match &lines {
            Some(l) => format!("File: {shown} (lines {l})"),
            None => format!("File: {shown}"),
        });
    }
    if !resource.is_empty() {
        description.push(format!("Resource: {resource}"));
    }

    let mut fields = place.fields.clone();
    let mut put = |k: &str, val: Option<String>| {
        if let Some(val) = val.filter(|s| !s.trim().is_empty()) {
            fields.insert(k.to_string(), clean(&val));
        }
    };
    put("trivy/Target", Some(shown.clone()));
    put("trivy/Class", r.class.clone());
    put("trivy/Type", r.kind.clone());
    put("trivy/CheckType", m.kind.clone());
    put("trivy/AVDID", m.avd_id.clone());
    put("trivy/Namespace", m.namespace.clone());
    put("trivy/Message", m.message.clone());
    put("trivy/Status", m.status.clone());
    put("trivy/Provider", cause.and_then(|c| c.provider.clone()));
    put("trivy/Service", cause.and_then(|c| c.service.clone()));
    put("trivy/Resource", Some(resource.to_string()));
    put("trivy/Lines", lines);

    let mut rule_ids = Vec::new();
    for x in [m.id.as_deref(), m.avd_id.as_deref()].into_iter().flatten() {
        push_unique(&mut rule_ids, x);
    }
    let mut identity = vec![
        id.to_string(),
        place.id_path(&r.target),
        resource.to_string(),
        via.join("\n"),
    ];
    place.identity_suffix(&mut identity);
    let file = non_empty(Some(shown.as_str()));

    Draft {
        identity,
        title,
        description: description.join("\n"),
        label: Some(Label::from(&severity)),
        original_severity: m.severity.clone().unwrap_or_default(),
        rule_ids,
        types: vec![if is_aws_check(m) {
            TYPE_AWS
        } else {
            TYPE_STANDARDS
        }
        .to_string()],
        remediation_text: non_empty(m.resolution.as_deref()).map(str::to_string),
        remediation_url: non_empty(m.primary_url.as_deref()).map(str::to_string),
        source_url: non_empty(m.primary_url.as_deref()).map(str::to_string),
        product_fields: fields,
        resources: place.resources(file),
        ..Default::default()
    }
}

/// A matched line as a finding may show it: Trivy masks the secret with `*`; a line it did
/// not mask is not shown at all (the redaction of `build` masks what it recognises in the rest).
fn masked_line(line: &str) -> &str {
    if line.contains('*') {
        line
    } else {
        UNMASKED
    }
}

fn secret(place: &Place, r: &TrivyResult, s: &model::Secret) -> Draft {
    let rule = non_empty(s.rule_id.as_deref()).unwrap_or("");
    let name = non_empty(s.title.as_deref())
        .or(non_empty(Some(rule)))
        .unwrap_or("Secret");
    let shown = place.shown_path(&r.target);
    let matched = non_empty(s.matched.as_deref());
    // the identity holds a hash of the match as masked, never the match itself
    let match_hash = matched
        .map(|m| sha256_hex(&redact(m).0))
        .unwrap_or_default();
    let line = match (s.start_line, s.end_line) {
        (Some(a), Some(b)) if a > 0 && b > a => Some(format!("{a}-{b}")),
        (Some(a), _) if a > 0 => Some(a.to_string()),
        _ => None,
    };

    let mut description = vec![match (&line, shown.trim().is_empty()) {
        (_, true) => format!("Trivy found a secret ({name})."),
        (Some(l), false) => format!("Trivy found a secret ({name}) in {shown}, line {l}."),
        (None, false) => format!("Trivy found a secret ({name}) in {shown}."),
    }];
    if let Some(m) = matched {
        description.push(format!("Match: {}", masked_line(m)));
    }
    // the cause lines besides the match (a multi-line secret), never the lines around them
    for l in s
        .code
        .iter()
        .flat_map(|c| c.lines.iter())
        .filter(|l| l.is_cause)
    {
        if let Some(c) = non_empty(l.content.as_deref()) {
            if Some(c) != matched.map(str::trim) {
                description.push(masked_line(c).to_string());
            }
        }
    }

    let mut fields = place.fields.clone();
    let mut put = |k: &str, val: Option<String>| {
        if let Some(val) = val.filter(|s| !s.trim().is_empty()) {
            fields.insert(k.to_string(), clean(&val));
        }
    };
    put("trivy/Target", Some(shown.clone()));
    put("trivy/Class", r.class.clone());
    put("trivy/RuleID", Some(rule.to_string()));
    put("trivy/Category", s.category.clone());
    put("trivy/Lines", line);
    put(
        "trivy/Layer",
        s.layer
            .as_ref()
            .and_then(|l| non_empty(l.digest.as_deref()).or(non_empty(l.diff_id.as_deref())))
            .map(str::to_string),
    );

    let mut identity = vec![rule.to_string(), place.id_path(&r.target), match_hash];
    place.identity_suffix(&mut identity);
    let severity = Severity::parse(s.severity.as_deref());
    let file = non_empty(Some(shown.as_str()));
    Draft {
        identity,
        title: clean(&match file {
            Some(f) => format!("{name} in {f}"),
            None => name.to_string(),
        }),
        description: description.join("\n"),
        label: Some(Label::from(&severity)),
        original_severity: s.severity.clone().unwrap_or_default(),
        rule_ids: vec![rule.to_string()]
            .into_iter()
            .filter(|x| !x.is_empty())
            .collect(),
        types: vec![TYPE_SECRET.to_string()],
        remediation_text: Some(
            "Remove the secret from the file and its history, and revoke or rotate it.".to_string(),
        ),
        product_fields: fields,
        resources: place.resources(file),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(target: &str, class: &str, kind: &str) -> TrivyResult {
        TrivyResult {
            target: target.into(),
            class: Some(class.into()),
            kind: Some(kind.into()),
            ..Default::default()
        }
    }

    #[test]
    fn images_named_by_os_results() {
        let r = |t: &str, k: &str| os_target_image(&[result(t, "os-pkgs", k)]);
        assert_eq!(
            r("registry.example/app:1 (debian 12.5)", "debian").as_deref(),
            Some("registry.example/app:1")
        );
        assert_eq!(
            r("debian (debian 10.8)", "debian").as_deref(),
            Some("debian")
        );
        // an archive, another family, no OS part
        assert_eq!(r("images/app.tar.gz (alpine 3.19)", "alpine"), None);
        assert_eq!(r("app:1 (alpine 3.19)", "debian"), None);
        assert_eq!(r("package-lock.json", "npm"), None);
        assert_eq!(os_target_image(&[]), None);
    }

    #[test]
    fn kubernetes_keys() {
        let k = |ns: Option<&str>| K8s {
            cluster: "c".into(),
            namespace: ns.map(str::to_string),
            kind: "Deployment".into(),
            name: "web".into(),
            image: None,
        };
        assert_eq!(k(Some("shop")).key(), "shop/Deployment/web");
        assert_eq!(k(None).key(), "Deployment/web");
        assert_eq!(
            k(None).scope(),
            Scope::Cluster {
                name: "c".into(),
                namespace: None
            }
        );
    }

    #[test]
    fn unmasked_lines_are_not_shown() {
        assert_eq!(masked_line("TOKEN=****"), "TOKEN=****");
        assert_eq!(masked_line("TOKEN=abc"), UNMASKED);
    }

    #[test]
    fn cvss_scores_of_a_source() {
        let c = model::Cvss {
            v2_score: Some(5.0),
            v3_score: Some(11.0),
            v40_score: Some(6.1),
            v40_vector: Some("CVSS:4.0/AV:N".into()),
            ..Default::default()
        };
        let s = scores(&c);
        assert_eq!(
            s,
            vec![
                ("4.0".to_string(), 6.1, Some("CVSS:4.0/AV:N")),
                ("2.0".to_string(), 5.0, None)
            ]
        );
    }
}

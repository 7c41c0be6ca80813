//! From the report model to findings: one per (dependency, vulnerability).

use std::collections::HashMap;

use asff_core::model::{
    Cvss, FieldMap, SoftwarePackage, Vulnerability as AsffVulnerability, VulnerabilityVendor,
    YesNo, YesNoPartial,
};
use asff_core::{
    build, repository_resource, Context, Draft, Emitter, Label, Location, ReportError,
};

use crate::model::{CvssV2, CvssV3, Dependency, Report, Text, Vulnerability};
use crate::TOOL;
use asff_core::vuln::{TYPE_CVE, TYPE_VULNERABILITY};

/// Product field and resource detail keys.
const PF: &str = "dependency-check/";

/// Which syntax the report was written in: record paths follow it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Syntax {
    Json,
    Xml,
}

impl Syntax {
    fn vulnerability_path(self, d: usize, v: usize) -> String {
        match self {
            Syntax::Json => format!("$.dependencies[{d}].vulnerabilities[{v}]"),
            Syntax::Xml => format!(
                "/analysis/dependencies/dependency[{}]/vulnerabilities/vulnerability[{}]",
                d + 1,
                v + 1
            ),
        }
    }

    fn suppressed_path(self, d: usize, v: usize) -> String {
        match self {
            Syntax::Json => format!("$.dependencies[{d}].suppressedVulnerabilities[{v}]"),
            Syntax::Xml => format!(
                "/analysis/dependencies/dependency[{}]/vulnerabilities/suppressedVulnerability[{}]",
                d + 1,
                v + 1
            ),
        }
    }

    fn error(self, path: String, dep: &Dependency, message: String) -> ReportError {
        let location = match self {
            Syntax::Json => Location::Json {
                path,
                line: 0,
                column: 0,
            },
            Syntax::Xml => Location::Xml {
                path,
                offset: dep.offset,
            },
        };
        ReportError::new(TOOL.name, location, message)
    }
}

// ---- severity ----

/// Dependency-Check's own severity word.
#[derive(Debug, Clone, PartialEq, Eq)]
enum DcSeverity {
    Critical,
    High,
    /// "MEDIUM", or "moderate" (NPM, OSS Index).
    Medium,
    Low,
    /// "info", "informational" or "none".
    Info,
    /// Any other word, such as "Unknown" for an unscored vulnerability.
    Unknown(String),
}

impl DcSeverity {
    fn parse(word: &str) -> DcSeverity {
        let w = word.trim();
        let is = |s: &str| w.eq_ignore_ascii_case(s);
        if is("critical") {
            DcSeverity::Critical
        } else if is("high") {
            DcSeverity::High
        } else if is("medium") || is("moderate") {
            DcSeverity::Medium
        } else if is("low") {
            DcSeverity::Low
        } else if is("info") || is("informational") || is("none") {
            DcSeverity::Info
        } else {
            DcSeverity::Unknown(w.to_string())
        }
    }
}

/// What decides a label: the severity word when it is one we know, else the highest CVSS base
/// score by the qualitative scale, else INFORMATIONAL.
struct Rating {
    severity: Option<DcSeverity>,
    best_cvss: Option<f64>,
}

impl From<Rating> for Label {
    fn from(r: Rating) -> Label {
        match r.severity {
            Some(DcSeverity::Critical) => Label::Critical,
            Some(DcSeverity::High) => Label::High,
            Some(DcSeverity::Medium) => Label::Medium,
            Some(DcSeverity::Low) => Label::Low,
            Some(DcSeverity::Info) => Label::Informational,
            Some(DcSeverity::Unknown(_)) | None => r
                .best_cvss
                .and_then(Label::from_cvss)
                .unwrap_or(Label::Informational),
        }
    }
}

fn valid_score(s: Option<f64>) -> Option<f64> {
    s.filter(|s| (0.0..=10.0).contains(s))
}

/// The highest CVSS base score among cvssv4, cvssv3 and cvssv2.
fn best_cvss(v: &Vulnerability) -> Option<f64> {
    [
        v.cvssv4
            .as_ref()
            .and_then(|c| c.base_score)
            .and_then(|n| n.0),
        v.cvssv3
            .as_ref()
            .and_then(|c| c.base_score)
            .and_then(|n| n.0),
        v.cvssv2.as_ref().and_then(|c| c.score).and_then(|n| n.0),
    ]
    .into_iter()
    .filter_map(valid_score)
    .reduce(f64::max)
}

// ---- packages ----

/// A package name and version, from a purl, Maven coordinates or a CPE.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Package {
    /// The purl type (`maven`, `npm`, …).
    manager: Option<String>,
    /// The full name: `group:artifact` for Maven, `@scope/name` for npm, `namespace/name`.
    name: String,
    /// The last part of the name, for titles.
    short: String,
    version: Option<String>,
}

/// A purl part percent-decoded; one that does not decode to UTF-8 stays as it is.
fn decode(s: &str) -> String {
    String::from_utf8(asff_core::text::percent_decode(s, false)).unwrap_or_else(|_| s.to_string())
}

/// `pkg:type/namespace/name@version?qualifiers#subpath`.
fn from_purl(purl: &str) -> Option<Package> {
    let p = purl.trim();
    let rest = p
        .get(..4)
        .filter(|s| s.eq_ignore_ascii_case("pkg:"))
        .and_then(|_| p.get(4..))?;
    let rest = rest.trim_start_matches('/');
    let rest = rest.split('#').next().unwrap_or(rest);
    let rest = rest.split('?').next().unwrap_or(rest);
    let (kind, path) = rest.split_once('/')?;
    // the version is after the last `@` of the last segment
    let (namespace, last) = match path.rsplit_once('/') {
        Some((namespace, last)) => (Some(namespace), last),
        None => (None, path),
    };
    let (name, version) = match last.rsplit_once('@') {
        Some((name, version)) => (name, Some(version)),
        None => (last, None),
    };
    let short = decode(name);
    if short.is_empty() {
        return None;
    }
    let kind = kind.to_ascii_lowercase();
    let full = match namespace.map(decode).filter(|n| !n.is_empty()) {
        Some(ns) if kind == "maven" => format!("{}:{short}", ns.replace('/', ".")),
        Some(ns) => format!("{ns}/{short}"),
        None => short.clone(),
    };
    Some(Package {
        manager: Some(kind).filter(|k| !k.is_empty()),
        name: full,
        short,
        version: version.map(decode).filter(|v| !v.is_empty()),
    })
}

/// Maven coordinates `group:artifact:version`.
fn from_maven(coords: &str) -> Option<Package> {
    let parts: Vec<&str> = coords.trim().split(':').map(str::trim).collect();
    match parts.as_slice() {
        [g, a, v] if !g.is_empty() && !a.is_empty() && !v.is_empty() && !g.contains('/') => {
            Some(Package {
                manager: Some("maven".into()),
                name: format!("{g}:{a}"),
                short: a.to_string(),
                version: Some(v.to_string()),
            })
        }
        _ => None,
    }
}

/// `cpe:2.3:a:vendor:product:version:…` or `cpe:/a:vendor:product:version`.
fn from_cpe(cpe: &str) -> Option<Package> {
    let c = cpe.trim();
    let fields: Vec<&str> = if let Some(rest) = c.strip_prefix("cpe:2.3:") {
        rest.split(':').collect()
    } else if let Some(rest) = c.strip_prefix("cpe:/") {
        rest.split(':').collect()
    } else {
        return None;
    };
    let wild = |s: &&str| s.is_empty() || *s == "*" || *s == "-";
    let product = fields.get(2).filter(|s| !wild(s))?;
    let version = fields
        .get(3)
        .filter(|s| !wild(s))
        .map(|s| s.replace('\\', ""));
    Some(Package {
        manager: None,
        name: product.replace('\\', ""),
        short: product.replace('\\', ""),
        version,
    })
}

fn non_empty<'t>(t: &'t Option<Text<'_>>) -> Option<&'t str> {
    t.as_ref().and_then(|t| t.trimmed())
}

/// What identifies a dependency and names it.
struct DepInfo<'r> {
    /// The package id (purl), else the file path, else the file name.
    key: &'r str,
    /// The package id when there is one.
    package_id: Option<&'r str>,
    /// The package from the purl (or Maven coordinates).
    package: Option<Package>,
    /// The package named by the first CPE, when there is no purl.
    cpe_package: Option<Package>,
    file_name: &'r str,
    file_path: &'r str,
}

fn dep_info<'r>(d: &'r Dependency<'_>) -> DepInfo<'r> {
    let ids: Vec<&str> = d
        .packages
        .iter()
        .flatten()
        .filter_map(|p| non_empty(&p.id))
        .collect();
    let package_id = ids
        .iter()
        .copied()
        .find(|id| id.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("pkg:")))
        .or_else(|| ids.first().copied());
    let package = package_id.and_then(|id| from_purl(id).or_else(|| from_maven(id)));
    let cpe_package = if package.is_none() {
        d.vulnerability_ids
            .iter()
            .flatten()
            .filter_map(|i| non_empty(&i.id))
            .find_map(from_cpe)
    } else {
        None
    };
    let file_name = non_empty(&d.file_name).unwrap_or("");
    let file_path = non_empty(&d.file_path).unwrap_or("");
    let key = package_id
        .or(Some(file_path).filter(|s| !s.is_empty()))
        .or(Some(file_name).filter(|s| !s.is_empty()))
        .unwrap_or("unidentified-dependency");
    DepInfo {
        key,
        package_id,
        package,
        cpe_package,
        file_name,
        file_path,
    }
}

// ---- identity ----

/// A (dependency, vulnerability) pair and how much of its identity is needed to tell it from
/// the others: 0 = package and vulnerability; 1 = + file name; 2 = + file path; 3 = + source.
struct Candidate {
    d: usize,
    v: usize,
    level: usize,
}

const MAX_LEVEL: usize = 3;

fn identity<'r>(
    infos: &[DepInfo<'r>],
    deps: &'r [Dependency<'_>],
    c: &Candidate,
    level: usize,
) -> Vec<&'r str> {
    // candidates index into infos and deps, which have the same length
    let info = infos.get(c.d);
    let v = deps
        .get(c.d)
        .and_then(|d| d.vulnerabilities.as_deref())
        .and_then(|vs| vs.get(c.v));
    let name = v.map_or("", |v| v.name.trim());
    let mut id = vec![info.map_or("", |i| i.key), name];
    if level >= 1 {
        id.push(info.map_or("", |i| i.file_name));
    }
    if level >= 2 {
        id.push(info.map_or("", |i| i.file_path));
    }
    if level >= 3 {
        id.push(v.and_then(|v| non_empty(&v.source)).unwrap_or(""));
    }
    id
}

/// Gives each candidate the shortest identity that no other candidate shares. Returns the
/// candidates that stay identical even with the full identity (the same dependency and
/// vulnerability written twice), all but the first of each group.
fn resolve_identities(
    infos: &[DepInfo<'_>],
    deps: &[Dependency<'_>],
    cands: &mut [Candidate],
) -> Vec<usize> {
    let mut active: Vec<usize> = (0..cands.len()).collect();
    for level in 0..=MAX_LEVEL {
        let mut groups: HashMap<Vec<&str>, Vec<usize>> = HashMap::with_capacity(active.len());
        for &i in &active {
            if let Some(c) = cands.get(i) {
                groups
                    .entry(identity(infos, deps, c, level))
                    .or_default()
                    .push(i);
            }
        }
        let colliding: Vec<Vec<usize>> = groups.into_values().filter(|g| g.len() > 1).collect();
        if colliding.is_empty() {
            return Vec::new();
        }
        if level == MAX_LEVEL {
            let mut dups = Vec::new();
            for mut g in colliding {
                g.sort_unstable();
                dups.extend_from_slice(g.get(1..).unwrap_or_default());
            }
            dups.sort_unstable();
            return dups;
        }
        active = colliding.into_iter().flatten().collect();
        for &i in &active {
            if let Some(c) = cands.get_mut(i) {
                c.level = level + 1;
            }
        }
    }
    Vec::new()
}

// ---- CVSS ----

fn letter(v: &Option<Text<'_>>, allowed: &str) -> Option<char> {
    let c = non_empty(v)?.chars().next()?.to_ascii_uppercase();
    allowed.contains(c).then_some(c)
}

/// `AV:N/AC:L/Au:N/C:P/I:P/A:P` from the metrics.
fn v2_vector(c: &CvssV2<'_>) -> Option<String> {
    Some(format!(
        "AV:{}/AC:{}/Au:{}/C:{}/I:{}/A:{}",
        letter(&c.access_vector, "LAN")?,
        letter(&c.access_complexity, "HML")?,
        letter(&c.authentication, "MSN")?,
        letter(&c.confidentiality_impact, "NPC")?,
        letter(&c.integrity_impact, "NPC")?,
        letter(&c.availability_impact, "NPC")?,
    ))
}

/// `CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H` from the metrics; without the `CVSS:3.x/`
/// prefix when the report does not say which 3.x (before 6.0).
fn v3_vector(c: &CvssV3<'_>) -> Option<String> {
    let metrics = format!(
        "AV:{}/AC:{}/PR:{}/UI:{}/S:{}/C:{}/I:{}/A:{}",
        letter(&c.attack_vector, "NALP")?,
        letter(&c.attack_complexity, "LH")?,
        letter(&c.privileges_required, "NLH")?,
        letter(&c.user_interaction, "NR")?,
        letter(&c.scope, "UC")?,
        letter(&c.confidentiality_impact, "NLH")?,
        letter(&c.integrity_impact, "NLH")?,
        letter(&c.availability_impact, "NLH")?,
    );
    Some(match non_empty(&c.version) {
        Some(v) if v.starts_with("3.") => format!("CVSS:{v}/{metrics}"),
        _ => metrics,
    })
}

fn cvss_entries(v: &Vulnerability<'_>, source: Option<&str>) -> Vec<Cvss> {
    let mut out = Vec::new();
    let mut push =
        |version: String, score: Option<f64>, vector: Option<String>, src: Option<&str>| {
            if score.is_some() || vector.is_some() {
                out.push(Cvss {
                    version: Some(version),
                    base_score: score,
                    base_vector: vector,
                    source: src.map(str::to_string),
                    ..Default::default()
                });
            }
        };
    if let Some(c) = &v.cvssv4 {
        push(
            non_empty(&c.version).unwrap_or("4.0").to_string(),
            valid_score(c.base_score.and_then(|n| n.0)),
            non_empty(&c.vector_string).map(str::to_string),
            non_empty(&c.source).or(source),
        );
    }
    if let Some(c) = &v.cvssv3 {
        push(
            non_empty(&c.version).unwrap_or("3").to_string(),
            valid_score(c.base_score.and_then(|n| n.0)),
            v3_vector(c),
            source,
        );
    }
    if let Some(c) = &v.cvssv2 {
        push(
            non_empty(&c.version).unwrap_or("2.0").to_string(),
            valid_score(c.score.and_then(|n| n.0)),
            v2_vector(c),
            source,
        );
    }
    out
}

fn score_text(s: f64) -> String {
    format!("{s:.1}")
}

// ---- the conversion ----

/// Converts a parsed report.
pub(crate) fn convert(
    report: &Report<'_>,
    syntax: Syntax,
    ctx: &Context,
    out: &mut Emitter<'_>,
) -> Result<(), ReportError> {
    let deps = &report.dependencies;
    out.records = deps
        .iter()
        .map(|d| {
            d.vulnerabilities.as_ref().map_or(0, Vec::len)
                + d.suppressed_vulnerabilities.as_ref().map_or(0, Vec::len)
        })
        .sum();

    let exceptions = report
        .scan_info
        .as_ref()
        .and_then(|s| s.analysis_exceptions.as_ref())
        .map_or(0, Vec::len)
        + deps.iter().map(|d| d.analysis_exceptions).sum::<usize>();
    if exceptions > 0 {
        out.mark_incomplete(format!(
            "Dependency-Check reported {exceptions} analysis exception(s): the scan may be incomplete"
        ));
    }

    let infos: Vec<DepInfo> = deps.iter().map(dep_info).collect();
    let mut cands: Vec<Candidate> = Vec::new();
    for (d, dep) in deps.iter().enumerate() {
        for v in 0..dep.vulnerabilities.as_ref().map_or(0, Vec::len) {
            cands.push(Candidate { d, v, level: 0 });
        }
    }
    let duplicates = resolve_identities(&infos, deps, &mut cands);

    let common = Common::new(report, ctx)?;
    // the report speaks for the repository, also when it has no vulnerabilities
    out.cover(&TOOL, &common.scope);
    let mut dup_iter = duplicates.into_iter().peekable();
    for (i, c) in cands.iter().enumerate() {
        let path = || syntax.vulnerability_path(c.d, c.v);
        if dup_iter.peek() == Some(&i) {
            dup_iter.next();
            out.skip(path(), "duplicate");
            continue;
        }
        let (Some(dep), Some(info)) = (deps.get(c.d), infos.get(c.d)) else {
            continue;
        };
        let Some(vuln) = dep.vulnerabilities.as_deref().and_then(|vs| vs.get(c.v)) else {
            continue;
        };
        if vuln.name.trim().is_empty() {
            return Err(syntax.error(
                format!("{}.name", path()),
                dep,
                "a vulnerability without a name".into(),
            ));
        }
        // file paths relative to the checkout, whose directory changes from build to build
        let ident: Vec<String> = identity(&infos, deps, c, c.level)
            .into_iter()
            .map(|part| ctx.source_path(part).into_owned())
            .collect();
        let draft = draft(&common, dep, info, vuln, ident);
        let finding = build(ctx, &TOOL, &common.scope, draft)
            .map_err(|e| syntax.error(path(), dep, e.to_string()))?;
        out.emit(finding)?;
    }

    for (d, dep) in deps.iter().enumerate() {
        for k in 0..dep.suppressed_vulnerabilities.as_ref().map_or(0, Vec::len) {
            out.skip(syntax.suppressed_path(d, k), "suppressed");
        }
    }
    Ok(())
}

/// What every finding of a report shares.
struct Common<'c> {
    scope: asff_core::Scope,
    ctx: &'c Context,
    engine_version: Option<String>,
    project: Option<String>,
}

impl<'c> Common<'c> {
    fn new(report: &Report<'_>, ctx: &'c Context) -> Result<Self, ReportError> {
        Ok(Common {
            scope: ctx.code_scope_for(TOOL.name)?,
            ctx,
            engine_version: report
                .scan_info
                .as_ref()
                .and_then(|s| non_empty(&s.engine_version))
                .map(str::to_string),
            project: report
                .project_info
                .as_ref()
                .and_then(|p| non_empty(&p.name))
                .map(str::to_string),
        })
    }
}

fn join<'x>(items: impl Iterator<Item = &'x str>, sep: &str) -> Option<String> {
    let mut s = String::new();
    for it in items.map(str::trim).filter(|t| !t.is_empty()) {
        if !s.is_empty() {
            s.push_str(sep);
        }
        s.push_str(it);
    }
    Some(s).filter(|s| !s.is_empty())
}

fn draft(
    common: &Common<'_>,
    dep: &Dependency<'_>,
    info: &DepInfo<'_>,
    v: &Vulnerability<'_>,
    identity: Vec<String>,
) -> Draft {
    let name = v.name.trim();
    let source = non_empty(&v.source);
    let is_cve = name
        .get(..4)
        .is_some_and(|p| p.eq_ignore_ascii_case("cve-"));

    // severity
    let word = non_empty(&v.severity);
    let best = best_cvss(v);
    let label = Label::from(Rating {
        severity: word.map(DcSeverity::parse),
        best_cvss: best,
    });
    let original = match (word, best) {
        (Some(w), _) => w.to_string(),
        (None, Some(s)) => score_text(s),
        (None, None) => String::new(),
    };

    // the package: named in the title by its purl, else by its file name
    let pkg = info.package.as_ref().or(info.cpe_package.as_ref());
    let short = |p: &Package| match &p.version {
        Some(ver) => format!("{} {ver}", p.short),
        None => p.short.clone(),
    };
    let display = match (&info.package, &info.cpe_package) {
        (Some(p), _) => short(p),
        (None, _) if !info.file_name.is_empty() => info.file_name.to_string(),
        (None, Some(p)) => short(p),
        (None, None) => info.key.to_string(),
    };
    let pkg_name = pkg.map_or(display.as_str(), |p| p.name.as_str());

    // the version range the dependency matched: its end is the first fixed version
    let matched = v
        .vulnerable_software
        .iter()
        .flatten()
        .filter_map(|s| s.software.as_ref())
        .find(|s| s.matched.is_some_and(|m| m.0));
    let fixed = matched.and_then(|s| non_empty(&s.version_end_excluding));

    let vendor_url = if is_cve {
        Some(format!(
            "https://nvd.nist.gov/vuln/detail/{}",
            name.to_ascii_uppercase()
        ))
    } else if name.starts_with("GHSA-") {
        Some(format!("https://github.com/advisories/{name}"))
    } else {
        None
    };
    let mut reference_urls: Vec<String> = Vec::new();
    for r in v.references.iter().flatten() {
        if let Some(u) = non_empty(&r.url) {
            if !reference_urls.iter().any(|x| x == u) {
                reference_urls.push(u.to_string());
            }
        }
    }
    let remediation_url = vendor_url
        .clone()
        .or_else(|| reference_urls.first().cloned());

    // vulnerable packages: the dependency and its related dependencies (the same library
    // found at other paths)
    let main_package = SoftwarePackage {
        name: Some(pkg_name.to_string()).filter(|s| !s.is_empty()),
        version: pkg.and_then(|p| p.version.clone()),
        package_manager: pkg.and_then(|p| p.manager.clone()),
        file_path: Some(common.ctx.relative_path(info.file_path).into_owned())
            .filter(|s| !s.is_empty()),
        fixed_in_version: fixed.map(str::to_string),
        ..Default::default()
    };
    let related = dep.related_dependencies.as_deref().unwrap_or(&[]);
    let mut packages = Vec::with_capacity(1 + related.len());
    packages.push(main_package);
    for r in related {
        let own = r
            .package_ids
            .iter()
            .flatten()
            .filter_map(|p| non_empty(&p.id))
            .find_map(|id| from_purl(id).or_else(|| from_maven(id)));
        // without its own package id, a related dependency is named like the main one only
        // when it is the same file; else by its file name
        let same_file = |a: &Option<Text<'_>>, b: &Option<Text<'_>>| matches!((non_empty(a), non_empty(b)), (Some(x), Some(y)) if x.eq_ignore_ascii_case(y));
        let same = same_file(&r.sha256, &dep.sha256) || same_file(&r.sha1, &dep.sha1);
        let p = own.as_ref().or(pkg.filter(|_| same));
        let file_path = non_empty(&r.file_path);
        let file_name = non_empty(&r.file_name)
            .or_else(|| file_path.and_then(|f| f.rsplit(['/', '\\']).next()));
        packages.push(SoftwarePackage {
            name: p.map(|p| p.name.as_str()).or(file_name).map(str::to_string),
            version: p.and_then(|p| p.version.clone()),
            package_manager: p.and_then(|p| p.manager.clone()),
            file_path: file_path.or(file_name).map(str::to_string),
            fixed_in_version: fixed.filter(|_| p.is_some()).map(str::to_string),
            ..Default::default()
        });
    }

    let vulnerability = AsffVulnerability {
        id: name.to_string(),
        vulnerable_packages: packages,
        cvss: cvss_entries(v, source),
        vendor: source.map(|s| VulnerabilityVendor {
            name: s.to_string(),
            url: vendor_url.clone(),
            vendor_severity: word.map(str::to_string),
            ..Default::default()
        }),
        reference_urls,
        fix_available: fixed.map(|_| YesNoPartial::Yes),
        exploit_available: v.known_exploited.as_ref().map(|_| YesNo::Yes),
        ..Default::default()
    };

    // product fields
    let mut pf = FieldMap::new();
    let mut put = |k: &str, v: Option<String>| {
        if let Some(v) = v.filter(|v| !v.trim().is_empty()) {
            pf.insert(format!("{PF}{k}"), v);
        }
    };
    put("Source", source.map(str::to_string));
    put("Package", info.package_id.map(str::to_string));
    put(
        "CWEs",
        v.cwes
            .as_deref()
            .and_then(|c| join(c.iter().map(Text::as_str), ", ")),
    );
    put("EngineVersion", common.engine_version.clone());
    put("Project", common.project.clone());
    put("Notes", non_empty(&v.notes).map(str::to_string));
    if v.unscored.is_some_and(|u| u.0) {
        put("Unscored", Some("true".into()));
    }
    if let Some(k) = &v.known_exploited {
        put("KnownExploited", Some("true".into()));
        put("KevDateAdded", non_empty(&k.date_added).map(str::to_string));
        put("KevDueDate", non_empty(&k.due_date).map(str::to_string));
        put(
            "KevRequiredAction",
            non_empty(&k.required_action).map(str::to_string),
        );
    }
    if !related.is_empty() {
        put("RelatedDependencies", Some(related.len().to_string()));
    }

    // the resource: the repository, with the dependency in the details
    let mut other = FieldMap::new();
    let mut detail = |k: &str, v: Option<String>| {
        if let Some(v) = v.filter(|v| !v.trim().is_empty()) {
            other.insert(k.to_string(), v);
        }
    };
    detail(
        "FilePath",
        Some(common.ctx.relative_path(info.file_path).into_owned()),
    );
    detail("FileName", Some(info.file_name.to_string()));
    detail("PackageUrl", info.package_id.map(str::to_string));
    detail("Sha256", non_empty(&dep.sha256).map(str::to_string));
    detail("Sha1", non_empty(&dep.sha1).map(str::to_string));
    detail("Md5", non_empty(&dep.md5).map(str::to_string));
    if dep.is_virtual.is_some_and(|f| f.0) {
        detail("IsVirtual", Some("true".into()));
    }
    detail(
        "Cpe",
        dep.vulnerability_ids
            .iter()
            .flatten()
            .find_map(|i| non_empty(&i.id))
            .map(str::to_string),
    );
    detail(
        "ProjectReferences",
        dep.project_references
            .as_deref()
            .and_then(|r| join(r.iter().map(Text::as_str), ", ")),
    );
    detail(
        "IncludedBy",
        dep.included_by
            .as_deref()
            .and_then(|r| join(r.iter().filter_map(|i| i.reference.as_deref()), ", ")),
    );
    detail(
        "RelatedDependencies",
        join(
            related
                .iter()
                .filter_map(|r| non_empty(&r.file_path).or(non_empty(&r.file_name))),
            "; ",
        ),
    );
    let resource = repository_resource(common.ctx, other);

    let title = format!("{name} in {display}");
    let remediation_text = match fixed {
        Some(f) => format!(
            "Upgrade {pkg_name} to version {f} or later: {name} affects versions before {f}."
        ),
        None => format!(
            "Upgrade {pkg_name} to a version that is not affected by {name}, or remove or replace \
             the dependency. The references name the fixed versions."
        ),
    };
    let remediation_text = match v
        .known_exploited
        .as_ref()
        .and_then(|k| non_empty(&k.required_action))
    {
        Some(action) => format!("{remediation_text} CISA KEV required action: {action}"),
        None => remediation_text,
    };

    Draft {
        identity,
        title,
        description: non_empty(&v.description).unwrap_or("").to_string(),
        label: Some(label),
        original_severity: original,
        rule_ids: vec![name.to_string()],
        types: vec![if is_cve { TYPE_CVE } else { TYPE_VULNERABILITY }.to_string()],
        remediation_text: Some(remediation_text),
        remediation_url,
        source_url: vendor_url,
        product_fields: pf,
        resources: vec![resource],
        vulnerabilities: vec![vulnerability],
        first_observed_at: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_words() {
        let l = |w: &str, s: Option<f64>| {
            Label::from(Rating {
                severity: Some(DcSeverity::parse(w)),
                best_cvss: s,
            })
        };
        assert_eq!(l("CRITICAL", None), Label::Critical);
        assert_eq!(l("high", None), Label::High);
        assert_eq!(l("Moderate", None), Label::Medium);
        assert_eq!(l("medium", Some(9.8)), Label::Medium);
        assert_eq!(l("LOW", None), Label::Low);
        assert_eq!(l("info", None), Label::Informational);
        assert_eq!(l("Informational", None), Label::Informational);
        assert_eq!(l("NONE", Some(9.0)), Label::Informational);
        assert_eq!(l("Unknown", Some(9.1)), Label::Critical);
        assert_eq!(l("Unknown", None), Label::Informational);
        assert_eq!(
            Label::from(Rating {
                severity: None,
                best_cvss: Some(5.0)
            }),
            Label::Medium
        );
    }

    #[test]
    fn purls() {
        let p = from_purl("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1?type=jar").unwrap();
        assert_eq!(p.name, "org.apache.logging.log4j:log4j-core");
        assert_eq!(p.short, "log4j-core");
        assert_eq!(p.version.as_deref(), Some("2.14.1"));
        assert_eq!(p.manager.as_deref(), Some("maven"));
        let p = from_purl("pkg:npm/%40babel/core@7.0.0").unwrap();
        assert_eq!(p.name, "@babel/core");
        assert_eq!(p.short, "core");
        let p = from_purl("pkg:javascript/jquery@1.4.2").unwrap();
        assert_eq!(
            (p.name.as_str(), p.version.as_deref()),
            ("jquery", Some("1.4.2"))
        );
        let p = from_purl("pkg:npm/yargs-parser").unwrap();
        assert_eq!(p.version, None);
        assert!(from_purl("cpe:2.3:a:x:y:1").is_none());
        assert!(from_purl("pkg:").is_none());
        assert!(from_purl("pkg:npm/").is_none());
        assert_eq!(decode("a%2"), "a%2");
        assert_eq!(decode("%zz%41"), "%zzA");
        assert_eq!(decode("%FF"), "%FF", "not UTF-8: as it is");
    }

    #[test]
    fn cpes_and_coordinates() {
        let p = from_cpe("cpe:2.3:a:eclipse:glassfish:1.0.3:*:*:*:*:*:*:*").unwrap();
        assert_eq!(
            (p.name.as_str(), p.version.as_deref()),
            ("glassfish", Some("1.0.3"))
        );
        let p = from_cpe("cpe:/a:apache:xalan-java:2.7.1").unwrap();
        assert_eq!(
            (p.name.as_str(), p.version.as_deref()),
            ("xalan-java", Some("2.7.1"))
        );
        assert!(from_cpe("cpe:2.3:a:x:*:*").is_none());
        let p = from_maven("xalan:serializer:2.7.1").unwrap();
        assert_eq!(
            (p.name.as_str(), p.short.as_str()),
            ("xalan:serializer", "serializer")
        );
        assert!(from_maven("a:b").is_none());
    }

    #[test]
    fn vectors() {
        let v3 = CvssV3 {
            attack_vector: Some("NETWORK".into()),
            attack_complexity: Some("LOW".into()),
            privileges_required: Some("NONE".into()),
            user_interaction: Some("REQUIRED".into()),
            scope: Some("CHANGED".into()),
            confidentiality_impact: Some("LOW".into()),
            integrity_impact: Some("LOW".into()),
            availability_impact: Some("NONE".into()),
            version: Some("3.1".into()),
            ..Default::default()
        };
        assert_eq!(
            v3_vector(&v3).as_deref(),
            Some("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N")
        );
        let v3 = CvssV3 {
            version: None,
            ..v3
        };
        assert_eq!(
            v3_vector(&v3).as_deref(),
            Some("AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N")
        );
        let v2 = CvssV2 {
            access_vector: Some("NETWORK".into()),
            access_complexity: Some("MEDIUM".into()),
            authentication: Some("NONE".into()),
            confidentiality_impact: Some("PARTIAL".into()),
            integrity_impact: Some("NONE".into()),
            availability_impact: Some("COMPLETE".into()),
            ..Default::default()
        };
        assert_eq!(
            v2_vector(&v2).as_deref(),
            Some("AV:N/AC:M/Au:N/C:P/I:N/A:C")
        );
        let bad = CvssV2 {
            access_vector: Some("SOMEWHERE".into()),
            ..v2
        };
        assert_eq!(v2_vector(&bad), None);
    }
}

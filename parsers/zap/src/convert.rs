//! ZAP alerts to ASFF drafts.
//!
//! - A record is one alert of one site. Alerts with confidence 0 (ZAP's "False Positive") are
//!   skipped with reason `false positive`.
//! - One finding per alert entry of a site. An entry is identified by its `alertRef`; without
//!   one (ZAP <= 2.9, weekly builds of 2020-21) one plugin may list several alerts in a site,
//!   each with its own name, risk and confidence (10099 "Source Code Disclosure - Servlet / -
//!   SQL", 10049 "Storable and Cacheable Content" / "Non-Storable Content", 90022 at Low and at
//!   Medium, 10027 at two confidences), so such an entry is identified by `pluginid` (else its
//!   name) with its `alert` and `name`, `riskcode` and `confidence`. Only entries equal on the
//!   whole identity are the same alert: they are folded into one finding (the riskiest first,
//!   the instances of all) and the others are skipped with reason `duplicate alert (merged)`.
//! - The Id's identity is the key alone (`alertRef`, else `pluginid`, else the name), as in
//!   earlier versions, so the Ids of entries with `alertRef` and of plugins that raise one alert
//!   in the site do not change. Only when several different entries of a site share the key (the
//!   alerts earlier versions merged) does an entry without `alertRef` add its names, `riskcode`
//!   and `confidence`; an entry with `alertRef` always keeps the `alertRef` alone. So a plugin's
//!   Id changes when it goes from one alert in a site to several, or back.
//! - The scope is the site: its `@name` normalised (scheme and host lower case, default port and
//!   trailing `/` dropped), as `Scope::Site` (keyed like the repository scope without branch it
//!   was before it had a kind of its own, so Ids did not change). Ids and the
//!   GeneratorId (`zap/{site}`) therefore follow the scanned site, not the pipeline's
//!   repository or branch, and stay the same from one scan of the site to the next. The
//!   report speaks for every site it lists (`Emitter::scopes`), also one without alerts.
//! - Severity from `riskcode`: 3 HIGH, 2 MEDIUM, 1 LOW, 0 INFORMATIONAL (when `riskcode` is
//!   missing or odd, the word of `riskdesc`; else INFORMATIONAL with a warning).
//!   `Severity.Original` is ZAP's risk word from `riskdesc` ("Medium" of "Medium (High)").
//! - Resources: one `Other` resource per distinct instance URI (at most 32), its details naming
//!   each instance's method, parameter, attack, evidence and other info as far as the limits
//!   allow; the site itself when the alert lists no instance.
//! - Types: `Software and Configuration Checks/Vulnerabilities`, plus `Effects/Data Exposure`
//!   for the information-exposure CWEs (200, 201, 209, 215, 359, 497, 532, 538, 540, 548, 615).
//! - HTML in `desc`, `solution` and `otherinfo` becomes plain text; the URLs of `reference`
//!   become `zap/References` and the first one the remediation URL; CWE and WASC ids are kept
//!   in product fields and in the rule ids the severity policy can match (`CWE-79`, `WASC-8`).

use std::collections::HashMap;

use asff_core::fit::{truncate_bytes, truncate_chars};
use asff_core::id::sha256_hex;
use asff_core::model::{FieldMap, Resource, ResourceDetails};
use asff_core::{build, Context, Draft, Emitter, Label, Location, ReportError, Scope};

use crate::html;
use crate::model::{Alert, Instance, Report, Site, Syntax};
use crate::TOOL;

/// Resources per finding (Security Hub's limit).
const MAX_RESOURCES: usize = 32;
/// Instances described in resource details, over all resources of a finding.
const MAX_DESCRIBED: usize = 100;
/// Characters kept of each instance value (evidence, attack, other info).
const INSTANCE_VALUE_MAX: usize = 256;
/// Pairs in one resource's `Details.Other` (Security Hub allows 50).
const OTHER_PAIRS: usize = 50;
/// The longest resource Id we emit; longer URIs are cut and made unique with their hash.
const RESOURCE_ID_MAX: usize = 1024;

/// The finding types of every alert.
use asff_core::vuln::TYPE_VULNERABILITY;
/// The type added for information-exposure weaknesses.
const TYPE_DATA_EXPOSURE: &str = "Effects/Data Exposure";
/// CWEs of information exposure (CWE-200 and its common children).
const DATA_EXPOSURE_CWES: [&str; 11] = [
    "200", "201", "209", "215", "359", "497", "532", "538", "540", "548", "615",
];

/// ZAP's risk, from `riskcode` (or the word of `riskdesc`).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Risk {
    Informational,
    Low,
    Medium,
    High,
    Unknown(String),
}

impl Risk {
    fn of(alert: &Alert) -> Risk {
        match trimmed(&alert.riskcode) {
            Some("0") => return Risk::Informational,
            Some("1") => return Risk::Low,
            Some("2") => return Risk::Medium,
            Some("3") => return Risk::High,
            _ => {}
        }
        match risk_word(alert).map(str::to_ascii_lowercase).as_deref() {
            Some("informational") | Some("info") => Risk::Informational,
            Some("low") => Risk::Low,
            Some("medium") => Risk::Medium,
            Some("high") => Risk::High,
            _ => Risk::Unknown(
                trimmed(&alert.riskcode)
                    .or(trimmed(&alert.riskdesc))
                    .unwrap_or("")
                    .to_string(),
            ),
        }
    }

    /// ZAP's English word for the risk.
    fn word(&self) -> &str {
        match self {
            Risk::Informational => "Informational",
            Risk::Low => "Low",
            Risk::Medium => "Medium",
            Risk::High => "High",
            Risk::Unknown(raw) if raw.is_empty() => "Unknown",
            Risk::Unknown(raw) => raw,
        }
    }
}

impl From<&Risk> for Label {
    fn from(r: &Risk) -> Label {
        match r {
            Risk::High => Label::High,
            Risk::Medium => Label::Medium,
            Risk::Low => Label::Low,
            Risk::Informational | Risk::Unknown(_) => Label::Informational,
        }
    }
}

/// The risk word of `riskdesc` ("Medium" of "Medium (High)"), unless it is an unresolved
/// message key (`!reports.report.risk.3!`, seen in the reports add-on's test output).
fn risk_word(alert: &Alert) -> Option<&str> {
    let desc = trimmed(&alert.riskdesc)?;
    let word = desc.split(" (").next().unwrap_or(desc).trim();
    Some(word).filter(|w| !w.is_empty() && !w.starts_with('!'))
}

/// ZAP's confidence: 0 false positive, 1 low, 2 medium, 3 high, 4 confirmed by a user.
fn confidence_word(alert: &Alert) -> Option<String> {
    let from_desc = trimmed(&alert.confidencedesc).filter(|w| !w.starts_with('!'));
    if let Some(w) = from_desc {
        return Some(w.to_string());
    }
    trimmed(&alert.confidence).map(|c| {
        match c {
            "0" => "False Positive",
            "1" => "Low",
            "2" => "Medium",
            "3" => "High",
            "4" => "Confirmed",
            other => other,
        }
        .to_string()
    })
}

fn is_false_positive(alert: &Alert) -> bool {
    trimmed(&alert.confidence) == Some("0")
}

/// The text of an optional value, trimmed, `None` when empty.
fn trimmed(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Where a record is, for skips and errors.
#[derive(Debug, Clone)]
struct Place {
    path: String,
    offset: Option<u64>,
}

impl Place {
    fn error(&self, message: impl Into<String>) -> ReportError {
        let location = match self.offset {
            Some(offset) => Location::Xml {
                path: self.path.clone(),
                offset,
            },
            None => Location::Json {
                path: self.path.clone(),
                line: 0,
                column: 0,
            },
        };
        ReportError::new(TOOL.name, location, message)
    }
}

fn site_place(syntax: Syntax, si: usize, site: &Site) -> Place {
    match syntax {
        Syntax::Json { site_array: true } => Place {
            path: format!("$.site[{si}]"),
            offset: None,
        },
        Syntax::Json { site_array: false } => Place {
            path: "$.site".into(),
            offset: None,
        },
        Syntax::Xml => Place {
            path: format!("/{}/site[{}]", crate::xml::ROOT, si + 1),
            offset: Some(site.offset.unwrap_or(0)),
        },
    }
}

fn alert_place(syntax: Syntax, site: &Place, ai: usize, alert: &Alert) -> Place {
    match syntax {
        Syntax::Json { .. } => Place {
            path: format!("{}.alerts[{ai}]", site.path),
            offset: None,
        },
        Syntax::Xml => Place {
            path: format!("{}/alerts/alertitem[{}]", site.path, ai + 1),
            offset: Some(alert.offset.unwrap_or(0)),
        },
    }
}

/// A site's name as a stable scope: scheme and host in lower case, no default port, no
/// trailing slash. `HTTPS://Example.com:443/` → `https://example.com`.
pub(crate) fn normalize_site(name: &str) -> String {
    let t = name.trim().trim_end_matches('/');
    let Some((scheme, rest)) = t.split_once("://") else {
        return t.to_ascii_lowercase();
    };
    let scheme = scheme.to_ascii_lowercase();
    let split = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(split);
    let authority = authority.to_ascii_lowercase();
    let authority = match authority.rsplit_once(':') {
        Some((host, "443")) if scheme == "https" => host.to_string(),
        Some((host, "80")) if scheme == "http" => host.to_string(),
        _ => authority,
    };
    format!("{scheme}://{authority}{path}")
}

/// The site's name: `@name`, else built from `@host`, `@port` and `@ssl`.
fn site_name(site: &Site) -> Option<String> {
    if let Some(n) = trimmed(&site.name) {
        return Some(n.to_string());
    }
    let host = trimmed(&site.host)?;
    let scheme = if trimmed(&site.ssl).is_some_and(|s| s.eq_ignore_ascii_case("true")) {
        "https"
    } else {
        "http"
    };
    Some(match trimmed(&site.port) {
        Some(port) => format!("{scheme}://{host}:{port}"),
        None => format!("{scheme}://{host}"),
    })
}

/// The scope of a site, from its normalised name.
fn site_scope(url: String) -> Scope {
    Scope::Site { url }
}

/// What identifies an alert entry within its site: its `alertRef`; in reports without
/// `alertRef` (ZAP 2.9 and older, weekly builds of 2020-21), where one plugin may raise several
/// alerts in a site (10099 "Source Code Disclosure - Servlet / - SQL", 10049 "Storable and
/// Cacheable Content" / "Non-Storable Content", 90022 at Low and at Medium), the `pluginid`
/// (else the name) with the alert's name (`alert` and `name`, which ZAP writes alike),
/// `riskcode` and `confidence`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum AlertIdentity {
    Ref(String),
    Legacy {
        key: String,
        alert: String,
        name: String,
        riskcode: String,
        confidence: String,
    },
}

impl AlertIdentity {
    fn of(alert: &Alert) -> Option<AlertIdentity> {
        if let Some(r) = trimmed(&alert.alert_ref) {
            return Some(AlertIdentity::Ref(r.to_string()));
        }
        let key = trimmed(&alert.pluginid)
            .or(trimmed(&alert.name))
            .or(trimmed(&alert.alert))?;
        Some(AlertIdentity::Legacy {
            key: key.to_string(),
            alert: trimmed(&alert.alert).unwrap_or("").to_string(),
            name: trimmed(&alert.name).unwrap_or("").to_string(),
            riskcode: trimmed(&alert.riskcode).unwrap_or("").to_string(),
            confidence: trimmed(&alert.confidence).unwrap_or("").to_string(),
        })
    }

    /// `alertRef`, else `pluginid`, else the name: the first part of the Id.
    fn key(&self) -> &str {
        match self {
            AlertIdentity::Ref(r) => r,
            AlertIdentity::Legacy { key, .. } => key,
        }
    }

    /// The finding's identity: the key alone (the Ids of earlier versions), unless other alerts
    /// of the site share the key, then, for an entry without `alertRef`, the key with the
    /// names, `riskcode` and `confidence` that tell them apart.
    fn finding_identity(&self, shared: bool) -> Vec<String> {
        match self {
            AlertIdentity::Legacy {
                key,
                alert,
                name,
                riskcode,
                confidence,
            } if shared => vec![
                key.clone(),
                alert.clone(),
                name.clone(),
                riskcode.clone(),
                confidence.clone(),
            ],
            _ => vec![self.key().to_string()],
        }
    }
}

/// One alert record with where it is.
struct Record<'a> {
    site: &'a Site,
    site_name: String,
    alert: &'a Alert,
    place: Place,
}

/// Converts a read report.
pub(crate) fn convert(
    report: &Report,
    ctx: &Context,
    warnings: Vec<String>,
    out: &mut Emitter<'_>,
) -> Result<(), ReportError> {
    out.warnings.extend(warnings);
    // every record to convert, with its alert's full identity, in report order
    let mut keyed: Vec<(String, AlertIdentity, Record<'_>)> = Vec::new();

    for (si, site) in report.sites.iter().enumerate() {
        let splace = site_place(report.syntax, si, site);
        let name = site_name(site);
        match &name {
            // the report speaks for the site, also when it has no alerts
            Some(n) => out.cover(&TOOL, &site_scope(normalize_site(n))),
            None if site.alerts.is_empty() => out.warnings.push(format!(
                "{}: a site with neither @name nor @host: its scope is unknown, so nothing of it can be archived",
                splace.path
            )),
            None => {}
        }
        for (ai, alert) in site.alerts.iter().enumerate() {
            out.records += 1;
            let place = alert_place(report.syntax, &splace, ai, alert);
            let Some(name) = name.clone() else {
                return Err(splace.error("the site has neither @name nor @host"));
            };
            if is_false_positive(alert) {
                out.skip(place.path.clone(), "false positive");
                continue;
            }
            let Some(identity) = AlertIdentity::of(alert) else {
                return Err(
                    place.error("the alert has no alertRef, pluginid or name to identify it")
                );
            };
            if trimmed(&alert.alert_ref).is_none() && trimmed(&alert.pluginid).is_none() {
                out.warnings.push(format!(
                    "{}: the alert has neither alertRef nor pluginid; identified by its name",
                    place.path
                ));
            }
            let scope = normalize_site(&name);
            let record = Record {
                site,
                site_name: name,
                alert,
                place,
            };
            keyed.push((scope, identity, record));
        }
    }

    // how many different alerts of a site share a key (alertRef, else pluginid, else name):
    // more than one only in reports without alertRef, where one plugin raised several alerts
    let mut variants: HashMap<(&str, &str), Vec<&AlertIdentity>> = HashMap::new();
    for (scope, identity, _) in &keyed {
        let v = variants.entry((scope, identity.key())).or_default();
        if !v.contains(&identity) {
            v.push(identity);
        }
    }
    let shared: Vec<bool> = keyed
        .iter()
        .map(|(scope, identity, _)| {
            variants
                .get(&(scope.as_str(), identity.key()))
                .is_some_and(|v| v.len() > 1)
        })
        .collect();

    // (scope, alert identity) → the records of that alert, in report order; only records equal
    // on the whole identity are the same alert
    let mut groups: Vec<(String, AlertIdentity, bool, Vec<Record<'_>>)> = Vec::new();
    let mut index: HashMap<(String, AlertIdentity), usize> = HashMap::new();
    for ((scope, identity, record), shared) in keyed.into_iter().zip(shared) {
        let k = (scope, identity);
        match index.get(&k) {
            Some(&g) => {
                if let Some(group) = groups.get_mut(g) {
                    group.3.push(record);
                }
            }
            None => {
                index.insert(k.clone(), groups.len());
                groups.push((k.0, k.1, shared, vec![record]));
            }
        }
    }

    for (scope_name, identity, shared, mut records) in groups {
        // the riskiest record leads; the others are folded in
        let lead = records
            .iter()
            .enumerate()
            .max_by(|(ia, a), (ib, b)| {
                Label::from(&Risk::of(a.alert))
                    .cmp(&Label::from(&Risk::of(b.alert)))
                    .then(ib.cmp(ia))
            })
            .map_or(0, |(i, _)| i);
        if lead != 0 {
            // the others stay in report order
            let r = records.remove(lead);
            records.insert(0, r);
        }
        for other in records.iter().skip(1) {
            out.skip(other.place.path.clone(), "duplicate alert (merged)");
        }
        let scope = site_scope(scope_name);
        let Some(first) = records.first() else {
            continue;
        };
        let draft = draft(
            report,
            identity.finding_identity(shared),
            &records,
            &mut out.warnings,
        );
        let finding =
            build(ctx, &TOOL, &scope, draft).map_err(|e| first.place.error(e.to_string()))?;
        out.emit(finding)?;
    }
    Ok(())
}

fn draft(
    report: &Report,
    identity: Vec<String>,
    records: &[Record<'_>],
    warnings: &mut Vec<String>,
) -> Draft {
    let Some(lead) = records.first() else {
        return Draft::default();
    };
    let key = identity.first().map_or("", String::as_str);
    let a = lead.alert;
    let risk = Risk::of(a);
    if let Risk::Unknown(raw) = &risk {
        warnings.push(format!(
            "{}: unknown risk {raw:?}; reported as INFORMATIONAL",
            lead.place.path
        ));
    }
    let original = risk_word(a).unwrap_or(risk.word()).to_string();

    let title = trimmed(&a.name)
        .or(trimmed(&a.alert))
        .map(str::to_string)
        .unwrap_or_else(|| format!("ZAP alert {key}"));
    let desc = a.desc.as_deref().map(html::to_text).unwrap_or_default();
    let otherinfo = a
        .otherinfo
        .as_deref()
        .map(html::to_text)
        .unwrap_or_default();
    let description = match (desc.is_empty(), otherinfo.is_empty()) {
        (_, true) => desc,
        (true, false) => otherinfo.clone(),
        (false, false) => format!("{desc}\n\n{otherinfo}"),
    };
    let solution = a.solution.as_deref().map(html::to_text).unwrap_or_default();
    let references = a.reference.as_deref().map(html::urls).unwrap_or_default();

    // the instances of all records; a folded record's instances that repeat an earlier
    // record's are the same observation, listed and counted once
    let mut instances: Vec<&Instance> = Vec::new();
    let mut repeated = 0usize;
    for r in records {
        let earlier = instances.len();
        for i in &r.alert.instances {
            if instances.get(..earlier).is_some_and(|e| e.contains(&i)) {
                repeated += 1;
            } else {
                instances.push(i);
            }
        }
    }
    let count: usize = records
        .iter()
        .map(|r| {
            trimmed(&r.alert.count)
                .and_then(|c| c.parse::<usize>().ok())
                .unwrap_or(r.alert.instances.len())
        })
        .sum::<usize>()
        .saturating_sub(repeated);

    let mut pf = FieldMap::new();
    let mut put = |k: &str, v: Option<&str>| {
        if let Some(v) = v.map(str::trim).filter(|v| !v.is_empty()) {
            pf.insert(format!("zap/{k}"), v.to_string());
        }
    };
    put("Site", Some(&lead.site_name));
    put("Host", trimmed(&lead.site.host));
    put("Port", trimmed(&lead.site.port));
    put("Ssl", trimmed(&lead.site.ssl));
    // the legacy `alert` element, when it says something else than `name`
    put(
        "Alert",
        trimmed(&a.alert).filter(|al| trimmed(&a.name).is_some_and(|n| n != *al)),
    );
    put("AlertRef", trimmed(&a.alert_ref));
    put("PluginId", trimmed(&a.pluginid));
    put("RiskCode", trimmed(&a.riskcode));
    put("RiskDesc", trimmed(&a.riskdesc));
    put("Confidence", confidence_word(a).as_deref());
    put("ConfidenceCode", trimmed(&a.confidence));
    put("InstanceCount", Some(&count.to_string()));
    put(
        "CweId",
        trimmed(&a.cweid).filter(|c| *c != "-1" && *c != "0"),
    );
    put(
        "WascId",
        trimmed(&a.wascid).filter(|c| *c != "-1" && *c != "0"),
    );
    put("SourceId", trimmed(&a.sourceid));
    put("Systemic", trimmed(&a.systemic));
    put("OtherInfo", Some(&otherinfo));
    put("References", Some(&references.join(" ")));
    let tags: Vec<String> = a
        .tags
        .iter()
        .filter_map(|t| {
            let tag = trimmed(&t.tag)?;
            Some(match trimmed(&t.link) {
                Some(link) => format!("{tag} ({link})"),
                None => tag.to_string(),
            })
        })
        .collect();
    put("Tags", Some(&tags.join(", ")));
    put("ProgramName", trimmed(&report.program_name));
    put("Version", trimmed(&report.version));
    put(
        "Generated",
        trimmed(&report.created).or(trimmed(&report.generated)),
    );
    if records.len() > 1 {
        put("MergedAlerts", Some(&records.len().to_string()));
        let mut names: Vec<&str> = records
            .iter()
            .filter_map(|r| trimmed(&r.alert.name).or(trimmed(&r.alert.alert)))
            .collect();
        names.dedup();
        if names.len() > 1 {
            put("MergedAlertNames", Some(&names.join(" | ")));
        }
    }

    let (resources, stats) = resources(&lead.site_name, &instances);
    put("InstancesListed", Some(&instances.len().to_string()));
    put("UniqueUris", Some(&stats.unique_uris.to_string()));
    put("InstancesDescribed", Some(&stats.described.to_string()));
    if stats.uris_omitted > 0 {
        put("UrisOmitted", Some(&stats.uris_omitted.to_string()));
    }

    let mut rule_ids: Vec<String> = Vec::new();
    for id in [
        Some(key.to_string()),
        trimmed(&a.alert_ref).map(str::to_string),
        trimmed(&a.pluginid).map(str::to_string),
        pf.get("zap/CweId").map(|c| format!("CWE-{c}")),
        pf.get("zap/WascId").map(|c| format!("WASC-{c}")),
    ]
    .into_iter()
    .flatten()
    {
        if !rule_ids.contains(&id) {
            rule_ids.push(id);
        }
    }

    let mut types = vec![TYPE_VULNERABILITY.to_string()];
    if trimmed(&a.cweid).is_some_and(|c| DATA_EXPOSURE_CWES.contains(&c)) {
        types.push(TYPE_DATA_EXPOSURE.to_string());
    }

    Draft {
        identity,
        title,
        description,
        label: Some(Label::from(&risk)),
        original_severity: original,
        rule_ids,
        types,
        remediation_text: Some(solution).filter(|s| !s.is_empty()),
        remediation_url: references.first().cloned(),
        source_url: None,
        product_fields: pf,
        resources,
        vulnerabilities: Vec::new(),
        first_observed_at: None,
    }
}

#[derive(Debug, Default)]
struct ResourceStats {
    unique_uris: usize,
    uris_omitted: usize,
    described: usize,
}

/// One `Other` resource per distinct instance URI (in report order, at most 32), or the site
/// when no instance names a URI.
fn resources(site: &str, instances: &[&Instance]) -> (Vec<Resource>, ResourceStats) {
    let mut uris: Vec<(&str, Vec<&Instance>)> = Vec::new();
    for i in instances {
        let uri = trimmed(&i.uri).unwrap_or(site);
        match uris.iter_mut().find(|(u, _)| *u == uri) {
            Some((_, list)) => list.push(i),
            None => uris.push((uri, vec![i])),
        }
    }
    let mut stats = ResourceStats {
        unique_uris: uris.len(),
        uris_omitted: uris.len().saturating_sub(MAX_RESOURCES),
        described: 0,
    };
    if uris.is_empty() {
        let mut other = FieldMap::new();
        other.insert("Site".into(), site.to_string());
        other.insert("Instances".into(), "0".into());
        return (vec![other_resource(site, other)], stats);
    }
    let mut out = Vec::new();
    for (uri, list) in uris.into_iter().take(MAX_RESOURCES) {
        let mut other = FieldMap::new();
        other.insert("Instances".into(), list.len().to_string());
        let mut shown = 0;
        for (n, inst) in list.iter().enumerate() {
            let fields: Vec<(&str, String)> = [
                ("Method", trimmed(&inst.method)),
                ("Param", trimmed(&inst.param)),
                ("Attack", trimmed(&inst.attack)),
                ("Evidence", trimmed(&inst.evidence)),
                ("OtherInfo", trimmed(&inst.otherinfo)),
            ]
            .into_iter()
            .filter_map(|(k, v)| {
                v.map(|v| {
                    (
                        k,
                        truncate_chars(v, INSTANCE_VALUE_MAX).unwrap_or_else(|| v.to_string()),
                    )
                })
            })
            .collect();
            // keep one pair free for InstancesOmitted
            if stats.described >= MAX_DESCRIBED || other.len() + fields.len() >= OTHER_PAIRS {
                break;
            }
            for (k, v) in fields {
                other.insert(format!("Instance{}.{k}", n + 1), v);
            }
            shown += 1;
            stats.described += 1;
        }
        if shown < list.len() {
            other.insert("InstancesOmitted".into(), (list.len() - shown).to_string());
        }
        out.push(other_resource(uri, other));
    }
    (out, stats)
}

fn other_resource(id: &str, other: FieldMap) -> Resource {
    let id = if id.len() > RESOURCE_ID_MAX {
        format!(
            "{}#sha256={}",
            truncate_bytes(id, RESOURCE_ID_MAX - 72),
            sha256_hex(id)
        )
    } else {
        id.to_string()
    };
    Resource {
        kind: "Other".into(),
        id,
        details: Some(ResourceDetails {
            other,
            ..Default::default()
        }),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sites_normalise() {
        assert_eq!(
            normalize_site("HTTPS://Example.COM:443/"),
            "https://example.com"
        );
        assert_eq!(
            normalize_site("http://example.com:80"),
            "http://example.com"
        );
        assert_eq!(
            normalize_site("http://example.com:8080"),
            "http://example.com:8080"
        );
        assert_eq!(
            normalize_site("https://example.com:80"),
            "https://example.com:80"
        );
        assert_eq!(normalize_site("https://[::1]:443"), "https://[::1]");
        assert_eq!(
            normalize_site("https://example.com/App/"),
            "https://example.com/App"
        );
        assert_eq!(normalize_site(" Example "), "example");
    }

    #[test]
    fn risk_from_code_then_word() {
        let a = |code: Option<&str>, desc: Option<&str>| Alert {
            riskcode: code.map(String::from),
            riskdesc: desc.map(String::from),
            ..Default::default()
        };
        assert_eq!(Risk::of(&a(Some("3"), None)), Risk::High);
        assert_eq!(Risk::of(&a(Some(" 0 "), None)), Risk::Informational);
        assert_eq!(Risk::of(&a(None, Some("Medium (Low)"))), Risk::Medium);
        assert_eq!(Risk::of(&a(Some("7"), Some("Low (High)"))), Risk::Low);
        assert_eq!(Risk::of(&a(Some("7"), None)), Risk::Unknown("7".into()));
        assert_eq!(
            Label::from(&Risk::Unknown("7".into())),
            Label::Informational
        );
        assert_eq!(
            risk_word(&a(Some("3"), Some("!reports.report.risk.3! (!x!)"))),
            None
        );
    }
}

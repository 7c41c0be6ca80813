//! Anchore records to findings.

use std::collections::HashSet;

use asff_core::context::format_timestamp;
use asff_core::model::{
    Cvss, FieldMap, SoftwarePackage, Vulnerability, VulnerabilityVendor, YesNoPartial,
};
use asff_core::severity::unrated_label;
use asff_core::text::{clean, push_unique};
use asff_core::vuln::{is_cve, Severity, TYPE_CVE, TYPE_VULNERABILITY as TYPE_VULN};
use asff_core::{build, Context, Draft, Emitter, Label, ReportError};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::model::{
    present, CvssData, EngineReport, EngineVulnerability, EnterpriseReport, Evaluation,
};
use crate::TOOL;
use asff_core::image::Image;

/// An RFC 3339 time as ASFF wants it, or `None` when it is not one.
fn timestamp(s: &str) -> Option<String> {
    OffsetDateTime::parse(s.trim(), &Rfc3339)
        .ok()
        .map(format_timestamp)
}

fn fit_error(path: &str, e: asff_core::FitError) -> ReportError {
    ReportError::at_path(TOOL.name, path, e.to_string())
}

/// The image of an engine report: `--image` when given (the report names only the digest),
/// else a scope built from the digest.
fn engine_image(report_digest: Option<&str>, ctx: &Context, out: &mut Emitter<'_>) -> Image {
    match ctx.image() {
        Some(reference) => {
            let image = Image::from_reference(reference, report_digest);
            if let (Some(given), Some(reported)) =
                (asff_core::context::image_digest(reference), report_digest)
            {
                if given != reported {
                    // the report may be about another image than the scope it is put in
                    out.mark_incomplete(format!(
                        "the image reference {reference} names digest {given}, but the report is about {reported}"
                    ));
                }
            }
            image
        }
        None => {
            let image = Image::from_digest(report_digest);
            out.warnings.push(format!(
                "the report does not name the image repository, only its digest; the findings are scoped to {} \
                 so a rebuilt image will not update them: pass the image reference (--image) to scope them to the repository",
                image.repository
            ));
            image
        }
    }
}

/// Converts an `anchore-cli --json image vuln IMAGE all` report.
pub fn engine(
    report: EngineReport,
    ctx: &Context,
    out: &mut Emitter<'_>,
) -> Result<(), ReportError> {
    out.records = report.vulnerabilities.len();
    let image = engine_image(present(&report.image_digest), ctx, out);
    let scope = image.scope();
    // the report speaks for the image, also when it has no vulnerabilities
    out.cover(&TOOL, &scope);
    let mut seen = HashSet::new();
    for (i, v) in report.vulnerabilities.iter().enumerate() {
        let path = format!("$.vulnerabilities[{i}]");
        let draft = engine_draft(v, &image, &report, ctx);
        if !seen.insert(draft.identity.clone()) {
            tracing::debug!(record = %path, "same vulnerability, package and location as an earlier entry");
            out.skip(path, "duplicate");
            continue;
        }
        let finding = build(ctx, &TOOL, &scope, draft).map_err(|e| fit_error(&path, e))?;
        out.emit(finding)?;
    }
    Ok(())
}

fn cvss_entries(data: &[CvssData], source: &str, cvss: &mut Vec<Cvss>, ids: &mut Vec<String>) {
    for d in data {
        if let Some(id) = present(&d.id) {
            push_unique(ids, id);
        }
        for (major, scores) in [("2", &d.cvss_v2), ("3", &d.cvss_v3)] {
            let Some(s) = scores else { continue };
            let Some(base) = s.base_score else { continue };
            let vector = present(&s.vector_string).map(str::to_string);
            let version = vector
                .as_deref()
                .and_then(|v| v.strip_prefix("CVSS:"))
                .and_then(|v| v.split('/').next())
                .map(str::to_string)
                .unwrap_or_else(|| {
                    if major == "2" {
                        "2.0".into()
                    } else {
                        "3".into()
                    }
                });
            let entry = Cvss {
                version: Some(version),
                base_score: Some(base),
                base_vector: vector,
                source: Some(source.to_string()),
                ..Default::default()
            };
            if !cvss.contains(&entry) {
                cvss.push(entry);
            }
        }
    }
}

/// The label of an unrated vulnerability (Unknown, no word, or a word Anchore does not use) from
/// its CVSS entries: the first v3 (or later) base score (NVD's before the vendor's), else the
/// first score; with what it came from, for `anchore/SeverityFromCvss`. `None` for a rated
/// one, or without a score.
fn unrated_rating(severity: &Severity, cvss: &[Cvss]) -> Option<(Label, String)> {
    if !matches!(severity, Severity::Unknown(_)) {
        return None;
    }
    let pick = cvss
        .iter()
        .filter(|c| c.base_score.is_some())
        .find(|c| c.version.as_deref().is_some_and(|v| !v.starts_with('2')))
        .or_else(|| cvss.iter().find(|c| c.base_score.is_some()))?;
    let score = pick.base_score?;
    let what = match (&pick.version, &pick.source) {
        (Some(ver), Some(src)) => format!("{score} (CVSS {ver}, {src})"),
        (None, Some(src)) => format!("{score} ({src})"),
        (Some(ver), None) => format!("{score} (CVSS {ver})"),
        (None, None) => score.to_string(),
    };
    Some((unrated_label(Some(score)), what))
}

fn engine_draft(
    v: &EngineVulnerability,
    image: &Image,
    report: &EngineReport,
    ctx: &Context,
) -> Draft {
    let severity = Severity::parse(v.severity.as_deref());
    let package = present(&v.package);
    let name = present(&v.package_name)
        .or(package)
        .unwrap_or("unknown-package");
    let version = present(&v.package_version);
    let kind = present(&v.package_type);
    let location = present(&v.package_path);
    let fix = present(&v.fix);
    let url = present(&v.url);
    let vuln = v.vuln.trim();

    let mut cvss = Vec::new();
    let mut data_ids = Vec::new();
    cvss_entries(&v.nvd_data, "NVD", &mut cvss, &mut data_ids);
    let vendor_source = present(&v.feed_group)
        .or(present(&v.feed))
        .unwrap_or("vendor");
    cvss_entries(&v.vendor_data, vendor_source, &mut cvss, &mut data_ids);
    let rating = unrated_rating(&severity, &cvss);

    let mut rule_ids = vec![vuln.to_string()];
    let mut related = Vec::new();
    for id in &data_ids {
        if id != vuln {
            push_unique(&mut related, id);
            push_unique(&mut rule_ids, id);
        }
    }
    let cve = is_cve(vuln) || related.iter().any(|r| is_cve(r));

    let package_label = match version {
        Some(ver) => format!("{name} {ver}"),
        None => name.to_string(),
    };
    let title = clean(&format!("{vuln} in {package_label}"));
    let mut description = match present(&v.description) {
        Some(d) => d.to_string(),
        None => {
            let mut d = format!(
                "{vuln} ({}) affects {package_label}",
                v.severity.as_deref().unwrap_or("Unknown")
            );
            if let Some(k) = kind {
                d.push_str(&format!(" ({k} package)"));
            }
            d.push_str(&format!(" in image {}", image.name()));
            if let Some(l) = location {
                d.push_str(&format!(" at {l}"));
            }
            d.push('.');
            d
        }
    };
    if let Some(f) = fix {
        description.push_str(&format!(" Fixed in {f}."));
    }

    let (fix_available, remediation_text) = if let Some(f) = fix {
        (
            YesNoPartial::Yes,
            Some(format!("Upgrade {name} to {f} or later.")),
        )
    } else {
        (
            YesNoPartial::No,
            Some("No fixed version is known yet.".to_string()),
        )
    };

    let mut fields = FieldMap::new();
    for (k, val) in [
        ("anchore/Package", package),
        (
            "anchore/SeverityFromCvss",
            rating.as_ref().map(|(_, what)| what.as_str()),
        ),
        ("anchore/Feed", present(&v.feed)),
        ("anchore/FeedGroup", present(&v.feed_group)),
        (
            "anchore/PackageCpe",
            present(&v.package_cpe23).or(present(&v.package_cpe)),
        ),
        (
            "anchore/VulnerabilityType",
            present(&report.vulnerability_type),
        ),
    ] {
        if let Some(val) = val {
            fields.insert(k.into(), clean(val));
        }
    }

    let vulnerability = Vulnerability {
        id: vuln.to_string(),
        vulnerable_packages: vec![SoftwarePackage {
            name: Some(clean(name)),
            version: version.map(clean),
            package_manager: kind.map(clean),
            file_path: location.map(clean),
            fixed_in_version: fix.map(clean),
            ..Default::default()
        }],
        cvss,
        related_vulnerabilities: related,
        vendor: Some(VulnerabilityVendor {
            name: vendor_source.to_string(),
            url: url.map(str::to_string),
            vendor_severity: v
                .severity
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string),
            ..Default::default()
        }),
        reference_urls: url.map(|u| vec![u.to_string()]).unwrap_or_default(),
        fix_available: Some(fix_available),
        ..Default::default()
    };

    Draft {
        identity: vec![
            vuln.to_string(),
            name.to_string(),
            version.unwrap_or("").to_string(),
            kind.unwrap_or("").to_string(),
            location.unwrap_or("").to_string(),
        ],
        title,
        description,
        label: Some(rating.as_ref().map_or(Label::from(&severity), |(l, _)| *l)),
        original_severity: v.severity.clone().unwrap_or_default(),
        rule_ids,
        types: vec![if cve { TYPE_CVE } else { TYPE_VULN }.to_string()],
        remediation_text,
        remediation_url: url.map(str::to_string),
        source_url: url.map(str::to_string),
        product_fields: fields,
        resources: vec![image.resource(ctx, FieldMap::new())],
        vulnerabilities: vec![vulnerability],
        first_observed_at: None,
    }
}

/// The image of an Enterprise report: from its metadata, else `--image`, else the digest.
fn enterprise_image(report: &EnterpriseReport, ctx: &Context, out: &mut Emitter<'_>) -> Image {
    let m = &report.metadata;
    let digest = present(&m.image_digest);
    let repository = present(&m.repository).map(|repo| match present(&m.registry) {
        Some(reg) if !repo.starts_with(&format!("{reg}/")) => format!("{reg}/{repo}"),
        _ => repo.to_string(),
    });
    match (repository, ctx.image()) {
        (Some(repo), _) => {
            let reference = match present(&m.tag) {
                Some(t) => format!("{repo}:{t}"),
                None => repo,
            };
            Image::from_reference(&reference, digest)
        }
        (None, Some(reference)) => Image::from_reference(reference, digest),
        (None, None) => engine_image(digest, ctx, out),
    }
}

/// Converts an Anchore Enterprise report (`metadata` and `securityEvaluation[]`).
pub fn enterprise(
    report: EnterpriseReport,
    ctx: &Context,
    out: &mut Emitter<'_>,
) -> Result<(), ReportError> {
    out.records = report.security_evaluation.len();
    let image = enterprise_image(&report, ctx, out);
    let scope = image.scope();
    out.cover(&TOOL, &scope);
    let mut seen = HashSet::new();
    for (i, e) in report.security_evaluation.iter().enumerate() {
        let path = format!("$.securityEvaluation[{i}]");
        let draft = enterprise_draft(e, &image, ctx, &path, out);
        if !seen.insert(draft.identity.clone()) {
            out.skip(path, "duplicate");
            continue;
        }
        let finding = build(ctx, &TOOL, &scope, draft).map_err(|e| fit_error(&path, e))?;
        out.emit(finding)?;
    }
    Ok(())
}

fn enterprise_draft(
    e: &Evaluation,
    image: &Image,
    ctx: &Context,
    path: &str,
    out: &mut Emitter<'_>,
) -> Draft {
    let severity = Severity::parse(e.severity.as_deref());
    let vuln = e.vulnerability_id.trim();
    let package = present(&e.package).unwrap_or("unknown-package");
    let kind = present(&e.package_type);
    let location = present(&e.path);
    let fix = present(&e.fix_available);
    let link = present(&e.link);

    let cves: Vec<&str> = present(&e.cves)
        .map(|c| {
            c.split([',', ' ', ';'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let mut rule_ids = vec![vuln.to_string()];
    let mut related = Vec::new();
    for c in &cves {
        if *c != vuln {
            push_unique(&mut related, c);
            push_unique(&mut rule_ids, c);
        }
    }
    let cve = is_cve(vuln) || cves.iter().any(|c| is_cve(c));

    let cvss: Vec<Cvss> = e
        .nvd_cvss_base_score
        .as_ref()
        .and_then(|s| s.number())
        .filter(|n| (0.0..=10.0).contains(n))
        .map(|n| Cvss {
            base_score: Some(n),
            source: Some("NVD".into()),
            ..Default::default()
        })
        .into_iter()
        .collect();

    let first_observed_at = present(&e.detected_at).and_then(|t| {
        let ts = timestamp(t);
        if ts.is_none() {
            out.warnings.push(format!(
                "{path}.detectedAt: {t:?} is not an RFC 3339 time; ignored"
            ));
        }
        ts
    });

    let mut description = format!(
        "{vuln} ({}) affects {package}",
        e.severity.as_deref().unwrap_or("Unknown")
    );
    if let Some(k) = kind {
        description.push_str(&format!(" ({k} package)"));
    }
    description.push_str(&format!(" in image {}", image.name()));
    if let Some(l) = location {
        description.push_str(&format!(" at {l}"));
    }
    description.push('.');
    if !related.is_empty() {
        description.push_str(&format!(" Related: {}.", related.join(", ")));
    }
    if let Some(f) = fix {
        description.push_str(&format!(" Fixed in {f}."));
    }

    let (fix_available, remediation_text) = match fix {
        Some(f) => (
            YesNoPartial::Yes,
            format!("Upgrade {package} to a fixed version: {f}."),
        ),
        None => (
            YesNoPartial::No,
            "No fixed version is known yet.".to_string(),
        ),
    };

    let rating = unrated_rating(&severity, &cvss);
    let mut fields = FieldMap::new();
    if let Some((_, what)) = &rating {
        fields.insert("anchore/SeverityFromCvss".into(), what.clone());
    }
    if let Some(t) = present(&e.fix_observed_at) {
        fields.insert("anchore/FixObservedAt".into(), clean(t));
    }
    if let Some(l) = location {
        fields.insert("anchore/Path".into(), clean(l));
    }

    // OS packages are found in the package database (`pkgdb`), which is no file path.
    let file_path = location.filter(|l| *l != "pkgdb").map(clean);
    let vulnerability = Vulnerability {
        id: vuln.to_string(),
        vulnerable_packages: vec![SoftwarePackage {
            name: Some(clean(package)),
            package_manager: kind.map(clean),
            file_path,
            fixed_in_version: fix.map(clean),
            ..Default::default()
        }],
        cvss,
        related_vulnerabilities: related,
        vendor: Some(VulnerabilityVendor {
            name: "Anchore".into(),
            url: link.map(str::to_string),
            vendor_severity: e
                .severity
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string),
            ..Default::default()
        }),
        reference_urls: link.map(|u| vec![u.to_string()]).unwrap_or_default(),
        fix_available: Some(fix_available),
        ..Default::default()
    };

    Draft {
        identity: vec![
            vuln.to_string(),
            package.to_string(),
            kind.unwrap_or("").to_string(),
            location.unwrap_or("").to_string(),
        ],
        title: clean(&format!("{vuln} in {package}")),
        description,
        label: Some(rating.as_ref().map_or(Label::from(&severity), |(l, _)| *l)),
        original_severity: e.severity.clone().unwrap_or_default(),
        rule_ids,
        types: vec![if cve { TYPE_CVE } else { TYPE_VULN }.to_string()],
        remediation_text: Some(remediation_text),
        remediation_url: link.map(str::to_string),
        source_url: link.map(str::to_string),
        product_fields: fields,
        resources: vec![image.resource(ctx, FieldMap::new())],
        vulnerabilities: vec![vulnerability],
        first_observed_at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        assert_eq!(
            timestamp("2025-01-10T15:09:00Z").as_deref(),
            Some("2025-01-10T15:09:00.000Z")
        );
        assert_eq!(timestamp("N/A"), None);
    }
}

//! From the ECR model to ASFF drafts.

use std::collections::{BTreeSet, HashSet};

use asff_core::image::EcrImage;
use asff_core::model::{
    AwsEcrContainerImageDetails, Cvss, FieldMap, Resource, ResourceDetails, SoftwarePackage,
    Vulnerability, VulnerabilityVendor, YesNo, YesNoPartial,
};
use asff_core::text::non_empty;
use asff_core::vuln::{Severity, TYPE_CVE as CVE_TYPE, TYPE_VULNERABILITY as VULN_TYPE};
use asff_core::{build, Context, Draft, Emitter, Label, ReportError, Scope};

use crate::model::{
    self, EnhancedImageScanFinding, Envelope, ImageScanFinding, ImageScanFindings, Timestamp,
};
use crate::TOOL;

/// `ecr/SeverityFromCvss`: the score an unrated finding's label came from.
fn severity_from_cvss(sev: &Severity, score: Option<f64>) -> Option<String> {
    let score = score.filter(|s| sev.is_unrated() && Label::from_cvss(*s).is_some())?;
    Some(score.to_string())
}

/// The image the report is about.
struct Image {
    registry: String,
    region: String,
    repository: String,
    digest: Option<String>,
    tags: Vec<String>,
}

/// The DNS suffix of ECR registries in a partition.
fn ecr_domain(partition: &str) -> &'static str {
    match partition {
        "aws-cn" => "amazonaws.com.cn",
        "aws-iso" => "c2s.ic.gov",
        "aws-iso-b" => "sc2s.sgov.gov",
        _ => "amazonaws.com",
    }
}

impl Image {
    /// `{registry}.dkr.ecr.{region}.{domain}/{repository}`.
    fn repository_uri(&self, partition: &str) -> String {
        format!(
            "{}.dkr.ecr.{}.{}/{}",
            self.registry,
            self.region,
            ecr_domain(partition),
            self.repository
        )
    }

    /// The image's ARN as Amazon Inspector and Security Hub write it for an
    /// AwsEcrContainerImage: `arn:{p}:ecr:{region}:{registry}:repository/{repo}/{digest}`; the
    /// repository's ARN when the digest is unknown.
    fn arn(&self, partition: &str) -> String {
        EcrImage {
            registry: self.registry.clone(),
            region: self.region.clone(),
            repository: self.repository.clone(),
        }
        .arn(partition, self.digest.as_deref())
    }

    /// The image URI with its digest, else its first tag.
    fn image_uri(&self, partition: &str) -> String {
        let base = self.repository_uri(partition);
        match (&self.digest, self.tags.first()) {
            (Some(d), _) => format!("{base}@{d}"),
            (None, Some(t)) => format!("{base}:{t}"),
            (None, None) => base,
        }
    }
}

/// Reads `{registry}.dkr.ecr.{region}.{domain}/{repository}[:tag][@digest]`.
fn parse_ecr_uri(reference: &str) -> Option<Image> {
    let EcrImage {
        registry,
        region,
        repository,
    } = EcrImage::parse(reference)?;
    let path = reference.trim().split_once('/').map_or("", |(_, p)| p);
    Some(Image {
        registry,
        region,
        repository,
        digest: asff_core::context::image_digest(path),
        tags: asff_core::context::image_tag(path).into_iter().collect(),
    })
}

/// The region in an ECR ARN `arn:{p}:ecr:{region}:{registry}:repository/{repository}[/…]`, when
/// it names this registry and repository.
fn arn_region<'a>(arn: &'a str, registry: &str, repository: &str) -> Option<&'a str> {
    let mut parts = arn.splitn(6, ':');
    let (arn_, _partition, service) = (parts.next()?, parts.next()?, parts.next()?);
    let (region, account, resource) = (parts.next()?, parts.next()?, parts.next()?);
    let rest = resource
        .strip_prefix("repository/")?
        .strip_prefix(repository)?;
    // the repository, or the repository and a digest (`/sha256:…`)
    let whole = rest.is_empty()
        || rest
            .strip_prefix('/')
            .is_some_and(|d| d.contains(':') && !d.contains('/'));
    (arn_ == "arn" && service == "ecr" && account == registry && whole && !region.is_empty())
        .then_some(region)
}

/// Whether an enhanced finding's resource is the image of the envelope (moto's fixture, for
/// one, mixes repositories).
fn same_repository(
    d: &model::AwsEcrContainerImageDetails,
    registry: &str,
    repository: &str,
) -> bool {
    non_empty(d.repository_name.as_deref()).is_none_or(|r| r == repository)
        && non_empty(d.registry.as_deref()).is_none_or(|r| r == registry)
}

/// The image: from the envelope, else from the enhanced findings' resources, else from the
/// context's image reference when it is an ECR image URI. The region is the one in the
/// enhanced findings' resource ARNs when they name this repository, else the context's.
fn image(
    env: &Envelope,
    findings: &ImageScanFindings,
    ctx: &Context,
) -> Result<Image, ReportError> {
    let resources: Vec<(Option<&str>, &model::AwsEcrContainerImageDetails)> = findings
        .enhanced_findings
        .iter()
        .flatten()
        .flat_map(|f| f.resources.iter())
        .filter_map(|r| {
            Some((
                r.id.as_deref(),
                r.details.as_ref()?.aws_ecr_container_image.as_ref()?,
            ))
        })
        .collect();
    let first = resources.first().map(|(_, d)| *d);
    let repository = non_empty(env.repository_name.as_deref())
        .or_else(|| first.and_then(|r| non_empty(r.repository_name.as_deref())));
    let Some(repository) = repository else {
        return ctx
            .image()
            .and_then(parse_ecr_uri)
            .ok_or_else(|| {
                ReportError::at_path(
                    TOOL.name,
                    "$.repositoryName",
                    "the report names no repository (repositoryName), and no ECR image URI was given as the image",
                )
            });
    };
    let registry = non_empty(env.registry_id.as_deref())
        .or_else(|| first.and_then(|r| non_empty(r.registry.as_deref())))
        .unwrap_or(ctx.account_id());
    let ours: Vec<(Option<&str>, &model::AwsEcrContainerImageDetails)> = resources
        .into_iter()
        .filter(|(_, d)| same_repository(d, registry, repository))
        .collect();
    let region = ours
        .iter()
        .find_map(|(id, _)| arn_region((*id)?, registry, repository))
        .unwrap_or(ctx.region());
    let image_id = env.image_id.as_ref();
    let digest = non_empty(image_id.and_then(|i| i.image_digest.as_deref()))
        .or_else(|| {
            ours.iter()
                .find_map(|(_, d)| non_empty(d.image_hash.as_deref()))
        })
        .map(str::to_string);
    let mut tags: Vec<String> = Vec::new();
    let envelope_tag = non_empty(image_id.and_then(|i| i.image_tag.as_deref()));
    for t in envelope_tag.into_iter().chain(
        ours.iter()
            .flat_map(|(_, d)| d.image_tags.iter().map(String::as_str)),
    ) {
        if !t.trim().is_empty() && !tags.iter().any(|x| x == t) {
            tags.push(t.to_string());
        }
    }
    Ok(Image {
        registry: registry.to_string(),
        region: region.to_string(),
        repository: repository.to_string(),
        digest,
        tags,
    })
}

/// Statuses of a scan that produced complete results.
const COMPLETE_STATUSES: [&str; 2] = ["COMPLETE", "ACTIVE"];

/// A warning that the report may not cover the whole image: the lifecycle archives nothing.
fn incomplete(out: &mut Emitter<'_>, message: String) {
    tracing::warn!(format = TOOL.name, "{message}");
    out.mark_incomplete(message);
}

/// Says loudly when the report cannot be the whole truth about the image.
fn check_complete(
    env: &Envelope,
    findings: &ImageScanFindings,
    present: usize,
    out: &mut Emitter<'_>,
) {
    let status = env
        .image_scan_status
        .as_ref()
        .and_then(|s| non_empty(s.status.as_deref()));
    let status_description = env
        .image_scan_status
        .as_ref()
        .and_then(|s| non_empty(s.description.as_deref()))
        .map(|d| format!(" ({d})"))
        .unwrap_or_default();
    // ACTIVE is the status of continuous (enhanced) scanning only.
    if findings.enhanced_findings.is_none() && status == Some("ACTIVE") {
        incomplete(
            out,
            format!(
                "the image uses enhanced scanning (scan status ACTIVE{status_description}) but the report has no \
                 imageScanFindings.enhancedFindings: the AWS CLI that wrote it is too old to know them and dropped \
                 them (AWS CLI v2 before 2.4.3). The image is NOT known to be clean: {present} findings were \
                 converted. Upgrade the AWS CLI and run describe-image-scan-findings again"
            ),
        );
    } else if let Some(s) = status.filter(|s| !COMPLETE_STATUSES.contains(s)) {
        incomplete(
            out,
            format!(
                "the image scan status is {s}{status_description}, not COMPLETE or ACTIVE: the report does not \
                 hold the results of a complete scan and the image is NOT known to be clean"
            ),
        );
    }
    if let Some(counts) = &findings.finding_severity_counts {
        let expected: u64 = counts.values().sum();
        if expected > present as u64 {
            incomplete(
                out,
                format!(
                    "imageScanFindings.findingSeverityCounts counts {expected} findings but the report holds \
                     {present}: findings are missing (a page of paginated output, --max-items, or an AWS CLI that \
                     drops enhancedFindings)"
                ),
            );
        }
    }
    if env.next_token.as_deref().is_some_and(|t| !t.is_empty()) {
        incomplete(
            out,
            "the report has a nextToken: it is one page of the results and later pages were not fetched".into(),
        );
    }
}

/// Converts a parsed envelope.
pub fn convert(env: Envelope, ctx: &Context, out: &mut Emitter<'_>) -> Result<(), ReportError> {
    let empty = ImageScanFindings::default();
    let findings = env.image_scan_findings.as_ref().unwrap_or(&empty);
    let basic = findings.findings.as_deref().unwrap_or_default();
    let enhanced = findings.enhanced_findings.as_deref().unwrap_or_default();
    out.records = basic.len() + enhanced.len();
    check_complete(&env, findings, out.records, out);
    let partition = ctx.partition();
    if out.records == 0 {
        // a clean image: the report still speaks for the repository, when it names it
        match image(&env, findings, ctx) {
            Ok(image) => out.cover(&TOOL, &Scope::image(&image.repository_uri(partition))),
            Err(e) => {
                let message = format!(
                    "the report has no findings and its scope is unknown ({}): nothing can be archived",
                    e.message
                );
                tracing::warn!(format = TOOL.name, "{message}");
                out.warnings.push(message);
            }
        }
        return Ok(());
    }

    let image = image(&env, findings, ctx)?;
    let scope = Scope::image(&image.repository_uri(partition));
    out.cover(&TOOL, &scope);
    let mut common = FieldMap::new();
    if let Some(s) = env
        .image_scan_status
        .as_ref()
        .and_then(|s| non_empty(s.status.as_deref()))
    {
        common.insert("ecr/ImageScanStatus".into(), s.to_string());
    }
    for (key, t) in [
        (
            "ecr/ImageScanCompletedAt",
            &findings.image_scan_completed_at,
        ),
        (
            "ecr/VulnerabilitySourceUpdatedAt",
            &findings.vulnerability_source_updated_at,
        ),
    ] {
        if let Some(t) = t {
            common.insert(key.into(), t.display());
        }
    }
    let conv = Converter {
        ctx,
        image: &image,
        scope: &scope,
        common,
    };

    let mut seen = HashSet::new();
    for (i, f) in basic.iter().enumerate() {
        let path = format!("$.imageScanFindings.findings[{i}]");
        let draft = conv.basic(f);
        conv.emit(&path, draft, &mut seen, out)?;
    }
    for (i, f) in enhanced.iter().enumerate() {
        let path = format!("$.imageScanFindings.enhancedFindings[{i}]");
        let status = non_empty(f.status.as_deref()).unwrap_or("ACTIVE");
        if status.eq_ignore_ascii_case("CLOSED") {
            out.skip(path, "closed");
            continue;
        }
        if status.eq_ignore_ascii_case("SUPPRESSED") {
            out.skip(path, "suppressed");
            continue;
        }
        let draft = conv.enhanced(f);
        conv.emit(&path, draft, &mut seen, out)?;
    }
    Ok(())
}

struct Converter<'a> {
    ctx: &'a Context,
    image: &'a Image,
    scope: &'a Scope,
    common: FieldMap,
}

fn vuln_type(id: &str) -> &'static str {
    if id.to_ascii_uppercase().starts_with("CVE-") {
        CVE_TYPE
    } else {
        VULN_TYPE
    }
}

/// The CVSS version of a vector: `CVSS:3.1/…` → `3.1`.
fn vector_version(vector: &str) -> Option<String> {
    let rest = vector.strip_prefix("CVSS:")?;
    Some(rest.split('/').next()?.to_string())
}

fn fix_available(v: Option<&str>) -> Option<YesNoPartial> {
    match v?.trim().to_ascii_uppercase().as_str() {
        "YES" => Some(YesNoPartial::Yes),
        "NO" => Some(YesNoPartial::No),
        "PARTIAL" => Some(YesNoPartial::Partial),
        _ => None,
    }
}

fn exploit_available(v: Option<&str>) -> Option<YesNo> {
    match v?.trim().to_ascii_uppercase().as_str() {
        "YES" => Some(YesNo::Yes),
        "NO" => Some(YesNo::No),
        _ => None,
    }
}

/// Inspector writes `None Provided` for a missing text.
fn provided(s: Option<&str>) -> Option<&str> {
    non_empty(s).filter(|s| !s.eq_ignore_ascii_case("None Provided"))
}

impl Converter<'_> {
    fn emit(
        &self,
        path: &str,
        draft: Draft,
        seen: &mut HashSet<Vec<String>>,
        out: &mut Emitter<'_>,
    ) -> Result<(), ReportError> {
        if !seen.insert(draft.identity.clone()) {
            out.skip(path, "duplicate");
            return Ok(());
        }
        let f = build(self.ctx, &TOOL, self.scope, draft)
            .map_err(|e| ReportError::at_path(TOOL.name, path, e.to_string()))?;
        out.emit(f)?;
        Ok(())
    }

    /// The image as a resource, with what the finding knows about it.
    fn resource(&self, detail: Option<&model::AwsEcrContainerImageDetails>) -> Resource {
        let p = self.ctx.partition();
        let mut other = FieldMap::new();
        other.insert("ImageUri".into(), self.image.image_uri(p));
        let mut published = None;
        let mut architecture = None;
        if let Some(d) = detail {
            architecture = non_empty(d.architecture.as_deref()).map(str::to_string);
            published = d.pushed_at.as_ref().and_then(Timestamp::asff);
            if let Some(v) = non_empty(d.platform.as_deref()) {
                other.insert("Platform".into(), v.to_string());
            }
            if let Some(v) = non_empty(d.author.as_deref()) {
                other.insert("Author".into(), v.to_string());
            }
            if let Some(v) = &d.last_in_use_at {
                other.insert("LastInUseAt".into(), v.display());
            }
            if let Some(v) = d.in_use_count {
                other.insert("InUseCount".into(), v.to_string());
            }
        }
        Resource {
            kind: "AwsEcrContainerImage".into(),
            id: self.image.arn(p),
            partition: Some(p.to_string()),
            region: Some(self.image.region.clone()),
            details: Some(ResourceDetails {
                other,
                aws_ecr_container_image: Some(AwsEcrContainerImageDetails {
                    registry_id: Some(self.image.registry.clone()),
                    repository_name: Some(self.image.repository.clone()),
                    architecture,
                    image_digest: self.image.digest.clone(),
                    image_tags: self.image.tags.clone(),
                    image_published_at: published,
                    ..Default::default()
                }),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    /// A basic-scanning finding.
    fn basic(&self, f: &ImageScanFinding) -> Draft {
        let mut package = None;
        let mut version = None;
        let mut cvss2 = (None, None);
        let mut cvss3 = (None, None);
        let mut product_fields = self.common.clone();
        product_fields.insert("ecr/ScanType".into(), "BASIC".into());
        for a in &f.attributes {
            let value = non_empty(a.value.as_deref());
            match a.key.as_str() {
                "package_name" => package = package.or(value),
                "package_version" => version = version.or(value),
                "CVSS2_SCORE" => cvss2.0 = cvss2.0.or(value),
                "CVSS2_VECTOR" => cvss2.1 = cvss2.1.or(value),
                "CVSS3_SCORE" => cvss3.0 = cvss3.0.or(value),
                "CVSS3_VECTOR" => cvss3.1 = cvss3.1.or(value),
                other => {
                    if let Some(v) = value {
                        product_fields.insert(format!("ecr/attributes/{other}"), v.to_string());
                    }
                }
            }
        }
        let name = non_empty(f.name.as_deref()).unwrap_or("unnamed vulnerability");
        let mut cvss = Vec::new();
        for ((score, vector), default_version) in [(cvss3, "3"), (cvss2, "2.0")] {
            let base_score = score.and_then(|s| s.parse::<f64>().ok());
            if base_score.is_none() && vector.is_none() {
                continue;
            }
            cvss.push(Cvss {
                version: Some(
                    vector
                        .and_then(vector_version)
                        .unwrap_or_else(|| default_version.to_string()),
                ),
                base_score,
                base_vector: vector.map(str::to_string),
                ..Default::default()
            });
        }
        let best_score = cvss.iter().find_map(|c| c.base_score);
        let sev = Severity::parse(f.severity.as_deref());
        if let Some(s) = severity_from_cvss(&sev, best_score) {
            product_fields.insert("ecr/SeverityFromCvss".into(), s);
        }
        let title = match (package, version) {
            (Some(p), Some(v)) => format!("{name} in {p} {v}"),
            (Some(p), None) => format!("{name} in {p}"),
            _ => name.to_string(),
        };
        let uri = non_empty(f.uri.as_deref()).map(str::to_string);
        Draft {
            identity: vec![
                name.to_string(),
                package.unwrap_or_default().to_string(),
                version.unwrap_or_default().to_string(),
            ],
            description: non_empty(f.description.as_deref())
                .unwrap_or(&title)
                .to_string(),
            title,
            label: Some(sev.label(best_score)),
            original_severity: f.severity.clone().unwrap_or_default(),
            rule_ids: vec![name.to_string()],
            types: vec![vuln_type(name).into()],
            source_url: uri.clone(),
            product_fields,
            resources: vec![self.resource(None)],
            vulnerabilities: vec![Vulnerability {
                id: name.to_string(),
                vulnerable_packages: package
                    .map(|p| SoftwarePackage {
                        name: Some(p.to_string()),
                        version: version.map(str::to_string),
                        ..Default::default()
                    })
                    .into_iter()
                    .collect(),
                cvss,
                vendor: Some(VulnerabilityVendor {
                    name: "Amazon ECR basic scanning".into(),
                    url: uri.clone(),
                    vendor_severity: non_empty(f.severity.as_deref()).map(str::to_string),
                    ..Default::default()
                }),
                reference_urls: uri.into_iter().collect(),
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    /// An enhanced-scanning (Amazon Inspector) finding.
    fn enhanced(&self, f: &EnhancedImageScanFinding) -> Draft {
        let empty = model::PackageVulnerabilityDetails::default();
        let d = f.package_vulnerability_details.as_ref().unwrap_or(&empty);
        let title = non_empty(f.title.as_deref());
        let vid = non_empty(d.vulnerability_id.as_deref())
            .or(title)
            .unwrap_or("unnamed vulnerability");

        let mut identity = vec![vid.to_string()];
        let mut package_keys: Vec<String> = d
            .vulnerable_packages
            .iter()
            .map(|p| {
                format!(
                    "{}|{}|{}|{}|{}|{}|{}",
                    p.package_manager.as_deref().unwrap_or(""),
                    p.name.as_deref().unwrap_or(""),
                    p.epoch.map(|e| e.to_string()).unwrap_or_default(),
                    p.version.as_deref().unwrap_or(""),
                    p.release.as_deref().unwrap_or(""),
                    p.arch.as_deref().unwrap_or(""),
                    p.file_path.as_deref().unwrap_or(""),
                )
            })
            .collect();
        package_keys.sort();
        package_keys.dedup();
        identity.extend(package_keys);

        let packages: Vec<SoftwarePackage> = d
            .vulnerable_packages
            .iter()
            .map(|p| SoftwarePackage {
                name: non_empty(p.name.as_deref()).map(str::to_string),
                version: non_empty(p.version.as_deref()).map(str::to_string),
                epoch: p.epoch.map(|e| e.to_string()),
                release: non_empty(p.release.as_deref()).map(str::to_string),
                architecture: non_empty(p.arch.as_deref()).map(str::to_string),
                package_manager: non_empty(p.package_manager.as_deref()).map(str::to_string),
                file_path: non_empty(p.file_path.as_deref()).map(str::to_string),
                fixed_in_version: fixed_version(p).map(str::to_string),
                source_layer_hash: non_empty(p.source_layer_hash.as_deref()).map(str::to_string),
                remediation: non_empty(p.remediation.as_deref()).map(str::to_string),
                ..Default::default()
            })
            .collect();

        let cvss: Vec<Cvss> = d
            .cvss
            .iter()
            .filter(|c| c.base_score.is_some() || c.scoring_vector.is_some())
            .map(|c| Cvss {
                version: non_empty(c.version.as_deref())
                    .map(str::to_string)
                    .or_else(|| c.scoring_vector.as_deref().and_then(vector_version)),
                base_score: c.base_score,
                base_vector: non_empty(c.scoring_vector.as_deref()).map(str::to_string),
                source: non_empty(c.source.as_deref()).map(str::to_string),
                ..Default::default()
            })
            .collect();

        let sev = Severity::parse(f.severity.as_deref());
        let score = f
            .score
            .or_else(|| f.score_details.as_ref()?.cvss.as_ref()?.score)
            .or_else(|| cvss.iter().find_map(|c| c.base_score));

        let package_names: Vec<&str> = {
            let mut seen = BTreeSet::new();
            d.vulnerable_packages
                .iter()
                .filter_map(|p| non_empty(p.name.as_deref()))
                .filter(|n| seen.insert(*n))
                .collect()
        };
        let title = title.map(str::to_string).unwrap_or_else(|| {
            if package_names.is_empty() {
                vid.to_string()
            } else {
                format!("{vid} - {}", package_names.join(", "))
            }
        });

        let recommendation = f
            .remediation
            .as_ref()
            .and_then(|r| r.recommendation.as_ref());
        let fixes: Vec<String> = d
            .vulnerable_packages
            .iter()
            .filter_map(|p| {
                Some(format!(
                    "{} to {}",
                    non_empty(p.name.as_deref())?,
                    fixed_version(p)?
                ))
            })
            .collect();
        let remediation_text = provided(recommendation.and_then(|r| r.text.as_deref()))
            .map(str::to_string)
            .or_else(|| {
                (!fixes.is_empty()).then(|| format!("Upgrade {}.", fixes.join("; upgrade ")))
            });
        let remediation_url =
            non_empty(recommendation.and_then(|r| r.url.as_deref())).map(str::to_string);

        let mut product_fields = self.common.clone();
        product_fields.insert("ecr/ScanType".into(), "ENHANCED".into());
        if let Some(s) = severity_from_cvss(&sev, score) {
            product_fields.insert("ecr/SeverityFromCvss".into(), s);
        }
        for (k, v) in [
            (
                "ecr/FindingArn",
                non_empty(f.finding_arn.as_deref()).map(str::to_string),
            ),
            (
                "ecr/FindingType",
                non_empty(f.kind.as_deref()).map(str::to_string),
            ),
            (
                "ecr/Status",
                non_empty(f.status.as_deref()).map(str::to_string),
            ),
            ("ecr/InspectorScore", f.score.map(|s| s.to_string())),
            (
                "ecr/LastObservedAt",
                f.last_observed_at.as_ref().map(Timestamp::display),
            ),
            (
                "ecr/UpdatedAt",
                f.updated_at.as_ref().map(Timestamp::display),
            ),
            (
                "ecr/InspectorScoreVector",
                f.score_details
                    .as_ref()
                    .and_then(|s| s.cvss.as_ref())
                    .and_then(|c| non_empty(c.scoring_vector.as_deref()))
                    .map(str::to_string),
            ),
        ] {
            if let Some(v) = v {
                product_fields.insert(k.into(), v);
            }
        }

        let detail = f
            .resources
            .iter()
            .filter_map(|r| r.details.as_ref()?.aws_ecr_container_image.as_ref())
            .find(|d| same_repository(d, &self.image.registry, &self.image.repository));
        let mut rule_ids = vec![vid.to_string()];
        rule_ids.extend(d.related_vulnerabilities.iter().cloned());
        let source_url = non_empty(d.source_url.as_deref()).map(str::to_string);

        Draft {
            identity,
            description: provided(f.description.as_deref())
                .unwrap_or(&title)
                .to_string(),
            title,
            label: Some(sev.label(score)),
            original_severity: f.severity.clone().unwrap_or_default(),
            rule_ids,
            types: vec![vuln_type(vid).into()],
            remediation_text,
            remediation_url,
            source_url: source_url.clone(),
            product_fields,
            resources: vec![self.resource(detail)],
            vulnerabilities: vec![Vulnerability {
                id: vid.to_string(),
                vulnerable_packages: packages,
                cvss,
                related_vulnerabilities: d.related_vulnerabilities.clone(),
                vendor: Some(VulnerabilityVendor {
                    name: non_empty(d.source.as_deref())
                        .unwrap_or("Amazon Inspector")
                        .to_string(),
                    url: source_url,
                    vendor_severity: non_empty(d.vendor_severity.as_deref()).map(str::to_string),
                    vendor_created_at: d.vendor_created_at.as_ref().and_then(Timestamp::asff),
                    vendor_updated_at: d.vendor_updated_at.as_ref().and_then(Timestamp::asff),
                    ..Default::default()
                }),
                reference_urls: d.reference_urls.clone(),
                fix_available: fix_available(f.fix_available.as_deref()),
                exploit_available: exploit_available(f.exploit_available.as_deref()),
                epss_score: f.epss.as_ref().and_then(|e| e.score),
                ..Default::default()
            }],
            first_observed_at: f.first_observed_at.as_ref().and_then(Timestamp::asff),
        }
    }
}

/// The fixed version of a package, unless Inspector says `NotAvailable`.
fn fixed_version(p: &model::VulnerablePackage) -> Option<&str> {
    non_empty(p.fixed_in_version.as_deref()).filter(|v| !v.eq_ignore_ascii_case("NotAvailable"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_words() {
        for (word, l) in [
            ("CRITICAL", Label::Critical),
            ("high", Label::High),
            ("MEDIUM", Label::Medium),
            ("LOW", Label::Low),
            ("INFORMATIONAL", Label::Informational),
        ] {
            assert_eq!(Severity::parse(Some(word)).label(Some(9.8)), l, "{word}");
        }
        // unrated: the score's label, else INFORMATIONAL
        for word in ["UNDEFINED", "untriaged"] {
            let sev = Severity::parse(Some(word));
            assert_eq!(sev.label(Some(9.8)), Label::Critical, "{word}");
            assert_eq!(sev.label(Some(7.5)), Label::High, "{word}");
            assert_eq!(sev.label(Some(0.0)), Label::Informational, "{word}");
            assert_eq!(sev.label(None), Label::Informational, "{word}");
            assert_eq!(severity_from_cvss(&sev, Some(7.5)).as_deref(), Some("7.5"));
            assert_eq!(severity_from_cvss(&sev, None), None);
        }
        assert_eq!(
            severity_from_cvss(&Severity::parse(Some("HIGH")), Some(9.8)),
            None
        );
        assert_eq!(
            Severity::parse(Some("SEVERE")).label(Some(9.8)),
            Label::Critical
        );
        assert_eq!(Severity::parse(None).label(None), Label::Informational);
    }

    #[test]
    fn ecr_uris() {
        let i =
            parse_ecr_uri("123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app:1.2@sha256:ab")
                .unwrap();
        assert_eq!(i.registry, "123456789012");
        assert_eq!(i.region, "eu-west-1");
        assert_eq!(i.repository, "team/app");
        assert_eq!(i.digest.as_deref(), Some("sha256:ab"));
        assert_eq!(i.tags, vec!["1.2".to_string()]);
        assert_eq!(
            i.repository_uri("aws"),
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app"
        );
        assert_eq!(
            i.arn("aws"),
            "arn:aws:ecr:eu-west-1:123456789012:repository/team/app/sha256:ab"
        );
        assert!(parse_ecr_uri("docker.io/library/alpine:3").is_none());
        let arn = "arn:aws:ecr:us-west-2:123456789012:repository/team/app/sha256:ab";
        assert_eq!(
            arn_region(arn, "123456789012", "team/app"),
            Some("us-west-2")
        );
        assert_eq!(arn_region(arn, "123456789012", "team"), None);
        assert_eq!(arn_region(arn, "000000000000", "team/app"), None);
        assert_eq!(
            arn_region(
                "arn:aws:ecr:us-west-2:123456789012:repository/team/app",
                "123456789012",
                "team/app"
            ),
            Some("us-west-2")
        );
    }
}

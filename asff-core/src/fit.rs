//! Fitting findings to Security Hub's limits before anything leaves.
//!
//! Text is cut on UTF-8 character boundaries and ends in `…`; every field that was cut or
//! thinned is named in the `asff/Truncated` product field, so a reader knows to look at the raw
//! report. What cannot be fitted (a missing required member, a Types entry outside the ASFF
//! taxonomy, a finding that stays over 240 KB) is an error, never a silent drop.

use crate::model::{AwsSecurityFinding, FieldMap};

/// Security Hub's limits, from the API model and the BatchImportFindings documentation.
pub mod limits {
    pub const TITLE: usize = 256;
    pub const DESCRIPTION: usize = 1024;
    pub const REMEDIATION_TEXT: usize = 512;
    pub const SEVERITY_ORIGINAL: usize = 64;
    pub const PRODUCT_NAME: usize = 128;
    pub const COMPANY_NAME: usize = 128;
    pub const ID: usize = 512;
    pub const GENERATOR_ID: usize = 512;
    pub const TYPES: usize = 50;
    pub const RESOURCES: usize = 32;
    pub const RESOURCE_TYPE: usize = 256;
    pub const PRODUCT_FIELDS: usize = 50;
    pub const FIELD_KEY: usize = 128;
    pub const FIELD_VALUE: usize = 2048;
    pub const OTHER_VALUE: usize = 1024;
    /// The largest serialized finding, in bytes.
    pub const FINDING_BYTES: usize = 240 * 1000;
}

/// The product field that names what was truncated.
pub const TRUNCATED_FIELD: &str = "asff/Truncated";

/// The ASFF finding type namespaces.
pub const TYPE_NAMESPACES: [&str; 5] = [
    "Software and Configuration Checks",
    "TTPs",
    "Effects",
    "Unusual Behaviors",
    "Sensitive Data Identifications",
];

/// A finding that cannot be fitted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("finding {id:?} cannot be fitted to Security Hub's limits: {reason}")]
pub struct FitError {
    pub id: String,
    pub reason: String,
}

/// At most `max` characters of `s`, cut on a character boundary and ending in `…` when cut.
pub fn truncate_chars(s: &str, max: usize) -> Option<String> {
    if max == 0 {
        return (!s.is_empty()).then(String::new);
    }
    match s.char_indices().nth(max) {
        None => None,
        Some(_) => {
            let end = s.char_indices().nth(max - 1).map_or(s.len(), |(i, _)| i);
            Some(format!("{}…", s.get(..end).unwrap_or(s)))
        }
    }
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
pub fn truncate_bytes(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or_default()
}

/// Whether `t` is a finding type of the ASFF taxonomy: `Namespace[/Category[/Classifier]]`
/// with a known namespace and no empty part.
pub fn is_valid_type(t: &str) -> bool {
    let parts: Vec<&str> = t.split('/').collect();
    (1..=3).contains(&parts.len())
        && parts.first().is_some_and(|p| TYPE_NAMESPACES.contains(p))
        && parts.iter().all(|p| !p.trim().is_empty())
}

struct Marks(Vec<&'static str>);

impl Marks {
    fn cut(&mut self, field: &'static str, value: &mut String, max: usize) {
        if let Some(t) = truncate_chars(value, max) {
            *value = t;
            if !self.0.contains(&field) {
                self.0.push(field);
            }
        }
    }
    fn cut_opt(&mut self, field: &'static str, value: &mut Option<String>, max: usize) {
        if let Some(v) = value {
            self.cut(field, v, max);
        }
    }
    fn mark(&mut self, field: &'static str) {
        if !self.0.contains(&field) {
            self.0.push(field);
        }
    }
}

/// Fits a finding to Security Hub's limits in place.
pub fn fit(f: &mut AwsSecurityFinding) -> Result<(), FitError> {
    let err = |f: &AwsSecurityFinding, reason: String| FitError {
        id: f.id.clone(),
        reason,
    };
    for (name, value) in [
        ("SchemaVersion", &f.schema_version),
        ("Id", &f.id),
        ("ProductArn", &f.product_arn),
        ("GeneratorId", &f.generator_id),
        ("CreatedAt", &f.created_at),
        ("UpdatedAt", &f.updated_at),
        ("Title", &f.title),
        ("Description", &f.description),
    ] {
        if value.trim().is_empty() {
            return Err(err(f, format!("{name} is empty")));
        }
    }
    if f.id.len() > limits::ID {
        return Err(err(
            f,
            format!("Id is {} bytes (limit {})", f.id.len(), limits::ID),
        ));
    }
    if f.generator_id.len() > limits::GENERATOR_ID {
        return Err(err(f, "GeneratorId is over 512 bytes".into()));
    }
    if f.aws_account_id.len() != 12 || !f.aws_account_id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(err(f, "AwsAccountId is not 12 digits".into()));
    }
    if f.resources.is_empty() {
        return Err(err(f, "no Resources".into()));
    }
    if f.types.is_empty() {
        return Err(err(f, "no Types".into()));
    }
    if let Some(bad) = f.types.iter().find(|t| !is_valid_type(t)) {
        return Err(err(
            f,
            format!("Types entry {bad:?} is not in the ASFF taxonomy"),
        ));
    }

    let mut m = Marks(Vec::new());
    m.cut("Title", &mut f.title, limits::TITLE);
    m.cut("Description", &mut f.description, limits::DESCRIPTION);
    if let Some(r) = f
        .remediation
        .as_mut()
        .and_then(|r| r.recommendation.as_mut())
    {
        m.cut_opt(
            "Remediation.Recommendation.Text",
            &mut r.text,
            limits::REMEDIATION_TEXT,
        );
    }
    if let Some(s) = f.severity.as_mut() {
        m.cut_opt(
            "Severity.Original",
            &mut s.original,
            limits::SEVERITY_ORIGINAL,
        );
    }
    if let Some(s) = f.finding_provider_fields.as_mut() {
        if let Some(sev) = s.severity.as_mut() {
            m.cut_opt(
                "Severity.Original",
                &mut sev.original,
                limits::SEVERITY_ORIGINAL,
            );
        }
        dedup_types(&mut s.types);
        if s.types.len() > limits::TYPES {
            s.types.truncate(limits::TYPES);
            m.mark("Types");
        }
    }
    m.cut_opt("ProductName", &mut f.product_name, limits::PRODUCT_NAME);
    m.cut_opt("CompanyName", &mut f.company_name, limits::COMPANY_NAME);
    tidy(f, &mut m);
    dedup_types(&mut f.types);
    if f.types.len() > limits::TYPES {
        f.types.truncate(limits::TYPES);
        m.mark("Types");
    }
    if f.resources.len() > limits::RESOURCES {
        let omitted = f.resources.len() - limits::RESOURCES;
        f.resources.truncate(limits::RESOURCES);
        f.product_fields
            .insert("asff/ResourcesOmitted".into(), omitted.to_string());
        m.mark("Resources");
    }
    if f.resources
        .iter()
        .any(|r| r.kind.trim().is_empty() || r.id.trim().is_empty())
    {
        return Err(err(f, "a Resource has an empty Type or Id".into()));
    }
    for r in &mut f.resources {
        m.cut("Resources.Type", &mut r.kind, limits::RESOURCE_TYPE);
        if let Some(d) = r.details.as_mut() {
            fit_map(
                &mut d.other,
                limits::OTHER_VALUE,
                "Resources.Details.Other",
                &mut m,
            );
        }
    }

    // The size limit, thinning the bulkiest optional parts step by step.
    let mut size = serialized_len(f);
    if size > limits::FINDING_BYTES {
        for v in &mut f.vulnerabilities {
            v.reference_urls.truncate(10);
            v.vulnerable_packages.truncate(10);
            v.related_vulnerabilities.truncate(20);
        }
        m.mark("Vulnerabilities");
        size = serialized_len(f);
    }
    if size > limits::FINDING_BYTES {
        for v in f.product_fields.values_mut() {
            if let Some(t) = truncate_chars(v, 256) {
                *v = t;
            }
        }
        for r in &mut f.resources {
            if let Some(d) = r.details.as_mut() {
                for v in d.other.values_mut() {
                    if let Some(t) = truncate_chars(v, 256) {
                        *v = t;
                    }
                }
            }
        }
        m.mark("ProductFields");
        size = serialized_len(f);
    }
    if size > limits::FINDING_BYTES && f.resources.len() > 1 {
        let omitted = f.resources.len() - 1;
        f.resources.truncate(1);
        f.product_fields
            .insert("asff/ResourcesOmitted".into(), omitted.to_string());
        m.mark("Resources");
        size = serialized_len(f);
    }

    // one place for `asff/Truncated` when anything was or will be cut
    let room = limits::PRODUCT_FIELDS
        - usize::from(!m.0.is_empty() || product_fields_need_fitting(&f.product_fields));
    fit_product_fields(&mut f.product_fields, room, &mut m);
    if !m.0.is_empty() {
        f.product_fields
            .insert(TRUNCATED_FIELD.into(), m.0.join(","));
        size = serialized_len(f);
    }
    if size > limits::FINDING_BYTES {
        return Err(err(
            f,
            format!(
                "serialized finding is {size} bytes after thinning (limit {})",
                limits::FINDING_BYTES
            ),
        ));
    }
    Ok(())
}

/// Leaves out what Security Hub would refuse in optional members, as a broken or hostile report
/// may give it: empty strings (every string member has a minimum length of 1), scores that are
/// NaN, infinite or off their scale, vulnerabilities without an Id, a vendor without a name.
/// Each is marked, rather than failing the import of the finding.
fn tidy(f: &mut AwsSecurityFinding, m: &mut Marks) {
    fn opt(field: &'static str, v: &mut Option<String>, m: &mut Marks) {
        if v.as_deref().is_some_and(|s| s.trim().is_empty()) {
            *v = None;
            m.mark(field);
        }
    }
    fn list(field: &'static str, v: &mut Vec<String>, m: &mut Marks) {
        let before = v.len();
        v.retain(|s| !s.trim().is_empty());
        if v.len() != before {
            m.mark(field);
        }
    }
    opt("SourceUrl", &mut f.source_url, m);
    if let Some(r) = f
        .remediation
        .as_mut()
        .and_then(|r| r.recommendation.as_mut())
    {
        opt("Remediation.Recommendation.Text", &mut r.text, m);
        opt("Remediation.Recommendation.Url", &mut r.url, m);
    }
    for r in &mut f.resources {
        opt("Resources.Region", &mut r.region, m);
        opt("Resources.Partition", &mut r.partition, m);
        let Some(d) = r.details.as_mut() else {
            continue;
        };
        if let Some(c) = d.container.as_mut() {
            for v in [&mut c.image_id, &mut c.image_name, &mut c.name] {
                opt("Resources.Details.Container", v, m);
            }
        }
        if let Some(e) = d.aws_ecr_container_image.as_mut() {
            for v in [
                &mut e.registry_id,
                &mut e.repository_name,
                &mut e.architecture,
                &mut e.image_digest,
                &mut e.image_published_at,
            ] {
                opt("Resources.Details.AwsEcrContainerImage", v, m);
            }
            list(
                "Resources.Details.AwsEcrContainerImage",
                &mut e.image_tags,
                m,
            );
        }
        if let Some(c) = d.code_repository.as_mut() {
            for v in [
                &mut c.project_name,
                &mut c.provider_type,
                &mut c.code_security_integration_arn,
            ] {
                opt("Resources.Details.CodeRepository", v, m);
            }
        }
    }
    let before = f.vulnerabilities.len();
    f.vulnerabilities.retain(|v| !v.id.trim().is_empty());
    if f.vulnerabilities.len() != before {
        m.mark("Vulnerabilities");
    }
    for v in &mut f.vulnerabilities {
        for p in &mut v.vulnerable_packages {
            for s in [
                &mut p.name,
                &mut p.version,
                &mut p.epoch,
                &mut p.release,
                &mut p.architecture,
                &mut p.package_manager,
                &mut p.file_path,
                &mut p.fixed_in_version,
                &mut p.remediation,
                &mut p.source_layer_hash,
            ] {
                opt("Vulnerabilities.VulnerablePackages", s, m);
            }
        }
        for c in &mut v.cvss {
            for s in [&mut c.version, &mut c.base_vector, &mut c.source] {
                opt("Vulnerabilities.Cvss", s, m);
            }
            if c.base_score.is_some_and(|s| !(0.0..=10.0).contains(&s)) {
                c.base_score = None;
                m.mark("Vulnerabilities.Cvss.BaseScore");
            }
        }
        list(
            "Vulnerabilities.RelatedVulnerabilities",
            &mut v.related_vulnerabilities,
            m,
        );
        list("Vulnerabilities.ReferenceUrls", &mut v.reference_urls, m);
        if v.vendor.as_ref().is_some_and(|x| x.name.trim().is_empty()) {
            v.vendor = None;
            m.mark("Vulnerabilities.Vendor");
        }
        if let Some(x) = v.vendor.as_mut() {
            for s in [
                &mut x.url,
                &mut x.vendor_severity,
                &mut x.vendor_created_at,
                &mut x.vendor_updated_at,
            ] {
                opt("Vulnerabilities.Vendor", s, m);
            }
        }
        if v.epss_score.is_some_and(|s| !(0.0..=1.0).contains(&s)) {
            v.epss_score = None;
            m.mark("Vulnerabilities.EpssScore");
        }
    }
}

fn dedup_types(types: &mut Vec<String>) {
    let mut seen = std::collections::HashSet::new();
    types.retain(|t| seen.insert(t.clone()));
}

fn fit_map(map: &mut FieldMap, value_max: usize, name: &'static str, m: &mut Marks) {
    let mut changed = false;
    let entries = std::mem::take(map);
    for (k, v) in entries {
        let k = fit_key(k, &mut changed);
        let v = match truncate_chars(&v, value_max) {
            Some(t) => {
                changed = true;
                t
            }
            None => v,
        };
        if map.len() >= limits::PRODUCT_FIELDS {
            changed = true;
            continue;
        }
        map.insert(k, v);
    }
    if changed {
        m.mark(name);
    }
}

/// A key of a string map (ProductFields, Details.Other) as Security Hub takes it: not empty,
/// not in Security Hub's own `aws/` namespace (kept under `scanner/aws/`), at most 128 bytes.
fn fit_key(k: String, changed: &mut bool) -> String {
    let k = if k.is_empty() {
        *changed = true;
        "_".to_string()
    } else {
        match k.strip_prefix("aws/") {
            Some(rest) => {
                *changed = true;
                format!("scanner/aws/{rest}")
            }
            None => k,
        }
    };
    if k.len() > limits::FIELD_KEY {
        *changed = true;
        truncate_bytes(&k, limits::FIELD_KEY).to_string()
    } else {
        k
    }
}

/// Whether [`fit_product_fields`] will change anything (and so mark `ProductFields`).
fn product_fields_need_fitting(map: &FieldMap) -> bool {
    map.len() > limits::PRODUCT_FIELDS
        || map.iter().any(|(k, v)| {
            k.is_empty()
                || k.starts_with("aws/")
                || k.len() > limits::FIELD_KEY
                || v.chars().nth(limits::FIELD_VALUE).is_some()
        })
}

fn fit_product_fields(map: &mut FieldMap, room: usize, m: &mut Marks) {
    let mut changed = false;
    let entries = std::mem::take(map);
    let mut omitted = 0usize;
    for (k, v) in entries {
        let k = fit_key(k, &mut changed);
        let v = match truncate_chars(&v, limits::FIELD_VALUE) {
            Some(t) => {
                changed = true;
                t
            }
            None => v,
        };
        if map.len() >= room {
            omitted += 1;
            continue;
        }
        map.insert(k, v);
    }
    if omitted > 0 {
        // make room for the count
        if map.len() >= room {
            if let Some(last) = map.keys().next_back().cloned() {
                map.remove(&last);
                omitted += 1;
            }
        }
        map.insert("asff/ProductFieldsOmitted".into(), omitted.to_string());
        changed = true;
    }
    if changed {
        m.mark("ProductFields");
    }
}

/// The length of a finding serialized as compact JSON.
pub fn serialized_len(f: &AwsSecurityFinding) -> usize {
    struct Counter(usize);
    impl std::io::Write for Counter {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut c = Counter(0);
    // Serializing plain structs and string maps into a counter cannot fail.
    let _ = serde_json::to_writer(&mut c, f);
    c.0
}

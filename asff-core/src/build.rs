//! Turning a parser's draft into a complete, fitted finding.

use crate::context::{Context, Scope};
use crate::fit::{fit, FitError};
use crate::id::{finding_id, generator_id};
use crate::model::{
    AwsSecurityFinding, CodeRepositoryDetails, FieldMap, FindingProviderFields,
    FindingProviderSeverity, Recommendation, Remediation, Resource, ResourceDetails, Severity,
    Vulnerability, SCHEMA_VERSION,
};
use crate::redact::{redact_draft, REDACTED_FIELD};
use crate::severity::Label;

/// Who made a finding: the tool's stable name (used in Ids, `--format` and policies) and the
/// product and company names shown in Security Hub.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ToolInfo {
    pub name: &'static str,
    pub product_name: &'static str,
    pub company_name: &'static str,
}

/// What a parser knows about one finding; [`build`] adds the context.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    /// The fields that identify the finding within its scope, most telling first (the first
    /// is shown in the Id).
    pub identity: Vec<String>,
    pub title: String,
    pub description: String,
    /// The label the tool's severity maps to, before the policy.
    pub label: Option<Label>,
    /// The scanner's own severity, kept in `Severity.Original`.
    pub original_severity: String,
    /// Rule and vulnerability ids the severity policy may name.
    pub rule_ids: Vec<String>,
    pub types: Vec<String>,
    pub remediation_text: Option<String>,
    pub remediation_url: Option<String>,
    pub source_url: Option<String>,
    pub product_fields: FieldMap,
    /// Resources; when empty, the scope's resource (the code repository or the image).
    pub resources: Vec<Resource>,
    pub vulnerabilities: Vec<Vulnerability>,
    /// When the scanner first saw it, if it says.
    pub first_observed_at: Option<String>,
}

/// The resource of a code scanner's scope ([`Context::code_scope`]), with details: the code
/// repository; for a CodePipeline pipeline or CodeBuild project that names none, the pipeline
/// (`Other`) or the project (`AwsCodeBuildProject`) by its ARN.
pub fn repository_resource(ctx: &Context, other: FieldMap) -> Resource {
    let arn = |service: &str, resource: &str| {
        format!(
            "arn:{}:{service}:{}:{}:{resource}",
            ctx.partition(),
            ctx.region(),
            ctx.account_id()
        )
    };
    let (kind, id) = match ctx.code_scope() {
        Ok(Scope::CodePipeline { name, .. }) => ("Other", arn("codepipeline", &name)),
        Ok(Scope::CodeBuildProject { name, .. }) => (
            "AwsCodeBuildProject",
            arn("codebuild", &format!("project/{name}")),
        ),
        // (a parser asks for the code scope, and fails without one, before it builds)
        _ => {
            let name = ctx
                .pipeline()
                .repository()
                .unwrap_or("unknown-repository")
                .to_string();
            return Resource {
                kind: "CodeRepository".into(),
                id: name.clone(),
                partition: Some(ctx.partition().to_string()),
                region: Some(ctx.region().to_string()),
                details: Some(ResourceDetails {
                    other,
                    code_repository: Some(CodeRepositoryDetails {
                        project_name: Some(name),
                        ..Default::default()
                    }),
                    ..Default::default()
                }),
                ..Default::default()
            };
        }
    };
    Resource {
        kind: kind.into(),
        id,
        partition: Some(ctx.partition().to_string()),
        region: Some(ctx.region().to_string()),
        details: (!other.is_empty()).then(|| ResourceDetails {
            other,
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// Builds the finding: Id and GeneratorId from the tool and scope, the clock, the product ARN,
/// the severity after the policy (the original kept), the pipeline's product fields; masks
/// secret-looking values in the draft's free text ([`crate::redact`], unless the context turns
/// it off; counted in `asff/Redacted`); then fits it to Security Hub's limits.
pub fn build(
    ctx: &Context,
    tool: &ToolInfo,
    scope: &Scope,
    draft: Draft,
) -> Result<AwsSecurityFinding, FitError> {
    build_with_product(
        ctx,
        tool,
        scope,
        draft,
        tool.product_name,
        tool.company_name,
    )
}

/// [`build`] with the product and company names of this finding instead of the tool's: for
/// formats that many products write (SARIF names its producer in each run). The context's
/// override ([`Context::with_product`]) still wins; blank names fall back to the tool's.
pub fn build_with_product(
    ctx: &Context,
    tool: &ToolInfo,
    scope: &Scope,
    mut draft: Draft,
    product_name: &str,
    company_name: &str,
) -> Result<AwsSecurityFinding, FitError> {
    let named = |name: &str, fallback: &'static str| {
        let name = crate::text::clean(name.trim());
        if name.is_empty() {
            fallback.to_string()
        } else {
            name
        }
    };
    let product_name = named(product_name, tool.product_name);
    let company_name = named(company_name, tool.company_name);
    // the Id from the identity as the parser gave it, before anything is masked
    let identity: Vec<&str> = draft.identity.iter().map(String::as_str).collect();
    let id = finding_id(tool.name, scope, &identity);
    let now = ctx.now_rfc3339();
    let redacted = if ctx.redaction() {
        redact_draft(&mut draft)
    } else {
        0
    };

    let base_label = draft.label.unwrap_or(Label::Informational);
    let mut product_fields = draft.product_fields;
    let label = match ctx
        .policy()
        .lookup(tool.name, &draft.rule_ids, &draft.original_severity)
    {
        Some(o) if o.label != base_label => {
            product_fields.insert(
                "asff/SeverityPolicy".into(),
                format!("{base_label} -> {}", o.label),
            );
            if let Some(r) = &o.reason {
                product_fields.insert("asff/SeverityPolicyReason".into(), r.clone());
            }
            o.label
        }
        _ => base_label,
    };
    let original = Some(draft.original_severity.trim().to_string()).filter(|s| !s.is_empty());

    // a parser that masked known secrets itself ([`crate::redact::mask_values`]) counts them
    // in the same field: the total is shown
    let masked_before: usize = product_fields
        .get(REDACTED_FIELD)
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0);
    if redacted + masked_before > 0 {
        product_fields.insert(
            REDACTED_FIELD.into(),
            (redacted + masked_before).to_string(),
        );
    } else {
        product_fields.remove(REDACTED_FIELD);
    }
    let p = ctx.pipeline();
    product_fields.insert("asff/Tool".into(), tool.name.into());
    for (k, v) in [
        ("asff/Repository", p.repository()),
        ("asff/Branch", p.branch()),
        ("asff/CommitId", p.commit()),
        ("asff/BuildId", p.build_id()),
    ] {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            product_fields.insert(k.into(), v.to_string());
        }
    }

    let mut resources = if draft.resources.is_empty() {
        vec![repository_resource(ctx, FieldMap::new())]
    } else {
        draft.resources
    };
    // resource Ids come from context values and report fields: printable
    for r in &mut resources {
        if let std::borrow::Cow::Owned(id) = crate::text::escape_controls(&r.id) {
            r.id = id;
        }
    }
    let title = non_empty(draft.title, || "Untitled finding".to_string());
    let description = non_empty(draft.description, || title.clone());
    let remediation =
        (draft.remediation_text.is_some() || draft.remediation_url.is_some()).then(|| {
            Remediation {
                recommendation: Some(Recommendation {
                    text: draft.remediation_text.filter(|t| !t.trim().is_empty()),
                    url: draft.remediation_url,
                    ..Default::default()
                }),
                ..Default::default()
            }
        });

    let mut f = AwsSecurityFinding {
        schema_version: SCHEMA_VERSION.into(),
        id,
        product_arn: ctx.product_arn(),
        generator_id: generator_id(tool.name, scope),
        aws_account_id: ctx.account_id().into(),
        types: draft.types.clone(),
        created_at: now.clone(),
        updated_at: now.clone(),
        first_observed_at: Some(draft.first_observed_at.unwrap_or_else(|| now.clone())),
        last_observed_at: Some(now),
        severity: Some(Severity {
            label: Some(label),
            original: original.clone(),
            ..Default::default()
        }),
        finding_provider_fields: Some(FindingProviderFields {
            severity: Some(FindingProviderSeverity {
                label: Some(label),
                original,
                ..Default::default()
            }),
            types: draft.types,
            ..Default::default()
        }),
        title,
        description,
        remediation,
        source_url: draft.source_url,
        product_fields,
        resources,
        vulnerabilities: draft.vulnerabilities,
        record_state: Some(crate::model::RecordState::Active),
        product_name: Some(ctx.product_name().map_or(product_name, str::to_string)),
        company_name: Some(ctx.company_name().map_or(company_name, str::to_string)),
        // Security Hub fills the top-level Region itself.
        region: None,
        extra: Default::default(),
    };
    fit(&mut f)?;
    Ok(f)
}

fn non_empty(s: String, fallback: impl FnOnce() -> String) -> String {
    let t = s.trim();
    if t.is_empty() {
        fallback()
    } else if t.len() == s.len() {
        s
    } else {
        t.to_string()
    }
}

//! Where findings are reported from: account, region, partition, the pipeline and the clock.

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use std::borrow::Cow;

use crate::pipeline::{branch_name, codebuild_project, codepipeline_name, repository_name};
pub use crate::pipeline::{Origins, Pipeline};
use crate::policy::SeverityPolicy;

/// A context value that is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContextError {
    #[error("account id {0:?} is not 12 digits")]
    AccountId(String),
    /// A region that is not one, or a partition that is not one or not the region's.
    #[error(transparent)]
    Region(#[from] crate::region::RegionError),
    #[error("time {0:?} is not an RFC 3339 timestamp: {1}")]
    Time(String, String),
    /// A code scanner's findings need a scope and the pipeline names none.
    #[error("no scope for the findings: no repository was given (nor a CodePipeline pipeline or CodeBuild project to scope them to), and findings without a scope that stays the same from run to run would be mixed with every other report's; give the repository and branch (asff-convert --repo NAME --branch NAME; the Lambda's source_repository and source_branch), or run in CodeBuild, GitHub Actions or GitLab CI, which name them")]
    NoScope,
}

/// The pipeline context after [`Context::with_pipeline`] resolved it (see [`crate::pipeline`]):
/// a repository and branch only when they are ones, the scope a code scanner's findings take,
/// and notes on what was passed over.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PipelineInfo {
    repository: Option<String>,
    branch: Option<String>,
    commit: Option<String>,
    build_id: Option<String>,
    source_root: Option<String>,
    scope: Option<Scope>,
    origin: Option<String>,
    fallback: Option<String>,
    notes: Vec<String>,
}

impl PipelineInfo {
    /// Resolves what a caller was given by the rules of [`crate::pipeline`] (what
    /// [`Context::with_pipeline`] does).
    pub fn resolve(p: Pipeline) -> PipelineInfo {
        let mut notes = Vec::new();
        let from = |o: &Option<String>| match o {
            Some(o) => format!(" (from {o})"),
            None => String::new(),
        };
        let o = &p.origins;
        // a value that is not what it is given as is noted and passed over
        let mut valid = |value: &Option<String>,
                         origin: &Option<String>,
                         what: &str,
                         rule: fn(&str) -> Result<String, &'static str>| {
            let v = value.as_deref()?;
            rule(v)
                .map_err(|why| {
                    let shown = v.trim();
                    notes.push(format!(
                        "{:?}{} is not a {what} ({why}): ignored",
                        crate::fit::truncate_chars(shown, 200).unwrap_or_else(|| shown.to_string()),
                        from(origin)
                    ));
                })
                .ok()
        };
        let repository = valid(&p.repository, &o.repository, "repository", repository_name);
        let branch = valid(&p.branch, &o.branch, "branch", branch_name);
        let clean = |v: Option<String>| {
            v.map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty() && !s.chars().any(char::is_control))
        };
        let build_id = clean(p.build_id);
        let branch_origin = match &branch {
            Some(b) => format!(", branch {b}{}", from(&o.branch)),
            None => String::new(),
        };
        let (scope, origin, fallback) = if let Some(name) = &repository {
            (
                Some(Scope::Repository {
                    name: name.clone(),
                    branch: branch.clone(),
                }),
                Some(format!(
                    "repository {name}{}{branch_origin}",
                    from(&o.repository)
                )),
                None,
            )
        } else if let Some(name) = p.initiator.as_deref().and_then(codepipeline_name) {
            let what = format!("the CodePipeline pipeline {name:?}{}", from(&o.initiator));
            (
                Some(Scope::CodePipeline {
                    name,
                    branch: branch.clone(),
                }),
                Some(format!("{what}{branch_origin}")),
                Some(format!(
                    "no repository was given: the findings are scoped to {what}, which every source and branch of the pipeline shares"
                )),
            )
        } else if let Some(name) = build_id.as_deref().and_then(codebuild_project) {
            let what = format!("the CodeBuild project {name:?}{}", from(&o.build_id));
            (
                Some(Scope::CodeBuildProject {
                    name,
                    branch: branch.clone(),
                }),
                Some(format!("{what}{branch_origin}")),
                Some(format!(
                    "no repository was given: the findings are scoped to {what}, which every source and branch built by the project shares"
                )),
            )
        } else {
            (None, None, None)
        };
        PipelineInfo {
            repository,
            branch,
            commit: clean(p.commit),
            build_id,
            source_root: clean(p.source_root),
            scope,
            origin,
            fallback,
            notes,
        }
    }

    /// The repository, normalised ([`normalize_repository`]).
    pub fn repository(&self) -> Option<&str> {
        self.repository.as_deref()
    }

    /// The branch (`refs/heads/` dropped).
    pub fn branch(&self) -> Option<&str> {
        self.branch.as_deref()
    }

    pub fn commit(&self) -> Option<&str> {
        self.commit.as_deref()
    }

    pub fn build_id(&self) -> Option<&str> {
        self.build_id.as_deref()
    }

    /// The checkout directory paths are made relative to.
    pub fn source_root(&self) -> Option<&str> {
        self.source_root.as_deref()
    }

    /// Where a code scanner's scope came from, for people: `repository github.com/o/r (from
    /// GITHUB_REPOSITORY), branch main (from GITHUB_HEAD_REF)`.
    pub fn scope_origin(&self) -> Option<&str> {
        self.origin.as_deref()
    }

    /// A warning when the scope is not a repository but a pipeline's or a project's.
    pub fn scope_fallback(&self) -> Option<&str> {
        self.fallback.as_deref()
    }

    /// Values that were given and passed over (an artifact ARN as the branch, …).
    pub fn notes(&self) -> &[String] {
        &self.notes
    }
}

/// What to tell the reader about the code scope of a report's findings
/// ([`Context::scope_report`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeReport {
    /// Where the scope came from ([`PipelineInfo::scope_origin`]).
    pub origin: String,
    /// Values passed over ([`PipelineInfo::notes`]).
    pub notes: Vec<String>,
    /// Set when the scope is a pipeline's or project's, not a repository
    /// ([`PipelineInfo::scope_fallback`]).
    pub fallback: Option<String>,
}

impl ScopeReport {
    /// The warnings for the reader: the notes, then the fallback followed by `hint` (how the
    /// caller's user gives the repository).
    pub fn warnings(&self, hint: &str) -> Vec<String> {
        let mut w = self.notes.clone();
        w.extend(self.fallback.iter().map(|f| format!("{f}; {hint}")));
        w
    }
}

/// Everything a parser needs besides the report.
#[derive(Debug, Clone)]
pub struct Context {
    account_id: String,
    region: String,
    partition: String,
    product_name: Option<String>,
    company_name: Option<String>,
    pipeline: PipelineInfo,
    image: Option<String>,
    now: OffsetDateTime,
    policy: SeverityPolicy,
    redact: bool,
}

impl Context {
    /// A context for `account_id` in `region`, the partition derived from the region and the
    /// clock read now.
    pub fn new(account_id: &str, region: &str) -> Result<Self, ContextError> {
        let account_id = account_id.trim();
        if account_id.len() != 12 || !account_id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ContextError::AccountId(account_id.to_string()));
        }
        let region = region.trim();
        let partition = crate::region::check_region(region)?;
        Ok(Context {
            account_id: account_id.to_string(),
            partition: partition.to_string(),
            region: region.to_string(),
            product_name: None,
            company_name: None,
            pipeline: PipelineInfo::default(),
            image: None,
            now: OffsetDateTime::now_utc(),
            policy: SeverityPolicy::default(),
            redact: true,
        })
    }

    /// Checks a partition given explicitly: it must be the region's (which it follows from).
    pub fn with_partition(mut self, partition: &str) -> Result<Self, ContextError> {
        let partition = partition.trim();
        crate::region::check_partition(&self.region, partition)?;
        self.partition = partition.to_string();
        Ok(self)
    }

    /// Fixes the clock: every timestamp of this run is `now`.
    pub fn with_now(mut self, now: OffsetDateTime) -> Self {
        self.now = now.to_offset(time::UtcOffset::UTC);
        self
    }

    /// Fixes the clock from an RFC 3339 string.
    pub fn with_now_rfc3339(self, now: &str) -> Result<Self, ContextError> {
        let t = OffsetDateTime::parse(now, &Rfc3339)
            .map_err(|e| ContextError::Time(now.to_string(), e.to_string()))?;
        Ok(self.with_now(t))
    }

    /// Sets the pipeline, resolved by the rules of [`crate::pipeline`]: the repository and
    /// branch normalised (values that are not ones are passed over, see
    /// [`PipelineInfo::notes`]), the scope of code scanners' findings chosen.
    pub fn with_pipeline(self, pipeline: Pipeline) -> Self {
        self.with_pipeline_info(PipelineInfo::resolve(pipeline))
    }

    /// Sets a pipeline already resolved ([`PipelineInfo::resolve`]).
    pub fn with_pipeline_info(mut self, pipeline: PipelineInfo) -> Self {
        self.pipeline = pipeline;
        self
    }

    /// The resolved pipeline.
    pub fn pipeline(&self) -> &PipelineInfo {
        &self.pipeline
    }

    pub fn with_policy(mut self, policy: SeverityPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// Whether [`build`](crate::build) masks secret-looking values in the free text of findings
    /// ([`crate::redact`]); on by default, off only for local debugging.
    pub fn with_redaction(mut self, on: bool) -> Self {
        self.redact = on;
        self
    }

    /// Whether secret-looking values are masked ([`Context::with_redaction`]).
    pub fn redaction(&self) -> bool {
        self.redact
    }

    pub fn with_image(mut self, image: Option<String>) -> Self {
        self.image = image
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty());
        self
    }

    /// Overrides the tool's product and company names (`ProductName`, `CompanyName`); blank
    /// names are no override.
    pub fn with_product(
        mut self,
        product_name: Option<String>,
        company_name: Option<String>,
    ) -> Self {
        let clean = |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        self.product_name = clean(product_name);
        self.company_name = clean(company_name);
        self
    }

    /// The product name override ([`Context::with_product`]).
    pub fn product_name(&self) -> Option<&str> {
        self.product_name.as_deref()
    }

    /// The company name override ([`Context::with_product`]).
    pub fn company_name(&self) -> Option<&str> {
        self.company_name.as_deref()
    }

    /// An image reference (`registry/repository:tag@digest`) for image scanners whose report
    /// does not name the image ([`Context::with_image`]).
    pub fn image(&self) -> Option<&str> {
        self.image.as_deref()
    }

    /// The organisation's severity policy ([`Context::with_policy`]).
    pub fn policy(&self) -> &SeverityPolicy {
        &self.policy
    }

    pub fn account_id(&self) -> &str {
        &self.account_id
    }

    pub fn region(&self) -> &str {
        &self.region
    }

    pub fn partition(&self) -> &str {
        &self.partition
    }

    pub fn now(&self) -> OffsetDateTime {
        self.now
    }

    /// The clock as ASFF wants it: RFC 3339 in UTC with millisecond precision.
    pub fn now_rfc3339(&self) -> String {
        format_timestamp(self.now)
    }

    /// `arn:{partition}:securityhub:{region}:{account}:product/{account}/default`.
    pub fn product_arn(&self) -> String {
        format!(
            "arn:{p}:securityhub:{r}:{a}:product/{a}/default",
            p = self.partition,
            r = self.region,
            a = self.account_id
        )
    }

    /// The scope of a code scanner's findings: the repository and branch of the pipeline, else
    /// its CodePipeline pipeline or CodeBuild project (see [`crate::pipeline`]); with none of
    /// them, [`ContextError::NoScope`].
    pub fn code_scope(&self) -> Result<Scope, ContextError> {
        self.pipeline.scope.clone().ok_or(ContextError::NoScope)
    }

    /// When the findings of `tool` that a report covers ([`crate::ParseOutput::scopes`]) take
    /// the pipeline's code scope: where it came from and what was passed over, for the reader.
    /// `None` for reports of other scopes only (an image scan, a ZAP site).
    pub fn scope_report(
        &self,
        tool: &str,
        covered: &std::collections::BTreeSet<String>,
    ) -> Option<ScopeReport> {
        let scope = self.pipeline.scope.as_ref()?;
        // the code scope itself, or a producer's findings within it (`{tool}/{producer}/{scope}`)
        let own = crate::id::generator_id(tool, scope);
        let within = |g: &String| {
            g.strip_prefix(tool)
                .and_then(|r| r.strip_prefix('/'))
                .and_then(|r| r.strip_suffix(scope.key().as_str()))
                .is_some_and(|producer| producer.len() > 1 && producer.ends_with('/'))
        };
        if !covered.contains(&own) && !covered.iter().any(within) {
            return None;
        }
        Some(ScopeReport {
            origin: self.pipeline.origin.clone().unwrap_or_default(),
            notes: self.pipeline.notes.clone(),
            fallback: self.pipeline.fallback.clone(),
        })
    }

    /// [`Context::code_scope`] for a parser of `format`: no scope is a [`ReportError`] at
    /// [`Location::Context`](crate::Location::Context).
    pub fn code_scope_for(&self, format: &'static str) -> Result<Scope, crate::ReportError> {
        self.code_scope()
            .map_err(|e| crate::ReportError::context(format, e))
    }

    /// A file path as a resource shows it: relative to the checkout directory (the pipeline's
    /// source root) when it is under it, else as the report has it.
    pub fn relative_path<'p>(&self, path: &'p str) -> Cow<'p, str> {
        self.pipeline
            .source_root
            .as_deref()
            .and_then(|root| crate::pipeline::relative_to(path, root))
            .unwrap_or(Cow::Borrowed(path))
    }

    /// A file path as it identifies a file from build to build: relative to the checkout
    /// directory (the pipeline's source root) when it is under it, else without CodeBuild's
    /// per-build checkout directory ([`crate::id::stable_path`]). A leading `./` is dropped.
    pub fn source_path<'p>(&self, path: &'p str) -> Cow<'p, str> {
        if let Some(rel) = self
            .pipeline
            .source_root
            .as_deref()
            .and_then(|root| crate::pipeline::relative_to(path, root))
        {
            return rel;
        }
        match crate::id::stable_path(path) {
            Cow::Borrowed(p) => Cow::Borrowed(p.strip_prefix("./").unwrap_or(p)),
            Cow::Owned(p) => Cow::Owned(p),
        }
    }
}

/// A timestamp as ASFF wants it: `2024-01-02T03:04:05.678Z`.
pub fn format_timestamp(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}

/// The set of findings a scanner run speaks for. Ids and GeneratorIds are derived from it, and a
/// later run of the same scope replaces what an earlier one reported.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scope {
    /// A code scanner's findings in one repository (and branch, when known).
    Repository {
        name: String,
        branch: Option<String>,
    },
    /// An image scanner's findings in one image repository (`registry/repository`), whatever
    /// the tag or digest.
    Image { repository: String },
    /// A web scanner's findings on one site (its normalised URL: scheme, host, port).
    Site { url: String },
    /// A code scanner's findings in a CodePipeline pipeline that names no repository.
    CodePipeline {
        name: String,
        branch: Option<String>,
    },
    /// A code scanner's findings in a CodeBuild project's builds that name no repository.
    CodeBuildProject {
        name: String,
        branch: Option<String>,
    },
    /// A Kubernetes scanner's findings in one namespace of a cluster (`namespace: None` for
    /// cluster-wide resources such as nodes and cluster roles), keyed `k8s:{cluster}/{namespace}`.
    Cluster {
        name: String,
        namespace: Option<String>,
    },
    /// The findings of one producer within a scope, for formats that many tools write (a SARIF
    /// run's tool in a repository): keyed `{producer}/{scope}`, so that each producer's
    /// findings are a scope of their own and a report of one tool archives none of another's.
    Producer { producer: String, scope: Box<Scope> },
}

impl Scope {
    /// The scope for an image reference: its repository without tag or digest.
    pub fn image(reference: &str) -> Scope {
        Scope::Image {
            repository: image_repository(reference),
        }
    }

    /// The findings of `producer` within this scope ([`Scope::Producer`]); control characters
    /// in the name become U+FFFD.
    pub fn of_producer(self, producer: &str) -> Scope {
        Scope::Producer {
            producer: crate::text::clean(producer.trim()),
            scope: Box::new(self),
        }
    }

    /// The scope itself, or the one a [`Scope::Producer`] is within.
    pub fn base(&self) -> &Scope {
        match self {
            Scope::Producer { scope, .. } => scope.base(),
            other => other,
        }
    }

    /// A canonical text form, used in Ids and GeneratorIds.
    pub fn key(&self) -> String {
        match self {
            Scope::Producer { producer, scope } => format!("{producer}/{}", scope.key()),
            Scope::Repository { name, branch: None } => name.clone(),
            Scope::Repository {
                name,
                branch: Some(b),
            } => format!("{name}@{b}"),
            Scope::Image { repository } => repository.clone(),
            Scope::Site { url } => url.clone(),
            Scope::CodePipeline { name, branch } => {
                with_branch(format!("codepipeline:{name}"), branch)
            }
            Scope::CodeBuildProject { name, branch } => {
                with_branch(format!("codebuild:{name}"), branch)
            }
            Scope::Cluster {
                name,
                namespace: None,
            } => format!("k8s:{name}"),
            Scope::Cluster {
                name,
                namespace: Some(ns),
            } => format!("k8s:{name}/{ns}"),
        }
    }
}

fn with_branch(key: String, branch: &Option<String>) -> String {
    match branch {
        Some(b) => format!("{key}@{b}"),
        None => key,
    }
}

/// A repository URL or name in a stable form: no scheme, no credentials, no `.git` suffix, no
/// trailing slash. `https://user:tok@github.com/org/repo.git` and `git@github.com:org/repo`
/// both become `github.com/org/repo`.
pub fn normalize_repository(repo: &str) -> String {
    let mut s = repo.trim();
    if let Some((_, rest)) = s.split_once("://") {
        s = rest;
    }
    if let Some((user, rest)) = s.split_once('@') {
        // credentials or the ssh user, before the host
        if !user.contains('/') {
            s = rest;
        }
    }
    let s = s.trim_end_matches('/');
    let s = s.strip_suffix(".git").unwrap_or(s);
    // scp-like `host:org/repo`
    let out = match s.split_once(':') {
        Some((host, path))
            if !host.contains('/') && !path.starts_with(|c: char| c.is_ascii_digit()) =>
        {
            format!("{host}/{path}")
        }
        _ => s.to_string(),
    };
    if out.is_empty() {
        repo.trim().to_string()
    } else {
        out
    }
}

/// The repository part of an image reference: `registry:5000/team/app:1.2@sha256:…` →
/// `registry:5000/team/app`.
pub fn image_repository(reference: &str) -> String {
    let r = reference.trim();
    let r = r.split('@').next().unwrap_or(r);
    match r.rsplit_once(':') {
        Some((repository, tag)) if !tag.contains('/') => repository.to_string(),
        _ => r.to_string(),
    }
}

/// The tag of an image reference, if it has one.
pub fn image_tag(reference: &str) -> Option<String> {
    let r = reference.trim();
    let r = r.split('@').next().unwrap_or(r);
    match r.rsplit_once(':') {
        Some((_, tag)) if !tag.contains('/') => Some(tag.to_string()),
        _ => None,
    }
}

/// The digest of an image reference, if it has one.
pub fn image_digest(reference: &str) -> Option<String> {
    reference.split_once('@').map(|(_, d)| d.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partition_from_region() {
        let c = Context::new("123456789012", "cn-northwest-1").unwrap();
        assert_eq!(
            c.product_arn(),
            "arn:aws-cn:securityhub:cn-northwest-1:123456789012:product/123456789012/default"
        );
        let c = c.with_partition("aws-cn").unwrap();
        assert_eq!(c.partition(), "aws-cn");
        assert!(c.with_partition("aws").is_err());
        assert!(Context::new("123456789012", "us-east-1")
            .unwrap()
            .with_partition("mars")
            .is_err());
    }

    #[test]
    fn account_and_region_are_checked() {
        assert!(Context::new("12345678901", "us-east-1").is_err());
        assert!(Context::new("12345678901a", "us-east-1").is_err());
        assert!(Context::new("123456789012", "").is_err());
        assert!(Context::new("123456789012", "US EAST").is_err());
        assert!(Context::new("123456789012", "us-east-1a").is_err());
        assert!(Context::new("123456789012", "mars-north-1").is_err());
    }

    #[test]
    fn repositories_normalise() {
        for r in [
            "https://github.com/org/repo.git",
            "https://user:token@github.com/org/repo",
            "git@github.com:org/repo.git",
            "github.com/org/repo/",
        ] {
            assert_eq!(normalize_repository(r), "github.com/org/repo", "{r}");
        }
        assert_eq!(normalize_repository("my-repo"), "my-repo");
        assert_eq!(
            normalize_repository("ssh://git@host:2222/org/repo.git"),
            "host:2222/org/repo"
        );
    }

    #[test]
    fn image_references() {
        let r = "registry.example.com:5000/team/app:1.2@sha256:abc";
        assert_eq!(image_repository(r), "registry.example.com:5000/team/app");
        assert_eq!(image_tag(r).as_deref(), Some("1.2"));
        assert_eq!(image_digest(r).as_deref(), Some("sha256:abc"));
        assert_eq!(image_repository("localhost:5000/app"), "localhost:5000/app");
        assert_eq!(image_tag("localhost:5000/app"), None);
        assert_eq!(image_repository("alpine"), "alpine");
    }

    #[test]
    fn timestamps_are_utc_millis() {
        let c = Context::new("123456789012", "us-east-1")
            .unwrap()
            .with_now_rfc3339("2024-05-06T07:08:09.123456+02:00")
            .unwrap();
        assert_eq!(c.now_rfc3339(), "2024-05-06T05:08:09.123Z");
    }

    fn with(p: Pipeline) -> Context {
        Context::new("123456789012", "us-east-1")
            .unwrap()
            .with_pipeline(p)
    }

    #[test]
    fn a_codepipeline_artifact_is_neither_repository_nor_branch() {
        let ctx = with(Pipeline {
            repository: Some(
                "s3://codepipeline-us-east-1-123456789012/app-pipeline/SourceArti/AbC123x.zip"
                    .into(),
            ),
            branch: Some(
                "arn:aws:s3:::codepipeline-us-east-1-123456789012/app-pipeline/SourceArti/AbC123x"
                    .into(),
            ),
            build_id: Some("app-build:5f8d1c2e".into()),
            initiator: Some("codepipeline/app-pipeline".into()),
            origins: Origins {
                repository: Some("CODEBUILD_SOURCE_REPO_URL".into()),
                branch: Some("CODEBUILD_SOURCE_VERSION".into()),
                initiator: Some("CODEBUILD_INITIATOR".into()),
                ..Default::default()
            },
            ..Default::default()
        });
        let p = ctx.pipeline();
        assert_eq!((p.repository(), p.branch()), (None, None));
        assert_eq!(p.build_id(), Some("app-build:5f8d1c2e"), "still metadata");
        assert_eq!(
            ctx.code_scope().unwrap(),
            Scope::CodePipeline {
                name: "app-pipeline".into(),
                branch: None
            }
        );
        assert_eq!(ctx.code_scope().unwrap().key(), "codepipeline:app-pipeline");
        assert_eq!(p.notes().len(), 2, "{:?}", p.notes());
        assert!(p.notes()[0].contains("(from CODEBUILD_SOURCE_REPO_URL) is not a repository"));
        assert!(p.notes()[1].contains("(from CODEBUILD_SOURCE_VERSION) is not a branch"));
        assert!(p
            .scope_fallback()
            .unwrap()
            .contains("the CodePipeline pipeline \"app-pipeline\" (from CODEBUILD_INITIATOR)"));
        let r = crate::build::repository_resource(&ctx, Default::default());
        assert_eq!(
            (r.kind.as_str(), r.id.as_str()),
            (
                "Other",
                "arn:aws:codepipeline:us-east-1:123456789012:app-pipeline"
            )
        );
    }

    #[test]
    fn without_a_pipeline_the_codebuild_project_is_the_scope() {
        let ctx = with(Pipeline {
            branch: Some("refs/heads/main".into()),
            build_id: Some("nightly:5f8d1c2e".into()),
            initiator: Some("jdoe".into()),
            ..Default::default()
        });
        let s = ctx.code_scope().unwrap();
        assert_eq!(s.key(), "codebuild:nightly@main");
        let r = crate::build::repository_resource(&ctx, Default::default());
        assert_eq!(r.kind, "AwsCodeBuildProject");
        assert_eq!(
            r.id,
            "arn:aws:codebuild:us-east-1:123456789012:project/nightly"
        );
    }

    #[test]
    fn nothing_known_is_no_scope() {
        for p in [
            Pipeline::default(),
            Pipeline {
                repository: Some("  ".into()),
                branch: Some("main".into()),
                build_id: Some("42".into()),
                commit: Some("abc".into()),
                ..Default::default()
            },
        ] {
            let ctx = with(p);
            assert_eq!(ctx.code_scope(), Err(ContextError::NoScope));
            let e = ctx.code_scope_for("phpstan").unwrap_err();
            assert_eq!(e.location, crate::Location::Context);
            assert!(
                e.to_string()
                    .starts_with("phpstan report: no scope for the findings"),
                "{e}"
            );
        }
    }

    #[test]
    fn a_repository_wins_and_is_normalised() {
        let ctx = with(Pipeline {
            repository: Some("https://token:x@github.com/acme/shop.git".into()),
            branch: Some("refs/heads/feature/cart".into()),
            initiator: Some("codepipeline/p".into()),
            build_id: Some("b:1".into()),
            ..Default::default()
        });
        assert_eq!(
            ctx.code_scope().unwrap().key(),
            "github.com/acme/shop@feature/cart"
        );
        assert!(ctx.pipeline().scope_fallback().is_none());
        assert!(ctx.pipeline().notes().is_empty());
        assert_eq!(
            ctx.pipeline().scope_origin(),
            Some("repository github.com/acme/shop, branch feature/cart")
        );
    }

    #[test]
    fn source_paths() {
        let ctx = with(Pipeline {
            repository: Some("r".into()),
            source_root: Some("/home/runner/work/shop/shop".into()),
            ..Default::default()
        });
        assert_eq!(
            ctx.source_path("/home/runner/work/shop/shop/src/A.php"),
            "src/A.php"
        );
        assert_eq!(
            ctx.relative_path("/home/runner/work/shop/shop/src/A.php"),
            "src/A.php"
        );
        assert_eq!(ctx.source_path("./src/A.php"), "src/A.php");
        assert_eq!(ctx.relative_path("/opt/other/A.php"), "/opt/other/A.php");
        assert_eq!(
            ctx.source_path("/codebuild/output/src123/src/A.php"),
            "/codebuild/output/src/src/A.php",
            "outside the root: CodeBuild's per-build directory still dropped"
        );
        assert_eq!(
            ctx.relative_path("/codebuild/output/src123/src/A.php"),
            "/codebuild/output/src123/src/A.php",
            "resources show the path as reported"
        );
    }

    #[test]
    fn scope_reports_only_for_reports_of_the_code_scope() {
        let ctx = with(Pipeline {
            build_id: Some("nightly:1".into()),
            ..Default::default()
        });
        let scope = ctx.code_scope().unwrap();
        let covered: std::collections::BTreeSet<String> =
            [crate::id::generator_id("phpstan", &scope)].into();
        let r = ctx.scope_report("phpstan", &covered).unwrap();
        assert!(r.fallback.is_some());
        assert!(
            r.origin.contains("CodeBuild project \"nightly\""),
            "{}",
            r.origin
        );
        let image: std::collections::BTreeSet<String> =
            [crate::id::generator_id("grype", &Scope::image("alpine:3"))].into();
        assert_eq!(ctx.scope_report("grype", &image), None);
        // a producer's findings within the code scope (a SARIF run's tool)
        let producer: std::collections::BTreeSet<String> = [crate::id::generator_id(
            "sarif",
            &scope.clone().of_producer("Bandit"),
        )]
        .into();
        assert!(ctx.scope_report("sarif", &producer).is_some());
        assert_eq!(ctx.scope_report("phpstan", &producer), None);
    }

    #[test]
    fn producer_scopes() {
        let repo = Scope::Repository {
            name: "github.com/org/app".into(),
            branch: Some("main".into()),
        };
        let bandit = repo.clone().of_producer(" Bandit ");
        assert_eq!(bandit.key(), "Bandit/github.com/org/app@main");
        assert_eq!(
            crate::id::generator_id("sarif", &bandit),
            "sarif/Bandit/github.com/org/app@main"
        );
        assert_eq!(bandit.base(), &repo);
        assert_ne!(bandit, repo.clone().of_producer("CodeQL"));
        assert_eq!(
            repo.clone().of_producer("a\u{0}b").key(),
            "a\u{FFFD}b/github.com/org/app@main"
        );
    }

    #[test]
    fn scope_keys_of_every_kind() {
        let site = Scope::Site {
            url: "https://shop.example".into(),
        };
        assert_eq!(site.key(), "https://shop.example");
        // a site is keyed as the branchless repository scope ZAP used before: the same Ids
        let old = Scope::Repository {
            name: "https://shop.example".into(),
            branch: None,
        };
        assert_eq!(site.key(), old.key());
        assert_eq!(
            Scope::image("registry.example/team/app:1.2@sha256:ab").key(),
            "registry.example/team/app"
        );
        assert_eq!(
            Scope::CodePipeline {
                name: "p".into(),
                branch: Some("main".into())
            }
            .key(),
            "codepipeline:p@main"
        );
        let cluster = |ns: Option<&str>| Scope::Cluster {
            name: "arn:aws:eks:us-east-1:123456789012:cluster/prod".into(),
            namespace: ns.map(str::to_string),
        };
        assert_eq!(
            cluster(Some("default")).key(),
            "k8s:arn:aws:eks:us-east-1:123456789012:cluster/prod/default"
        );
        assert_eq!(
            cluster(None).key(),
            "k8s:arn:aws:eks:us-east-1:123456789012:cluster/prod"
        );
    }
}

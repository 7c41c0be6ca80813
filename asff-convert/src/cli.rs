//! Command-line arguments and their defaults from the CodeBuild environment.

use std::path::PathBuf;

use asff_core::Label;
use clap::{Parser, ValueEnum};

/// Convert a security scanner's report to AWS Security Finding Format (ASFF) findings.
///
/// stdout carries only data; logs, warnings and summaries go to stderr.
/// Exit codes: 0 success; 1 the --fail-on gate tripped; 2 usage error or unreadable or
/// malformed report.
#[derive(Debug, Parser)]
#[command(name = "asff-convert", version, about, long_about = None)]
pub struct Args {
    /// The report's format: `auto` detects it from the content.
    #[arg(long, default_value = "auto", value_name = "FORMAT")]
    pub format: String,

    /// The 12-digit AWS account id [default: from CODEBUILD_BUILD_ARN].
    #[arg(long, value_name = "ID")]
    pub account_id: Option<String>,

    /// The AWS region [default: from AWS_REGION or AWS_DEFAULT_REGION].
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,

    /// The AWS partition [default: derived from the region].
    #[arg(long, value_name = "P")]
    pub partition: Option<String>,

    /// The source repository [default: from CODEBUILD_SOURCE_REPO_URL].
    #[arg(long, value_name = "NAME")]
    pub repo: Option<String>,

    /// The branch [default: from CODEBUILD_WEBHOOK_HEAD_REF or CODEBUILD_SOURCE_VERSION].
    #[arg(long, value_name = "NAME")]
    pub branch: Option<String>,

    /// The commit [default: from CODEBUILD_RESOLVED_SOURCE_VERSION].
    #[arg(long, value_name = "SHA")]
    pub commit: Option<String>,

    /// The build id [default: from CODEBUILD_BUILD_ID].
    #[arg(long, value_name = "ID")]
    pub build_id: Option<String>,

    /// The scanned image (`registry/repository:tag@digest`), for image scanners whose report does
    /// not name it.
    #[arg(long, value_name = "REF")]
    pub image: Option<String>,

    /// The time of this run, RFC 3339 [default: now].
    #[arg(long, value_name = "RFC3339")]
    pub now: Option<String>,

    /// A severity policy file (JSON; see schemas/severity-policy.schema.json).
    #[arg(long, value_name = "FILE")]
    pub severity_policy: Option<PathBuf>,

    /// Leave out findings below this label (they still count for the gate and the summary).
    #[arg(long, value_name = "LABEL", value_parser = parse_label)]
    pub min_severity: Option<Label>,

    /// Exit 1 when any finding is at or above this label.
    #[arg(long, value_name = "LABEL", value_parser = parse_label)]
    pub fail_on: Option<Label>,

    /// What to write: a JSON array of findings, BatchImportFindings requests (one per line), or a
    /// summary table for people.
    #[arg(long, value_enum, default_value_t = Emit::Findings)]
    pub emit: Emit,

    /// SonarQube server base URL, for a SourceUrl back to each issue and hotspot.
    #[arg(long, value_name = "URL")]
    pub sonar_url: Option<String>,

    /// The previous run's findings (a JSON array of findings, or batches lines): first-seen
    /// times are carried over, and the active findings of the scopes this report covers that
    /// it no longer has are emitted again as ARCHIVED records (none when the report may be
    /// incomplete, see the warnings). Findings of other scopes are left alone.
    #[arg(long, value_name = "FILE")]
    pub previous: Option<PathBuf>,

    /// Write the data to FILE instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Refuse reports larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 1 << 30)]
    pub max_report_size: u64,

    /// The report file, or `-` (the default) for stdin.
    #[arg(value_name = "INPUT", default_value = "-")]
    pub input: String,
}

/// What `--emit` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Emit {
    Findings,
    Batches,
    Summary,
}

fn parse_label(s: &str) -> Result<Label, String> {
    s.parse::<Label>().map_err(|e| e.to_string())
}

/// The environment, read once (so tests can pass their own).
pub trait Env {
    fn var(&self, name: &str) -> Option<String>;
}

/// The process environment.
pub struct ProcessEnv;

impl Env for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.trim().is_empty())
    }
}

/// The account id in a CodeBuild build ARN
/// (`arn:aws:codebuild:us-east-1:123456789012:build/project:id`).
pub fn account_from_arn(arn: &str) -> Option<String> {
    let parts: Vec<&str> = arn.split(':').collect();
    match parts.as_slice() {
        ["arn", _, _, _, account, ..] if account.len() == 12 => Some(account.to_string()),
        _ => None,
    }
}

/// A branch name from CodeBuild's source version variables: `refs/heads/x` → `x`; a bare commit
/// id or a pull request ref is not a branch.
pub fn branch_from_source_version(v: &str) -> Option<String> {
    let v = v.trim();
    if let Some(b) = v.strip_prefix("refs/heads/") {
        return Some(b.to_string());
    }
    let looks_like_commit =
        v.len() >= 7 && v.len() <= 64 && v.bytes().all(|b| b.is_ascii_hexdigit());
    if v.is_empty() || looks_like_commit || v.starts_with("pr/") || v.starts_with("refs/") {
        None
    } else {
        Some(v.to_string())
    }
}

impl Args {
    /// Fills what was not given from the CodeBuild environment.
    pub fn with_env_defaults(mut self, env: &dyn Env) -> Self {
        if self.account_id.is_none() {
            self.account_id = env
                .var("CODEBUILD_BUILD_ARN")
                .as_deref()
                .and_then(account_from_arn);
        }
        if self.region.is_none() {
            self.region = env
                .var("AWS_REGION")
                .or_else(|| env.var("AWS_DEFAULT_REGION"));
        }
        if self.repo.is_none() {
            self.repo = env.var("CODEBUILD_SOURCE_REPO_URL");
        }
        if self.branch.is_none() {
            self.branch = env
                .var("CODEBUILD_WEBHOOK_HEAD_REF")
                .as_deref()
                .and_then(branch_from_source_version)
                .or_else(|| {
                    env.var("CODEBUILD_SOURCE_VERSION")
                        .as_deref()
                        .and_then(branch_from_source_version)
                });
        }
        if self.commit.is_none() {
            self.commit = env.var("CODEBUILD_RESOLVED_SOURCE_VERSION");
        }
        if self.build_id.is_none() {
            self.build_id = env.var("CODEBUILD_BUILD_ID");
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct MapEnv(HashMap<&'static str, &'static str>);
    impl Env for MapEnv {
        fn var(&self, name: &str) -> Option<String> {
            self.0.get(name).map(|s| s.to_string())
        }
    }

    #[test]
    fn codebuild_defaults() {
        let env = MapEnv(HashMap::from([
            (
                "CODEBUILD_BUILD_ARN",
                "arn:aws:codebuild:eu-west-1:210987654321:build/app:1234",
            ),
            ("AWS_REGION", "eu-west-1"),
            (
                "CODEBUILD_SOURCE_REPO_URL",
                "https://github.com/org/app.git",
            ),
            ("CODEBUILD_SOURCE_VERSION", "refs/heads/feature/x"),
            ("CODEBUILD_RESOLVED_SOURCE_VERSION", "abcdef0"),
            ("CODEBUILD_BUILD_ID", "app:1234"),
        ]));
        let a = Args::parse_from(["asff-convert"]).with_env_defaults(&env);
        assert_eq!(a.account_id.as_deref(), Some("210987654321"));
        assert_eq!(a.region.as_deref(), Some("eu-west-1"));
        assert_eq!(a.branch.as_deref(), Some("feature/x"));
        assert_eq!(a.commit.as_deref(), Some("abcdef0"));
        assert_eq!(a.build_id.as_deref(), Some("app:1234"));
        // flags win over the environment
        let a = Args::parse_from([
            "asff-convert",
            "--account-id",
            "111111111111",
            "--branch",
            "dev",
        ])
        .with_env_defaults(&env);
        assert_eq!(a.account_id.as_deref(), Some("111111111111"));
        assert_eq!(a.branch.as_deref(), Some("dev"));
    }

    #[test]
    fn source_versions() {
        assert_eq!(branch_from_source_version("main").as_deref(), Some("main"));
        assert_eq!(
            branch_from_source_version("refs/heads/main").as_deref(),
            Some("main")
        );
        assert_eq!(
            branch_from_source_version("0123456789abcdef0123456789abcdef01234567"),
            None
        );
        assert_eq!(branch_from_source_version("pr/12"), None);
        assert_eq!(
            account_from_arn("arn:aws:codebuild:us-east-1:12:build/x"),
            None
        );
    }
}

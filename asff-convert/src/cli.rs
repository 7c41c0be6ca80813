//! Command-line arguments and their defaults from the environment of the CI system (CodeBuild,
//! GitHub Actions, GitLab CI; see [`asff_core::Pipeline::from_env`]).

use std::path::{Path, PathBuf};

use asff_core::pipeline::{git_head_branch, git_remote_url, repository_name};
use asff_core::{Label, Pipeline};
use clap::{Parser, ValueEnum};

/// Convert a security scanner's report to AWS Security Finding Format (ASFF) findings.
///
/// stdout carries only data; logs, warnings and the summary go to stderr.
/// Exit codes: 0 success; 1 the --fail-on gate tripped; 2 usage error, unreadable or malformed
/// report, or output not written completely; 3 the report says the scan did not complete.
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

    /// The source repository, part of every code scanner finding's Id [default: from
    /// ASFF_REPOSITORY, CODEBUILD_SOURCE_REPO_URL, GITHUB_REPOSITORY, CI_PROJECT_URL, else the
    /// git checkout's origin remote].
    #[arg(long, value_name = "NAME")]
    pub repo: Option<String>,

    /// The branch, part of every code scanner finding's Id [default: from ASFF_BRANCH,
    /// CODEBUILD_WEBHOOK_HEAD_REF or CODEBUILD_SOURCE_VERSION, GITHUB_HEAD_REF or GITHUB_REF,
    /// CI_MERGE_REQUEST_SOURCE_BRANCH_NAME or CI_COMMIT_BRANCH; a commit id, pull request ref,
    /// tag or artifact ARN is not a branch].
    #[arg(long, value_name = "NAME")]
    pub branch: Option<String>,

    /// The commit, metadata only [default: from CODEBUILD_RESOLVED_SOURCE_VERSION, GITHUB_SHA
    /// or CI_COMMIT_SHA].
    #[arg(long, value_name = "SHA")]
    pub commit: Option<String>,

    /// The build id, metadata only [default: from CODEBUILD_BUILD_ID, GITHUB_RUN_ID or
    /// CI_PIPELINE_ID].
    #[arg(long, value_name = "ID")]
    pub build_id: Option<String>,

    /// The checkout directory: file paths under it are made relative to it in Ids and
    /// resources [default: from ASFF_SOURCE_ROOT, CODEBUILD_SRC_DIR, GITHUB_WORKSPACE or
    /// CI_PROJECT_DIR, else the current directory].
    #[arg(long, value_name = "DIR")]
    pub source_root: Option<String>,

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

    /// Exit 0 instead of 3 when the report says the scan did not complete (a failed scan
    /// status, internal errors, errored projects, fewer records than announced, …).
    #[arg(long)]
    pub allow_incomplete: bool,

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

    /// Keep secret-looking values (passwords, tokens, Authorization and cookie values, keys) in
    /// the findings' text instead of masking them, for local debugging only: anyone who can read
    /// the findings in Security Hub could read them.
    #[arg(long)]
    pub no_redact: bool,

    /// Refuse reports larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 1 << 30)]
    pub max_report_size: u64,

    /// The report file, or `-` (the default) for stdin.
    #[arg(value_name = "INPUT", default_value = "-")]
    pub input: String,

    /// What the environment says of the pipeline ([`Args::with_env_defaults`]).
    #[arg(skip)]
    pub env_pipeline: Pipeline,
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

impl Args {
    /// Fills what was not given from the environment: the account and region, and the
    /// pipeline of the CI system the process runs in.
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
        self.env_pipeline = Pipeline::from_env(&|n| env.var(n));
        self
    }

    /// The pipeline: the flags, then the environment, then (for what is still missing) the
    /// current directory as the source root and its git checkout's origin remote and branch.
    pub fn pipeline(&self, cwd: Option<&Path>) -> Pipeline {
        let named = |v: &Option<String>, flag: &str| v.as_ref().map(|_| flag.to_string());
        let flags = Pipeline {
            repository: self.repo.clone(),
            branch: self.branch.clone(),
            commit: self.commit.clone(),
            build_id: self.build_id.clone(),
            source_root: self.source_root.clone(),
            initiator: None,
            origins: asff_core::pipeline::Origins {
                repository: named(&self.repo, "--repo"),
                branch: named(&self.branch, "--branch"),
                build_id: named(&self.build_id, "--build-id"),
                source_root: named(&self.source_root, "--source-root"),
                initiator: None,
            },
        };
        let mut p = flags.or(self.env_pipeline.clone());
        if p.source_root.is_none() {
            if let Some(cwd) = cwd {
                p.source_root = Some(cwd.to_string_lossy().into_owned());
                p.origins.source_root = Some("the current directory".into());
            }
        }
        let no_repository = p
            .repository
            .as_deref()
            .is_none_or(|r| repository_name(r).is_err());
        if no_repository {
            if let Some((url, branch)) = p
                .source_root
                .as_deref()
                .and_then(|r| git_checkout(Path::new(r)))
            {
                p.repository = Some(url);
                p.origins.repository = Some("the git checkout's remote".into());
                let no_branch = p
                    .branch
                    .as_deref()
                    .is_none_or(|b| asff_core::pipeline::branch_name(b).is_err());
                if no_branch {
                    if let Some(b) = branch {
                        p.branch = Some(b);
                        p.origins.branch = Some("the git checkout's HEAD".into());
                    }
                }
            }
        }
        p
    }
}

/// The origin remote's URL (when it is a repository, not a local path) and the checked-out
/// branch of the git checkout at `dir` or above it.
pub fn git_checkout(dir: &Path) -> Option<(String, Option<String>)> {
    let mut d = Some(dir);
    while let Some(here) = d {
        let dot_git = here.join(".git");
        if dot_git.exists() {
            let git_dir = if dot_git.is_file() {
                // a worktree or submodule: `gitdir: <path>`
                let text = std::fs::read_to_string(&dot_git).ok()?;
                let p = PathBuf::from(text.trim().strip_prefix("gitdir:")?.trim());
                if p.is_absolute() {
                    p
                } else {
                    here.join(p)
                }
            } else {
                dot_git
            };
            let head = std::fs::read_to_string(git_dir.join("HEAD")).ok();
            // a worktree's config is in the common directory
            let common = std::fs::read_to_string(git_dir.join("commondir"))
                .ok()
                .map(|c| git_dir.join(c.trim()))
                .unwrap_or_else(|| git_dir.clone());
            let config = std::fs::read_to_string(common.join("config")).ok()?;
            let url = git_remote_url(&config).filter(|u| repository_name(u).is_ok())?;
            return Some((url, head.as_deref().and_then(git_head_branch)));
        }
        d = here.parent();
    }
    None
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

    fn pipeline_of(args: &[&str], env: &MapEnv) -> Pipeline {
        let mut a = vec!["asff-convert"];
        a.extend_from_slice(args);
        Args::parse_from(a).with_env_defaults(env).pipeline(None)
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
            (
                "CODEBUILD_SRC_DIR",
                "/codebuild/output/src1/src/github.com/org/app",
            ),
        ]));
        let a = Args::parse_from(["asff-convert"]).with_env_defaults(&env);
        assert_eq!(a.account_id.as_deref(), Some("210987654321"));
        assert_eq!(a.region.as_deref(), Some("eu-west-1"));
        let p = pipeline_of(&[], &env);
        assert_eq!(p.branch.as_deref(), Some("refs/heads/feature/x"));
        assert_eq!(p.commit.as_deref(), Some("abcdef0"));
        assert_eq!(p.build_id.as_deref(), Some("app:1234"));
        assert_eq!(
            p.source_root.as_deref(),
            Some("/codebuild/output/src1/src/github.com/org/app")
        );
        // flags win over the environment
        let a = Args::parse_from(["asff-convert", "--account-id", "111111111111"])
            .with_env_defaults(&env);
        assert_eq!(a.account_id.as_deref(), Some("111111111111"));
        let p = pipeline_of(&["--branch", "dev", "--source-root", "/src"], &env);
        assert_eq!(p.branch.as_deref(), Some("dev"));
        assert_eq!(p.origins.branch.as_deref(), Some("--branch"));
        assert_eq!(p.source_root.as_deref(), Some("/src"));
    }

    #[test]
    fn the_current_directory_is_the_default_source_root() {
        let env = MapEnv(HashMap::new());
        let p = Args::parse_from(["asff-convert", "--repo", "github.com/o/r"])
            .with_env_defaults(&env)
            .pipeline(Some(Path::new("/work/app")));
        assert_eq!(p.source_root.as_deref(), Some("/work/app"));
        assert_eq!(
            p.origins.source_root.as_deref(),
            Some("the current directory")
        );
    }

    #[test]
    fn a_git_checkout_names_the_repository_and_branch() {
        let dir = tempfile::tempdir().unwrap();
        let git = dir.path().join(".git");
        std::fs::create_dir_all(&git).unwrap();
        std::fs::write(
            git.join("config"),
            "[remote \"origin\"]\n\turl = git@github.com:acme/shop.git\n",
        )
        .unwrap();
        std::fs::write(git.join("HEAD"), "ref: refs/heads/feature/cart\n").unwrap();
        let sub = dir.path().join("services/api");
        std::fs::create_dir_all(&sub).unwrap();
        let env = MapEnv(HashMap::new());
        let p = Args::parse_from(["asff-convert"])
            .with_env_defaults(&env)
            .pipeline(Some(&sub));
        assert_eq!(
            p.repository.as_deref(),
            Some("git@github.com:acme/shop.git")
        );
        assert_eq!(p.branch.as_deref(), Some("feature/cart"));
        // a local path as the remote is no repository
        std::fs::write(
            git.join("config"),
            "[remote \"origin\"]\n\turl = /srv/git/shop\n",
        )
        .unwrap();
        assert_eq!(git_checkout(&sub), None);
        // flags win
        let p = Args::parse_from(["asff-convert", "--repo", "github.com/o/r"])
            .with_env_defaults(&env)
            .pipeline(Some(&sub));
        assert_eq!(p.repository.as_deref(), Some("github.com/o/r"));
        assert_eq!(p.branch, None);
    }

    #[test]
    fn accounts_from_build_arns() {
        assert_eq!(
            account_from_arn("arn:aws:codebuild:us-east-1:12:build/x"),
            None
        );
        assert_eq!(
            account_from_arn("arn:aws:codebuild:us-east-1:123456789012:build/x:1").as_deref(),
            Some("123456789012")
        );
    }
}

//! The pipeline context, normalised: what CI systems offer (clone URLs, refs, CodePipeline
//! artifact ARNs, build ids, checkout directories) turned into a scope that stays the same from
//! run to run.
//!
//! A caller fills a [`Pipeline`] with what it was given, as given (flags, a payload, the
//! environment through [`Pipeline::from_env`]), and hands it to
//! [`Context::with_pipeline`](crate::Context::with_pipeline), which resolves it once with the
//! rules below. The CLI and the Lambda share them:
//!
//! - **repository** ([`repository_name`]): a clone URL (https, ssh, scp-like, `codecommit::`,
//!   CodeCommit's `git-codecommit.*` URL) without scheme, credentials, `.git` and trailing `/`;
//!   an `s3://` URL, an ARN, a local path or an empty value is *not* a repository (CodePipeline
//!   hands CodeBuild its source as an S3 artifact, new on every run);
//! - **branch** ([`branch_name`]): `refs/heads/x` → `x`; a commit id, `pr/N`, `refs/pull/…`, a
//!   tag ref, an ARN or an S3 URL is *not* a branch;
//! - **no repository**: the CodePipeline pipeline (`CODEBUILD_INITIATOR` = `codepipeline/<name>`),
//!   else the CodeBuild project (the part of the build id before `:`), each a scope of its own
//!   kind ([`Scope::CodePipeline`](crate::Scope::CodePipeline),
//!   [`Scope::CodeBuildProject`](crate::Scope::CodeBuildProject)); with none of them, a code
//!   scanner's report cannot be scoped and is refused
//!   ([`ContextError::NoScope`](crate::ContextError::NoScope)) rather than mixed with others;
//! - the **commit** and **build id** are metadata (product fields), never identity;
//! - **file paths** under the checkout directory (`source_root`) are made relative to it before
//!   they enter an Id or a resource ([`Context::source_path`](crate::Context::source_path)).
//!
//! ```
//! use asff_core::{Context, Pipeline};
//!
//! // A CodePipeline → CodeBuild build: the "repository" and "branch" are the artifact.
//! let env = |name: &str| match name {
//!     "CODEBUILD_BUILD_ID" => Some("app-build:5f8d1c2e-0000-4000-8000-000000000001".to_string()),
//!     "CODEBUILD_INITIATOR" => Some("codepipeline/app-pipeline".to_string()),
//!     "CODEBUILD_SOURCE_VERSION" => {
//!         Some("arn:aws:s3:::codepipeline-us-east-1-123456789012/app-pipeline/SourceArti/AbC123x".to_string())
//!     }
//!     "CODEBUILD_SOURCE_REPO_URL" => {
//!         Some("s3://codepipeline-us-east-1-123456789012/app-pipeline/SourceArti/AbC123x.zip".to_string())
//!     }
//!     _ => None,
//! };
//! let ctx = Context::new("123456789012", "us-east-1")?.with_pipeline(Pipeline::from_env(&env));
//! assert_eq!(ctx.code_scope()?.key(), "codepipeline:app-pipeline");
//! assert_eq!(ctx.pipeline().build_id(), Some("app-build:5f8d1c2e-0000-4000-8000-000000000001"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::borrow::Cow;

/// What a caller knows about the run that produced a report, as it was given: every part
/// optional, nothing normalised yet ([`Context::with_pipeline`](crate::Context::with_pipeline)
/// does that).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pipeline {
    /// The source repository: a clone URL or a name.
    pub repository: Option<String>,
    /// The branch: a name or a ref.
    pub branch: Option<String>,
    /// The commit (metadata only).
    pub commit: Option<String>,
    /// The build id (metadata only; in CodeBuild `project:uuid`, whose project names the scope
    /// when there is no repository).
    pub build_id: Option<String>,
    /// CodeBuild's `CODEBUILD_INITIATOR`: `codepipeline/<name>` in a CodePipeline build, whose
    /// pipeline names the scope when there is no repository.
    pub initiator: Option<String>,
    /// The checkout directory: file paths under it are made relative to it.
    pub source_root: Option<String>,
    /// Where each part came from (a flag, a variable, a payload field), for messages.
    pub origins: Origins,
}

/// Where the parts of a [`Pipeline`] came from: `--repo`, `GITHUB_REPOSITORY`,
/// `source_repository`, … (absent: unknown).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origins {
    pub repository: Option<String>,
    pub branch: Option<String>,
    pub build_id: Option<String>,
    pub initiator: Option<String>,
    pub source_root: Option<String>,
}

/// The CI system a process runs in, told from its environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CiSystem {
    /// AWS CodeBuild, started directly, by a webhook or by CodePipeline.
    CodeBuild,
    GitHubActions,
    GitLabCi,
}

impl CiSystem {
    /// The CI system whose variables `env` holds, if any.
    pub fn detect(env: &dyn Fn(&str) -> Option<String>) -> Option<CiSystem> {
        let has = |n: &str| present(env(n)).is_some();
        if has("CODEBUILD_BUILD_ID") || has("CODEBUILD_BUILD_ARN") {
            Some(CiSystem::CodeBuild)
        } else if env("GITHUB_ACTIONS").as_deref() == Some("true") || has("GITHUB_REPOSITORY") {
            Some(CiSystem::GitHubActions)
        } else if env("GITLAB_CI").as_deref() == Some("true") || has("CI_PROJECT_PATH") {
            Some(CiSystem::GitLabCi)
        } else {
            None
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            CiSystem::CodeBuild => "CodeBuild",
            CiSystem::GitHubActions => "GitHub Actions",
            CiSystem::GitLabCi => "GitLab CI",
        }
    }
}

impl Pipeline {
    /// What the environment of a CI system says (nothing outside one): `env` reads a variable
    /// (`None` or blank: unset). Each part takes the first candidate that is valid; a value
    /// that is not (an artifact ARN as the branch) is passed over, and the resolution in
    /// [`Context::with_pipeline`](crate::Context::with_pipeline) notes the first one it saw.
    ///
    /// | | CodeBuild | GitHub Actions | GitLab CI |
    /// | --- | --- | --- | --- |
    /// | repository | `CODEBUILD_SOURCE_REPO_URL` | `GITHUB_SERVER_URL` + `GITHUB_REPOSITORY` | `CI_PROJECT_URL`, else `CI_SERVER_HOST` + `CI_PROJECT_PATH` |
    /// | branch | `CODEBUILD_WEBHOOK_HEAD_REF`, `CODEBUILD_WEBHOOK_TRIGGER` (`branch/x`), `CODEBUILD_SOURCE_VERSION` | `GITHUB_HEAD_REF` (pull requests), `GITHUB_REF` | `CI_MERGE_REQUEST_SOURCE_BRANCH_NAME`, `CI_COMMIT_BRANCH`, `CI_COMMIT_REF_NAME` (not for tags) |
    /// | commit | `CODEBUILD_RESOLVED_SOURCE_VERSION` | `GITHUB_SHA` | `CI_COMMIT_SHA` |
    /// | build id | `CODEBUILD_BUILD_ID` | `GITHUB_RUN_ID` | `CI_PIPELINE_ID` |
    /// | source root | `CODEBUILD_SRC_DIR` | `GITHUB_WORKSPACE` | `CI_PROJECT_DIR` |
    ///
    /// In CodeBuild, `CODEBUILD_INITIATOR` too. `ASFF_REPOSITORY`, `ASFF_BRANCH` and
    /// `ASFF_SOURCE_ROOT` come first in any environment (for CodePipeline: set them from the
    /// source action's variables, e.g. `#{SourceVariables.BranchName}`).
    pub fn from_env(env: &dyn Fn(&str) -> Option<String>) -> Pipeline {
        let get = |n: &'static str| present(env(n)).map(|v| (v, n.to_string()));
        let mut repos: Vec<(String, String)> = Vec::new();
        let mut branches: Vec<(String, String)> = Vec::new();
        let mut p = Pipeline::default();
        repos.extend(get("ASFF_REPOSITORY"));
        branches.extend(get("ASFF_BRANCH"));
        let mut root = get("ASFF_SOURCE_ROOT");
        let mut commit = None;
        let mut build_id = None;
        match CiSystem::detect(env) {
            Some(CiSystem::CodeBuild) => {
                repos.extend(get("CODEBUILD_SOURCE_REPO_URL"));
                branches.extend(get("CODEBUILD_WEBHOOK_HEAD_REF"));
                if let Some((t, n)) = get("CODEBUILD_WEBHOOK_TRIGGER") {
                    // `branch/x`, `pr/N` or `tag/x`: only the first names a branch
                    if let Some(b) = t.strip_prefix("branch/") {
                        branches.push((format!("refs/heads/{b}"), n));
                    }
                }
                branches.extend(get("CODEBUILD_SOURCE_VERSION"));
                commit = get("CODEBUILD_RESOLVED_SOURCE_VERSION");
                build_id = get("CODEBUILD_BUILD_ID");
                if let Some((i, n)) = get("CODEBUILD_INITIATOR") {
                    p.initiator = Some(i);
                    p.origins.initiator = Some(n);
                }
                root = root.or_else(|| get("CODEBUILD_SRC_DIR"));
            }
            Some(CiSystem::GitHubActions) => {
                if let Some((r, n)) = get("GITHUB_REPOSITORY") {
                    let server = get("GITHUB_SERVER_URL")
                        .map(|(s, _)| s)
                        .unwrap_or_else(|| "https://github.com".to_string());
                    repos.push((format!("{}/{r}", server.trim_end_matches('/')), n));
                }
                // a pull request's head branch; GITHUB_REF is then refs/pull/N/merge
                branches
                    .extend(get("GITHUB_HEAD_REF").map(|(b, n)| (format!("refs/heads/{b}"), n)));
                branches.extend(get("GITHUB_REF"));
                if env("GITHUB_REF_TYPE").as_deref() == Some("branch") {
                    branches.extend(
                        get("GITHUB_REF_NAME").map(|(b, n)| (format!("refs/heads/{b}"), n)),
                    );
                }
                commit = get("GITHUB_SHA");
                build_id = get("GITHUB_RUN_ID");
                root = root.or_else(|| get("GITHUB_WORKSPACE"));
            }
            Some(CiSystem::GitLabCi) => {
                repos.extend(get("CI_PROJECT_URL"));
                if let Some((path, n)) = get("CI_PROJECT_PATH") {
                    match get("CI_SERVER_HOST") {
                        Some((host, _)) => repos.push((format!("{host}/{path}"), n)),
                        None => repos.push((path, n)),
                    }
                }
                let as_ref = |(b, n): (String, String)| (format!("refs/heads/{b}"), n);
                branches.extend(get("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME").map(as_ref));
                branches.extend(get("CI_COMMIT_BRANCH").map(as_ref));
                if get("CI_COMMIT_TAG").is_none() {
                    branches.extend(get("CI_COMMIT_REF_NAME").map(as_ref));
                }
                commit = get("CI_COMMIT_SHA");
                build_id = get("CI_PIPELINE_ID");
                root = root.or_else(|| get("CI_PROJECT_DIR"));
            }
            None => {}
        }
        // the first valid candidate, else the first one (resolution notes why it is ignored)
        let pick = |c: &[(String, String)], valid: fn(&str) -> Result<String, &'static str>| {
            c.iter()
                .find(|(v, _)| valid(v).is_ok())
                .or_else(|| c.first())
                .cloned()
        };
        if let Some((r, n)) = pick(&repos, repository_name) {
            p.repository = Some(r);
            p.origins.repository = Some(n);
        }
        if let Some((b, n)) = pick(&branches, branch_name) {
            p.branch = Some(b);
            p.origins.branch = Some(n);
        }
        p.commit = commit.map(|(c, _)| c);
        if let Some((b, n)) = build_id {
            p.build_id = Some(b);
            p.origins.build_id = Some(n);
        }
        if let Some((r, n)) = root {
            p.source_root = Some(r);
            p.origins.source_root = Some(n);
        }
        p
    }

    /// Fills the parts this pipeline does not have from `other` (flags over the environment:
    /// `flags.or(env)`).
    pub fn or(mut self, other: Pipeline) -> Pipeline {
        fn fill(
            a: &mut Option<String>,
            ao: &mut Option<String>,
            b: Option<String>,
            bo: Option<String>,
        ) {
            if a.is_none() && b.is_some() {
                *a = b;
                *ao = bo;
            }
        }
        let o = &mut self.origins;
        fill(
            &mut self.repository,
            &mut o.repository,
            other.repository,
            other.origins.repository,
        );
        fill(
            &mut self.branch,
            &mut o.branch,
            other.branch,
            other.origins.branch,
        );
        fill(
            &mut self.build_id,
            &mut o.build_id,
            other.build_id,
            other.origins.build_id,
        );
        fill(
            &mut self.initiator,
            &mut o.initiator,
            other.initiator,
            other.origins.initiator,
        );
        fill(
            &mut self.source_root,
            &mut o.source_root,
            other.source_root,
            other.origins.source_root,
        );
        if self.commit.is_none() {
            self.commit = other.commit;
        }
        self
    }
}

/// A repository in a stable form, or why the value is not one. See
/// [`normalize_repository`](crate::context::normalize_repository) for the form.
pub fn repository_name(raw: &str) -> Result<String, &'static str> {
    let v = raw.trim();
    let lower = v.to_ascii_lowercase();
    if v.is_empty() {
        Err("empty")
    } else if lower.starts_with("s3://") {
        Err("an S3 URL: CodePipeline's source artifact, new on every run")
    } else if lower.starts_with("arn:") {
        Err("an ARN")
    } else if lower.starts_with("file:") || v.starts_with(['/', '.', '~', '\\']) || is_drive(v) {
        Err("a local path, which differs from checkout to checkout")
    } else if v.chars().any(char::is_control) {
        Err("it holds control characters")
    } else {
        let n = crate::context::normalize_repository(v);
        if n.is_empty() {
            Err("empty")
        } else {
            Ok(n)
        }
    }
}

fn is_drive(v: &str) -> bool {
    let b = v.as_bytes();
    matches!(b, [d, b':', b'\\' | b'/', ..] if d.is_ascii_alphabetic())
}

/// A branch name, or why the value is not one: `refs/heads/x` → `x`; a commit id, `pr/N`,
/// `refs/pull/…`, a tag ref (`refs/tags/…`) or another ref, an ARN or an S3 URL is not.
pub fn branch_name(raw: &str) -> Result<String, &'static str> {
    let v = raw.trim();
    let lower = v.to_ascii_lowercase();
    if v.is_empty() {
        return Err("empty");
    }
    if let Some(b) = v.strip_prefix("refs/heads/") {
        return if b.is_empty() {
            Err("empty")
        } else {
            Ok(b.to_string())
        };
    }
    if lower.starts_with("arn:") {
        Err("an ARN: CodePipeline's source artifact, new on every run")
    } else if lower.starts_with("s3://") {
        Err("an S3 URL: CodePipeline's source artifact, new on every run")
    } else if v.starts_with("refs/pull/")
        || v.starts_with("refs/merge-requests/")
        || v.starts_with("pr/")
    {
        Err("a pull request ref")
    } else if v.starts_with("refs/tags/") {
        Err("a tag")
    } else if v.starts_with("refs/") {
        Err("a ref that is not a branch")
    } else if (7..=64).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_hexdigit()) {
        Err("a commit id")
    } else if v.chars().any(|c| c.is_control() || c.is_whitespace()) {
        Err("it holds white space or control characters")
    } else {
        Ok(v.to_string())
    }
}

/// The pipeline of a CodePipeline build: `CODEBUILD_INITIATOR` = `codepipeline/<name>`.
pub fn codepipeline_name(initiator: &str) -> Option<String> {
    initiator
        .trim()
        .strip_prefix("codepipeline/")
        .map(str::trim)
        .filter(|n| !n.is_empty() && !n.chars().any(char::is_control))
        .map(str::to_string)
}

/// The CodeBuild project of a build id (`project:uuid`) or build ARN
/// (`arn:aws:codebuild:region:account:build/project:uuid`).
pub fn codebuild_project(build: &str) -> Option<String> {
    let b = build.trim();
    let b = match b.strip_prefix("arn:") {
        Some(_) => b.split_once(":build/").map(|(_, rest)| rest)?,
        None => b,
    };
    let (project, run) = b.rsplit_once(':')?;
    let project = project.trim();
    let ok = !project.is_empty()
        && !run.trim().is_empty()
        && project
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    ok.then(|| project.to_string())
}

/// The URL of the `origin` remote (else of the first remote) in a git config file's text.
pub fn git_remote_url(config: &str) -> Option<String> {
    let mut section: Option<String> = None;
    let mut first: Option<String> = None;
    for line in config.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            section = line
                .trim_start_matches('[')
                .trim_end_matches(']')
                .trim()
                .strip_prefix("remote")
                .map(|r| r.trim().trim_matches('"').to_string());
            continue;
        }
        let Some(remote) = &section else { continue };
        let Some((k, v)) = line.split_once('=') else {
            continue;
        };
        if k.trim().eq_ignore_ascii_case("url") {
            let v = v.trim().trim_matches('"').to_string();
            if remote == "origin" {
                return Some(v);
            }
            first.get_or_insert(v);
        }
    }
    first
}

/// The branch a git `HEAD` file's text names (`ref: refs/heads/x`); a detached HEAD names none.
pub fn git_head_branch(head: &str) -> Option<String> {
    let r = head.trim().strip_prefix("ref:")?.trim();
    branch_name(r).ok().filter(|_| r.starts_with("refs/heads/"))
}

/// `path` relative to `root` when it is under it (`\` and `/` alike), with `/` separators;
/// else `None`.
pub fn relative_to<'p>(path: &'p str, root: &str) -> Option<Cow<'p, str>> {
    let root = root.trim().replace('\\', "/");
    let root = root.trim_end_matches('/');
    if root.is_empty() || root == "." {
        return None;
    }
    let slashed: Cow<str> = if path.contains('\\') {
        Cow::Owned(path.replace('\\', "/"))
    } else {
        Cow::Borrowed(path)
    };
    let rest = slashed.strip_prefix(root)?;
    if !rest.is_empty() && !rest.starts_with('/') {
        return None;
    }
    let rest = rest.trim_start_matches('/');
    let rest = if rest.is_empty() { "." } else { rest };
    Some(Cow::Owned(rest.to_string()))
}

fn present(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repositories() {
        for (raw, want) in [
            ("https://github.com/org/app.git", Ok("github.com/org/app")),
            ("git@github.com:org/app.git", Ok("github.com/org/app")),
            (
                "https://git-codecommit.us-east-1.amazonaws.com/v1/repos/app",
                Ok("git-codecommit.us-east-1.amazonaws.com/v1/repos/app"),
            ),
            (
                "ssh://git-codecommit.eu-west-1.amazonaws.com/v1/repos/app",
                Ok("git-codecommit.eu-west-1.amazonaws.com/v1/repos/app"),
            ),
            ("codecommit::us-east-1://app", Ok("app")),
            (
                "gitlab.example.com/acme/shop",
                Ok("gitlab.example.com/acme/shop"),
            ),
            ("my-repo", Ok("my-repo")),
        ] {
            assert_eq!(
                repository_name(raw).as_deref(),
                want.as_ref().map(|s| *s),
                "{raw}"
            );
        }
        for raw in [
            "",
            "  ",
            "s3://codepipeline-us-east-1-123456789012/app-pipeline/SourceArti/AbC123x.zip",
            "S3://bucket/key.zip",
            "arn:aws:s3:::codepipeline-us-east-1-123456789012/app-pipeline/SourceArti/AbC123x",
            "/home/runner/work/shop/shop",
            "./shop",
            "file:///srv/git/shop.git",
            "C:\\repos\\shop",
        ] {
            assert!(repository_name(raw).is_err(), "{raw:?}");
        }
    }

    #[test]
    fn branches() {
        for (raw, want) in [
            ("main", "main"),
            ("refs/heads/feature/x", "feature/x"),
            (" release/1.2 ", "release/1.2"),
            (
                "dependabot/npm_and_yarn/lodash-4.17.21",
                "dependabot/npm_and_yarn/lodash-4.17.21",
            ),
        ] {
            assert_eq!(branch_name(raw).as_deref(), Ok(want), "{raw}");
        }
        for raw in [
            "",
            "0123456789abcdef0123456789abcdef01234567",
            "abc1234",
            "pr/12",
            "refs/pull/12/merge",
            "refs/pull/12/head",
            "refs/merge-requests/3/head",
            "refs/tags/v1.2.0",
            "refs/remotes/origin/main",
            "refs/heads/",
            "arn:aws:s3:::codepipeline-us-east-1-123456789012/app-pipeline/SourceArti/AbC123x",
            "s3://codepipeline-us-east-1-123456789012/app-pipeline/SourceArti/AbC123x.zip",
            "a b",
        ] {
            assert!(branch_name(raw).is_err(), "{raw:?}");
        }
    }

    #[test]
    fn pipelines_and_projects() {
        assert_eq!(
            codepipeline_name("codepipeline/app-pipeline").as_deref(),
            Some("app-pipeline")
        );
        assert_eq!(codepipeline_name("codepipeline/"), None);
        assert_eq!(codepipeline_name("jdoe"), None);
        assert_eq!(
            codebuild_project("app-build:5f8d1c2e-0000-4000-8000-000000000001").as_deref(),
            Some("app-build")
        );
        assert_eq!(
            codebuild_project(
                "arn:aws:codebuild:us-east-1:123456789012:build/app-build:5f8d1c2e-0000-4000-8000-000000000001"
            )
            .as_deref(),
            Some("app-build")
        );
        assert_eq!(codebuild_project("12345"), None);
        assert_eq!(codebuild_project("app-build:"), None);
        assert_eq!(codebuild_project("a/b:c"), None);
    }

    #[test]
    fn git_files() {
        let config = "[core]\n\tbare = false\n[remote \"upstream\"]\n\turl = https://github.com/up/app.git\n[remote \"origin\"]\n\turl = git@github.com:org/app.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n[branch \"main\"]\n\tremote = origin\n";
        assert_eq!(
            git_remote_url(config).as_deref(),
            Some("git@github.com:org/app.git")
        );
        assert_eq!(
            git_remote_url("[remote \"fork\"]\nurl = https://x/y\n").as_deref(),
            Some("https://x/y")
        );
        assert_eq!(git_remote_url("[core]\nurl = nope\n"), None);
        assert_eq!(
            git_head_branch("ref: refs/heads/main\n").as_deref(),
            Some("main")
        );
        assert_eq!(
            git_head_branch("0123456789abcdef0123456789abcdef01234567\n"),
            None
        );
    }

    #[test]
    fn relative_paths() {
        let rel = |p, r| relative_to(p, r).map(Cow::into_owned);
        assert_eq!(
            rel(
                "/home/runner/work/shop/shop/src/A.php",
                "/home/runner/work/shop/shop"
            )
            .as_deref(),
            Some("src/A.php")
        );
        assert_eq!(
            rel("/builds/acme/shop/src/A.php", "/builds/acme/shop/").as_deref(),
            Some("src/A.php")
        );
        assert_eq!(
            rel("D:\\a\\shop\\shop\\src\\A.php", "D:\\a\\shop\\shop").as_deref(),
            Some("src/A.php")
        );
        assert_eq!(
            rel("/builds/acme/shop", "/builds/acme/shop").as_deref(),
            Some(".")
        );
        assert_eq!(rel("/builds/acme/shopping/x", "/builds/acme/shop"), None);
        assert_eq!(rel("src/A.php", "/builds/acme/shop"), None);
        assert_eq!(
            rel("/x/y", "/"),
            None,
            "the root of everything is no checkout"
        );
    }

    fn env_of(vars: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |n| {
            vars.iter()
                .find(|(k, _)| *k == n)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn from_the_environment() {
        let p = Pipeline::from_env(&env_of(&[
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_SERVER_URL", "https://github.com"),
            ("GITHUB_REPOSITORY", "acme/shop"),
            ("GITHUB_REF", "refs/pull/7/merge"),
            ("GITHUB_REF_NAME", "7/merge"),
            ("GITHUB_REF_TYPE", "branch"),
            ("GITHUB_HEAD_REF", "feature/cart"),
            ("GITHUB_SHA", "0123456789abcdef0123456789abcdef01234567"),
            ("GITHUB_RUN_ID", "9876543210"),
            ("GITHUB_WORKSPACE", "/home/runner/work/shop/shop"),
        ]));
        assert_eq!(
            p.repository.as_deref(),
            Some("https://github.com/acme/shop")
        );
        assert_eq!(p.origins.repository.as_deref(), Some("GITHUB_REPOSITORY"));
        assert_eq!(p.branch.as_deref(), Some("refs/heads/feature/cart"));
        assert_eq!(p.origins.branch.as_deref(), Some("GITHUB_HEAD_REF"));
        assert_eq!(p.build_id.as_deref(), Some("9876543210"));
        assert_eq!(
            p.source_root.as_deref(),
            Some("/home/runner/work/shop/shop")
        );

        let p = Pipeline::from_env(&env_of(&[
            ("GITLAB_CI", "true"),
            ("CI_SERVER_HOST", "gitlab.com"),
            ("CI_PROJECT_PATH", "acme/shop"),
            ("CI_COMMIT_REF_NAME", "v1.2.0"),
            ("CI_COMMIT_TAG", "v1.2.0"),
            ("CI_PROJECT_DIR", "/builds/acme/shop"),
        ]));
        assert_eq!(p.repository.as_deref(), Some("gitlab.com/acme/shop"));
        assert_eq!(p.branch, None, "a tag pipeline has no branch");

        assert_eq!(
            Pipeline::from_env(&env_of(&[("HOME", "/root")])),
            Pipeline::default()
        );
    }

    #[test]
    fn flags_win_over_the_environment() {
        let flags = Pipeline {
            branch: Some("dev".into()),
            origins: Origins {
                branch: Some("--branch".into()),
                ..Default::default()
            },
            ..Default::default()
        };
        let env = Pipeline::from_env(&env_of(&[
            ("CODEBUILD_BUILD_ID", "app:1"),
            ("CODEBUILD_SOURCE_REPO_URL", "https://github.com/o/r"),
            ("CODEBUILD_SOURCE_VERSION", "refs/heads/main"),
        ]));
        let p = flags.or(env);
        assert_eq!(p.branch.as_deref(), Some("dev"));
        assert_eq!(p.origins.branch.as_deref(), Some("--branch"));
        assert_eq!(p.repository.as_deref(), Some("https://github.com/o/r"));
        assert_eq!(
            p.origins.repository.as_deref(),
            Some("CODEBUILD_SOURCE_REPO_URL")
        );
    }
}

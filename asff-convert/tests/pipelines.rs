//! Finding identity in the pipelines users run: CodePipeline → CodeBuild (artifact ARN and S3 URL,
//! pipeline variables, a CodeCommit clone), CodeBuild on a commit id and from a webhook pull
//! request, GitHub Actions (push, pull_request, self-hosted runners), GitLab CI (branch and merge
//! request pipelines, both runner layouts).
//!
//! Each case runs the built binary twice, as two builds of the same source would: a fresh
//! environment each time with a new build id, commit, artifact and checkout directory, and the
//! real reports re-rooted under that checkout directory (as the scanner run there writes them).
//! The Ids and GeneratorIds must be identical, and no GeneratorId (nor Id) may hold an ARN, an
//! S3 URL, a commit id, a build id or the checkout directory.

#![cfg(test)]

use std::collections::BTreeSet;

use assert_cmd::Command;
use serde_json::Value;

/// Real reports with absolute file paths, and the directory they were written in.
const REPORTS: &[(&str, &str)] = &[
    // PHPStan 2.1.42 on a Laravel project checked out on a laptop
    (
        "phpstan/phpstan-2.1.42-maphapay-backoffice.json",
        "/Users/Lihle/Development/Coding/maphapay-backoffice",
    ),
    // Dependency-Check 12.1.1 on a Quarkus build in /work
    ("dependency-check/dc-12.1.1-cvssv4.json", "/work"),
];

/// One run's environment: CI variables, and the checkout directory.
struct Run {
    vars: Vec<(&'static str, String)>,
    checkout: String,
}

struct Case {
    name: &'static str,
    /// The run's environment for build `n` (1 or 2).
    env: fn(n: u32) -> Run,
    /// The scope part of every GeneratorId (after `{tool}/`).
    scope: &'static str,
    /// What must be said on stderr (the scope's origin or a warning).
    stderr: &'static [&'static str],
}

fn commit(n: u32) -> String {
    format!("{n:x}").repeat(40).chars().take(40).collect()
}

fn build_uuid(n: u32) -> String {
    format!("5f8d1c2e-{n:04}-4000-8000-00000000000{n}")
}

fn codebuild(n: u32, project: &str, extra: &[(&'static str, String)]) -> Run {
    let checkout = format!("/codebuild/output/src{}/src", 100_000 + n * 7919);
    let mut vars = vec![
        ("AWS_REGION", "us-east-1".to_string()),
        ("CODEBUILD_BUILD_ID", format!("{project}:{}", build_uuid(n))),
        (
            "CODEBUILD_BUILD_ARN",
            format!(
                "arn:aws:codebuild:us-east-1:123456789012:build/{project}:{}",
                build_uuid(n)
            ),
        ),
        ("CODEBUILD_BUILD_NUMBER", n.to_string()),
        ("CODEBUILD_RESOLVED_SOURCE_VERSION", commit(n)),
        ("CODEBUILD_SRC_DIR", checkout.clone()),
    ];
    vars.extend(extra.iter().cloned());
    Run { vars, checkout }
}

/// CodePipeline hands CodeBuild an S3 artifact whose name changes on every run.
fn artifact(n: u32) -> [(&'static str, String); 3] {
    let key = format!(
        "app-pipeline/SourceArti/{}",
        ["AbC123x", "Zq9Lm0P"][n as usize % 2]
    );
    [
        (
            "CODEBUILD_INITIATOR",
            "codepipeline/app-pipeline".to_string(),
        ),
        (
            "CODEBUILD_SOURCE_VERSION",
            format!("arn:aws:s3:::codepipeline-us-east-1-123456789012/{key}"),
        ),
        (
            "CODEBUILD_SOURCE_REPO_URL",
            format!("s3://codepipeline-us-east-1-123456789012/{key}.zip"),
        ),
    ]
}

fn github(n: u32, workspace: String, extra: &[(&'static str, &'static str)]) -> Run {
    let mut vars = vec![
        ("GITHUB_ACTIONS", "true".to_string()),
        ("GITHUB_SERVER_URL", "https://github.com".to_string()),
        ("GITHUB_REPOSITORY", "acme/shop".to_string()),
        ("GITHUB_SHA", commit(n)),
        (
            "GITHUB_RUN_ID",
            format!("{}", 9_876_543_210u64 + u64::from(n)),
        ),
        ("GITHUB_RUN_NUMBER", n.to_string()),
        ("GITHUB_WORKSPACE", workspace.clone()),
        ("AWS_REGION", "eu-west-1".to_string()),
    ];
    vars.extend(extra.iter().map(|(k, v)| (*k, v.to_string())));
    Run {
        vars,
        checkout: workspace,
    }
}

fn gitlab(n: u32, extra: &[(&'static str, &'static str)]) -> Run {
    // the docker executor's /builds/<path>, or with concurrency /builds/<n>/<path>
    let dir = if n == 1 {
        "/builds/acme/shop".to_string()
    } else {
        format!("/builds/{n}/acme/shop")
    };
    let mut vars = vec![
        ("GITLAB_CI", "true".to_string()),
        ("CI_SERVER_HOST", "gitlab.com".to_string()),
        ("CI_PROJECT_PATH", "acme/shop".to_string()),
        ("CI_PROJECT_URL", "https://gitlab.com/acme/shop".to_string()),
        ("CI_COMMIT_SHA", commit(n)),
        ("CI_PIPELINE_ID", format!("{}", 1_200_000 + n)),
        ("CI_JOB_ID", format!("{}", 7_000_000 + n)),
        ("CI_PROJECT_DIR", dir.clone()),
        ("AWS_REGION", "eu-central-1".to_string()),
    ];
    vars.extend(extra.iter().map(|(k, v)| (*k, v.to_string())));
    Run {
        vars,
        checkout: dir,
    }
}

const CASES: &[Case] = &[
    Case {
        name: "CodePipeline, artifact ARN and s3:// URL, nothing else",
        env: |n| codebuild(n, "app-build", &artifact(n)),
        scope: "codepipeline:app-pipeline",
        stderr: &[
            "is not a branch (an ARN",
            "is not a repository (an S3 URL",
            "scoped to the CodePipeline pipeline \"app-pipeline\" (from CODEBUILD_INITIATOR)",
            "--repo NAME and --branch NAME",
        ],
    },
    Case {
        name: "CodePipeline, repository and branch from the source action's variables",
        env: |n| {
            let mut extra = artifact(n).to_vec();
            extra.push(("ASFF_REPOSITORY", "https://github.com/acme/shop".into()));
            extra.push(("ASFF_BRANCH", "main".into()));
            codebuild(n, "app-build", &extra)
        },
        scope: "github.com/acme/shop@main",
        stderr: &["scope: repository github.com/acme/shop (from ASFF_REPOSITORY), branch main (from ASFF_BRANCH)"],
    },
    Case {
        name: "CodePipeline, CodeCommit full clone",
        env: |n| {
            let mut extra = artifact(n).to_vec();
            extra.retain(|(k, _)| *k != "CODEBUILD_SOURCE_REPO_URL");
            extra.push((
                "CODEBUILD_SOURCE_REPO_URL",
                "https://git-codecommit.us-east-1.amazonaws.com/v1/repos/shop".into(),
            ));
            codebuild(n, "app-build", &extra)
        },
        scope: "git-codecommit.us-east-1.amazonaws.com/v1/repos/shop",
        stderr: &["(from CODEBUILD_SOURCE_REPO_URL)"],
    },
    Case {
        name: "CodeBuild on a commit id",
        env: |n| {
            codebuild(
                n,
                "app-build",
                &[
                    ("CODEBUILD_SOURCE_REPO_URL", "https://github.com/acme/shop.git".into()),
                    ("CODEBUILD_SOURCE_VERSION", commit(n)),
                ],
            )
        },
        scope: "github.com/acme/shop",
        stderr: &["is not a branch (a commit id)"],
    },
    Case {
        name: "CodeBuild webhook, pull request",
        env: |n| {
            codebuild(
                n,
                "app-build",
                &[
                    ("CODEBUILD_SOURCE_REPO_URL", "https://github.com/acme/shop.git".into()),
                    ("CODEBUILD_SOURCE_VERSION", "pr/12".into()),
                    ("CODEBUILD_WEBHOOK_TRIGGER", "pr/12".into()),
                    ("CODEBUILD_WEBHOOK_HEAD_REF", "refs/heads/feature/cart".into()),
                    ("CODEBUILD_WEBHOOK_BASE_REF", "refs/heads/main".into()),
                ],
            )
        },
        scope: "github.com/acme/shop@feature/cart",
        stderr: &["branch feature/cart (from CODEBUILD_WEBHOOK_HEAD_REF)"],
    },
    Case {
        name: "CodeBuild webhook, push",
        env: |n| {
            codebuild(
                n,
                "app-build",
                &[
                    ("CODEBUILD_SOURCE_REPO_URL", "https://github.com/acme/shop.git".into()),
                    ("CODEBUILD_SOURCE_VERSION", commit(n)),
                    ("CODEBUILD_WEBHOOK_TRIGGER", "branch/main".into()),
                    ("CODEBUILD_WEBHOOK_HEAD_REF", "refs/heads/main".into()),
                ],
            )
        },
        scope: "github.com/acme/shop@main",
        stderr: &[],
    },
    Case {
        name: "CodeBuild, S3 source, no pipeline",
        env: |n| {
            codebuild(
                n,
                "nightly-scan",
                &[(
                    "CODEBUILD_SOURCE_REPO_URL",
                    format!("s3://sources-123456789012/shop-{n}.zip"),
                )],
            )
        },
        scope: "codebuild:nightly-scan",
        stderr: &[
            "scoped to the CodeBuild project \"nightly-scan\" (from CODEBUILD_BUILD_ID)",
            "--repo NAME",
        ],
    },
    Case {
        name: "GitHub Actions, push",
        env: |n| {
            github(
                n,
                "/home/runner/work/shop/shop".into(),
                &[
                    ("GITHUB_EVENT_NAME", "push"),
                    ("GITHUB_REF", "refs/heads/main"),
                    ("GITHUB_REF_NAME", "main"),
                    ("GITHUB_REF_TYPE", "branch"),
                ],
            )
        },
        scope: "github.com/acme/shop@main",
        stderr: &["repository github.com/acme/shop (from GITHUB_REPOSITORY), branch main (from GITHUB_REF)"],
    },
    Case {
        name: "GitHub Actions, pull_request",
        env: |n| {
            github(
                n,
                "/home/runner/work/shop/shop".into(),
                &[
                    ("GITHUB_EVENT_NAME", "pull_request"),
                    ("GITHUB_REF", "refs/pull/7/merge"),
                    ("GITHUB_REF_NAME", "7/merge"),
                    ("GITHUB_REF_TYPE", "branch"),
                    ("GITHUB_HEAD_REF", "feature/cart"),
                    ("GITHUB_BASE_REF", "main"),
                ],
            )
        },
        scope: "github.com/acme/shop@feature/cart",
        stderr: &["branch feature/cart (from GITHUB_HEAD_REF)"],
    },
    Case {
        name: "GitHub Actions, self-hosted runners",
        env: |n| {
            github(
                n,
                format!("/opt/actions-runner-{n}/_work/shop/shop"),
                &[
                    ("GITHUB_REF", "refs/heads/main"),
                    ("GITHUB_REF_NAME", "main"),
                    ("GITHUB_REF_TYPE", "branch"),
                ],
            )
        },
        scope: "github.com/acme/shop@main",
        stderr: &[],
    },
    Case {
        name: "GitLab CI, branch pipeline",
        env: |n| {
            gitlab(
                n,
                &[
                    ("CI_COMMIT_REF_NAME", "main"),
                    ("CI_COMMIT_BRANCH", "main"),
                    ("CI_PIPELINE_SOURCE", "push"),
                ],
            )
        },
        scope: "gitlab.com/acme/shop@main",
        stderr: &["(from CI_PROJECT_URL), branch main (from CI_COMMIT_BRANCH)"],
    },
    Case {
        name: "GitLab CI, merge request pipeline",
        env: |n| {
            gitlab(
                n,
                &[
                    ("CI_COMMIT_REF_NAME", "feature/cart"),
                    ("CI_MERGE_REQUEST_IID", "3"),
                    ("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME", "feature/cart"),
                    ("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "main"),
                    ("CI_PIPELINE_SOURCE", "merge_request_event"),
                ],
            )
        },
        scope: "gitlab.com/acme/shop@feature/cart",
        stderr: &["(from CI_MERGE_REQUEST_SOURCE_BRANCH_NAME)"],
    },
];

struct Output {
    findings: Vec<Value>,
    stderr: String,
}

fn convert(report: &str, root: &str, run: &Run) -> Output {
    let text = std::fs::read_to_string(asff_testkit::root().join("testdata").join(report))
        .expect("testdata report");
    assert!(text.contains(root), "{report} holds paths under {root}");
    let text = text.replace(root, &run.checkout);
    let mut c = Command::cargo_bin("asff-convert").expect("binary builds");
    c.env_clear();
    if let Some(path) = std::env::var_os("PATH") {
        c.env("PATH", path);
    }
    // not a git checkout: the scope must come from the environment
    let cwd = tempfile::tempdir().expect("temp dir");
    c.current_dir(cwd.path());
    for (k, v) in &run.vars {
        c.env(k, v);
    }
    let out = c
        .args([
            "--account-id",
            "123456789012",
            "--now",
            "2024-01-01T00:00:00Z",
        ])
        .args(["--emit", "findings"])
        .write_stdin(text)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "{report}: {stderr}");
    let findings = match serde_json::from_slice(&out.stdout).expect("JSON on stdout") {
        Value::Array(v) => v,
        other => panic!("not an array: {other}"),
    };
    assert!(!findings.is_empty(), "{report}");
    Output { findings, stderr }
}

fn strings(fs: &[Value], key: &str) -> Vec<String> {
    fs.iter()
        .map(|f| f[key].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn the_same_report_twice_keeps_its_ids_in_every_pipeline() {
    for case in CASES {
        let (one, two) = ((case.env)(1), (case.env)(2));
        for (report, root) in REPORTS {
            let tool = report.split('/').next().unwrap_or_default();
            let a = convert(report, root, &one);
            let b = convert(report, root, &two);
            let what = format!("{} / {report}", case.name);
            assert_eq!(
                strings(&a.findings, "Id"),
                strings(&b.findings, "Id"),
                "{what}: Ids"
            );
            let generators: BTreeSet<String> =
                strings(&a.findings, "GeneratorId").into_iter().collect();
            assert_eq!(
                generators,
                BTreeSet::from([format!("{tool}/{}", case.scope)]),
                "{what}: GeneratorId"
            );
            assert_eq!(
                strings(&b.findings, "GeneratorId"),
                strings(&a.findings, "GeneratorId"),
                "{what}"
            );
            // nothing of the run in the identity; the run stays as metadata
            for run in [&one, &two] {
                let varying: Vec<&str> = run
                    .vars
                    .iter()
                    .filter(|(k, v)| {
                        [
                            "BUILD_ID",
                            "BUILD_ARN",
                            "RESOLVED_SOURCE_VERSION",
                            "_SHA",
                            "RUN_ID",
                            "PIPELINE_ID",
                            "JOB_ID",
                        ]
                        .iter()
                        .any(|part| k.contains(part))
                            || v.starts_with("arn:")
                            || v.starts_with("s3://")
                    })
                    .map(|(_, v)| v.as_str())
                    .chain([run.checkout.as_str()])
                    .collect();
                for f in &a.findings {
                    let (id, gen) = (
                        f["Id"].as_str().unwrap_or_default(),
                        f["GeneratorId"].as_str().unwrap_or_default(),
                    );
                    for bad in [
                        "arn:",
                        "s3://",
                        "/codebuild/output",
                        "/home/runner",
                        "/builds/",
                    ] {
                        assert!(!gen.contains(bad), "{what}: {gen} holds {bad}");
                        assert!(!id.contains(bad), "{what}: {id} holds {bad}");
                    }
                    for v in &varying {
                        assert!(!gen.contains(v), "{what}: {gen} holds {v}");
                    }
                }
            }
            let meta = &b.findings[0]["ProductFields"];
            assert_eq!(
                meta["asff/CommitId"],
                commit(2),
                "{what}: the commit is metadata"
            );
            assert!(
                meta["asff/BuildId"].as_str().is_some_and(|s| !s.is_empty()),
                "{what}: the build id is metadata"
            );
            for needle in case.stderr {
                assert!(
                    a.stderr.contains(needle),
                    "{what}: {needle:?} not in {}",
                    a.stderr
                );
            }
        }
    }
}

#[test]
fn paths_in_resources_are_relative_to_the_checkout() {
    let run = (CASES[7].env)(1); // GitHub push
    let out = convert(REPORTS[0].0, REPORTS[0].1, &run);
    for f in &out.findings {
        let file = f["ProductFields"]["phpstan/File"]
            .as_str()
            .unwrap_or_default();
        assert!(
            file.starts_with("app/")
                || file.starts_with("tests/")
                || file.starts_with("database/")
                || !file.starts_with('/'),
            "{file}"
        );
        assert!(!f["Description"]
            .as_str()
            .unwrap_or_default()
            .contains("/home/runner"));
        let path = f["Resources"][0]["Details"]["Other"]["Path"]
            .as_str()
            .unwrap_or_default();
        assert_eq!(path, file);
    }
}

#[test]
fn a_codebuild_build_of_a_github_repository_and_a_github_actions_run_share_ids() {
    // the same repository and branch, whichever CI system built it
    let codebuild = convert(REPORTS[0].0, REPORTS[0].1, &(CASES[5].env)(1));
    let actions = convert(REPORTS[0].0, REPORTS[0].1, &(CASES[7].env)(1));
    assert_eq!(
        strings(&codebuild.findings, "Id"),
        strings(&actions.findings, "Id")
    );
}

#[test]
fn without_any_scope_a_code_scanner_report_is_refused_and_an_image_scan_is_not() {
    let dir = tempfile::tempdir().expect("temp dir");
    let run = |report: &str| {
        let mut c = Command::cargo_bin("asff-convert").expect("binary builds");
        c.env_clear();
        c.current_dir(dir.path())
            .args(["--account-id", "123456789012", "--region", "us-east-1"])
            .arg(asff_testkit::root().join("testdata").join(report))
            .output()
            .expect("runs")
    };
    let out = run(REPORTS[0].0);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(out.stdout.is_empty());
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(
        err.starts_with("error: phpstan report: no scope for the findings")
            && err.contains("--repo NAME"),
        "{err}"
    );
    // an image scan's scope is the image: no repository needed
    let out = run("grype/defectdojo-check_all_fields.json");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

//! Finding identity through the Lambda in the pipelines users run, against the moto server:
//! CodePipeline → CodeBuild sends an artifact ARN as the branch and the artifact's S3 URL as the
//! repository, both new on every run, and a new build id and checkout directory. Two such runs
//! of one report must leave the report's findings in Security Hub once.

#![cfg(test)]

mod common;

use std::collections::BTreeSet;

use aws_sdk_securityhub::types::RecordState;
use common::*;
use import_findings::{Failure, Invocation};

const REAL: &str = "phpstan/phpstan-2.1.42-maphapay-backoffice.json";
/// Where the real report was written; each run re-roots it under its own checkout.
const REAL_ROOT: &str = "/Users/Lihle/Development/Coding/maphapay-backoffice";

/// The payload README's CodePipeline buildspec sends in run `n`, with what CodeBuild's
/// environment holds there, and `extra` members.
fn codepipeline_payload(n: u32, extra: &[(&str, &str)]) -> String {
    let checkout = format!("/codebuild/output/src{}/src", 4_000_000 + n * 7919);
    let report = std::fs::read_to_string(asff_testkit::root().join("testdata").join(REAL))
        .expect("the real report")
        .replace(REAL_ROOT, &checkout);
    let artifact = format!(
        "codepipeline-us-east-1-123456789012/app-pipeline/SourceArti/{}",
        ["AbC123x", "Zq9Lm0P", "Q1w2E3r"][n as usize % 3]
    );
    let mut v = serde_json::json!({
        "messageType": "CodeScanReport",
        "reportType": "PHPStan",
        "createdAt": "2024-01-01T00:00:00.000Z",
        "source_repository": format!("s3://{artifact}.zip"),
        "source_branch": format!("arn:aws:s3:::{artifact}"),
        "source_commitid": format!("{n:x}").repeat(40).chars().take(40).collect::<String>(),
        "build_id": format!("app-build:5f8d1c2e-{n:04}-4000-8000-000000000001"),
        "initiator": "codepipeline/app-pipeline",
        "source_root": checkout,
        "report": serde_json::from_str::<serde_json::Value>(&report).expect("JSON"),
    });
    for (k, x) in extra {
        v[*k] = (*x).into();
    }
    v.to_string()
}

fn distinct(ids: impl IntoIterator<Item = String>) -> BTreeSet<String> {
    ids.into_iter().collect()
}

#[tokio::test]
async fn two_codepipeline_runs_of_one_report_hold_its_findings_once() {
    let env = Env::start().await;
    let h = env.handler(env.config(&[]));
    let a = h
        .handle(&codepipeline_payload(1, &[]), &Invocation::now("run-1"))
        .await
        .unwrap_or_else(|f| panic!("run 1: {f}"));
    let b = h
        .handle(&codepipeline_payload(2, &[]), &Invocation::now("run-2"))
        .await
        .unwrap_or_else(|f| panic!("run 2: {f}"));
    assert_eq!(a.findings, 83);
    assert_eq!(
        (b.imported, b.archived),
        (83, 0),
        "run 2 updates, archives nothing"
    );

    let hub = env.findings().await;
    assert_eq!(
        hub.len(),
        83,
        "the report's findings once, not once per run"
    );
    let ids = distinct(hub.iter().filter_map(|f| f.id().map(str::to_string)));
    assert_eq!(ids.len(), 83);
    for f in &hub {
        assert_eq!(f.record_state(), Some(&RecordState::Active));
        assert_eq!(f.generator_id(), Some("phpstan/codepipeline:app-pipeline"));
        let id = f.id().unwrap_or_default();
        for bad in ["arn:", "s3://", "SourceArti", "/codebuild/", "app-build:"] {
            assert!(!id.contains(bad), "{id} holds {bad}");
        }
    }

    // the answer says where the scope came from and how to set it
    let scope = b.scope.as_deref().unwrap_or_default();
    assert!(
        scope.contains("CodePipeline pipeline \"app-pipeline\" (from initiator)"),
        "{scope}"
    );
    let warnings = b.warnings.join("\n");
    for needle in [
        "(from source_repository) is not a repository (an S3 URL",
        "(from source_branch) is not a branch (an ARN",
        "send source_repository and source_branch",
    ] {
        assert!(warnings.contains(needle), "{needle:?} not in {warnings}");
    }
}

#[tokio::test]
async fn pipeline_variables_scope_the_findings_to_the_repository() {
    let env = Env::start().await;
    let h = env.handler(env.config(&[]));
    // #{SourceVariables.FullRepositoryName} and #{SourceVariables.BranchName} on the action
    let vars = [
        ("source_repository", "https://github.com/acme/shop"),
        ("source_branch", "main"),
    ];
    for n in 1..=2 {
        let answer = h
            .handle(
                &codepipeline_payload(n, &vars),
                &Invocation::now(format!("run-{n}")),
            )
            .await
            .unwrap_or_else(|f| panic!("run {n}: {f}"));
        assert_eq!(
            answer.scope.as_deref(),
            Some("repository github.com/acme/shop (from source_repository), branch main (from source_branch)")
        );
        assert!(answer.warnings.is_empty(), "{:?}", answer.warnings);
        assert!(
            answer
                .raw_report
                .as_deref()
                .is_some_and(|r| r.contains("/raw/phpstan/github.com/acme/shop/main/")),
            "{:?}",
            answer.raw_report
        );
    }
    let hub = env.findings().await;
    assert_eq!(hub.len(), 83);
    assert!(hub
        .iter()
        .all(|f| f.generator_id() == Some("phpstan/github.com/acme/shop@main")));
    // the same Ids as a CodeBuild webhook build of that repository would give
    let ctx = asff_core::Context::new(ACCOUNT, REGION)
        .expect("ctx")
        .with_pipeline(asff_core::Pipeline {
            repository: Some("git@github.com:acme/shop.git".into()),
            branch: Some("refs/heads/main".into()),
            source_root: Some(REAL_ROOT.into()),
            ..Default::default()
        });
    let conv = asff_parsers::convert(&asff_testkit::testdata(REAL), Some(tool("phpstan")), &ctx)
        .expect("converts");
    assert_eq!(
        distinct(hub.iter().filter_map(|f| f.id().map(str::to_string))),
        distinct(conv.output.findings.into_iter().map(|f| f.id))
    );
}

#[tokio::test]
async fn a_code_scanner_report_without_any_scope_is_refused_before_importing() {
    let env = Env::start().await;
    let h = env.handler(env.config(&[]));
    let report = asff_testkit::testdata(REAL);
    let payload = serde_json::json!({
        "messageType": "CodeScanReport",
        "reportType": "PHPStan",
        "report": serde_json::from_slice::<serde_json::Value>(&report).expect("JSON"),
    })
    .to_string();
    let f: Failure = h
        .handle(&payload, &Invocation::now("r"))
        .await
        .expect_err("no scope");
    assert_eq!(f.error_type(), "Permanent.NoScope");
    let a = &f.answer;
    assert!(
        a.error
            .as_ref()
            .is_some_and(|e| e.message.contains("source_repository and source_branch")),
        "{a:?}"
    );
    assert_eq!(a.imported, 0);
    assert!(
        a.raw_report.is_some(),
        "the raw report is archived for inspection"
    );
    assert!(env.findings().await.is_empty());
}

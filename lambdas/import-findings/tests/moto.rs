//! The handler against real services: a moto server (S3, Security Hub, STS) started by each
//! test. Everything is asserted through the real API: GetFindings, GetObject, HeadObject.

#![cfg(test)]

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use asff_core::AwsSecurityFinding;
use asff_hub::{AwsError, BatchOutcome, FindingSink, Retry, SecurityHubSink};
use aws_sdk_s3::types::ServerSideEncryption;
use common::*;
use import_findings::{Answer, Failure, Gate, Invocation};

fn inv(id: &str) -> Invocation {
    Invocation::now(id)
}

/// Runs one CodeBuild payload with a real report and checks everything: the answer, the
/// findings in Security Hub, the raw report in S3 with its encryption and metadata.
async fn codebuild_report(report_type: Option<&str>, tool: asff_parsers::Tool, file: &str) {
    let env = Env::start().await;
    let report = asff_testkit::testdata(file);
    let expected = expected_ids(tool, &report);
    assert!(!expected.is_empty(), "{file} should hold findings");
    let h = env.handler(env.config(&[]));
    let answer = h
        .handle(
            &payload(report_type, &report, "app-build:1f2e"),
            &inv("req-1"),
        )
        .await
        .unwrap_or_else(|f| panic!("{file}: {f}"));

    assert_eq!(answer.tool, Some(tool.name()));
    assert_eq!(answer.findings, expected.len(), "{file}");
    assert_eq!(answer.imported, expected.len(), "{file}");
    assert!(answer.failed.is_empty());
    assert_eq!(answer.by_severity.values().sum::<usize>(), expected.len());

    let in_hub = env.findings().await;
    // the answer's counts and gate against what Security Hub holds (FAIL_ON defaults to HIGH)
    let mut hub_labels: std::collections::BTreeMap<&str, usize> =
        answer.by_severity.keys().map(|l| (*l, 0)).collect();
    for f in &in_hub {
        let l = f
            .severity()
            .and_then(|s| s.label())
            .map(|l| l.as_str())
            .unwrap_or("none");
        *hub_labels.entry(l).or_insert(0) += 1;
    }
    assert_eq!(
        hub_labels.iter().map(|(k, v)| (*k, *v)).collect::<Vec<_>>(),
        answer
            .by_severity
            .iter()
            .map(|(k, v)| (*k, *v))
            .collect::<Vec<_>>(),
        "{file}: bySeverity"
    );
    let worst = hub_labels["CRITICAL"] + hub_labels["HIGH"] > 0;
    // a report the parser marks incomplete (a SonarQube key twice: pages from different moments)
    let incomplete = !asff_parsers::convert(&report, Some(tool), &asff_testkit::context())
        .unwrap()
        .output
        .incomplete
        .is_empty();
    assert_eq!(
        answer.gate,
        if worst {
            Gate::Fail
        } else if incomplete {
            Gate::Incomplete
        } else {
            Gate::Pass
        },
        "{file}: FAIL_ON defaults to HIGH"
    );
    assert_eq!(
        sorted_ids(&in_hub),
        expected,
        "{file}: the findings in Security Hub"
    );
    for f in &in_hub {
        assert_eq!(f.aws_account_id(), Some(ACCOUNT), "account from STS");
        assert_eq!(
            f.product_arn(),
            Some(
                format!("arn:aws:securityhub:{REGION}:{ACCOUNT}:product/{ACCOUNT}/default")
                    .as_str()
            )
        );
    }

    let uri = answer.raw_report.as_deref().expect("rawReport");
    let ext = if file.ends_with(".xml") {
        "xml"
    } else {
        "json"
    };
    assert!(
        uri.starts_with(&format!(
            "s3://{BUCKET}/raw/{}/github.com/example/app/main/app-build_1f2e/",
            tool.name()
        )),
        "{uri}"
    );
    let (body, head) = env.object(uri).await;
    // the key names the report by its hash (sent in the payload: no object name)
    let name = asff_hub::archive::report_name(None, &body);
    assert!(uri.ends_with(&format!("Z-{name}.{ext}")), "{uri}");
    // byte for byte (a JSON value is sent without the file's surrounding whitespace)
    let sent: &[u8] = if file.ends_with(".xml") {
        &report
    } else {
        report.trim_ascii()
    };
    assert!(
        body == sent,
        "{file}: the archived report differs from the one sent"
    );
    assert_eq!(
        head.server_side_encryption(),
        Some(&ServerSideEncryption::Aes256)
    );
    let meta = head.metadata().expect("metadata");
    assert_eq!(meta.get("tool").map(String::as_str), Some(tool.name()));
    assert_eq!(
        meta.get("build-id").map(String::as_str),
        Some("app-build:1f2e")
    );
    assert_eq!(meta.get("commit").map(String::as_str), Some(COMMIT));
    assert_eq!(meta.get("branch").map(String::as_str), Some("main"));
    assert_eq!(
        meta.get("repository").map(String::as_str),
        Some("github.com/example/app"),
        "normalised: never credentials from a URL"
    );
    assert_eq!(
        meta.get("created-at").map(String::as_str),
        Some("2024-01-01T00:00:00.000Z")
    );
}

#[tokio::test]
async fn codebuild_owasp_dependency_check_json() {
    codebuild_report(
        Some("OWASP-Dependency-Check"),
        tool("dependency-check"),
        "dependency-check/dc-7.4.4-schemaspy-maven-plugin.json",
    )
    .await;
}

#[tokio::test]
async fn codebuild_owasp_dependency_check_xml_as_a_string() {
    codebuild_report(
        Some("OWASP-Dependency-Check"),
        tool("dependency-check"),
        "dependency-check/defectdojo-multiple_vulnerabilities_has_multiple_findings.xml",
    )
    .await;
}

#[tokio::test]
async fn codebuild_sonar_qube() {
    codebuild_report(
        Some("SONAR-QUBE"),
        tool("sonarqube"),
        "sonarqube/defectdojo-findings_over_api.json",
    )
    .await;
}

#[tokio::test]
async fn codebuild_phpstan() {
    codebuild_report(
        Some("PHPStan"),
        tool("phpstan"),
        "phpstan/phpstan-2.1.42-maphapay-backoffice.json",
    )
    .await;
}

#[tokio::test]
async fn codebuild_owasp_zap_xml_as_a_string() {
    codebuild_report(
        Some("OWASP-Zap"),
        tool("zap"),
        "zap/defectdojo-0_zap_sample.xml",
    )
    .await;
}

#[tokio::test]
async fn codebuild_owasp_zap_json() {
    codebuild_report(
        Some("OWASP-Zap"),
        tool("zap"),
        "zap/zap-2.12.0-traditional-json-bcgov-pipeline-templates.json",
    )
    .await;
}

#[tokio::test]
async fn codebuild_anchore() {
    codebuild_report(
        Some("ANCHORE"),
        tool("anchore"),
        "anchore/defectdojo-engine-many_vulns.json",
    )
    .await;
}

#[tokio::test]
async fn codebuild_snyk() {
    codebuild_report(
        Some("SNYK"),
        tool("snyk"),
        "snyk/defectdojo-single_project_one_vuln.json",
    )
    .await;
}

#[tokio::test]
async fn codebuild_ecr() {
    codebuild_report(
        Some("ECR"),
        tool("ecr"),
        "ecr/ecr-enhanced-aws-apiref-example-repaired.json",
    )
    .await;
}

#[tokio::test]
async fn codebuild_trivy_image() {
    codebuild_report(
        Some("TRIVY"),
        tool("trivy"),
        "trivy/trivy-golden-alpine-310.json",
    )
    .await;
}

#[tokio::test]
async fn codebuild_trivy_misconfigurations_and_secrets() {
    codebuild_report(
        Some("TRIVY"),
        tool("trivy"),
        "trivy/defectdojo-misconfigurations_and_secrets.json",
    )
    .await;
}

#[tokio::test]
async fn codebuild_sarif_codeql() {
    codebuild_report(
        Some("SARIF"),
        tool("sarif"),
        "sarif/defectdojo-codeQL-output.sarif",
    )
    .await;
}

#[tokio::test]
async fn codebuild_sarif_gitleaks_secrets() {
    codebuild_report(
        Some("SARIF"),
        tool("sarif"),
        "sarif/defectdojo-gitleaks_7.5.0.sarif",
    )
    .await;
}

#[tokio::test]
async fn codebuild_our_tool_name_grype() {
    codebuild_report(
        Some("grype"),
        tool("grype"),
        "grype/defectdojo-fix_available.json",
    )
    .await;
}

#[tokio::test]
async fn codebuild_without_report_type_detects_the_format() {
    codebuild_report(
        None,
        tool("dependency-check"),
        "dependency-check/dc-12.1.1-cvssv4.json",
    )
    .await;
}

/// A real PHPStan report made larger by repeating its files under other paths.
fn big_phpstan_report(copies: usize) -> Vec<u8> {
    let real = asff_testkit::testdata("phpstan/phpstan-2.1.42-maphapay-backoffice.json");
    let v: serde_json::Value = serde_json::from_slice(&real).unwrap();
    let files = v["files"].as_object().unwrap();
    let mut out = serde_json::Map::new();
    let mut total = 0;
    for c in 0..copies {
        for (path, entry) in files {
            total += entry["messages"].as_array().unwrap().len();
            out.insert(format!("{path}.copy{c}"), entry.clone());
        }
    }
    let mut big = v.clone();
    big["files"] = serde_json::Value::Object(out);
    big["totals"]["file_errors"] = total.into();
    serde_json::to_vec(&big).unwrap()
}

/// A sink around the real one that records the size of every request.
struct Counting {
    inner: SecurityHubSink,
    sizes: Mutex<Vec<usize>>,
}

impl FindingSink for Counting {
    async fn import(&self, f: &[&AwsSecurityFinding]) -> Result<BatchOutcome, AwsError> {
        self.sizes.lock().unwrap().push(f.len());
        self.inner.import(f).await
    }
}

#[tokio::test]
async fn more_than_100_findings_go_in_requests_of_at_most_100() {
    let env = Env::start().await;
    let report = big_phpstan_report(3);
    let expected = expected_ids(tool("phpstan"), &report);
    assert!(expected.len() > 200, "{}", expected.len());
    let sink = Counting {
        inner: env.real_sink(),
        sizes: Mutex::new(Vec::new()),
    };
    let h = env.handler_with(sink, env.config(&[]));
    let answer = h
        .handle(&payload(Some("PHPStan"), &report, "b:1"), &inv("r"))
        .await
        .unwrap_or_else(|f| panic!("{f}"));
    assert_eq!(answer.imported, expected.len());
    let mut sizes = h.sink.sizes.lock().unwrap().clone();
    sizes.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(sizes.len(), expected.len().div_ceil(100), "{sizes:?}");
    assert!(sizes.iter().all(|&n| n <= 100), "{sizes:?}");
    assert_eq!(sizes.iter().sum::<usize>(), expected.len());
    assert_eq!(sorted_ids(&env.findings().await), expected);
}

#[tokio::test]
async fn the_same_report_twice_makes_no_duplicates() {
    let env = Env::start().await;
    let report = asff_testkit::testdata("dependency-check/dc-7.4.4-schemaspy-maven-plugin.json");
    let expected = expected_ids(tool("dependency-check"), &report);
    let h = env.handler(env.config(&[]));
    let first = h
        .handle(
            &payload(Some("OWASP-Dependency-Check"), &report, "b:1"),
            &inv("r1"),
        )
        .await
        .unwrap();
    let mut later = inv("r2");
    later.now += time::Duration::minutes(5);
    let second = h
        .handle(
            &payload(Some("OWASP-Dependency-Check"), &report, "b:2"),
            &later,
        )
        .await
        .unwrap();
    assert_eq!(first.imported, expected.len());
    assert_eq!(second.imported, expected.len());
    let in_hub = env.findings().await;
    assert_eq!(sorted_ids(&in_hub), expected, "no duplicates");
    assert!(in_hub
        .iter()
        .all(|f| f.updated_at() == Some(&*asff_core::context::format_timestamp(later.now))));
    assert_ne!(first.raw_report, second.raw_report, "each run archived");
    assert_eq!(env.keys("raw/").await.len(), 2);
}

#[tokio::test]
async fn a_report_referenced_by_s3_uri() {
    let env = Env::start().await;
    let report = asff_testkit::testdata("dependency-check/dc-7.4.4-schemaspy-maven-plugin.json");
    let expected = expected_ids(tool("dependency-check"), &report);
    env.upload(
        "incoming/big/report.json",
        &report,
        &[("commit", "from-metadata")],
    )
    .await;
    let event = format!(
        r#"{{"messageType":"CodeScanReport","reportType":"OWASP-Dependency-Check","source_repository":"{REPOSITORY}",
            "source_branch":"main","build_id":"b:9","reportS3Uri":"s3://{BUCKET}/incoming/big/report.json"}}"#
    );
    let h = env.handler(env.config(&[]));
    let answer = h
        .handle(&event, &inv("r"))
        .await
        .unwrap_or_else(|f| panic!("{f}"));
    assert_eq!(answer.imported, expected.len());
    assert_eq!(sorted_ids(&env.findings().await), expected);
    let (body, head) = env.object(answer.raw_report.as_deref().unwrap()).await;
    assert!(body == report, "the archived report is the uploaded one");
    assert_eq!(
        head.server_side_encryption(),
        Some(&ServerSideEncryption::Aes256)
    );
    let meta = head.metadata().unwrap();
    assert_eq!(
        meta["commit"], "from-metadata",
        "metadata fills what the payload leaves out"
    );
    assert_eq!(meta["build-id"], "b:9");
    assert!(meta["source"].contains("reportS3Uri s3://"), "{meta:?}");
}

#[tokio::test]
async fn a_missing_s3_report_is_a_permanent_error() {
    let env = Env::start().await;
    let event =
        format!(r#"{{"reportType":"SNYK","reportS3Uri":"s3://{BUCKET}/incoming/nothing.json"}}"#);
    let h = env.handler(env.config(&[]));
    let f = h.handle(&event, &inv("r")).await.unwrap_err();
    assert_eq!(f.error_type(), "Permanent.AwsCall");
    assert!(f.info().unwrap().message.contains("NoSuchKey"), "{f}");
    assert!(env.findings().await.is_empty());
}

fn notification(key_encoded: &str) -> String {
    notification_of(BUCKET, &[key_encoded])
}

#[tokio::test]
async fn an_s3_notification_with_the_context_in_metadata() {
    let env = Env::start().await;
    let report = asff_testkit::testdata("grype/defectdojo-fix_available.json");
    let expected = expected_ids(tool("grype"), &report);
    env.upload(
        "incoming/auto/scan result.json",
        &report,
        &[
            ("repository", REPOSITORY),
            ("branch", "main"),
            ("commit", COMMIT),
            ("build-id", "img:42"),
        ],
    )
    .await;
    let h = env.handler(env.config(&[]));
    let answer = h
        .handle(&notification("incoming/auto/scan+result.json"), &inv("r"))
        .await
        .unwrap_or_else(|f| panic!("{f}"));
    assert_eq!(answer.tool, Some("grype"), "detected");
    assert_eq!(answer.imported, expected.len());
    assert_eq!(sorted_ids(&env.findings().await), expected);
    let uri = answer.raw_report.unwrap();
    assert!(
        uri.contains("/raw/grype/github.com/example/app/main/img_42/"),
        "{uri}"
    );
    let (body, head) = env.object(&uri).await;
    assert!(body == report, "the archived report is the uploaded one");
    assert!(head.metadata().unwrap()["source"].starts_with("s3-notification s3://"));
}

#[tokio::test]
async fn an_s3_notification_with_the_context_in_the_key() {
    let env = Env::start().await;
    let report = asff_testkit::testdata("dependency-check/dc-7.4.4-schemaspy-maven-plugin.json");
    let expected = expected_ids(tool("dependency-check"), &report);
    let key = "incoming/dependency-check/github.com/example/app/main/build:7/report.json";
    env.upload(key, &report, &[]).await;
    let h = env.handler(env.config(&[]));
    let answer = h
        .handle(
            &notification(
                "incoming/dependency-check/github.com/example/app/main/build%3A7/report.json",
            ),
            &inv("r"),
        )
        .await
        .unwrap_or_else(|f| panic!("{f}"));
    assert_eq!(answer.imported, expected.len());
    assert_eq!(
        sorted_ids(&env.findings().await),
        expected,
        "same Ids as the payload's context"
    );
    assert!(answer
        .raw_report
        .unwrap()
        .contains("/raw/dependency-check/github.com/example/app/main/build_7/"));
}

#[tokio::test]
async fn a_malformed_report_imports_nothing_and_stays_archived() {
    let env = Env::start().await;
    let real = asff_testkit::testdata("dependency-check/dc-7.4.4-schemaspy-maven-plugin.json");
    let truncated = &real[..real.len() / 2];
    // sent as a string: a truncated document is not a JSON value
    let event = payload_as_string(Some("OWASP-Dependency-Check"), truncated, "b:1");
    let h = env.handler(env.config(&[]));
    let f: Failure = h.handle(&event, &inv("r")).await.unwrap_err();
    assert_eq!(f.error_type(), "Permanent.MalformedReport");
    let info = f.info().unwrap();
    assert_eq!(info.kind, Retry::Permanent);
    assert!(
        info.message.contains("dependency-check report"),
        "{}",
        info.message
    );
    assert_eq!(f.answer.imported, 0);
    assert!(env.findings().await.is_empty(), "nothing imported");
    let uri = f.answer.raw_report.clone().expect("archived");
    let (body, _) = env.object(&uri).await;
    assert!(body == truncated, "the raw report stays for inspection");
    // the function error carries the answer
    let d = lambda_runtime::Diagnostic::from(f);
    let v: serde_json::Value = serde_json::from_str(&d.error_message).unwrap();
    assert_eq!(v["rawReport"], uri.as_str());
    assert_eq!(v["imported"], 0);
}

#[tokio::test]
async fn an_unknown_format_is_archived_and_refused() {
    let env = Env::start().await;
    let h = env.handler(env.config(&[]));
    let f = h
        .handle(&payload(None, br#"{"hello":"world"}"#, "b:1"), &inv("r"))
        .await
        .unwrap_err();
    assert_eq!(f.error_type(), "Permanent.UnknownFormat");
    assert!(f
        .answer
        .raw_report
        .as_deref()
        .unwrap()
        .contains("/raw/unknown/"));
    let f = h
        .handle(
            &payload(Some("NESSUS"), br#"{"hello":"world"}"#, "b:1"),
            &inv("r"),
        )
        .await
        .unwrap_err();
    assert_eq!(f.error_type(), "Permanent.UnknownReportType");
    assert_eq!(env.keys("raw/unknown/").await.len(), 2);
    assert!(env.findings().await.is_empty());
}

#[tokio::test]
async fn s3_unreachable_fails_and_imports_nothing() {
    let env = Env::start().await;
    let config = env.config(&[]);
    let dead = sdk(&format!("http://127.0.0.1:{}", closed_port())).await;
    let h = import_findings::Handler::new(
        asff_hub::S3Archive::new(asff_hub::aws::s3_client(&dead), BUCKET, None),
        env.real_sink(),
        asff_hub::StsAccount::new(asff_hub::aws::sts_client(&env.sdk)),
        env.real_state(&config),
        config,
    );
    let report = asff_testkit::testdata("dependency-check/dc-7.4.4-schemaspy-maven-plugin.json");
    let f = h
        .handle(
            &payload(Some("OWASP-Dependency-Check"), &report, "b:1"),
            &inv("r"),
        )
        .await
        .unwrap_err();
    assert_eq!(f.error_type(), "Transient.AwsCall");
    assert!(f.info().unwrap().message.contains("S3.PutObject"), "{f}");
    assert_eq!(f.answer.raw_report, None);
    assert_eq!(f.answer.imported, 0);
    assert!(env.findings().await.is_empty(), "nothing imported");
}

/// A sink around the real one that empties `Resources` of every third finding, which Security
/// Hub (moto) rejects with InvalidInput.
struct Mangling {
    inner: SecurityHubSink,
    mangled: Mutex<Vec<String>>,
    n: AtomicUsize,
}

impl FindingSink for Mangling {
    async fn import(&self, fs: &[&AwsSecurityFinding]) -> Result<BatchOutcome, AwsError> {
        let mut owned: Vec<AwsSecurityFinding> = Vec::new();
        for f in fs {
            let mut f = (*f).clone();
            if self.n.fetch_add(1, Ordering::SeqCst).is_multiple_of(3) {
                f.resources.clear();
                self.mangled.lock().unwrap().push(f.id.clone());
            }
            owned.push(f);
        }
        let refs: Vec<&AwsSecurityFinding> = owned.iter().collect();
        self.inner.import(&refs).await
    }
}

#[tokio::test]
async fn findings_security_hub_rejects_are_in_the_answer_and_the_function_error() {
    let env = Env::start().await;
    let report = big_phpstan_report(2);
    let expected = expected_ids(tool("phpstan"), &report);
    let sink = Mangling {
        inner: env.real_sink(),
        mangled: Mutex::new(Vec::new()),
        n: AtomicUsize::new(0),
    };
    let h = env.handler_with(sink, env.config(&[]));
    let f = h
        .handle(&payload(Some("PHPStan"), &report, "b:1"), &inv("r"))
        .await
        .unwrap_err();
    assert_eq!(f.error_type(), "Permanent.ImportIncomplete");
    let mut mangled = h.sink.mangled.lock().unwrap().clone();
    mangled.sort();
    assert!(!mangled.is_empty());
    let answer: &Answer = &f.answer;
    let mut failed: Vec<String> = answer.failed.iter().map(|x| x.id.clone()).collect();
    failed.sort();
    assert_eq!(failed, mangled, "every rejected finding is reported");
    assert!(answer
        .failed
        .iter()
        .all(|x| x.error_code == "InvalidInput" && !x.error_message.is_empty()));
    assert_eq!(
        answer.imported + answer.failed.len(),
        expected.len(),
        "none lost"
    );
    let in_hub = sorted_ids(&env.findings().await);
    assert_eq!(in_hub.len(), answer.imported);
    assert!(in_hub.iter().all(|id| !mangled.contains(id)));
    let d = lambda_runtime::Diagnostic::from(f);
    let v: serde_json::Value = serde_json::from_str(&d.error_message).unwrap();
    assert_eq!(v["failed"].as_array().unwrap().len(), mangled.len());
    assert_eq!(v["failed"][0]["ErrorCode"], "InvalidInput");
}

#[tokio::test]
async fn sse_kms_when_a_key_is_configured_and_the_gate_threshold() {
    let env = Env::start().await;
    let key = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555";
    let h = env.handler(env.config(&[("REPORT_KMS_KEY_ID", key), ("FAIL_ON", "NONE")]));
    let report = asff_testkit::testdata("dependency-check/dc-7.4.4-schemaspy-maven-plugin.json");
    let answer = h
        .handle(
            &payload(Some("OWASP-Dependency-Check"), &report, "b:1"),
            &inv("r"),
        )
        .await
        .unwrap_or_else(|f| panic!("{f}"));
    assert_eq!(answer.gate, Gate::Pass, "FAIL_ON=NONE never fails");
    let (_, head) = env.object(answer.raw_report.as_deref().unwrap()).await;
    assert_eq!(
        head.server_side_encryption(),
        Some(&ServerSideEncryption::AwsKms)
    );
    assert_eq!(head.ssekms_key_id(), Some(key));
}

#[tokio::test]
async fn an_invalid_payload_is_a_permanent_error() {
    let env = Env::start().await;
    let h = env.handler(env.config(&[]));
    let f = h
        .handle(r#"{"reportType":"SNYK"}"#, &inv("r"))
        .await
        .unwrap_err();
    assert_eq!(f.error_type(), "Permanent.InvalidPayload");
    assert!(env.keys("raw/").await.is_empty());
}

#[tokio::test]
async fn a_scan_that_did_not_complete_gives_gate_incomplete() {
    // a real ECR report with its scan status changed to FAILED (asff-convert's exit code 3)
    let mut v: serde_json::Value = serde_json::from_slice(&asff_testkit::testdata(
        "ecr/ecr-basic-awscli-v1-example-epoch-timestamps.json",
    ))
    .unwrap();
    v["imageScanStatus"]["status"] = serde_json::Value::from("FAILED");
    let report = serde_json::to_vec(&v).unwrap();
    let env = Env::start().await;
    let answer = env
        .handler(env.config(&[("FAIL_ON", "CRITICAL")]))
        .handle(&payload(Some("ECR"), &report, "b:1"), &inv("r1"))
        .await
        .unwrap_or_else(|f| panic!("{f}"));
    assert_eq!(answer.gate, Gate::Incomplete);
    assert!(
        answer.findings > 0 && answer.imported == answer.findings,
        "still imported"
    );
    assert!(
        answer.warnings.iter().any(|w| w.contains("FAILED")),
        "{:?}",
        answer.warnings
    );
    let json: serde_json::Value = serde_json::from_str(&answer.to_json()).unwrap();
    assert_eq!(json["gate"], "incomplete");
    // the gate wins over it
    let answer = env
        .handler(env.config(&[("FAIL_ON", "INFORMATIONAL")]))
        .handle(&payload(Some("ECR"), &report, "b:2"), &inv("r2"))
        .await
        .unwrap_or_else(|f| panic!("{f}"));
    assert_eq!(answer.gate, Gate::Fail);
    // ALLOW_INCOMPLETE lets it pass
    let answer = env
        .handler(env.config(&[("FAIL_ON", "CRITICAL"), ("ALLOW_INCOMPLETE", "true")]))
        .handle(&payload(Some("ECR"), &report, "b:3"), &inv("r3"))
        .await
        .unwrap_or_else(|f| panic!("{f}"));
    assert_eq!(answer.gate, Gate::Pass);
}

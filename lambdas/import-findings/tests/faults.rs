//! The handler under faults and hostile callers: moto behind a fault-injecting proxy
//! ([`asff_testkit::proxy`]) that answers 403/500, delays, drops connections or rewrites
//! answers, all on loopback. Everything is asserted through moto's real API.

#![cfg(test)]

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use asff_testkit::proxy::{Fault, FaultProxy, Rule};
use common::*;
use import_findings::answer::{MAX_ANSWER_BYTES, MAX_FAILED};
use import_findings::Invocation;
use time::OffsetDateTime;

const REAL: &str = "phpstan/phpstan-2.1.42-maphapay-backoffice.json";

fn inv_at(id: &str, now: OffsetDateTime) -> Invocation {
    Invocation {
        request_id: id.into(),
        deadline: None,
        now,
    }
}

/// The real PHPStan report with its files repeated `times` times under other paths: a real
/// shape with many findings.
fn many_findings(times: usize) -> Vec<u8> {
    let real: serde_json::Value =
        serde_json::from_slice(&asff_testkit::testdata(REAL)).expect("the real report");
    let mut files = serde_json::Map::new();
    for i in 0..times {
        for (path, f) in real["files"].as_object().expect("files") {
            files.insert(format!("{path}.copy{i}"), f.clone());
        }
    }
    let n: usize = files
        .values()
        .map(|f| f["messages"].as_array().map_or(0, Vec::len))
        .sum();
    serde_json::json!({
        "totals": {"errors": 0, "file_errors": n},
        "files": files,
        "errors": []
    })
    .to_string()
    .into_bytes()
}

/// BatchImportFindings' answer rewritten: `f(ids sent, answer)`.
fn rewrite_import(
    f: impl Fn(Vec<String>, serde_json::Value) -> serde_json::Value + Send + Sync + 'static,
) -> Rule {
    Rule::new("POST", "/findings/import").fault(Fault::rewrite(move |req, answer| {
        let req: serde_json::Value = serde_json::from_slice(req).expect("a request");
        let ids = req["Findings"]
            .as_array()
            .expect("Findings")
            .iter()
            .map(|f| f["Id"].as_str().expect("Id").to_string())
            .collect();
        let answer: serde_json::Value = serde_json::from_slice(answer).expect("an answer");
        f(ids, answer).to_string().into_bytes()
    }))
}

/// Each finding's UpdatedAt and FirstObservedAt in Security Hub.
async fn times(env: &Env) -> BTreeMap<String, (Option<String>, Option<String>)> {
    env.findings()
        .await
        .iter()
        .map(|f| {
            let t = |v: Option<&str>| v.map(str::to_string);
            (
                f.id().unwrap().to_string(),
                (t(f.updated_at()), t(f.first_observed_at())),
            )
        })
        .collect()
}

/// Item 2: a 403 on reading a scope's existing state (kms:Decrypt missing, say) stops the run
/// before anything is imported, so first-seen times are not reset.
#[tokio::test]
async fn a_refused_state_read_stops_the_run_before_anything_is_imported() {
    let env = Env::start().await;
    let proxy = FaultProxy::start(&env.moto.endpoint);
    let h = env.handler_via(&proxy.endpoint, env.config(&[])).await;
    let report = asff_testkit::testdata(REAL);
    let t1 = OffsetDateTime::now_utc() - time::Duration::hours(2);
    let first = h
        .handle(&payload(Some("PHPStan"), &report, "b:1"), &inv_at("r1", t1))
        .await
        .expect("the first run");
    assert!(first.imported > 0);
    let before = times(&env).await;

    proxy.add(Rule::new("GET", "/state/").fault(Fault::status(403, "AccessDenied")));
    proxy.forget();
    let f = h
        .handle(
            &payload(Some("PHPStan"), &report, "b:2"),
            &inv_at("r2", OffsetDateTime::now_utc()),
        )
        .await
        .expect_err("an unreadable state fails the run");
    assert_eq!(f.error_type(), "Permanent.StateUnreadable", "{f}");
    assert_eq!(f.answer.imported, 0);
    let msg = &f.info().unwrap().message;
    assert!(
        msg.contains("nothing imported") && msg.contains("kms:Decrypt"),
        "{msg}"
    );
    let after = times(&env).await;
    assert_eq!(before, after, "nothing was imported again");
    let imports = proxy
        .seen()
        .into_iter()
        .filter(|s| s.path.contains("/findings/import"))
        .count();
    assert_eq!(imports, 0, "no BatchImportFindings call");
}

/// Item 3: a SuccessCount short of the batch without FailedFindings: the findings not
/// confirmed are sent again, and listed as failed when it never adds up.
#[tokio::test]
async fn findings_security_hub_does_not_confirm_are_failed() {
    let env = Env::start().await;
    let proxy = FaultProxy::start(&env.moto.endpoint);
    let report = many_findings(5);
    let expected = expected_ids(tool("phpstan"), &report);
    assert!(expected.len() > 400, "{}", expected.len());
    let mut h = env
        .handler_via(&proxy.endpoint, env.config(&[("LIFECYCLE", "off")]))
        .await;
    h.import_options.max_attempts = 2;
    h.import_options.backoff = asff_hub::Backoff {
        base: Duration::from_millis(10),
        cap: Duration::from_millis(20),
    };
    let short = |_: Vec<String>, mut a: serde_json::Value| {
        let n = a["SuccessCount"].as_u64().unwrap();
        a["SuccessCount"] = n.saturating_sub(12).into();
        a
    };

    // once: the retry confirms them
    proxy.add(rewrite_import(short).times(1));
    let a = h
        .handle(
            &payload(Some("PHPStan"), &report, "b:1"),
            &Invocation::now("r1"),
        )
        .await
        .expect("the retry adds up");
    assert_eq!(a.imported, expected.len());
    assert_eq!(a.failed_count, 0);

    // always: every finding not confirmed is failed, the run fails
    proxy.clear();
    proxy.add(rewrite_import(short));
    let f = h
        .handle(
            &payload(Some("PHPStan"), &report, "b:2"),
            &Invocation::now("r2"),
        )
        .await
        .expect_err("unconfirmed findings fail the run");
    let a = &f.answer;
    assert_eq!(a.imported, 0, "no finding is confirmed");
    assert_eq!(
        a.imported + a.failed_count,
        expected.len(),
        "all accounted for"
    );
    assert!(a.failed.iter().all(|x| x.error_code == "Unconfirmed"));
    assert_eq!(f.error_type(), "Transient.ImportIncomplete", "{f}");
    // the full list beside the raw report
    let (body, _) = env.object(a.failed_report.as_deref().unwrap()).await;
    let listed: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(listed["failedCount"], expected.len());
}

/// Item 4: thousands of findings rejected: the answer lists 100 with the count, the full list
/// goes to S3 beside the raw report, and the answer (and the function error) stays small.
#[tokio::test]
async fn thousands_of_rejected_findings_keep_the_answer_small() {
    let env = Env::start().await;
    let proxy = FaultProxy::start(&env.moto.endpoint);
    let report = many_findings(31);
    let expected = expected_ids(tool("phpstan"), &report);
    assert!(expected.len() > 2500, "{}", expected.len());
    proxy.add(rewrite_import(|ids, _| {
        let failed: Vec<serde_json::Value> = ids
            .iter()
            .map(|id| {
                serde_json::json!({"Id": id, "ErrorCode": "InvalidInput",
                    "ErrorMessage": format!("Finding {id} is not valid: {}", "x".repeat(600))})
            })
            .collect();
        serde_json::json!({"FailedCount": ids.len(), "SuccessCount": 0, "FailedFindings": failed})
    }));
    let h = env.handler_via(&proxy.endpoint, env.config(&[])).await;
    let f = h
        .handle(
            &payload(Some("PHPStan"), &report, "b:1"),
            &Invocation::now("r1"),
        )
        .await
        .expect_err("rejected findings fail the run");
    let a = &f.answer;
    assert_eq!(f.error_type(), "Permanent.ImportIncomplete", "{f}");
    assert_eq!(a.failed_count, expected.len());
    assert_eq!(a.failed.len(), MAX_FAILED);
    assert!(a
        .failed
        .iter()
        .all(|x| x.error_message.chars().count() <= 512));
    let raw = a.raw_report.as_deref().unwrap();
    let listed_at = a.failed_report.as_deref().unwrap();
    assert_eq!(
        listed_at,
        format!("{}.failed.json", raw.strip_suffix(".json").unwrap())
    );
    let (body, head) = env.object(listed_at).await;
    assert_eq!(
        head.server_side_encryption().map(|s| s.as_str()),
        Some("AES256")
    );
    let listed: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(listed["failedCount"], expected.len());
    assert_eq!(listed["rawReport"], raw);
    let mut ids: Vec<String> = listed["failed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["Id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    assert_eq!(ids, expected, "every failed finding listed in S3");
    let json = f.answer.to_json();
    assert!(json.len() <= MAX_ANSWER_BYTES, "{} bytes", json.len());
    let d = lambda_runtime::Diagnostic::from(f);
    assert!(d.error_message.len() <= MAX_ANSWER_BYTES);
    let v: serde_json::Value = serde_json::from_str(&d.error_message).unwrap();
    assert_eq!(v["failedCount"], expected.len());
}

/// Item 5: a call that hangs past the invocation's deadline is cut off; the function answers
/// `Transient.DeadlineExceeded` in time, with what was done.
#[tokio::test]
async fn a_hanging_call_is_cut_off_at_the_deadline() {
    for (method, path, done) in [
        ("GET", "/state/", "archived, nothing imported"),
        ("PUT", "/raw/", "nothing archived"),
        ("POST", "/findings/import", "archived"),
    ] {
        let env = Env::start().await;
        let proxy = FaultProxy::start(&env.moto.endpoint);
        proxy.add(Rule::new(method, path).fault(Fault::Delay(Duration::from_secs(14))));
        let h = env.handler_via(&proxy.endpoint, env.config(&[])).await;
        let report = asff_testkit::testdata(REAL);
        let started = tokio::time::Instant::now();
        let inv = Invocation {
            deadline: Some(started + Duration::from_secs(3)),
            ..Invocation::now("r1")
        };
        let f = h
            .handle(&payload(Some("PHPStan"), &report, "b:1"), &inv)
            .await
            .expect_err("the deadline passes");
        let took = started.elapsed();
        assert!(
            took < Duration::from_secs(5),
            "{method} {path}: answered after {took:?}"
        );
        assert_eq!(
            f.error_type(),
            "Transient.DeadlineExceeded",
            "{method} {path}: {f}"
        );
        assert_eq!(f.answer.imported, 0, "{method} {path}");
        assert_eq!(
            f.answer.raw_report.is_some(),
            done.starts_with("archived"),
            "{method} {path}: {done}"
        );
        if path == "/findings/import" {
            // every finding not confirmed is failed, and their list is written in the grace
            assert_eq!(f.answer.failed_count, f.answer.findings);
            assert!(f.answer.failed_report.is_some());
        }
    }
}

/// Item 6: two reports of one build in one notification are archived under keys of their own.
#[tokio::test]
async fn two_reports_of_one_build_are_archived_apart() {
    let env = Env::start().await;
    let base = "incoming/zap/github.com/example/app/main/b1";
    for (name, file) in [
        (
            "zap-api.json",
            "zap/zap-2.12.0-traditional-json-bcgov-pipeline-templates.json",
        ),
        (
            "zap-web.json",
            "zap/zap-2.9.0-traditional-json-securecodebox-example.com.json",
        ),
    ] {
        env.upload(
            &format!("{base}/{name}"),
            &asff_testkit::testdata(file),
            &[],
        )
        .await;
    }
    let h = env.handler(env.config(&[]));
    let a = h
        .handle(
            &notification_of(
                BUCKET,
                &[
                    &format!("{base}/zap-api.json"),
                    &format!("{base}/zap-web.json"),
                ],
            ),
            &Invocation::now("r1"),
        )
        .await
        .expect("both reports");
    assert_eq!(a.raw_reports.len(), 2, "{:?}", a.raw_reports);
    assert_ne!(a.raw_reports[0], a.raw_reports[1]);
    assert!(a.raw_reports[0].contains("-zap-api-") && a.raw_reports[1].contains("-zap-web-"));
    let keys = env.keys("raw/zap/github.com/example/app/main/b1/").await;
    assert_eq!(keys.len(), 2, "{keys:?}");
}

/// Item 7: objects outside the function's input are refused before any S3 call.
#[tokio::test]
async fn inputs_outside_the_input_prefix_are_refused_before_any_call() {
    let env = Env::start().await;
    let report = asff_testkit::testdata(REAL);
    env.upload("elsewhere/phpstan/report.json", &report, &[])
        .await;
    let proxy = FaultProxy::start(&env.moto.endpoint);
    let h = env.handler_via(&proxy.endpoint, env.config(&[])).await;
    let cases = [
        notification_of(BUCKET, &["elsewhere/phpstan/report.json"]),
        r#"{"reportType":"PHPStan","reportS3Uri":"s3://other-bucket/incoming/report.json"}"#
            .to_string(),
        format!(
            r#"{{"reportType":"PHPStan","reportS3Uri":"s3://{BUCKET}/elsewhere/phpstan/report.json"}}"#
        ),
        format!(
            r#"{{"reportType":"PHPStan","reportS3Uri":"s3://{BUCKET}/incoming/../elsewhere/phpstan/report.json"}}"#
        ),
    ];
    for event in &cases {
        proxy.forget();
        let f = h
            .handle(event, &Invocation::now("r"))
            .await
            .expect_err("refused");
        assert_eq!(
            f.error_type(),
            "Permanent.OutsideInputPrefix",
            "{event}: {f}"
        );
        assert!(f.info().unwrap().message.contains("INPUT_PREFIX"), "{f}");
        assert!(f.answer.raw_report.is_none());
        let s3: Vec<_> = proxy
            .seen()
            .into_iter()
            .filter(|s| s.path.contains(BUCKET) || s.path.contains("other-bucket"))
            .collect();
        assert!(s3.is_empty(), "{event}: S3 was called: {s3:?}");
    }
    assert!(env.keys("raw/").await.is_empty(), "nothing archived");
}

/// Item 8: a notification of several reports names each failing object, and a transient
/// failure of one is not reported as permanent because another failed for good first.
#[tokio::test]
async fn several_records_name_their_failures_and_transient_wins() {
    let env = Env::start().await;
    let report = asff_testkit::testdata(REAL);
    let good = "incoming/phpstan/github.com/example/app/main/b1/a.json";
    let flaky = "incoming/phpstan/github.com/example/app/main/b1/b.json";
    env.upload(good, &report, &[]).await;
    env.upload(flaky, &report, &[]).await;
    let proxy = FaultProxy::start(&env.moto.endpoint);
    proxy.add(Rule::new("GET", "/b1/b.json").fault(Fault::status(503, "SlowDown")));
    let h = env.handler_via(&proxy.endpoint, env.config(&[])).await;
    let f = h
        .handle(
            &notification_of(BUCKET, &["elsewhere/x.json", good, flaky]),
            &Invocation::now("r1"),
        )
        .await
        .expect_err("two of three fail");
    assert_eq!(f.error_type(), "Transient.AwsCall", "{f}");
    let a = &f.answer;
    assert!(a.imported > 0, "the good report was imported");
    let named: Vec<(&str, Option<&str>)> = a
        .errors
        .iter()
        .map(|e| (e.error_type, e.report.as_deref()))
        .collect();
    assert_eq!(
        named,
        [
            (
                "OutsideInputPrefix",
                Some(format!("s3://{BUCKET}/elsewhere/x.json").as_str())
            ),
            ("AwsCall", Some(format!("s3://{BUCKET}/{flaky}").as_str())),
        ]
    );
    assert_eq!(
        a.error.as_ref().unwrap().report.as_deref(),
        Some(format!("s3://{BUCKET}/{flaky}").as_str())
    );
}

/// Item 8: control characters in a report's names (an image scan's artifact, say) never
/// reach a GeneratorId or resource Id; a context value with them is refused as a scope.
#[tokio::test]
async fn control_characters_never_reach_identifiers() {
    let env = Env::start().await;
    let mut report: serde_json::Value = serde_json::from_slice(&asff_testkit::testdata(
        "trivy/trivy-golden-alpine-310.json",
    ))
    .unwrap();
    report["ArtifactName"] = "registry.example/al\u{1b}[31mpine\u{7}:3.10".into();
    if let Some(m) = report.get_mut("Metadata") {
        m["RepoTags"] = serde_json::json!(["registry.example/al\u{1b}[31mpine\u{7}:3.10"]);
        m["RepoDigests"] = serde_json::json!([]);
    }
    let p = payload(Some("trivy"), report.to_string().as_bytes(), "app:1");
    let h = env.handler(env.config(&[]));
    let a = h
        .handle(&p, &Invocation::now("r1"))
        .await
        .expect("imported");
    assert!(a.imported > 0);
    let mut escaped = 0;
    for f in env.findings().await {
        let g = f.generator_id().unwrap();
        assert!(!g.chars().any(char::is_control), "{g:?}");
        escaped += usize::from(g.contains("al%1B[31mpine%07"));
        for r in f.resources() {
            let id = r.id().unwrap();
            assert!(!id.chars().any(char::is_control), "{id:?}");
        }
        assert!(!f.id().unwrap().chars().any(char::is_control));
    }
    assert_eq!(escaped, a.imported, "the image scope, escaped");
}

/// Issue 17: without the lifecycle, findings are imported while the report is converted (read
/// whole first, so that a malformed report still imports nothing), in ceil(N/100) requests.
#[tokio::test]
async fn without_the_lifecycle_findings_are_imported_while_converting() {
    let env = Env::start().await;
    let proxy = FaultProxy::start(&env.moto.endpoint);
    let report = many_findings(31);
    let expected = expected_ids(tool("phpstan"), &report);
    let h = env
        .handler_via(&proxy.endpoint, env.config(&[("LIFECYCLE", "off")]))
        .await;
    let a = h
        .handle(
            &payload(Some("PHPStan"), &report, "b:1"),
            &Invocation::now("r1"),
        )
        .await
        .expect("imported");
    assert_eq!((a.imported, a.findings), (expected.len(), expected.len()));
    assert_eq!(a.lifecycle, Some("off"));
    assert_eq!(a.by_severity.values().sum::<usize>(), expected.len());
    let calls = proxy
        .seen()
        .iter()
        .filter(|s| s.path.contains("/findings/import"))
        .count();
    assert_eq!(calls, expected.len().div_ceil(100));
    assert_eq!(sorted_ids(&env.findings().await), expected);

    // the same report cut short: nothing imported, though its first findings converted
    proxy.forget();
    let cut = &report[..report.len() * 2 / 3];
    let f = h
        .handle(
            &payload_as_string(Some("PHPStan"), cut, "b:2"),
            &Invocation::now("r2"),
        )
        .await
        .expect_err("malformed");
    assert_eq!(f.error_type(), "Permanent.MalformedReport");
    assert_eq!(f.answer.imported, 0);
    assert!(!proxy
        .seen()
        .iter()
        .any(|s| s.path.contains("/findings/import")));
}

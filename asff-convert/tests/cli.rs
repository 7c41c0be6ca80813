//! The CLI contract, exercised on the built binary with real reports from testdata/.

#![cfg(test)]

use std::collections::HashSet;

use assert_cmd::Command;
use serde_json::Value;

const DC: &str = "dependency-check/dc-7.4.4-schemaspy-maven-plugin.json";

fn testdata(p: &str) -> String {
    asff_testkit::root()
        .join("testdata")
        .join(p)
        .to_string_lossy()
        .into_owned()
}

fn cmd() -> Command {
    let mut c = Command::cargo_bin("asff-convert").expect("binary builds");
    // a clean environment: no CI (CodeBuild, GitHub, GitLab) or AWS variables leak in from
    // the machine
    c.env_clear();
    if let Some(path) = std::env::var_os("PATH") {
        c.env("PATH", path);
    }
    c
}

fn base() -> Command {
    base_at("2024-01-01T00:00:00Z")
}

/// The fixed context of these tests, with the clock at `now`.
fn base_at(now: &str) -> Command {
    let mut c = cmd();
    c.args([
        "--account-id",
        "123456789012",
        "--region",
        "eu-west-1",
        "--repo",
        "https://github.com/example/app.git",
        "--branch",
        "main",
        "--now",
        now,
    ]);
    c
}

fn findings(stdout: &[u8]) -> Vec<Value> {
    match serde_json::from_slice::<Value>(stdout).expect("stdout is JSON") {
        Value::Array(v) => v,
        other => panic!("not an array: {other}"),
    }
}

fn label(f: &Value) -> &str {
    f["Severity"]["Label"].as_str().unwrap_or("")
}

#[test]
fn converts_a_real_report_to_valid_findings() {
    let out = base().arg(testdata(DC)).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let fs = findings(&out.stdout);
    assert!(!fs.is_empty());
    let mut ids = HashSet::new();
    for f in &fs {
        let errors = asff_testkit::schema_errors(f);
        assert!(errors.is_empty(), "{errors:?}");
        assert!(ids.insert(f["Id"].as_str().unwrap().to_string()));
        assert_eq!(f["AwsAccountId"], "123456789012");
        assert_eq!(
            f["ProductArn"],
            "arn:aws:securityhub:eu-west-1:123456789012:product/123456789012/default"
        );
        assert_eq!(f["CreatedAt"], "2024-01-01T00:00:00.000Z");
    }
    // the summary goes to stderr, not stdout
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("dependency-check:") && err.contains("findings"),
        "{err}"
    );
}

#[test]
fn stdin_and_detection() {
    let report = std::fs::read(testdata(DC)).unwrap();
    let out = base()
        .arg("-")
        .write_stdin(report.clone())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let from_file = base().arg(testdata(DC)).output().unwrap();
    assert_eq!(out.stdout, from_file.stdout);
    // and without an input argument at all
    let out = base().write_stdin(report).output().unwrap();
    assert_eq!(out.stdout, from_file.stdout);
}

#[test]
fn ids_do_not_depend_on_build_id_or_clock() {
    let a = base()
        .args(["--build-id", "b:1"])
        .arg(testdata(DC))
        .output()
        .unwrap();
    let mut c = cmd();
    c.args([
        "--account-id",
        "123456789012",
        "--region",
        "eu-west-1",
        "--repo",
        "git@github.com:example/app.git",
        "--branch",
        "main",
        "--build-id",
        "b:2",
        "--now",
        "2030-05-05T05:05:05Z",
    ]);
    let b = c.arg(testdata(DC)).output().unwrap();
    let ids = |o: &[u8]| -> Vec<String> {
        findings(o)
            .iter()
            .map(|f| f["Id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(ids(&a.stdout), ids(&b.stdout));
    assert_ne!(a.stdout, b.stdout, "timestamps and build ids do differ");
}

#[test]
fn batches_are_request_sized_lines() {
    let all = findings(&base().arg(testdata(DC)).output().unwrap().stdout);
    let out = base()
        .args(["--emit", "batches"])
        .arg(testdata(DC))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let mut n = 0;
    for line in text.lines() {
        assert!(line.len() <= 6_000_000);
        let v: Value = serde_json::from_str(line).unwrap();
        let batch = v["Findings"].as_array().unwrap();
        assert!(!batch.is_empty() && batch.len() <= 100);
        n += batch.len();
    }
    assert_eq!(n, all.len());
}

#[test]
fn summary_is_a_table_on_stdout() {
    let out = base()
        .args(["--emit", "summary"])
        .arg(testdata(DC))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    for l in [
        "CRITICAL",
        "HIGH",
        "MEDIUM",
        "LOW",
        "INFORMATIONAL",
        "SEVERITY",
    ] {
        assert!(text.contains(l), "{text}");
    }
    assert!(serde_json::from_str::<Value>(&text).is_err(), "not JSON");
}

#[test]
fn gate_and_min_severity() {
    let all = findings(&base().arg(testdata(DC)).output().unwrap().stdout);
    let highest = all
        .iter()
        .map(label)
        .max_by_key(|l| rank(l))
        .unwrap()
        .to_string();
    // a gate at the highest label present trips
    let out = base()
        .args(["--fail-on", &highest])
        .arg(testdata(DC))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        findings(&out.stdout).len(),
        all.len(),
        "data is still written"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("FAIL"));
    // a gate above the highest label present passes: the real PHPStan report is all LOW
    let phpstan = testdata("phpstan/phpstan-2.1.42-maphapay-backoffice.json");
    let labels: HashSet<String> = findings(&base().arg(&phpstan).output().unwrap().stdout)
        .iter()
        .map(|f| label(f).to_string())
        .collect();
    assert_eq!(labels, HashSet::from(["LOW".to_string()]));
    let out = base()
        .args(["--fail-on", "medium"])
        .arg(&phpstan)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("gate --fail-on MEDIUM: pass"));
    let out = base()
        .args(["--fail-on", "low"])
        .arg(&phpstan)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let out = base()
        .args(["--min-severity", "HIGH"])
        .arg(testdata(DC))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let kept = findings(&out.stdout);
    assert!(kept.iter().all(|f| rank(label(f)) >= rank("HIGH")));
    assert_eq!(
        kept.len(),
        all.iter()
            .filter(|f| rank(label(f)) >= rank("HIGH"))
            .count()
    );
}

fn rank(l: &str) -> u8 {
    match l {
        "INFORMATIONAL" => 0,
        "LOW" => 1,
        "MEDIUM" => 2,
        "HIGH" => 3,
        "CRITICAL" => 4,
        other => panic!("label {other}"),
    }
}

#[test]
fn severity_policy_overrides_labels() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("policy.json");
    std::fs::write(
        &policy,
        r#"{"version":1,"overrides":[{"tool":"dependency-check","label":"CRITICAL","reason":"test"}]}"#,
    )
    .unwrap();
    let out = base()
        .arg("--severity-policy")
        .arg(&policy)
        .arg(testdata(DC))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for f in findings(&out.stdout) {
        assert_eq!(label(&f), "CRITICAL");
        assert_eq!(f["FindingProviderFields"]["Severity"]["Label"], "CRITICAL");
        assert!(f["Severity"]["Original"].is_string(), "original kept");
    }
    std::fs::write(&policy, r#"{"version":1,"overrides":[{"label":"LOW"}]}"#).unwrap();
    let out = base()
        .arg("--severity-policy")
        .arg(&policy)
        .arg(testdata(DC))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
}

#[test]
fn output_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("findings.json");
    let out = base()
        .arg("-o")
        .arg(&file)
        .arg(testdata(DC))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    assert!(!findings(&std::fs::read(&file).unwrap()).is_empty());
}

#[test]
fn codebuild_environment_supplies_defaults() {
    let out = cmd()
        .env(
            "CODEBUILD_BUILD_ARN",
            "arn:aws:codebuild:ap-southeast-2:210987654321:build/app:0f1e",
        )
        .env("AWS_REGION", "ap-southeast-2")
        .env(
            "CODEBUILD_SOURCE_REPO_URL",
            "https://github.com/example/app",
        )
        .env("CODEBUILD_SOURCE_VERSION", "refs/heads/release")
        .env("CODEBUILD_BUILD_ID", "app:0f1e")
        .arg(testdata(DC))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let f = &findings(&out.stdout)[0];
    assert_eq!(f["AwsAccountId"], "210987654321");
    assert!(f["ProductArn"]
        .as_str()
        .unwrap()
        .contains(":ap-southeast-2:"));
    assert!(f["GeneratorId"]
        .as_str()
        .unwrap()
        .contains("github.com/example/app@release"));
    assert_eq!(f["ProductFields"]["asff/BuildId"], "app:0f1e");
}

fn assert_error(out: &std::process::Output, needles: &[&str]) {
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "nothing on stdout on error");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "one message: {err}");
    for n in needles {
        assert!(err.contains(n), "{n:?} not in {err}");
    }
}

#[test]
fn usage_errors() {
    let out = cmd()
        .args(["--region", "us-east-1"])
        .arg(testdata(DC))
        .output()
        .unwrap();
    assert_error(&out, &["account"]);
    let out = cmd()
        .args(["--account-id", "123456789012"])
        .arg(testdata(DC))
        .output()
        .unwrap();
    assert_error(&out, &["region"]);
    let out = base()
        .args(["--format", "nessus"])
        .arg(testdata(DC))
        .output()
        .unwrap();
    assert_error(&out, &["nessus", "dependency-check", "zap"]);
    let out = base().arg("/nonexistent/report.json").output().unwrap();
    assert_error(&out, &["/nonexistent/report.json"]);
    let out = base()
        .args(["--fail-on", "SEVERE"])
        .arg(testdata(DC))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
}

#[test]
fn malformed_reports() {
    let report = std::fs::read(testdata(DC)).unwrap();
    // truncated
    let out = base()
        .args(["--format", "dependency-check"])
        .write_stdin(report[..report.len() / 2].to_vec())
        .output()
        .unwrap();
    assert_error(&out, &["dependency-check report", "line 1"]);
    // empty
    let out = base().write_stdin(Vec::new()).output().unwrap();
    assert_error(&out, &["empty"]);
    // unknown
    let out = base()
        .write_stdin(br#"{"hello":"world"}"#.to_vec())
        .output()
        .unwrap();
    assert_error(
        &out,
        &["unknown report format", "hello", "dependency-check", "zap"],
    );
    // wrong types at a path
    let out = base()
        .args(["--format", "dependency-check"])
        .write_stdin(br#"{"reportSchema":"1.1","scanInfo":{},"dependencies":5}"#.to_vec())
        .output()
        .unwrap();
    assert_error(&out, &["dependency-check report", "$.dependencies"]);
    // over the size limit
    let out = base()
        .args(["--max-report-size", "100"])
        .arg(testdata(DC))
        .output()
        .unwrap();
    assert_error(&out, &["--max-report-size"]);
}

#[test]
fn previous_run_archives_what_is_gone_and_keeps_first_seen() {
    let dir = tempfile::tempdir().unwrap();
    let first = base().arg(testdata(DC)).output().unwrap();
    assert_eq!(first.status.code(), Some(0));
    let mut prev = findings(&first.stdout);
    let n = prev.len();
    // a finding the scanner no longer reports, and one of another scope
    let mut gone = prev[0].clone();
    gone["Id"] = Value::from(format!("{}-gone", gone["Id"].as_str().unwrap()));
    let mut other = prev[0].clone();
    other["Id"] = Value::from("other-scope-finding");
    other["GeneratorId"] = Value::from("dependency-check/github.com/example/other@main");
    prev.push(gone);
    prev.push(other);
    let prev_path = dir.path().join("previous.json");
    std::fs::write(&prev_path, serde_json::to_vec(&prev).unwrap()).unwrap();

    let mut c = base_at("2024-02-01T00:00:00Z");
    let out = c
        .arg("--previous")
        .arg(&prev_path)
        .arg(testdata(DC))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let now = findings(&out.stdout);
    assert_eq!(
        now.len(),
        n + 1,
        "current findings plus one archived record"
    );
    let archived: Vec<&Value> = now
        .iter()
        .filter(|f| f["RecordState"] == "ARCHIVED")
        .collect();
    assert_eq!(archived.len(), 1);
    assert!(archived[0]["Id"].as_str().unwrap().ends_with("-gone"));
    assert_eq!(archived[0]["UpdatedAt"], "2024-02-01T00:00:00.000Z");
    for f in now.iter().filter(|f| f["RecordState"] == "ACTIVE") {
        assert_eq!(
            f["CreatedAt"], "2024-01-01T00:00:00.000Z",
            "first seen carried over"
        );
        assert_eq!(f["FirstObservedAt"], "2024-01-01T00:00:00.000Z");
        assert_eq!(f["UpdatedAt"], "2024-02-01T00:00:00.000Z");
    }
    assert!(
        now.iter().all(|f| f["Id"] != "other-scope-finding"),
        "other scopes untouched"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 archived"));
}

#[test]
fn previous_run_with_a_clean_report_archives_everything_of_the_scope() {
    let dir = tempfile::tempdir().unwrap();
    let first = base().arg(testdata(DC)).output().unwrap();
    let prev_path = dir.path().join("previous.json");
    std::fs::write(&prev_path, &first.stdout).unwrap();
    let n = findings(&first.stdout).len();
    let clean = testdata("dependency-check/defectdojo-dc_empty.xml");
    let out = base()
        .arg("--previous")
        .arg(&prev_path)
        .arg(clean)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let now = findings(&out.stdout);
    assert_eq!(now.len(), n);
    assert!(now.iter().all(|f| f["RecordState"] == "ARCHIVED"));
}

/// Runs with `--previous` (the given findings) on a report, a month after `base()`'s clock.
fn run_with_previous(previous: &[Value], report: &str, extra: &[&str]) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    let prev_path = dir.path().join("previous.json");
    std::fs::write(&prev_path, serde_json::to_vec(previous).unwrap()).unwrap();
    let out = cmd()
        .args([
            "--account-id",
            "123456789012",
            "--region",
            "eu-west-1",
            "--repo",
            "https://github.com/example/app.git",
            "--branch",
            "main",
            "--now",
            "2024-02-01T00:00:00Z",
        ])
        .args(extra)
        .arg("--previous")
        .arg(&prev_path)
        .arg(report)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A copy of a testdata report without its matches, as a file in `dir`.
fn grype_without_matches(dir: &tempfile::TempDir, report: &str) -> String {
    let mut v: Value = serde_json::from_slice(&std::fs::read(testdata(report)).unwrap()).unwrap();
    v["matches"] = Value::Array(Vec::new());
    v["ignoredMatches"] = Value::Array(Vec::new());
    let path = dir.path().join("clean.json");
    std::fs::write(&path, serde_json::to_vec(&v).unwrap()).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn previous_run_with_a_clean_image_scan_leaves_other_scopes_alone() {
    // the repository's Dependency-Check and Grype directory-scan findings
    let mut prev = findings(&base().arg(testdata(DC)).output().unwrap().stdout);
    let grype_dir = "grype/handwritten-directory-epss-kev-ignored.json";
    prev.extend(findings(
        &base().arg(testdata(grype_dir)).output().unwrap().stdout,
    ));
    assert!(!prev.is_empty());
    // a clean image scan, with and without --image: its scope is the image, not the repository
    let clean = testdata("grype/defectdojo-no_vuln.json");
    for extra in [&[][..], &["--image", "registry.example/app:1"][..]] {
        let out = run_with_previous(&prev, &clean, extra);
        assert!(
            findings(&out.stdout).is_empty(),
            "{extra:?}: nothing archived"
        );
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("0 archived"),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn previous_run_with_a_clean_image_scan_archives_that_image_only() {
    let dir = tempfile::tempdir().unwrap();
    let image_report = "grype/defectdojo-check_all_fields.json";
    let image = findings(&base().arg(testdata(image_report)).output().unwrap().stdout);
    let directory = findings(
        &base()
            .arg(testdata(
                "grype/handwritten-directory-epss-kev-ignored.json",
            ))
            .output()
            .unwrap()
            .stdout,
    );
    assert!(!image.is_empty() && !directory.is_empty());
    let mut prev = image.clone();
    prev.extend(directory);
    let clean = grype_without_matches(&dir, image_report);
    let out = run_with_previous(&prev, &clean, &[]);
    let now = findings(&out.stdout);
    assert_eq!(now.len(), image.len(), "the image's findings, archived");
    assert!(now.iter().all(|f| f["RecordState"] == "ARCHIVED"));
    assert!(now
        .iter()
        .all(|f| f["GeneratorId"] == image[0]["GeneratorId"]));
}

#[test]
fn previous_run_with_an_incomplete_report_archives_nothing() {
    // one Snyk project failed: the report does not cover the repository whole
    let report = testdata("snyk/handwritten-all-projects-with-error.json");
    let mut prev = findings(&base().arg(&report).output().unwrap().stdout);
    assert!(!prev.is_empty());
    let n = prev.len();
    let mut gone = prev[0].clone();
    gone["Id"] = Value::from(format!("{}-gone", gone["Id"].as_str().unwrap()));
    prev.push(gone);
    let out = run_with_previous(&prev, &report, &[]);
    let now = findings(&out.stdout);
    assert_eq!(now.len(), n, "no archived record");
    for f in &now {
        assert_eq!(f["RecordState"], "ACTIVE");
        assert_eq!(
            f["CreatedAt"], "2024-01-01T00:00:00.000Z",
            "first seen carried over"
        );
    }
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("nothing archived, the report may be incomplete"),
        "{err}"
    );
    assert!(err.contains("1 no longer reported stay active"), "{err}");
    assert!(err.contains("NOT known to be clean"), "{err}");
}

#[test]
fn warnings_reach_stderr_and_the_summary() {
    let report =
        testdata("ecr/ecr-enhanced-old-cli-2.4.1-active-no-enhancedFindings-issue6759.json");
    let out = base().arg(&report).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(findings(&out.stdout).len(), 0);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.matches("NOT known to be clean").count(), 1, "{err}");
    assert!(err.contains("warning: "), "{err}");
    let out = base()
        .args(["--emit", "summary"])
        .arg(&report)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("WARNINGS") && text.contains("NOT known to be clean"),
        "{text}"
    );
}

#[test]
fn sonar_url_links_each_finding_back_to_sonarqube() {
    let report = testdata("sonarqube/defectdojo-findings_over_api.json");
    let out = base()
        .args(["--sonar-url", "https://sonar.example.com/"])
        .arg(&report)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let fs = findings(&out.stdout);
    assert!(!fs.is_empty());
    for f in &fs {
        let url = f["SourceUrl"].as_str().unwrap_or_default();
        assert!(url.starts_with("https://sonar.example.com/"), "{url}");
    }
    // without the option there is no link
    let out = base().arg(&report).output().unwrap();
    assert!(findings(&out.stdout)
        .iter()
        .all(|f| f.get("SourceUrl").is_none()));
}

/// A real ZAP report with one evidence field changed to a live credential (no report in
/// testdata/zap has one).
fn zap_with_credential() -> Vec<u8> {
    std::fs::read_to_string(testdata("zap/defectdojo-0_zap_sample.xml"))
        .unwrap()
        .replacen(
            "<evidence>Set-Cookie: opvc</evidence>",
            "<evidence>Authorization: Basic dXNlcjpwYXNz</evidence>",
            1,
        )
        .into_bytes()
}

#[test]
fn secrets_are_masked_unless_no_redact() {
    let masked = base().write_stdin(zap_with_credential()).output().unwrap();
    assert_eq!(
        masked.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&masked.stderr)
    );
    let text = String::from_utf8(masked.stdout.clone()).unwrap();
    assert!(!text.contains("dXNlcjpwYXNz"));
    assert!(text.contains("Authorization: Basic dXNl****"));
    let fs = findings(&masked.stdout);
    assert_eq!(
        fs.iter()
            .filter(|f| f["ProductFields"]["asff/Redacted"] == "1")
            .count(),
        1
    );

    let clear = base()
        .arg("--no-redact")
        .write_stdin(zap_with_credential())
        .output()
        .unwrap();
    assert_eq!(clear.status.code(), Some(0));
    let text = String::from_utf8(clear.stdout.clone()).unwrap();
    assert!(text.contains("Authorization: Basic dXNlcjpwYXNz"));
    assert!(!text.contains("asff/Redacted"));
    let ids = |v: &[Value]| v.iter().map(|f| f["Id"].clone()).collect::<Vec<_>>();
    assert_eq!(ids(&fs), ids(&findings(&clear.stdout)));
}

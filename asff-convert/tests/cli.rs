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
    let out = run_with_previous(&prev, &report, &["--allow-incomplete"]);
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
    assert_eq!(
        out.status.code(),
        Some(3),
        "the scan is not known to be complete"
    );
    assert_eq!(findings(&out.stdout).len(), 0);
    let err = String::from_utf8_lossy(&out.stderr);
    // the warning, and the exit code's line
    assert_eq!(err.matches("NOT known to be clean").count(), 2, "{err}");
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
    // (a key twice: the pages may be from different moments, the report is incomplete)
    let out = base()
        .args([
            "--sonar-url",
            "https://sonar.example.com/",
            "--allow-incomplete",
        ])
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

// ---- the gate and output contract: exit codes 0/1/2/3, -o, regions, encodings, policies ----

/// A real testdata report with one change, as a file in `dir`.
fn changed_report(
    dir: &tempfile::TempDir,
    report: &str,
    change: impl FnOnce(&mut Value),
) -> String {
    let mut v: Value = serde_json::from_slice(&std::fs::read(testdata(report)).unwrap()).unwrap();
    change(&mut v);
    let path = dir.path().join(
        std::path::Path::new(report)
            .file_name()
            .unwrap()
            .to_string_lossy()
            .replace(".json", "-changed.json"),
    );
    std::fs::write(&path, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
    path.to_string_lossy().into_owned()
}

/// The reports whose scan did not complete, each a real report with one field changed.
fn incomplete_reports(dir: &tempfile::TempDir) -> Vec<(&'static str, String)> {
    vec![
        (
            "FAILED",
            changed_report(
                dir,
                "ecr/ecr-basic-awscli-v1-example-epoch-timestamps.json",
                |v| v["imageScanStatus"]["status"] = Value::from("FAILED"),
            ),
        ),
        (
            "Internal error",
            changed_report(
                dir,
                "phpstan/phpstan-2.1.42-maphapay-backoffice.json",
                |v| {
                    v["errors"] = serde_json::json!([
                    "Internal error: Child process error (exit code 255): PHP Fatal error: Allowed memory size exhausted"
                ])
                },
            ),
        ),
        (
            "not tested",
            changed_report(dir, "snyk/defectdojo-all-projects_many_vulns.json", |v| {
                for p in v.as_array_mut().unwrap() {
                    let path = p["path"].clone();
                    *p = serde_json::json!({
                        "ok": false,
                        "error": "Could not detect supported target files",
                        "path": path
                    });
                }
            }),
        ),
    ]
}

#[test]
fn an_incomplete_scan_exits_3_with_its_data_written() {
    let dir = tempfile::tempdir().unwrap();
    for (why, report) in incomplete_reports(&dir) {
        let out = base().arg(&report).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{report}: {err}");
        // the data is still written
        let written = findings(&out.stdout);
        let line: Vec<&str> = err
            .lines()
            .filter(|l| l.starts_with("error: incomplete scan"))
            .collect();
        assert_eq!(line.len(), 1, "one line says why: {err}");
        assert!(line[0].contains(why), "{why:?} not in {}", line[0]);
        assert!(line[0].contains("--allow-incomplete"), "{}", line[0]);

        // --allow-incomplete: 0, the same data
        let out = base()
            .arg("--allow-incomplete")
            .arg(&report)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{report}");
        assert_eq!(findings(&out.stdout), written);
        assert!(String::from_utf8_lossy(&out.stderr).contains("incomplete scan allowed"));

        // the gate wins over an incomplete scan: 1 (when it trips), else 3
        let out = base()
            .args(["--fail-on", "INFORMATIONAL"])
            .arg(&report)
            .output()
            .unwrap();
        let expected = if written.is_empty() { 3 } else { 1 };
        assert_eq!(out.status.code(), Some(expected), "{report}");
        assert_eq!(findings(&out.stdout), written);
    }
    // the ECR report still has its findings: 1 wins over 3
    let ecr = &incomplete_reports(&dir)[0].1;
    let out = base().args(["--fail-on", "LOW"]).arg(ecr).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!findings(&out.stdout).is_empty());
    // and a complete report exits 0
    let out = base().arg(testdata(DC)).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
}

/// Runs the CLI through `sh -c` with a redirection of fd 1 (`>&-`, `1<FILE`, `>/dev/full`).
fn with_stdout(redirect: &str, report: &str) -> std::process::Output {
    let bin = assert_cmd::cargo::cargo_bin("asff-convert");
    std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("exec \"$0\" \"$@\" {redirect}"))
        .arg(bin)
        .args([
            "--account-id",
            "123456789012",
            "--region",
            "eu-west-1",
            "--repo",
            "github.com/example/app",
            "--branch",
            "main",
            report,
        ])
        .env_clear()
        .output()
        .unwrap()
}

#[test]
fn output_that_cannot_be_written_exits_2() {
    let report = testdata(DC);
    let dir = tempfile::tempdir().unwrap();
    let ro = dir.path().join("read-only");
    std::fs::write(&ro, "").unwrap();
    for (redirect, why) in [
        (">&-".to_string(), "closed"),
        (format!("1<{}", ro.display()), "Bad file descriptor"),
        (">/dev/full".to_string(), "No space left"),
    ] {
        let out = with_stdout(&redirect, &report);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{redirect}: {err}");
        assert!(
            err.contains("cannot write to stdout") && err.contains(why),
            "{redirect}: {err}"
        );
    }
    assert_eq!(std::fs::read(&ro).unwrap(), b"", "nothing written");
    // a pipe whose reader goes away (SIGPIPE is ignored by Rust programs: EPIPE)
    let bin = assert_cmd::cargo::cargo_bin("asff-convert");
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(r#""$0" "$@" | head -c 1 >/dev/null; exit "${PIPESTATUS[0]}""#)
        .arg(&bin)
        .args(["--account-id", "123456789012", "--region", "eu-west-1"])
        .args(["--repo", "github.com/example/app", "--branch", "main"])
        .arg(&report)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "broken pipe: {err}");
    assert!(err.contains("Broken pipe"), "{err}");
    // /dev/null is a fine place for the data
    let out = with_stdout(">/dev/null", &report);
    assert_eq!(out.status.code(), Some(0));
}

fn temp_files(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect()
}

#[test]
fn dash_o_writes_files_links_fifos_and_devices_as_they_are() {
    use std::os::unix::fs::{FileTypeExt, PermissionsExt};
    let dir = tempfile::tempdir().unwrap();
    let expected = base().arg(testdata(DC)).output().unwrap().stdout;
    assert!(!expected.is_empty());
    let run = |target: &std::path::Path| {
        base()
            .arg("-o")
            .arg(target)
            .arg(testdata(DC))
            .output()
            .unwrap()
    };

    // an existing file keeps its mode
    let file = dir.path().join("findings.json");
    std::fs::write(&file, "old").unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = run(&file);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    assert_eq!(std::fs::read(&file).unwrap(), expected);
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );

    // a symlink is followed: the link stays, its target is written
    let target = dir.path().join("real.json");
    std::fs::write(&target, "old").unwrap();
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).unwrap();
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink("real.json", &link).unwrap();
    assert_eq!(run(&link).status.code(), Some(0));
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(std::fs::read(&target).unwrap(), expected);
    assert_eq!(
        std::fs::metadata(&target).unwrap().permissions().mode() & 0o777,
        0o640
    );
    // a dangling one creates its target
    let dangling = dir.path().join("dangling.json");
    std::os::unix::fs::symlink("created.json", &dangling).unwrap();
    assert_eq!(run(&dangling).status.code(), Some(0));
    assert!(std::fs::symlink_metadata(&dangling)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(
        std::fs::read(dir.path().join("created.json")).unwrap(),
        expected
    );

    // a FIFO is written, not replaced: its reader gets everything
    let fifo = dir.path().join("fifo");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(fifo).unwrap())
    };
    assert_eq!(run(&fifo).status.code(), Some(0));
    assert_eq!(reader.join().unwrap(), expected);
    assert!(std::fs::symlink_metadata(&fifo)
        .unwrap()
        .file_type()
        .is_fifo());

    // /dev/stdout is written through (to the pipe of this test), /dev/null stays a device
    let out = base()
        .args(["-o", "/dev/stdout"])
        .arg(testdata(DC))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(out.stdout, expected);
    assert_eq!(
        run(std::path::Path::new("/dev/null")).status.code(),
        Some(0)
    );
    assert!(std::fs::metadata("/dev/null")
        .unwrap()
        .file_type()
        .is_char_device());
    // /dev/fd/N, here the stdout of a shell redirected into a file that already has a line
    let appended = dir.path().join("appended.json");
    std::fs::write(&appended, "first\n").unwrap();
    let bin = assert_cmd::cargo::cargo_bin("asff-convert");
    let st = std::process::Command::new("sh")
        .arg("-c")
        .arg("exec \"$0\" \"$@\" 3>>\"$APPENDED\"")
        .arg(&bin)
        .args(["--account-id", "123456789012", "--region", "eu-west-1"])
        .args([
            "--repo",
            "https://github.com/example/app.git",
            "--branch",
            "main",
        ])
        .args(["--now", "2024-01-01T00:00:00Z", "-o", "/dev/fd/3"])
        .arg(testdata(DC))
        .env_clear()
        .env("APPENDED", &appended)
        .status()
        .unwrap();
    assert!(st.success());
    assert_eq!(
        std::fs::read(&appended).unwrap(),
        [b"first\n".as_slice(), &expected].concat()
    );

    // nothing left behind, also when the write fails
    assert_eq!(temp_files(dir.path()), Vec::<String>::new());
    let out = run(dir.path());
    assert_eq!(out.status.code(), Some(2), "a directory");
    let ro = dir.path().join("ro");
    std::fs::create_dir(&ro).unwrap();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
    let out = run(&ro.join("x.json"));
    // (root may write anywhere)
    if out.status.code() == Some(2) {
        assert!(String::from_utf8_lossy(&out.stderr).contains("cannot write"));
    }
    assert_eq!(temp_files(&ro), Vec::<String>::new());
    assert_eq!(temp_files(dir.path()), Vec::<String>::new());
}

#[test]
fn regions_and_partitions_are_checked() {
    let run = |args: &[&str]| {
        cmd()
            .args([
                "--account-id",
                "123456789012",
                "--repo",
                "github.com/o/r",
                "--branch",
                "main",
            ])
            .args(args)
            .arg(testdata(DC))
            .output()
            .unwrap()
    };
    assert_error(
        &run(&["--region", "cn-north-1", "--partition", "aws"]),
        &["aws-cn", "cn-north-1"],
    );
    assert_error(
        &run(&["--region", "us-east-1a"]),
        &["us-east-1a", "not an AWS region"],
    );
    assert_error(&run(&["--region", "mars-north-1"]), &["mars-north-1"]);
    assert_error(
        &run(&["--region", "us-east-1", "--partition", "mars"]),
        &["mars"],
    );
    // the partition follows from the region
    for (region, partition) in [
        ("cn-north-1", "aws-cn"),
        ("us-gov-west-1", "aws-us-gov"),
        ("eusc-de-east-1", "aws-eusc"),
        ("ap-southeast-7", "aws"),
    ] {
        let out = run(&["--region", region]);
        assert_eq!(out.status.code(), Some(0), "{region}");
        for f in findings(&out.stdout) {
            assert!(
                f["ProductArn"]
                    .as_str()
                    .unwrap()
                    .starts_with(&format!("arn:{partition}:securityhub:{region}:")),
                "{}",
                f["ProductArn"]
            );
        }
        let out = run(&["--region", region, "--partition", partition]);
        assert_eq!(out.status.code(), Some(0), "{region} in {partition}");
    }
}

fn utf16le_with_bom(text: &str) -> Vec<u8> {
    [0xFF, 0xFE]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect()
}

#[test]
fn reports_in_utf16_and_declared_xml_encodings_convert() {
    let dir = tempfile::tempdir().unwrap();
    // what PowerShell 5's `>` writes: UTF-16 LE with a BOM and CRLF line ends
    let text = String::from_utf8(std::fs::read(testdata(DC)).unwrap()).unwrap();
    let ps = dir.path().join("powershell.json");
    std::fs::write(&ps, utf16le_with_bom(&text.replace('\n', "\r\n"))).unwrap();
    let expected = base().arg(testdata(DC)).output().unwrap().stdout;
    let out = base().arg(&ps).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(findings(&out.stdout), findings(&expected));
    // stdin too
    let out = base()
        .write_stdin(std::fs::read(&ps).unwrap())
        .output()
        .unwrap();
    assert_eq!(findings(&out.stdout), findings(&expected));

    // a real ZAP XML report with one alert name in Latin-1, declared ISO-8859-1
    let zap =
        String::from_utf8(std::fs::read(testdata("zap/defectdojo-0_zap_sample.xml")).unwrap())
            .unwrap()
            .replacen(
                "<?xml version=\"1.0\"?>",
                "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>",
                1,
            )
            .replacen(
                "<name>Cookie Without Secure Flag</name>",
                "<name>Cookie sans drapeau sécurisé</name>",
                1,
            );
    let latin1: Vec<u8> = zap
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap())
        .collect();
    let path = dir.path().join("zap-latin1.xml");
    std::fs::write(&path, &latin1).unwrap();
    let out = base().arg(&path).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(findings(&out.stdout).iter().any(|f| f["Title"]
        .as_str()
        .unwrap()
        .contains("Cookie sans drapeau sécurisé")));

    // anything else names the encoding
    let no_bom: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let out = base().write_stdin(no_bom).output().unwrap();
    assert_error(&out, &["UTF-16LE without a byte order mark"]);
    let out = base()
        .write_stdin(zap.replacen("ISO-8859-1", "EBCDIC-XY", 1).into_bytes())
        .output()
        .unwrap();
    assert_error(&out, &["EBCDIC-XY"]);
}

#[test]
fn errors_point_into_the_original_bytes() {
    // PHPStan's stdout with a note line before the JSON, broken on its third line: the
    // position counts the note, under --format auto (detection) and with the format given
    let report =
        std::fs::read(testdata("phpstan/phpstan-2.1.42-maphapay-backoffice.json")).unwrap();
    let pretty =
        serde_json::to_string_pretty(&serde_json::from_slice::<Value>(&report).unwrap()).unwrap();
    let text = format!("Note: Using configuration file /app/phpstan.neon.\n{pretty}\n");
    let json_line = 1;
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let broken = json_line + 2;
    lines[broken] = format!("{} oops", lines[broken]);
    let bad = lines.join("\n");
    let line = format!("line {}", broken + 1);
    let out = base().write_stdin(bad.clone()).output().unwrap();
    assert_error(&out, &["malformed JSON", &line]);
    let out = base()
        .args(["--format", "phpstan"])
        .write_stdin(bad.clone())
        .output()
        .unwrap();
    assert_error(&out, &["phpstan report", &line]);
    // in UTF-16 the line is the same
    let out = base().write_stdin(utf16le_with_bom(&bad)).output().unwrap();
    assert_error(&out, &["malformed JSON", &line]);
}

#[test]
fn a_policy_naming_no_tool_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    for (policy, needles) in [
        (
            r#"{"version":1,"overrides":[{"tool":"dependancy-check","id":"CVE-2021-44228","label":"CRITICAL"}]}"#,
            &[
                "overrides[0]",
                "dependancy-check",
                "did you mean \"dependency-check\"",
            ][..],
        ),
        (
            r#"{"version":1,"overrides":[{"tool":"zap","label":"LOW"},{"tool":"OWASP-Zap","label":"LOW"}]}"#,
            &["overrides[1]", "OWASP-Zap", "did you mean \"zap\""][..],
        ),
        (
            r#"{"version":1,"overrides":[{"tool":"zap","label":"LOW","severity":"HIGH"}]}"#,
            &["overrides[0]", "severity"][..],
        ),
        (
            r#"{"version":1,"overrides":[{"id":"CVE-1","label":"SEVERE"}]}"#,
            &["overrides[0].label", "SEVERE"][..],
        ),
    ] {
        let path = dir.path().join("policy.json");
        std::fs::write(&path, policy).unwrap();
        let out = base()
            .arg("--severity-policy")
            .arg(&path)
            .arg(testdata(DC))
            .output()
            .unwrap();
        assert_error(&out, needles);
    }
}

#[test]
fn stdout_and_stderr_are_what_readme_says() {
    // --emit summary: the summary is the data (stdout), nothing but warnings on stderr
    let report =
        testdata("ecr/ecr-enhanced-old-cli-2.4.1-active-no-enhancedFindings-issue6759.json");
    let out = base()
        .args(["--emit", "summary", "--allow-incomplete"])
        .arg(&report)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stdout.contains("SEVERITY") && stdout.contains("WARNINGS"),
        "{stdout}"
    );
    assert!(!stderr.contains("SEVERITY"), "{stderr}");
    // --emit findings: JSON on stdout, the summary on stderr
    let out = base().arg(testdata(DC)).output().unwrap();
    assert!(!findings(&out.stdout).is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("SEVERITY"));
    // and README says so
    let readme = std::fs::read_to_string(asff_testkit::root().join("README.md")).unwrap();
    assert!(
        readme.contains("`--emit summary` writes the summary to stdout (or `-o`) as the data"),
        "README"
    );
}

#![cfg(test)]

use std::collections::BTreeSet;

use asff_core::model::{YesNo, YesNoPartial};
use asff_core::sniff::sniff;
use asff_core::{AwsSecurityFinding, Label, Location, ParseOutput, ReportError, SeverityPolicy};
use asff_testkit::json_path;
use asff_testkit::{
    assert_accounted, assert_valid, context, context_later, testdata, testdata_files,
};
use serde_json::{json, Value};

const GROUPED: &str = "snyk/snyk-cli-container-test-json-app-vulns-grouped.json";
const NONGROUPED: &str = "snyk/snyk-cli-container-test-json-app-vulns-nongrouped.json";
const ONE: &str = "snyk/defectdojo-single_project_one_vuln.json";
const NONE: &str = "snyk/defectdojo-single_project_no_vulns.json";
const ALL: &str = "snyk/defectdojo-all-projects_many_vulns.json";
const HAND_NPM: &str = "snyk/handwritten-npm-critical-license-filtered.json";
const HAND_ERROR: &str = "snyk/handwritten-all-projects-with-error.json";

fn files() -> Vec<String> {
    let f = testdata_files("snyk", &["json"]);
    assert!(f.len() >= 7, "{f:?}");
    f
}

fn parse(bytes: &[u8]) -> ParseOutput {
    let out = asff_snyk::parse(bytes, &context()).unwrap_or_else(|e| panic!("{e}"));
    assert_accounted(&out);
    assert_valid(&out.findings);
    out
}

fn parse_value(v: &Value) -> ParseOutput {
    parse(&serde_json::to_vec(v).unwrap())
}

fn json_of(path: &str) -> Value {
    serde_json::from_slice(&testdata(path)).unwrap()
}

fn ids(out: &ParseOutput) -> Vec<String> {
    out.findings.iter().map(|f| f.id.clone()).collect()
}

fn find<'a>(out: &'a ParseOutput, title_part: &str) -> &'a AwsSecurityFinding {
    out.findings
        .iter()
        .find(|f| f.title.contains(title_part))
        .unwrap_or_else(|| panic!("no finding with {title_part:?}"))
}

fn error(bytes: &[u8]) -> ReportError {
    let e = asff_snyk::parse(bytes, &context()).expect_err("should fail");
    assert_eq!(e.format, "snyk");
    e
}

#[test]
fn golden() {
    for file in files() {
        let out = parse(&testdata(&file));
        let summary = json!({
            "records": out.records,
            "findings": out.findings.len(),
            "skipped": out.skipped_by_reason(),
            "warnings": out.warnings,
        });
        let name = file
            .trim_start_matches("snyk/")
            .trim_end_matches(".json")
            .to_string();
        insta::assert_json_snapshot!(name, json!({"summary": summary, "findings": out.findings}));
    }
}

#[test]
fn ids_are_stable_across_builds_and_clocks() {
    for file in files() {
        let bytes = testdata(&file);
        let a = asff_snyk::parse(&bytes, &context()).unwrap();
        let b = asff_snyk::parse(&bytes, &context_later()).unwrap();
        assert_eq!(ids(&a), ids(&b), "{file}");
        if let (Some(x), Some(y)) = (a.findings.first(), b.findings.first()) {
            assert_ne!(x.updated_at, y.updated_at, "the clocks differ");
        }
    }
}

#[test]
fn grouped_and_non_grouped_output_of_one_scan_give_the_same_findings() {
    let grouped = parse(&testdata(GROUPED));
    let nongrouped = parse(&testdata(NONGROUPED));
    let g: BTreeSet<String> = ids(&grouped).into_iter().collect();
    let n: BTreeSet<String> = ids(&nongrouped).into_iter().collect();
    assert_eq!(g.len(), 8);
    assert_eq!(g, n);
    // same titles and labels, finding by finding
    for f in &grouped.findings {
        let other = nongrouped.findings.iter().find(|o| o.id == f.id).unwrap();
        assert_eq!(f.title, other.title);
        assert_eq!(f.label(), other.label());
        assert_eq!(f.vulnerabilities, other.vulnerabilities);
    }
    // accounting: the grouped report has one entry per finding; the non-grouped one repeats
    // entries per path, and the repeats are folded into the first
    assert_eq!((grouped.records, grouped.skipped.len()), (8, 0));
    assert_eq!(nongrouped.records, 14);
    assert_eq!(
        nongrouped.skipped_by_reason().get("aggregated path"),
        Some(&6)
    );
    assert_eq!(
        nongrouped.skipped[0].record, "$.vulnerabilities[1]",
        "{:?}",
        nongrouped.skipped
    );
    // the paths of every entry are in the finding, in both outputs
    for out in [&grouped, &nongrouped] {
        let busybox = find(out, "in busybox@1.31.1-r21");
        assert_eq!(
            busybox
                .product_fields
                .get("snyk/DependencyPaths")
                .map(String::as_str),
            Some("3")
        );
        let other = &busybox.resources[0].details.as_ref().unwrap().other;
        let paths = other.get("DependencyPaths").unwrap();
        assert_eq!(paths.lines().count(), 3, "{paths}");
        assert!(paths
            .contains("alpine-baselayout/alpine-baselayout@3.2.0-r7 > busybox/busybox@1.31.1-r21"));
        assert_eq!(
            other.get("Packages").map(String::as_str),
            Some("busybox/busybox, busybox/ssl_client")
        );
        let qs = out
            .findings
            .iter()
            .find(|f| {
                f.product_fields.get("snyk/Id").map(String::as_str) == Some("npm:qs:20170213")
            })
            .unwrap();
        assert_eq!(
            qs.product_fields
                .get("snyk/DependencyPaths")
                .map(String::as_str),
            Some("2")
        );
    }
}

#[test]
fn container_results_are_scoped_to_the_image_repository() {
    let out = parse(&testdata(GROUPED));
    for f in &out.findings {
        assert_eq!(f.generator_id, "snyk/cli-grouping");
        assert!(f.id.starts_with("snyk/cli-grouping/"), "{}", f.id);
        let r = &f.resources[0];
        assert_eq!(r.kind, "Container");
        assert_eq!(r.id, "cli-grouping");
        let d = r.details.as_ref().unwrap();
        assert_eq!(
            d.container.as_ref().unwrap().image_name.as_deref(),
            Some("cli-grouping")
        );
        assert_eq!(
            d.other.get("BaseImage").map(String::as_str),
            Some("alpine:3.12.9")
        );
        assert_eq!(
            d.other.get("Platform").map(String::as_str),
            Some("linux/amd64")
        );
    }
    // the applications' findings know their manifest
    let connect = find(&out, "in connect@1.9.2");
    assert_eq!(
        connect
            .product_fields
            .get("snyk/TargetFile")
            .map(String::as_str),
        Some("/package.json")
    );

    // another tag or digest of the same image: the same Ids, the tag and digest in the resource
    let mut v = json_of(GROUPED);
    v["path"] = json!("cli-grouping:2.0@sha256:abcd");
    v["applications"][0]["path"] = json!("cli-grouping:2.0@sha256:abcd");
    let retagged = parse_value(&v);
    assert_eq!(ids(&out), ids(&retagged));
    let r = &retagged.findings[0].resources[0];
    assert_eq!(r.id, "cli-grouping:2.0@sha256:abcd");
    let d = r.details.as_ref().unwrap();
    assert_eq!(
        d.container.as_ref().unwrap().image_id.as_deref(),
        Some("sha256:abcd")
    );
    assert_eq!(d.other.get("ImageTag").map(String::as_str), Some("2.0"));

    // another image: other Ids
    let mut v = json_of(GROUPED);
    v["path"] = json!("registry.example.com/team/other:1");
    let other = parse_value(&v);
    assert!(other.findings[0]
        .id
        .starts_with("snyk/registry.example.com/team/other/"));
    for id in ids(&other) {
        assert!(!ids(&out).contains(&id));
    }

    // no path: the project name without docker-image|
    let mut v = json_of(GROUPED);
    v.as_object_mut().unwrap().remove("path");
    assert_eq!(ids(&parse_value(&v)), ids(&out));
}

#[test]
fn code_projects_are_scoped_to_the_repository() {
    let out = parse(&testdata(ONE));
    let f = &out.findings[0];
    assert!(
        f.id.starts_with("snyk/github.com/example/app@main/"),
        "{}",
        f.id
    );
    assert_eq!(f.generator_id, "snyk/github.com/example/app@main");
    assert_eq!(f.resources[0].kind, "CodeRepository");
    assert_eq!(
        f.product_fields.get("snyk/TargetFile").map(String::as_str),
        Some("pom.xml")
    );
    assert_eq!(
        f.product_fields.get("snyk/ProjectName").map(String::as_str),
        Some("com.test:myframework")
    );

    // all projects: the same vulnerability in three projects is three findings
    let out = parse(&testdata(ALL));
    assert_eq!(out.findings.len(), 4);
    let guava: Vec<&AwsSecurityFinding> = out
        .findings
        .iter()
        .filter(|f| {
            f.product_fields.get("snyk/Id").map(String::as_str)
                == Some("SNYK-JAVA-COMGOOGLEGUAVA-1015415")
        })
        .collect();
    assert_eq!(guava.len(), 3);
    let targets: BTreeSet<&str> = guava
        .iter()
        .filter_map(|f| f.product_fields.get("snyk/TargetFile").map(String::as_str))
        .collect();
    assert_eq!(
        targets,
        ["pom.xml", "project-a/pom.xml", "project-b/pom.xml"]
            .into_iter()
            .collect()
    );

    // the checkout directory does not change the Ids: Windows paths, absolute manifests
    let out = parse(&testdata(HAND_NPM));
    let mut v = json_of(HAND_NPM);
    v["path"] = json!("/tmp/elsewhere");
    v["displayTargetFile"] = json!("/tmp/elsewhere/package-lock.json");
    assert_eq!(ids(&out), ids(&parse_value(&v)));
    let out = parse(&testdata(HAND_ERROR));
    assert_eq!(
        out.findings[0]
            .product_fields
            .get("snyk/TargetFile")
            .map(String::as_str),
        Some("services/backend/requirements.txt")
    );
}

#[test]
fn severity_mapping() {
    let label_of = |word: Value, score: Value| -> (Option<Label>, Option<String>) {
        let v = json!({
            "ok": false, "packageManager": "npm", "projectName": "p",
            "vulnerabilities": [{"id": "SNYK-1", "packageName": "a", "version": "1", "severity": word, "cvssScore": score}]
        });
        let f = &parse_value(&v).findings[0];
        (f.label(), f.severity.as_ref().unwrap().original.clone())
    };
    for (word, label) in [
        ("critical", Label::Critical),
        ("high", Label::High),
        ("medium", Label::Medium),
        ("low", Label::Low),
        ("HIGH", Label::High),
    ] {
        // the word wins over the score
        assert_eq!(
            label_of(json!(word), json!(0.5)),
            (Some(label), Some(word.to_string())),
            "{word}"
        );
    }
    // any other word: the CVSS score
    assert_eq!(label_of(json!("severe"), json!(6.1)).0, Some(Label::Medium));
    assert_eq!(
        label_of(json!("severe"), Value::Null).0,
        Some(Label::Informational)
    );
    assert_eq!(label_of(Value::Null, json!(9.0)).0, Some(Label::Critical));

    let out = parse(&testdata(HAND_NPM));
    let minimist = find(&out, "minimist");
    assert_eq!(minimist.label(), Some(Label::Critical));
    assert_eq!(
        minimist
            .product_fields
            .get("snyk/OriginalSeverity")
            .map(String::as_str),
        Some("high")
    );
    let leftpad = find(&out, "left-pad");
    assert_eq!(leftpad.label(), Some(Label::Medium));
    assert_eq!(
        leftpad.severity.as_ref().unwrap().original.as_deref(),
        Some("severe")
    );
}

#[test]
fn severity_with_critical_wins_over_the_capped_severity() {
    // DefectDojo's real one-vulnerability report: severity and severityWithCritical agree
    let real = json_of("snyk/defectdojo-single_project_one_vuln.json");
    let out = parse_value(&real);
    let f = &out.findings[0];
    assert_eq!(f.label(), Some(Label::Medium));
    assert_eq!(
        f.severity.as_ref().unwrap().original.as_deref(),
        Some("medium")
    );
    assert!(!f.product_fields.contains_key("snyk/Severity"));

    // legacy Snyk caps `severity` at high and rates critical in severityWithCritical
    let mut capped = real.clone();
    capped["vulnerabilities"][0]["severity"] = json!("high");
    capped["vulnerabilities"][0]["severityWithCritical"] = json!("critical");
    let out = parse_value(&capped);
    let g = &out.findings[0];
    assert_eq!(g.label(), Some(Label::Critical));
    assert_eq!(
        g.severity.as_ref().unwrap().original.as_deref(),
        Some("critical")
    );
    assert_eq!(g.product_fields["snyk/Severity"], "high");
    // the same vulnerability: the same Id whatever the rating
    assert_eq!(g.id, f.id);

    // without severityWithCritical: severity, as before
    let mut plain = capped.clone();
    plain["vulnerabilities"][0]
        .as_object_mut()
        .unwrap()
        .remove("severityWithCritical");
    let h = &parse_value(&plain).findings[0];
    assert_eq!(h.label(), Some(Label::High));
    assert_eq!(
        h.severity.as_ref().unwrap().original.as_deref(),
        Some("high")
    );
    assert!(!h.product_fields.contains_key("snyk/Severity"));

    // an empty severityWithCritical does not count
    let mut empty = capped;
    empty["vulnerabilities"][0]["severityWithCritical"] = json!("");
    assert_eq!(parse_value(&empty).findings[0].label(), Some(Label::High));
}

#[test]
fn identifiers_scores_exploits_and_remediation() {
    let out = parse(&testdata(HAND_NPM));
    let minimist = find(&out, "minimist");
    assert_eq!(minimist.title, "Prototype Pollution in minimist@1.2.5");
    assert_eq!(
        minimist.types,
        vec!["Software and Configuration Checks/Vulnerabilities/CVE"]
    );
    let v = &minimist.vulnerabilities[0];
    assert_eq!(v.id, "CVE-2021-44906");
    assert!(v
        .related_vulnerabilities
        .contains(&"SNYK-JS-MINIMIST-2429795".to_string()));
    assert!(v
        .related_vulnerabilities
        .contains(&"GHSA-xvch-5gv4-984h".to_string()));
    assert_eq!(
        minimist.product_fields.get("snyk/CWE").map(String::as_str),
        Some("CWE-1321")
    );
    assert!(minimist.description.starts_with(
        "minimist@1.2.5 is affected by Prototype Pollution (SNYK-JS-MINIMIST-2429795, CVE-2021-44906, CWE-1321). \
         Introduced through app@1.0.0 > mkdirp@0.5.5 > minimist@1.2.5 and 1 other path. Fixed in 1.2.6."
    ));
    let sources: Vec<(Option<&str>, Option<f64>)> = v
        .cvss
        .iter()
        .map(|c| (c.source.as_deref(), c.base_score))
        .collect();
    assert_eq!(
        sources,
        vec![
            (Some("Snyk"), Some(9.8)),
            (Some("NVD"), Some(9.8)),
            (Some("Red Hat"), Some(5.6))
        ]
    );
    assert!(v.cvss.iter().all(|c| c.version.as_deref() == Some("3.1")));
    assert_eq!(v.exploit_available, Some(YesNo::Yes));
    assert_eq!(v.epss_score, Some(0.01234));
    assert_eq!(v.fix_available, Some(YesNoPartial::Yes));
    assert_eq!(
        v.vulnerable_packages[0].fixed_in_version.as_deref(),
        Some("1.2.6")
    );
    let vendor = v.vendor.as_ref().unwrap();
    assert_eq!(
        vendor.vendor_created_at.as_deref(),
        Some("2022-03-18T13:02:30.498Z")
    );
    let rec = minimist
        .remediation
        .as_ref()
        .unwrap()
        .recommendation
        .as_ref()
        .unwrap();
    assert_eq!(
        rec.text.as_deref(),
        Some("Upgrade minimist to version 1.2.6 or higher. Upgrade paths: mkdirp@0.5.6 > minimist@1.2.6.")
    );
    assert_eq!(
        rec.url.as_deref(),
        Some("https://security.snyk.io/vuln/SNYK-JS-MINIMIST-2429795")
    );

    // exploitDetails: the primary maturity level
    let semver = find(&out, "semver");
    assert_eq!(semver.vulnerabilities[0].exploit_available, Some(YesNo::No));
    assert_eq!(
        semver
            .product_fields
            .get("snyk/ExploitMaturity")
            .map(String::as_str),
        Some("No Known Exploit")
    );
    assert_eq!(
        semver.vulnerabilities[0].cvss.len(),
        2,
        "Snyk's primary source is not repeated"
    );
    // "Not Defined": unknown
    let f = &parse(&testdata(ONE)).findings[0];
    assert_eq!(f.vulnerabilities[0].exploit_available, None);
    // "No Known Exploit" and no fix
    let leftpad = find(&out, "left-pad");
    assert_eq!(
        leftpad.vulnerabilities[0].exploit_available,
        Some(YesNo::No)
    );
    assert_eq!(
        leftpad.vulnerabilities[0].fix_available,
        Some(YesNoPartial::No)
    );
    assert_eq!(
        leftpad.types,
        vec!["Software and Configuration Checks/Vulnerabilities"]
    );
    // container OS package: nearestFixedInVersion
    let grouped = parse(&testdata(GROUPED));
    let busybox = find(&grouped, "busybox");
    assert_eq!(
        busybox.vulnerabilities[0].vulnerable_packages[0]
            .fixed_in_version
            .as_deref(),
        Some("1.32.1-r4")
    );
    assert_eq!(
        busybox.vulnerabilities[0].fix_available,
        Some(YesNoPartial::Yes)
    );

    // the policy can name the Snyk id, the CVE or the CWE
    for id in [
        "SNYK-JS-MINIMIST-2429795",
        "CVE-2021-44906",
        "CWE-1321",
        "GHSA-xvch-5gv4-984h",
    ] {
        let policy = SeverityPolicy::from_json(
            format!(r#"{{"version":1,"overrides":[{{"tool":"snyk","id":"{id}","label":"LOW"}}]}}"#)
                .as_bytes(),
        )
        .unwrap();
        let ctx = context().with_policy(policy);
        let out = asff_snyk::parse(&testdata(HAND_NPM), &ctx).unwrap();
        assert_eq!(find(&out, "minimist").label(), Some(Label::Low), "{id}");
        assert_eq!(
            find(&out, "left-pad").label(),
            Some(Label::Medium),
            "other findings keep theirs"
        );
    }
}

#[test]
fn license_issues_ignores_and_patches() {
    let out = parse(&testdata(HAND_NPM));
    assert_eq!(out.records, 7);
    assert_eq!(out.findings.len(), 4);
    let by = out.skipped_by_reason();
    assert_eq!(by.get("ignored"), Some(&1));
    assert_eq!(by.get("patched"), Some(&1));
    assert_eq!(by.get("aggregated path"), Some(&1));
    assert!(out
        .skipped
        .iter()
        .any(|s| s.record == "$.filtered.ignore[0]" && s.reason == "ignored"));
    let license = find(&out, "CC-BY-4.0 license");
    assert_eq!(
        license.types,
        vec!["Software and Configuration Checks/Industry and Regulatory Standards"]
    );
    assert!(license.vulnerabilities.is_empty());
    assert_eq!(license.label(), Some(Label::Medium));
    assert_eq!(
        license
            .product_fields
            .get("snyk/License")
            .map(String::as_str),
        Some("CC-BY-4.0")
    );
}

#[test]
fn snyk_errors_are_not_clean_results() {
    // a single error object: the conversion fails
    let e = error(br#"{"ok": false, "error": "Could not detect supported target files in /app", "path": "/app"}"#);
    assert_eq!(json_path(&e), "$.error");
    assert!(
        e.message
            .contains("Could not detect supported target files"),
        "{e}"
    );
    assert!(asff_snyk::detect(&sniff(
        br#"{"ok": false, "error": "x", "path": "/app"}"#
    )));

    // in --all-projects output: a warning, the other projects converted
    let out = parse(&testdata(HAND_ERROR));
    assert_eq!(out.findings.len(), 1);
    assert_eq!(out.warnings.len(), 1);
    assert!(out.warnings[0].starts_with("$[1]"), "{:?}", out.warnings);
    assert!(out.warnings[0].contains("NOT known to be clean"));
    assert!(out.warnings[0].contains("Could not detect package manager"));
    // the clean reports have no warnings
    for f in [GROUPED, NONGROUPED, ONE, NONE, ALL, HAND_NPM] {
        assert!(parse(&testdata(f)).warnings.is_empty(), "{f}");
    }
}

#[test]
fn iac_results_are_accounted_for_not_dropped() {
    let v = json!({
        "ok": false, "projectName": "infra", "packageManager": "terraformconfig",
        "vulnerabilities": [], "infrastructureAsCodeIssues": [{"id": "SNYK-CC-TF-1"}, {"id": "SNYK-CC-TF-2"}]
    });
    assert!(!asff_snyk::detect(&sniff(&serde_json::to_vec(&v).unwrap())));
    let out = parse_value(&v);
    assert_eq!(out.records, 2);
    assert!(out.findings.is_empty());
    assert_eq!(out.skipped.len(), 2);
    assert_eq!(out.warnings.len(), 1);
}

#[test]
fn ids_are_unique_per_project_vulnerability_package_and_version() {
    let entry = |id: &str, pkg: &str, ver: &str| json!({"id": id, "packageName": pkg, "version": ver, "severity": "low", "from": ["app@1", format!("{pkg}@{ver}")]});
    let v = json!([
        {"ok": false, "packageManager": "npm", "projectName": "a", "displayTargetFile": "a/package.json",
         "vulnerabilities": [entry("SNYK-1", "x", "1"), entry("SNYK-1", "x", "2"), entry("SNYK-1", "y", "1"), entry("SNYK-2", "x", "1")]},
        {"ok": false, "packageManager": "npm", "projectName": "b", "displayTargetFile": "b/package.json",
         "vulnerabilities": [entry("SNYK-1", "x", "1")]}
    ]);
    let out = parse_value(&v);
    assert_eq!(out.findings.len(), 5);
    let unique: BTreeSet<String> = ids(&out).into_iter().collect();
    assert_eq!(unique.len(), 5);
}

#[test]
fn leading_lines_before_the_json_are_skipped() {
    let mut bytes = b"Testing /app...\n".to_vec();
    bytes.extend(testdata(ONE));
    assert_eq!(ids(&parse(&bytes)), ids(&parse(&testdata(ONE))));
}

#[test]
fn bad_input_is_a_report_error() {
    // empty
    let e = error(b"");
    assert_eq!(e.location, Location::Document);
    assert!(e.message.contains("empty"), "{e}");

    // truncated
    let full = testdata(GROUPED);
    let e = error(&full[..full.len() / 3]);
    assert!(e.message.contains("truncated"), "{e}");
    assert!(
        matches!(e.location, Location::Json { line, .. } if line > 1),
        "{e}"
    );

    // wrong types
    let e = error(br#"{"ok": false, "packageManager": "npm", "vulnerabilities": [{"id": "A", "severity": 3}]}"#);
    assert_eq!(json_path(&e), "$.vulnerabilities[0].severity");
    let e = error(br#"{"ok": false, "packageManager": "npm", "vulnerabilities": {"id": "A"}}"#);
    assert_eq!(json_path(&e), "$.vulnerabilities");
    let e = error(
        br#"[{"ok": true, "packageManager": "npm", "vulnerabilities": []},
             {"ok": false, "packageManager": "npm", "vulnerabilities": [{"id": "A", "from": [["app", 7]]}]}]"#,
    );
    assert_eq!(json_path(&e), "$[1].vulnerabilities[0].from[0][1]");
    let e = error(br#"{"ok": false, "packageManager": "npm", "vulnerabilities": [{"id": "A", "cvssScore": "high"}]}"#);
    assert_eq!(json_path(&e), "$.vulnerabilities[0].cvssScore");
    let e = error(b"\"snyk\"");
    assert_eq!(json_path(&e), "$");

    // another tool's report
    let anchore = br#"{"imageDigest": "sha256:x", "vulnerability_type": "all",
                       "vulnerabilities": [{"vuln": "CVE-1", "package": "a-1", "severity": "High"}]}"#;
    let e = error(anchore);
    assert_eq!(json_path(&e), "$");
    assert!(e.message.contains("not a Snyk test result"), "{e}");
    let ecr = testdata("ecr/ecr-basic-awscli-v1-example-epoch-timestamps.json");
    assert!(error(&ecr).message.contains("not a Snyk test result"));
    let e = error(br#"[{"matches": []}]"#);
    assert_eq!(json_path(&e), "$[0]");
}

#[test]
fn detect_recognises_snyk_reports_only() {
    for file in files() {
        assert!(asff_snyk::detect(&sniff(&testdata(&file))), "{file}");
    }
    // no other tool's real report (the facade's detection test checks every other tool's
    // testdata against every registered tool)
    for (dir, p) in asff_testkit::corpus_files() {
        if dir != "snyk" {
            let bytes = std::fs::read(&p).unwrap();
            assert!(!asff_snyk::detect(&sniff(&bytes)), "{}", p.display());
        }
    }
    for doc in [
        r#"{"imageDigest": "sha256:x", "vulnerabilities": [], "vulnerability_type": "all"}"#,
        r#"{"metadata": {}, "securityEvaluation": []}"#,
        r#"{"matches": [], "source": {}, "distro": {}, "descriptor": {}}"#,
        r#"{"imageScanFindings": {}, "registryId": "1", "repositoryName": "r"}"#,
        r#"{"reportSchema": "1.1", "scanInfo": {}, "projectInfo": {}, "dependencies": []}"#,
        r#"{"totals": {}, "files": [], "errors": []}"#,
        r#"{"@version": "2.9.0", "@generated": "x", "site": []}"#,
        r#"{"paging": {}, "issues": [], "components": []}"#,
        r#"{"vulnerabilities": []}"#,
        r#"{"ok": true, "vulnerabilities": [], "infrastructureAsCodeIssues": [], "packageManager": "k8sconfig"}"#,
        r#"{"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0", "runs": []}"#,
    ] {
        assert!(!asff_snyk::detect(&sniff(doc.as_bytes())), "{doc}");
    }
}

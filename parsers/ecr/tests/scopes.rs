//! The scopes an ECR report speaks for, and when it may not cover them whole (the finding
//! lifecycle archives in the scopes of complete reports only).

#![cfg(test)]

use asff_core::id::generator_id;
use asff_core::{ParseOutput, Scope};
use asff_testkit::{assert_covered, context, only_scope, testdata, testdata_files};
use serde_json::{json, Value};

const BASIC: &str = "ecr/ecr-basic-awscli-v1-example-epoch-timestamps.json";
const OLD_CLI: &str = "ecr/ecr-enhanced-old-cli-2.4.1-active-no-enhancedFindings-issue6759.json";

fn parse_value(v: &Value) -> ParseOutput {
    asff_ecr::parse(&serde_json::to_vec(v).unwrap(), &context()).unwrap_or_else(|e| panic!("{e}"))
}

/// The basic report with no findings: a clean image.
fn clean() -> Value {
    let mut v: Value = serde_json::from_slice(&testdata(BASIC)).unwrap();
    v["imageScanFindings"]["findings"] = json!([]);
    v["imageScanFindings"]["findingSeverityCounts"] = json!({});
    v
}

fn sample_repo() -> String {
    generator_id(
        "ecr",
        &Scope::image("123456789012.dkr.ecr.us-east-1.amazonaws.com/sample-repo"),
    )
}

#[test]
fn a_clean_report_covers_the_repository() {
    let out = parse_value(&clean());
    assert!(out.findings.is_empty());
    assert_eq!(only_scope(&out), sample_repo());
    assert!(out.incomplete.is_empty(), "{:?}", out.incomplete);
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
}

#[test]
fn the_clean_scope_is_the_one_of_the_findings() {
    let out = asff_ecr::parse(&testdata(BASIC), &context()).unwrap();
    assert!(!out.findings.is_empty());
    assert_eq!(only_scope(&out), sample_repo());
}

#[test]
fn a_clean_report_without_repository_covers_nothing_and_says_so() {
    let mut v = clean();
    v.as_object_mut().unwrap().remove("repositoryName");
    let out = parse_value(&v);
    assert!(out.scopes.is_empty());
    assert!(
        out.warnings.iter().any(|w| w.contains("scope is unknown")),
        "{:?}",
        out.warnings
    );
}

#[test]
fn an_old_cli_report_of_enhanced_scanning_is_incomplete() {
    let out = asff_ecr::parse(&testdata(OLD_CLI), &context()).unwrap();
    assert_eq!(out.scopes.len(), 1);
    assert_eq!(out.incomplete.len(), 1, "{:?}", out.warnings);
    assert!(out.incomplete[0].contains("enhancedFindings"));
    assert!(out.warnings.contains(&out.incomplete[0]));
}

#[test]
fn a_next_token_a_failed_scan_and_missing_findings_are_incomplete() {
    let mut v = clean();
    v["nextToken"] = json!("abc");
    let out = parse_value(&v);
    assert_eq!(out.incomplete.len(), 1, "{:?}", out.warnings);
    assert!(out.incomplete[0].contains("nextToken"));

    let mut v = clean();
    v["imageScanStatus"]["status"] = json!("FAILED");
    let out = parse_value(&v);
    assert_eq!(out.incomplete.len(), 1, "{:?}", out.warnings);
    assert!(out.incomplete[0].contains("FAILED"));

    let mut v = clean();
    v["imageScanFindings"]["findingSeverityCounts"] = json!({"HIGH": 2});
    let out = parse_value(&v);
    assert_eq!(out.incomplete.len(), 1, "{:?}", out.warnings);
    assert!(out.incomplete[0].contains("findingSeverityCounts"));
}

#[test]
fn every_testdata_report_covers_its_findings_scopes() {
    for file in testdata_files("ecr", &["json"]) {
        let out = asff_ecr::parse(&testdata(&file), &context()).unwrap();
        assert_covered(&out);
        assert_eq!(
            out.incomplete.is_empty(),
            file != OLD_CLI,
            "{file}: {:?}",
            out.incomplete
        );
    }
}

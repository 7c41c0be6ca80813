//! The scope a SonarQube report speaks for, and when it may not cover it whole (the finding
//! lifecycle archives in the scopes of complete reports only).

#![cfg(test)]

use asff_core::id::generator_id;
use asff_core::ParseOutput;
use asff_testkit::{assert_covered, context, only_scope, testdata, testdata_files};
use serde_json::json;

fn parse(bytes: &[u8]) -> ParseOutput {
    asff_sonarqube::parse(bytes, &context()).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_clean_report_covers_the_repository() {
    let out = parse(&testdata(
        "sonarqube/defectdojo-findings_over_api_empty.json",
    ));
    assert!(out.findings.is_empty());
    assert_eq!(
        only_scope(&out),
        generator_id("sonarqube", &context().code_scope().unwrap())
    );
    assert!(out.incomplete.is_empty(), "{:?}", out.incomplete);
}

#[test]
fn fewer_records_than_paging_total_mark_the_report_incomplete() {
    let out = parse(&testdata(
        "sonarqube/handwritten-issues-search-legacy-8x-incomplete.json",
    ));
    assert_eq!(out.incomplete.len(), 1, "{:?}", out.warnings);
    assert!(out.incomplete[0].contains("12 of the 13 issues"));
    assert!(out.warnings.contains(&out.incomplete[0]));
}

#[test]
fn a_key_repeated_across_pages_marks_the_report_incomplete() {
    let out = parse(&testdata(
        "sonarqube/handwritten-issues-search-paged-array.json",
    ));
    assert_eq!(out.incomplete.len(), 1, "{:?}", out.warnings);
    assert!(out.incomplete[0].contains("appears 2 times"));
}

#[test]
fn an_empty_array_of_pages_is_incomplete() {
    let out = parse(b"[]");
    assert_eq!(out.incomplete.len(), 1, "{:?}", out.warnings);
}

#[test]
fn a_missing_severity_is_harmless() {
    let page = json!({
        "paging": {"pageIndex": 1, "pageSize": 100, "total": 1},
        "issues": [{"key": "AY1", "rule": "java:S100", "component": "app:src/A.java",
                    "project": "app", "message": "Something is wrong.", "status": "OPEN"}]
    });
    let out = parse(page.to_string().as_bytes());
    assert_eq!(out.findings.len(), 1);
    assert!(
        out.warnings.iter().any(|w| w.contains("no severity")),
        "{:?}",
        out.warnings
    );
    assert!(out.incomplete.is_empty(), "{:?}", out.incomplete);
}

#[test]
fn every_testdata_report_covers_its_findings_scopes() {
    for file in testdata_files("sonarqube", &["json"]) {
        let out = parse(&testdata(&file));
        assert_covered(&out);
        assert_eq!(out.scopes.len(), 1, "{file}");
    }
}

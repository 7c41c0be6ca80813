//! The scope a PHPStan report speaks for, and when it may not cover it whole (the finding
//! lifecycle archives in the scopes of complete reports only).

#![cfg(test)]

use asff_core::id::generator_id;
use asff_core::ParseOutput;
use asff_testkit::{assert_covered, context, only_scope, testdata, testdata_files};
use serde_json::{json, Value};

fn parse(bytes: &[u8]) -> ParseOutput {
    asff_phpstan::parse(bytes, &context()).unwrap_or_else(|e| panic!("{e}"))
}

fn parse_value(v: &Value) -> ParseOutput {
    parse(v.to_string().as_bytes())
}

#[test]
fn a_clean_report_covers_the_repository() {
    let out = parse(&testdata(
        "phpstan/phpstan-src-tests/expected-no-errors.json",
    ));
    assert!(out.findings.is_empty());
    assert_eq!(
        only_scope(&out),
        generator_id("phpstan", &context().code_scope().unwrap())
    );
    assert!(out.incomplete.is_empty());
}

#[test]
fn an_unmatched_ignore_pattern_is_harmless() {
    let out = parse(&testdata("phpstan/handwritten-stdout-with-note-line.json"));
    assert_eq!(out.warnings.len(), 1, "{:?}", out.warnings);
    assert!(out.incomplete.is_empty(), "{:?}", out.incomplete);
}

#[test]
fn other_general_errors_mark_the_report_incomplete() {
    let out = parse(&testdata(
        "phpstan/phpstan-src-tests/expected-one-generic-error.json",
    ));
    assert_eq!(
        out.incomplete,
        vec!["PHPStan general error: first generic error".to_string()]
    );
    assert_eq!(out.warnings, out.incomplete);
    assert_eq!(out.scopes.len(), 1);
}

#[test]
fn fewer_messages_than_counted_mark_the_report_incomplete() {
    let message = json!({"message": "A", "line": 1, "ignorable": true});
    let out = parse_value(&json!({
        "totals": {"errors": 0, "file_errors": 2},
        "files": {"/app/a.php": {"errors": 1, "messages": [message]}},
        "errors": []
    }));
    assert_eq!(out.incomplete.len(), 1, "{:?}", out.warnings);
    assert!(out.incomplete[0].contains("totals.file_errors"));
    let out = parse_value(&json!({
        "totals": {"errors": 0, "file_errors": 1},
        "files": {"/app/a.php": {"errors": 2, "messages": [message]}},
        "errors": []
    }));
    assert_eq!(out.incomplete.len(), 1, "{:?}", out.warnings);
    assert!(out.incomplete[0].contains("/app/a.php"));
    // more listed than counted: odd, but nothing is missing
    let out = parse_value(&json!({
        "totals": {"errors": 0, "file_errors": 0},
        "files": {"/app/a.php": {"errors": 0, "messages": [message]}},
        "errors": []
    }));
    assert_eq!(out.warnings.len(), 2, "{:?}", out.warnings);
    assert!(out.incomplete.is_empty(), "{:?}", out.incomplete);
}

#[test]
fn every_testdata_report_covers_its_findings_scopes() {
    for file in testdata_files("phpstan", &["json"]) {
        let out = parse(&testdata(&file));
        assert_covered(&out);
        assert_eq!(out.scopes.len(), 1, "{file}");
    }
}

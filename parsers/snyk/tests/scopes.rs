//! The scopes a Snyk report speaks for, and when it may not cover them whole (the finding
//! lifecycle archives in the scopes of complete reports only).

#![cfg(test)]

use asff_core::id::generator_id;
use asff_core::{ParseOutput, Scope};
use asff_testkit::{assert_covered, context, only_scope, testdata, testdata_files};
use serde_json::{json, Value};

const GROUPED: &str = "snyk/snyk-cli-container-test-json-app-vulns-grouped.json";
const NONE: &str = "snyk/defectdojo-single_project_no_vulns.json";
const HAND_ERROR: &str = "snyk/handwritten-all-projects-with-error.json";

fn parse(bytes: &[u8]) -> ParseOutput {
    asff_snyk::parse(bytes, &context()).unwrap_or_else(|e| panic!("{e}"))
}

/// The container result of `GROUPED` without any issue.
fn clean_container() -> Value {
    let mut v: Value = serde_json::from_slice(&testdata(GROUPED)).unwrap();
    v["vulnerabilities"] = json!([]);
    for app in v["applications"].as_array_mut().unwrap() {
        app["vulnerabilities"] = json!([]);
    }
    v
}

#[test]
fn a_clean_project_covers_the_repository() {
    let out = parse(&testdata(NONE));
    assert!(out.findings.is_empty());
    assert_eq!(
        only_scope(&out),
        generator_id("snyk", &context().code_scope().unwrap())
    );
    assert!(out.incomplete.is_empty(), "{:?}", out.incomplete);
}

#[test]
fn a_clean_container_result_covers_its_image_not_the_repository() {
    let out = parse(&serde_json::to_vec(&clean_container()).unwrap());
    assert!(out.findings.is_empty());
    assert_eq!(
        only_scope(&out),
        generator_id("snyk", &Scope::image("cli-grouping"))
    );
    // the same scope as the report's findings
    let with = parse(&testdata(GROUPED));
    assert_eq!(only_scope(&with), only_scope(&out));
}

#[test]
fn a_clean_container_result_naming_no_image_covers_nothing() {
    let mut v = clean_container();
    v.as_object_mut().unwrap().remove("path");
    v.as_object_mut().unwrap().remove("projectName");
    let out = parse(&serde_json::to_vec(&v).unwrap());
    assert!(out.scopes.is_empty(), "{:?}", out.scopes);
    assert!(
        out.warnings.iter().any(|w| w.contains("scope is unknown")),
        "{:?}",
        out.warnings
    );
    // unless the pipeline names the image
    let ctx = context().with_image(Some("registry.example/app:1".into()));
    let out = asff_snyk::parse(&serde_json::to_vec(&v).unwrap(), &ctx).unwrap();
    assert_eq!(
        only_scope(&out),
        generator_id("snyk", &Scope::image("registry.example/app"))
    );
}

#[test]
fn a_project_with_an_error_marks_the_report_incomplete() {
    let out = parse(&testdata(HAND_ERROR));
    assert_eq!(out.incomplete.len(), 1, "{:?}", out.warnings);
    assert!(out.incomplete[0].contains("NOT known to be clean"));
    assert!(out.warnings.contains(&out.incomplete[0]));
    assert_eq!(
        only_scope(&out),
        generator_id("snyk", &context().code_scope().unwrap())
    );
}

#[test]
fn every_testdata_report_covers_its_findings_scopes() {
    for file in testdata_files("snyk", &["json"]) {
        let out = parse(&testdata(&file));
        assert_covered(&out);
        assert_eq!(
            out.incomplete.is_empty(),
            file != HAND_ERROR,
            "{file}: {:?}",
            out.incomplete
        );
    }
}

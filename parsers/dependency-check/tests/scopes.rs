//! The scopes a Dependency-Check report speaks for (the finding lifecycle archives in them).

#![cfg(test)]

use asff_core::id::generator_id;
use asff_testkit::{assert_covered, context, only_scope, testdata, testdata_files};

#[test]
fn a_clean_report_covers_the_repository() {
    let ctx = context();
    let out =
        asff_dependency_check::parse(&testdata("dependency-check/defectdojo-dc_empty.xml"), &ctx)
            .unwrap();
    assert!(out.findings.is_empty());
    assert_eq!(
        only_scope(&out),
        generator_id("dependency-check", &ctx.code_scope().unwrap())
    );
    assert!(out.incomplete.is_empty());
}

#[test]
fn a_clean_report_covers_the_repository_also_with_an_image() {
    let ctx = context().with_image(Some("registry.example/app:1.0".into()));
    let out =
        asff_dependency_check::parse(&testdata("dependency-check/defectdojo-dc_empty.xml"), &ctx)
            .unwrap();
    assert_eq!(
        only_scope(&out),
        generator_id("dependency-check", &ctx.code_scope().unwrap())
    );
}

#[test]
fn every_testdata_report_covers_its_findings_scopes() {
    for file in testdata_files("dependency-check", &["json", "xml"]) {
        let out = asff_dependency_check::parse(&testdata(&file), &context()).unwrap();
        assert_covered(&out);
        assert_eq!(out.scopes.len(), 1, "{file}");
    }
}

#[test]
fn analysis_exceptions_mark_the_report_incomplete() {
    let out = asff_dependency_check::parse(
        &testdata("dependency-check/handwritten-4.1-kev-cvssv4.xml"),
        &context(),
    )
    .unwrap();
    assert_eq!(out.incomplete.len(), 1, "{:?}", out.warnings);
    assert!(out.incomplete[0].contains("analysis exception"));
    assert!(out.warnings.contains(&out.incomplete[0]));
}

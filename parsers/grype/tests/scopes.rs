//! The scopes a Grype report speaks for (the finding lifecycle archives in them).

#![cfg(test)]

use asff_core::id::generator_id;
use asff_core::Scope;
use asff_testkit::{assert_covered, context, only_scope, testdata, testdata_files};
use serde_json::Value;

fn parse(bytes: &[u8], ctx: &asff_core::Context) -> asff_core::ParseOutput {
    asff_grype::parse(bytes, ctx).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_clean_image_scan_covers_the_image_from_the_report() {
    let bytes = testdata("grype/defectdojo-no_vuln.json");
    let out = parse(&bytes, &context());
    assert!(out.findings.is_empty());
    let busybox = generator_id("grype", &Scope::image("busybox:latest"));
    assert_eq!(only_scope(&out), busybox);
    assert!(out.incomplete.is_empty());
    // not the repository's scope, and the report's image wins over the pipeline's
    assert_ne!(
        busybox,
        generator_id("grype", &context().code_scope().unwrap())
    );
    let ctx = context().with_image(Some("registry.example/other:1".into()));
    assert_eq!(only_scope(&parse(&bytes, &ctx)), busybox);
}

#[test]
fn a_clean_directory_scan_covers_the_repository() {
    let mut v: Value = serde_json::from_slice(&testdata(
        "grype/handwritten-directory-epss-kev-ignored.json",
    ))
    .unwrap();
    v["matches"] = Value::Array(Vec::new());
    v["ignoredMatches"] = Value::Array(Vec::new());
    let ctx = context().with_image(Some("registry.example/app:1".into()));
    let out = parse(&serde_json::to_vec(&v).unwrap(), &ctx);
    assert!(out.findings.is_empty());
    assert_eq!(
        only_scope(&out),
        generator_id("grype", &ctx.code_scope().unwrap())
    );
}

#[test]
fn every_testdata_report_covers_its_findings_scopes() {
    for file in testdata_files("grype", &["json"]) {
        let out = parse(&testdata(&file), &context());
        assert_covered(&out);
        assert_eq!(out.scopes.len(), 1, "{file}");
        assert!(out.incomplete.is_empty(), "{file}: {:?}", out.incomplete);
    }
}

//! The scopes an Anchore report speaks for (the finding lifecycle archives in them).

#![cfg(test)]

use asff_core::id::generator_id;
use asff_core::{Context, ParseOutput, Scope};
use asff_testkit::{assert_covered, context, only_scope, testdata, testdata_files};

const NONE: &str = "anchore/defectdojo-engine-no_vuln.json";
const DIGEST: &str = "sha256:xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";

fn parse(file: &str, ctx: &Context) -> ParseOutput {
    asff_anchore::parse(&testdata(file), ctx).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn with_image(image: &str) -> Context {
    context().with_image(Some(image.to_string()))
}

#[test]
fn a_clean_engine_report_covers_the_given_image() {
    let out = parse(NONE, &with_image("registry.example.com/team/app:1.4"));
    assert!(out.findings.is_empty());
    assert_eq!(
        only_scope(&out),
        generator_id("anchore", &Scope::image("registry.example.com/team/app"))
    );
    assert!(out.incomplete.is_empty());
}

#[test]
fn a_clean_engine_report_without_image_covers_its_digest() {
    let out = parse(NONE, &context());
    assert!(out.findings.is_empty());
    assert_eq!(only_scope(&out), format!("anchore/{DIGEST}"));
    assert!(
        out.incomplete.is_empty(),
        "a digest scope is complete: {:?}",
        out.incomplete
    );
}

#[test]
fn an_image_reference_with_another_digest_marks_the_report_incomplete() {
    let out = parse(NONE, &with_image("app@sha256:other"));
    assert_eq!(out.incomplete.len(), 1, "{:?}", out.warnings);
    assert!(out.incomplete[0].contains("sha256:other"));
    assert!(out.warnings.contains(&out.incomplete[0]));
    let out = parse(NONE, &with_image(&format!("app@{DIGEST}")));
    assert!(out.incomplete.is_empty(), "{:?}", out.incomplete);
}

#[test]
fn every_testdata_report_covers_its_findings_scopes() {
    for ctx in [context(), with_image("registry.example.com/team/app:1.4")] {
        for file in testdata_files("anchore", &["json"]) {
            let out = parse(&file, &ctx);
            assert_covered(&out);
            assert_eq!(out.scopes.len(), 1, "{file}");
            assert!(out.incomplete.is_empty(), "{file}: {:?}", out.incomplete);
        }
    }
}

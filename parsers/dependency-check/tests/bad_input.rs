//! Bad input: every class is a `ReportError` naming the format, the place and the problem.

#![cfg(test)]

use asff_core::sniff::sniff;
use asff_core::{Location, ReportError};
use asff_testkit::json_path;
use asff_testkit::{context, testdata, testdata_files};

fn err(bytes: &[u8]) -> ReportError {
    let e = asff_dependency_check::parse(bytes, &context()).expect_err("must be rejected");
    assert_eq!(e.format, "dependency-check");
    assert!(
        e.to_string().starts_with("dependency-check report: at "),
        "{e}"
    );
    e
}

fn xml_path(e: &ReportError) -> (&str, u64) {
    match &e.location {
        Location::Xml { path, offset } => (path, *offset),
        other => panic!("expected an XML location, got {other:?} ({e})"),
    }
}

#[test]
fn empty_reports() {
    for doc in [&b""[..], b"   \n\t", b"\xEF\xBB\xBF"] {
        let e = err(doc);
        assert_eq!(e.location, Location::Document);
        assert!(e.message.contains("empty"), "{e}");
    }
}

#[test]
fn truncated_json() {
    let full = testdata("dependency-check/dc-7.4.4-schemaspy-maven-plugin.json");
    for cut in [1, 100, full.len() / 2, full.len() - 1] {
        let e = err(&full[..cut]);
        let path = json_path(&e);
        assert!(path.starts_with('$'), "{path}");
        assert!(e.message.contains("ends too early"), "{cut}: {e}");
        match e.location {
            Location::Json { line, column, .. } => assert!(line >= 1 && column >= 1),
            _ => unreachable!(),
        }
    }
    let e = err(&full[..full.len() / 2]);
    assert!(json_path(&e).starts_with("$.dependencies["), "{e}");
}

#[test]
fn truncated_xml() {
    let full =
        testdata("dependency-check/defectdojo-multiple_vulnerabilities_has_multiple_findings.xml");
    let cut = full.len() / 2;
    let e = err(&full[..cut]);
    let (path, offset) = xml_path(&e);
    assert!(
        path.starts_with("/analysis/dependencies/dependency["),
        "{path}"
    );
    assert!(offset > 0 && offset <= cut as u64, "{offset}");
    assert!(e.message.contains("truncated"), "{e}");
    // cut inside a tag
    let e = err(b"<analysis><dependencies><dependency><fileName>a</file");
    assert!(
        xml_path(&e)
            .0
            .starts_with("/analysis/dependencies/dependency[1]"),
        "{e}"
    );
    // only the prolog
    let e = err(b"<?xml version=\"1.0\"?>\n");
    assert!(e.message.contains("no root element"), "{e}");
}

#[test]
fn wrong_types() {
    let e = err(br#"{"reportSchema":"1.1","scanInfo":{},"dependencies":5}"#);
    assert_eq!(json_path(&e), "$.dependencies");
    assert!(e.message.contains("invalid type"), "{e}");

    let e = err(br#"{"reportSchema":"1.1","dependencies":[{"fileName":"a.jar","vulnerabilities":[{"name":5}]}]}"#);
    assert_eq!(json_path(&e), "$.dependencies[0].vulnerabilities[0].name");

    let e = err(br#"{"reportSchema":"1.1","dependencies":[{"vulnerabilities":[{"name":"CVE-1","cvssv3":{"baseScore":{}}}]}]}"#);
    assert_eq!(
        json_path(&e),
        "$.dependencies[0].vulnerabilities[0].cvssv3.baseScore"
    );

    let e = err(
        br#"{"reportSchema":"1.1","dependencies":[{"vulnerabilities":[{"severity":"HIGH"}]}]}"#,
    );
    assert_eq!(json_path(&e), "$.dependencies[0].vulnerabilities[0]");
    assert!(e.message.contains("name"), "{e}");

    let e = err(br#"[1, 2, 3]"#);
    assert!(json_path(&e).starts_with('$'), "{e}");
    let e = err(br#""a string""#);
    assert_eq!(json_path(&e), "$");

    // XML: a vulnerability without a name
    let e = err(br#"<analysis><dependencies><dependency><vulnerabilities><vulnerability source="NVD"><severity>HIGH</severity></vulnerability></vulnerabilities></dependency></dependencies></analysis>"#);
    assert_eq!(
        xml_path(&e).0,
        "/analysis/dependencies/dependency[1]/vulnerabilities/vulnerability[1]"
    );
}

#[test]
fn another_tools_report() {
    // Grype: no `dependencies`
    let e = err(&testdata("grype/defectdojo-no_vuln.json"));
    assert_eq!(json_path(&e), "$");
    assert!(e.message.contains("dependencies"), "{e}");
    // dependencies, but none of the Dependency-Check top-level keys
    let e = err(br#"{"dependencies":[]}"#);
    assert_eq!(json_path(&e), "$");
    assert!(e.message.contains("not a Dependency-Check report"), "{e}");
    // ZAP XML
    let e = err(&testdata("zap/defectdojo-0_zap_sample.xml"));
    assert!(e.message.contains("OWASPZAPReport"), "{e}");
    // an `analysis` root without dependencies
    let e = err(b"<analysis><something/></analysis>");
    assert_eq!(xml_path(&e).0, "/analysis");
}

#[test]
fn hostile_or_broken_xml() {
    // no DTD entity is ever expanded
    let e = err(br#"<?xml version="1.0"?><!DOCTYPE analysis [<!ENTITY x "expanded">]>
<analysis><dependencies><dependency><fileName>&x;</fileName></dependency></dependencies></analysis>"#);
    assert!(xml_path(&e).0.ends_with("/fileName"), "{e}");
    // not UTF-8
    let e = err(b"<analysis><dependencies><dependency><fileName>\xff\xfe</fileName></dependency></dependencies></analysis>");
    assert!(e.message.contains("UTF-8"), "{e}");
    // mismatched end tag
    let e = err(b"<analysis><dependencies></analysis>");
    assert!(e.message.contains("malformed XML"), "{e}");
    // absurd nesting of known elements is refused instead of overflowing the stack
    let deep = format!(
        "<analysis><dependencies><dependency><identifiers>{}",
        "<identifiers>".repeat(10_000)
    );
    let e = err(deep.as_bytes());
    assert!(e.message.contains("nested too deeply"), "{e}");
}

#[test]
fn detect_recognises_every_dependency_check_report() {
    for file in testdata_files("dependency-check", &["json", "xml"]) {
        let s = sniff(&testdata(&file));
        assert!(asff_dependency_check::detect(&s), "{file}: {s}");
    }
    assert!(asff_dependency_check::detect(&sniff(
        br#"<analysis><dependencies/></analysis>"#
    )));
}

#[test]
fn detect_rejects_other_tools_reports() {
    let root = asff_testkit::root().join("testdata");
    let mut checked = 0;
    for entry in std::fs::read_dir(&root).unwrap().flatten() {
        let tool = entry.file_name().to_string_lossy().into_owned();
        if tool == "dependency-check" || !entry.path().is_dir() {
            continue;
        }
        for file in testdata_files(&tool, &["json", "xml"]) {
            let s = sniff(&testdata(&file));
            assert!(
                !asff_dependency_check::detect(&s),
                "{file} was claimed: {s}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} other reports found");
    for doc in [
        &br#"{"vulnerabilities":[],"dependencyCount":3}"#[..],
        br#"{"dependencies":[]}"#,
        br#"<analysis xmlns="http://example.com/other.xsd"><dependencies/></analysis>"#,
        br#"<report><dependencies/></report>"#,
        b"",
    ] {
        assert!(!asff_dependency_check::detect(&sniff(doc)));
    }
}

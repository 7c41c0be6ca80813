//! Bad input is a ReportError that names the format, the place and what was wrong.

#![cfg(test)]

use asff_core::report::Location;
use asff_core::ReportError;
use asff_testkit::json_path;
use asff_testkit::{context, testdata};

fn err(bytes: &[u8]) -> ReportError {
    let e = asff_sonarqube::parse(bytes, &context()).expect_err("must fail");
    assert_eq!(e.format, "sonarqube");
    assert!(e.to_string().starts_with("sonarqube report: at "), "{e}");
    e
}

#[test]
fn empty_reports() {
    for doc in [&b""[..], b"  \n\t", b"\xEF\xBB\xBF"] {
        let e = err(doc);
        assert_eq!(e.location, Location::Document, "{e}");
        assert!(e.message.contains("empty"), "{e}");
    }
}

#[test]
fn truncated_reports() {
    let full = testdata("sonarqube/sq-webapi-example-hotspots-search.json");
    for cut in [full.len() / 2, full.len() - 3, 1] {
        let e = err(&full[..cut]);
        assert!(e.message.contains("ends too early"), "{e}");
        json_path(&e);
        assert!(
            matches!(e.location, Location::Json { line, .. } if line > 0),
            "{e}"
        );
    }
    let full = testdata("sonarqube/handwritten-issues-search-paged-array.json");
    let e = err(&full[..full.len() - 40]);
    assert!(e.message.contains("ends too early"), "{e}");
    assert!(
        matches!(e.location, Location::Json { line, .. } if line > 100),
        "{e}"
    );
}

#[test]
fn wrong_types_name_the_json_path() {
    let e = err(br#"{"paging":{"total":1},"issues":[{"key":"A","line":"12"}]}"#);
    assert_eq!(json_path(&e), "$.issues[0].line");
    assert!(e.message.contains("invalid type"), "{e}");

    let e = err(br#"[{"issues":[]},{"issues":[{"key":7}]}]"#);
    assert_eq!(json_path(&e), "$[1].issues[0].key");

    let e = err(br#"{"paging":{"total":1},"hotspots":[{"key":"H","textRange":{"startLine":-1}}]}"#);
    assert_eq!(json_path(&e), "$.hotspots[0].textRange.startLine");

    let e = err(br#"{"issues":{"key":"A"}}"#);
    assert_eq!(json_path(&e), "$.issues");

    let e = err(br#"{"issues":[{"rule":"java:S1"}]}"#);
    assert!(e.message.contains("missing field `key`"), "{e}");
    assert_eq!(json_path(&e), "$.issues[0]");

    let e = err(br#"[1, 2]"#);
    assert_eq!(json_path(&e), "$[0]");

    let e =
        err(br#"{"issues":[{"key":"A","impacts":[{"softwareQuality":"SECURITY","severity":3}]}]}"#);
    assert_eq!(json_path(&e), "$.issues[0].impacts[0].severity");
}

#[test]
fn syntax_errors_have_line_and_column() {
    let e = err(b"{\n  \"issues\": [\n    {\"key\": \"A\",}\n  ]\n}");
    match e.location {
        Location::Json { line, column, .. } => assert_eq!((line, column), (3, 17)),
        other => panic!("{other:?}"),
    }
}

#[test]
fn other_tools_reports_are_refused() {
    // PHPStan
    let e = err(br#"{"totals":{"errors":0,"file_errors":0},"files":[],"errors":[]}"#);
    assert_eq!(json_path(&e), "$");
    assert!(e.message.contains("neither `issues` nor `hotspots`"), "{e}");
    // Grype
    let e = err(
        br#"{"matches":[],"source":{"type":"image"},"distro":{},"descriptor":{"name":"grype"}}"#,
    );
    assert_eq!(json_path(&e), "$");
    // an array of ASFF findings
    let e = err(br#"[{"SchemaVersion":"2018-10-08","Id":"x"}]"#);
    assert_eq!(json_path(&e), "$[0]");
    // XML (ZAP, Dependency-Check)
    let e = err(b"<?xml version=\"1.0\"?><OWASPZAPReport version=\"2.9.0\"></OWASPZAPReport>");
    assert!(
        matches!(
            e.location,
            Location::Json {
                line: 1,
                column: 1,
                ..
            }
        ),
        "{e}"
    );
    // the second page of an array is another tool's
    let e = err(br#"[{"issues":[]},{"matches":[]}]"#);
    assert_eq!(json_path(&e), "$[1]");
}

//! Bad input is a ReportError that names the format, the place and what was wrong.

#![cfg(test)]

use asff_core::report::Location;
use asff_core::ReportError;
use asff_testkit::json_path;
use asff_testkit::{context, testdata};

fn err(bytes: &[u8]) -> ReportError {
    let e = asff_phpstan::parse(bytes, &context()).expect_err("must fail");
    assert_eq!(e.format, "phpstan");
    assert!(e.to_string().starts_with("phpstan report: at "), "{e}");
    e
}

#[test]
fn empty_reports() {
    for doc in [&b""[..], b" \n\n", b"\xEF\xBB\xBF\n"] {
        let e = err(doc);
        assert_eq!(e.location, Location::Document, "{e}");
        assert!(e.message.contains("empty"), "{e}");
    }
}

#[test]
fn output_without_json() {
    let e = err(b"PHP Fatal error:  Allowed memory size of 134217728 bytes exhausted\n");
    assert_eq!(e.location, Location::Document);
    assert!(
        e.message
            .contains("not PHPStan's --error-format=json output"),
        "{e}"
    );
    assert!(e.message.contains("PHP Fatal error"), "{e}");
}

#[test]
fn truncated_reports() {
    let full = testdata("phpstan/phpstan-2.1.42-maphapay-backoffice.json");
    let e = err(&full[..full.len() / 3]);
    assert!(e.message.contains("ends too early"), "{e}");
    json_path(&e);
    // after a leading note line, line numbers are those of the whole output
    let full = testdata("phpstan/handwritten-stdout-with-note-line.json");
    let e = err(&full[..full.len() - 20]);
    assert!(e.message.contains("ends too early"), "{e}");
    match e.location {
        Location::Json { line, .. } => assert_eq!(line, 2, "{e}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn wrong_types_name_the_json_path() {
    let e = err(br#"{"totals":{},"files":{"/app/a.php":{"errors":1,"messages":[{"message":"A","line":"12"}]}},"errors":[]}"#);
    assert_eq!(json_path(&e), "$.files./app/a.php.messages[0].line");
    assert!(e.message.contains("invalid type"), "{e}");

    let e = err(br#"{"totals":{},"files":{"/app/a.php":{"errors":1,"messages":[{"line":3}]}}}"#);
    assert!(e.message.contains("missing field `message`"), "{e}");
    assert_eq!(json_path(&e), "$.files./app/a.php.messages[0]");

    let e = err(br#"{"totals":{},"files":[{"errors":1}],"errors":[]}"#);
    assert!(e.message.contains("non-empty array"), "{e}");
    assert_eq!(json_path(&e), "$.files");

    let e = err(br#"{"totals":{},"files":"none","errors":[]}"#);
    assert_eq!(json_path(&e), "$.files");

    let e = err(br#"{"totals":{},"files":[],"errors":[{"message":"x"}]}"#);
    assert_eq!(json_path(&e), "$.errors[0]");

    let e = err(br#"{"totals":{"errors":"1"},"files":[],"errors":[]}"#);
    assert_eq!(json_path(&e), "$.totals.errors");
}

#[test]
fn other_tools_reports_are_refused() {
    // SonarQube
    let e = err(br#"{"paging":{"total":0},"issues":[]}"#);
    assert!(e.message.contains("missing field `files`"), "{e}");
    assert_eq!(json_path(&e), "$");
    // Grype
    let e = err(br#"{"matches":[],"source":{},"distro":{},"descriptor":{}}"#);
    assert!(e.message.contains("missing field `files`"), "{e}");
    // an array (Snyk --all-projects, ASFF)
    let e = err(br#"[{"vulnerabilities":[],"ok":true}]"#);
    assert_eq!(json_path(&e), "$");
    // XML
    let e = err(b"<?xml version=\"1.0\"?>\n<analysis xmlns=\"https://jeremylong.github.io/DependencyCheck/dependency-check.2.5.xsd\"/>");
    assert_eq!(e.location, Location::Document, "{e}");
}

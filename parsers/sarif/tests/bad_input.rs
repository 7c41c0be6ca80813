//! Logs that cannot be converted: each error names the format, the place and what was wrong.

#![cfg(test)]

use asff_core::Location;
use asff_testkit::{context, json_path};

fn error(doc: &str) -> asff_core::ReportError {
    match asff_sarif::parse(doc.as_bytes(), &context()) {
        Ok(out) => panic!("converted: {} findings", out.findings.len()),
        Err(e) => {
            assert_eq!(e.format, "sarif");
            e
        }
    }
}

#[test]
fn sarif_1_and_2_0_are_refused_with_what_they_are() {
    let e = error(r#"{"version": "1.0.0", "runs": [{"toolInfo": {"name": "x"}, "results": []}]}"#);
    assert_eq!(json_path(&e), "$.version");
    assert!(
        e.message
            .starts_with("SARIF 1.x (version \"1.0.0\") is not supported: only SARIF 2.1.0"),
        "{e}"
    );
    let e = error(
        r#"{"$schema": "http://json.schemastore.org/sarif-2.0.0", "version": "2.0.0", "runs": []}"#,
    );
    assert!(e.message.starts_with("SARIF 2.0 (version \"2.0.0\""), "{e}");
    let e = error(r#"{"version": "2.1.0-rtm.4", "runs": []}"#);
    assert!(e.message.contains("pre-release of SARIF 2.1.0"), "{e}");
    let e = error(r#"{"version": 2.1, "runs": []}"#);
    assert!(e.message.contains("expected the string \"2.1.0\""), "{e}");
    let e = error(r#"{"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "runs": []}"#);
    assert!(e.message.starts_with("no \"version\""), "{e}");
    assert!(e.message.contains("sarif-2.1.0.json"), "{e}");
}

#[test]
fn errors_name_the_json_path() {
    let e = error(
        r#"{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "A"}}, "results": [{"message": {"text": "m"}, "locations": [{"physicalLocation": {"region": {"startLine": "ten"}}}]}]}]}"#,
    );
    assert!(
        json_path(&e)
            .starts_with("$.runs[0].results[0].locations[0].physicalLocation.region.startLine"),
        "{e}"
    );
    let e = error(r#"{"version": "2.1.0", "runs": [{"tool": {"driver": {}}, "results": []}]}"#);
    assert!(json_path(&e).starts_with("$.runs[0].tool.driver"), "{e}");
    assert!(e.message.contains("name"), "{e}");
    let e = error(
        r#"{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "  "}}, "results": []}]}"#,
    );
    assert_eq!(json_path(&e), "$.runs[0].tool.driver.name");
    let e = error(r#"{"version": "2.1.0", "runs": {}}"#);
    assert_eq!(json_path(&e), "$.runs");
    let e = error("{\"version\": \"2.1.0\", \"runs\": [{\"tool\": ");
    assert!(e.message.contains("ends too early"), "{e}");
    let e = error("  ");
    assert_eq!(e.location, Location::Document);
}

#[test]
fn no_scope_is_an_error_of_the_context() {
    let ctx = asff_core::Context::new("123456789012", "us-east-1").unwrap();
    let e = asff_sarif::parse(br#"{"version": "2.1.0", "runs": []}"#, &ctx).unwrap_err();
    assert_eq!(e.location, Location::Context);
}

//! Golden snapshots: every report in testdata/sonarqube/ converts with the fixed context, the
//! findings are valid ASFF, and every record is accounted for.

#![cfg(test)]

use asff_testkit::{assert_accounted, assert_valid, context, testdata, testdata_files};
use serde_json::json;

#[test]
fn every_testdata_report_converts() {
    let files = testdata_files("sonarqube", &["json"]);
    assert!(files.len() >= 11, "{files:?}");
    for file in files {
        let out = asff_sonarqube::parse(&testdata(&file), &context())
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_valid(&out.findings);
        assert_accounted(&out);
        let name = file
            .trim_start_matches("sonarqube/")
            .trim_end_matches(".json");
        insta::assert_json_snapshot!(
            name,
            json!({
                "records": out.records,
                "skipped_by_reason": out.skipped_by_reason(),
                "warnings": out.warnings,
                "findings": out.findings,
            })
        );
    }
}

#[test]
fn with_a_server_url() {
    let opts = asff_sonarqube::Options {
        server_url: Some("https://sonar.example.com/sonar/".into()),
    };
    let out = asff_sonarqube::parse_with(
        &testdata("sonarqube/handwritten-issues-search-paged-array.json"),
        &context(),
        &opts,
    )
    .unwrap();
    assert_valid(&out.findings);
    assert_accounted(&out);
    insta::assert_json_snapshot!("paged-array-with-server-url", out.findings);
}

//! Golden snapshots: every report in testdata/trivy/ converts with the fixed context.

#![cfg(test)]

use asff_testkit::{
    assert_accounted, assert_covered, assert_valid, context, testdata, testdata_files,
};
use serde_json::json;

#[test]
fn every_testdata_report_converts() {
    let files = testdata_files("trivy", &["json"]);
    assert!(files.len() >= 14, "{files:?}");
    for file in files {
        let bytes = testdata(&file);
        let out = asff_trivy::parse(&bytes, &context()).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_valid(&out.findings);
        assert_accounted(&out);
        assert_covered(&out);
        let name = file
            .trim_start_matches("trivy/")
            .trim_end_matches(".json")
            .to_string();
        insta::assert_json_snapshot!(
            name,
            json!({
                "summary": {
                    "records": out.records,
                    "findings": out.findings.len(),
                    "skipped": out.skipped_by_reason(),
                    "warnings": out.warnings,
                    "incomplete": out.incomplete,
                    "scopes": out.scopes,
                },
                "findings": out.findings,
            })
        );
    }
}

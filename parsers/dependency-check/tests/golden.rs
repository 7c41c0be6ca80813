//! Golden snapshots of every Dependency-Check report in `testdata/dependency-check/`.

#![cfg(test)]

use asff_testkit::{assert_accounted, assert_valid, context, testdata, testdata_files};
use serde_json::json;

#[test]
fn every_testdata_report_converts_to_valid_accounted_findings() {
    let files = testdata_files("dependency-check", &["json", "xml"]);
    assert!(
        files.len() >= 12,
        "expected the real and hand-written reports, got {files:?}"
    );
    for file in files {
        let bytes = testdata(&file);
        let out = asff_dependency_check::parse(&bytes, &context())
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_valid(&out.findings);
        assert_accounted(&out);
        let name = file
            .trim_start_matches("dependency-check/")
            .replace(['.', '/'], "_");
        let summary = json!({
            "records": out.records,
            "findings": out.findings.len(),
            "skipped": out.skipped_by_reason(),
            "skipped_records": out.skipped.iter().map(|s| format!("{}: {}", s.reason, s.record)).collect::<Vec<_>>(),
            "warnings": out.warnings,
        });
        insta::assert_json_snapshot!(
            name,
            json!({ "summary": summary, "findings": out.findings })
        );
    }
}

//! Golden snapshots: every log in testdata/sarif/ converts with the fixed context, the findings
//! are valid ASFF, every record is accounted for and every finding's scope covered.

#![cfg(test)]

use asff_testkit::{
    assert_accounted, assert_covered, assert_valid, context, testdata, testdata_files,
};
use serde_json::json;

/// Logs with more results than this are snapshotted with their first findings only (the
/// Semgrep OWASP benchmark has 1768); the counts cover them whole.
const FULL: usize = 100;

#[test]
fn every_testdata_report_converts() {
    let files = testdata_files("sarif", &["sarif"]);
    assert!(files.len() >= 16, "{files:?}");
    for file in files {
        let out = asff_sarif::parse(&testdata(&file), &context())
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_valid(&out.findings);
        assert_accounted(&out);
        if file.ends_with("no_runs.sarif") {
            // no run, no tool: no scope (see the crate docs)
            assert!(out.scopes.is_empty() && !out.is_complete(), "{file}");
        } else {
            assert_covered(&out);
        }
        let name = file
            .trim_start_matches("sarif/")
            .trim_end_matches(".sarif")
            .replace('/', "__");
        let findings = if out.findings.len() > FULL {
            &out.findings[..20]
        } else {
            &out.findings[..]
        };
        let mut labels = std::collections::BTreeMap::new();
        for f in &out.findings {
            *labels.entry(format!("{:?}", f.label())).or_insert(0) += 1;
        }
        insta::assert_json_snapshot!(
            name,
            json!({
                "records": out.records,
                "findings_total": out.findings.len(),
                "labels": labels,
                "skipped_by_reason": out.skipped_by_reason(),
                "warnings": out.warnings,
                "incomplete": out.incomplete,
                "scopes": out.scopes,
                "findings": findings,
            })
        );
    }
}

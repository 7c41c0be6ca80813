//! Golden snapshots: every report in testdata/phpstan/ converts with the fixed context, the
//! findings are valid ASFF, and every record is accounted for.

#![cfg(test)]

use asff_testkit::{assert_accounted, assert_valid, context, testdata, testdata_files};
use serde_json::json;

#[test]
fn every_testdata_report_converts() {
    let files = testdata_files("phpstan", &["json"]);
    assert!(files.len() >= 10, "{files:?}");
    for file in files {
        let out = asff_phpstan::parse(&testdata(&file), &context())
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_valid(&out.findings);
        assert_accounted(&out);
        let name = file
            .trim_start_matches("phpstan/")
            .trim_end_matches(".json")
            .replace('/', "__");
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

//! Golden snapshots of every report in `testdata/zap/`, validated against the ASFF schema and
//! accounted for record by record.

#![cfg(test)]

use asff_testkit::{
    assert_accounted, assert_valid, context, context_later, testdata, testdata_files,
};
use serde_json::json;

fn reports() -> Vec<String> {
    let files = testdata_files("zap", &["json", "xml"]);
    assert!(files.len() >= 12, "testdata/zap has only {files:?}");
    files
}

#[test]
fn every_report_converts_to_valid_accounted_findings() {
    for file in reports() {
        let out =
            asff_zap::parse(&testdata(&file), &context()).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_valid(&out.findings);
        assert_accounted(&out);
        let name = file.trim_start_matches("zap/").replace('.', "_");
        insta::assert_json_snapshot!(
            name,
            json!({
                "records": out.records,
                "skipped": out.skipped_by_reason(),
                "skipped_records": out.skipped.iter().map(|s| format!("{} ({})", s.record, s.reason)).collect::<Vec<_>>(),
                "warnings": out.warnings,
                "findings": out.findings,
            })
        );
    }
}

#[test]
fn ids_are_stable_across_builds_and_clocks() {
    for file in reports() {
        let bytes = testdata(&file);
        let a = asff_zap::parse(&bytes, &context()).unwrap();
        let b = asff_zap::parse(&bytes, &context_later()).unwrap();
        let ids_a: Vec<_> = a.findings.iter().map(|f| &f.id).collect();
        let ids_b: Vec<_> = b.findings.iter().map(|f| &f.id).collect();
        assert_eq!(ids_a, ids_b, "{file}");
        if let (Some(x), Some(y)) = (a.findings.first(), b.findings.first()) {
            assert_ne!(
                x.updated_at, y.updated_at,
                "the later context has another clock"
            );
        }
    }
}

#[test]
fn ids_follow_the_site_not_the_repository_or_branch() {
    let other = context().with_pipeline(asff_core::Pipeline {
        repository: Some("https://gitlab.example.com/other/repo.git".into()),
        branch: Some("feature/x".into()),
        commit: None,
        build_id: None,
        ..Default::default()
    });
    for file in reports() {
        let bytes = testdata(&file);
        let a = asff_zap::parse(&bytes, &context()).unwrap();
        let b = asff_zap::parse(&bytes, &other).unwrap();
        for (x, y) in a.findings.iter().zip(&b.findings) {
            assert_eq!(x.id, y.id, "{file}");
            assert_eq!(x.generator_id, y.generator_id, "{file}");
        }
    }
}

#[test]
fn every_testdata_report_is_detected() {
    for file in reports() {
        let sniff = asff_core::sniff::sniff(&testdata(&file));
        assert!(asff_zap::detect(&sniff), "{file}: {sniff}");
    }
}

//! The scopes a SARIF log speaks for (one per run's tool), and when it may not cover them whole.

#![cfg(test)]

use asff_core::id::generator_id;
use asff_core::ParseOutput;
use asff_testkit::{assert_covered, context, testdata, testdata_files};
use serde_json::json;

fn parse(bytes: &[u8]) -> ParseOutput {
    asff_sarif::parse(bytes, &context()).unwrap_or_else(|e| panic!("{e}"))
}

fn scope_of(tool: &str) -> String {
    generator_id("sarif", &context().code_scope().unwrap().of_producer(tool))
}

#[test]
fn each_runs_tool_is_a_scope_of_its_own() {
    let out = parse(&testdata("sarif/handwritten-two-runs-extensions.sarif"));
    let scopes: Vec<&str> = out.scopes.iter().map(String::as_str).collect();
    assert_eq!(
        scopes,
        [
            "sarif/Checkov/github.com/example/app@main",
            "sarif/CodeQL/github.com/example/app@main"
        ]
    );
    assert_eq!(out.findings[0].generator_id, scope_of("CodeQL"));
    assert_eq!(out.findings[1].generator_id, scope_of("Checkov"));
    assert_covered(&out);
    // the pipeline's scope report speaks for these scopes
    assert!(context().scope_report("sarif", &out.scopes).is_some());
}

#[test]
fn a_run_without_results_still_covers_its_tool() {
    let out = parse(&testdata("sarif/defectdojo-appendix_k1.sarif"));
    assert!(out.findings.is_empty());
    assert_eq!(
        out.scopes.iter().collect::<Vec<_>>(),
        [&scope_of("CodeScanner")]
    );
    assert!(out.is_complete());
    // every result skipped: still covered
    let out = parse(&testdata("sarif/defectdojo-appendix_k4.sarif"));
    assert!(out.findings.is_empty() && out.scopes.len() == 1 && out.is_complete());
}

#[test]
fn a_failed_run_marks_the_report_incomplete() {
    let out = parse(&testdata("sarif/defectdojo-spotbugs.sarif"));
    assert_eq!(
        out.incomplete,
        ["run 0 (SpotBugs): the tool says its execution did not succeed (exit code 3)"]
    );
    let doc = json!({"version": "2.1.0", "runs": [
        {"tool": {"driver": {"name": "A"}}},
        {"tool": {"driver": {"name": "B"}}, "results": []}
    ]});
    let out = parse(doc.to_string().as_bytes());
    assert_eq!(out.scopes.len(), 2, "the failed run's tool is covered too");
    assert_eq!(out.incomplete.len(), 1, "{:?}", out.incomplete);
    assert!(out.incomplete[0].starts_with("run 0 (A) has no results"));
}

#[test]
fn a_log_without_runs_covers_nothing_and_says_so() {
    let out = parse(&testdata("sarif/defectdojo-no_runs.sarif"));
    assert_eq!((out.records, out.findings.len()), (0, 0));
    assert!(out.scopes.is_empty());
    assert_eq!(out.incomplete.len(), 1);
    assert!(
        out.incomplete[0].contains("no runs"),
        "{:?}",
        out.incomplete
    );
    // the invariants the facade checks hold: nothing to import, nothing archived
    assert!(out.check().is_ok());
}

#[test]
fn every_testdata_log_covers_its_findings_scopes() {
    for file in testdata_files("sarif", &["sarif"]) {
        let out = parse(&testdata(&file));
        if !out.scopes.is_empty() {
            assert_covered(&out);
        }
        assert!(out.check().is_ok(), "{file}");
    }
}

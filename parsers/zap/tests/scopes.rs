//! The scopes (sites) a ZAP report speaks for (the finding lifecycle archives in them).

#![cfg(test)]

use asff_core::ParseOutput;
use asff_testkit::{assert_covered, context, only_scope, testdata, testdata_files};
use serde_json::{json, Value};

fn parse(bytes: &[u8]) -> ParseOutput {
    asff_zap::parse(bytes, &context()).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_clean_report_covers_its_site() {
    let out = parse(&testdata("zap/defectdojo-empty_2.9.0.xml"));
    assert!(out.findings.is_empty());
    assert_eq!(only_scope(&out), "zap/https://isaac.nl");
    assert!(out.incomplete.is_empty());
}

#[test]
fn every_site_is_covered_with_or_without_alerts() {
    let mut v: Value =
        serde_json::from_slice(&testdata("zap/handwritten-multi-site.json")).unwrap();
    let with = parse(&serde_json::to_vec(&v).unwrap());
    let sites = v["site"].as_array_mut().unwrap();
    assert!(sites.len() >= 2);
    sites[0]["alerts"] = json!([]);
    sites.push(json!({"@name": "HTTPS://Clean.Example.com:443/", "alerts": []}));
    let out = parse(&serde_json::to_vec(&v).unwrap());
    assert!(
        out.scopes.contains("zap/https://clean.example.com"),
        "{:?}",
        out.scopes
    );
    assert!(with.scopes.is_subset(&out.scopes));
    assert_eq!(out.scopes.len(), with.scopes.len() + 1);
    assert_covered(&out);
}

#[test]
fn a_site_without_name_covers_nothing_and_says_so() {
    let out = parse(
        &serde_json::to_vec(&json!({"@version": "2.12.0", "site": [{"alerts": []}]})).unwrap(),
    );
    assert!(out.scopes.is_empty());
    assert!(
        out.warnings.iter().any(|w| w.contains("scope is unknown")),
        "{:?}",
        out.warnings
    );
    let out = parse(&serde_json::to_vec(&json!({"@version": "2.12.0"})).unwrap());
    assert!(out.scopes.is_empty());
}

#[test]
fn every_testdata_report_covers_its_findings_scopes() {
    for file in testdata_files("zap", &["json", "xml"]) {
        let out = parse(&testdata(&file));
        assert_covered(&out);
        assert!(out.incomplete.is_empty(), "{file}: {:?}", out.incomplete);
    }
}

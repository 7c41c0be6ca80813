//! `detect` recognises every Trivy report and no other tool's report of the shared corpus.

#![cfg(test)]

use asff_core::sniff::sniff;
use asff_testkit::{testdata, testdata_files};

#[test]
fn recognises_every_testdata_report() {
    let files = testdata_files("trivy", &["json"]);
    assert!(files.len() >= 14, "{files:?}");
    for file in files {
        assert!(asff_trivy::detect(&sniff(&testdata(&file))), "{file}");
    }
}

/// Every real report of the shared corpus: ours detected, no other tool's claimed (that no
/// other tool's testdata is claimed, the facade's detection test checks for every registered
/// tool).
#[test]
fn rejects_other_tools_reports() {
    for (dir, p) in asff_testkit::corpus_files() {
        if p.extension().is_some_and(|x| x == "md") {
            continue;
        }
        let bytes = std::fs::read(&p).unwrap();
        assert_eq!(
            asff_trivy::detect(&sniff(&bytes)),
            dir == "trivy",
            "{}",
            p.display()
        );
    }
}

/// The legacy array is told from Snyk's array of projects and SonarQube's array of pages by
/// its capitalised members.
#[test]
fn arrays_of_other_tools_are_not_trivy() {
    for doc in [
        &br#"[{"vulnerabilities":[],"packageManager":"npm","projectName":"a"}]"#[..],
        br#"[{"issues":[],"paging":{"pageIndex":1}}]"#,
        br#"[{"target":"x","type":"debian"}]"#,
        br#"[{"Target":"x"}]"#,
        b"[]",
        b"[1,2]",
    ] {
        assert!(
            !asff_trivy::detect(&sniff(doc)),
            "{}",
            String::from_utf8_lossy(doc)
        );
    }
    assert!(asff_trivy::detect(&sniff(
        br#"[{"Target":"debian (debian 10.8)","Type":"debian","Vulnerabilities":null}]"#
    )));
    assert!(asff_trivy::detect(&sniff(
        br#"{"ClusterName":"c","Resources":[]}"#
    )));
    assert!(!asff_trivy::detect(&sniff(br#"{"ClusterName":"c"}"#)));
    assert!(!asff_trivy::detect(&sniff(br#"{"SchemaVersion":2}"#)));
}

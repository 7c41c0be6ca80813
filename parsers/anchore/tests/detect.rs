//! `detect` recognises every Anchore report and no other tool's report of the shared corpus.

#![cfg(test)]

use asff_core::sniff::sniff;
use asff_testkit::{testdata, testdata_files};

#[test]
fn recognises_every_testdata_report() {
    let files = testdata_files("anchore", &["json"]);
    assert!(!files.is_empty());
    for file in files {
        assert!(asff_anchore::detect(&sniff(&testdata(&file))), "{file}");
    }
}

/// Every real report of the shared corpus: ours detected, no other tool's claimed (that no
/// other tool's testdata is claimed, the facade's detection test checks for every registered
/// tool).
#[test]
fn rejects_other_tools_reports() {
    for (dir, p) in asff_testkit::corpus_files() {
        let bytes = std::fs::read(&p).unwrap();
        assert_eq!(
            asff_anchore::detect(&sniff(&bytes)),
            dir == "anchore",
            "{}",
            p.display()
        );
    }
}

//! `detect` recognises every Grype report and no other tool's report of the shared corpus.

// Tests may unwrap, panic and index (the workspace denies it in library code).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice
)]

use asff_core::sniff::sniff;
use asff_testkit::{testdata, testdata_files};

#[test]
fn recognises_every_testdata_report() {
    let files = testdata_files("grype", &["json"]);
    assert!(!files.is_empty());
    for file in files {
        assert!(asff_grype::detect(&sniff(&testdata(&file))), "{file}");
    }
}

#[test]
fn rejects_other_tools_reports() {
    // The shared corpus of real reports next to the repository, when present.
    let corpus = asff_testkit::root().join("../shared/corpus");
    let corpus = corpus.as_path();
    let mut checked = 0;
    let mut stack = vec![corpus.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let own = p.strip_prefix(corpus).is_ok_and(|r| r.starts_with("grype"));
            let bytes = std::fs::read(&p).unwrap();
            assert_eq!(asff_grype::detect(&sniff(&bytes)), own, "{}", p.display());
            checked += 1;
        }
    }
    // Also the other tools' testdata in this repository, when present.
    for dir in [
        "anchore",
        "snyk",
        "ecr",
        "dependency-check",
        "sonarqube",
        "phpstan",
        "zap",
    ] {
        for file in testdata_files(dir, &["json", "xml"]) {
            assert!(!asff_grype::detect(&sniff(&testdata(&file))), "{file}");
            checked += 1;
        }
    }
    assert!(checked > 0 || !corpus.exists());
}

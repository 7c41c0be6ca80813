//! `detect` recognises SARIF logs and nothing else.

#![cfg(test)]

use asff_core::sniff::{sniff, Sniff};
use asff_testkit::{corpus_files, root, testdata, testdata_files};

#[test]
fn every_testdata_log_is_detected() {
    let files = testdata_files("sarif", &["sarif"]);
    assert!(files.len() >= 16);
    for file in files {
        let s = sniff(&testdata(&file));
        assert!(asff_sarif::detect(&s), "{file}: {s}");
    }
}

/// Every file of the shared corpus: its SARIF logs are claimed, every other tool's report is
/// not.
#[test]
fn the_corpus_is_told_apart() {
    let mut sarif = 0;
    for (tool, path) in corpus_files() {
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let s = sniff(&bytes);
        let is_log = tool == "sarif" && path.extension().is_some_and(|e| e == "sarif");
        assert_eq!(asff_sarif::detect(&s), is_log, "{}: {s}", path.display());
        sarif += usize::from(is_log);
    }
    assert!(sarif >= 16, "{sarif} SARIF logs in the corpus");
}

#[test]
fn other_shapes_are_not_claimed() {
    let keys = |ks: &[&str]| Sniff::JsonObject {
        keys: ks.iter().map(|k| k.to_string()).collect(),
    };
    for s in [
        keys(&["runs"]),
        keys(&["version"]),
        keys(&["version", "results"]),
        keys(&["SchemaVersion", "Findings"]),
        Sniff::JsonArray {
            first_keys: Some(vec!["version".into(), "runs".into()]),
            len: 1,
        },
        Sniff::Xml {
            root: "runs".into(),
            namespace: None,
        },
    ] {
        assert!(!asff_sarif::detect(&s), "{s}");
    }
    // what the other parsers keep in testdata/
    let Ok(dirs) = std::fs::read_dir(root().join("testdata")) else {
        return;
    };
    for dir in dirs.flatten() {
        let name = dir.file_name().to_string_lossy().into_owned();
        if name == "sarif" {
            continue;
        }
        for file in testdata_files(&name, &["json", "xml", "txt"]) {
            let s = sniff(&testdata(&file));
            assert!(!asff_sarif::detect(&s), "{file}: {s}");
        }
    }
}

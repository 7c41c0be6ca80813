//! `detect` claims ZAP's reports and no other tool's.

#![cfg(test)]

use asff_core::sniff::sniff;

#[test]
fn zap_shapes_are_detected() {
    for doc in [
        &br#"{"@version":"2.9.0","@generated":"x","site":[]}"#[..],
        br#"{"@programName":"ZAP","@version":"Dev Build","site":{"@name":"https://a"}}"#,
        br#"{"@version":"D-2020-06-24","@generated":"x"}"#,
        b"<?xml version=\"1.0\"?><OWASPZAPReport version=\"2.9.0\"><site/></OWASPZAPReport>",
        b"\xEF\xBB\xBF  <OWASPZAPReport/>",
    ] {
        assert!(
            asff_zap::detect(&sniff(doc)),
            "{}",
            String::from_utf8_lossy(doc)
        );
    }
}

#[test]
fn other_shapes_are_not_claimed() {
    for doc in [
        &br#"{"reportSchema":"1.1","scanInfo":{},"projectInfo":{},"dependencies":[]}"#[..],
        br#"{"totals":{},"files":[],"errors":[]}"#,
        br#"{"matches":[],"source":{},"distro":{},"descriptor":{}}"#,
        br#"{"site":[]}"#,
        br#"{"@version":"1"}"#,
        br#"[{"@version":"2.9.0","site":[]}]"#,
        b"<analysis xmlns=\"https://jeremylong.github.io/DependencyCheck/dependency-check.2.5.xsd\"/>",
        b"<report><site/></report>",
        b"",
        b"not a report",
    ] {
        assert!(!asff_zap::detect(&sniff(doc)), "{}", String::from_utf8_lossy(doc));
    }
}

/// Every other tool's real report in the shared corpus (next to the repository).
#[test]
fn the_corpus_of_other_tools_is_not_claimed() {
    for (dir, p) in asff_testkit::corpus_files() {
        if dir == "zap" {
            continue;
        }
        let bytes = std::fs::read(&p).unwrap();
        assert!(
            !asff_zap::detect(&sniff(&bytes)),
            "{} was claimed",
            p.display()
        );
    }
}

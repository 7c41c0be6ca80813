//! Every report in testdata/ that its own parser converts is detected as that tool's and no
//! other, and auto-detection converts it the same way.

#![cfg(test)]

use asff_parsers::{convert, detect, Tool};

#[test]
fn every_testdata_report_is_detected_as_its_own_tool() {
    let ctx = asff_testkit::context();
    let mut checked = 0;
    for tool in Tool::ALL {
        let files = asff_testkit::testdata_files(tool.name(), &["json", "xml", "txt", "sarif"]);
        for file in files {
            let bytes = asff_testkit::testdata(&file);
            let explicit = match tool.parse(&bytes, &ctx) {
                Ok(out) => out,
                Err(e) => panic!("{file}: {e}"),
            };
            let sniffed = asff_core::sniff::sniff(&bytes);
            for other in Tool::ALL.iter().filter(|o| *o != tool) {
                assert!(!other.detects(&sniffed), "{file} is claimed by {other}");
            }
            assert_eq!(detect(&bytes), Ok(*tool), "{file}");
            let auto = convert(&bytes, None, &ctx).unwrap_or_else(|e| panic!("{file}: {e}"));
            assert_eq!(auto.tool, *tool);
            assert_eq!(auto.output.findings, explicit.findings, "{file}");
            assert_eq!(auto.output.scopes, explicit.scopes, "{file}");
            checked += 1;
        }
    }
    assert!(checked > 0, "no testdata reports found");
}

#[test]
fn reports_of_no_tool_are_refused_with_what_was_tried() {
    for doc in [
        &br#"{"Findings":[]}"#[..],
        b"<html><body>hi</body></html>",
        b"[1,2,3]",
        b"",
        b"just text",
    ] {
        let e = detect(doc).unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.contains("dependency-check") && msg.contains("zap"),
            "{msg}"
        );
    }
}

//! Inputs the fuzz targets (`fuzz/`) once failed on, kept as regression tests: every
//! `testdata/<tool>/fuzz-regression-*` file is converted with its tool and with detection, and
//! must give a valid conversion or a `ReportError`, never a panic. Files under
//! `testdata/detect/` go through detection and conversion only.
//!
//! To add one: copy the (minimized) artifact from `fuzz/artifacts/<target>/` to
//! `testdata/<tool>/fuzz-regression-<what>.json` (see fuzz/README.md).

#![cfg(test)]

mod common;

use asff_parsers::{convert, ConvertError, Tool};

fn regressions() -> Vec<(Option<Tool>, String, Vec<u8>)> {
    let root = asff_testkit::root().join("testdata");
    let mut out = Vec::new();
    let Ok(dirs) = std::fs::read_dir(&root) else {
        return out;
    };
    for dir in dirs.flatten() {
        let name = dir.file_name().to_string_lossy().into_owned();
        let tool = Tool::from_name(&name);
        if tool.is_none() && name != "detect" {
            continue;
        }
        let Ok(files) = std::fs::read_dir(dir.path()) else {
            continue;
        };
        for f in files.flatten() {
            let file = f.file_name().to_string_lossy().into_owned();
            if file.starts_with("fuzz-regression-") {
                let bytes = std::fs::read(f.path()).expect("readable");
                out.push((tool, format!("{name}/{file}"), bytes));
            }
        }
    }
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out
}

#[test]
fn fuzz_regressions_convert_or_fail_cleanly() {
    let ctx = asff_testkit::context();
    for (tool, name, bytes) in regressions() {
        if let Some(tool) = tool {
            let _ = common::check(tool, &bytes, &name);
        }
        let detected = asff_parsers::detect(&bytes);
        match convert(&bytes, None, &ctx) {
            Ok(conv) => {
                assert_eq!(detected.as_ref().ok(), Some(&conv.tool), "{name}");
                common::check(conv.tool, &bytes, &name);
            }
            Err(ConvertError::Detect(e)) => assert_eq!(detected.err(), Some(e), "{name}"),
            Err(ConvertError::Encoding(e)) => assert!(detected.is_err(), "{name}: {e}"),
            Err(ConvertError::Report(e)) => {
                assert_eq!(detected.map(|t| t.name()), Ok(e.format), "{name}: {e}")
            }
        }
    }
}

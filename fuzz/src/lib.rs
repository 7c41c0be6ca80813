//! Shared checks for the fuzz targets: every target feeds arbitrary bytes to a parser (or to
//! detection) and asserts the invariants a caller relies on, not only the absence of a panic.
//!
//! On `Ok`, every record is accounted for and every finding is within Security Hub's limits
//! (Id ≤ 512 bytes, Title ≤ 256 and Description ≤ 1024 characters, Types 1..=50 from the ASFF
//! taxonomy, Resources 1..=32, ≤ 240 KB serialized, a severity label) with unique Ids.
//! On `Err`, the error names the tool that was asked.

use std::collections::HashSet;
use std::sync::OnceLock;

use asff_core::fit::{is_valid_type, limits, serialized_len};
use asff_core::{Context, ParseOutput};
use asff_parsers::{ConvertError, Tool};

/// The fixed context every target converts with.
pub fn context() -> &'static Context {
    static CTX: OnceLock<Context> = OnceLock::new();
    CTX.get_or_init(|| {
        Context::new("123456789012", "us-east-1")
            .and_then(|c| c.with_now_rfc3339("2024-01-01T00:00:00Z"))
            .map(|c| {
                c.with_pipeline(asff_core::Pipeline {
                    repository: Some("https://github.com/example/app.git".into()),
                    branch: Some("main".into()),
                    commit: Some("0123456789abcdef0123456789abcdef01234567".into()),
                    build_id: Some("fuzz:1".into()),
                    ..Default::default()
                })
            })
            .unwrap_or_else(|e| panic!("fixed fuzz context: {e}"))
    })
}

/// The tool of a `parse_<tool>` target, from the name of the running binary.
pub fn target_tool() -> Tool {
    static TOOL: OnceLock<Tool> = OnceLock::new();
    *TOOL.get_or_init(|| {
        let exe = std::env::args_os().next().unwrap_or_default();
        let stem = std::path::Path::new(&exe)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let name = stem.strip_prefix("parse_").unwrap_or(&stem);
        Tool::from_name(name).unwrap_or_else(|| {
            panic!(
                "fuzz target {stem:?} names no tool; expected parse_<tool> with <tool> one of {:?}",
                asff_parsers::tool_names()
            )
        })
    })
}

/// One tool's parser on arbitrary bytes.
pub fn check_parse(tool: Tool, data: &[u8]) {
    match tool.parse(data, context()) {
        Ok(out) => check_output(tool, &out),
        Err(e) => {
            assert_eq!(e.format, tool.name(), "error names another format: {e}");
            assert!(!e.message.is_empty(), "error without a message: {e:?}");
            let _ = e.to_string();
        }
    }
}

/// Detection, then conversion with auto-detection: they agree, and a conversion is valid.
pub fn check_detect(data: &[u8]) {
    let sniffed = asff_core::sniff::sniff(data);
    let _ = sniffed.to_string();
    let detected = asff_parsers::detect(data);
    match asff_parsers::convert(data, None, context()) {
        Ok(conv) => {
            assert_eq!(detected.as_ref().ok(), Some(&conv.tool), "convert used another tool");
            check_output(conv.tool, &conv.output);
        }
        Err(ConvertError::Detect(e)) => {
            assert_eq!(detected.as_ref().err(), Some(&e), "detect and convert disagree");
            let _ = e.to_string();
        }
        Err(ConvertError::Encoding(e)) => {
            assert!(detected.is_err(), "an encoding error ({e}) not named by the detected tool");
            let _ = e.to_string();
        }
        Err(ConvertError::Report(e)) => {
            let tool = detected.unwrap_or_else(|d| panic!("a report error ({e}) after failed detection ({d})"));
            assert_eq!(e.format, tool.name(), "error names another format: {e}");
            // the facade's invariant checks (accounting, scopes) found a parser bug
            assert!(!e.message.starts_with("internal error"), "{e}");
            let _ = e.to_string();
        }
    }
}

/// The invariants of a successful parse.
pub fn check_output(tool: Tool, out: &ParseOutput) {
    if let Err(m) = out.check() {
        panic!("{tool}: {m}");
    }
    let mut ids = HashSet::new();
    for f in &out.findings {
        assert!(!f.id.is_empty() && f.id.len() <= limits::ID, "{tool}: Id of {} bytes", f.id.len());
        assert!(ids.insert(f.id.as_str()), "{tool}: duplicate Id {}", f.id);
        assert!(f.generator_id.len() <= limits::GENERATOR_ID, "{tool}: GeneratorId too long");
        let title = f.title.chars().count();
        assert!((1..=limits::TITLE).contains(&title), "{tool}: Title of {title} characters");
        let description = f.description.chars().count();
        assert!((1..=limits::DESCRIPTION).contains(&description), "{tool}: Description of {description} characters");
        assert!(
            (1..=limits::TYPES).contains(&f.types.len()),
            "{tool}: {} Types",
            f.types.len()
        );
        for t in &f.types {
            assert!(is_valid_type(t), "{tool}: Type {t:?} is not in the ASFF taxonomy");
        }
        assert!(
            (1..=limits::RESOURCES).contains(&f.resources.len()),
            "{tool}: {} Resources",
            f.resources.len()
        );
        assert!(f.product_fields.len() <= limits::PRODUCT_FIELDS, "{tool}: too many ProductFields");
        assert!(f.label().is_some(), "{tool}: finding {} without a severity label", f.id);
        let size = serialized_len(f);
        assert!(size <= limits::FINDING_BYTES, "{tool}: finding of {size} bytes");
    }
}

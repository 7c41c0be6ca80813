//! The traditional JSON reports (`traditional-json`, `traditional-json-plus` and the API's
//! `/OTHER/core/other/jsonreport/`).

use asff_core::report::parse_json;
use asff_core::sniff::trim_start;
use asff_core::ReportError;

use crate::model::{JsonReport, OneOrMany, Report, Syntax};
use crate::TOOL;

/// Reads a JSON report; type and syntax errors name the JSON path.
pub(crate) fn read(bytes: &[u8]) -> Result<(Report, Vec<String>), ReportError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if trim_start(bytes).starts_with(b"[") {
        return Err(ReportError::at_path(
            TOOL.name,
            "$",
            "not a ZAP report: the document is a JSON array; a ZAP report is a JSON object with `@version` and `site`",
        ));
    }
    let raw: JsonReport = parse_json(TOOL.name, bytes)?;
    let mut warnings = Vec::new();
    if raw.site.is_none() {
        if raw.version.is_none() && raw.program_name.is_none() && raw.generated.is_none() {
            return Err(ReportError::at_path(
                TOOL.name,
                "$",
                "not a ZAP report: the JSON object has neither `site` nor `@version`",
            ));
        }
        warnings.push("the report has no `site`: nothing was scanned".to_string());
    }
    let (sites, site_array) = match raw.site {
        Some(OneOrMany::One(s)) => (vec![s], false),
        Some(OneOrMany::Many(v)) => (v, true),
        None => (Vec::new(), true),
    };
    Ok((
        Report {
            program_name: raw.program_name,
            version: raw.version,
            generated: raw.generated,
            created: raw.created,
            sites,
            syntax: Syntax::Json { site_array },
        },
        warnings,
    ))
}

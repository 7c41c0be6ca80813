//! Snyk reports to ASFF findings. (Not implemented yet.)

use asff_core::sniff::Sniff;
use asff_core::{Context, ParseOutput, ReportError, ToolInfo};

/// The tool.
pub const TOOL: ToolInfo = ToolInfo {
    name: "snyk",
    product_name: "Snyk",
    company_name: "Snyk",
};

/// Whether a report looks like this tool's.
pub fn detect(_sniff: &Sniff) -> bool {
    false
}

/// Converts a report.
pub fn parse(_bytes: &[u8], _ctx: &Context) -> Result<ParseOutput, ReportError> {
    Err(ReportError::document(TOOL.name, "this format is not implemented yet"))
}

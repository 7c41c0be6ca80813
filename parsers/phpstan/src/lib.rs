//! PHPStan's `--error-format=json` output to ASFF findings.
//!
//! The report is what `phpstan analyse --error-format=json` prints: `totals`, `files` (an
//! object keyed by file path, or `[]` when there are none) and `errors` (strings not tied to a
//! file). Captured stdout may carry lines before the JSON (`Note: Using configuration file …`);
//! they are skipped.
//!
//! # Mapping
//! - **Records**: every message of every file, and every top-level error. One finding per
//!   message. Top-level errors (ignore patterns that matched nothing, configuration errors) are
//!   not about the code: each is skipped with reason `general error` and repeated in
//!   [`ParseOutput::warnings`](asff_core::ParseOutput::warnings) so the summary shows it. Except an ignore pattern that matched
//!   nothing (`Ignored error pattern … was not matched`), a general error (an internal error,
//!   a file that could not be analysed) marks the report incomplete
//!   ([`ParseOutput::incomplete`](asff_core::ParseOutput::incomplete)), as do fewer messages than `totals.file_errors` or a file's
//!   `errors` count: the finding lifecycle then archives nothing.
//! - **Scope**: the repository (`Context::code_scope`), which every report covers
//!   ([`ParseOutput::scopes`](asff_core::ParseOutput::scopes)), also one without errors.
//! - **Severity**: PHPStan has no levels, only whether an error is `ignorable` by
//!   configuration. Ignorable → LOW; not ignorable (parse and internal errors) or not said →
//!   MEDIUM. `Severity.Original` is `ignorable`, `non-ignorable` or (old versions without the
//!   member) `error`. The identifier (`argument.type`, …) is the rule id, so a severity policy
//!   can raise or lower one kind of error.
//! - **Id**: the scope (`Context::code_scope`), the identifier, the file path, the message, and
//!   the message's order among equal ones (same file, identifier and message) in the report;
//!   the Id shows the file name and identifier (`…/Report.php:argument.type/<sha-256>`).
//!   **Never the line**: an edit above a message moves its line but keeps its Id, so Security
//!   Hub updates the finding instead of opening a new one. The message is part of the Id
//!   besides the identifier because one identifier is usually reported many times in a file
//!   (`argument.type` for every call that passes a wrong type): with the identifier alone, the
//!   order among those would decide the Id, and fixing the first would hand its Id to the
//!   second. With the message, only identical messages in one file are told apart by their
//!   order, which an unrelated edit does not change. A reworded message (another PHPStan
//!   version, a renamed class) is a new finding. Paths stay as reported (PHPStan reports
//!   absolute paths); for the Id only, the per-build directory number of CodeBuild checkouts
//!   (`/codebuild/output/src123456789/…`) is dropped, so builds of one repository agree.
//! - **Types**: `Software and Configuration Checks`, the namespace alone: PHPStan reports type
//!   errors and bugs, which the ASFF taxonomy has no category for (its categories are
//!   vulnerabilities, AWS best practices and compliance standards).
//! - **Kept**: file and line (resource details and product fields), message, identifier,
//!   `ignorable`, and the tip as the remediation text.
//!
//! ```
//! use asff_core::{Context, Label};
//!
//! let stdout = b"Note: Using configuration file /app/phpstan.neon.\n\
//! {\"totals\":{\"errors\":1,\"file_errors\":1},\"files\":{\"/app/src/A.php\":{\"errors\":1,\
//! \"messages\":[{\"message\":\"Undefined variable: $x\",\"line\":7,\"ignorable\":true,\
//! \"identifier\":\"variable.undefined\"}]}},\"errors\":[\"Ignored error pattern #x# was not matched.\"]}";
//! let ctx = Context::new("123456789012", "us-east-1")?.with_pipeline(asff_core::Pipeline {
//!     repository: Some("https://github.com/org/app.git".into()),
//!     ..Default::default()
//! });
//! let out = asff_phpstan::parse(stdout, &ctx)?;
//! assert_eq!((out.records, out.findings.len()), (2, 1));
//! assert_eq!(out.skipped[0].reason, "general error");
//! let f = &out.findings[0];
//! assert_eq!(f.label(), Some(Label::Low));
//! assert_eq!(f.severity.as_ref().and_then(|s| s.original.as_deref()), Some("ignorable"));
//! assert!(f.id.contains("/A.php:variable.undefined/"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod convert;
mod model;

use asff_core::report::require_content;
use asff_core::sniff::{json_start, Sniff};
use asff_core::{Context, Emitter, ReportError, ToolInfo};

use crate::model::Report;

/// The tool.
pub const TOOL: ToolInfo = ToolInfo {
    name: "phpstan",
    product_name: "PHPStan",
    company_name: "PHPStan",
};

/// Whether a report looks like PHPStan's: an object with `totals` and `files`.
pub fn detect(sniff: &Sniff) -> bool {
    sniff.is_object() && sniff.has_keys(&["totals", "files"])
}

/// Converts a report, skipping lines before the JSON.
pub fn parse_into(bytes: &[u8], ctx: &Context, out: &mut Emitter<'_>) -> Result<(), ReportError> {
    let body = require_content(TOOL.name, bytes)?;
    let Some(start) = json_start(bytes) else {
        let head = String::from_utf8_lossy(body.get(..40).unwrap_or(body)).into_owned();
        return Err(ReportError::document(
            TOOL.name,
            format!("no line starts a JSON object: not PHPStan's --error-format=json output (starts with {head:?})"),
        ));
    };
    if start > 0 {
        tracing::debug!(bytes = start, "skipped lines before the JSON");
    }
    let report: Report = asff_core::report::parse_json_at(TOOL.name, bytes, start)?;
    // (the facade logs what the conversion gave)
    convert::convert(&report, ctx, out)
}

asff_core::scanner!(
    /// The scanner of PHPStan's `--error-format=json` output.
    PhpStan,
    aliases: ["PHPStan"]
);

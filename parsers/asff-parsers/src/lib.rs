//! One entry point for every supported scanner: detect the format of a report and convert it to
//! ASFF findings.
//!
//! Each tool crate implements [`asff_core::Scanner`]; the registry here holds one line per
//! tool, behind a cargo feature of the tool's name (all on by default), and [`Tool::ALL`] is
//! what it registered. [`detect`] looks at the content; [`convert`] detects (unless told the tool),
//! parses, and checks that every record of the report was emitted or skipped.
//!
//! ```
//! use asff_parsers::{convert, Tool};
//!
//! let ctx = asff_core::Context::new("123456789012", "us-east-1")?.with_pipeline(asff_core::Pipeline {
//!     repository: Some("https://github.com/org/app.git".into()),
//!     branch: Some("main".into()),
//!     ..Default::default()
//! });
//! let report = br#"{"totals":{"errors":0,"file_errors":0},"files":[],"errors":[]}"#;
//! # #[cfg(feature = "phpstan")] {
//! let conv = convert(report, None, &ctx)?;
//! assert_eq!(conv.tool.name(), "phpstan");
//! assert!(conv.output.findings.is_empty());
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;

use asff_core::encoding::Decoded;
use asff_core::scanner::{ScanOptions, Scanner};
use asff_core::sniff::{sniff, Sniff};
use asff_core::{Context, ParseOutput, ReportError, ToolInfo};

/// Registers the scanners: one line per tool, behind the cargo feature of its name.
macro_rules! registry {
    ($($feature:literal => $scanner:expr),* $(,)?) => {
        /// Every tool compiled in, in detection order.
        const REGISTRY: &[Tool] = &[$(#[cfg(feature = $feature)] Tool(&$scanner),)*];
    };
}

registry! {
    "dependency-check" => asff_dependency_check::DependencyCheck,
    "sonarqube" => asff_sonarqube::SonarQube,
    "phpstan" => asff_phpstan::PhpStan,
    "anchore" => asff_anchore::Anchore,
    "grype" => asff_grype::Grype,
    "snyk" => asff_snyk::Snyk,
    "ecr" => asff_ecr::Ecr,
    "zap" => asff_zap::Zap,
    "trivy" => asff_trivy::Trivy,
    "sarif" => asff_sarif::Sarif,
}

/// A scanner whose reports we convert: one of [`Tool::ALL`], the tools compiled in.
#[derive(Clone, Copy)]
pub struct Tool(&'static dyn Scanner);

impl PartialEq for Tool {
    fn eq(&self, other: &Tool) -> bool {
        self.name() == other.name()
    }
}

impl Eq for Tool {}

impl std::hash::Hash for Tool {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.name().hash(h);
    }
}

impl fmt::Debug for Tool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Tool({:?})", self.name())
    }
}

impl Tool {
    /// Every tool compiled in, in detection order.
    pub const ALL: &'static [Tool] = REGISTRY;

    /// The tool's identity: its stable name and the names shown in Security Hub.
    pub fn info(self) -> ToolInfo {
        self.0.info()
    }

    /// The stable name (`dependency-check`, `zap`, …): used by `--format`, in Ids and policies.
    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// The other names callers give the tool (the `reportType` of existing CodeBuild
    /// buildspecs: `OWASP-Dependency-Check`, `SONAR-QUBE`, …).
    pub fn aliases(self) -> &'static [&'static str] {
        self.0.aliases()
    }

    /// A tool by its stable name or one of its [aliases](Tool::aliases), in any case.
    pub fn from_name(name: &str) -> Option<Tool> {
        let name = name.trim();
        Tool::ALL.iter().copied().find(|t| {
            t.name().eq_ignore_ascii_case(name)
                || t.aliases().iter().any(|a| a.eq_ignore_ascii_case(name))
        })
    }

    /// Whether a sniffed report looks like this tool's.
    pub fn detects(self, sniff: &Sniff) -> bool {
        self.0.detect(sniff)
    }

    /// Parses a report of this tool with options.
    pub fn parse_with(
        self,
        bytes: &[u8],
        ctx: &Context,
        options: &Options,
    ) -> Result<ParseOutput, ReportError> {
        self.0.parse(bytes, ctx, options)
    }

    /// Parses a report of this tool.
    pub fn parse(self, bytes: &[u8], ctx: &Context) -> Result<ParseOutput, ReportError> {
        self.parse_with(bytes, ctx, &Options::default())
    }
}

impl fmt::Display for Tool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Every name [`Tool::from_name`] takes besides the tools' own: the aliases (CodeBuild's
/// `reportType` names), for messages.
pub fn alias_names() -> Vec<&'static str> {
    Tool::ALL
        .iter()
        .flat_map(|t| t.aliases().iter().copied())
        .collect()
}

/// The names of every tool compiled in, for messages and `--format`.
pub fn tool_names() -> Vec<&'static str> {
    Tool::ALL.iter().map(|t| t.name()).collect()
}

/// Reads a severity policy file and checks it against the tools compiled in: an override
/// naming a tool that is not one (`dependancy-check`) is refused, naming the entry, rather
/// than silently matching nothing. The CLI and the Lambda read policies through this.
pub fn severity_policy(
    bytes: &[u8],
) -> Result<asff_core::SeverityPolicy, asff_core::policy::PolicyError> {
    let policy = asff_core::SeverityPolicy::from_json(bytes)?;
    let aliases: Vec<(&str, &str)> = Tool::ALL
        .iter()
        .flat_map(|t| t.aliases().iter().map(move |a| (*a, t.name())))
        .collect();
    policy.check_tools(&tool_names(), &aliases)?;
    Ok(policy)
}

/// A report whose format cannot be told.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DetectError {
    #[error("unknown report format: the document is {seen}; tried {}", tried.join(", "))]
    Unknown {
        seen: String,
        tried: Vec<&'static str>,
    },
    #[error("ambiguous report format: the document is {seen}, which looks like each of {}; pass --format", candidates.join(", "))]
    Ambiguous {
        seen: String,
        candidates: Vec<&'static str>,
    },
}

/// Tells the tool from the content of a report (decoded first when it is UTF-16, UTF-32 or
/// declares another encoding, see [`asff_core::encoding`]).
pub fn detect(bytes: &[u8]) -> Result<Tool, DetectError> {
    match asff_core::encoding::decode(bytes) {
        Ok(d) => detect_decoded(&d),
        Err(_) => detect_sniffed(&sniff(bytes)),
    }
}

/// [`detect`] on a report already decoded, with a malformed JSON's column in the original.
fn detect_decoded(d: &Decoded<'_>) -> Result<Tool, DetectError> {
    let s = match sniff(d.bytes()) {
        Sniff::MalformedJson {
            message,
            line,
            column,
        } => Sniff::MalformedJson {
            message,
            line,
            column: d.original_column(line, column),
        },
        s => s,
    };
    detect_sniffed(&s)
}

fn detect_sniffed(s: &Sniff) -> Result<Tool, DetectError> {
    let hits: Vec<Tool> = Tool::ALL.iter().copied().filter(|t| t.detects(s)).collect();
    match hits.as_slice() {
        [one] => Ok(*one),
        [] => Err(DetectError::Unknown {
            seen: s.to_string(),
            tried: tool_names(),
        }),
        many => Err(DetectError::Ambiguous {
            seen: s.to_string(),
            candidates: many.iter().map(|t| t.name()).collect(),
        }),
    }
}

/// Why a report could not be converted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConvertError {
    #[error(transparent)]
    Detect(#[from] DetectError),
    #[error(transparent)]
    Report(#[from] ReportError),
    /// A report in an encoding that cannot be read (see [`asff_core::encoding`]).
    #[error(transparent)]
    Encoding(#[from] asff_core::encoding::EncodingError),
}

/// A converted report.
#[derive(Debug, Clone)]
pub struct Conversion {
    pub tool: Tool,
    pub output: ParseOutput,
}

/// Options some tools take besides the context.
pub type Options = ScanOptions;

/// Converts a report: detects the tool unless given, parses, and checks that every record was
/// emitted or skipped.
pub fn convert(
    bytes: &[u8],
    tool: Option<Tool>,
    ctx: &Context,
) -> Result<Conversion, ConvertError> {
    convert_with(bytes, tool, ctx, &Options::default())
}

/// The largest report [`convert`] and [`convert_with`] accept: 1 GiB, like the CLI's
/// `--max-report-size` default. Parsing holds the report and what is read from it in memory
/// (a few times the report's size), so the limit bounds memory; see [`convert_limited`].
pub const DEFAULT_MAX_REPORT_BYTES: u64 = 1 << 30;

/// Resource limits of a conversion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest report, in bytes; a larger one is refused before it is parsed.
    pub max_report_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_report_bytes: DEFAULT_MAX_REPORT_BYTES,
        }
    }
}

/// [`convert`] with tool options.
pub fn convert_with(
    bytes: &[u8],
    tool: Option<Tool>,
    ctx: &Context,
    options: &Options,
) -> Result<Conversion, ConvertError> {
    convert_limited(bytes, tool, ctx, options, &Limits::default())
}

/// [`convert_with`] with resource limits: a report over `limits.max_report_bytes` is refused
/// (after detection, which streams over the bytes, so that the error names the format).
///
/// A report in UTF-16 or UTF-32 (with a byte order mark), or an XML report in the encoding its
/// declaration names, is decoded first ([`asff_core::encoding`]); error positions are those of
/// the original bytes.
pub fn convert_limited(
    bytes: &[u8],
    tool: Option<Tool>,
    ctx: &Context,
    options: &Options,
    limits: &Limits,
) -> Result<Conversion, ConvertError> {
    let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if size > limits.max_report_bytes {
        // named by the tool given or detected (detection streams over the bytes)
        return Err(too_large(tool.or_else(|| detect(bytes).ok()), size, limits));
    }
    let decoded = match asff_core::encoding::decode(bytes) {
        Ok(d) => d,
        // the error names the format when it is given or can be told from the bytes as they are
        Err(e) => {
            return Err(match tool.or_else(|| detect(bytes).ok()) {
                Some(t) => ReportError::document(t.name(), e.to_string()).into(),
                None => e.into(),
            })
        }
    };
    if !decoded.is_original() {
        tracing::debug!(encoding = decoded.encoding(), "decoded the report");
    }
    convert_decoded(&decoded, tool, ctx, options).map_err(|e| match e {
        ConvertError::Report(r) => ConvertError::Report(decoded.locate(r)),
        e => e,
    })
}

fn too_large(tool: Option<Tool>, size: u64, limits: &Limits) -> ConvertError {
    ReportError::document(
        tool.map_or("report", Tool::name),
        format!(
            "the report is {size} bytes, over the limit of {} bytes (max report size)",
            limits.max_report_bytes
        ),
    )
    .into()
}

/// [`convert_limited`] on the decoded text (detected there, not decoded again).
fn convert_decoded(
    decoded: &Decoded<'_>,
    tool: Option<Tool>,
    ctx: &Context,
    options: &Options,
) -> Result<Conversion, ConvertError> {
    let tool = match tool {
        Some(t) => t,
        None => detect_decoded(decoded)?,
    };
    let bytes = decoded.bytes();

    let _span = tracing::debug_span!("convert", tool = tool.name()).entered();
    let output = tool.parse_with(bytes, ctx, options)?;
    check_output(tool, &output)?;
    tracing::debug!(
        findings = output.findings.len(),
        skipped = output.skipped.len(),
        "converted"
    );
    Ok(Conversion { tool, output })
}

/// The invariants of a parser's output: every record emitted or skipped, and every finding in
/// a scope the report says it covers (the lifecycle archives in those scopes only). A breach is
/// a parser bug, reported as an internal error rather than passed on.
fn check_output(tool: Tool, output: &ParseOutput) -> Result<(), ReportError> {
    output
        .check()
        .map_err(|m| ReportError::document(tool.name(), format!("internal error: {m}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_outside_the_covered_scopes_are_an_internal_error() {
        const TOOL: asff_core::ToolInfo = asff_core::ToolInfo {
            name: "t",
            product_name: "T",
            company_name: "T",
        };
        let ctx = Context::new("123456789012", "us-east-1").unwrap();
        let scope = asff_core::Scope::image("registry.example/app:1");
        let finding = asff_core::build(
            &ctx,
            &TOOL,
            &scope,
            asff_core::Draft {
                identity: vec!["CVE-1".into()],
                title: "CVE-1".into(),
                types: vec!["Software and Configuration Checks/Vulnerabilities".into()],
                ..Default::default()
            },
        )
        .unwrap();
        let tool = Tool::ALL[0];
        let mut out = ParseOutput {
            findings: vec![finding],
            records: 1,
            ..Default::default()
        };
        let e = check_output(tool, &out).unwrap_err();
        assert_eq!(e.format, tool.name());
        assert!(e.message.starts_with("internal error: finding t/"), "{e}");
        assert!(e.message.contains("registry.example/app"), "{e}");
        out.cover(
            &TOOL,
            &asff_core::Scope::Repository {
                name: "github.com/org/app".into(),
                branch: None,
            },
        );
        assert!(check_output(tool, &out).is_err(), "another scope");
        out.cover(&TOOL, &scope);
        assert!(check_output(tool, &out).is_ok());
        // a clean report covers its scope without findings
        let clean = ParseOutput {
            scopes: out.scopes.clone(),
            ..Default::default()
        };
        assert!(check_output(tool, &clean).is_ok());
        out.records = 2;
        assert!(check_output(tool, &out)
            .unwrap_err()
            .message
            .contains("do not add up"));
    }

    #[test]
    fn names_round_trip() {
        for t in Tool::ALL {
            assert_eq!(Tool::from_name(t.name()), Some(*t));
            assert_eq!(Tool::from_name(&t.name().to_uppercase()), Some(*t));
        }
        assert_eq!(Tool::from_name("nessus"), None);
    }

    #[test]
    fn unknown_documents_list_what_was_tried() {
        let e = detect(br#"{"hello":"world"}"#).unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("keys [hello]"), "{msg}");
        for t in Tool::ALL {
            assert!(msg.contains(t.name()), "{msg}");
        }
    }
}

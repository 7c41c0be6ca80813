//! One entry point for every supported scanner: detect the format of a report and convert it to
//! ASFF findings.
//!
//! Each tool crate implements [`asff_core::Scanner`]; the registry here holds one line per
//! tool, behind a cargo feature of the tool's name (all on by default), and [`Tool::ALL`] is
//! what it registered. [`detect`] looks at the content; [`convert`] detects (unless told the tool),
//! parses, and checks that every record of the report was emitted or skipped.
//!
//! [`convert`] collects the findings; [`stream`] hands them to a [`Sink`] one at a time as they
//! are converted and keeps only the [`Accounting`] (records, skipped records with their reason,
//! warnings, scopes covered, why the report may be incomplete), so that memory is bounded by
//! the report rather than by the number of findings. See [`stream`] for feeding an async
//! consumer.
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

pub use asff_core::emit::{Accounting, Sink, SinkError};
use asff_core::emit::{EmitError, Emitter};
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

    /// Parses a report of this tool with options into an emitter, one finding at a time (no
    /// invariant check: [`stream`] does it).
    pub fn parse_into(
        self,
        bytes: &[u8],
        ctx: &Context,
        options: &Options,
        out: &mut Emitter<'_>,
    ) -> Result<(), ReportError> {
        self.0.parse_into(bytes, ctx, options, out)
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
///
/// This is [`stream`] into a `Vec`: the same findings, in the same order, with the same
/// accounting and errors.
pub fn convert_limited(
    bytes: &[u8],
    tool: Option<Tool>,
    ctx: &Context,
    options: &Options,
    limits: &Limits,
) -> Result<Conversion, ConvertError> {
    let mut findings = Vec::new();
    match stream(bytes, tool, ctx, options, limits, &mut findings) {
        Ok(Streamed { tool, accounting }) => Ok(Conversion {
            tool,
            output: accounting.into_output(findings),
        }),
        Err(StreamError::Convert(e)) => Err(e),
        // a Vec never refuses a finding
        Err(StreamError::Sink(e)) => Err(ReportError::document(
            tool.map_or("report", Tool::name),
            format!("internal error: {e}"),
        )
        .into()),
    }
}

/// What [`stream`] says about a report once all its findings went to the sink.
#[derive(Debug, Clone)]
pub struct Streamed {
    pub tool: Tool,
    pub accounting: Accounting,
}

/// Why [`stream`] stopped.
#[derive(Debug, thiserror::Error)]
pub enum StreamError {
    /// The report cannot be converted (as [`convert`] would say).
    #[error(transparent)]
    Convert(#[from] ConvertError),
    /// The sink refused a finding (its error): the conversion stopped there.
    #[error("the conversion was stopped by its output: {0}")]
    Sink(SinkError),
}

/// Converts a report finding by finding: like [`convert_limited`] (detection, limits,
/// decoding, the same errors), but each finding goes to `sink` as soon as it is built and
/// fitted, and only the [`Accounting`] is kept. The findings reach the sink in the order
/// [`convert`] lists them.
///
/// The sink is called on the converting thread and may block: to feed an async consumer, run
/// `stream` in `tokio::task::spawn_blocking` and have the sink push batches into a bounded
/// channel (`Sender::blocking_send`), so that conversion waits while the consumer is behind.
/// A sink error (the receiver went away, an import failed) stops the conversion at once, with
/// [`StreamError::Sink`] carrying it.
///
/// Invariants (every record emitted or skipped, every finding in a covered scope) can only be
/// checked at the end: a breach (a parser bug) is an error after the sink took the findings,
/// and a report that turns out malformed halfway fails after the sink took the findings before
/// it. A caller that must not act on part of a report (import it, archive what is absent) waits
/// for `Ok` before it commits.
///
/// ```
/// use std::sync::mpsc;
/// use asff_core::AwsSecurityFinding;
/// use asff_parsers::{stream, Limits, Options, SinkError, StreamError};
///
/// let ctx = asff_core::Context::new("123456789012", "us-east-1")?.with_pipeline(asff_core::Pipeline {
///     repository: Some("https://github.com/org/app.git".into()),
///     branch: Some("main".into()),
///     ..Default::default()
/// });
/// let report = br#"{"totals":{"errors":0,"file_errors":2},"files":{"/src/A.php":{"errors":2,"messages":[
///     {"message":"Undefined variable: $a","line":3,"ignorable":true},
///     {"message":"Undefined variable: $b","line":4,"ignorable":true}]}},"errors":[]}"#;
/// # #[cfg(feature = "phpstan")] {
/// // batches of up to 100 findings into a bounded channel, drained by another thread (in the
/// // Lambda: an async task importing each batch while the conversion goes on)
/// let (tx, rx) = mpsc::sync_channel::<Vec<AwsSecurityFinding>>(2);
/// let consumer = std::thread::spawn(move || rx.iter().map(|b| b.len()).sum::<usize>());
/// let mut batch = Vec::new();
/// let mut sink = |f: AwsSecurityFinding| -> Result<(), SinkError> {
///     batch.push(f);
///     if batch.len() == 100 {
///         tx.send(std::mem::take(&mut batch))?; // blocks while the channel is full
///     }
///     Ok(())
/// };
/// let done = stream(report, None, &ctx, &Options::default(), &Limits::default(), &mut sink)?;
/// tx.send(std::mem::take(&mut batch))?;
/// drop(tx);
/// assert_eq!(done.tool.name(), "phpstan");
/// assert_eq!((done.accounting.records, done.accounting.emitted), (2, 2));
/// assert_eq!(consumer.join().unwrap(), 2);
///
/// // a sink that fails stops the conversion with its error
/// let mut refuse = |_: AwsSecurityFinding| -> Result<(), SinkError> { Err("the import failed".into()) };
/// match stream(report, None, &ctx, &Options::default(), &Limits::default(), &mut refuse) {
///     Err(StreamError::Sink(e)) => assert_eq!(e.to_string(), "the import failed"),
///     other => panic!("{other:?}"),
/// }
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn stream(
    bytes: &[u8],
    tool: Option<Tool>,
    ctx: &Context,
    options: &Options,
    limits: &Limits,
    sink: &mut dyn Sink,
) -> Result<Streamed, StreamError> {
    let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if size > limits.max_report_bytes {
        // named by the tool given or detected (detection streams over the bytes)
        return Err(too_large(tool.or_else(|| detect(bytes).ok()), size, limits).into());
    }
    let decoded = match asff_core::encoding::decode(bytes) {
        Ok(d) => d,
        // the error names the format when it is given or can be told from the bytes as they are
        Err(e) => {
            return Err(StreamError::Convert(
                match tool.or_else(|| detect(bytes).ok()) {
                    Some(t) => ConvertError::Report(ReportError::document(t.name(), e.to_string())),
                    None => ConvertError::Encoding(e),
                },
            ))
        }
    };
    if !decoded.is_original() {
        tracing::debug!(encoding = decoded.encoding(), "decoded the report");
    }
    stream_decoded(&decoded, tool, ctx, options, sink).map_err(|e| match e {
        StreamError::Convert(ConvertError::Report(r)) => {
            StreamError::Convert(ConvertError::Report(decoded.locate(r)))
        }
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

/// [`stream`] on the decoded text (detected there, not decoded again).
fn stream_decoded(
    decoded: &Decoded<'_>,
    tool: Option<Tool>,
    ctx: &Context,
    options: &Options,
    sink: &mut dyn Sink,
) -> Result<Streamed, StreamError> {
    let tool = match tool {
        Some(t) => t,
        None => detect_decoded(decoded).map_err(ConvertError::from)?,
    };
    let bytes = decoded.bytes();

    let _span = tracing::debug_span!("convert", tool = tool.name()).entered();
    let mut out = Emitter::new(tool.name(), sink);
    let parsed = tool.parse_into(bytes, ctx, options, &mut out);
    let accounting = out.finish(parsed).map_err(|e| match e {
        EmitError::Report(r) => StreamError::Convert(r.into()),
        EmitError::Sink(e) => StreamError::Sink(e),
    })?;
    tracing::debug!(
        findings = accounting.emitted,
        skipped = accounting.skipped.len(),
        "converted"
    );
    Ok(Streamed { tool, accounting })
}

/// The invariants of a parser's output: every record emitted or skipped, and every finding in
/// a scope the report says it covers (the lifecycle archives in those scopes only). A breach is
/// a parser bug, reported as an internal error rather than passed on.
#[cfg(test)]
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

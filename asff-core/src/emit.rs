//! Findings handed out one at a time, so that memory is bounded by the report and not by the
//! number of findings.
//!
//! A parser converts a record, builds and fits its finding, and gives it to
//! [`Emitter::emit`], which passes it to a [`Sink`] (the CLI writes it out, the Lambda batches
//! and imports it, [`ParseOutput`] collects it) and keeps of it only what the whole report needs:
//! its scope's first Id for the coverage check and the count. The rest of the accounting (the
//! records, skipped records with a reason, warnings, the scopes covered, why the report may be
//! incomplete) is [`Accounting`], which [`Emitter::finish`] returns once the invariants hold:
//! every record emitted or skipped, every finding in a covered scope.
//!
//! A sink may block (push into a bounded channel) and may fail: its error stops the parser at
//! the next [`Emitter::emit`] and [`Emitter::finish`] returns it as [`EmitError::Sink`].
//!
//! ```
//! use asff_core::emit::{Emitter, SinkError};
//! use asff_core::{build, AwsSecurityFinding, Context, Draft, Scope, ToolInfo};
//!
//! const TOOL: ToolInfo = ToolInfo { name: "example", product_name: "Example", company_name: "Example" };
//! let ctx = Context::new("123456789012", "eu-west-1")?;
//! let scope = Scope::image("registry.example/app:1");
//! let mut ids = Vec::new();
//! let mut sink = |f: AwsSecurityFinding| -> Result<(), SinkError> {
//!     ids.push(f.id);
//!     Ok(())
//! };
//! let mut out = Emitter::new(TOOL.name, &mut sink);
//! out.records = 2;
//! out.cover(&TOOL, &scope);
//! let draft = Draft {
//!     identity: vec!["CVE-1".into()],
//!     title: "CVE-1".into(),
//!     types: vec!["Software and Configuration Checks/Vulnerabilities".into()],
//!     ..Default::default()
//! };
//! out.emit(build(&ctx, &TOOL, &scope, draft)?)?;
//! out.skip("$.matches[1]", "suppressed");
//! let accounting = out.finish(Ok(()))?;
//! assert_eq!((accounting.emitted, accounting.skipped.len()), (1, 1));
//! assert_eq!(ids.len(), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::{BTreeMap, BTreeSet};

use crate::build::ToolInfo;
use crate::context::Scope;
use crate::model::AwsSecurityFinding;
use crate::report::{ParseOutput, ReportError, Skipped};

/// Why a sink refused a finding: any error (the receiving side of a channel went away, a write
/// failed, an import failed).
pub type SinkError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Where findings go, one at a time, as they are converted. It may block; an error aborts the
/// conversion (see [`Emitter::emit`]).
///
/// Closures `FnMut(AwsSecurityFinding) -> Result<(), SinkError>` are sinks, and so is a
/// `Vec<AwsSecurityFinding>`, which collects.
pub trait Sink {
    /// Takes a finding; an error stops the conversion.
    fn accept(&mut self, finding: AwsSecurityFinding) -> Result<(), SinkError>;
}

impl<F> Sink for F
where
    F: FnMut(AwsSecurityFinding) -> Result<(), SinkError>,
{
    fn accept(&mut self, finding: AwsSecurityFinding) -> Result<(), SinkError> {
        self(finding)
    }
}

impl Sink for Vec<AwsSecurityFinding> {
    fn accept(&mut self, finding: AwsSecurityFinding) -> Result<(), SinkError> {
        self.push(finding);
        Ok(())
    }
}

/// Everything a conversion says about a report besides its findings: a few bytes per record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Accounting {
    /// How many records the report holds; `emitted + skipped` must equal it.
    pub records: usize,
    /// How many findings were emitted.
    pub emitted: usize,
    /// The records that produced no finding, with the reason.
    pub skipped: Vec<Skipped>,
    /// Warnings for the reader.
    pub warnings: Vec<String>,
    /// The scopes (GeneratorIds) the report speaks for (see [`ParseOutput::scopes`]).
    pub scopes: BTreeSet<String>,
    /// Why the report may not cover its scopes whole (see [`ParseOutput::incomplete`]).
    pub incomplete: Vec<String>,
}

impl Accounting {
    /// Skipped records counted by reason.
    pub fn skipped_by_reason(&self) -> BTreeMap<String, usize> {
        count_reasons(&self.skipped)
    }

    /// Whether the report may be relied on to cover its scopes whole.
    pub fn is_complete(&self) -> bool {
        self.incomplete.is_empty()
    }

    /// The collected output: these counts with the findings.
    pub fn into_output(self, findings: Vec<AwsSecurityFinding>) -> ParseOutput {
        ParseOutput {
            findings,
            skipped: self.skipped,
            warnings: self.warnings,
            records: self.records,
            scopes: self.scopes,
            incomplete: self.incomplete,
        }
    }
}

pub(crate) fn count_reasons(skipped: &[Skipped]) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for s in skipped {
        *m.entry(s.reason.clone()).or_insert(0) += 1;
    }
    m
}

/// Why a streamed conversion stopped.
#[derive(Debug, thiserror::Error)]
pub enum EmitError {
    /// The report is bad, or the parser broke an invariant (an internal error).
    #[error(transparent)]
    Report(#[from] ReportError),
    /// The sink refused a finding; the conversion stopped there.
    #[error("the conversion was stopped by its output: {0}")]
    Sink(SinkError),
}

/// What a parser writes into: findings go to the sink as they are emitted, the accounting
/// stays here. See the [module](self).
pub struct Emitter<'s> {
    format: &'static str,
    /// How many records the report holds (set by the parser).
    pub records: usize,
    /// Warnings for the reader.
    pub warnings: Vec<String>,
    skipped: Vec<Skipped>,
    scopes: BTreeSet<String>,
    incomplete: Vec<String>,
    emitted: usize,
    /// Per GeneratorId of the findings emitted: the order it was first seen and its first Id.
    seen_scopes: BTreeMap<String, (usize, String)>,
    sink: &'s mut dyn Sink,
    failed: Option<SinkError>,
}

impl std::fmt::Debug for Emitter<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emitter")
            .field("format", &self.format)
            .field("records", &self.records)
            .field("emitted", &self.emitted)
            .field("skipped", &self.skipped.len())
            .finish_non_exhaustive()
    }
}

impl<'s> Emitter<'s> {
    /// An emitter for a report of `format` (the tool's name, used in errors) into `sink`.
    pub fn new(format: &'static str, sink: &'s mut dyn Sink) -> Self {
        Emitter {
            format,
            records: 0,
            warnings: Vec::new(),
            skipped: Vec::new(),
            scopes: BTreeSet::new(),
            incomplete: Vec::new(),
            emitted: 0,
            seen_scopes: BTreeMap::new(),
            sink,
            failed: None,
        }
    }

    /// Hands a finding to the sink. When the sink fails (now or before), the error returned
    /// stops the parser (`?`); [`Emitter::finish`] then gives the sink's error.
    pub fn emit(&mut self, finding: AwsSecurityFinding) -> Result<(), ReportError> {
        if self.failed.is_some() {
            return Err(self.stopped());
        }
        if !self.seen_scopes.contains_key(&finding.generator_id) {
            let n = self.seen_scopes.len();
            self.seen_scopes
                .insert(finding.generator_id.clone(), (n, finding.id.clone()));
        }
        self.emitted += 1;
        match self.sink.accept(finding) {
            Ok(()) => Ok(()),
            Err(e) => {
                self.failed = Some(e);
                Err(self.stopped())
            }
        }
    }

    fn stopped(&self) -> ReportError {
        ReportError::document(self.format, "the conversion was stopped by its output")
    }

    /// How many findings were emitted so far.
    pub fn emitted(&self) -> usize {
        self.emitted
    }

    /// Records one skipped record.
    pub fn skip(&mut self, record: impl Into<String>, reason: impl Into<String>) {
        self.skipped.push(Skipped {
            record: record.into(),
            reason: reason.into(),
        });
    }

    /// The records skipped so far.
    pub fn skipped(&self) -> &[Skipped] {
        &self.skipped
    }

    /// Says that the report speaks for `scope` of `tool` (see [`ParseOutput::cover`]).
    pub fn cover(&mut self, tool: &ToolInfo, scope: &Scope) {
        self.scopes
            .insert(crate::id::generator_id(tool.name, scope));
    }

    /// The scopes covered so far.
    pub fn scopes(&self) -> &BTreeSet<String> {
        &self.scopes
    }

    /// Says that the report may not cover its whole scope, and why (see
    /// [`ParseOutput::mark_incomplete`]).
    pub fn mark_incomplete(&mut self, reason: impl Into<String>) {
        let reason = reason.into();
        self.warnings.push(reason.clone());
        self.incomplete.push(reason);
    }

    /// Ends the conversion with the parser's result: the sink's error if it failed, else the
    /// parser's error, else the accounting once the invariants hold (a breach is an internal
    /// error of the parser, a [`ReportError`] about the document).
    pub fn finish(self, parsed: Result<(), ReportError>) -> Result<Accounting, EmitError> {
        if let Some(e) = self.failed {
            return Err(EmitError::Sink(e));
        }
        parsed?;
        let uncovered = self
            .seen_scopes
            .iter()
            .filter(|(g, _)| !self.scopes.contains(*g))
            .min_by_key(|(_, (n, _))| *n)
            .map(|(g, (_, id))| (id.as_str(), g.as_str()));
        check_invariants(
            self.emitted,
            self.skipped.len(),
            self.records,
            uncovered,
            &self.scopes,
        )
        .map_err(|m| ReportError::document(self.format, format!("internal error: {m}")))?;
        Ok(Accounting {
            records: self.records,
            emitted: self.emitted,
            skipped: self.skipped,
            warnings: self.warnings,
            scopes: self.scopes,
            incomplete: self.incomplete,
        })
    }
}

/// The invariants of a conversion (see [`ParseOutput::check`]), from its counts and its first
/// finding (Id, GeneratorId) outside the covered scopes.
pub(crate) fn check_invariants(
    emitted: usize,
    skipped: usize,
    records: usize,
    uncovered: Option<(&str, &str)>,
    scopes: &BTreeSet<String>,
) -> Result<(), String> {
    if emitted + skipped != records {
        return Err(format!(
            "{emitted} findings and {skipped} skipped records do not add up to the {records} records of the report"
        ));
    }
    if let Some((id, generator_id)) = uncovered {
        return Err(format!(
            "finding {id} has GeneratorId {generator_id}, which is not one of the scopes the report covers ({})",
            scopes
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    Ok(())
}

/// Runs a streaming parser into a `Vec` and returns the collected [`ParseOutput`], without the
/// invariant check (callers such as the facade check it, tests assert it): what each tool
/// crate's `parse` is.
pub fn collect(
    format: &'static str,
    parse: impl FnOnce(&mut Emitter<'_>) -> Result<(), ReportError>,
) -> Result<ParseOutput, ReportError> {
    let mut findings = Vec::new();
    let mut out = Emitter::new(format, &mut findings);
    let parsed = parse(&mut out);
    parsed?;
    let Emitter {
        records,
        warnings,
        skipped,
        scopes,
        incomplete,
        ..
    } = out;
    Ok(ParseOutput {
        findings,
        skipped,
        warnings,
        records,
        scopes,
        incomplete,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{build, Context, Draft};

    const TOOL: ToolInfo = ToolInfo {
        name: "t",
        product_name: "T",
        company_name: "T",
    };

    fn finding(scope: &Scope, id: &str) -> AwsSecurityFinding {
        let ctx = Context::new("123456789012", "us-east-1").unwrap();
        build(
            &ctx,
            &TOOL,
            scope,
            Draft {
                identity: vec![id.into()],
                title: id.into(),
                types: vec!["Software and Configuration Checks/Vulnerabilities".into()],
                ..Default::default()
            },
        )
        .unwrap()
    }

    #[test]
    fn a_failing_sink_stops_the_parser_and_finish_gives_its_error() {
        let scope = Scope::image("registry.example/app:1");
        let mut taken = 0;
        let mut sink = |_: AwsSecurityFinding| -> Result<(), SinkError> {
            taken += 1;
            if taken == 2 {
                Err("the receiver hung up".into())
            } else {
                Ok(())
            }
        };
        let mut out = Emitter::new("t", &mut sink);
        out.cover(&TOOL, &scope);
        out.records = 3;
        assert!(out.emit(finding(&scope, "a")).is_ok());
        let e = out.emit(finding(&scope, "b")).unwrap_err();
        assert!(e.to_string().contains("stopped by its output"), "{e}");
        // a parser that goes on is refused without reaching the sink again
        assert!(out.emit(finding(&scope, "c")).is_err());
        match out.finish(Err(e)) {
            Err(EmitError::Sink(e)) => assert_eq!(e.to_string(), "the receiver hung up"),
            other => panic!("{other:?}"),
        }
        assert_eq!(taken, 2);
    }

    #[test]
    fn finish_checks_the_invariants_like_parse_output() {
        let scope = Scope::image("registry.example/app:1");
        let other = Scope::image("registry.example/other:1");
        let mut sink = Vec::new();
        let mut out = Emitter::new("t", &mut sink);
        out.records = 2;
        out.cover(&TOOL, &scope);
        out.emit(finding(&scope, "a")).unwrap();
        out.emit(finding(&other, "b")).unwrap();
        let e = match out.finish(Ok(())) {
            Err(EmitError::Report(e)) => e,
            other => panic!("{other:?}"),
        };
        let collected = ParseOutput {
            findings: sink.clone(),
            records: 2,
            scopes: [crate::id::generator_id("t", &scope)].into(),
            ..Default::default()
        };
        assert_eq!(
            e.message,
            format!("internal error: {}", collected.check().unwrap_err())
        );

        let mut sink = Vec::new();
        let mut out = Emitter::new("t", &mut sink);
        out.records = 2;
        out.cover(&TOOL, &scope);
        out.emit(finding(&scope, "a")).unwrap();
        let e = out.finish(Ok(())).unwrap_err();
        assert!(
            e.to_string()
                .contains("1 findings and 0 skipped records do not add up to the 2"),
            "{e}"
        );
    }
}

//! What a parser returns, and how it says that a report is bad.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Deserialize;

use crate::build::ToolInfo;
use crate::context::Scope;
use crate::model::AwsSecurityFinding;

/// A record of the report that produced no finding, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// Where the record is in the report (a JSON path, an XPath-like path or a key).
    pub record: String,
    /// Why it produced no finding, a short stable phrase such as `suppressed`.
    pub reason: String,
}

/// A parser's result: the findings, the records it skipped with a reason, warnings for the
/// reader, the scopes the report speaks for, and whether it may not cover them whole.
#[derive(Debug, Clone, Default)]
pub struct ParseOutput {
    pub findings: Vec<AwsSecurityFinding>,
    pub skipped: Vec<Skipped>,
    pub warnings: Vec<String>,
    /// How many records the report holds; `findings + skipped` must equal it.
    pub records: usize,
    /// The scopes (GeneratorIds) this report speaks for, also when it has no findings in them:
    /// the finding lifecycle archives what was active in these scopes and is no longer
    /// reported (see [`crate::lifecycle`]). Every finding's GeneratorId is one of them. Set with
    /// [`ParseOutput::cover`].
    pub scopes: BTreeSet<String>,
    /// Why the report may not cover its scopes whole (a scan that stopped early, a page of
    /// results missing, …); each reason is also in `warnings`. When this is not empty, the
    /// lifecycle archives nothing. Set with [`ParseOutput::mark_incomplete`].
    pub incomplete: Vec<String>,
}

impl ParseOutput {
    /// Skipped records counted by reason.
    pub fn skipped_by_reason(&self) -> BTreeMap<String, usize> {
        crate::emit::count_reasons(&self.skipped)
    }

    /// Records one skipped record.
    pub fn skip(&mut self, record: impl Into<String>, reason: impl Into<String>) {
        self.skipped.push(Skipped {
            record: record.into(),
            reason: reason.into(),
        });
    }

    /// Whether every record was accounted for: emitted or skipped.
    pub fn is_accounted(&self) -> bool {
        self.findings.len() + self.skipped.len() == self.records
    }

    /// Says that the report speaks for `scope` of `tool` (its GeneratorId): a parser calls it
    /// for every scope its report covers, including when the report has no findings in it.
    pub fn cover(&mut self, tool: &ToolInfo, scope: &Scope) {
        self.scopes
            .insert(crate::id::generator_id(tool.name, scope));
    }

    /// Says that the report may not cover its whole scope, and why: the reason goes into both
    /// `incomplete` and `warnings`.
    pub fn mark_incomplete(&mut self, reason: impl Into<String>) {
        let reason = reason.into();
        self.warnings.push(reason.clone());
        self.incomplete.push(reason);
    }

    /// Whether the report may be relied on to cover its scopes whole.
    pub fn is_complete(&self) -> bool {
        self.incomplete.is_empty()
    }

    /// The findings whose GeneratorId is not one of [`ParseOutput::scopes`] (a parser bug).
    pub fn uncovered(&self) -> impl Iterator<Item = &AwsSecurityFinding> {
        self.findings
            .iter()
            .filter(|f| !self.scopes.contains(&f.generator_id))
    }

    /// The invariants every parser's output keeps, or the first one it breaks: every record
    /// emitted or skipped ([`ParseOutput::is_accounted`]), every finding in a scope the report
    /// covers ([`ParseOutput::uncovered`]: the lifecycle archives in those scopes only).
    pub fn check(&self) -> Result<(), String> {
        let uncovered = self
            .uncovered()
            .next()
            .map(|f| (f.id.as_str(), f.generator_id.as_str()));
        crate::emit::check_invariants(
            self.findings.len(),
            self.skipped.len(),
            self.records,
            uncovered,
            &self.scopes,
        )
    }
}

/// Where in a report something was wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// The whole document.
    Document,
    /// A place in a text document.
    Text { line: usize, column: usize },
    /// A JSON path (`$.dependencies[3].vulnerabilities[0].name`) with its line and column.
    Json {
        path: String,
        line: usize,
        column: usize,
    },
    /// An element path in an XML document, with the byte offset.
    Xml { path: String, offset: u64 },
    /// Not the report but the context it is converted in (no scope for a code scanner's
    /// findings, …): the report itself may be fine.
    Context,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Document => f.write_str("document"),
            Location::Text { line, column } => write!(f, "line {line} column {column}"),
            Location::Json { path, line, column } if *line > 0 => {
                write!(f, "{path} (line {line} column {column})")
            }
            Location::Json { path, .. } => f.write_str(path),
            Location::Xml { path, offset } => write!(f, "{path} (byte {offset})"),
            Location::Context => f.write_str("the pipeline context"),
        }
    }
}

/// A report that cannot be converted: which format, where, and what was wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{format} report: {}{message}", match location { Location::Context => String::new(), l => format!("at {l}: ") })]
pub struct ReportError {
    pub format: &'static str,
    pub location: Location,
    pub message: String,
}

impl ReportError {
    /// An error; a message over [`MESSAGE_MAX`] characters (it may quote the report) is cut.
    pub fn new(format: &'static str, location: Location, message: impl Into<String>) -> Self {
        let location = match location {
            Location::Json { path, line, column } => Location::Json {
                path: shorten(path, PATH_MAX),
                line,
                column,
            },
            Location::Xml { path, offset } => Location::Xml {
                path: shorten(path, PATH_MAX),
                offset,
            },
            other => other,
        };
        ReportError {
            format,
            location,
            message: shorten(message.into(), MESSAGE_MAX),
        }
    }

    /// The context cannot take the report's findings (see [`Location::Context`]).
    pub fn context(format: &'static str, e: crate::ContextError) -> Self {
        Self::new(format, Location::Context, e.to_string())
    }

    /// An error about the whole document.
    pub fn document(format: &'static str, message: impl Into<String>) -> Self {
        Self::new(format, Location::Document, message)
    }

    /// An error at a JSON path found while converting (no line known).
    pub fn at_path(
        format: &'static str,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self::new(
            format,
            Location::Json {
                path: path.into(),
                line: 0,
                column: 0,
            },
            message,
        )
    }
}

/// Longest message of a [`ReportError`], in characters: messages may quote a value of the
/// report, which a hostile report can make megabytes long.
pub const MESSAGE_MAX: usize = 1024;
/// Longest path in a [`Location`], in characters (paths hold keys of the report).
pub const PATH_MAX: usize = 512;

fn shorten(s: String, max: usize) -> String {
    crate::fit::truncate_chars(&s, max).unwrap_or(s)
}

/// Any JSON value, read for its structure only: containers are walked (so that a path tracker
/// sees where a syntax error is) but nothing is kept, so memory stays bounded.
struct Skeleton;

impl<'de> Deserialize<'de> for Skeleton {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Skeleton;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Skeleton, A::Error> {
                while map.next_key::<serde::de::IgnoredAny>()?.is_some() {
                    map.next_value::<Skeleton>()?;
                }
                Ok(Skeleton)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Skeleton, A::Error> {
                while seq.next_element::<Skeleton>()?.is_some() {}
                Ok(Skeleton)
            }
            fn visit_bool<E>(self, _: bool) -> Result<Skeleton, E> {
                Ok(Skeleton)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Skeleton, E> {
                Ok(Skeleton)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Skeleton, E> {
                Ok(Skeleton)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Skeleton, E> {
                Ok(Skeleton)
            }
            fn visit_str<E>(self, _: &str) -> Result<Skeleton, E> {
                Ok(Skeleton)
            }
            fn visit_unit<E>(self) -> Result<Skeleton, E> {
                Ok(Skeleton)
            }
        }
        d.deserialize_any(V)
    }
}

fn json_error(format: &'static str, bytes: &[u8], first: serde_json::Error) -> ReportError {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return ReportError::document(format, "the report is empty");
    }
    let path = {
        // Re-read into a generic value (only on this error path) to find where a syntax error is.
        let mut de = serde_json::Deserializer::from_slice(bytes);
        let mut track = serde_path_to_error::Track::new();
        let pd = serde_path_to_error::Deserializer::new(&mut de, &mut track);
        let _ = Skeleton::deserialize(pd);
        track.path().to_string()
    };
    let message = match first.classify() {
        serde_json::error::Category::Eof => {
            format!("the report ends too early (truncated?): {first}")
        }
        _ => strip_position(&first.to_string()),
    };
    ReportError::new(
        format,
        Location::Json {
            path: json_path(&path),
            line: first.line(),
            column: first.column(),
        },
        message,
    )
}

/// Turns serde_path_to_error's `a.b[0]` (or `.` for the root) into `$.a.b[0]`.
pub fn json_path(path: &str) -> String {
    if path == "." || path.is_empty() {
        "$".to_string()
    } else if path.starts_with('[') {
        format!("${path}")
    } else {
        format!("$.{path}")
    }
}

fn strip_position(msg: &str) -> String {
    let msg = msg
        .rfind(" at line ")
        .and_then(|i| msg.get(..i))
        .unwrap_or(msg);
    shorten(msg.to_string(), MESSAGE_MAX)
}

/// Deserializes with the JSON path of a type error. Slower than [`from_json_slice`]; parsers
/// call it only after the fast parse failed.
pub fn from_json_slice_tracked<'de, T>(
    format: &'static str,
    bytes: &'de [u8],
) -> Result<T, ReportError>
where
    T: Deserialize<'de>,
{
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let result: Result<T, _> = serde_path_to_error::deserialize(&mut de);
    match result {
        Ok(v) => {
            de.end().map_err(|e| json_error(format, bytes, e))?;
            Ok(v)
        }
        Err(e) => {
            let path = json_path(&e.path().to_string());
            let inner = e.into_inner();
            if inner.is_eof() || inner.is_syntax() {
                return Err(json_error(format, bytes, inner));
            }
            Err(ReportError::new(
                format,
                Location::Json {
                    path,
                    line: inner.line(),
                    column: inner.column(),
                },
                strip_position(&inner.to_string()),
            ))
        }
    }
}

/// The report without leading white space (and a UTF-8 BOM), or the error every parser gives
/// for an empty one: the start of each tool's `parse`.
pub fn require_content<'b>(format: &'static str, bytes: &'b [u8]) -> Result<&'b [u8], ReportError> {
    let body = crate::sniff::trim_start(bytes);
    if body.is_empty() {
        Err(ReportError::document(format, "the report is empty"))
    } else {
        Ok(body)
    }
}

/// A `deserialize_with` helper: `null` read as the type's default (an empty list), for the
/// collections scanners written in Go emit as `null` when they are empty.
///
/// ```
/// #[derive(serde::Deserialize)]
/// struct Doc {
///     #[serde(default, deserialize_with = "asff_core::report::nullable")]
///     items: Vec<u32>,
/// }
/// let d: Doc = serde_json::from_str(r#"{"items": null}"#)?;
/// assert!(d.items.is_empty());
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn nullable<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A string of a report, borrowed from its bytes when it has no escapes: for map keys and
/// newtypes, where `#[serde(borrow)]` on a `Cow<str>` field does not apply.
///
/// ```
/// use asff_core::report::BorrowedStr;
/// let plain: BorrowedStr = serde_json::from_str(r#""a.php""#)?;
/// assert!(matches!(plain.0, std::borrow::Cow::Borrowed("a.php")));
/// let escaped: BorrowedStr = serde_json::from_str(r#""a\\b.php""#)?;
/// assert_eq!(escaped.0, "a\\b.php");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BorrowedStr<'a>(pub std::borrow::Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for BorrowedStr<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use std::borrow::Cow;
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for V<'a> {
            type Value = BorrowedStr<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<BorrowedStr<'a>, E> {
                Ok(BorrowedStr(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<BorrowedStr<'a>, E> {
                Ok(BorrowedStr(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<BorrowedStr<'a>, E> {
                Ok(BorrowedStr(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V(std::marker::PhantomData))
    }
}

/// Parses a typed JSON report: fast, and on failure again with path tracking so the error names
/// the JSON path.
pub fn parse_json<'de, T>(format: &'static str, bytes: &'de [u8]) -> Result<T, ReportError>
where
    T: Deserialize<'de>,
{
    match serde_json::from_slice::<T>(bytes) {
        Ok(v) => Ok(v),
        Err(_) => from_json_slice_tracked(format, bytes),
    }
}

/// [`parse_json`] of the JSON that starts at `start` in `bytes` (after lines of captured tool
/// output, see [`crate::sniff::json_start`]), with errors at the lines and columns of `bytes`.
pub fn parse_json_at<'de, T>(
    format: &'static str,
    bytes: &'de [u8],
    start: usize,
) -> Result<T, ReportError>
where
    T: Deserialize<'de>,
{
    let json = bytes.get(start..).unwrap_or_default();
    parse_json(format, json).map_err(|mut e| {
        if let Location::Json { line, column, .. } = &mut e.location {
            (*line, *column) = crate::sniff::position_in_input(bytes, start, *line, *column);
        }
        e
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_after_leading_lines_is_located_in_the_whole_input() {
        let input = b"Note: Using configuration file x.neon.\n  {\"a\": tru}";
        let start = crate::sniff::json_start(input).unwrap();
        let e = parse_json_at::<serde_json::Value>("t", input, start).unwrap_err();
        match e.location {
            Location::Json { line, column, .. } => {
                assert_eq!(line, 2);
                // `tru}` starts at column 9 of line 2; serde_json points past what it read
                assert!((9..=13).contains(&column), "{column}");
            }
            l => panic!("{l:?}"),
        }
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Doc {
        items: Vec<Item>,
    }
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Item {
        name: String,
        score: f64,
    }

    #[test]
    fn type_errors_name_the_json_path() {
        let e = parse_json::<Doc>(
            "test",
            br#"{"items":[{"name":"a","score":1},{"name":"b","score":"x"}]}"#,
        )
        .unwrap_err();
        match &e.location {
            Location::Json { path, line, .. } => {
                assert_eq!(path, "$.items[1].score");
                assert_eq!(*line, 1);
            }
            other => panic!("{other:?}"),
        }
        assert!(
            e.to_string()
                .starts_with("test report: at $.items[1].score"),
            "{e}"
        );
    }

    #[test]
    fn truncated_and_empty_documents() {
        let e = parse_json::<Doc>("test", b"{\"items\":[{\"name\":\"a\",").unwrap_err();
        assert!(e.message.contains("ends too early"), "{e}");
        match &e.location {
            Location::Json { path, .. } => assert!(path.starts_with("$.items[0]"), "{path}"),
            other => panic!("{other:?}"),
        }
        let e = parse_json::<Doc>("test", b"  \n").unwrap_err();
        assert_eq!(e.location, Location::Document);
        assert!(e.message.contains("empty"));
    }

    #[test]
    fn syntax_errors_have_line_and_column() {
        let e = parse_json::<Doc>("test", b"{\n  \"items\": [}\n").unwrap_err();
        match e.location {
            Location::Json { line, column, .. } => assert_eq!((line, column), (2, 13)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn accounting() {
        let mut o = ParseOutput {
            records: 2,
            ..Default::default()
        };
        o.skip("$.a[0]", "suppressed");
        assert!(!o.is_accounted());
        o.skip("$.a[1]", "suppressed");
        assert!(o.is_accounted());
        assert_eq!(o.skipped_by_reason().get("suppressed"), Some(&2));
    }

    #[test]
    fn scopes_and_incompleteness() {
        const TOOL: ToolInfo = ToolInfo {
            name: "t",
            product_name: "T",
            company_name: "T",
        };
        let mut o = ParseOutput::default();
        assert!(o.is_complete());
        o.cover(&TOOL, &Scope::image("registry.example/app:1"));
        o.cover(&TOOL, &Scope::image("registry.example/app:2"));
        assert_eq!(
            o.scopes.iter().collect::<Vec<_>>(),
            vec![&crate::id::generator_id(
                "t",
                &Scope::image("registry.example/app")
            )]
        );
        o.mark_incomplete("page 2 is missing");
        assert!(!o.is_complete());
        assert_eq!(o.incomplete, vec!["page 2 is missing".to_string()]);
        assert_eq!(o.warnings, o.incomplete);
    }
}

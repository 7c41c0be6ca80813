//! Helpers shared by the facade's hardening tests (hostile input, properties, fuzz regressions).

#![cfg(test)]
#![allow(dead_code)]

use asff_core::fit::{is_valid_type, limits, serialized_len};
use asff_core::ParseOutput;
use asff_parsers::{convert, ConvertError, Tool};
use serde_json::Value;

/// The real and hand-written JSON reports of a tool, from `testdata/<tool>/` (SARIF logs,
/// `.sarif`, are JSON too): (path, bytes).
pub fn json_reports(tool: Tool) -> Vec<(String, Vec<u8>)> {
    reports(tool, &["json", "sarif"])
        .into_iter()
        .filter(|(_, b)| serde_json::from_slice::<Value>(b).is_ok())
        .collect()
}

/// The XML reports of a tool, from `testdata/<tool>/`.
pub fn xml_reports(tool: Tool) -> Vec<(String, Vec<u8>)> {
    reports(tool, &["xml"])
}

fn reports(tool: Tool, extensions: &[&str]) -> Vec<(String, Vec<u8>)> {
    asff_testkit::testdata_files(tool.name(), extensions)
        .into_iter()
        .filter(|p| {
            !p.rsplit('/')
                .next()
                .unwrap_or("")
                .starts_with("fuzz-regression-")
        })
        .map(|p| {
            let b = asff_testkit::testdata(&p);
            (p, b)
        })
        .collect()
}

/// How a report was answered.
#[derive(Debug)]
pub enum Outcome {
    /// Converted; every finding valid.
    Converted(ParseOutput),
    /// Refused with this message (a `ReportError` naming the tool).
    Refused(String),
}

/// Converts `bytes` as `tool`'s report through the facade and checks the answer: a valid,
/// accounted conversion within Security Hub's limits, or a `ReportError` of that tool.
pub fn check(tool: Tool, bytes: &[u8], what: &str) -> Outcome {
    match convert(bytes, Some(tool), &asff_testkit::context()) {
        Ok(conv) => {
            assert_eq!(conv.tool, tool);
            let out = conv.output;
            asff_testkit::assert_accounted(&out);
            asff_testkit::assert_valid(&out.findings);
            for f in &out.findings {
                assert_within_limits(f, &format!("{tool} {what}"));
            }
            Outcome::Converted(out)
        }
        Err(ConvertError::Report(e)) => {
            assert_eq!(e.format, tool.name(), "{what}: {e}");
            assert!(!e.message.is_empty(), "{what}: {e:?}");
            // a broken invariant (accounting, scopes) is a parser bug, not a refused report
            assert!(
                !e.message.starts_with("internal error"),
                "{tool} {what}: {e}"
            );
            Outcome::Refused(e.to_string())
        }
        Err(ConvertError::Detect(e)) => panic!("{tool} {what}: detection with a given tool: {e}"),
        Err(ConvertError::Encoding(e)) => {
            panic!("{tool} {what}: an encoding error not named by the given tool: {e}")
        }
    }
}

/// Panics unless a finding is within Security Hub's limits.
pub fn assert_within_limits(f: &asff_core::AwsSecurityFinding, what: &str) {
    assert!(
        !f.id.is_empty() && f.id.len() <= limits::ID,
        "{what}: Id of {} bytes",
        f.id.len()
    );
    assert!(
        f.generator_id.len() <= limits::GENERATOR_ID,
        "{what}: GeneratorId"
    );
    let n = f.title.chars().count();
    assert!(
        (1..=limits::TITLE).contains(&n),
        "{what}: Title of {n} characters"
    );
    let n = f.description.chars().count();
    assert!(
        (1..=limits::DESCRIPTION).contains(&n),
        "{what}: Description of {n} characters"
    );
    assert!(
        (1..=limits::TYPES).contains(&f.types.len()),
        "{what}: {} Types",
        f.types.len()
    );
    assert!(
        f.types.iter().all(|t| is_valid_type(t)),
        "{what}: Types {:?}",
        f.types
    );
    assert!(
        (1..=limits::RESOURCES).contains(&f.resources.len()),
        "{what}: {} Resources",
        f.resources.len()
    );
    assert!(
        f.product_fields.len() <= limits::PRODUCT_FIELDS,
        "{what}: ProductFields"
    );
    assert!(f.label().is_some(), "{what}: no severity label");
    let size = serialized_len(f);
    assert!(size <= limits::FINDING_BYTES, "{what}: {size} bytes");
}

/// A leaf of a JSON document.
pub enum Leaf<'a> {
    Str(&'a str),
    Num(&'a serde_json::Number),
    Bool(bool),
    Null,
}

/// Replaces each leaf for which `f` returns a value, depth first, in document order.
pub fn replace_leaves(v: &mut Value, f: &mut dyn FnMut(Leaf<'_>) -> Option<Value>) {
    let new = match v {
        Value::Object(m) => {
            m.values_mut().for_each(|x| replace_leaves(x, f));
            None
        }
        Value::Array(a) => {
            a.iter_mut().for_each(|x| replace_leaves(x, f));
            None
        }
        Value::String(s) => f(Leaf::Str(s)),
        Value::Number(n) => f(Leaf::Num(n)),
        Value::Bool(b) => f(Leaf::Bool(*b)),
        Value::Null => f(Leaf::Null),
    };
    if let Some(n) = new {
        *v = n;
    }
}

/// The leaves of a document, counted.
pub fn count_leaves(v: &Value) -> usize {
    let mut n = 0;
    replace_leaves(&mut v.clone(), &mut |_| {
        n += 1;
        None
    });
    n
}

//! Properties of every parser (proptest), on mutations of the real reports in `testdata/`:
//! leaves of a JSON report replaced by random unicode, huge strings, odd numbers or other
//! types, then converted with the tool's parser through the facade. A conversion is either a
//! valid one (every finding passes the ASFF schema and Security Hub's limits, Ids unique, every
//! record accounted for) or a `ReportError` of that tool, never a panic; and Ids are
//! deterministic: the same report gives the same Ids under another build id and clock.
//!
//! A new tool is covered as soon as it is in `Tool::ALL` and has JSON testdata.

#![cfg(test)]

mod common;

use std::sync::OnceLock;

use asff_parsers::{convert, Tool};
use common::{check, count_leaves, json_reports, replace_leaves, Leaf, Outcome};
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{json, Number, Value};

/// Reports small enough to convert many times per test: (tool, path, document, leaves).
fn corpus() -> &'static [(Tool, String, Value, usize)] {
    static C: OnceLock<Vec<(Tool, String, Value, usize)>> = OnceLock::new();
    C.get_or_init(|| {
        let mut out = Vec::new();
        for &tool in Tool::ALL {
            for (name, bytes) in json_reports(tool) {
                if bytes.len() > 120_000 {
                    continue;
                }
                let v: Value = serde_json::from_slice(&bytes).expect("JSON");
                let n = count_leaves(&v);
                if n > 0 {
                    out.push((tool, name, v, n));
                }
            }
        }
        assert!(!out.is_empty(), "no JSON testdata");
        out
    })
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => any::<String>(),
        2 => "\\PC{0,40}",
        1 => Just(String::new()),
        1 => Just(" ".to_string()),
        1 => (any::<char>(), 1000usize..200_000).prop_map(|(c, n)| c.to_string().repeat(n)),
        1 => prop::sample::select(vec![
            "CRITICAL", "high", "Medium", "low", "info", "unknown", "NaN", "-1", "1e309",
            "CVE-2021-44228", "GHSA-jfh8-c2jp-5v3q", "pkg:npm/lodash@4.17.20", "../../etc/passwd",
            "aws/secret", "0", "true", "null", "\u{0}", "\u{feff}", "😀", "e\u{301}",
        ]).prop_map(String::from),
    ]
}

fn any_number() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| Number::from_f64(f).map_or(Value::Null, Value::Number)),
        (-20.0f64..120.0).prop_map(|f| Number::from_f64(f).map_or(Value::Null, Value::Number)),
        prop::sample::select(vec![0i64, -1, 1, 10, 11, 100, i64::MAX, i64::MIN])
            .prop_map(Value::from),
    ]
}

/// Anything, including another type than the report has there.
fn any_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        3 => any_text().prop_map(Value::String),
        2 => any_number(),
        1 => any::<bool>().prop_map(Value::Bool),
        1 => Just(Value::Null),
        1 => Just(json!([])),
        1 => Just(json!({})),
        1 => Just(json!([{}, null, "x", 1])),
    ]
}

/// `mutations` applied to the report `which`: each replaces one leaf (chosen by index) by what
/// `value` gives for its old value.
fn mutate(which: &Index, mutations: &[(Index, Value)], same_type: bool) -> (Tool, String, Vec<u8>) {
    let (tool, name, doc, n) = &corpus()[which.index(corpus().len())];
    let mut doc = doc.clone();
    for (at, new) in mutations {
        let target = at.index(*n);
        let mut i = 0;
        replace_leaves(&mut doc, &mut |leaf| {
            let here = i == target;
            i += 1;
            if !here {
                return None;
            }
            if !same_type {
                return Some(new.clone());
            }
            match (leaf, new) {
                (Leaf::Str(_), Value::String(_)) | (Leaf::Num(_), Value::Number(_)) => {
                    Some(new.clone())
                }
                (Leaf::Str(_), _) => Some(Value::String(new.to_string())),
                (Leaf::Num(_), _) => {
                    Some(json!(i64::try_from(new.to_string().len()).unwrap_or(0) - 3))
                }
                _ => None,
            }
        });
    }
    (
        *tool,
        name.clone(),
        serde_json::to_vec(&doc).expect("serializes"),
    )
}

proptest! {
    #![proptest_config(config(96))]

    /// Strings stay strings and numbers numbers: the report still reads, so the conversion
    /// logic itself meets odd values.
    #[test]
    fn mutated_values_convert_to_valid_findings_or_a_report_error(
        which in any::<Index>(),
        mutations in prop::collection::vec((any::<Index>(), any_value()), 1..12),
    ) {
        let (tool, name, doc) = mutate(&which, &mutations, true);
        let _ = check(tool, &doc, &name);
    }

    /// Any value of any type anywhere.
    #[test]
    fn mutated_types_convert_to_valid_findings_or_a_report_error(
        which in any::<Index>(),
        mutations in prop::collection::vec((any::<Index>(), any_value()), 1..6),
    ) {
        let (tool, name, doc) = mutate(&which, &mutations, false);
        let _ = check(tool, &doc, &name);
    }

    /// The same report gives the same Ids under another build id and clock, and one Id per
    /// finding (unique Ids are checked by `check`).
    #[test]
    fn ids_are_deterministic(
        which in any::<Index>(),
        mutations in prop::collection::vec((any::<Index>(), any_value()), 0..6),
    ) {
        let (tool, name, doc) = mutate(&which, &mutations, true);
        if let Outcome::Converted(out) = check(tool, &doc, &name) {
            let later = convert(&doc, Some(tool), &asff_testkit::context_later())
                .unwrap_or_else(|e| panic!("{tool} {name}: converts once, not twice: {e}"));
            let ids: Vec<&str> = out.findings.iter().map(|f| f.id.as_str()).collect();
            let again: Vec<&str> = later.output.findings.iter().map(|f| f.id.as_str()).collect();
            prop_assert_eq!(ids, again, "{} {}", tool, name);
        }
    }
}

/// Bytes cut, repeated or flipped anywhere, in any report (JSON or XML).
fn raw_corpus() -> &'static [(Tool, String, Vec<u8>)] {
    static C: OnceLock<Vec<(Tool, String, Vec<u8>)>> = OnceLock::new();
    C.get_or_init(|| {
        let mut out = Vec::new();
        for &tool in Tool::ALL {
            for (name, bytes) in json_reports(tool)
                .into_iter()
                .chain(common::xml_reports(tool))
            {
                if bytes.len() <= 120_000 {
                    out.push((tool, name, bytes));
                }
            }
        }
        out
    })
}

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn damaged_bytes_convert_to_valid_findings_or_a_report_error(
        which in any::<Index>(),
        edits in prop::collection::vec((any::<Index>(), any::<Index>(), prop::collection::vec(any::<u8>(), 0..8)), 1..6),
        truncate in prop::option::of(any::<Index>()),
    ) {
        let (tool, name, bytes) = &raw_corpus()[which.index(raw_corpus().len())];
        let mut doc = bytes.clone();
        for (at, len, with) in &edits {
            let start = at.index(doc.len() + 1);
            let end = (start + len.index(8)).min(doc.len());
            doc.splice(start..end, with.iter().copied());
        }
        if let Some(t) = truncate {
            doc.truncate(t.index(doc.len() + 1));
        }
        let _ = check(*tool, &doc, name);
        // detection never panics either, and agrees with conversion
        let _ = asff_parsers::detect(&doc);
    }
}

//! The mapping rules of the PHPStan parser, one by one.

#![cfg(test)]

use std::collections::HashSet;

use asff_core::{AwsSecurityFinding, Label, ParseOutput};
use asff_phpstan::parse;
use asff_testkit::{
    assert_accounted, assert_valid, context, context_later, testdata, testdata_files,
};
use serde_json::{json, Value};

fn convert_bytes(bytes: &[u8]) -> ParseOutput {
    let out = parse(bytes, &context()).unwrap_or_else(|e| panic!("{e}"));
    assert_valid(&out.findings);
    assert_accounted(&out);
    out
}

fn convert(doc: &Value) -> ParseOutput {
    convert_bytes(doc.to_string().as_bytes())
}

fn ids(out: &ParseOutput) -> Vec<String> {
    out.findings.iter().map(|f| f.id.clone()).collect()
}

fn original(f: &AwsSecurityFinding) -> &str {
    f.severity
        .as_ref()
        .and_then(|s| s.original.as_deref())
        .unwrap_or("")
}

/// A report with one file holding these messages.
fn report(path: &str, messages: Vec<Value>) -> Value {
    let n = messages.len();
    json!({"totals": {"errors": 0, "file_errors": n}, "files": {path: {"errors": n, "messages": messages}}, "errors": []})
}

#[test]
fn one_finding_per_message_and_general_errors_are_skipped() {
    let out = convert_bytes(&testdata(
        "phpstan/phpstan-src-tests/expected-multiple-file-multiple-generic-errors.json",
    ));
    assert_eq!((out.records, out.findings.len()), (6, 4));
    let skipped: Vec<(&str, &str)> = out
        .skipped
        .iter()
        .map(|s| (s.record.as_str(), s.reason.as_str()))
        .collect();
    assert_eq!(
        skipped,
        [
            ("$.errors[0]", "general error"),
            ("$.errors[1]", "general error")
        ]
    );
    assert_eq!(
        out.warnings,
        [
            "PHPStan general error: first generic error",
            "PHPStan general error: second generic<error>"
        ]
    );
}

#[test]
fn files_as_an_empty_array() {
    let out = convert_bytes(&testdata(
        "phpstan/phpstan-src-tests/expected-no-errors.json",
    ));
    assert_eq!(
        (out.records, out.findings.len(), out.skipped.len()),
        (0, 0, 0)
    );
    assert!(out.warnings.is_empty());
    let out = convert_bytes(&testdata(
        "phpstan/phpstan-src-tests/expected-one-generic-error.json",
    ));
    assert_eq!((out.records, out.findings.len()), (1, 0));
    assert_eq!(out.skipped[0].reason, "general error");
}

#[test]
fn lines_before_the_json_are_skipped() {
    let out = convert_bytes(&testdata("phpstan/handwritten-stdout-with-note-line.json"));
    assert_eq!((out.records, out.findings.len()), (4, 3));
    let doc = b"Note: Using configuration file /app/phpstan.neon.\r\n\
        Note: Using cache directory /tmp/phpstan.\n\
        {\"totals\":{\"errors\":0,\"file_errors\":1},\"files\":{\"/app/a.php\":{\"errors\":1,\"messages\":[{\"message\":\"Foo\",\"line\":1,\"ignorable\":true}]}},\"errors\":[]}";
    let out = convert_bytes(doc);
    assert_eq!(out.findings.len(), 1);
}

#[test]
fn a_null_line_is_no_line() {
    let out = convert(&report(
        "/app/a.php",
        vec![json!({"message": "File-level problem.", "line": null, "ignorable": true})],
    ));
    let f = &out.findings[0];
    assert!(!f.product_fields.contains_key("phpstan/Line"));
    let other = &f.resources[0].details.as_ref().unwrap().other;
    assert_eq!(other["Path"], "/app/a.php");
    assert!(!other.contains_key("Line"));
    assert!(
        f.description.contains("File: /app/a.php\n") || f.description.ends_with("File: /app/a.php")
    );
}

#[test]
fn severity_is_low_when_ignorable_else_medium() {
    let out = convert(&report(
        "/app/a.php",
        vec![
            json!({"message": "A", "line": 1, "ignorable": true}),
            json!({"message": "B", "line": 2, "ignorable": false}),
            json!({"message": "C", "line": 3}),
        ],
    ));
    let got: Vec<(Label, &str)> = out
        .findings
        .iter()
        .map(|f| (f.label().unwrap(), original(f)))
        .collect();
    assert_eq!(
        got,
        [
            (Label::Low, "ignorable"),
            (Label::Medium, "non-ignorable"),
            (Label::Medium, "error")
        ]
    );
}

#[test]
fn the_policy_overrides_per_identifier() {
    let policy = asff_core::SeverityPolicy::from_json(
        br#"{"version":1,"overrides":[{"tool":"phpstan","id":"argument.type","label":"HIGH","reason":"type errors break us"}]}"#,
    )
    .unwrap();
    let doc = report(
        "/app/a.php",
        vec![
            json!({"message": "A", "line": 1, "ignorable": true, "identifier": "argument.type"}),
            json!({"message": "B", "line": 2, "ignorable": true, "identifier": "return.type"}),
        ],
    );
    let out = parse(doc.to_string().as_bytes(), &context().with_policy(policy)).unwrap();
    assert_eq!(out.findings[0].label(), Some(Label::High));
    assert_eq!(original(&out.findings[0]), "ignorable");
    assert_eq!(
        out.findings[0].product_fields["asff/SeverityPolicy"],
        "LOW -> HIGH"
    );
    assert_eq!(out.findings[1].label(), Some(Label::Low));
}

#[test]
fn fields_tip_and_identifier_are_kept() {
    let out = convert(&report(
        "/app/src/A.php",
        vec![
            json!({"message": "Bar\nBar2", "line": 5, "ignorable": true, "tip": "a tip", "identifier": "x.y"}),
        ],
    ));
    let f = &out.findings[0];
    assert_eq!(f.title, "Bar Bar2");
    assert_eq!(
        f.description,
        "Bar\nBar2\nFile: /app/src/A.php:5\nIdentifier: x.y\nTip: a tip"
    );
    let rec = f
        .remediation
        .as_ref()
        .unwrap()
        .recommendation
        .as_ref()
        .unwrap();
    assert_eq!(rec.text.as_deref(), Some("a tip"));
    assert_eq!(f.product_fields["phpstan/Identifier"], "x.y");
    assert_eq!(f.product_fields["phpstan/Line"], "5");
    assert_eq!(f.types, ["Software and Configuration Checks"]);
    assert!(
        f.id.starts_with("phpstan/github.com/example/app@main/A.php:x.y/"),
        "{}",
        f.id
    );
}

/// Adds `by` to every non-null line.
fn shift_lines(doc: &mut Value, by: u64) {
    if let Some(files) = doc["files"].as_object_mut() {
        for file in files.values_mut() {
            for m in file["messages"].as_array_mut().unwrap() {
                if let Some(l) = m["line"].as_u64() {
                    m["line"] = json!(l + by);
                }
            }
        }
    }
}

#[test]
fn ids_do_not_change_when_lines_shift() {
    for file in [
        "phpstan/phpstan-2.1.42-maphapay-backoffice.json",
        "phpstan/handwritten-equal-messages-null-lines.json",
        "phpstan/phpstan-src-tests/expected-multiple-file-errors.json",
    ] {
        let mut doc: Value = serde_json::from_slice(&testdata(file)).unwrap();
        let before = convert(&doc);
        shift_lines(&mut doc, 17);
        let after = convert(&doc);
        assert_eq!(ids(&before), ids(&after), "{file}");
        assert_ne!(
            before.findings[0].product_fields.get("phpstan/Line"),
            after.findings[0].product_fields.get("phpstan/Line"),
            "{file}: the lines did move"
        );
    }
}

#[test]
fn a_new_message_above_does_not_change_the_others_ids() {
    let mut doc: Value = serde_json::from_slice(&testdata(
        "phpstan/handwritten-equal-messages-null-lines.json",
    ))
    .unwrap();
    let before = convert(&doc);
    let messages = doc["files"]["/app/src/Report.php"]["messages"]
        .as_array_mut()
        .unwrap();
    messages.insert(
        0,
        json!({"message": "Parameter #1 $x of function f expects int, string given.", "line": 2, "ignorable": true, "identifier": "argument.type"}),
    );
    shift_lines(&mut doc, 3);
    let after = convert(&doc);
    let after_ids: HashSet<String> = ids(&after).into_iter().collect();
    for id in ids(&before) {
        assert!(after_ids.contains(&id), "{id} changed");
    }
    assert_eq!(after.findings.len(), before.findings.len() + 1);
}

#[test]
fn equal_messages_get_distinct_ids_in_report_order() {
    let out = convert_bytes(&testdata(
        "phpstan/handwritten-equal-messages-null-lines.json",
    ));
    let intval = "Parameter #1 $value of function intval expects mixed, array given.";
    let equal: Vec<&AwsSecurityFinding> =
        out.findings.iter().filter(|f| f.title == intval).collect();
    // three in Report.php, one in Util.php
    assert_eq!(equal.len(), 4);
    let unique: HashSet<&str> = equal.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(unique.len(), 4);
    // the same report again: the same Ids in the same order
    let again = convert_bytes(&testdata(
        "phpstan/handwritten-equal-messages-null-lines.json",
    ));
    assert_eq!(ids(&out), ids(&again));

    // the Ids of equal messages follow their order among equals, not their lines: the first
    // of three keeps the first Id when its line changes
    let three = |lines: [u64; 3]| {
        report(
            "/app/a.php",
            lines
                .iter()
                .map(|l| json!({"message": "Same.", "line": l, "ignorable": true, "identifier": "same.id"}))
                .collect(),
        )
    };
    let a = convert(&three([10, 20, 30]));
    let b = convert(&three([11, 25, 90]));
    assert_eq!(ids(&a), ids(&b));
    // a message between them that is not equal does not count
    let mut doc = three([10, 20, 30]);
    doc["files"]["/app/a.php"]["messages"]
        .as_array_mut()
        .unwrap()
        .insert(
            1,
            json!({"message": "Other.", "line": 15, "ignorable": true, "identifier": "same.id"}),
        );
    let c = convert(&doc);
    let c_ids = ids(&c);
    assert_eq!(
        [&c_ids[0], &c_ids[2], &c_ids[3]],
        [&ids(&a)[0], &ids(&a)[1], &ids(&a)[2]]
    );
}

#[test]
fn ids_depend_on_file_identifier_and_message() {
    let base = json!({"message": "Same.", "line": 1, "ignorable": true, "identifier": "a.b"});
    let id = |path: &str, m: Value| convert(&report(path, vec![m])).findings[0].id.clone();
    let reference = id("/app/a.php", base.clone());
    assert_ne!(reference, id("/app/b.php", base.clone()));
    assert_ne!(
        reference,
        id(
            "/app/a.php",
            json!({"message": "Same.", "line": 1, "ignorable": true, "identifier": "c.d"})
        )
    );
    assert_ne!(
        reference,
        id(
            "/app/a.php",
            json!({"message": "Other.", "line": 1, "ignorable": true, "identifier": "a.b"})
        )
    );
    assert_ne!(
        reference,
        id(
            "/app/a.php",
            json!({"message": "Same.", "line": 1, "ignorable": true})
        )
    );
    // not the ignorable flag, not the tip, not the line
    assert_eq!(
        reference,
        id(
            "/app/a.php",
            json!({"message": "Same.", "line": 99, "ignorable": false, "identifier": "a.b", "tip": "t"})
        )
    );
}

#[test]
fn codebuild_checkout_directories_do_not_change_ids() {
    let doc = |dir: &str| {
        report(
            &format!("{dir}/src/github.com/example/app/src/A.php"),
            vec![json!({"message": "M", "line": 1, "ignorable": true})],
        )
    };
    let a = convert(&doc("/codebuild/output/src482910377"));
    let b = convert(&doc("/codebuild/output/src11"));
    assert_eq!(ids(&a), ids(&b));
    // the reported path itself is kept
    assert_eq!(
        a.findings[0].product_fields["phpstan/File"],
        "/codebuild/output/src482910377/src/github.com/example/app/src/A.php"
    );
    let c = convert(&doc("/tmp/src123"));
    let d = convert(&doc("/tmp/src456"));
    assert_eq!(ids(&c), ids(&d));
    assert_ne!(ids(&a), ids(&c));
    // other directories are not touched
    assert_ne!(
        ids(&convert(&doc("/work/src1"))),
        ids(&convert(&doc("/work/src2")))
    );
}

#[test]
fn ids_are_stable_across_builds_and_unique() {
    for file in testdata_files("phpstan", &["json"]) {
        let bytes = testdata(&file);
        let a = parse(&bytes, &context()).unwrap();
        let b = parse(&bytes, &context_later()).unwrap();
        assert_eq!(ids(&a), ids(&b), "{file}");
        if let (Some(fa), Some(fb)) = (a.findings.first(), b.findings.first()) {
            assert_ne!(
                fa.updated_at, fb.updated_at,
                "the later context has another clock"
            );
        }
        let unique: HashSet<String> = ids(&a).into_iter().collect();
        assert_eq!(unique.len(), a.findings.len(), "{file}");
    }
}

#[test]
fn totals_that_disagree_are_a_warning() {
    let mut doc = report(
        "/app/a.php",
        vec![json!({"message": "A", "line": 1, "ignorable": true})],
    );
    doc["totals"]["file_errors"] = json!(2);
    doc["totals"]["errors"] = json!(1);
    let out = convert(&doc);
    assert!(
        out.warnings
            .iter()
            .any(|w| w.contains("file_errors says 2")),
        "{:?}",
        out.warnings
    );
    assert!(
        out.warnings
            .iter()
            .any(|w| w.contains("totals.errors says 1")),
        "{:?}",
        out.warnings
    );
}

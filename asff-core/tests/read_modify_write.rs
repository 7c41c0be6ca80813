//! Real findings read into the model, modified and written back keep every member, modelled or
//! not.

#![cfg(test)]

use asff_core::model::{AwsSecurityFinding, RecordState};
use serde_json::Value;

fn findings(file: &str) -> Vec<Value> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../testdata/asff")
        .join(file);
    let v: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    match v {
        Value::Array(a) => a,
        Value::Object(mut o) => match o.remove("Findings") {
            Some(Value::Array(a)) => a,
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
}

/// JSON numbers compared by value: `5` and `5.0` are the same number.
fn norm(v: Value) -> Value {
    match v {
        Value::Number(n) => n
            .as_f64()
            .and_then(serde_json::Number::from_f64)
            .map_or(Value::Number(n), Value::Number),
        Value::Array(a) => Value::Array(a.into_iter().map(norm).collect()),
        Value::Object(o) => Value::Object(o.into_iter().map(|(k, v)| (k, norm(v))).collect()),
        other => other,
    }
}

#[test]
fn real_findings_survive_a_read_modify_write() {
    let mut seen = 0;
    for file in [
        "defectdojo-asff-one_vuln.json",
        "defectdojo-asff-prowler-output.asff.json",
        "defectdojo-awssecurityhub-inspector_ecr.json",
    ] {
        for original in findings(file) {
            let mut f: AwsSecurityFinding =
                serde_json::from_value(original.clone()).unwrap_or_else(|e| panic!("{file}: {e}"));
            // unchanged: identical JSON
            let back = norm(serde_json::to_value(&f).unwrap());
            if let (Value::Object(a), Value::Object(b)) = (&back, &norm(original.clone())) {
                for (k, v) in b {
                    assert_eq!(a.get(k), Some(v), "{file}: member {k} of {}", f.id);
                }
                for k in a.keys() {
                    assert!(b.contains_key(k), "{file}: member {k} added to {}", f.id);
                }
            }
            assert_eq!(
                norm(serde_json::to_value(&f).unwrap()),
                norm(original.clone()),
                "{file}"
            );
            // modified: only the modified member differs
            f.record_state = Some(RecordState::Archived);
            f.updated_at = "2030-01-01T00:00:00.000Z".into();
            let mut expected = original.clone();
            expected["RecordState"] = Value::from("ARCHIVED");
            expected["UpdatedAt"] = Value::from("2030-01-01T00:00:00.000Z");
            assert_eq!(
                norm(serde_json::to_value(&f).unwrap()),
                norm(expected),
                "{file}"
            );
            seen += 1;
        }
    }
    // every finding of the files was read: as many as the raw text has SchemaVersion members
    // (one per finding), counted without the JSON reader
    let in_text: usize = [
        "defectdojo-asff-one_vuln.json",
        "defectdojo-asff-prowler-output.asff.json",
        "defectdojo-awssecurityhub-inspector_ecr.json",
    ]
    .iter()
    .map(|file| {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../testdata/asff")
            .join(file);
        std::fs::read_to_string(path)
            .unwrap()
            .matches("\"SchemaVersion\"")
            .count()
    })
    .sum();
    assert!(in_text > 700, "{in_text}");
    assert_eq!(seen, in_text);
}

#[test]
fn unmodelled_members_are_kept_in_extra() {
    let f: AwsSecurityFinding =
        serde_json::from_value(findings("defectdojo-awssecurityhub-inspector_ecr.json")[0].clone())
            .unwrap();
    // Inspector findings carry members we do not model (e.g. Workflow, FindingProviderFields
    // extras, resource details beyond ours)
    assert!(
        !f.extra.is_empty(),
        "{:?}",
        f.extra.keys().collect::<Vec<_>>()
    );
}

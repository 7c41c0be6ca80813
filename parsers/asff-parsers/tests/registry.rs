//! The registry is the one list of tools: the policy schema, names and aliases follow from it.

#![cfg(test)]

use asff_parsers::{alias_names, tool_names, Tool};
use serde_json::Value;

fn policy_schema() -> Value {
    let p = asff_testkit::root().join("schemas/severity-policy.schema.json");
    serde_json::from_slice(&std::fs::read(&p).expect("the policy schema")).expect("JSON")
}

/// Every `tool` enum in the schema, wherever it is.
fn tool_enums(v: &Value, out: &mut Vec<Vec<String>>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::Object(tool)) = m.get("tool") {
                if let Some(Value::Array(names)) = tool.get("enum") {
                    out.push(
                        names
                            .iter()
                            .map(|n| n.as_str().unwrap_or_default().to_string())
                            .collect(),
                    );
                }
            }
            m.values().for_each(|x| tool_enums(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| tool_enums(x, out)),
        _ => {}
    }
}

#[test]
fn the_policy_schema_lists_exactly_the_registered_tools() {
    let mut enums = Vec::new();
    tool_enums(&policy_schema(), &mut enums);
    assert_eq!(enums.len(), 1, "one tool enum in the schema: {enums:?}");
    assert_eq!(
        enums[0],
        tool_names(),
        "schemas/severity-policy.schema.json's tool enum, in registry order"
    );
}

#[test]
fn names_and_aliases_are_unique_and_find_their_tool() {
    let mut seen = std::collections::BTreeMap::new();
    for t in Tool::ALL {
        for n in std::iter::once(t.name()).chain(t.aliases().iter().copied()) {
            let first = *seen.entry(n.to_ascii_lowercase()).or_insert(t.name());
            assert_eq!(first, t.name(), "{n} names two tools");
            assert_eq!(Tool::from_name(n), Some(*t), "{n}");
            assert_eq!(Tool::from_name(&n.to_ascii_lowercase()), Some(*t), "{n}");
            assert_eq!(Tool::from_name(&format!(" {n} ")), Some(*t), "{n}");
        }
    }
    // the reportType names of existing buildspecs
    for (alias, name) in [
        ("OWASP-Dependency-Check", "dependency-check"),
        ("SONAR-QUBE", "sonarqube"),
        ("PHPStan", "phpstan"),
        ("OWASP-Zap", "zap"),
        ("ANCHORE", "anchore"),
        ("SNYK", "snyk"),
        ("ECR", "ecr"),
        ("TRIVY", "trivy"),
    ] {
        assert!(alias_names().contains(&alias), "{alias}");
        assert_eq!(Tool::from_name(alias).map(Tool::name), Some(name));
    }
    assert_eq!(Tool::from_name("nessus"), None);
}

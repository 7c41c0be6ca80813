//! Fitting findings to Security Hub's limits.

#![cfg(test)]

use asff_core::fit::{fit, serialized_len, truncate_chars, TRUNCATED_FIELD};
use asff_core::model::{Cvss, Resource, Vulnerability};
use asff_core::{build, Context, Draft, Label, Scope, ToolInfo};

const TOOL: ToolInfo = ToolInfo {
    name: "test",
    product_name: "Test",
    company_name: "Test",
};

fn ctx() -> Context {
    Context::new("123456789012", "us-east-1")
        .unwrap()
        .with_now_rfc3339("2024-01-01T00:00:00Z")
        .unwrap()
}

fn scope() -> Scope {
    Scope::Repository {
        name: "r".into(),
        branch: None,
    }
}

fn draft() -> Draft {
    Draft {
        identity: vec!["x".into()],
        title: "t".into(),
        description: "d".into(),
        label: Some(Label::Medium),
        original_severity: "Medium".into(),
        types: vec!["Software and Configuration Checks/Vulnerabilities".into()],
        ..Default::default()
    }
}

#[test]
fn truncation_cuts_on_character_boundaries() {
    assert_eq!(truncate_chars("abc", 3), None);
    assert_eq!(truncate_chars("abcd", 3).as_deref(), Some("ab…"));
    let s = "é😀漢".repeat(100);
    let t = truncate_chars(&s, 256).unwrap();
    assert_eq!(t.chars().count(), 256);
    assert!(t.ends_with('…'));
    assert!(s.starts_with(t.trim_end_matches('…')));
}

#[test]
fn long_text_is_truncated_and_marked() {
    let f = build(
        &ctx(),
        &TOOL,
        &scope(),
        Draft {
            title: "😀".repeat(1000),
            description: "ü".repeat(5000),
            remediation_text: Some("r".repeat(600)),
            original_severity: "s".repeat(100),
            ..draft()
        },
    )
    .unwrap();
    assert_eq!(f.title.chars().count(), 256);
    assert_eq!(f.description.chars().count(), 1024);
    let rec = f
        .remediation
        .as_ref()
        .unwrap()
        .recommendation
        .as_ref()
        .unwrap();
    assert_eq!(rec.text.as_ref().unwrap().chars().count(), 512);
    assert_eq!(
        f.severity
            .as_ref()
            .unwrap()
            .original
            .as_ref()
            .unwrap()
            .chars()
            .count(),
        64
    );
    let marked = &f.product_fields[TRUNCATED_FIELD];
    for field in [
        "Title",
        "Description",
        "Remediation.Recommendation.Text",
        "Severity.Original",
    ] {
        assert!(marked.contains(field), "{marked}");
    }
}

#[test]
fn untouched_findings_are_not_marked() {
    let f = build(&ctx(), &TOOL, &scope(), draft()).unwrap();
    assert!(!f.product_fields.contains_key(TRUNCATED_FIELD));
    assert_eq!(f.label(), Some(Label::Medium));
    assert_eq!(f.types, f.finding_provider_fields.as_ref().unwrap().types);
}

#[test]
fn resources_types_and_product_fields_are_capped() {
    let resources = (0..40)
        .map(|i| Resource {
            kind: "Other".into(),
            id: format!("r{i}"),
            ..Default::default()
        })
        .collect();
    let mut product_fields = asff_core::model::FieldMap::new();
    for i in 0..80 {
        product_fields.insert(format!("k{i:02}"), "v".repeat(3000));
    }
    product_fields.insert("aws/securityhub/x".into(), "mine".into());
    product_fields.insert("k".repeat(200), "long key".into());
    let types = (0..60)
        .map(|i| format!("Software and Configuration Checks/Vulnerabilities/T{i}"))
        .collect();
    let f = build(
        &ctx(),
        &TOOL,
        &scope(),
        Draft {
            resources,
            product_fields,
            types,
            ..draft()
        },
    )
    .unwrap();
    assert_eq!(f.resources.len(), 32);
    assert_eq!(f.types.len(), 50);
    assert_eq!(f.finding_provider_fields.as_ref().unwrap().types.len(), 50);
    assert!(f.product_fields.len() <= 50, "{}", f.product_fields.len());
    assert!(f
        .product_fields
        .keys()
        .all(|k| k.len() <= 128 && !k.starts_with("aws/")));
    assert!(f.product_fields.values().all(|v| v.chars().count() <= 2048));
    assert_eq!(f.product_fields["asff/ResourcesOmitted"], "8");
    assert!(f.product_fields.contains_key("asff/ProductFieldsOmitted"));
    let marked = &f.product_fields[TRUNCATED_FIELD];
    for field in ["Resources", "Types", "ProductFields"] {
        assert!(marked.contains(field), "{marked}");
    }
}

#[test]
fn invalid_types_and_missing_members_are_errors() {
    let e = build(
        &ctx(),
        &TOOL,
        &scope(),
        Draft {
            types: vec!["Vulnerabilities/CVE".into()],
            ..draft()
        },
    )
    .unwrap_err();
    assert!(e.reason.contains("taxonomy"), "{e}");
    let e = build(
        &ctx(),
        &TOOL,
        &scope(),
        Draft {
            types: vec![],
            ..draft()
        },
    )
    .unwrap_err();
    assert!(e.reason.contains("Types"), "{e}");
    let mut f = build(&ctx(), &TOOL, &scope(), draft()).unwrap();
    f.resources.clear();
    assert!(fit(&mut f).is_err());
}

#[test]
fn oversized_findings_are_thinned_or_refused() {
    let vuln = |i: usize| Vulnerability {
        id: format!("CVE-2024-{i}"),
        reference_urls: (0..500)
            .map(|j| format!("https://example.com/{i}/{j}"))
            .collect(),
        ..Default::default()
    };
    let f = build(
        &ctx(),
        &TOOL,
        &scope(),
        Draft {
            vulnerabilities: (0..20).map(vuln).collect(),
            ..draft()
        },
    )
    .unwrap();
    assert!(serialized_len(&f) <= 240_000);
    assert!(f
        .vulnerabilities
        .iter()
        .all(|v| v.reference_urls.len() <= 10));
    assert!(f.product_fields[TRUNCATED_FIELD].contains("Vulnerabilities"));

    // what cannot be thinned is an error, not a drop
    let huge = Vulnerability {
        id: "CVE-1".into(),
        cvss: (0..20_000)
            .map(|_| Cvss {
                base_vector: Some("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H".into()),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    };
    let e = build(
        &ctx(),
        &TOOL,
        &scope(),
        Draft {
            vulnerabilities: vec![huge],
            ..draft()
        },
    )
    .unwrap_err();
    assert!(e.reason.contains("bytes"), "{e}");
}

#[test]
fn policy_applies_in_build_and_keeps_the_original() {
    let policy = asff_core::SeverityPolicy::from_json(
        br#"{"version":1,"overrides":[{"tool":"test","id":"RULE-1","label":"CRITICAL","reason":"crown jewels"}]}"#,
    )
    .unwrap();
    let c = ctx().with_policy(policy);
    let f = build(
        &c,
        &TOOL,
        &scope(),
        Draft {
            rule_ids: vec!["rule-1".into()],
            ..draft()
        },
    )
    .unwrap();
    assert_eq!(f.label(), Some(Label::Critical));
    assert_eq!(f.severity.as_ref().unwrap().label, Some(Label::Critical));
    assert_eq!(
        f.severity.as_ref().unwrap().original.as_deref(),
        Some("Medium")
    );
    assert_eq!(
        f.product_fields["asff/SeverityPolicy"],
        "MEDIUM -> CRITICAL"
    );
    assert_eq!(
        f.product_fields["asff/SeverityPolicyReason"],
        "crown jewels"
    );
    let g = build(&c, &TOOL, &scope(), draft()).unwrap();
    assert_eq!(g.label(), Some(Label::Medium));
}

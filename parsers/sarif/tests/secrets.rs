//! Secrets never reach a finding in clear: what a secret scanner calls the secret is masked
//! wherever it appears (snippets, messages, properties), besides the shared redaction.

#![cfg(test)]

use asff_core::redact::REDACTED_FIELD;
use asff_testkit::{context, testdata};

fn findings_json(file: &str, ctx: &asff_core::Context) -> (asff_core::ParseOutput, String) {
    let out = asff_sarif::parse(&testdata(file), ctx).unwrap_or_else(|e| panic!("{e}"));
    let text = serde_json::to_string(&out.findings).unwrap();
    (out, text)
}

#[test]
fn gitleaks_7_offenders_and_snippets_are_masked() {
    let (out, text) = findings_json("sarif/defectdojo-gitleaks_7.5.0.sarif", &context());
    assert_eq!(out.findings.len(), 8);
    assert!(
        !text.contains("AKIAIOSFODNN7EXAMPLE"),
        "an AWS key id in clear"
    );
    assert!(
        !text.contains("BEGIN OPENSSH PRIVATE KEY"),
        "a private key line in clear"
    );
    assert!(
        !text.contains("raw_source_code_extract"),
        "a snippet in clear"
    );
    for f in &out.findings {
        assert_eq!(f.types, [asff_sarif::TYPE_SECRETS]);
        assert!(f.product_fields.contains_key(REDACTED_FIELD), "{}", f.id);
    }
}

#[test]
fn a_gitleaks_8_secret_that_looks_like_nothing_is_masked() {
    const SECRET: &str = "zq8Xv2Lm9Tr4Wp7Kc1Nd6Hs3Jb5Fy0Qa";
    let (out, text) = findings_json(
        "sarif/handwritten-gitleaks-8-generic-secret.sarif",
        &context(),
    );
    assert_eq!(out.findings.len(), 1);
    assert!(!text.contains(SECRET), "{text}");
    assert!(!text.contains(SECRET.get(4..).unwrap()), "{text}");
    let f = &out.findings[0];
    assert_eq!(
        f.product_fields.get("sarif/Snippet").map(String::as_str),
        Some("zq8X****")
    );
    assert_eq!(
        f.product_fields
            .get("sarif/Property/Secret")
            .map(String::as_str),
        Some("zq8X****")
    );
    assert_eq!(
        f.product_fields
            .get("sarif/Property/Match")
            .map(String::as_str),
        Some("clie****"),
        "the match holds the secret: masked whole"
    );
}

#[test]
fn masking_a_secret_does_not_change_its_id() {
    let ctx = context();
    let (a, _) = findings_json("sarif/handwritten-gitleaks-8-generic-secret.sarif", &ctx);
    let (b, _) = findings_json(
        "sarif/handwritten-gitleaks-8-generic-secret.sarif",
        &ctx.clone().with_redaction(false),
    );
    assert_eq!(a.findings[0].id, b.findings[0].id);
}

#[test]
fn other_tools_secrets_go_through_the_shared_redaction() {
    let (_, text) = findings_json("sarif/bandit-1.9.4-vulnapp.sarif", &context());
    let src = std::fs::read_to_string(
        asff_testkit::root().join("../shared/corpus/sarif/vulnapp-src/app/server.py"),
    )
    .unwrap_or_default();
    // the hard-coded password bandit quotes
    if let Some(line) = src.lines().find(|l| l.contains("PASSWORD")) {
        let value = line.split('"').nth(1).unwrap_or_default();
        assert!(value.len() > 4 && !text.contains(value), "{value}");
    }
}

//! Secrets in ZAP's evidence never reach the findings (asff_core::redact, applied by build).
//!
//! No report in testdata/zap carries a live credential (its cookie alerts' evidence names the
//! cookie only, `Set-Cookie: opvc`), so this takes the real DefectDojo sample and changes one
//! evidence field to an `Authorization: Basic` header.

#![cfg(test)]

use asff_core::redact::REDACTED_FIELD;
use asff_testkit::{assert_accounted, assert_valid, context, testdata};

const SECRET: &str = "dXNlcjpwYXNz";

fn report() -> Vec<u8> {
    let xml = String::from_utf8(testdata("zap/defectdojo-0_zap_sample.xml")).unwrap();
    let from = "<evidence>Set-Cookie: opvc</evidence>";
    assert!(xml.contains(from));
    xml.replacen(
        from,
        &format!("<evidence>Authorization: Basic {SECRET}</evidence>"),
        1,
    )
    .into_bytes()
}

#[test]
fn a_credential_in_evidence_is_masked_and_counted() {
    let out = asff_zap::parse(&report(), &context()).unwrap();
    assert_valid(&out.findings);
    assert_accounted(&out);
    let json = serde_json::to_string(&out.findings).unwrap();
    assert!(!json.contains(SECRET), "the credential is in the findings");
    assert!(json.contains("Authorization: Basic dXNl****"));
    let redacted: Vec<_> = out
        .findings
        .iter()
        .filter_map(|f| f.product_fields.get(REDACTED_FIELD))
        .collect();
    assert_eq!(redacted, ["1"], "one finding, one masked value");
}

#[test]
fn ids_do_not_depend_on_redaction() {
    let on = asff_zap::parse(&report(), &context()).unwrap();
    let off = asff_zap::parse(&report(), &context().with_redaction(false)).unwrap();
    let ids =
        |o: &asff_core::ParseOutput| o.findings.iter().map(|f| f.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&on), ids(&off));
    assert!(serde_json::to_string(&off.findings)
        .unwrap()
        .contains(SECRET));
    assert!(off
        .findings
        .iter()
        .all(|f| !f.product_fields.contains_key(REDACTED_FIELD)));
    // and the unchanged report's Ids are those of the changed one: evidence is no identity
    let plain = asff_zap::parse(&testdata("zap/defectdojo-0_zap_sample.xml"), &context()).unwrap();
    assert_eq!(ids(&on), ids(&plain));
}

#![cfg(test)]

use std::collections::BTreeMap;

use asff_core::model::{YesNo, YesNoPartial};
use asff_core::sniff::sniff;
use asff_core::{Label, Location, ParseOutput, ReportError};
use asff_testkit::json_path;
use asff_testkit::{
    assert_accounted, assert_valid, context, context_later, testdata, testdata_files,
};
use serde_json::{json, Value};

const BASIC: &str = "ecr/ecr-basic-awscli-v1-example-epoch-timestamps.json";
const ENHANCED: &str = "ecr/ecr-enhanced-aws-apiref-example-repaired.json";
const MOTO: &str = "ecr/ecr-enhanced-moto-test-fixture-motoserver-image.json";
const OLD_CLI: &str = "ecr/ecr-enhanced-old-cli-2.4.1-active-no-enhancedFindings-issue6759.json";
const HAND_BASIC: &str = "ecr/handwritten-basic-cvss3-iso-timestamps.json";
const HAND_ENHANCED: &str = "ecr/handwritten-enhanced-closed-suppressed-epss.json";

fn files() -> Vec<String> {
    let f = testdata_files("ecr", &["json"]);
    assert!(f.len() >= 6, "{f:?}");
    f
}

fn parse(bytes: &[u8]) -> ParseOutput {
    let out = asff_ecr::parse(bytes, &context()).unwrap_or_else(|e| panic!("{e}"));
    assert_accounted(&out);
    assert_valid(&out.findings);
    out
}

fn parse_value(v: &Value) -> ParseOutput {
    parse(&serde_json::to_vec(v).unwrap())
}

fn json_of(path: &str) -> Value {
    serde_json::from_slice(&testdata(path)).unwrap()
}

fn ids(out: &ParseOutput) -> Vec<String> {
    out.findings.iter().map(|f| f.id.clone()).collect()
}

fn error(bytes: &[u8]) -> ReportError {
    let e = asff_ecr::parse(bytes, &context()).expect_err("should fail");
    assert_eq!(e.format, "ecr");
    e
}

#[test]
fn golden() {
    for file in files() {
        let out = parse(&testdata(&file));
        let summary = json!({
            "records": out.records,
            "findings": out.findings.len(),
            "skipped": out.skipped_by_reason(),
            "warnings": out.warnings,
        });
        let name = file
            .trim_start_matches("ecr/")
            .trim_end_matches(".json")
            .to_string();
        insta::assert_json_snapshot!(name, json!({"summary": summary, "findings": out.findings}));
    }
}

#[test]
fn ids_are_stable_across_builds_and_clocks() {
    for file in files() {
        let bytes = testdata(&file);
        let a = asff_ecr::parse(&bytes, &context()).unwrap();
        let b = asff_ecr::parse(&bytes, &context_later()).unwrap();
        assert_eq!(ids(&a), ids(&b), "{file}");
        if let (Some(x), Some(y)) = (a.findings.first(), b.findings.first()) {
            assert_ne!(x.updated_at, y.updated_at, "the clocks differ");
        }
    }
}

#[test]
fn another_tag_or_digest_of_the_same_repository_keeps_the_ids() {
    for file in [BASIC, ENHANCED, HAND_BASIC, HAND_ENHANCED] {
        let v = json_of(file);
        let before = parse_value(&v);
        assert!(!before.findings.is_empty());
        let mut rebuilt = v.clone();
        rebuilt["imageId"] = json!({"imageDigest": "sha256:ffff", "imageTag": "rebuilt"});
        let after = parse_value(&rebuilt);
        assert_eq!(ids(&before), ids(&after), "{file}");
        let details = after.findings[0].resources[0].details.as_ref().unwrap();
        let image = details.aws_ecr_container_image.as_ref().unwrap();
        assert_eq!(image.image_digest.as_deref(), Some("sha256:ffff"));
        assert!(
            image.image_tags.contains(&"rebuilt".to_string()),
            "{:?}",
            image.image_tags
        );
        assert!(after.findings[0].resources[0].id.ends_with("/sha256:ffff"));

        let mut other_repo = v.clone();
        other_repo["repositoryName"] = json!("another-repo");
        let other = parse_value(&other_repo);
        for id in ids(&other) {
            assert!(!ids(&before).contains(&id), "{file}: {id}");
        }
    }
}

#[test]
fn scope_is_the_repository_uri_and_resource_the_image_arn() {
    let out = parse(&testdata(BASIC));
    let f = &out.findings[0];
    assert!(
        f.id.starts_with(
            "ecr/123456789012.dkr.ecr.us-east-1.amazonaws.com/sample-repo/CVE-2019-5188/"
        ),
        "{}",
        f.id
    );
    assert_eq!(
        f.generator_id,
        "ecr/123456789012.dkr.ecr.us-east-1.amazonaws.com/sample-repo"
    );
    let r = &f.resources[0];
    assert_eq!(r.kind, "AwsEcrContainerImage");
    assert_eq!(
        r.id,
        "arn:aws:ecr:us-east-1:123456789012:repository/sample-repo/sha256:74b2c688c700ec95a93e478cdb959737c148df3fbf5ea706abe0318726e885e6"
    );
    let d = r.details.as_ref().unwrap();
    let image = d.aws_ecr_container_image.as_ref().unwrap();
    assert_eq!(image.registry_id.as_deref(), Some("123456789012"));
    assert_eq!(image.repository_name.as_deref(), Some("sample-repo"));
    assert_eq!(
        d.other.get("ImageUri").map(String::as_str),
        Some("123456789012.dkr.ecr.us-east-1.amazonaws.com/sample-repo@sha256:74b2c688c700ec95a93e478cdb959737c148df3fbf5ea706abe0318726e885e6")
    );

    // Enhanced findings name the registry's region in their resource ARNs: it wins over the
    // context's.
    let out = parse(&testdata(ENHANCED));
    let f = &out.findings[0];
    assert!(
        f.id.starts_with("ecr/123456789012.dkr.ecr.us-west-2.amazonaws.com/sample-repo/"),
        "{}",
        f.id
    );
    assert_eq!(f.resources[0].region.as_deref(), Some("us-west-2"));
    // ...unless they name another repository (moto's fixture): then the context's
    let out = parse(&testdata(MOTO));
    assert!(out.findings[0]
        .id
        .starts_with("ecr/123456789012.dkr.ecr.us-east-1.amazonaws.com/reponame/"));
    assert_eq!(
        out.findings[0].resources[0].id,
        "arn:aws:ecr:us-east-1:123456789012:repository/reponame"
    );

    // China: the partition's domain and ARN.
    let ctx = asff_core::Context::new("123456789012", "cn-north-1").unwrap();
    let out = asff_ecr::parse(&testdata(BASIC), &ctx).unwrap();
    let f = &out.findings[0];
    assert!(f
        .id
        .starts_with("ecr/123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/sample-repo/"));
    assert!(f.resources[0]
        .id
        .starts_with("arn:aws-cn:ecr:cn-north-1:123456789012:repository/sample-repo/"));
}

#[test]
fn basic_finding_fields() {
    let out = parse(&testdata(HAND_BASIC));
    assert_eq!(out.findings.len(), 3);
    let glibc = &out.findings[0];
    assert_eq!(glibc.title, "CVE-2023-4911 in glibc 2.36-9+deb12u1");
    assert_eq!(
        glibc.types,
        vec!["Software and Configuration Checks/Vulnerabilities/CVE"]
    );
    let v = &glibc.vulnerabilities[0];
    assert_eq!(v.id, "CVE-2023-4911");
    assert_eq!(v.vulnerable_packages[0].name.as_deref(), Some("glibc"));
    assert_eq!(
        v.vulnerable_packages[0].version.as_deref(),
        Some("2.36-9+deb12u1")
    );
    assert_eq!(v.cvss[0].base_score, Some(7.8));
    assert_eq!(v.cvss[0].version.as_deref(), Some("3.1"));
    assert_eq!(
        v.cvss[0].base_vector.as_deref(),
        Some("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H")
    );
    assert_eq!(
        glibc.source_url.as_deref(),
        Some("https://security-tracker.debian.org/tracker/CVE-2023-4911")
    );
    // ISO timestamps with an offset, normalised
    assert_eq!(
        glibc
            .product_fields
            .get("ecr/ImageScanCompletedAt")
            .map(String::as_str),
        Some("2024-01-15T09:20:30.000Z")
    );
    // a DSA is not a CVE; CVSS2 attributes in another order
    let dsa = &out.findings[2];
    assert_eq!(
        dsa.types,
        vec!["Software and Configuration Checks/Vulnerabilities"]
    );
    assert_eq!(
        dsa.vulnerabilities[0].cvss[0].version.as_deref(),
        Some("2.0")
    );
    assert_eq!(dsa.vulnerabilities[0].cvss[0].base_score, Some(2.1));
    assert_eq!(dsa.description, dsa.title);
}

#[test]
fn severity_mapping() {
    let label_of = |word: Value, score: Option<&str>| -> (Option<Label>, Option<String>) {
        let mut attributes = vec![json!({"key": "package_name", "value": "p"})];
        if let Some(s) = score {
            attributes.push(json!({"key": "CVSS3_SCORE", "value": s}));
        }
        let v = json!({
            "registryId": "123456789012", "repositoryName": "r",
            "imageScanFindings": {"findings": [{"name": "CVE-1", "severity": word, "attributes": attributes}]}
        });
        let out = parse_value(&v);
        let f = &out.findings[0];
        (f.label(), f.severity.as_ref().unwrap().original.clone())
    };
    for (word, label) in [
        ("CRITICAL", Label::Critical),
        ("HIGH", Label::High),
        ("MEDIUM", Label::Medium),
        ("LOW", Label::Low),
        ("INFORMATIONAL", Label::Informational),
    ] {
        // the word wins over the score
        assert_eq!(
            label_of(json!(word), Some("9.9")),
            (Some(label), Some(word.to_string())),
            "{word}"
        );
    }
    // unrated (UNDEFINED, UNTRIAGED): the CVSS score by the v3 scale, the word kept; no score:
    // INFORMATIONAL
    for word in ["UNDEFINED", "UNTRIAGED"] {
        assert_eq!(
            label_of(json!(word), Some("9.8")),
            (Some(Label::Critical), Some(word.to_string())),
            "{word}"
        );
        assert_eq!(label_of(json!(word), Some("7.0")).0, Some(Label::High));
        assert_eq!(
            label_of(json!(word), Some("0.0")).0,
            Some(Label::Informational)
        );
        assert_eq!(
            label_of(json!(word), None),
            (Some(Label::Informational), Some(word.to_string())),
            "{word}"
        );
        assert_eq!(
            label_of(json!(word), Some("n/a")).0,
            Some(Label::Informational)
        );
    }
    // only CVSS2_SCORE: that score
    let v2 = json!({
        "registryId": "123456789012", "repositoryName": "r",
        "imageScanFindings": {"findings": [{"name": "CVE-2", "severity": "UNDEFINED",
            "attributes": [{"key": "CVSS2_SCORE", "value": "7.8"}]}]}
    });
    let f = &parse_value(&v2).findings[0];
    assert_eq!(f.label(), Some(Label::High));
    assert_eq!(f.product_fields["ecr/SeverityFromCvss"], "7.8");
    // a word ECR does not define: the CVSS score
    assert_eq!(label_of(json!("SEVERE"), Some("7.5")).0, Some(Label::High));
    assert_eq!(
        label_of(json!("SEVERE"), None).0,
        Some(Label::Informational)
    );
    assert_eq!(label_of(Value::Null, Some("4.0")).0, Some(Label::Medium));

    // enhanced findings: UNTRIAGED (moto) → INFORMATIONAL, original kept
    let out = parse(&testdata(MOTO));
    let untriaged = out
        .findings
        .iter()
        .find(|f| f.title.contains("krb5"))
        .unwrap();
    assert_eq!(untriaged.label(), Some(Label::Informational));
    assert_eq!(
        untriaged.severity.as_ref().unwrap().original.as_deref(),
        Some("UNTRIAGED")
    );
    // its Inspector score is 0.0
    assert_eq!(untriaged.product_fields["ecr/SeverityFromCvss"], "0");
    // the same UNTRIAGED finding with an Inspector score of 9.8: CRITICAL, the word kept
    let mut scored: Value = serde_json::from_slice(&testdata(MOTO)).unwrap();
    let findings = scored["imageScanFindings"]["enhancedFindings"]
        .as_array_mut()
        .unwrap();
    let krb5 = findings
        .iter_mut()
        .find(|f| f["severity"] == "UNTRIAGED")
        .unwrap();
    krb5["score"] = json!(9.8);
    let out2 = parse_value(&scored);
    let critical = out2
        .findings
        .iter()
        .find(|f| f.title.contains("krb5"))
        .unwrap();
    assert_eq!(critical.label(), Some(Label::Critical));
    assert_eq!(
        critical.severity.as_ref().unwrap().original.as_deref(),
        Some("UNTRIAGED")
    );
    assert_eq!(critical.product_fields["ecr/SeverityFromCvss"], "9.8");
    assert_eq!(critical.id, untriaged.id);
    // and without any score: INFORMATIONAL
    let mut unscored: Value = serde_json::from_slice(&testdata(MOTO)).unwrap();
    for f in unscored["imageScanFindings"]["enhancedFindings"]
        .as_array_mut()
        .unwrap()
    {
        if f["severity"] == "UNTRIAGED" {
            f.as_object_mut().unwrap().remove("score");
            f.as_object_mut().unwrap().remove("inspectorScore");
            f.as_object_mut().unwrap().remove("scoreDetails");
        }
    }
    let out3 = parse_value(&unscored);
    let none = out3
        .findings
        .iter()
        .find(|f| f.title.contains("krb5"))
        .unwrap();
    assert_eq!(none.label(), Some(Label::Informational));
    assert!(!none.product_fields.contains_key("ecr/SeverityFromCvss"));
    let medium = out
        .findings
        .iter()
        .find(|f| f.title.contains("curl"))
        .unwrap();
    assert_eq!(medium.label(), Some(Label::Medium));
    // enhanced, unknown word → the score (5.5)
    let out = parse(&testdata(HAND_ENHANCED));
    let severe = out
        .findings
        .iter()
        .find(|f| f.title.contains("lodash"))
        .unwrap();
    assert_eq!(severe.label(), Some(Label::Medium));
    assert_eq!(
        severe.severity.as_ref().unwrap().original.as_deref(),
        Some("SEVERE")
    );
}

#[test]
fn enhanced_finding_fields() {
    let out = parse(&testdata(HAND_ENHANCED));
    let expat = &out.findings[0];
    assert_eq!(expat.title, "CVE-2024-45492 - expat");
    assert_eq!(expat.label(), Some(Label::Critical));
    assert_eq!(
        expat.first_observed_at.as_deref(),
        Some("2024-06-01T00:00:00.500Z")
    );
    let v = &expat.vulnerabilities[0];
    assert_eq!(v.id, "CVE-2024-45492");
    assert_eq!(v.related_vulnerabilities, vec!["GHSA-0000-0000-0000"]);
    assert_eq!(v.fix_available, Some(YesNoPartial::Yes));
    assert_eq!(v.exploit_available, Some(YesNo::Yes));
    assert_eq!(v.epss_score, Some(0.00123));
    let p = &v.vulnerable_packages[0];
    assert_eq!(p.epoch.as_deref(), Some("0"));
    assert_eq!(p.release.as_deref(), Some("1.amzn2023.0.1"));
    assert_eq!(
        p.fixed_in_version.as_deref(),
        Some("0:2.6.3-1.amzn2023.0.1")
    );
    assert_eq!(p.remediation.as_deref(), Some("dnf update expat"));
    let vendor = v.vendor.as_ref().unwrap();
    assert_eq!(vendor.name, "NVD");
    assert_eq!(
        vendor.vendor_created_at.as_deref(),
        Some("2024-09-01T00:00:00.000Z")
    );
    // "None Provided" is no remediation; the fixed version is
    let text = expat
        .remediation
        .as_ref()
        .unwrap()
        .recommendation
        .as_ref()
        .unwrap()
        .text
        .clone();
    assert_eq!(
        text.as_deref(),
        Some("Upgrade expat to 0:2.6.3-1.amzn2023.0.1.")
    );
    let image = expat.resources[0]
        .details
        .as_ref()
        .unwrap()
        .aws_ecr_container_image
        .as_ref()
        .unwrap();
    assert_eq!(image.architecture.as_deref(), Some("amd64"));
    assert_eq!(
        image.image_published_at.as_deref(),
        Some("2024-05-31T23:43:20.000Z")
    );
    // the envelope has only a tag: the digest comes from the finding's resource
    assert_eq!(
        image.image_digest.as_deref(),
        Some("sha256:2222222222222222222222222222222222222222222222222222222222222222")
    );
    assert_eq!(image.image_tags, vec!["v7"]);
    assert_eq!(
        expat
            .product_fields
            .get("ecr/FindingArn")
            .map(String::as_str),
        Some("arn:aws:inspector2:us-east-1:123456789012:finding/0000000000000000000000000000000a")
    );

    // two vulnerable packages in one finding: one finding, both packages, a GHSA type
    let lodash = out
        .findings
        .iter()
        .find(|f| f.title.contains("lodash"))
        .unwrap();
    assert_eq!(lodash.vulnerabilities[0].vulnerable_packages.len(), 2);
    assert_eq!(
        lodash.types,
        vec!["Software and Configuration Checks/Vulnerabilities"]
    );
    assert_eq!(
        lodash.vulnerabilities[0].fix_available,
        Some(YesNoPartial::Partial)
    );

    // the AWS example: NotAvailable is no fixed version
    let out = parse(&testdata(ENHANCED));
    let f = &out.findings[0];
    assert_eq!(
        f.vulnerabilities[0].vulnerable_packages[0].fixed_in_version,
        None
    );
    assert_eq!(f.vulnerabilities[0].fix_available, Some(YesNoPartial::No));
    assert!(f.remediation.is_none());
}

#[test]
fn closed_and_suppressed_enhanced_findings_are_skipped() {
    let out = parse(&testdata(HAND_ENHANCED));
    assert_eq!(out.records, 4);
    assert_eq!(out.findings.len(), 2);
    let by_reason = out.skipped_by_reason();
    assert_eq!(by_reason.get("closed"), Some(&1));
    assert_eq!(by_reason.get("suppressed"), Some(&1));
    let closed = out.skipped.iter().find(|s| s.reason == "closed").unwrap();
    assert_eq!(closed.record, "$.imageScanFindings.enhancedFindings[1]");

    // a real report with its finding closed
    let mut v = json_of(ENHANCED);
    v["imageScanFindings"]["enhancedFindings"][0]["status"] = json!("CLOSED");
    let out = parse_value(&v);
    assert!(out.findings.is_empty());
    assert_eq!(out.records, 1);
    assert_eq!(out.skipped[0].reason, "closed");
}

#[test]
fn epoch_and_iso_timestamps_convert_alike() {
    let epoch = json_of(BASIC);
    let mut iso = epoch.clone();
    iso["imageScanFindings"]["imageScanCompletedAt"] = json!("2020-01-24T04:11:45+00:00");
    iso["imageScanFindings"]["vulnerabilitySourceUpdatedAt"] = json!("2020-01-23T12:25:17-08:00");
    let a = parse_value(&epoch);
    let b = parse_value(&iso);
    assert_eq!(
        serde_json::to_value(&a.findings).unwrap(),
        serde_json::to_value(&b.findings).unwrap()
    );
    assert_eq!(
        a.findings[0]
            .product_fields
            .get("ecr/ImageScanCompletedAt")
            .map(String::as_str),
        Some("2020-01-24T04:11:45.000Z")
    );
    assert_eq!(
        a.findings[0]
            .product_fields
            .get("ecr/VulnerabilitySourceUpdatedAt")
            .map(String::as_str),
        Some("2020-01-23T20:25:17.000Z")
    );
}

#[test]
fn old_cli_without_enhanced_findings_is_not_a_clean_image() {
    let out = parse(&testdata(OLD_CLI));
    assert!(out.findings.is_empty());
    assert_eq!(out.records, 0);
    assert_eq!(out.warnings.len(), 1, "{:?}", out.warnings);
    let w = &out.warnings[0];
    assert!(w.contains("enhancedFindings"), "{w}");
    assert!(w.contains("NOT known to be clean"), "{w}");
    assert!(w.contains("AWS CLI"), "{w}");

    // the same envelope from a current CLI, with no vulnerabilities: clean, no warning
    let mut v = json_of(OLD_CLI);
    v["imageScanFindings"]["enhancedFindings"] = json!([]);
    assert!(parse_value(&v).warnings.is_empty());
    // basic scanning, COMPLETE and empty: clean
    let mut v = json_of(BASIC);
    v["imageScanFindings"]["findings"] = json!([]);
    v["imageScanFindings"]["findingSeverityCounts"] = json!({});
    assert!(parse_value(&v).warnings.is_empty());
    // the real reports that are complete have no warnings
    for f in [BASIC, ENHANCED, MOTO, HAND_BASIC] {
        assert!(parse(&testdata(f)).warnings.is_empty(), "{f}");
    }
}

#[test]
fn incomplete_reports_are_warned_about() {
    let mut v = json_of(BASIC);
    v["imageScanStatus"] = json!({"status": "FAILED", "description": "UnsupportedImageError"});
    let w = parse_value(&v).warnings;
    assert!(
        w.iter()
            .any(|w| w.contains("FAILED") && w.contains("UnsupportedImageError")),
        "{w:?}"
    );

    let mut v = json_of(BASIC);
    v["imageScanFindings"]["findingSeverityCounts"] = json!({"MEDIUM": 1, "HIGH": 4});
    v["nextToken"] = json!("abc");
    let w = parse_value(&v).warnings;
    assert!(
        w.iter()
            .any(|w| w.contains("counts 5 findings but the report holds 1")),
        "{w:?}"
    );
    assert!(w.iter().any(|w| w.contains("nextToken")), "{w:?}");

    // a failed scan without imageScanFindings at all
    let v = json!({"registryId": "123456789012", "repositoryName": "r",
                   "imageScanStatus": {"status": "UNSUPPORTED_IMAGE"}});
    assert!(asff_ecr::detect(&sniff(&serde_json::to_vec(&v).unwrap())));
    let out = parse_value(&v);
    assert_eq!(out.records, 0);
    assert!(out.warnings[0].contains("UNSUPPORTED_IMAGE"));
}

#[test]
fn duplicate_entries_are_skipped_not_double_counted() {
    let mut v = json_of(BASIC);
    let f = v["imageScanFindings"]["findings"][0].clone();
    v["imageScanFindings"]["findings"]
        .as_array_mut()
        .unwrap()
        .push(f);
    let out = parse_value(&v);
    assert_eq!(out.records, 2);
    assert_eq!(out.findings.len(), 1);
    assert_eq!(out.skipped[0].reason, "duplicate");
    assert_eq!(out.skipped[0].record, "$.imageScanFindings.findings[1]");
}

#[test]
fn ids_are_unique_per_package_and_vulnerability() {
    let v = json!({
        "registryId": "123456789012", "repositoryName": "r",
        "imageScanFindings": {"findings": [
            {"name": "CVE-1", "severity": "LOW", "attributes": [{"key": "package_name", "value": "a"}, {"key": "package_version", "value": "1"}]},
            {"name": "CVE-1", "severity": "LOW", "attributes": [{"key": "package_name", "value": "b"}, {"key": "package_version", "value": "1"}]},
            {"name": "CVE-1", "severity": "LOW", "attributes": [{"key": "package_name", "value": "a"}, {"key": "package_version", "value": "2"}]},
            {"name": "CVE-2", "severity": "LOW", "attributes": [{"key": "package_name", "value": "a"}, {"key": "package_version", "value": "1"}]}
        ]}
    });
    let out = parse_value(&v);
    assert_eq!(out.findings.len(), 4);
    let mut all = ids(&out);
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 4);
}

#[test]
fn the_image_can_come_from_the_context() {
    let v = json!({"imageScanFindings": {"findings": [{"name": "CVE-1", "severity": "LOW"}]}});
    let bytes = serde_json::to_vec(&v).unwrap();
    let e = error(&bytes);
    assert_eq!(json_path(&e), "$.repositoryName");
    let ctx = context().with_image(Some(
        "111122223333.dkr.ecr.eu-west-1.amazonaws.com/team/app:7".into(),
    ));
    let out = asff_ecr::parse(&bytes, &ctx).unwrap();
    let f = &out.findings[0];
    assert!(
        f.id.starts_with("ecr/111122223333.dkr.ecr.eu-west-1.amazonaws.com/team/app/CVE-1/"),
        "{}",
        f.id
    );
    assert_eq!(
        f.resources[0].id,
        "arn:aws:ecr:eu-west-1:111122223333:repository/team/app"
    );
}

#[test]
fn bad_input_is_a_report_error() {
    // empty
    let e = error(b"");
    assert_eq!(e.location, Location::Document);
    assert!(e.message.contains("empty"), "{e}");
    let e = error(b"  \n ");
    assert!(e.message.contains("empty"), "{e}");

    // truncated
    let full = testdata(ENHANCED);
    let e = error(&full[..full.len() / 2]);
    assert!(e.message.contains("truncated"), "{e}");
    assert!(
        matches!(e.location, Location::Json { line, .. } if line > 1),
        "{e}"
    );

    // wrong types
    let e = error(br#"{"imageScanFindings": {"findings": "none"}}"#);
    assert_eq!(json_path(&e), "$.imageScanFindings.findings");
    let e = error(br#"{"imageScanFindings": {"findings": [{"name": "CVE-1", "severity": 3}]}}"#);
    assert_eq!(json_path(&e), "$.imageScanFindings.findings[0].severity");
    let e = error(br#"{"imageScanFindings": {"imageScanCompletedAt": true, "findings": []}}"#);
    assert_eq!(json_path(&e), "$.imageScanFindings.imageScanCompletedAt");
    let e = error(
        br#"{"imageScanFindings": {"enhancedFindings": [{"packageVulnerabilityDetails": {"vulnerablePackages": [{"epoch": "zero"}]}}]}}"#,
    );
    assert_eq!(
        json_path(&e),
        "$.imageScanFindings.enhancedFindings[0].packageVulnerabilityDetails.vulnerablePackages[0].epoch"
    );
    let e = error(b"[1, 2]");
    assert_eq!(json_path(&e), "$");
    assert!(e.message.contains("array"), "{e}");
    let e = error(b"not json");
    assert!(matches!(e.location, Location::Json { line: 1, .. }), "{e}");

    // another tool's report
    let snyk =
        br#"{"vulnerabilities": [], "ok": true, "dependencyCount": 0, "packageManager": "npm"}"#;
    let e = error(snyk);
    assert_eq!(json_path(&e), "$");
    assert!(e.message.contains("imageScanFindings"), "{e}");
    let grype = br#"{"matches": [], "source": {}, "descriptor": {"name": "grype"}}"#;
    assert!(error(grype)
        .message
        .contains("not a describe-image-scan-findings report"));
}

#[test]
fn detect_recognises_ecr_reports_only() {
    for file in files() {
        assert!(asff_ecr::detect(&sniff(&testdata(&file))), "{file}");
    }
    // no other tool's real report (the facade's detection test checks every other tool's
    // testdata against every registered tool)
    for (dir, p) in asff_testkit::corpus_files() {
        if dir != "ecr" {
            let bytes = std::fs::read(&p).unwrap();
            assert!(!asff_ecr::detect(&sniff(&bytes)), "{}", p.display());
        }
    }
    // and the shapes of the others, inline
    for doc in [
        r#"{"imageDigest": "sha256:x", "vulnerabilities": [], "vulnerability_type": "all"}"#,
        r#"{"matches": [], "source": {}, "distro": {}, "descriptor": {}}"#,
        r#"{"vulnerabilities": [], "ok": true, "packageManager": "npm", "dependencyCount": 1}"#,
        r#"[{"vulnerabilities": [], "ok": true, "packageManager": "npm"}]"#,
        r#"{"reportSchema": "1.1", "scanInfo": {}, "projectInfo": {}, "dependencies": []}"#,
        r#"{"totals": {}, "files": [], "errors": []}"#,
        r#"{"@version": "2.9.0", "@generated": "x", "site": []}"#,
        r#"{"paging": {}, "issues": [], "components": []}"#,
        r#"[{"imageScanFindings": {}}]"#,
        r#"{"Findings": []}"#,
    ] {
        assert!(!asff_ecr::detect(&sniff(doc.as_bytes())), "{doc}");
    }
}

#[test]
fn counts_match_the_reports() {
    let expected: BTreeMap<&str, (usize, usize)> = [
        (BASIC, (1, 1)),
        (ENHANCED, (1, 1)),
        (MOTO, (2, 2)),
        (OLD_CLI, (0, 0)),
        (HAND_BASIC, (3, 3)),
        (HAND_ENHANCED, (4, 2)),
    ]
    .into_iter()
    .collect();
    for (file, (records, findings)) in expected {
        let out = parse(&testdata(file));
        assert_eq!(
            (out.records, out.findings.len()),
            (records, findings),
            "{file}"
        );
    }
}

//! The mapping rules of the Grype parser, each checked on its own.

#![cfg(test)]

use asff_testkit::json_path;
use std::collections::HashSet;

use asff_core::model::{YesNo, YesNoPartial};
use asff_core::{AwsSecurityFinding, Context, Label, Location, ParseOutput};
use asff_testkit::{assert_accounted, assert_valid, context, context_later, testdata};
use serde_json::{json, Value};

const ALL_FIELDS: &str = "grype/defectdojo-check_all_fields.json";
const FIX: &str = "grype/defectdojo-fix_available.json";
const NO_VULN: &str = "grype/defectdojo-no_vuln.json";
const PATHS: &str = "grype/defectdojo-same_cve_different_paths.json";
const DIRECTORY: &str = "grype/handwritten-directory-epss-kev-ignored.json";

fn parse_bytes(bytes: &[u8], ctx: &Context) -> ParseOutput {
    let out = asff_grype::parse(bytes, ctx).unwrap_or_else(|e| panic!("{e}"));
    assert_valid(&out.findings);
    assert_accounted(&out);
    out
}

fn parse(file: &str, ctx: &Context) -> ParseOutput {
    parse_bytes(&testdata(file), ctx)
}

fn value(file: &str) -> Value {
    serde_json::from_slice(&testdata(file)).unwrap()
}

fn parse_value(v: &Value, ctx: &Context) -> ParseOutput {
    parse_bytes(&serde_json::to_vec(v).unwrap(), ctx)
}

fn ids(out: &ParseOutput) -> Vec<String> {
    out.findings.iter().map(|f| f.id.clone()).collect()
}

fn find<'a>(out: &'a ParseOutput, vuln: &str, package: &str) -> &'a AwsSecurityFinding {
    out.findings
        .iter()
        .find(|f| {
            let v = &f.vulnerabilities[0];
            v.id == vuln && v.vulnerable_packages[0].name.as_deref() == Some(package)
        })
        .unwrap_or_else(|| panic!("no finding for {vuln} in {package}"))
}

#[test]
fn one_finding_per_match_and_exact_repeats_are_duplicates() {
    let out = parse(ALL_FIELDS, &context());
    assert_eq!(out.records, 6);
    assert_eq!(out.findings.len(), 5);
    // matches[4] and matches[5] are the same Django match, byte for byte
    assert_eq!(out.skipped.len(), 1);
    assert_eq!(out.skipped[0].record, "$.matches[5]");
    assert_eq!(out.skipped[0].reason, "duplicate");
    let out = parse(NO_VULN, &context());
    assert_eq!((out.records, out.findings.len()), (0, 0));
}

#[test]
fn same_cve_in_different_paths_is_two_findings() {
    let out = parse(PATHS, &context());
    assert_eq!(out.findings.len(), 2);
    assert_ne!(out.findings[0].id, out.findings[1].id);
    let paths: HashSet<_> = out
        .findings
        .iter()
        .map(|f| {
            f.vulnerabilities[0].vulnerable_packages[0]
                .file_path
                .clone()
                .unwrap()
        })
        .collect();
    assert_eq!(
        paths,
        HashSet::from([
            "/usr/lib/x86_64-linux-gnu/libc.so.6".to_string(),
            "/lib/x86_64-linux-gnu/libc.so.6".to_string()
        ])
    );
}

#[test]
fn each_severity_word() {
    let base = value(PATHS);
    for (word, label) in [
        ("Critical", Label::Critical),
        ("High", Label::High),
        ("Medium", Label::Medium),
        ("Low", Label::Low),
        ("Negligible", Label::Informational),
        ("Unknown", Label::Informational),
    ] {
        let mut v = base.clone();
        v["matches"][0]["vulnerability"]["severity"] = json!(word);
        let out = parse_value(&v, &context());
        assert_eq!(out.findings.len(), 2, "{word}: emitted, not dropped");
        let f = &out.findings[0];
        assert_eq!(f.label(), Some(label), "{word}");
        assert_eq!(f.severity.as_ref().unwrap().original.as_deref(), Some(word));
        assert_eq!(f.severity.as_ref().unwrap().label, Some(label));
    }
    // no severity at all: informational, no original
    let mut v = base.clone();
    v["matches"][0]["vulnerability"]
        .as_object_mut()
        .unwrap()
        .remove("severity");
    let out = parse_value(&v, &context());
    assert_eq!(out.findings[0].label(), Some(Label::Informational));
    assert_eq!(out.findings[0].severity.as_ref().unwrap().original, None);
}

#[test]
fn fix_states() {
    let out = parse(ALL_FIELDS, &context());
    // fixed: YES with the version
    let f = find(&out, "GHSA-v6rh-hp5x-86rv", "Django");
    let v = &f.vulnerabilities[0];
    assert_eq!(v.fix_available, Some(YesNoPartial::Yes));
    assert_eq!(
        v.vulnerable_packages[0].fixed_in_version.as_deref(),
        Some("3.2.10")
    );
    let text = f
        .remediation
        .as_ref()
        .unwrap()
        .recommendation
        .as_ref()
        .unwrap()
        .text
        .clone();
    assert_eq!(text.as_deref(), Some("Upgrade Django to 3.2.10."));
    // wont-fix: NO, and its listed versions are no fixed-in version
    let f = find(&out, "CVE-2021-32626", "redis");
    assert_eq!(f.vulnerabilities[0].fix_available, Some(YesNoPartial::No));
    assert_eq!(
        f.vulnerabilities[0].vulnerable_packages[0].fixed_in_version,
        None
    );
    assert_eq!(
        f.product_fields.get("grype/FixState").map(String::as_str),
        Some("wont-fix")
    );
    // not-fixed: NO
    let f = find(&out, "CVE-2004-0971", "libgssapi-krb5-2");
    assert_eq!(f.vulnerabilities[0].fix_available, Some(YesNoPartial::No));
    // unknown: omitted
    let out = parse(DIRECTORY, &context());
    let f = find(&out, "CVE-2022-37434", "zlib1g");
    assert_eq!(f.vulnerabilities[0].fix_available, None);
    assert!(f.remediation.is_none());
    let f = find(&out, "CVE-2023-45853", "zlib1g");
    assert_eq!(f.vulnerabilities[0].fix_available, Some(YesNoPartial::No));
    let f = find(&out, "GHSA-4gc7-5j7h-4qph", "spring-context");
    assert_eq!(f.vulnerabilities[0].fix_available, Some(YesNoPartial::No));
}

#[test]
fn cvss_entries_keep_version_vector_and_source() {
    let out = parse(ALL_FIELDS, &context());
    let f = find(&out, "CVE-2021-32626", "redis");
    let cvss: Vec<_> = f.vulnerabilities[0]
        .cvss
        .iter()
        .map(|c| {
            (
                c.version.clone().unwrap(),
                c.base_score.unwrap(),
                c.base_vector.clone().unwrap(),
                c.source.clone().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        cvss,
        [
            (
                "2.0".into(),
                6.5,
                "AV:N/AC:L/Au:S/C:P/I:P/A:P".into(),
                "nvd".into()
            ),
            (
                "3.1".into(),
                8.8,
                "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H".into(),
                "nvd".into()
            ),
        ]
    );
    // a GHSA's CVSS comes from its related NVD record
    let f = find(&out, "GHSA-v6rh-hp5x-86rv", "Django");
    assert_eq!(f.vulnerabilities[0].cvss.len(), 2);
    // newer Grype names the source
    let out = parse(FIX, &context());
    assert_eq!(
        out.findings[0].vulnerabilities[0].cvss[0].source.as_deref(),
        Some("nvd@nist.gov")
    );
}

#[test]
fn epss_and_known_exploited() {
    let out = parse(DIRECTORY, &context());
    let f = find(&out, "GHSA-jfh8-c2jp-5v3q", "log4j-core");
    let v = &f.vulnerabilities[0];
    assert_eq!(v.epss_score, Some(0.94358));
    assert_eq!(v.exploit_available, Some(YesNo::Yes));
    assert_eq!(v.related_vulnerabilities, ["CVE-2021-44228"]);
    assert_eq!(
        f.types,
        ["Software and Configuration Checks/Vulnerabilities/CVE"]
    );
    assert_eq!(f.label(), Some(Label::Critical));
    // the related record's EPSS when the match's own has none
    let f = find(&out, "CVE-2023-45853", "zlib1g");
    assert_eq!(f.vulnerabilities[0].epss_score, Some(0.01));
    assert_eq!(f.vulnerabilities[0].exploit_available, None);
    // none at all
    let f = find(&out, "CVE-2022-37434", "zlib1g");
    assert_eq!(f.vulnerabilities[0].epss_score, None);
    let out = parse(ALL_FIELDS, &context());
    assert!(out
        .findings
        .iter()
        .all(|f| f.vulnerabilities[0].epss_score.is_none()));
}

#[test]
fn related_cve_of_a_ghsa_is_typed_and_matched_by_the_policy() {
    let out = parse(ALL_FIELDS, &context());
    let f = find(&out, "GHSA-v6rh-hp5x-86rv", "Django");
    assert_eq!(
        f.types,
        ["Software and Configuration Checks/Vulnerabilities/CVE"]
    );
    assert_eq!(
        f.vulnerabilities[0].related_vulnerabilities,
        ["CVE-2021-44420"]
    );
    // a related record with the match's own id is no related vulnerability
    let f = find(&out, "CVE-2004-0971", "libgssapi-krb5-2");
    assert!(f.vulnerabilities[0].related_vulnerabilities.is_empty());

    let policy = asff_core::SeverityPolicy::from_json(
        br#"{"version":1,"overrides":[{"tool":"grype","id":"CVE-2021-44420","label":"LOW","reason":"accepted"}]}"#,
    )
    .unwrap();
    let out = parse(ALL_FIELDS, &context().with_policy(policy));
    let f = find(&out, "GHSA-v6rh-hp5x-86rv", "Django");
    assert_eq!(f.label(), Some(Label::Low));
    assert_eq!(
        f.severity.as_ref().unwrap().original.as_deref(),
        Some("High")
    );

    // a GHSA without CVE is a vulnerability, not a CVE
    let out = parse(DIRECTORY, &context());
    let f = find(&out, "GHSA-4gc7-5j7h-4qph", "spring-context");
    assert_eq!(
        f.types,
        ["Software and Configuration Checks/Vulnerabilities"]
    );
}

#[test]
fn image_source_scope_and_resource() {
    let out = parse(ALL_FIELDS, &context());
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    let f = &out.findings[0];
    assert!(f.id.starts_with("grype/vulnerable-image/"), "{}", f.id);
    assert_eq!(f.generator_id, "grype/vulnerable-image");
    let r = &f.resources[0];
    assert_eq!(r.kind, "Container");
    let digest = "sha256:9d8825ab20ac86b40eb71495bece1608a302fb180384740697a28c2b0a5a0fc6";
    assert_eq!(r.id, format!("vulnerable-image:latest@{digest}"));
    let d = r.details.as_ref().unwrap();
    let c = d.container.as_ref().unwrap();
    assert_eq!(c.image_name.as_deref(), Some("vulnerable-image:latest"));
    assert_eq!(
        c.image_id.as_deref(),
        Some("sha256:ce9898fd214aef9c994a42624b09056bdce3ff4a8e3f68dc242d967b80fcbeee")
    );
    assert_eq!(d.other.get("ImageDigest").map(String::as_str), Some(digest));
    assert_eq!(
        d.other.get("ImageTags").map(String::as_str),
        Some("vulnerable-image:latest")
    );
}

#[test]
fn ids_are_stable_and_unique() {
    for file in [ALL_FIELDS, FIX, PATHS, DIRECTORY] {
        let a = parse(file, &context());
        let b = parse(file, &context_later());
        assert_eq!(ids(&a), ids(&b), "{file}");
        let unique: HashSet<_> = ids(&a).into_iter().collect();
        assert_eq!(unique.len(), a.findings.len(), "{file}");
    }
}

#[test]
fn a_rebuilt_image_keeps_the_ids() {
    let before = parse(ALL_FIELDS, &context());
    let mut v = value(ALL_FIELDS);
    let t = &mut v["source"]["target"];
    t["userInput"] = json!("vulnerable-image:2.0");
    t["tags"] = json!(["vulnerable-image:2.0"]);
    t["imageID"] = json!("sha256:1111");
    t["manifestDigest"] = json!("sha256:2222");
    for m in v["matches"].as_array_mut().unwrap() {
        for l in m["artifact"]["locations"].as_array_mut().unwrap() {
            l["layerID"] = json!("sha256:3333");
        }
    }
    let after = parse_value(&v, &context_later());
    assert_eq!(ids(&before), ids(&after));
    assert_eq!(
        after.findings[0].resources[0].id,
        "vulnerable-image:2.0@sha256:2222"
    );
}

#[test]
fn image_reference_from_user_input_tags_context_or_digest() {
    let mut v = value(PATHS);
    let scope_of = |out: &ParseOutput| out.findings[0].generator_id.clone();

    v["source"]["target"]["userInput"] = json!("docker:registry.example.com/team/app:1.0");
    assert_eq!(
        scope_of(&parse_value(&v, &context())),
        "grype/registry.example.com/team/app"
    );

    v["source"]["target"]["userInput"] = json!("docker-archive:/tmp/app.tar");
    v["source"]["target"]["tags"] = json!(["registry.example.com/team/app:1.0"]);
    assert_eq!(
        scope_of(&parse_value(&v, &context())),
        "grype/registry.example.com/team/app"
    );

    v["source"]["target"]["tags"] = json!([]);
    v["source"]["target"]["repoDigests"] = json!(["registry.example.com/team/app@sha256:4444"]);
    assert_eq!(
        scope_of(&parse_value(&v, &context())),
        "grype/registry.example.com/team/app"
    );

    v["source"]["target"]["repoDigests"] = json!([]);
    let ctx = context().with_image(Some("ghcr.io/org/app:7".into()));
    let out = parse_value(&v, &ctx);
    assert_eq!(scope_of(&out), "grype/ghcr.io/org/app");
    assert_eq!(
        out.findings[0].resources[0].id,
        "ghcr.io/org/app:7@sha256:test"
    );

    let out = parse_value(&v, &context());
    assert_eq!(scope_of(&out), "grype/sha256:test");
    assert_eq!(out.warnings.len(), 1);
    assert!(out.warnings[0].contains("--image"), "{}", out.warnings[0]);
}

#[test]
fn directory_source_is_scoped_to_the_code_repository() {
    let out = parse(DIRECTORY, &context());
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    let f = &out.findings[0];
    assert_eq!(f.generator_id, "grype/github.com/example/app@main");
    let r = &f.resources[0];
    assert_eq!(r.kind, "CodeRepository");
    assert_eq!(r.id, "github.com/example/app");
    assert_eq!(
        r.details
            .as_ref()
            .unwrap()
            .other
            .get("ScanTarget")
            .map(String::as_str),
        Some(".")
    );
    // --image does not change a directory scan's scope
    let out2 = parse(DIRECTORY, &context().with_image(Some("app:1".into())));
    assert_eq!(ids(&out), ids(&out2));
}

#[test]
fn ignored_matches_are_skipped_and_null_lists_read_as_empty() {
    let out = parse(DIRECTORY, &context());
    assert_eq!(out.records, 5);
    assert_eq!(out.findings.len(), 4);
    assert_eq!(out.skipped.len(), 1);
    assert_eq!(out.skipped[0].record, "$.ignoredMatches[0]");
    assert_eq!(out.skipped[0].reason, "ignored");
    // `locations: null`
    let f = find(&out, "GHSA-4gc7-5j7h-4qph", "spring-context");
    assert_eq!(f.vulnerabilities[0].vulnerable_packages[0].file_path, None);
}

#[test]
fn control_characters_in_versions_are_replaced() {
    let out = parse(FIX, &context());
    let f = &out.findings[0];
    assert!(!f.title.contains('\0'), "{}", f.title);
    assert_eq!(f.title, "CVE-2009-3882 in java 17.0.10+7\u{FFFD}-J-ms8m");
    let p = &f.vulnerabilities[0].vulnerable_packages[0];
    assert_eq!(p.version.as_deref(), Some("17.0.10+7\u{FFFD}-J-ms8m"));
    assert_eq!(p.fixed_in_version.as_deref(), Some("1.2.3"));
    assert_eq!(f.vulnerabilities[0].fix_available, Some(YesNoPartial::Yes));
}

#[test]
fn description_from_the_related_record_when_the_match_has_none() {
    let out = parse(ALL_FIELDS, &context());
    let f = find(&out, "CVE-2004-0971", "libgssapi-krb5-2");
    assert!(
        f.description.starts_with("The krb5-send-pr script"),
        "{}",
        f.description
    );
    assert_eq!(f.title, "CVE-2004-0971 in libgssapi-krb5-2 1.17-3+deb10u3");
    let urls = &f.vulnerabilities[0].reference_urls;
    assert_eq!(
        urls[0],
        "https://security-tracker.debian.org/tracker/CVE-2004-0971"
    );
    assert!(urls
        .iter()
        .any(|u| u == "https://nvd.nist.gov/vuln/detail/CVE-2004-0971"));
}

fn expect_error(bytes: &[u8]) -> asff_core::ReportError {
    let e = asff_grype::parse(bytes, &context()).unwrap_err();
    assert_eq!(e.format, "grype");
    e
}

#[test]
fn empty_input() {
    let e = expect_error(b"");
    assert_eq!(e.location, Location::Document);
    assert!(e.message.contains("empty"), "{e}");
}

#[test]
fn truncated_input() {
    let bytes = testdata(ALL_FIELDS);
    let e = expect_error(&bytes[..bytes.len() / 3]);
    assert!(e.message.contains("ends too early"), "{e}");
    let Location::Json { line, column, .. } = e.location else {
        panic!("{e}")
    };
    assert!(line > 1 && column > 0, "{e}");
}

#[test]
fn wrong_types() {
    let mut v = value(PATHS);
    v["matches"][1]["vulnerability"]["id"] = json!(42);
    let e = expect_error(&serde_json::to_vec(&v).unwrap());
    assert_eq!(json_path(&e), "$.matches[1].vulnerability.id");

    let mut v = value(PATHS);
    v["matches"][0]["artifact"]["locations"] = json!("/lib");
    let e = expect_error(&serde_json::to_vec(&v).unwrap());
    assert_eq!(json_path(&e), "$.matches[0].artifact.locations");

    let mut v = value(PATHS);
    v["matches"] = json!({});
    let e = expect_error(&serde_json::to_vec(&v).unwrap());
    assert_eq!(json_path(&e), "$.matches");

    let mut v = value(PATHS);
    v["source"]["target"]["tags"] = json!("latest");
    let e = expect_error(&serde_json::to_vec(&v).unwrap());
    assert_eq!(json_path(&e), "$.source.target");
    assert!(e.message.contains("sequence"), "{e}");
}

#[test]
fn other_tools_reports_are_rejected() {
    for file in [
        "anchore/defectdojo-engine-many_vulns.json",
        "snyk/defectdojo-single_project_one_vuln.json",
        "ecr/ecr-basic-awscli-v1-example-epoch-timestamps.json",
        "dependency-check/dc-7.4.4-schemaspy-maven-plugin.json",
    ] {
        let path = asff_testkit::root().join("../shared/corpus").join(file);
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let e = expect_error(&bytes);
        assert_eq!(json_path(&e), "$", "{file}: {e}");
        assert!(e.message.contains("not a Grype JSON report"), "{file}: {e}");
    }
}

const OLD: &str = "grype/defectdojo-grype-0.7.0-many_vulns2.json";

#[test]
fn grype_0_7_reports_with_match_details_as_one_object() {
    // Grype 0.7.0 (DefectDojo's many_vulns2.json): matchDetails is one object, CVSS in
    // cvssV2/cvssV3, links, fixedInVersion
    let out = parse(OLD, &context());
    assert_eq!(out.records, 1567);
    assert_eq!(out.findings.len(), 1567);
    assert!(out.skipped.is_empty());
    let count = |l: Label| out.findings.iter().filter(|f| f.label() == Some(l)).count();
    // Negligible (688) and Unknown (104, none with a score) are INFORMATIONAL
    assert_eq!(
        (
            count(Label::Critical),
            count(Label::High),
            count(Label::Medium),
            count(Label::Low),
            count(Label::Informational)
        ),
        (0, 26, 637, 112, 688 + 104)
    );
    assert!(out
        .findings
        .iter()
        .all(|f| f.product_fields.contains_key("grype/Matchers")));

    let f = &out.findings[0];
    assert_eq!(f.vulnerabilities[0].id, "CVE-2019-9192");
    assert_eq!(f.product_fields["grype/Matchers"], "dpkg-matcher");
    assert_eq!(
        f.severity.as_ref().unwrap().original.as_deref(),
        Some("Negligible")
    );
    assert_eq!(f.label(), Some(Label::Informational));
    let c = &f.vulnerabilities[0].cvss[0];
    assert_eq!(
        (c.version.as_deref(), c.base_score),
        (Some("2.0"), Some(5.0))
    );
    assert_eq!(c.base_vector.as_deref(), Some("AV:N/AC:L/Au:N/C:N/I:N/A:P"));
    assert_eq!(
        f.vulnerabilities[0].reference_urls,
        vec!["https://security-tracker.debian.org/tracker/CVE-2019-9192"]
    );

    // cvssV3 with its version from the vector
    let pip = find(&out, "CVE-2018-20225", "pip");
    let versions: Vec<_> = pip.vulnerabilities[0]
        .cvss
        .iter()
        .map(|c| (c.version.clone().unwrap(), c.base_score.unwrap()))
        .collect();
    assert_eq!(
        versions,
        vec![("3.1".to_string(), 7.8), ("2.0".to_string(), 6.8)]
    );

    // fixedInVersion: a fix is available
    let svn = find(&out, "CVE-2020-17525", "libsvn1");
    assert_eq!(
        svn.vulnerabilities[0].fix_available,
        Some(YesNoPartial::Yes)
    );
    assert_eq!(
        svn.vulnerabilities[0].vulnerable_packages[0]
            .fixed_in_version
            .as_deref(),
        Some("1.10.4-1+deb10u2")
    );
    // Unknown without a score stays INFORMATIONAL, the word kept
    assert_eq!(svn.label(), Some(Label::Informational));
    assert_eq!(
        svn.severity.as_ref().unwrap().original.as_deref(),
        Some("Unknown")
    );
    assert!(!svn.product_fields.contains_key("grype/SeverityFromCvss"));

    let unique: HashSet<_> = ids(&out).into_iter().collect();
    assert_eq!(unique.len(), 1567);
}

#[test]
fn match_details_as_an_array_or_one_object_give_the_same_finding() {
    let array = value(PATHS);
    let mut object = array.clone();
    for m in object["matches"].as_array_mut().unwrap() {
        let first = m["matchDetails"][0].clone();
        assert!(first.is_object());
        m["matchDetails"] = first;
    }
    let a = parse_value(&array, &context());
    let b = parse_value(&object, &context());
    assert!(!a.findings.is_empty());
    assert_eq!(ids(&a), ids(&b));
    for (x, y) in a.findings.iter().zip(&b.findings) {
        assert_eq!(
            x.product_fields.get("grype/Matchers"),
            y.product_fields.get("grype/Matchers")
        );
        assert!(x.product_fields.contains_key("grype/Matchers"));
    }
    // null is no detail; another type is an error at the member
    let mut null = array.clone();
    null["matches"][0]["matchDetails"] = Value::Null;
    let n = parse_value(&null, &context());
    assert!(!n.findings[0].product_fields.contains_key("grype/Matchers"));
    let mut wrong = array;
    wrong["matches"][0]["matchDetails"] = json!("dpkg-matcher");
    let e = expect_error(&serde_json::to_vec(&wrong).unwrap());
    assert_eq!(json_path(&e), "$.matches[0].matchDetails");
}

/// The handwritten report's match with severity Unknown and no CVSS (CVE-2022-37434 in zlib).
fn unknown_match() -> (Value, usize) {
    let v = value(DIRECTORY);
    let i = v["matches"]
        .as_array()
        .unwrap()
        .iter()
        .position(|m| m["vulnerability"]["severity"] == "Unknown")
        .unwrap();
    (v, i)
}

fn finding_of(v: &Value, i: usize) -> AwsSecurityFinding {
    let id = v["matches"][i]["vulnerability"]["id"].as_str().unwrap();
    let pkg = v["matches"][i]["artifact"]["name"].as_str().unwrap();
    find(&parse_value(v, &context()), id, pkg).clone()
}

#[test]
fn unrated_matches_take_the_label_of_their_cvss_score() {
    // without a score: INFORMATIONAL
    let (v, i) = unknown_match();
    let f = finding_of(&v, i);
    assert_eq!(f.label(), Some(Label::Informational));
    assert_eq!(
        f.severity.as_ref().unwrap().original.as_deref(),
        Some("Unknown")
    );
    assert!(!f.product_fields.contains_key("grype/SeverityFromCvss"));

    // its own cvss[] score (v3 preferred over v2)
    let mut own = v.clone();
    own["matches"][i]["vulnerability"]["cvss"] = json!([
        {"version": "2.0", "vector": "AV:N/AC:L/Au:N/C:P/I:P/A:P", "metrics": {"baseScore": 7.5}},
        {"version": "3.1", "vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "metrics": {"baseScore": 9.8}}
    ]);
    let g = finding_of(&own, i);
    assert_eq!(g.label(), Some(Label::Critical));
    assert_eq!(
        g.severity.as_ref().unwrap().original.as_deref(),
        Some("Unknown")
    );
    assert_eq!(
        g.product_fields["grype/SeverityFromCvss"],
        "9.8 (CVSS 3.1, debian:distro:debian:11)"
    );
    assert_eq!(g.id, f.id, "the rating does not change the Id");

    // only v2: its score on the same scale
    let mut v2 = v.clone();
    v2["matches"][i]["vulnerability"]["cvss"] =
        json!([{"version": "2.0", "metrics": {"baseScore": 5.0}}]);
    assert_eq!(finding_of(&v2, i).label(), Some(Label::Medium));

    // the NVD related entry's score
    let mut nvd = v.clone();
    nvd["matches"][i]["relatedVulnerabilities"] = json!([
        {"id": "CVE-2022-37434", "namespace": "nvd:cpe", "severity": "Critical",
         "cvss": [{"source": "nvd@nist.gov", "type": "Primary", "version": "3.1",
                   "vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
                   "metrics": {"baseScore": 9.8}}]}
    ]);
    let h = finding_of(&nvd, i);
    assert_eq!(h.label(), Some(Label::Critical));
    assert_eq!(
        h.product_fields["grype/SeverityFromCvss"],
        "9.8 (CVSS 3.1, nvd@nist.gov)"
    );

    // a score of 0: INFORMATIONAL; a score out of range is no score
    let mut zero = v.clone();
    zero["matches"][i]["vulnerability"]["cvss"] =
        json!([{"version": "3.1", "metrics": {"baseScore": 0.0}}]);
    assert_eq!(finding_of(&zero, i).label(), Some(Label::Informational));
    let mut odd = v.clone();
    odd["matches"][i]["vulnerability"]["cvss"] =
        json!([{"version": "3.1", "metrics": {"baseScore": 42.0}}]);
    assert_eq!(finding_of(&odd, i).label(), Some(Label::Informational));

    // Grype 0.7's cvssV3 on an Unknown match
    let mut legacy = v.clone();
    legacy["matches"][i]["vulnerability"]["cvssV3"] =
        json!({"baseScore": 7.5, "vector": "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"});
    assert_eq!(finding_of(&legacy, i).label(), Some(Label::High));

    // Negligible is a rating: it stays INFORMATIONAL whatever the score
    let mut negligible = own;
    negligible["matches"][i]["vulnerability"]["severity"] = json!("Negligible");
    let n = finding_of(&negligible, i);
    assert_eq!(n.label(), Some(Label::Informational));
    assert!(!n.product_fields.contains_key("grype/SeverityFromCvss"));
}

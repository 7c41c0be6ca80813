//! The mapping rules of the Trivy parser (issue 16), each checked on its own.

#![cfg(test)]

use std::collections::{BTreeSet, HashSet};

use asff_core::model::YesNoPartial;
use asff_core::{AwsSecurityFinding, Context, Label, Location, ParseOutput, Pipeline};
use asff_testkit::{assert_accounted, assert_valid, context, context_later, json_path, testdata};
use serde_json::{json, Value};

const ALL_STATUSES: &str = "trivy/defectdojo-all_statuses.json";
const ALPINE: &str = "trivy/trivy-golden-alpine-310.json";
const SECRETS: &str = "trivy/trivy-golden-secrets.json";
const MIXED: &str = "trivy/defectdojo-misconfigurations_and_secrets.json";
const HELM: &str = "trivy/trivy-golden-helm_testchart.json";
const K8S_OLD: &str = "trivy/defectdojo-kubernetes.json";
const K8S: &str = "trivy/handwritten-k8s-resources.json";
const EDGES: &str = "trivy/handwritten-ecr-image-edges.json";
const LEGACY: &str = "trivy/defectdojo-legacy_many_vulns.json";

fn parse_bytes(bytes: &[u8], ctx: &Context) -> ParseOutput {
    let out = asff_trivy::parse(bytes, ctx).unwrap_or_else(|e| panic!("{e}"));
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

fn ids(out: &ParseOutput) -> BTreeSet<String> {
    out.findings.iter().map(|f| f.id.clone()).collect()
}

fn vuln<'a>(out: &'a ParseOutput, id: &str, package: &str) -> &'a AwsSecurityFinding {
    out.findings
        .iter()
        .find(|f| {
            f.vulnerabilities.first().is_some_and(|v| {
                v.id == id && v.vulnerable_packages[0].name.as_deref() == Some(package)
            })
        })
        .unwrap_or_else(|| panic!("no finding for {id} in {package}"))
}

fn original(f: &AwsSecurityFinding) -> Option<&str> {
    f.severity.as_ref().unwrap().original.as_deref()
}

fn remediation(f: &AwsSecurityFinding) -> Option<&str> {
    f.remediation
        .as_ref()?
        .recommendation
        .as_ref()?
        .text
        .as_deref()
}

/// A schema 2 image report with these vulnerabilities in one OS result.
fn image_report(vulns: Value) -> Value {
    json!({
        "SchemaVersion": 2,
        "ArtifactName": "registry.example/app:1",
        "ArtifactType": "container_image",
        "Results": [{"Target": "registry.example/app:1 (debian 12.5)", "Class": "os-pkgs", "Type": "debian",
                     "Vulnerabilities": vulns}]
    })
}

fn one_vuln(v: Value) -> AwsSecurityFinding {
    let out = parse_value(&image_report(json!([v])), &context());
    assert_eq!(out.findings.len(), 1, "{:?}", out.skipped);
    out.findings.into_iter().next().unwrap()
}

// --- records and skips

#[test]
fn not_affected_is_skipped_and_every_other_status_is_a_finding() {
    let out = parse(ALL_STATUSES, &context());
    assert_eq!((out.records, out.findings.len()), (8, 7));
    assert_eq!(out.skipped.len(), 1);
    assert_eq!(out.skipped[0].reason, "not affected");
    assert_eq!(out.skipped[0].record, "$.Results[0].Vulnerabilities[1]");
    let statuses: BTreeSet<&str> = out
        .findings
        .iter()
        .map(|f| f.product_fields["trivy/Status"].as_str())
        .collect();
    assert_eq!(
        statuses,
        BTreeSet::from([
            "affected",
            "end_of_life",
            "fix_deferred",
            "fixed",
            "under_investigation",
            "unknown",
            "will_not_fix"
        ])
    );
}

#[test]
fn fixed_is_a_finding_with_a_fix() {
    let out = parse(ALPINE, &context());
    let f = vuln(&out, "CVE-2019-1549", "libssl1.1");
    let v = &f.vulnerabilities[0];
    assert_eq!(v.fix_available, Some(YesNoPartial::Yes));
    assert_eq!(
        v.vulnerable_packages[0].fixed_in_version.as_deref(),
        Some("1.1.1d-r0")
    );
    assert_eq!(remediation(f), Some("Upgrade libssl1.1 to 1.1.1d-r0."));
}

#[test]
fn statuses_give_fix_available() {
    for (status, fixed, want) in [
        ("fixed", None, Some(YesNoPartial::Yes)),
        ("affected", None, Some(YesNoPartial::No)),
        ("will_not_fix", None, Some(YesNoPartial::No)),
        ("fix_deferred", None, Some(YesNoPartial::No)),
        ("end_of_life", None, Some(YesNoPartial::No)),
        ("under_investigation", None, None),
        ("unknown", None, None),
        ("", Some("1.2"), Some(YesNoPartial::Yes)),
        ("", None, None),
    ] {
        let mut v = json!({"VulnerabilityID": "CVE-2024-1", "PkgName": "p", "InstalledVersion": "1", "Severity": "LOW"});
        if !status.is_empty() {
            v["Status"] = json!(status);
        }
        if let Some(x) = fixed {
            v["FixedVersion"] = json!(x);
        }
        let f = one_vuln(v);
        assert_eq!(f.vulnerabilities[0].fix_available, want, "{status}");
    }
}

#[test]
fn misconfigurations_not_failed_are_skipped_with_their_status() {
    let out = parse(EDGES, &context());
    let reasons = out.skipped_by_reason();
    assert_eq!(reasons.get("status EXCEPTION"), Some(&1));
    assert_eq!(reasons.get("license finding"), Some(&1));
    assert_eq!(reasons.get("duplicate"), Some(&1));
    let out = parse(K8S, &context());
    assert_eq!(out.skipped_by_reason().get("status PASS"), Some(&1));
    // no status at all: a finding
    let mut v = value(MIXED);
    v["Results"][1]["Misconfigurations"][0]
        .as_object_mut()
        .unwrap()
        .remove("Status");
    let out = parse_value(&v, &context());
    assert_eq!(out.findings.len(), 5);
}

#[test]
fn licenses_are_skipped() {
    let out = parse(EDGES, &context());
    let s = out
        .skipped
        .iter()
        .find(|s| s.reason == "license finding")
        .unwrap();
    assert_eq!(s.record, "$.Results[3].Licenses[0]");
}

#[test]
fn a_repeated_vulnerability_of_a_result_is_a_duplicate() {
    let out = parse(EDGES, &context());
    let s = out
        .skipped
        .iter()
        .find(|s| s.reason == "duplicate")
        .unwrap();
    assert_eq!(s.record, "$.Results[0].Vulnerabilities[1]");
    // the same vulnerability in another package path is not
    let v = json!({"VulnerabilityID": "CVE-2024-1", "PkgName": "p", "InstalledVersion": "1", "Severity": "LOW", "PkgPath": "a/p.jar"});
    let mut w = v.clone();
    w["PkgPath"] = json!("b/p.jar");
    let out = parse_value(&image_report(json!([v, w, v])), &context());
    assert_eq!(out.findings.len(), 2);
    assert_eq!(out.skipped_by_reason().get("duplicate"), Some(&1));
}

// --- identity

#[test]
fn the_same_cve_in_two_packages_is_two_findings() {
    let out = parse(ALPINE, &context());
    let a = vuln(&out, "CVE-2019-1549", "libssl1.1");
    let b = vuln(&out, "CVE-2019-1549", "libcrypto1.1");
    assert_ne!(a.id, b.id);
    assert_eq!(out.findings.len(), 4);
    // and in two resources of a cluster
    let out = parse(K8S_OLD, &context());
    let apt: Vec<_> = out
        .findings
        .iter()
        .filter(|f| {
            f.vulnerabilities
                .first()
                .is_some_and(|v| v.id == "CVE-2020-27350")
        })
        .collect();
    assert_eq!(apt.len(), 2);
    assert_ne!(apt[0].id, apt[1].id);
}

#[test]
fn two_secrets_in_one_file_are_two_findings() {
    let out = parse(SECRETS, &context());
    assert_eq!(out.findings.len(), 2);
    assert_ne!(out.findings[0].id, out.findings[1].id);
    // also with the same rule and the same masked line
    let out = parse(EDGES, &context());
    let keys: Vec<_> = out
        .findings
        .iter()
        .filter(|f| {
            f.product_fields.get("trivy/RuleID").map(String::as_str) == Some("generic-api-key")
        })
        .collect();
    assert_eq!(keys.len(), 2);
    assert_ne!(keys[0].id, keys[1].id);
}

#[test]
fn ids_are_stable_across_builds() {
    for file in [ALPINE, SECRETS, MIXED, HELM, K8S, K8S_OLD, EDGES, LEGACY] {
        assert_eq!(
            ids(&parse(file, &context())),
            ids(&parse(file, &context_later())),
            "{file}"
        );
    }
}

#[test]
fn ids_do_not_depend_on_the_report_order() {
    for file in [ALPINE, SECRETS, MIXED, HELM, K8S_OLD, EDGES] {
        let mut v = value(file);
        let list = if v.get("Results").is_some() {
            "Results"
        } else {
            "Misconfigurations"
        };
        let results = v[list].as_array_mut().unwrap();
        results.reverse();
        for r in results.iter_mut() {
            for list in ["Vulnerabilities", "Misconfigurations", "Results"] {
                if let Some(a) = r.get_mut(list).and_then(Value::as_array_mut) {
                    a.reverse();
                }
            }
        }
        // (identical secrets are told apart by their order: keep those in place)
        if file == EDGES {
            continue;
        }
        assert_eq!(
            ids(&parse(file, &context())),
            ids(&parse_value(&v, &context())),
            "{file}"
        );
    }
}

#[test]
fn line_numbers_are_no_part_of_the_identity() {
    let before = ids(&parse(MIXED, &context()));
    let mut v = value(MIXED);
    v["Results"][1]["Misconfigurations"][0]["CauseMetadata"]["StartLine"] = json!(40);
    v["Results"][1]["Misconfigurations"][0]["CauseMetadata"]["EndLine"] = json!(41);
    for r in [2, 3] {
        v["Results"][r]["Secrets"][0]["StartLine"] = json!(99);
        v["Results"][r]["Secrets"][0]["EndLine"] = json!(99);
    }
    assert_eq!(ids(&parse_value(&v, &context())), before);
    let before = ids(&parse(HELM, &context()));
    let mut v = value(HELM);
    for m in v["Results"][0]["Misconfigurations"].as_array_mut().unwrap() {
        m["CauseMetadata"]["StartLine"] = json!(1);
        m["CauseMetadata"]["Code"] = json!({"Lines": null});
    }
    assert_eq!(ids(&parse_value(&v, &context())), before);
}

/// A file system scan of a CodeBuild checkout, whose directory changes with every build.
fn checkout_scan(dir: &str) -> Value {
    json!({
        "SchemaVersion": 2,
        "ArtifactName": dir,
        "ArtifactType": "filesystem",
        "Results": [
            {"Target": format!("{dir}/requirements.txt"), "Class": "lang-pkgs", "Type": "pip",
             "Vulnerabilities": [{"VulnerabilityID": "CVE-2021-33503", "PkgName": "urllib3", "InstalledVersion": "1.26.3", "Severity": "HIGH"}]},
            {"Target": format!("{dir}/Dockerfile"), "Class": "config", "Type": "dockerfile",
             "Misconfigurations": [{"ID": "DS002", "Title": "Image user should not be 'root'", "Severity": "HIGH", "Status": "FAIL"}]},
            {"Target": format!("{dir}/.env"), "Class": "secret",
             "Secrets": [{"RuleID": "github-pat", "Title": "GitHub Personal Access Token", "Severity": "CRITICAL", "StartLine": 1, "EndLine": 1, "Match": "GITHUB_PAT=*****"}]}
        ]
    })
}

#[test]
fn ids_do_not_depend_on_the_checkout_directory() {
    let a = ids(&parse_value(
        &checkout_scan("/codebuild/output/src111/src/app"),
        &context(),
    ));
    let b = ids(&parse_value(
        &checkout_scan("/codebuild/output/src222/src/app"),
        &context(),
    ));
    assert_eq!(a.len(), 3);
    assert_eq!(a, b);
    // with the checkout directory known, paths under it are relative to it
    let rooted = |dir: &str| {
        let p = Pipeline {
            source_root: Some(dir.to_string()),
            ..asff_testkit::pipeline()
        };
        context().with_pipeline(p)
    };
    let c = parse_value(&checkout_scan("/work/x/app"), &rooted("/work/x"));
    let d = parse_value(&checkout_scan("/home/ci/y/app"), &rooted("/home/ci/y"));
    assert_eq!(ids(&c), ids(&d));
    let f = &c.findings[0];
    assert_eq!(
        f.product_fields.get("trivy/Target").map(String::as_str),
        Some("app/requirements.txt")
    );
    assert!(c
        .findings
        .iter()
        .all(|f| !serde_json::to_string(f).unwrap().contains("/work/x")));
}

#[test]
fn the_identity_parts_of_a_vulnerability() {
    let base = json!({"VulnerabilityID": "CVE-2024-1", "PkgID": "p@1", "PkgName": "p", "InstalledVersion": "1", "Severity": "LOW"});
    let id = |v: Value| one_vuln(v).id;
    let first = id(base.clone());
    assert!(
        first.starts_with("trivy/registry.example/app/CVE-2024-1/"),
        "{first}"
    );
    for (k, x) in [
        ("VulnerabilityID", "CVE-2024-2"),
        ("PkgID", "p@2"),
        ("InstalledVersion", "2"),
        ("PkgPath", "usr/lib/p.jar"),
    ] {
        let mut v = base.clone();
        v[k] = json!(x);
        assert_ne!(id(v), first, "{k}");
    }
    // not the severity, the title, the layer or the fixed version
    let mut v = base.clone();
    v["Severity"] = json!("HIGH");
    v["Title"] = json!("t");
    v["FixedVersion"] = json!("2");
    v["Layer"] = json!({"Digest": "sha256:1"});
    assert_eq!(id(v), first);
    // the result's class and type
    let mut r = image_report(json!([base]));
    r["Results"][0]["Type"] = json!("ubuntu");
    assert_ne!(parse_value(&r, &context()).findings[0].id, first);
}

// --- severity

#[test]
fn each_severity_word() {
    for (word, label) in [
        ("CRITICAL", Label::Critical),
        ("HIGH", Label::High),
        ("MEDIUM", Label::Medium),
        ("LOW", Label::Low),
        ("UNKNOWN", Label::Informational),
    ] {
        let f = one_vuln(
            json!({"VulnerabilityID": "CVE-2024-1", "PkgName": "p", "InstalledVersion": "1",
                                "Severity": word, "SeveritySource": "debian"}),
        );
        assert_eq!(f.label(), Some(label), "{word}");
        assert_eq!(original(&f), Some(format!("{word} (debian)").as_str()));
    }
    // no source: the word alone; no word: no original
    let f = one_vuln(json!({"VulnerabilityID": "CVE-2024-1", "PkgName": "p", "Severity": "HIGH"}));
    assert_eq!(original(&f), Some("HIGH"));
    let f = one_vuln(json!({"VulnerabilityID": "CVE-2024-1", "PkgName": "p"}));
    assert_eq!(f.label(), Some(Label::Informational));
    assert_eq!(original(&f), None);
}

#[test]
fn a_rated_word_wins_over_cvss() {
    let f = one_vuln(
        json!({"VulnerabilityID": "CVE-2024-1", "PkgName": "p", "Severity": "LOW",
                            "CVSS": {"nvd": {"V3Score": 9.8}}}),
    );
    assert_eq!(f.label(), Some(Label::Low));
    assert!(!f.product_fields.contains_key("trivy/SeverityFromCvss"));
}

#[test]
fn unknown_takes_the_cvss_of_the_severity_source_then_nvd_then_any() {
    let label = |source: Option<&str>, cvss: Value| {
        let mut v = json!({"VulnerabilityID": "CVE-2024-1", "PkgName": "p", "Severity": "UNKNOWN", "CVSS": cvss});
        if let Some(s) = source {
            v["SeveritySource"] = json!(s);
        }
        let f = one_vuln(v);
        (
            f.label().unwrap(),
            f.product_fields.get("trivy/SeverityFromCvss").cloned(),
        )
    };
    let cvss =
        json!({"alpha": {"V3Score": 2.0}, "nvd": {"V3Score": 5.0}, "redhat": {"V3Score": 9.1}});
    assert_eq!(label(Some("redhat"), cvss.clone()).0, Label::Critical);
    assert_eq!(
        label(Some("debian"), cvss.clone()),
        (Label::Medium, Some("5 (CVSS 3.0, nvd)".to_string()))
    );
    assert_eq!(label(None, cvss).0, Label::Medium);
    // no nvd: any source, in name order
    let cvss = json!({"zeta": {"V3Score": 9.5}, "alpha": {"V2Score": 2.0}});
    assert_eq!(label(None, cvss).0, Label::Low);
    // of a source: v3, then v4.0, then v2
    let cvss = json!({"nvd": {"V2Score": 9.3, "V40Score": 5.1, "V3Score": 7.2}});
    assert_eq!(label(None, cvss).0, Label::High);
    let cvss = json!({"nvd": {"V2Score": 9.3, "V40Score": 5.1}});
    assert_eq!(
        label(None, cvss),
        (Label::Medium, Some("5.1 (CVSS 4.0, nvd)".to_string()))
    );
    let cvss = json!({"nvd": {"V2Score": 9.3, "V3Vector": "CVSS:3.1/AV:N"}});
    assert_eq!(label(None, cvss).0, Label::Critical);
    // no score, or none on the scale: informational
    assert_eq!(label(None, json!({})).0, Label::Informational);
    assert_eq!(
        label(None, json!({"nvd": {"V3Score": 11.0}})).0,
        Label::Informational
    );
    // the real report's UNKNOWN without CVSS
    let out = parse(LEGACY, &context());
    let f = vuln(&out, "TEMP-0981404-911A2F", "libzstd1");
    assert_eq!(f.label(), Some(Label::Informational));
    assert_eq!(original(f), Some("UNKNOWN"));
}

#[test]
fn the_handwritten_unknowns() {
    let out = parse(EDGES, &context());
    // debian (the source) has no score: nvd's v3
    let f = vuln(&out, "CVE-2023-50387", "libsystemd0");
    assert_eq!(f.label(), Some(Label::High));
    assert_eq!(original(f), Some("UNKNOWN (debian)"));
    // redhat's v2 only
    let f = vuln(&out, "CVE-2024-2961", "libc6");
    assert_eq!(f.label(), Some(Label::High));
    assert_eq!(
        f.product_fields["trivy/SeverityFromCvss"],
        "7.5 (CVSS 2.0, redhat)"
    );
}

// --- the Vulnerabilities block

#[test]
fn the_vulnerabilities_block() {
    let out = parse("trivy/trivy-golden-spring4shell-jre11.json", &context());
    let f = &out.findings[0];
    assert_eq!(
        f.types,
        ["Software and Configuration Checks/Vulnerabilities/CVE"]
    );
    let v = &f.vulnerabilities[0];
    assert_eq!(v.id, "CVE-2022-22965");
    let p = &v.vulnerable_packages[0];
    assert_eq!(p.name.as_deref(), Some("org.springframework:spring-beans"));
    assert_eq!(p.version.as_deref(), Some("5.3.15"));
    assert_eq!(p.fixed_in_version.as_deref(), Some("5.3.18"));
    assert_eq!(p.package_manager.as_deref(), Some("jar"));
    assert_eq!(
        p.file_path.as_deref(),
        Some("usr/local/tomcat/webapps/helloworld.war/WEB-INF/lib/spring-beans-5.3.15.jar")
    );
    assert_eq!(v.fix_available, Some(YesNoPartial::Yes));
    assert_eq!(v.cvss.len(), 4);
    assert!(v
        .cvss
        .iter()
        .any(|c| c.source.as_deref() == Some("nvd") && c.version.as_deref() == Some("2.0")));
    assert_eq!(
        v.reference_urls[0],
        "https://avd.aquasec.com/nvd/cve-2022-22965"
    );
    assert_eq!(
        f.source_url.as_deref(),
        Some("https://avd.aquasec.com/nvd/cve-2022-22965")
    );
    assert_eq!(
        v.vendor.as_ref().unwrap().name,
        "GitHub Security Advisory Maven"
    );
    assert_eq!(
        f.product_fields["trivy/Purl"],
        "pkg:maven/org.springframework/spring-beans@5.3.15"
    );
    // the image: a Container with name and digest
    let r = &f.resources[0];
    assert_eq!(r.kind, "Container");
    let c = r.details.as_ref().unwrap().container.as_ref().unwrap();
    assert_eq!(
        c.image_name.as_deref(),
        Some("ghcr.io/aquasecurity/trivy-test-images:spring4shell-jre11")
    );
}

#[test]
fn vendor_ids_are_related_vulnerabilities_and_non_cves_are_typed_so() {
    let f = one_vuln(
        json!({"VulnerabilityID": "DLA-1", "VendorIDs": ["CVE-2024-9", "DLA-1"], "PkgName": "p", "Severity": "LOW"}),
    );
    assert_eq!(f.vulnerabilities[0].related_vulnerabilities, ["CVE-2024-9"]);
    assert_eq!(
        f.types,
        ["Software and Configuration Checks/Vulnerabilities/CVE"]
    );
    let f = one_vuln(
        json!({"VulnerabilityID": "GHSA-xxxx-yyyy-zzzz", "PkgName": "p", "Severity": "LOW"}),
    );
    assert_eq!(
        f.types,
        ["Software and Configuration Checks/Vulnerabilities"]
    );
}

#[test]
fn ecr_images_are_aws_ecr_container_images() {
    let out = parse(EDGES, &context());
    for f in &out.findings {
        let r = &f.resources[0];
        assert_eq!(r.kind, "AwsEcrContainerImage");
        assert_eq!(
            r.id,
            "arn:aws:ecr:us-east-1:123456789012:repository/team/api/sha256:2222222222222222222222222222222222222222222222222222222222222222"
        );
    }
    assert!(out.findings[0]
        .id
        .starts_with("trivy/123456789012.dkr.ecr.us-east-1.amazonaws.com/team/api/"));
}

// --- misconfigurations

#[test]
fn misconfigurations() {
    let out = parse(MIXED, &context());
    let f = out
        .findings
        .iter()
        .find(|f| f.title.starts_with("DS002"))
        .unwrap();
    assert_eq!(f.title, "DS002: Image user should not be 'root'");
    assert_eq!(f.types, [asff_trivy::TYPE_STANDARDS]);
    assert_eq!(f.label(), Some(Label::High));
    assert_eq!(f.extra["Compliance"], json!({"Status": "FAILED"}));
    assert_eq!(
        remediation(f),
        Some("Add 'USER <non root user name>' line to the Dockerfile")
    );
    let rec = f
        .remediation
        .as_ref()
        .unwrap()
        .recommendation
        .as_ref()
        .unwrap();
    assert_eq!(
        rec.url.as_deref(),
        Some("https://avd.aquasec.com/misconfig/ds002")
    );
    assert!(f
        .description
        .starts_with("Running containers with 'root' user"));
    assert!(f.description.contains("Specify at least 1 USER command"));
    // the file as a resource
    assert_eq!(f.resources[1].kind, "Other");
    assert_eq!(f.resources[1].id, "Dockerfile");
    // AWS checks
    let out = parse(EDGES, &context());
    let f = out
        .findings
        .iter()
        .find(|f| f.title.starts_with("AVD-AWS-0086"))
        .unwrap();
    assert_eq!(f.types, [asff_trivy::TYPE_AWS]);
    assert_eq!(f.product_fields["trivy/Resource"], "aws_s3_bucket.logs");
}

#[test]
fn the_resource_is_part_of_a_misconfigurations_identity() {
    let out = parse(EDGES, &context());
    let id = |o: &ParseOutput| {
        o.findings
            .iter()
            .find(|f| f.title.starts_with("AVD-AWS-0086"))
            .unwrap()
            .id
            .clone()
    };
    let before = id(&out);
    let mut v = value(EDGES);
    v["Results"][2]["Misconfigurations"][0]["CauseMetadata"]["Resource"] =
        json!("aws_s3_bucket.data");
    assert_ne!(id(&parse_value(&v, &context())), before);
    let mut v = value(EDGES);
    v["Results"][2]["Misconfigurations"][0]["CauseMetadata"]["Occurrences"][0]["Resource"] =
        json!("module.other");
    assert_ne!(id(&parse_value(&v, &context())), before);
    let mut v = value(EDGES);
    v["Results"][2]["Misconfigurations"][0]["Message"] = json!("another message");
    assert_eq!(id(&parse_value(&v, &context())), before);
}

// --- secrets

/// Every secret of the hand-written and real reports, in the clear.
const SECRETS_IN_CLEAR: [&str; 4] = [
    "ghp_0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "AKIAIOSFODNN7EXAMPLE",
    "hunter2secret",
];

#[test]
fn secrets_never_reach_a_finding_in_the_clear() {
    let mut extra = value(SECRETS);
    // a match Trivy did not mask, and a masked one with another secret on its line
    extra["Results"][0]["Secrets"][0]["Match"] = json!("export PASSWORD=hunter2secret");
    extra["Results"][0]["Secrets"][1]["Match"] =
        json!("echo ******** token=ghp_0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ");
    let reports: Vec<Vec<u8>> = [SECRETS, EDGES, MIXED]
        .iter()
        .map(|f| testdata(f))
        .chain(std::iter::once(serde_json::to_vec(&extra).unwrap()))
        .collect();
    // `--no-redact` (local debugging) keeps what the redaction would mask in the lines shown,
    // never a match Trivy left unmasked nor the lines around it
    for (ctx, secrets) in [
        (context(), &SECRETS_IN_CLEAR[..]),
        (context().with_redaction(false), &SECRETS_IN_CLEAR[1..]),
    ] {
        for bytes in &reports {
            let out = parse_bytes(bytes, &ctx);
            for f in &out.findings {
                let text = serde_json::to_string(f).unwrap();
                for s in secrets {
                    assert!(!text.contains(s), "{s} in {text}");
                }
            }
        }
    }
    // what is shown: Trivy's masked match, with what the redaction masks
    let out = parse_bytes(&serde_json::to_vec(&extra).unwrap(), &context());
    let d = &out.findings[1].description;
    assert!(d.contains("Match: echo ******** token=ghp_****"), "{d}");
    assert!(out.findings[0].description.contains("not shown"));
    let out = parse(SECRETS, &context());
    assert!(out.findings[0]
        .description
        .contains("Match: export AWS_ACCESS_KEY_ID=********************"));
}

#[test]
fn secrets() {
    let out = parse(SECRETS, &context());
    let f = &out.findings[0];
    assert_eq!(f.title, "AWS Access Key ID in deploy.sh");
    assert_eq!(f.label(), Some(Label::Critical));
    assert_eq!(f.types, [asff_trivy::TYPE_SECRET]);
    assert!(f
        .id
        .starts_with("trivy/github.com/example/app@main/aws-access-key-id/"));
    // no title: the rule id
    let mut v = value(SECRETS);
    v["Results"][0]["Secrets"][0]
        .as_object_mut()
        .unwrap()
        .remove("Title");
    let out = parse_value(&v, &context());
    assert_eq!(out.findings[0].title, "aws-access-key-id in deploy.sh");
    // the match is part of the identity (as masked)
    let before = ids(&parse(SECRETS, &context()));
    let mut v = value(SECRETS);
    v["Results"][0]["Secrets"][0]["Match"] =
        json!("export AWS_ACCESS_KEY_ID_2=********************");
    assert_ne!(ids(&parse_value(&v, &context())), before);
}

// --- Kubernetes

#[test]
fn kubernetes_resources_are_part_of_the_identity_and_the_resource() {
    let out = parse(K8S, &context());
    let f = &out.findings[0];
    assert!(f.id.starts_with(
        "trivy/k8s:arn:aws:eks:eu-west-1:123456789012:cluster/prod/shop/CVE-2024-0727/"
    ));
    let r = &f.resources[0];
    assert_eq!(r.kind, "Other");
    assert_eq!(
        r.id,
        "k8s:arn:aws:eks:eu-west-1:123456789012:cluster/prod/shop/Deployment/web"
    );
    let other = &r.details.as_ref().unwrap().other;
    assert_eq!(other["Kind"], "Deployment");
    assert_eq!(other["Namespace"], "shop");
    // a vulnerability's resources: the workload, then its image (here in ECR)
    assert_eq!(f.resources[1].kind, "AwsEcrContainerImage");
    assert_eq!(
        f.resources[1].id,
        "arn:aws:ecr:eu-west-1:123456789012:repository/shop/web"
    );
    let misconf = out
        .findings
        .iter()
        .find(|f| f.title.starts_with("KSV001"))
        .unwrap();
    assert_eq!(misconf.resources.len(), 1);
    let out_old = parse(K8S_OLD, &context());
    assert_eq!(out_old.findings[0].resources[1].kind, "Container");
    assert_eq!(
        out_old.findings[0].resources[1].id,
        "gcr.io/google_samples/gb-redis-follower:v2"
    );
    // another resource of the same namespace: another finding
    let mut v = value(K8S);
    v["Resources"][0]["Name"] = json!("web2");
    let other_ids = ids(&parse_value(&v, &context()));
    assert!(!other_ids.contains(&f.id));
    // a cluster-wide resource
    let f = out
        .findings
        .iter()
        .find(|f| f.title.starts_with("KSV046"))
        .unwrap();
    assert_eq!(
        f.generator_id,
        "trivy/k8s:arn:aws:eks:eu-west-1:123456789012:cluster/prod"
    );
}

#[test]
fn a_kubernetes_report_without_a_cluster_name_warns() {
    let mut v = value(K8S);
    v["ClusterName"] = json!("");
    let out = parse_value(&v, &context());
    assert!(out.warnings.iter().any(|w| w.contains("unknown-cluster")));
    assert!(out
        .scopes
        .iter()
        .all(|s| s.starts_with("trivy/k8s:unknown-cluster")));
}

// --- the legacy array

#[test]
fn the_legacy_array() {
    let out = parse(LEGACY, &context());
    assert_eq!((out.records, out.findings.len()), (93, 93));
    assert_eq!(out.findings[0].product_fields["trivy/Format"], "legacy");
    let paths: HashSet<_> = out.skipped.iter().map(|s| s.record.clone()).collect();
    assert!(paths.is_empty());
    // without an OS result it is code
    let doc = br#"[{"Target":"package-lock.json","Type":"npm","Vulnerabilities":[{"VulnerabilityID":"CVE-2019-11358","PkgName":"jquery","InstalledVersion":"3.3.9","Severity":"MEDIUM"}]}]"#;
    let out = parse_bytes(doc, &context());
    assert_eq!(
        out.findings[0].generator_id,
        "trivy/github.com/example/app@main"
    );
}

// --- bad input

#[test]
fn bad_input_names_the_place() {
    let e = asff_trivy::parse(
        br#"{"SchemaVersion":2,"ArtifactType":"container_image","Results":[{"Target":"x","Vulnerabilities":[{"VulnerabilityID":5}]}]}"#,
        &context(),
    )
    .unwrap_err();
    assert_eq!(e.format, "trivy");
    assert_eq!(
        json_path(&e),
        "$.Results[0].Vulnerabilities[0].VulnerabilityID"
    );
    let e = asff_trivy::parse(
        br#"[{"Target":"x","Type":"npm","Vulnerabilities":{}}]"#,
        &context(),
    )
    .unwrap_err();
    assert_eq!(json_path(&e), "$[0].Vulnerabilities");
    // truncated
    let bytes = testdata(ALPINE);
    let e = asff_trivy::parse(&bytes[..bytes.len() / 2], &context()).unwrap_err();
    assert!(e.message.contains("ends too early"), "{e}");
    match &e.location {
        Location::Json { path, line, .. } => {
            assert!(path.starts_with("$.Results[0]"), "{path}");
            assert!(*line > 1);
        }
        other => panic!("{other:?}"),
    }
    // empty, and another tool's report
    let e = asff_trivy::parse(b"  \n", &context()).unwrap_err();
    assert_eq!(e.location, Location::Document);
    let e = asff_trivy::parse(br#"{"matches":[],"source":{}}"#, &context()).unwrap_err();
    assert_eq!(json_path(&e), "$");
    assert!(e.message.contains("not a Trivy JSON report"), "{e}");
    let e = asff_trivy::parse(br#"[{"issues":[],"paging":{}}]"#, &context()).unwrap_err();
    assert!(e.message.contains("not a Trivy JSON report"), "{e}");
}

#[test]
fn log_lines_before_the_json_are_skipped() {
    let mut input = b"2024-05-06T10:00:00.000Z\tINFO\t[vuln] Vulnerability scanning is enabled\n\
2024-05-06T10:00:01.000Z\tINFO\tNumber of language-specific files\tnum=1\n"
        .to_vec();
    input.extend_from_slice(&testdata(ALPINE));
    let out = parse_bytes(&input, &context());
    assert_eq!(ids(&out), ids(&parse(ALPINE, &context())));
    // errors count the lines of the whole input
    let mut bad = b"INFO one\nINFO two\n".to_vec();
    bad.extend_from_slice(b"{\"SchemaVersion\": 2,\n \"Results\": [}\n");
    let e = asff_trivy::parse(&bad, &context()).unwrap_err();
    match e.location {
        Location::Json { line, .. } => assert_eq!(line, 4),
        other => panic!("{other:?}"),
    }
    let e = asff_trivy::parse(b"Trivy v0.50\nno report\n", &context()).unwrap_err();
    assert_eq!(e.location, Location::Document);
    assert!(e.message.contains("no line starts a JSON"), "{e}");
}

#[test]
fn nulls_read_as_empty() {
    let doc = br#"{"SchemaVersion":2,"ArtifactName":".","ArtifactType":"filesystem","Results":[{"Target":"a","Class":"lang-pkgs","Type":"npm","Vulnerabilities":null,"Misconfigurations":null,"Secrets":null,"Licenses":null}],"Metadata":{"RepoTags":null}}"#;
    let out = parse_bytes(doc, &context());
    assert_eq!(out.records, 0);
    let doc = br#"{"SchemaVersion":2,"ArtifactName":".","ArtifactType":"filesystem","Results":[{"Target":null,"Secrets":[{"RuleID":"r","Match":"k=***","Code":{"Lines":null}}],"Misconfigurations":[{"ID":"X","Status":"FAIL","CauseMetadata":{"Code":{"Lines":null}}}]}]}"#;
    let out = parse_bytes(doc, &context());
    assert_eq!(out.findings.len(), 2);
}

#[test]
fn the_registry_knows_trivy_by_its_alias() {
    let t = asff_core::Scanner::aliases(&asff_trivy::Trivy);
    assert_eq!(t, ["TRIVY"]);
}

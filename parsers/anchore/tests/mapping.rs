//! The mapping rules of the Anchore parser, each checked on its own.

#![cfg(test)]

use asff_testkit::json_path;
use std::collections::HashSet;

use asff_core::model::YesNoPartial;
use asff_core::{AwsSecurityFinding, Context, Label, Location, ParseOutput};
use asff_testkit::{assert_accounted, assert_valid, context, context_later, testdata};

const MANY: &str = "anchore/defectdojo-engine-many_vulns.json";
const ONE: &str = "anchore/defectdojo-engine-one_vuln.json";
const NONE: &str = "anchore/defectdojo-engine-no_vuln.json";
const ENTERPRISE: &str = "anchore/handwritten-anchorectl-security-evaluation.json";
const NVD: &str = "anchore/handwritten-engine-nvd-vendor-data.json";

fn parse(file: &str, ctx: &Context) -> ParseOutput {
    let out = asff_anchore::parse(&testdata(file), ctx).unwrap_or_else(|e| panic!("{file}: {e}"));
    assert_valid(&out.findings);
    assert_accounted(&out);
    out
}

fn with_image(ctx: Context, image: &str) -> Context {
    ctx.with_image(Some(image.to_string()))
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
fn one_finding_per_entry() {
    let out = parse(MANY, &context());
    assert_eq!(out.records, 23);
    assert_eq!(out.findings.len(), 23);
    assert!(out.skipped.is_empty());
    let out = parse(NONE, &context());
    assert_eq!((out.records, out.findings.len()), (0, 0));
}

#[test]
fn severities_map_and_negligible_and_unknown_are_informational() {
    let out = parse(MANY, &context());
    let mut by_original = std::collections::BTreeMap::new();
    for f in &out.findings {
        let original = f
            .severity
            .as_ref()
            .and_then(|s| s.original.clone())
            .unwrap();
        let label = f.label().unwrap();
        assert_eq!(f.severity.as_ref().unwrap().label, Some(label));
        by_original
            .entry(original)
            .or_insert_with(HashSet::new)
            .insert(label);
    }
    let expect = [
        ("Critical", Label::Critical),
        ("High", Label::High),
        ("Medium", Label::Medium),
        ("Low", Label::Low),
        ("Negligible", Label::Informational),
        ("Unknown", Label::Informational),
    ];
    for (word, label) in expect {
        assert_eq!(
            by_original.get(word),
            Some(&HashSet::from([label])),
            "{word}"
        );
    }
    // Negligible and Unknown are emitted, not dropped: 4 Negligible + 1 Unknown in the report.
    assert_eq!(
        out.findings
            .iter()
            .filter(|f| f.label() == Some(Label::Informational))
            .count(),
        5
    );
}

#[test]
fn none_strings_are_absent() {
    let out = parse(ONE, &context());
    let f = &out.findings[0];
    let v = &f.vulnerabilities[0];
    let p = &v.vulnerable_packages[0];
    assert_eq!(p.name.as_deref(), Some("libgnutls30"));
    assert_eq!(p.version.as_deref(), Some("3.5.8-5+deb9u4"));
    assert_eq!(p.file_path, None, "package_path \"None\" is no path");
    assert_eq!(p.fixed_in_version, None, "fix \"None\" is no fix");
    assert_eq!(v.fix_available, Some(YesNoPartial::No));
    assert!(!f.product_fields.contains_key("anchore/PackageCpe"));
    let json = serde_json::to_string(f).unwrap();
    assert!(!json.contains("\"None\""), "{json}");

    // url "None" in the engine edge-case report
    let out = parse(NVD, &context());
    let f = find(&out, "CVE-2007-5686", "login");
    assert!(f.vulnerabilities[0].reference_urls.is_empty());
    assert_eq!(f.source_url, None);
}

#[test]
fn fix_maps_to_fix_available_and_fixed_in_version() {
    let out = parse(MANY, &context());
    let f = find(&out, "CVE-2018-15686", "libsystemd0");
    let v = &f.vulnerabilities[0];
    assert_eq!(v.fix_available, Some(YesNoPartial::Yes));
    assert_eq!(
        v.vulnerable_packages[0].fixed_in_version.as_deref(),
        Some("232-25+deb9u10")
    );
    let text = f
        .remediation
        .as_ref()
        .unwrap()
        .recommendation
        .as_ref()
        .unwrap()
        .text
        .clone()
        .unwrap();
    assert!(text.contains("232-25+deb9u10"), "{text}");

    let out = parse(ENTERPRISE, &context());
    let f = find(&out, "CVE-2024-50379", "tomcat-embed-core-9.0.97");
    assert_eq!(f.vulnerabilities[0].fix_available, Some(YesNoPartial::Yes));
    assert_eq!(
        f.vulnerabilities[0].vulnerable_packages[0]
            .fixed_in_version
            .as_deref(),
        Some("10.1.34,11.0.2,9.0.98")
    );
    let f = find(&out, "GHSA-cx7f-g6mp-7hqm", "spring-webmvc-5.3.39");
    assert_eq!(f.vulnerabilities[0].fix_available, Some(YesNoPartial::No));
    assert_eq!(
        f.vulnerabilities[0].vulnerable_packages[0].fixed_in_version,
        None
    );
}

#[test]
fn url_is_a_reference() {
    let out = parse(ONE, &context());
    let f = &out.findings[0];
    let url = "https://security-tracker.debian.org/tracker/CVE-2011-3389";
    assert_eq!(f.vulnerabilities[0].reference_urls, [url]);
    assert_eq!(f.source_url.as_deref(), Some(url));
}

#[test]
fn cvss_from_nvd_and_vendor_data() {
    let out = parse(MANY, &context());
    // vendor_data: cvss_v2 5.0, cvss_v3 -1.0 (not scored)
    let f = out
        .findings
        .iter()
        .find(|f| f.vulnerabilities[0].id == "VULNDB-103881")
        .unwrap();
    let cvss = &f.vulnerabilities[0].cvss;
    assert_eq!(cvss.len(), 1, "{cvss:?}");
    assert_eq!(cvss[0].base_score, Some(5.0));
    assert_eq!(cvss[0].version.as_deref(), Some("2.0"));
    assert_eq!(cvss[0].source.as_deref(), Some("vulndb:vulnerabilities"));

    let out = parse(NVD, &context());
    let f = find(&out, "CVE-2020-8908", "guava");
    let scores: Vec<_> = f.vulnerabilities[0]
        .cvss
        .iter()
        .map(|c| {
            (
                c.version.clone().unwrap(),
                c.base_score.unwrap(),
                c.source.clone().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        scores,
        [
            ("2.0".into(), 5.0, "NVD".into()),
            ("3".into(), 7.5, "NVD".into())
        ]
    );
    // A GHSA whose NVD data names a CVE: typed as a CVE, the CVE related and matchable.
    let f = find(&out, "GHSA-5mg8-w23w-74h3", "guava");
    assert_eq!(
        f.types,
        ["Software and Configuration Checks/Vulnerabilities/CVE"]
    );
    assert_eq!(
        f.vulnerabilities[0].related_vulnerabilities,
        ["CVE-2020-8908"]
    );
    assert_eq!(f.vulnerabilities[0].cvss.len(), 3);
    // the same CVE from two feeds for one package at one path: two entries with different ids
    assert_ne!(find(&out, "CVE-2020-8908", "guava").id, f.id);
}

#[test]
fn policy_matches_related_cve_of_a_ghsa() {
    let policy = asff_core::SeverityPolicy::from_json(
        br#"{"version":1,"overrides":[{"tool":"anchore","id":"CVE-2020-8908","label":"CRITICAL"}]}"#,
    )
    .unwrap();
    let out = parse(NVD, &context().with_policy(policy));
    for f in out
        .findings
        .iter()
        .filter(|f| f.vulnerabilities[0].vulnerable_packages[0].name.as_deref() == Some("guava"))
    {
        assert_eq!(f.label(), Some(Label::Critical), "{}", f.id);
    }
}

#[test]
fn ids_are_stable_and_unique() {
    for file in [MANY, ENTERPRISE, NVD] {
        let a = parse(file, &context());
        let b = parse(file, &context_later());
        assert_eq!(ids(&a), ids(&b), "{file}");
        let unique: HashSet<_> = ids(&a).into_iter().collect();
        assert_eq!(unique.len(), a.findings.len(), "{file}");
    }
}

#[test]
fn same_package_at_different_paths_is_two_findings() {
    // VULNDB-103881 in jersey 1.13 at three paths inside the war
    let out = parse(MANY, &context());
    let jersey: HashSet<_> = out
        .findings
        .iter()
        .filter(|f| f.vulnerabilities[0].id == "VULNDB-103881")
        .map(|f| f.id.clone())
        .collect();
    assert_eq!(jersey.len(), 3);
}

#[test]
fn engine_image_comes_from_the_context_and_a_rebuild_keeps_the_ids() {
    let bytes = testdata(MANY);
    let v1 = with_image(context(), "registry.example.com/team/app:1.0");
    let out1 = asff_anchore::parse(&bytes, &v1).unwrap();
    assert!(out1.warnings.is_empty(), "{:?}", out1.warnings);
    let f = &out1.findings[0];
    assert!(
        f.id.starts_with("anchore/registry.example.com/team/app/"),
        "{}",
        f.id
    );
    assert_eq!(f.generator_id, "anchore/registry.example.com/team/app");
    let r = &f.resources[0];
    assert_eq!(r.kind, "Container");
    let digest = "sha256:xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
    assert_eq!(r.id, format!("registry.example.com/team/app:1.0@{digest}"));
    let d = r.details.as_ref().unwrap();
    let c = d.container.as_ref().unwrap();
    assert_eq!(
        c.image_name.as_deref(),
        Some("registry.example.com/team/app:1.0")
    );
    assert_eq!(c.image_id.as_deref(), Some(digest));
    assert_eq!(d.other.get("ImageDigest").map(String::as_str), Some(digest));
    assert_eq!(d.other.get("ImageTag").map(String::as_str), Some("1.0"));

    // the rebuilt image: another tag and another digest, the same flaws
    let rebuilt = String::from_utf8(bytes.clone())
        .unwrap()
        .replace(digest, "sha256:2222");
    let v2 = with_image(context_later(), "registry.example.com/team/app:1.1");
    let out2 = asff_anchore::parse(rebuilt.as_bytes(), &v2).unwrap();
    assert_eq!(ids(&out1), ids(&out2));
    assert_eq!(
        out2.findings[0].resources[0].id,
        "registry.example.com/team/app:1.1@sha256:2222"
    );
}

#[test]
fn engine_without_image_is_scoped_to_the_digest_with_a_warning() {
    let out = parse(ONE, &context());
    let digest = "sha256:xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
    assert!(out.findings[0]
        .id
        .starts_with(&format!("anchore/{digest}/CVE-2011-3389/")));
    assert_eq!(out.findings[0].resources[0].id, digest);
    assert_eq!(out.warnings.len(), 1);
    assert!(out.warnings[0].contains("--image"), "{}", out.warnings[0]);
}

#[test]
fn a_mismatching_digest_in_the_image_reference_is_reported() {
    let ctx = with_image(context(), "app@sha256:other");
    let out = parse(ONE, &ctx);
    assert!(
        out.warnings.iter().any(|w| w.contains("sha256:other")),
        "{:?}",
        out.warnings
    );
    // the scanned digest wins in the resource
    assert!(out.findings[0].resources[0]
        .id
        .starts_with("app@sha256:xxxx"));
}

#[test]
fn enterprise_image_comes_from_the_metadata() {
    let ctx = with_image(context(), "ignored.example.com/other:9");
    let out = parse(ENTERPRISE, &ctx);
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    let f = &out.findings[0];
    assert!(
        f.id.starts_with("anchore/docker.io/example/shop-api/"),
        "{}",
        f.id
    );
    assert_eq!(
        f.resources[0].id,
        "docker.io/example/shop-api:2.3.1@sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270"
    );
    // a rebuild: new tag and digest, the same Ids
    let rebuilt = String::from_utf8(testdata(ENTERPRISE))
        .unwrap()
        .replace("\"2.3.1\"", "\"2.4.0\"")
        .replace(
            "5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270",
            "ffff",
        );
    let out2 = asff_anchore::parse(rebuilt.as_bytes(), &context_later()).unwrap();
    assert_eq!(ids(&out), ids(&out2));
    assert_eq!(
        out2.findings[0].resources[0].id,
        "docker.io/example/shop-api:2.4.0@sha256:ffff"
    );
}

#[test]
fn enterprise_mapping() {
    let out = parse(ENTERPRISE, &context());
    assert_eq!(out.records, 9);
    assert_eq!(out.findings.len(), 8);
    // the last entry repeats the first
    assert_eq!(out.skipped.len(), 1);
    assert_eq!(out.skipped[0].record, "$.securityEvaluation[8]");
    assert_eq!(out.skipped[0].reason, "duplicate");

    let f = find(&out, "CVE-2024-50379", "tomcat-embed-core-9.0.97");
    assert_eq!(f.label(), Some(Label::Critical));
    assert_eq!(
        f.first_observed_at.as_deref(),
        Some("2025-01-10T15:09:00.000Z")
    );
    assert_eq!(f.vulnerabilities[0].cvss[0].base_score, Some(9.8));
    assert_eq!(
        f.vulnerabilities[0].vulnerable_packages[0]
            .file_path
            .as_deref(),
        Some("/app/lib/tomcat-embed-core-9.0.97.jar")
    );

    let f = find(&out, "GHSA-cx7f-g6mp-7hqm", "spring-webmvc-5.3.39");
    assert_eq!(
        f.types,
        ["Software and Configuration Checks/Vulnerabilities/CVE"]
    );
    assert_eq!(
        f.vulnerabilities[0].related_vulnerabilities,
        ["CVE-2024-38816"]
    );
    assert!(f.vulnerabilities[0].cvss.is_empty(), "nvdCvssBaseScore N/A");
    assert!(
        !f.product_fields.contains_key("anchore/FixObservedAt"),
        "fixObservedAt N/A"
    );

    let f = find(&out, "GHSA-r68h-jhhj-9jvm", "esapi-2.5.3.1");
    assert_eq!(
        f.types,
        ["Software and Configuration Checks/Vulnerabilities"]
    );
    assert!(f.vulnerabilities[0].related_vulnerabilities.is_empty());

    let f = find(&out, "CVE-2019-17543", "lz4-libs-1.8.3-3.el8_4");
    assert_eq!(
        f.vulnerabilities[0].vulnerable_packages[0].file_path, None,
        "pkgdb is no file path"
    );
    assert_eq!(
        f.label(),
        Some(Label::Medium),
        "the scanner's word wins over the CVSS score"
    );

    for (vuln, pkg) in [
        ("CVE-2011-3374", "apt-2.6.1"),
        ("CVE-2023-24531", "stdlib-go1.18.2"),
    ] {
        assert_eq!(
            find(&out, vuln, pkg).label(),
            Some(Label::Informational),
            "{vuln}"
        );
    }
}

fn expect_error(bytes: &[u8]) -> asff_core::ReportError {
    let e = asff_anchore::parse(bytes, &context()).unwrap_err();
    assert_eq!(e.format, "anchore");
    e
}

#[test]
fn empty_input() {
    let e = expect_error(b"");
    assert_eq!(e.location, Location::Document);
    assert!(e.message.contains("empty"), "{e}");
    let e = expect_error(b"  \n ");
    assert_eq!(e.location, Location::Document);
}

#[test]
fn truncated_input() {
    for file in [MANY, ENTERPRISE] {
        let bytes = testdata(file);
        let e = expect_error(&bytes[..bytes.len() / 2]);
        assert!(e.message.contains("ends too early"), "{e}");
        assert!(json_path(&e).starts_with('$'), "{e}");
        let Location::Json { line, column, .. } = e.location else {
            unreachable!()
        };
        assert!(line > 1 && column > 0, "{e}");
    }
}

#[test]
fn wrong_types() {
    let e = expect_error(br#"{"imageDigest":"sha256:1","vulnerabilities":[{"vuln":"CVE-1","severity":"High"},{"vuln":7}]}"#);
    assert_eq!(json_path(&e), "$.vulnerabilities[1].vuln");
    let e = expect_error(br#"{"imageDigest":"sha256:1","vulnerabilities":{"vuln":"CVE-1"}}"#);
    assert_eq!(json_path(&e), "$.vulnerabilities");
    let e = expect_error(
        br#"{"imageDigest":"sha256:1","vulnerabilities":[{"vuln":"CVE-1","nvd_data":[{"cvss_v3":{"base_score":true}}]}]}"#,
    );
    assert!(
        json_path(&e).starts_with("$.vulnerabilities[0].nvd_data"),
        "{e}"
    );
    let e = expect_error(
        br#"{"metadata":{},"securityEvaluation":[{"vulnerabilityId":"CVE-1","package":["x"]}]}"#,
    );
    assert_eq!(json_path(&e), "$.securityEvaluation[0].package");
    let e = expect_error(br#"{"metadata":{},"securityEvaluation":[{"severity":"High"}]}"#);
    assert_eq!(json_path(&e), "$.securityEvaluation[0]");
    assert!(e.message.contains("vulnerabilityId"), "{e}");
}

#[test]
fn other_tools_reports_are_rejected() {
    for file in [
        "grype/defectdojo-check_all_fields.json",
        "snyk/defectdojo-single_project_one_vuln.json",
        "snyk/defectdojo-all-projects_many_vulns.json",
        "ecr/ecr-basic-awscli-v1-example-epoch-timestamps.json",
    ] {
        let path = asff_testkit::root().join("../shared/corpus").join(file);
        let Ok(bytes) = std::fs::read(&path)
            .or_else(|_| std::fs::read(asff_testkit::root().join("testdata").join(file)))
        else {
            continue;
        };
        let e = expect_error(&bytes);
        assert_eq!(json_path(&e), "$", "{file}: {e}");
        assert!(
            e.message.contains("not an Anchore vulnerability report"),
            "{file}: {e}"
        );
    }
}

fn parse_value(v: &serde_json::Value) -> ParseOutput {
    let out = asff_anchore::parse(&serde_json::to_vec(v).unwrap(), &context())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_valid(&out.findings);
    assert_accounted(&out);
    out
}

fn value(file: &str) -> serde_json::Value {
    serde_json::from_slice(&testdata(file)).unwrap()
}

#[test]
fn unrated_vulnerabilities_take_the_label_of_their_cvss_score() {
    use serde_json::json;
    // without a score: INFORMATIONAL (DefectDojo's wget CVE-2019-5953, the handwritten
    // libgcrypt CVE-2021-33560)
    let many = parse(MANY, &context());
    let wget = find(&many, "CVE-2019-5953", "wget");
    assert_eq!(wget.label(), Some(Label::Informational));
    assert_eq!(
        wget.severity.as_ref().unwrap().original.as_deref(),
        Some("Unknown")
    );
    assert!(!wget.product_fields.contains_key("anchore/SeverityFromCvss"));

    let base = value(NVD);
    let i = base["vulnerabilities"]
        .as_array()
        .unwrap()
        .iter()
        .position(|v| v["severity"] == "Unknown")
        .unwrap();
    let of = |v: &serde_json::Value| find(&parse_value(v), "CVE-2021-33560", "libgcrypt20").clone();
    let plain = of(&base);
    assert_eq!(plain.label(), Some(Label::Informational));

    // nvd_data with v2 and v3: the v3 score
    let mut nvd = base.clone();
    nvd["vulnerabilities"][i]["nvd_data"] = json!([{"id": "CVE-2021-33560",
        "cvss_v2": {"base_score": 5.0, "exploitability_score": 10.0, "impact_score": 2.9},
        "cvss_v3": {"base_score": 7.5, "exploitability_score": 3.9, "impact_score": 3.6}}]);
    let f = of(&nvd);
    assert_eq!(f.label(), Some(Label::High));
    assert_eq!(
        f.severity.as_ref().unwrap().original.as_deref(),
        Some("Unknown")
    );
    assert_eq!(
        f.product_fields["anchore/SeverityFromCvss"],
        "7.5 (CVSS 3, NVD)"
    );
    assert_eq!(f.id, plain.id);

    // vendor_data only, a -1.0 (not scored) v3 and a real v2
    let mut vendor = base.clone();
    vendor["vulnerabilities"][i]["vendor_data"] = json!([{"id": "CVE-2021-33560",
        "cvss_v2": {"base_score": 9.3}, "cvss_v3": {"base_score": -1.0}}]);
    let g = of(&vendor);
    assert_eq!(g.label(), Some(Label::Critical));
    assert_eq!(
        g.product_fields["anchore/SeverityFromCvss"],
        "9.3 (CVSS 2.0, debian:10)"
    );

    // Negligible is a rating: INFORMATIONAL whatever the score
    let mut negligible = nvd.clone();
    negligible["vulnerabilities"][i]["severity"] = json!("Negligible");
    let n = of(&negligible);
    assert_eq!(n.label(), Some(Label::Informational));
    assert!(!n.product_fields.contains_key("anchore/SeverityFromCvss"));

    // anchorectl: nvdCvssBaseScore on an Unknown evaluation
    let mut ent = value(ENTERPRISE);
    ent["securityEvaluation"][0]["severity"] = json!("Unknown");
    let out = parse_value(&ent);
    let e = find(&out, "CVE-2024-50379", "tomcat-embed-core-9.0.97");
    assert_eq!(e.label(), Some(Label::Critical));
    assert_eq!(
        e.severity.as_ref().unwrap().original.as_deref(),
        Some("Unknown")
    );
    assert_eq!(e.product_fields["anchore/SeverityFromCvss"], "9.8 (NVD)");
    // and "N/A" is no score
    ent["securityEvaluation"][2]["severity"] = json!("Unknown");
    let out = parse_value(&ent);
    let x = find(&out, "GHSA-cx7f-g6mp-7hqm", "spring-webmvc-5.3.39");
    assert_eq!(x.label(), Some(Label::Informational));
}

//! The mapping rules issue 2 pins, each on a small report or a testdata file.

#![cfg(test)]

use asff_core::model::{YesNo, YesNoPartial};
use asff_core::{AwsSecurityFinding, Label, ParseOutput};
use asff_testkit::{
    assert_accounted, assert_valid, context, context_later, testdata, testdata_files,
};
use serde_json::{json, Value};

fn parse(bytes: &[u8]) -> ParseOutput {
    let out = asff_dependency_check::parse(bytes, &context()).unwrap_or_else(|e| panic!("{e}"));
    assert_valid(&out.findings);
    assert_accounted(&out);
    out
}

fn parse_value(v: &Value) -> ParseOutput {
    parse(&serde_json::to_vec(v).unwrap())
}

/// A report with one dependency holding these vulnerabilities.
fn report(vulns: Value) -> Value {
    json!({
        "reportSchema": "1.1",
        "scanInfo": {"engineVersion": "9.0.9"},
        "projectInfo": {"name": "p", "reportDate": "2024-01-01T00:00:00Z"},
        "dependencies": [{
            "isVirtual": false,
            "fileName": "log4j-core-2.14.1.jar",
            "filePath": "/app/lib/log4j-core-2.14.1.jar",
            "packages": [{"id": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"}],
            "vulnerabilities": vulns
        }]
    })
}

fn one(vuln: Value) -> AwsSecurityFinding {
    let out = parse_value(&report(json!([vuln])));
    assert_eq!(out.findings.len(), 1);
    out.findings.into_iter().next().unwrap()
}

fn original(f: &AwsSecurityFinding) -> Option<&str> {
    f.severity.as_ref().and_then(|s| s.original.as_deref())
}

#[test]
fn severity_words_map_case_insensitively_and_keep_the_original() {
    for (word, label) in [
        ("CRITICAL", Label::Critical),
        ("critical", Label::Critical),
        ("HIGH", Label::High),
        ("High", Label::High),
        ("MEDIUM", Label::Medium),
        ("moderate", Label::Medium),
        ("Moderate", Label::Medium),
        ("LOW", Label::Low),
        ("low", Label::Low),
        ("info", Label::Informational),
        ("INFORMATIONAL", Label::Informational),
        ("none", Label::Informational),
    ] {
        // a CVSS score that would give another label: the word wins
        let f = one(
            json!({"source": "NVD", "name": "CVE-2021-44228", "severity": word,
                           "cvssv3": {"baseScore": 5.0}}),
        );
        assert_eq!(f.label(), Some(label), "{word}");
        assert_eq!(f.severity.as_ref().unwrap().label, Some(label));
        assert_eq!(original(&f), Some(word), "{word}");
    }
}

#[test]
fn unknown_or_other_words_fall_back_to_the_highest_cvss_score() {
    let f = one(
        json!({"source": "OSSINDEX", "name": "CVE-1", "severity": "Unknown", "unscored": "true",
                       "cvssv2": {"score": 5.0}, "cvssv3": {"baseScore": 7.2}, "cvssv4": {"baseScore": 8.7}}),
    );
    assert_eq!(f.label(), Some(Label::High));
    assert_eq!(original(&f), Some("Unknown"));

    let f = one(
        json!({"source": "NVD", "name": "CVE-1", "severity": "severe", "cvssv2": {"score": 9.3}}),
    );
    assert_eq!(f.label(), Some(Label::Critical));
    assert_eq!(original(&f), Some("severe"));

    let f = one(
        json!({"source": "NVD", "name": "CVE-1", "severity": "Unknown", "cvssv3": {"baseScore": 0.0}}),
    );
    assert_eq!(f.label(), Some(Label::Informational));

    // out-of-range scores are not scores
    let f = one(
        json!({"source": "NVD", "name": "CVE-1", "severity": "Unknown", "cvssv3": {"baseScore": 42}}),
    );
    assert_eq!(f.label(), Some(Label::Informational));
}

#[test]
fn a_missing_word_uses_cvss_and_keeps_the_score_as_original() {
    let f = one(
        json!({"source": "NVD", "name": "CVE-1", "cvssv2": {"score": 4.3}, "cvssv3": {"baseScore": 6.1}}),
    );
    assert_eq!(f.label(), Some(Label::Medium));
    assert_eq!(original(&f), Some("6.1"));
}

#[test]
fn missing_everything_is_informational() {
    let f = one(json!({"source": "NVD", "name": "CVE-1", "description": "d"}));
    assert_eq!(f.label(), Some(Label::Informational));
    assert_eq!(original(&f), None);
    let f = one(json!({"source": "NVD", "name": "CVE-1", "severity": "Unknown"}));
    assert_eq!(f.label(), Some(Label::Informational));
    assert_eq!(original(&f), Some("Unknown"));
}

#[test]
fn suppressed_vulnerabilities_are_skipped_and_counted() {
    let mut r = report(json!([{"source": "NVD", "name": "CVE-1", "severity": "HIGH"}]));
    r["dependencies"][0]["suppressedVulnerabilities"] = json!([
        {"source": "NVD", "name": "CVE-2", "severity": "CRITICAL"},
        {"source": "NVD", "name": "CVE-3"}
    ]);
    let out = parse_value(&r);
    assert_eq!(out.records, 3);
    assert_eq!(out.findings.len(), 1);
    assert_eq!(out.skipped.len(), 2);
    assert!(out.skipped.iter().all(|s| s.reason == "suppressed"));
    assert_eq!(
        out.skipped[1].record,
        "$.dependencies[0].suppressedVulnerabilities[1]"
    );

    // XML: suppressedVulnerability inside vulnerabilities, and a suppressedVulnerabilities wrapper
    let out = parse(&testdata(
        "dependency-check/handwritten-2.5-suppressed-related.xml",
    ));
    assert_eq!(
        (out.records, out.findings.len(), out.skipped.len()),
        (3, 1, 2)
    );
    let xml = br#"<analysis xmlns="https://jeremylong.github.io/DependencyCheck/dependency-check.2.0.xsd">
      <dependencies><dependency isVirtual="false"><fileName>a.jar</fileName><filePath>/a.jar</filePath>
        <vulnerabilities><vulnerability source="NVD"><name>CVE-1</name><description/></vulnerability></vulnerabilities>
        <suppressedVulnerabilities><suppressedVulnerability source="NVD"><name>CVE-2</name><description/></suppressedVulnerability></suppressedVulnerabilities>
      </dependency></dependencies></analysis>"#;
    let out = parse(xml);
    assert_eq!((out.records, out.findings.len()), (2, 1));
    assert_eq!(out.skipped[0].reason, "suppressed");
}

#[test]
fn dependencies_without_vulnerabilities_are_not_records() {
    let out = parse(&testdata(
        "dependency-check/defectdojo-single_dependency_with_related_no_vulnerability.xml",
    ));
    assert_eq!(
        (out.records, out.findings.len(), out.skipped.len()),
        (0, 0, 0)
    );
    let out = parse(&testdata(
        "dependency-check/dc-7.4.4-schemaspy-maven-plugin.json",
    ));
    assert_eq!(out.records, 16, "76 dependencies, 16 vulnerabilities");
}

#[test]
fn related_dependencies_do_not_multiply_findings() {
    let mut r = report(json!([{"source": "NVD", "name": "CVE-1", "severity": "HIGH"}]));
    r["dependencies"][0]["sha1"] = json!("aaaa");
    r["dependencies"][0]["relatedDependencies"] = json!([
        {"isVirtual": false, "fileName": "x.war: log4j-core-2.14.1.jar", "filePath": "/app/x.war/log4j-core-2.14.1.jar", "sha1": "aaaa"},
        {"isVirtual": false, "filePath": "/app/y/log4j-core-2.14.1.jar", "sha1": "AAAA"},
        {"isVirtual": false, "filePath": "/app/z/other.jar", "sha1": "bbbb"}
    ]);
    let out = parse_value(&r);
    assert_eq!(out.findings.len(), 1);
    let f = &out.findings[0];
    let pkgs = &f.vulnerabilities[0].vulnerable_packages;
    assert_eq!(
        pkgs.len(),
        4,
        "the dependency and its three related dependencies"
    );
    assert_eq!(
        pkgs[1].file_path.as_deref(),
        Some("/app/x.war/log4j-core-2.14.1.jar")
    );
    assert_eq!(
        pkgs[1].name.as_deref(),
        Some("org.apache.logging.log4j:log4j-core")
    );
    assert_eq!(pkgs[2].version.as_deref(), Some("2.14.1"));
    // another file without its own package id: named by its file name, no version claimed
    assert_eq!(pkgs[3].name.as_deref(), Some("other.jar"));
    assert_eq!(pkgs[3].version, None);
    let other = &f.resources[0].details.as_ref().unwrap().other;
    assert_eq!(
        other.get("RelatedDependencies").map(String::as_str),
        Some("/app/x.war/log4j-core-2.14.1.jar; /app/y/log4j-core-2.14.1.jar; /app/z/other.jar")
    );
    assert_eq!(
        f.product_fields
            .get("dependency-check/RelatedDependencies")
            .map(String::as_str),
        Some("3")
    );

    // the real XML sample: dependencies with related dependencies, one finding per vulnerability
    let out = parse(&testdata(
        "dependency-check/defectdojo-multiple_vulnerabilities_has_multiple_findings.xml",
    ));
    assert_eq!(out.findings.len(), 7);
    assert_eq!(out.records, 9);
}

#[test]
fn known_exploited_vulnerabilities_have_an_exploit() {
    let f = one(
        json!({"source": "NVD", "name": "CVE-2021-44228", "severity": "CRITICAL",
        "knownExploitedVulnerability": {"VendorProject": "Apache", "DateAdded": "2021-12-10",
            "RequiredAction": "Apply updates.", "DueDate": "2021-12-24"}}),
    );
    let v = &f.vulnerabilities[0];
    assert_eq!(v.exploit_available, Some(YesNo::Yes));
    assert_eq!(
        f.product_fields
            .get("dependency-check/KevDateAdded")
            .map(String::as_str),
        Some("2021-12-10")
    );
    assert!(f
        .remediation
        .as_ref()
        .unwrap()
        .recommendation
        .as_ref()
        .unwrap()
        .text
        .as_ref()
        .unwrap()
        .contains("Apply updates."));

    let f = one(json!({"source": "NVD", "name": "CVE-1", "severity": "HIGH"}));
    assert_eq!(f.vulnerabilities[0].exploit_available, None);

    let out = parse(&testdata("dependency-check/handwritten-4.1-kev-cvssv4.xml"));
    assert_eq!(
        out.findings[0].vulnerabilities[0].exploit_available,
        Some(YesNo::Yes)
    );
    assert_eq!(out.findings[1].vulnerabilities[0].exploit_available, None);
}

#[test]
fn vulnerabilities_carry_packages_cvss_references_and_fixes() {
    let f = one(
        json!({"source": "NVD", "name": "CVE-2021-44228", "severity": "CRITICAL",
        "cvssv2": {"score": 9.3, "accessVector": "NETWORK", "accessComplexity": "MEDIUM", "authenticationr": "NONE",
                   "confidentialImpact": "COMPLETE", "integrityImpact": "COMPLETE", "availabilityImpact": "COMPLETE",
                   "severity": "HIGH", "version": "2.0", "exploitabilityScore": "8.6", "impactScore": "10.0"},
        "cvssv3": {"baseScore": 10.0, "attackVector": "NETWORK", "attackComplexity": "LOW", "privilegesRequired": "NONE",
                   "userInteraction": "NONE", "scope": "CHANGED", "confidentialityImpact": "HIGH", "integrityImpact": "HIGH",
                   "availabilityImpact": "HIGH", "baseSeverity": "CRITICAL", "version": "3.1"},
        "cvssv4": {"vectorString": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", "source": "cna@example.org",
                   "version": "4.0", "baseScore": 10.0},
        "cwes": ["CWE-917", "CWE-502"],
        "description": "Log4Shell",
        "references": [{"source": "MISC", "url": "https://logging.apache.org/log4j/2.x/security.html"},
                       {"source": "X", "name": "no url"},
                       {"source": "Y", "url": "https://logging.apache.org/log4j/2.x/security.html"}],
        "vulnerableSoftware": [
            {"software": {"id": "cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*", "versionStartIncluding": "2.0.1", "versionEndExcluding": "2.12.2"}},
            {"software": {"id": "cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*", "vulnerabilityIdMatched": "true", "versionStartIncluding": "2.13.0", "versionEndExcluding": "2.15.0"}}
        ]}),
    );
    assert_eq!(f.title, "CVE-2021-44228 in log4j-core 2.14.1");
    assert_eq!(f.description, "Log4Shell");
    assert_eq!(
        f.types,
        vec!["Software and Configuration Checks/Vulnerabilities/CVE"]
    );
    let v = &f.vulnerabilities[0];
    assert_eq!(v.id, "CVE-2021-44228");
    let p = &v.vulnerable_packages[0];
    assert_eq!(
        p.name.as_deref(),
        Some("org.apache.logging.log4j:log4j-core")
    );
    assert_eq!(p.version.as_deref(), Some("2.14.1"));
    assert_eq!(p.package_manager.as_deref(), Some("maven"));
    assert_eq!(
        p.file_path.as_deref(),
        Some("/app/lib/log4j-core-2.14.1.jar")
    );
    assert_eq!(
        p.fixed_in_version.as_deref(),
        Some("2.15.0"),
        "from the matched range"
    );
    assert_eq!(v.fix_available, Some(YesNoPartial::Yes));
    let cvss: Vec<_> = v
        .cvss
        .iter()
        .map(|c| {
            (
                c.version.as_deref().unwrap(),
                c.base_score.unwrap(),
                c.base_vector.as_deref().unwrap(),
                c.source.as_deref().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        cvss,
        vec![
            (
                "4.0",
                10.0,
                "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H",
                "cna@example.org"
            ),
            (
                "3.1",
                10.0,
                "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H",
                "NVD"
            ),
            ("2.0", 9.3, "AV:N/AC:M/Au:N/C:C/I:C/A:C", "NVD"),
        ]
    );
    assert_eq!(
        v.reference_urls,
        vec!["https://logging.apache.org/log4j/2.x/security.html"]
    );
    let vendor = v.vendor.as_ref().unwrap();
    assert_eq!(vendor.name, "NVD");
    assert_eq!(
        vendor.url.as_deref(),
        Some("https://nvd.nist.gov/vuln/detail/CVE-2021-44228")
    );
    assert_eq!(vendor.vendor_severity.as_deref(), Some("CRITICAL"));
    assert_eq!(
        f.product_fields
            .get("dependency-check/CWEs")
            .map(String::as_str),
        Some("CWE-917, CWE-502")
    );
    assert_eq!(f.resources[0].kind, "CodeRepository");
    assert_eq!(f.resources[0].id, "github.com/example/app");
    let other = &f.resources[0].details.as_ref().unwrap().other;
    assert_eq!(
        other.get("FilePath").map(String::as_str),
        Some("/app/lib/log4j-core-2.14.1.jar")
    );
    assert_eq!(
        other.get("FileName").map(String::as_str),
        Some("log4j-core-2.14.1.jar")
    );
    let rec = f
        .remediation
        .as_ref()
        .unwrap()
        .recommendation
        .as_ref()
        .unwrap();
    assert!(rec.text.as_ref().unwrap().contains("2.15.0"), "{rec:?}");
    assert_eq!(
        rec.url.as_deref(),
        Some("https://nvd.nist.gov/vuln/detail/CVE-2021-44228")
    );
    assert_eq!(
        f.source_url.as_deref(),
        Some("https://nvd.nist.gov/vuln/detail/CVE-2021-44228")
    );
}

#[test]
fn non_cve_names_get_the_generic_vulnerability_type() {
    let f = one(json!({"source": "NPM", "name": "GHSA-35jh-r3h4-6jhm", "severity": "high"}));
    assert_eq!(
        f.types,
        vec!["Software and Configuration Checks/Vulnerabilities"]
    );
    assert_eq!(f.vulnerabilities[0].id, "GHSA-35jh-r3h4-6jhm");
    assert_eq!(
        f.source_url.as_deref(),
        Some("https://github.com/advisories/GHSA-35jh-r3h4-6jhm")
    );
    let f = one(
        json!({"source": "RETIREJS", "name": "jQuery before 3.4.0 mishandles jQuery.extend", "severity": "low"}),
    );
    assert_eq!(
        f.types,
        vec!["Software and Configuration Checks/Vulnerabilities"]
    );
    let f = one(json!({"source": "NVD", "name": "cve-2020-1", "severity": "low"}));
    assert_eq!(
        f.types,
        vec!["Software and Configuration Checks/Vulnerabilities/CVE"]
    );
}

#[test]
fn confidential_impact_and_confidentiality_impact_are_both_read() {
    let v2 = |key: &str| {
        let mut c = json!({"score": 7.5, "accessVector": "NETWORK", "accessComplexity": "LOW", "authenticationr": "NONE",
                           "integrityImpact": "NONE", "availabilityImpact": "NONE", "severity": "HIGH"});
        c[key] = json!("COMPLETE");
        one(json!({"source": "NVD", "name": "CVE-1", "severity": "HIGH", "cvssv2": c}))
    };
    let old = v2("confidentialImpact");
    let new = v2("confidentialityImpact");
    let vector = |f: &AwsSecurityFinding| f.vulnerabilities[0].cvss[0].base_vector.clone();
    assert_eq!(vector(&old).as_deref(), Some("AV:N/AC:L/Au:N/C:C/I:N/A:N"));
    assert_eq!(vector(&old), vector(&new));
    // 5.x wrote `authenticationr>`
    let f = one(
        json!({"source": "NVD", "name": "CVE-1", "cvssv2": {"score": 5.0, "accessVector": "NETWORK",
        "accessComplexity": "LOW", "authenticationr>": "SINGLE", "confidentialImpact": "PARTIAL",
        "integrityImpact": "NONE", "availabilityImpact": "NONE", "severity": "MEDIUM"}}),
    );
    assert_eq!(vector(&f).as_deref(), Some("AV:N/AC:L/Au:S/C:P/I:N/A:N"));
}

#[test]
fn numbers_written_as_strings_are_read() {
    let f = one(json!({"source": "NVD", "name": "CVE-1", "unscored": "true",
        "cvssv2": {"score": "7.5", "exploitabilityScore": "10.0", "impactScore": "6.4", "version": "2.0"},
        "cvssv3": {"baseScore": "9.8", "exploitabilityScore": "3.9", "impactScore": "5.9"}}));
    assert_eq!(f.label(), Some(Label::Critical));
    let scores: Vec<f64> = f.vulnerabilities[0]
        .cvss
        .iter()
        .filter_map(|c| c.base_score)
        .collect();
    assert_eq!(scores, vec![9.8, 7.5]);
    assert_eq!(
        f.product_fields
            .get("dependency-check/Unscored")
            .map(String::as_str),
        Some("true")
    );
}

#[test]
fn compact_output_with_escaped_slashes_converts_like_pretty_output() {
    for file in [
        "dc-12.1.1-cvssv4.json",
        "handwritten-6.x-layout.json",
        "handwritten-9.x-identity-edge-cases.json",
    ] {
        let pretty = testdata(&format!("dependency-check/{file}"));
        let v: Value = serde_json::from_slice(&pretty).unwrap();
        let compact = serde_json::to_string(&v).unwrap().replace('/', "\\/");
        assert!(compact.contains("\\/"));
        let a = parse(&pretty);
        let b = parse(compact.as_bytes());
        assert_eq!(
            serde_json::to_value(&a.findings).unwrap(),
            serde_json::to_value(&b.findings).unwrap(),
            "{file}"
        );
    }
    // the real compact 7.4.4 report: escapes are resolved
    let out = parse(&testdata(
        "dependency-check/dc-7.4.4-schemaspy-maven-plugin.json",
    ));
    let f = &out.findings[0];
    assert_eq!(
        f.vulnerabilities[0].vulnerable_packages[0]
            .file_path
            .as_deref(),
        Some("/var/m2/repository/dom4j/dom4j/1.1/dom4j-1.1.jar")
    );
    assert!(out
        .findings
        .iter()
        .all(|f| !serde_json::to_string(f).unwrap().contains("\\/")));
}

#[test]
fn xml_1_3_namespace_with_flat_cvss_and_maven_identifiers() {
    let out = parse(&testdata("dependency-check/defectdojo-single_vuln.xml"));
    assert_eq!(out.findings.len(), 1);
    let f = &out.findings[0];
    assert_eq!(f.label(), Some(Label::Medium), "Moderate");
    assert_eq!(original(f), Some("Moderate"));
    assert_eq!(f.title, "CVE-0000-0001 in library 6.7.8");
    let v = &f.vulnerabilities[0];
    assert_eq!(
        v.vendor.as_ref().unwrap().name,
        "NVD",
        "schema 1.x: all data came from the NVD"
    );
    assert_eq!(v.cvss[0].base_score, Some(7.5));
    assert_eq!(
        v.cvss[0].base_vector.as_deref(),
        Some("AV:N/AC:L/Au:N/C:P/I:P/A:P")
    );
    assert_eq!(
        v.vulnerable_packages[0].name.as_deref(),
        Some("org.owasp:library")
    );
    assert_eq!(
        f.product_fields
            .get("dependency-check/CWEs")
            .map(String::as_str),
        Some("CWE-00 Bad Vulnerability")
    );
    assert!(
        f.id.contains("pkg:maven/org.owasp/library@6.7.8"),
        "{}",
        f.id
    );
}

#[test]
fn xml_2_5_namespace() {
    let out = parse(&testdata(
        "dependency-check/handwritten-2.5-suppressed-related.xml",
    ));
    let f = &out.findings[0];
    assert_eq!(f.title, "CVE-2015-7501 in commons-collections 3.2.1");
    assert_eq!(f.label(), Some(Label::Critical));
    let v = &f.vulnerabilities[0];
    assert_eq!(
        v.cvss[1].base_vector.as_deref(),
        Some("AV:N/AC:L/Au:N/C:C/I:C/A:C")
    );
    assert_eq!(v.vulnerable_packages.len(), 3);
    assert_eq!(
        v.fix_available, None,
        "versionEndIncluding names no fixed version"
    );
    let out = parse(&testdata("dependency-check/defectdojo-dc_empty.xml"));
    assert_eq!((out.records, out.findings.len()), (0, 0));
}

#[test]
fn xml_4_1_cvss_v4_and_cdata() {
    let out = parse(&testdata("dependency-check/handwritten-4.1-kev-cvssv4.xml"));
    let f = &out.findings[1];
    assert_eq!(f.label(), Some(Label::High), "lower-case word");
    assert_eq!(f.vulnerabilities[0].cvss[0].version.as_deref(), Some("4.0"));
    assert!(
        f.description.contains("URL <and> perform"),
        "{}",
        f.description
    );
    assert_eq!(out.warnings.len(), 1, "one analysis exception");
}

#[test]
fn a_5x_report_without_severity_words_is_rated_by_cvss() {
    let out = parse(&testdata("dependency-check/handwritten-5.x-layout.json"));
    let labels: Vec<_> = out
        .findings
        .iter()
        .map(|f| (f.vulnerabilities[0].id.as_str(), f.label().unwrap()))
        .collect();
    assert_eq!(
        labels,
        vec![
            ("CVE-2019-12384", Label::Medium),
            ("CVE-2019-14379", Label::Critical),
            ("1179", Label::Low)
        ]
    );
    // no version before 6.0: the vector has no CVSS:3.x prefix
    let c = &out.findings[1].vulnerabilities[0].cvss[0];
    assert_eq!(c.version.as_deref(), Some("3"));
    assert_eq!(
        c.base_vector.as_deref(),
        Some("AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
    );
}

#[test]
fn ids_are_stable_across_builds_and_clocks() {
    for file in testdata_files("dependency-check", &["json", "xml"]) {
        let bytes = testdata(&file);
        let a = asff_dependency_check::parse(&bytes, &context()).unwrap();
        let b = asff_dependency_check::parse(&bytes, &context_later()).unwrap();
        let ids = |o: &ParseOutput| o.findings.iter().map(|f| f.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&a), ids(&b), "{file}");
        if let (Some(fa), Some(fb)) = (a.findings.first(), b.findings.first()) {
            assert_ne!(fa.updated_at, fb.updated_at, "the contexts differ");
        }
        for f in &a.findings {
            assert!(
                !f.id.contains("0f1e2d3c") && !f.id.contains("2024-01-01"),
                "{}",
                f.id
            );
            assert!(f.id.len() <= 512);
        }
    }
}

#[test]
fn ids_do_not_depend_on_the_position_in_the_report() {
    let bytes = testdata("dependency-check/handwritten-9.x-identity-edge-cases.json");
    let mut v: Value = serde_json::from_slice(&bytes).unwrap();
    let a = parse_value(&v);
    v["dependencies"].as_array_mut().unwrap().reverse();
    let b = parse_value(&v);
    let mut ia: Vec<_> = a.findings.iter().map(|f| f.id.clone()).collect();
    let mut ib: Vec<_> = b.findings.iter().map(|f| f.id.clone()).collect();
    ia.sort();
    ib.sort();
    assert_eq!(ia, ib);
}

#[test]
fn the_same_vulnerability_on_the_same_purl_at_two_paths_has_two_ids() {
    let dep = |path: &str, name: &str| {
        json!({"fileName": name, "filePath": path,
               "packages": [{"id": "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.13.2"}],
               "vulnerabilities": [{"source": "NVD", "name": "CVE-2022-42003", "severity": "HIGH"}]})
    };
    let r = json!({"reportSchema": "1.1", "dependencies": [
        dep("/a/lib/jackson-databind-2.13.2.jar", "jackson-databind-2.13.2.jar"),
        dep("/b/lib/jackson-databind-2.13.2.jar", "jackson-databind-2.13.2.jar"),
        dep("/c/x.war/jackson-databind-2.13.2.jar", "x.war: jackson-databind-2.13.2.jar"),
    ]});
    let out = parse_value(&r);
    assert_eq!(out.findings.len(), 3);
    let ids: std::collections::HashSet<_> = out.findings.iter().map(|f| &f.id).collect();
    assert_eq!(ids.len(), 3);
    // alone, a dependency is identified by purl and vulnerability only: its path may change
    let alone = |path: &str| {
        let r = json!({"reportSchema": "1.1", "dependencies": [dep(path, "jackson-databind-2.13.2.jar")]});
        parse_value(&r).findings[0].id.clone()
    };
    assert_eq!(
        alone("/build/1/lib/jackson-databind-2.13.2.jar"),
        alone("/build/2/lib/jackson-databind-2.13.2.jar")
    );

    // the real edge-case file: two modules, two paths, and one record written twice
    let out = parse(&testdata(
        "dependency-check/handwritten-9.x-identity-edge-cases.json",
    ));
    assert_eq!(out.records, 7);
    assert_eq!(out.findings.len(), 6);
    assert_eq!(out.skipped_by_reason().get("duplicate"), Some(&1));
    assert_eq!(
        out.skipped[0].record,
        "$.dependencies[4].vulnerabilities[0]"
    );
}

#[test]
fn a_dependency_without_package_id_is_identified_by_its_path() {
    let mut r = report(json!([{"source": "NVD", "name": "CVE-1", "severity": "HIGH"}]));
    r["dependencies"][0]
        .as_object_mut()
        .unwrap()
        .remove("packages");
    let f = &parse_value(&r).findings[0];
    assert!(f.id.contains("/app/lib/log4j-core-2.14.1.jar"), "{}", f.id);
    assert_eq!(f.title, "CVE-1 in log4j-core-2.14.1.jar");
}

#[test]
fn prefixed_xml_reads_like_unprefixed_xml() {
    let doc = br#"<?xml version="1.0"?>
<dc:analysis xmlns:dc="https://jeremylong.github.io/DependencyCheck/dependency-check.3.0.xsd">
  <dc:dependencies><dc:dependency isVirtual="false"><dc:fileName>a-1.0.jar</dc:fileName><dc:filePath>/a-1.0.jar</dc:filePath>
    <dc:identifiers><dc:package><dc:id>pkg:maven/g/a@1.0</dc:id></dc:package></dc:identifiers>
    <dc:vulnerabilities><dc:vulnerability source="NVD"><dc:name>CVE-1</dc:name><dc:severity>LOW</dc:severity><dc:description>d</dc:description></dc:vulnerability></dc:vulnerabilities>
  </dc:dependency></dc:dependencies></dc:analysis>"#;
    assert!(asff_dependency_check::detect(&asff_core::sniff::sniff(doc)));
    let out = parse(doc);
    assert_eq!(out.findings.len(), 1);
    assert_eq!(out.findings[0].title, "CVE-1 in a 1.0");
    assert_eq!(out.findings[0].label(), Some(Label::Low));
}

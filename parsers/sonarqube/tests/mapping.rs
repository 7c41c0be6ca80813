//! The mapping rules of the SonarQube parser, one by one.

#![cfg(test)]

use asff_core::{AwsSecurityFinding, Label, ParseOutput};
use asff_sonarqube::{parse, parse_with, Options};
use asff_testkit::{
    assert_accounted, assert_valid, context, context_later, testdata, testdata_files,
};
use serde_json::{json, Value};

const SECURITY: &str = "Software and Configuration Checks/Vulnerabilities";
const QUALITY: &str = "Software and Configuration Checks";

fn convert(doc: &Value) -> ParseOutput {
    let out = parse(doc.to_string().as_bytes(), &context()).unwrap_or_else(|e| panic!("{e}"));
    assert_valid(&out.findings);
    assert_accounted(&out);
    out
}

/// An issues search page holding `issues`.
fn issues(issues: Vec<Value>) -> Value {
    let total = issues.len();
    json!({"paging": {"pageIndex": 1, "pageSize": 100, "total": total}, "issues": issues, "components": []})
}

/// An issue with the given extra members.
fn issue(key: &str, extra: Value) -> Value {
    let mut v = json!({
        "key": key, "rule": "java:S100", "component": "app:src/A.java", "project": "app",
        "line": 3, "message": "Something is wrong."
    });
    if let (Some(m), Some(e)) = (v.as_object_mut(), extra.as_object()) {
        m.extend(e.clone());
    }
    v
}

fn hotspot(key: &str, extra: Value) -> Value {
    let mut v = json!({
        "key": key, "component": "app:src/A.java", "project": "app", "securityCategory": "others",
        "vulnerabilityProbability": "LOW", "status": "TO_REVIEW", "line": 5, "message": "Review this."
    });
    if let (Some(m), Some(e)) = (v.as_object_mut(), extra.as_object()) {
        m.extend(e.clone());
    }
    v
}

fn hotspots(hs: Vec<Value>) -> Value {
    let total = hs.len();
    json!({"paging": {"pageIndex": 1, "pageSize": 100, "total": total}, "hotspots": hs, "components": []})
}

fn only(out: &ParseOutput) -> &AwsSecurityFinding {
    assert_eq!(out.findings.len(), 1, "{:?}", out.skipped);
    &out.findings[0]
}

fn original(f: &AwsSecurityFinding) -> &str {
    f.severity
        .as_ref()
        .and_then(|s| s.original.as_deref())
        .unwrap_or("")
}

fn label_of(extra: Value) -> (Label, String) {
    let out = convert(&issues(vec![issue("K", extra)]));
    let f = only(&out);
    (f.label().unwrap(), original(f).to_string())
}

#[test]
fn security_impact_decides_over_higher_impacts_and_legacy_severity() {
    let (l, o) = label_of(json!({
        "severity": "BLOCKER",
        "impacts": [
            {"softwareQuality": "MAINTAINABILITY", "severity": "HIGH"},
            {"softwareQuality": "SECURITY", "severity": "LOW"},
            {"softwareQuality": "RELIABILITY", "severity": "BLOCKER"}
        ]
    }));
    assert_eq!((l, o.as_str()), (Label::Low, "LOW"));
}

#[test]
fn without_security_impact_the_highest_impact_decides() {
    let (l, o) = label_of(json!({
        "severity": "INFO",
        "impacts": [
            {"softwareQuality": "MAINTAINABILITY", "severity": "MEDIUM"},
            {"softwareQuality": "RELIABILITY", "severity": "HIGH"}
        ]
    }));
    assert_eq!((l, o.as_str()), (Label::High, "HIGH"));
}

#[test]
fn impact_severities_map_to_labels() {
    for (word, label) in [
        ("BLOCKER", Label::Critical),
        ("HIGH", Label::High),
        ("MEDIUM", Label::Medium),
        ("LOW", Label::Low),
        ("INFO", Label::Informational),
    ] {
        let (l, o) =
            label_of(json!({"impacts": [{"softwareQuality": "RELIABILITY", "severity": word}]}));
        assert_eq!((l, o.as_str()), (label, word));
        let (l, _) =
            label_of(json!({"impacts": [{"softwareQuality": "SECURITY", "severity": word}]}));
        assert_eq!(l, label, "SECURITY {word}");
    }
}

#[test]
fn legacy_severities_map_to_labels_when_there_are_no_impacts() {
    for (word, label) in [
        ("BLOCKER", Label::Critical),
        ("CRITICAL", Label::High),
        ("MAJOR", Label::Medium),
        ("MINOR", Label::Low),
        ("INFO", Label::Informational),
    ] {
        let (l, o) = label_of(json!({"severity": word, "type": "BUG", "status": "OPEN"}));
        assert_eq!((l, o.as_str()), (label, word));
        let (l, _) = label_of(json!({"severity": word, "impacts": []}));
        assert_eq!(l, label, "empty impacts, {word}");
    }
}

#[test]
fn hotspot_probabilities_map_to_labels() {
    for (word, label) in [
        ("HIGH", Label::High),
        ("MEDIUM", Label::Medium),
        ("LOW", Label::Low),
    ] {
        let out = convert(&hotspots(vec![hotspot(
            "H",
            json!({"vulnerabilityProbability": word}),
        )]));
        let f = only(&out);
        assert_eq!((f.label().unwrap(), original(f)), (label, word));
        assert_eq!(f.types, [SECURITY]);
    }
}

#[test]
fn unknown_or_missing_severities_are_medium_with_a_warning() {
    let out = convert(&issues(vec![
        issue("A", json!({"severity": "SEVERE"})),
        issue("B", json!({})),
    ]));
    assert_eq!(out.findings[0].label(), Some(Label::Medium));
    assert_eq!(original(&out.findings[0]), "SEVERE");
    assert_eq!(out.findings[1].label(), Some(Label::Medium));
    assert!(
        out.warnings.iter().any(|w| w.contains("\"SEVERE\"")),
        "{:?}",
        out.warnings
    );
    assert!(
        out.warnings
            .iter()
            .any(|w| w.contains("1 records have no severity")),
        "{:?}",
        out.warnings
    );
}

#[test]
fn the_severity_policy_can_match_the_rule_or_a_cwe() {
    let policy = asff_core::SeverityPolicy::from_json(
        br#"{"version":1,"overrides":[
            {"tool":"sonarqube","id":"java:S100","label":"HIGH"},
            {"tool":"sonarqube","id":"CWE-89","label":"CRITICAL"}]}"#,
    )
    .unwrap();
    let ctx = context().with_policy(policy);
    let doc = issues(vec![
        issue("A", json!({"severity": "MINOR"})),
        issue(
            "B",
            json!({"severity": "MINOR", "rule": "java:S3649", "tags": ["cwe", "cwe-89"]}),
        ),
    ]);
    let out = parse(doc.to_string().as_bytes(), &ctx).unwrap();
    assert_eq!(out.findings[0].label(), Some(Label::High));
    assert_eq!(out.findings[1].label(), Some(Label::Critical));
    assert_eq!(original(&out.findings[1]), "MINOR");
}

#[test]
fn issue_status_decides_what_is_skipped() {
    let cases = [
        ("OPEN", None),
        ("CONFIRMED", None),
        ("IN_SANDBOX", None),
        ("FIXED", Some("fixed")),
        ("FALSE_POSITIVE", Some("false positive")),
        ("ACCEPTED", Some("accepted")),
        ("CLOSED", Some("closed")),
    ];
    for (status, reason) in cases {
        // the newest layout: issueStatus only
        let out = convert(&issues(vec![issue("K", json!({"issueStatus": status}))]));
        assert_eq!(
            out.skipped.first().map(|s| s.reason.as_str()),
            reason,
            "{status}"
        );
        assert_eq!(
            out.findings.len(),
            usize::from(reason.is_none()),
            "{status}"
        );
        // 10.4 previews called it simpleStatus
        let out = convert(&issues(vec![issue("K", json!({"simpleStatus": status}))]));
        assert_eq!(
            out.skipped.first().map(|s| s.reason.as_str()),
            reason,
            "simpleStatus {status}"
        );
    }
    // issueStatus wins over the legacy status when both are sent
    let out = convert(&issues(vec![issue(
        "K",
        json!({"status": "REOPENED", "issueStatus": "ACCEPTED"}),
    )]));
    assert_eq!(out.skipped[0].reason, "accepted");
    let out = convert(&issues(vec![issue(
        "K",
        json!({"status": "RESOLVED", "resolution": "FIXED", "issueStatus": "OPEN"}),
    )]));
    assert_eq!(out.findings.len(), 1);
}

#[test]
fn legacy_status_and_resolution_decide_without_issue_status() {
    let cases = [
        (json!({"status": "OPEN"}), None),
        (json!({"status": "CONFIRMED"}), None),
        (json!({"status": "REOPENED"}), None),
        (
            json!({"status": "CLOSED", "resolution": "FIXED"}),
            Some("closed"),
        ),
        (json!({"status": "CLOSED"}), Some("closed")),
        (
            json!({"status": "RESOLVED", "resolution": "FIXED"}),
            Some("fixed"),
        ),
        (
            json!({"status": "RESOLVED", "resolution": "FALSE-POSITIVE"}),
            Some("false positive"),
        ),
        (
            json!({"status": "RESOLVED", "resolution": "WONTFIX"}),
            Some("accepted"),
        ),
        (
            json!({"status": "RESOLVED", "resolution": "REMOVED"}),
            Some("closed"),
        ),
        (json!({"status": "RESOLVED"}), Some("resolved")),
        // hotspots as 7.3-8.1 issue searches returned them
        (
            json!({"type": "SECURITY_HOTSPOT", "status": "TO_REVIEW"}),
            None,
        ),
        (
            json!({"type": "SECURITY_HOTSPOT", "status": "REVIEWED", "resolution": "SAFE"}),
            Some("reviewed safe"),
        ),
        (
            json!({"type": "SECURITY_HOTSPOT", "status": "REVIEWED", "resolution": "FIXED"}),
            Some("reviewed fixed"),
        ),
    ];
    for (extra, reason) in cases {
        let out = convert(&issues(vec![issue("K", extra.clone())]));
        assert_eq!(
            out.skipped.first().map(|s| s.reason.as_str()),
            reason,
            "{extra}"
        );
        assert_eq!(out.findings.len(), usize::from(reason.is_none()), "{extra}");
    }
}

#[test]
fn hotspots_reviewed_as_safe_or_fixed_are_skipped() {
    let out = convert(&hotspots(vec![
        hotspot("A", json!({"status": "TO_REVIEW"})),
        hotspot("B", json!({"status": "REVIEWED", "resolution": "SAFE"})),
        hotspot("C", json!({"status": "REVIEWED", "resolution": "FIXED"})),
        hotspot(
            "D",
            json!({"status": "REVIEWED", "resolution": "ACKNOWLEDGED"}),
        ),
    ]));
    let keys: Vec<&str> = out
        .findings
        .iter()
        .map(|f| f.product_fields["sonarqube/Key"].as_str())
        .collect();
    assert_eq!(keys, ["A", "D"]);
    let skipped: Vec<(&str, &str)> = out
        .skipped
        .iter()
        .map(|s| (s.record.as_str(), s.reason.as_str()))
        .collect();
    assert_eq!(
        skipped,
        [
            ("$.hotspots[1]", "reviewed safe"),
            ("$.hotspots[2]", "reviewed fixed")
        ]
    );
}

#[test]
fn types_follow_the_issue_type() {
    let out = convert(&issues(vec![
        issue("V", json!({"type": "VULNERABILITY", "severity": "MAJOR"})),
        issue("B", json!({"type": "BUG", "severity": "MAJOR"})),
        issue("S", json!({"type": "CODE_SMELL", "severity": "MAJOR"})),
        issue(
            "H",
            json!({"type": "SECURITY_HOTSPOT", "severity": "MAJOR", "status": "TO_REVIEW"}),
        ),
        issue(
            "I",
            json!({"impacts": [{"softwareQuality": "SECURITY", "severity": "LOW"}]}),
        ),
        issue(
            "R",
            json!({"impacts": [{"softwareQuality": "RELIABILITY", "severity": "LOW"}]}),
        ),
    ]));
    let types: Vec<&str> = out.findings.iter().map(|f| f.types[0].as_str()).collect();
    assert_eq!(
        types,
        [SECURITY, QUALITY, QUALITY, SECURITY, SECURITY, QUALITY]
    );
    for f in &out.findings {
        assert!(asff_core::fit::is_valid_type(&f.types[0]));
    }
}

#[test]
fn ids_come_from_the_scope_and_the_key() {
    let a = convert(&issues(vec![issue(
        "AX-1",
        json!({"line": 3, "message": "one"}),
    )]));
    let b = convert(&issues(vec![issue(
        "AX-1",
        json!({"line": 90, "message": "reworded"}),
    )]));
    assert_eq!(only(&a).id, only(&b).id);
    assert!(
        only(&a)
            .id
            .starts_with("sonarqube/github.com/example/app@main/AX-1/"),
        "{}",
        only(&a).id
    );
    let c = convert(&issues(vec![issue(
        "AX-2",
        json!({"line": 3, "message": "one"}),
    )]));
    assert_ne!(only(&a).id, only(&c).id);
}

#[test]
fn ids_are_stable_across_builds_and_unique() {
    for file in testdata_files("sonarqube", &["json"]) {
        let bytes = testdata(&file);
        let a = parse(&bytes, &context()).unwrap();
        let b = parse(&bytes, &context_later()).unwrap();
        let ids = |o: &ParseOutput| o.findings.iter().map(|f| f.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&a), ids(&b), "{file}");
        if let (Some(fa), Some(fb)) = (a.findings.first(), b.findings.first()) {
            assert_ne!(
                fa.updated_at, fb.updated_at,
                "the later context has another clock"
            );
        }
        let unique: std::collections::HashSet<_> = ids(&a).into_iter().collect();
        assert_eq!(unique.len(), a.findings.len(), "{file}");
    }
}

#[test]
fn a_json_array_of_pages_converts_and_repeated_keys_are_skipped() {
    let out = convert(
        &serde_json::from_slice(&testdata(
            "sonarqube/handwritten-issues-search-paged-array.json",
        ))
        .unwrap(),
    );
    assert_eq!(out.records, 6);
    assert_eq!(out.findings.len(), 3);
    let dup: Vec<_> = out
        .skipped
        .iter()
        .filter(|s| s.reason == "duplicate key")
        .collect();
    assert_eq!(dup.len(), 1);
    assert_eq!(dup[0].record, "$[1].issues[0]");
    assert!(out
        .warnings
        .iter()
        .any(|w| w.contains("AZJ8q1Zk2mTzVdT3bXh1")));

    // issue and hotspot pages mixed in one array
    let doc = json!([
        issues(vec![issue("I1", json!({"severity": "MAJOR"}))]),
        hotspots(vec![
            hotspot("H1", json!({})),
            hotspot("H2", json!({"status": "REVIEWED", "resolution": "SAFE"}))
        ]),
    ]);
    let out = convert(&doc);
    assert_eq!((out.records, out.findings.len()), (3, 2));
    assert_eq!(out.skipped[0].record, "$[1].hotspots[1]");
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
}

#[test]
fn a_page_short_of_its_total_is_a_warning() {
    let out = convert(
        &serde_json::from_slice(&testdata(
            "sonarqube/handwritten-issues-search-legacy-8x-incomplete.json",
        ))
        .unwrap(),
    );
    assert!(
        out.warnings
            .iter()
            .any(|w| w.contains("12 of the 13 issues")),
        "{:?}",
        out.warnings
    );
    let mut doc = issues(vec![issue("A", json!({}))]);
    doc["paging"]["total"] = json!(25_000);
    let out = convert(&doc);
    assert!(out
        .warnings
        .iter()
        .any(|w| w.contains("1 of the 25000") && w.contains("10,000")));
    // all pages present: no warning
    let mut p1 = issues(vec![issue("A", json!({"severity": "MAJOR"}))]);
    let mut p2 = issues(vec![issue("B", json!({"severity": "MAJOR"}))]);
    p1["paging"]["total"] = json!(2);
    p2["paging"]["total"] = json!(2);
    assert!(convert(&json!([p1, p2])).warnings.is_empty());
}

#[test]
fn location_rule_tags_and_references_are_kept() {
    let doc = json!({
        "paging": {"pageIndex": 1, "pageSize": 100, "total": 2},
        "issues": [
            issue("A", json!({
                "component": "app:src/main/Db.java", "line": 7, "severity": "CRITICAL", "type": "VULNERABILITY",
                "textRange": {"startLine": 7, "endLine": 9, "startOffset": 2, "endOffset": 14},
                "rule": "java:S3649", "tags": ["cwe", "cwe-89", "owasp-a1", "sql"],
                "creationDate": "2023-05-06T07:08:09+0200",
                "flows": [{"locations": [
                    {"component": "app:src/main/Web.java", "textRange": {"startLine": 20, "endLine": 20, "startOffset": 0, "endOffset": 5}, "msg": "source"},
                    {"textRange": {"startLine": 5, "endLine": 5, "startOffset": 0, "endOffset": 5}, "msg": "propagation"}
                ]}]
            })),
            issue("P", json!({"component": "app", "line": null, "severity": "MAJOR"}))
        ],
        "components": [
            {"key": "app", "qualifier": "TRK", "name": "app"},
            {"key": "app:src/main/Db.java", "qualifier": "FIL", "path": "src/main/Db.java"},
            {"key": "app:src/main/Web.java", "qualifier": "FIL", "path": "src/main/Web.java"}
        ],
        "rules": [{"key": "java:S3649", "name": "Database queries should not be vulnerable to injection attacks"}]
    });
    let out = convert(&doc);
    let f = &out.findings[0];
    let other = &f.resources[0].details.as_ref().unwrap().other;
    assert_eq!(other["Path"], "src/main/Db.java");
    assert_eq!(other["Line"], "7");
    assert_eq!(other["TextRange"], "7:2-9:14");
    let pf = &f.product_fields;
    assert_eq!(pf["sonarqube/Rule"], "java:S3649");
    assert_eq!(
        pf["sonarqube/RuleName"],
        "Database queries should not be vulnerable to injection attacks"
    );
    assert_eq!(pf["sonarqube/Tags"], "cwe, cwe-89, owasp-a1, sql");
    assert_eq!(pf["sonarqube/CWE"], "CWE-89");
    assert_eq!(pf["sonarqube/OWASP"], "A1");
    assert_eq!(pf["sonarqube/Location"], "src/main/Db.java:7");
    assert_eq!(
        pf["sonarqube/SecondaryLocations"],
        "src/main/Web.java:20 source\nsrc/main/Db.java:5 propagation"
    );
    assert_eq!(pf["sonarqube/SecondaryLocationCount"], "2");
    assert_eq!(f.title, "Something is wrong.");
    assert!(f.description.contains("Rule: java:S3649 (Database queries"));
    assert_eq!(
        f.first_observed_at.as_deref(),
        Some("2023-05-06T05:08:09.000Z")
    );
    assert!(f.source_url.is_none(), "no server URL, no SourceUrl");
    assert!(f.remediation.is_none());

    // a project-level issue has no file
    let p = &out.findings[1];
    assert_eq!(p.product_fields["sonarqube/Location"], "project app");
    assert!(!p.resources[0]
        .details
        .as_ref()
        .unwrap()
        .other
        .contains_key("Path"));
}

#[test]
fn source_urls_point_back_to_the_server() {
    let doc = json!([
        issues(vec![
            issue(
                "AX 1&2",
                json!({"project": "org:app", "component": "org:app:src/A.java", "severity": "MAJOR"})
            ),
            issue("AX3", json!({"severity": "MAJOR", "pullRequest": "42"})),
        ]),
        hotspots(vec![hotspot(
            "HS1",
            json!({"branch": "release/1.0", "ruleKey": "java:S5332"})
        )]),
    ]);
    let opts = Options {
        server_url: Some("https://sonar.example.com/".into()),
    };
    let out = parse_with(doc.to_string().as_bytes(), &context(), &opts).unwrap();
    let urls: Vec<&str> = out
        .findings
        .iter()
        .map(|f| f.source_url.as_deref().unwrap())
        .collect();
    assert_eq!(
        urls,
        [
            "https://sonar.example.com/project/issues?id=org:app&open=AX%201%262",
            "https://sonar.example.com/project/issues?id=app&open=AX3&pullRequest=42",
            "https://sonar.example.com/security_hotspots?id=app&hotspots=HS1&branch=release/1.0",
        ]
    );
    let rec = out.findings[2]
        .remediation
        .as_ref()
        .unwrap()
        .recommendation
        .as_ref()
        .unwrap();
    assert_eq!(
        rec.url.as_deref(),
        Some("https://sonar.example.com/coding_rules?open=java:S5332&rule_key=java:S5332")
    );
    assert_valid(&out.findings);
}

#[test]
fn secondary_locations_are_cut_at_whole_lines_within_the_limit() {
    let locations: Vec<Value> = (1..=400)
        .map(|i| json!({"textRange": {"startLine": i, "endLine": i, "startOffset": 0, "endOffset": 1}, "msg": format!("step number {i} of a long taint flow")}))
        .collect();
    let out = convert(&issues(vec![issue(
        "K",
        json!({"severity": "MAJOR", "flows": [{"locations": locations}]}),
    )]));
    let f = only(&out);
    let text = &f.product_fields["sonarqube/SecondaryLocations"];
    assert!(text.chars().count() <= 2048, "{}", text.len());
    assert!(text.starts_with("src/A.java:1 step number 1 of a long taint flow\n"));
    let last = text.lines().last().unwrap();
    assert!(last.starts_with("… ") && last.ends_with(" more"), "{last}");
    let shown = text.lines().count() - 1;
    assert_eq!(last, format!("… {} more", 400 - shown));
    assert_eq!(f.product_fields["sonarqube/SecondaryLocationCount"], "400");
    assert!(
        !f.product_fields.contains_key("asff/Truncated"),
        "cut by the parser, not by fit"
    );
}

#[test]
fn empty_responses_convert_to_nothing() {
    let out = convert(
        &json!({"total": 0, "p": 1, "ps": 100, "paging": {"pageIndex": 1, "pageSize": 100, "total": 0}, "issues": [], "components": [], "facets": []}),
    );
    assert_eq!((out.records, out.findings.len()), (0, 0));
    let out = convert(&json!([]));
    assert_eq!(out.records, 0);
}

const SR_SIX: &str = "sonarqube/defectdojo-sonar-report-sonar-6-findings.json";
const SR_ONE: &str = "sonarqube/defectdojo-sonar-report-sonar-single-finding.json";
const SR_NONE: &str = "sonarqube/defectdojo-sonar-report-sonar-no-finding.json";

fn sonar_report(file: &str) -> Value {
    serde_json::from_slice(&testdata(file)).unwrap()
}

#[test]
fn sonar_report_exports_are_read_with_their_rules() {
    // DefectDojo's sonar-report sample: 6 hotspots (TO_REVIEW), rules keyed by rule id
    let out = convert(&sonar_report(SR_SIX));
    assert_eq!((out.records, out.findings.len()), (6, 6));
    assert!(out.skipped.is_empty() && out.warnings.is_empty());
    let labels: Vec<_> = out.findings.iter().map(|f| f.label().unwrap()).collect();
    assert_eq!(
        labels,
        vec![
            Label::High,
            Label::Low,
            Label::Low,
            Label::Low,
            Label::Low,
            Label::Low
        ]
    );
    let f = &out.findings[0];
    assert_eq!(original(f), "CRITICAL");
    assert_eq!(f.title, "Make sure disabling CSRF protection is safe here.");
    assert_eq!(
        f.product_fields["sonarqube/RuleName"],
        "Disabling CSRF protections is security-sensitive"
    );
    assert_eq!(f.product_fields["sonarqube/Kind"], "hotspot");
    assert_eq!(
        f.product_fields["sonarqube/Project"],
        "vulnerable-flask-app"
    );
    assert_eq!(
        f.product_fields["sonarqube/Location"],
        "vulnerable-flask-app.py:8"
    );
    assert_eq!(f.types, [SECURITY]);
    // the rule's description, as text
    assert!(
        f.description
            .contains("A cross-site request forgery (CSRF) attack occurs when a trusted user"),
        "{}",
        f.description
    );
    assert!(!f.description.contains("<p>"));
    // sonarBaseURL links back to the hotspot and the rule
    assert_eq!(
        f.source_url.as_deref(),
        Some("https://sonar.192-168-38-31.nip.io/security_hotspots?id=vulnerable-flask-app&hotspots=AYvNd32RyD1npIoQXyT1")
    );
    assert!(f
        .remediation
        .as_ref()
        .unwrap()
        .recommendation
        .as_ref()
        .unwrap()
        .url
        .as_deref()
        .unwrap()
        .starts_with("https://sonar.192-168-38-31.nip.io/coding_rules?open=python:S4502"));
    // the options' server wins
    let opts = Options {
        server_url: Some("https://sonar.example.com".into()),
    };
    let out2 = parse_with(&testdata(SR_ONE), &context(), &opts).unwrap();
    assert!(out2.findings[0]
        .source_url
        .as_deref()
        .unwrap()
        .starts_with("https://sonar.example.com/security_hotspots?"));
    // the Id is the issue key in the repository's scope, like Web API issues
    let web = convert(&issues(vec![issue("AYvNd32RyD1npIoQXyT1", json!({}))]));
    assert_eq!(out2.findings[0].id, web.findings[0].id);
}

#[test]
fn sonar_report_issues_follow_the_web_api_status_and_severity_rules() {
    let mut doc = sonar_report(SR_ONE);
    let base = doc["issues"][0].clone();
    let with = |key: &str, extra: Value| {
        let mut i = base.clone();
        i["key"] = json!(key);
        for (k, v) in extra.as_object().unwrap() {
            i[k] = v.clone();
        }
        i
    };
    doc["issues"] = json!([
        with("I-OPEN", json!({"status": "OPEN", "severity": "BLOCKER"})),
        with("I-CLOSED", json!({"status": "CLOSED"})),
        with("I-RESOLVED", json!({"status": "RESOLVED"})),
        with(
            "I-MAJOR",
            json!({"status": "CONFIRMED", "severity": "MAJOR"})
        ),
        // no severity: the rule's (CRITICAL)
        with("I-RULE", json!({"status": "REOPENED", "severity": null})),
    ]);
    doc["hotspotKeys"] = json!([]);
    let out = convert(&doc);
    assert_eq!(out.records, 5);
    let skipped: Vec<_> = out
        .skipped
        .iter()
        .map(|s| (s.record.as_str(), s.reason.as_str()))
        .collect();
    assert_eq!(
        skipped,
        vec![("$.issues[1]", "closed"), ("$.issues[2]", "resolved")]
    );
    let got: Vec<_> = out
        .findings
        .iter()
        .map(|f| {
            (
                f.product_fields["sonarqube/Key"].as_str(),
                f.label().unwrap(),
                original(f),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("I-OPEN", Label::Critical, "BLOCKER"),
            ("I-MAJOR", Label::Medium, "MAJOR"),
            ("I-RULE", Label::High, "CRITICAL"),
        ]
    );
    // not in hotspotKeys: an issue, linked on the issues page
    let f = &out.findings[0];
    assert_eq!(f.product_fields["sonarqube/Kind"], "issue");
    assert!(f
        .source_url
        .as_deref()
        .unwrap()
        .contains("/project/issues?id=vulnerable-flask-app&open=I-OPEN"));
    // a repeated key is a duplicate, as in Web API pages
    let mut dup = sonar_report(SR_ONE);
    let i = dup["issues"][0].clone();
    dup["issues"] = json!([i.clone(), i]);
    let out = convert(&dup);
    assert_eq!(out.findings.len(), 1);
    assert_eq!(out.skipped[0].reason, "duplicate key");
}

#[test]
fn a_sonar_report_export_without_issues_covers_the_repository() {
    let out = convert(&sonar_report(SR_NONE));
    assert_eq!((out.records, out.findings.len()), (0, 0));
    assert!(out.skipped.is_empty() && out.warnings.is_empty());
    assert!(out.incomplete.is_empty());
    assert_eq!(out.scopes.len(), 1);
    // rules: {} and issues: [] are not "invalid type: map, expected a sequence"
    let minimal = json!({"sonarComponent": "p", "rules": {}, "issues": []});
    assert_eq!(convert(&minimal).records, 0);
    // issues must be an array
    let bad = json!({"sonarComponent": "p", "rules": {}, "issues": {}});
    let e = parse(bad.to_string().as_bytes(), &context()).unwrap_err();
    assert_eq!(asff_testkit::json_path(&e), "$.issues");
}

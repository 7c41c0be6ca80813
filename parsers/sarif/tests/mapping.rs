//! The mapping rules of the SARIF parser (issue 15), one by one.

#![cfg(test)]

use std::collections::BTreeSet;

use asff_core::{AwsSecurityFinding, Context, Label, ParseOutput, Pipeline};
use asff_sarif::parse;
use asff_testkit::{assert_accounted, assert_valid, context, context_later, testdata};
use serde_json::{json, Value};

fn convert_with(doc: &Value, ctx: &Context) -> ParseOutput {
    let out = parse(doc.to_string().as_bytes(), ctx).unwrap_or_else(|e| panic!("{e}"));
    assert_valid(&out.findings);
    assert_accounted(&out);
    out
}

fn convert(doc: &Value) -> ParseOutput {
    convert_with(doc, &context())
}

fn ids(out: &ParseOutput) -> Vec<String> {
    out.findings.iter().map(|f| f.id.clone()).collect()
}

fn original(f: &AwsSecurityFinding) -> &str {
    f.severity
        .as_ref()
        .and_then(|s| s.original.as_deref())
        .unwrap_or("")
}

fn field<'f>(f: &'f AwsSecurityFinding, k: &str) -> Option<&'f str> {
    f.product_fields.get(k).map(String::as_str)
}

/// A log of one run of `driver` with these rules and results.
fn log_of(driver: Value, results: Value) -> Value {
    json!({"version": "2.1.0", "runs": [{"tool": {"driver": driver}, "results": results}]})
}

fn log(rules: Value, results: Value) -> Value {
    log_of(json!({"name": "Scanner", "rules": rules}), results)
}

/// A result of rule `rule` in `uri` at `line`.
fn result(rule: &str, uri: &str, line: u64, message: &str) -> Value {
    json!({
        "ruleId": rule,
        "message": {"text": message},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri}, "region": {"startLine": line}}}]
    })
}

fn with(mut v: Value, key: &str, value: Value) -> Value {
    v[key] = value;
    v
}

#[test]
fn every_result_is_a_finding_or_skipped_with_its_reason() {
    let r = |extra: (&str, Value)| with(result("R1", "a.py", 1, "m"), extra.0, extra.1);
    let out = convert(&log(
        json!([{"id": "R1"}]),
        json!([
            result("R1", "a.py", 1, "plain"),
            r(("kind", json!("fail"))),
            r(("kind", json!("pass"))),
            r(("kind", json!("open"))),
            r(("kind", json!("review"))),
            r(("kind", json!("informational"))),
            r(("kind", json!("notApplicable"))),
            r(("suppressions", json!([{"kind": "inSource"}]))),
            r((
                "suppressions",
                json!([{"kind": "external", "status": "accepted"}])
            )),
            r(("suppressions", json!([]))),
            r((
                "suppressions",
                json!([{"kind": "external", "status": "underReview"}])
            )),
            r((
                "suppressions",
                json!([{"kind": "external", "status": "rejected"}])
            )),
            r((
                "suppressions",
                json!([{"kind": "external", "status": "rejected"}, {"kind": "inSource"}])
            )),
            r(("baselineState", json!("absent"))),
            r(("baselineState", json!("new"))),
            r(("baselineState", json!("unchanged"))),
        ]),
    ));
    assert_eq!(out.records, 16);
    let skipped: Vec<(&str, &str)> = out
        .skipped
        .iter()
        .map(|s| (s.record.as_str(), s.reason.as_str()))
        .collect();
    assert_eq!(
        skipped,
        [
            ("$.runs[0].results[2]", "kind pass"),
            ("$.runs[0].results[3]", "kind open"),
            ("$.runs[0].results[4]", "kind review"),
            ("$.runs[0].results[5]", "kind informational"),
            ("$.runs[0].results[6]", "kind notApplicable"),
            ("$.runs[0].results[7]", "suppressed"),
            ("$.runs[0].results[8]", "suppressed"),
            ("$.runs[0].results[12]", "suppressed"),
            ("$.runs[0].results[13]", "absent from this scan"),
        ]
    );
    assert_eq!(out.findings.len(), 7);
    // a suppression that does not suppress is kept in the product fields
    assert!(out
        .findings
        .iter()
        .any(|f| field(f, "sarif/Suppressions") == Some("external underReview")));
}

#[test]
fn the_rule_by_index_by_extension_or_by_id() {
    let rules = json!([
        {"id": "A", "shortDescription": {"text": "Rule A"}},
        {"id": "B", "shortDescription": {"text": "Rule B"}}
    ]);
    let driver = json!({"name": "Scanner", "rules": rules});
    let doc = json!({"version": "2.1.0", "runs": [{
        "tool": {"driver": driver, "extensions": [
            {"name": "pack", "rules": [{"id": "X", "shortDescription": {"text": "Rule X of the pack"}}]}
        ]},
        "results": [
            // by ruleIndex (which wins over the id)
            {"ruleId": "A", "ruleIndex": 1, "message": {"text": "m1"}},
            // by rule.index
            {"rule": {"id": "A", "index": 0}, "message": {"text": "m2"}},
            // into an extension
            {"rule": {"id": "X", "index": 0, "toolComponent": {"index": 0}}, "message": {"text": "m3"}},
            // into an extension named, not indexed
            {"rule": {"index": 0, "toolComponent": {"name": "pack"}}, "message": {"text": "m3b"}},
            // by id, in the driver and in an extension
            {"ruleId": "B", "message": {"text": "m4"}},
            {"ruleId": "X", "message": {"text": "m5"}},
            // no rule at all: the message's first sentence
            {"message": {"text": "No rule here. More text."}},
            // a rule id the run does not describe
            {"ruleId": "Z", "message": {"text": "Unknown rule. Really."}}
        ]
    }]});
    let out = convert(&doc);
    let titles: Vec<&str> = out.findings.iter().map(|f| f.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Rule B",
            "Rule A",
            "Rule X of the pack",
            "Rule X of the pack",
            "Rule B",
            "Rule X of the pack",
            "No rule here",
            "Unknown rule"
        ]
    );
    assert!(
        out.findings[6].id.contains("/result/"),
        "{}",
        out.findings[6].id
    );
    assert_eq!(field(&out.findings[7], "sarif/RuleId"), Some("Z"));
}

#[test]
fn security_severity_then_level() {
    let rules = json!([
        {"id": "S", "properties": {"security-severity": "9.8"}, "defaultConfiguration": {"level": "note"}},
        {"id": "N", "properties": {"security-severity": 7.5}},
        {"id": "W", "properties": {"security-severity": "high"}},
        {"id": "E", "defaultConfiguration": {"level": "error"}},
        {"id": "X", "properties": {"security-severity": "11"}, "defaultConfiguration": {"level": "note"}},
        {"id": "L"}
    ]);
    let r = |rule: &str| result(rule, "a.py", 1, rule);
    let out = convert(&log(
        rules,
        json!([
            r("S"),
            r("N"),
            r("W"),
            r("E"),
            r("X"),
            r("L"),
            with(r("L"), "level", json!("error")),
            with(r("L"), "level", json!("note")),
            with(r("L"), "level", json!("none")),
            with(r("E"), "level", json!("warning")),
            with(r("L"), "properties", json!({"security-severity": "4.0"})),
            with(r("S"), "properties", json!({"security-severity": 0})),
            with(r("L"), "properties", json!({"security-severity": "0.1"})),
            with(
                r("L"),
                "properties",
                json!({"security-severity": "Informational"})
            ),
            with(
                r("L"),
                "properties",
                json!({"security-severity": "critical"})
            ),
        ]),
    ));
    let got: Vec<(Option<Label>, &str)> = out
        .findings
        .iter()
        .map(|f| (f.label(), original(f)))
        .collect();
    assert_eq!(
        got,
        [
            (Some(Label::Critical), "security-severity 9.8"),
            (Some(Label::High), "security-severity 7.5"),
            (Some(Label::High), "security-severity high"),
            (Some(Label::High), "level error"),
            // out of range: no score, the level decides
            (Some(Label::Low), "level note"),
            (Some(Label::Medium), "level warning"),
            (Some(Label::High), "level error"),
            (Some(Label::Low), "level note"),
            (Some(Label::Informational), "level none"),
            (Some(Label::Medium), "level warning"),
            (Some(Label::Medium), "security-severity 4.0"),
            // the result's score before the rule's
            (Some(Label::Informational), "security-severity 0"),
            (Some(Label::Low), "security-severity 0.1"),
            (
                Some(Label::Informational),
                "security-severity Informational"
            ),
            (Some(Label::Critical), "security-severity critical"),
        ]
    );
}

#[test]
fn trivy_scores_are_read_from_its_rules() {
    let out = parse(&testdata("sarif/trivy-alpine-310.sarif"), &context()).unwrap();
    assert!(out
        .findings
        .iter()
        .all(|f| original(f) == "security-severity 5.3" && f.label() == Some(Label::Medium)));
    assert!(out
        .findings
        .iter()
        .all(|f| f.types == ["Software and Configuration Checks/Vulnerabilities/CVE"]));
}

#[test]
fn ids_never_hold_the_line_column_or_position() {
    let a = result("R1", "src/a.py", 10, "m1");
    let b = result("R2", "src/b.py", 20, "m2");
    let out = convert(&log(json!([]), json!([a, b])));
    let mut moved_a = result("R1", "src/a.py", 99, "m1");
    moved_a["locations"][0]["physicalLocation"]["region"]["startColumn"] = json!(7);
    let moved = convert(&log(
        json!([]),
        json!([result("R2", "src/b.py", 21, "m2"), moved_a]),
    ));
    let set = |o: &ParseOutput| ids(o).into_iter().collect::<BTreeSet<_>>();
    assert_eq!(set(&out), set(&moved));
    // and another build of the same branch keeps them
    let later = convert_with(
        &log(json!([]), json!([result("R1", "src/a.py", 10, "m1")])),
        &context_later(),
    );
    assert_eq!(later.findings[0].id, out.findings[0].id);
    // another file, rule or message is another finding
    for other in [
        result("R1", "src/c.py", 10, "m1"),
        result("R9", "src/a.py", 10, "m1"),
        result("R1", "src/a.py", 10, "other message"),
    ] {
        let o = convert(&log(json!([]), json!([other])));
        assert!(!set(&out).contains(&o.findings[0].id));
    }
}

#[test]
fn fingerprints_identify_results_when_present() {
    let fp = |line: u64, uri: &str, key: &str, prints: Value| {
        with(result("R1", uri, line, "message"), key, prints)
    };
    let out = convert(&log(
        json!([]),
        json!([
            fp(1, "a.py", "fingerprints", json!({"b/v1": "2", "a/v1": "1"})),
            fp(
                2,
                "a.py",
                "partialFingerprints",
                json!({"primaryLocationLineHash": "abc:1"})
            ),
        ]),
    ));
    // full fingerprints alone identify the result: a moved or renamed file keeps its Id
    let renamed = convert(&log(
        json!([]),
        json!([fp(
            50,
            "b.py",
            "fingerprints",
            json!({"a/v1": "1", "b/v1": "2"})
        )]),
    ));
    assert_eq!(renamed.findings[0].id, out.findings[0].id);
    assert_eq!(
        field(&out.findings[0], "sarif/Fingerprints"),
        Some("a/v1=1; b/v1=2")
    );
    // partial ones with the file (they hash the line's text)
    let moved = convert(&log(
        json!([]),
        json!([fp(
            70,
            "a.py",
            "partialFingerprints",
            json!({"primaryLocationLineHash": "abc:1"})
        )]),
    ));
    assert_eq!(moved.findings[0].id, out.findings[1].id);
    let other_file = convert(&log(
        json!([]),
        json!([fp(
            2,
            "c.py",
            "partialFingerprints",
            json!({"primaryLocationLineHash": "abc:1"})
        )]),
    ));
    assert_ne!(other_file.findings[0].id, out.findings[1].id);
    // with full fingerprints, the message is not part of the identity
    let reworded = convert(&log(
        json!([]),
        json!([with(
            result("R1", "a.py", 1, "reworded"),
            "fingerprints",
            json!({"a/v1": "1", "b/v1": "2"})
        )]),
    ));
    assert_eq!(reworded.findings[0].id, out.findings[0].id);
}

#[test]
fn semgreps_placeholder_fingerprint_is_no_fingerprint() {
    let placeholder = json!({"matchBasedId/v1": "requires login"});
    let out = convert(&log(
        json!([]),
        json!([
            with(
                result("R1", "a.py", 1, "m1"),
                "fingerprints",
                placeholder.clone()
            ),
            with(result("R1", "b.py", 1, "m1"), "fingerprints", placeholder),
        ]),
    ));
    assert_ne!(out.findings[0].id, out.findings[1].id);
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    let plain = convert(&log(json!([]), json!([result("R1", "a.py", 9, "m1")])));
    assert_eq!(plain.findings[0].id, out.findings[0].id);
}

#[test]
fn equal_results_get_occurrence_numbers_in_report_order() {
    let same = || result("R1", "a.py", 1, "same");
    let out = convert(&log(
        json!([]),
        json!([same(), result("R1", "a.py", 5, "other"), same(), same()]),
    ));
    assert_eq!(out.findings.len(), 4);
    let set: BTreeSet<String> = ids(&out).into_iter().collect();
    assert_eq!(set.len(), 4, "none lost");
    let occ: Vec<Option<&str>> = out
        .findings
        .iter()
        .map(|f| field(f, "sarif/Occurrence"))
        .collect();
    assert_eq!(occ, [None, None, Some("2"), Some("3")]);
    assert_eq!(out.warnings.len(), 1);
    assert!(
        out.warnings[0].starts_with("2 results are equal in identity"),
        "{:?}",
        out.warnings
    );
}

#[test]
fn uris_are_resolved_and_made_relative_to_the_checkout() {
    let doc = |uri: &str, base: Option<&str>, bases: Value| {
        let mut al = json!({"uri": uri});
        if let Some(b) = base {
            al["uriBaseId"] = json!(b);
        }
        json!({"version": "2.1.0", "runs": [{
            "tool": {"driver": {"name": "Scanner"}},
            "originalUriBaseIds": bases,
            "results": [{"ruleId": "R", "message": {"text": "m"},
                "locations": [{"physicalLocation": {"artifactLocation": al, "region": {"startLine": 3}}}]}]
        }]})
    };
    let rooted = context().with_pipeline(Pipeline {
        source_root: Some("/home/runner/work/app/app".into()),
        ..asff_testkit::pipeline()
    });
    let file = |d: &Value, ctx: &Context| {
        field(&convert_with(d, ctx).findings[0], "sarif/File").map(str::to_string)
    };
    let base = json!({"SRCROOT": {"uri": "file:///home/runner/work/app/app/"}});
    // an absolute file URI, under the source root
    let abs = doc("file:///home/runner/work/app/app/src/a.py", None, json!({}));
    assert_eq!(file(&abs, &rooted).as_deref(), Some("src/a.py"));
    assert_eq!(
        file(&abs, &context()).as_deref(),
        Some("/home/runner/work/app/app/src/a.py")
    );
    // relative to a base id the log defines: the same file, the same Id
    let rel = doc("src/a.py", Some("SRCROOT"), base.clone());
    assert_eq!(file(&rel, &rooted).as_deref(), Some("src/a.py"));
    assert_eq!(file(&rel, &context()).as_deref(), Some("src/a.py"));
    let id = |d: &Value, ctx: &Context| convert_with(d, ctx).findings[0].id.clone();
    assert_eq!(id(&abs, &rooted), id(&rel, &rooted));
    assert_eq!(id(&rel, &context()), id(&rel, &rooted));
    // an undefined base id (%SRCROOT%): relative to the checkout already
    let undefined = doc("src/a.py", Some("%SRCROOT%"), json!({}));
    assert_eq!(id(&undefined, &context()), id(&rel, &rooted));
    // a chain of bases (the spec's appendix K), percent escapes decoded
    let chain = doc(
        "my%20dir/a.py",
        Some("SRCROOT"),
        json!({"ROOT": {"uri": "file:///build/work/"}, "SRCROOT": {"uri": "src/", "uriBaseId": "ROOT"}}),
    );
    assert_eq!(file(&chain, &context()).as_deref(), Some("src/my dir/a.py"));
    let build_rooted = context().with_pipeline(Pipeline {
        source_root: Some("/build/work/src".into()),
        ..asff_testkit::pipeline()
    });
    assert_eq!(file(&chain, &build_rooted).as_deref(), Some("my dir/a.py"));
    // CodeBuild's per-build directory is not part of the Id
    let b1 = doc("file:///codebuild/output/src111/src/a.py", None, json!({}));
    let b2 = doc("file:///codebuild/output/src222/src/a.py", None, json!({}));
    assert_eq!(id(&b1, &context()), id(&b2, &context()));
}

#[test]
fn artifacts_by_index_and_logical_locations() {
    let doc = json!({"version": "2.1.0", "runs": [{
        "tool": {"driver": {"name": "Scanner"}},
        "artifacts": [{"location": {"uri": "src/list.cpp"}}],
        "logicalLocations": [{"name": "add", "fullyQualifiedName": "list::add"}],
        "results": [
            {"ruleId": "R", "message": {"text": "m"}, "locations": [{
                "physicalLocation": {"artifactLocation": {"index": 0}, "region": {"startLine": 15}},
                "logicalLocations": [{"index": 0}]
            }]},
            {"ruleId": "R", "message": {"text": "m"}, "locations": [{
                "logicalLocations": [{"fullyQualifiedName": "list::remove"}]
            }]}
        ]
    }]});
    let out = convert(&doc);
    let f = &out.findings[0];
    assert_eq!(field(f, "sarif/File"), Some("src/list.cpp"));
    assert_eq!(field(f, "sarif/LogicalLocation"), Some("list::add"));
    assert_eq!(f.resources[1].id, "src/list.cpp:15");
    let g = &out.findings[1];
    assert_eq!(g.resources[1].id, "list::remove");
    assert_ne!(f.id, g.id);
}

#[test]
fn text_from_the_rule_and_the_message() {
    let rules = json!([
        {"id": "C2001",
         "name": "UninitializedVariable",
         "shortDescription": {"text": "A variable was used\n without being initialized."},
         "messageStrings": {"default": {"text": "Variable \"{0}\" was used without being initialized. It was declared [here]({1})."}},
         "help": {"text": "Initialise variables before use."},
         "helpUri": "https://example.com/rules/C2001",
         "properties": {"tags": ["security", "external/cwe/cwe-457", "CWE-908: Use of Uninitialized Resource", "cwe"]},
         "relationships": [
             {"target": {"id": "457", "toolComponent": {"name": "CWE"}}},
             {"target": {"id": "CWE-665"}},
             {"target": {"id": "OWASP-A1", "toolComponent": {"name": "OWASP"}}}
         ]},
        {"id": "N", "name": "NamedRule"},
        {"id": "M", "markdown": true}
    ]);
    let driver = json!({"name": "CodeScanner", "rules": rules,
        "globalMessageStrings": {"g": {"text": "Global {0} {{braces}}"}}});
    let out = convert(&log_of(
        driver,
        json!([
            {"ruleId": "C2001", "ruleIndex": 0, "message": {"id": "default", "arguments": ["ptr", "3"]},
             "locations": [{"physicalLocation": {"artifactLocation": {"uri": "a.c"}, "region": {"startLine": 4}}}]},
            {"ruleId": "N", "message": {"markdown": "Use `{0}` carefully.", "arguments": ["x"]}},
            {"ruleId": "M", "message": {"id": "g", "arguments": ["one"]}},
        ]),
    ));
    let f = &out.findings[0];
    assert_eq!(f.title, "A variable was used without being initialized.");
    assert_eq!(
        f.description,
        "Variable \"ptr\" was used without being initialized. It was declared [here](3).\nLocation: a.c:4\nRule: C2001"
    );
    let rec = f
        .remediation
        .as_ref()
        .and_then(|r| r.recommendation.as_ref())
        .unwrap();
    assert_eq!(
        rec.text.as_deref(),
        Some("Initialise variables before use.")
    );
    assert_eq!(rec.url.as_deref(), Some("https://example.com/rules/C2001"));
    assert_eq!(field(f, "sarif/CWE"), Some("CWE-457, CWE-908, CWE-665"));
    assert_eq!(out.findings[1].title, "NamedRule");
    assert!(out.findings[1]
        .description
        .starts_with("Use `x` carefully."));
    assert!(out.findings[2]
        .description
        .starts_with("Global one {braces}"));
}

#[test]
fn cwes_and_rule_ids_reach_the_severity_policy() {
    let policy: asff_core::SeverityPolicy = serde_json::from_value(json!({
        "version": 1,
        "overrides": [{"tool": "sarif", "id": "CWE-89", "label": "CRITICAL", "reason": "SQL injection"}]
    }))
    .unwrap();
    let out = parse(
        &testdata("sarif/handwritten-two-runs-extensions.sarif"),
        &context().with_policy(policy),
    )
    .unwrap();
    let f = &out.findings[0];
    assert_eq!(f.label(), Some(Label::Critical));
    assert_eq!(original(f), "security-severity 8.8");
    assert_eq!(field(f, "sarif/CWE"), Some("CWE-89"));
}

#[test]
fn types_by_what_the_tool_checks() {
    let out = parse(&testdata("sarif/checkov-3.3.30-vulnapp.sarif"), &context()).unwrap();
    for f in &out.findings {
        let rule = field(f, "sarif/RuleId").unwrap();
        let want = if rule.contains("AWS") {
            "Software and Configuration Checks/AWS Security Best Practices"
        } else {
            "Software and Configuration Checks/Industry and Regulatory Standards"
        };
        assert_eq!(f.types, [want], "{rule}");
    }
    assert!(out
        .findings
        .iter()
        .any(|f| field(f, "sarif/RuleId") == Some("CKV_DOCKER_8")));
    for (file, want) in [
        (
            "sarif/defectdojo-gitleaks_7.5.0.sarif",
            asff_sarif::TYPE_SECRETS,
        ),
        (
            "sarif/handwritten-gitleaks-8-generic-secret.sarif",
            asff_sarif::TYPE_SECRETS,
        ),
        (
            "sarif/bandit-1.9.4-vulnapp.sarif",
            "Software and Configuration Checks/Vulnerabilities",
        ),
        (
            "sarif/defectdojo-codeQL-output.sarif",
            "Software and Configuration Checks/Vulnerabilities",
        ),
    ] {
        let out = parse(&testdata(file), &context()).unwrap();
        assert!(out.findings.iter().all(|f| f.types == [want]), "{file}");
    }
    let trivy = |name: &str, id: &str| {
        let out = convert(&log_of(
            json!({"name": "Trivy", "rules": [{"id": id, "name": name}]}),
            json!([{"ruleId": id, "ruleIndex": 0, "message": {"text": "m"}}]),
        ));
        out.findings[0].types[0].clone()
    };
    assert_eq!(
        trivy("Misconfiguration", "AVD-AWS-0086"),
        asff_sarif::TYPE_AWS_BEST_PRACTICES
    );
    assert_eq!(
        trivy("Misconfiguration", "AVD-DS-0002"),
        asff_sarif::TYPE_STANDARDS
    );
    assert_eq!(
        trivy("Secret", "aws-access-key-id"),
        asff_sarif::TYPE_SECRETS
    );
    assert_eq!(
        trivy(
            "LanguageSpecificPackageVulnerability",
            "GHSA-xxxx-yyyy-zzzz"
        ),
        "Software and Configuration Checks/Vulnerabilities"
    );
}

#[test]
fn product_and_tool_versions() {
    let out = parse(
        &testdata("sarif/handwritten-two-runs-extensions.sarif"),
        &context(),
    )
    .unwrap();
    let f = &out.findings[0];
    assert_eq!(f.product_name.as_deref(), Some("CodeQL"));
    assert_eq!(f.company_name.as_deref(), Some("GitHub"));
    assert_eq!(field(f, "sarif/ToolSemanticVersion"), Some("2.17.0"));
    let g = &out.findings[1];
    assert_eq!(g.product_name.as_deref(), Some("Checkov"));
    assert_eq!(g.company_name.as_deref(), Some("bridgecrew"));
    assert_eq!(field(g, "sarif/ToolVersion"), Some("3.3.30"));
    // without an organization, the company is the tool
    let out = convert(&log(json!([]), json!([result("R", "a.py", 1, "m")])));
    assert_eq!(out.findings[0].company_name.as_deref(), Some("Scanner"));
    // the caller's override wins
    let out = convert_with(
        &log(json!([]), json!([result("R", "a.py", 1, "m")])),
        &context().with_product(Some("Our SAST".into()), None),
    );
    assert_eq!(out.findings[0].product_name.as_deref(), Some("Our SAST"));
    assert_eq!(out.findings[0].company_name.as_deref(), Some("Scanner"));
}

#[test]
fn resources_and_code_flows() {
    let out = parse(
        &testdata("sarif/handwritten-two-runs-extensions.sarif"),
        &context(),
    )
    .unwrap();
    let f = &out.findings[0];
    assert_eq!(f.resources[0].kind, "CodeRepository");
    assert_eq!(f.resources[1].id, "app/db.py:42");
    assert_eq!(field(f, "sarif/CodeFlows"), Some("1"));
    assert_eq!(field(f, "sarif/CodeFlow/Steps"), Some("3"));
    assert_eq!(field(f, "sarif/CodeFlow/First"), Some("app/views.py:10"));
    assert_eq!(field(f, "sarif/CodeFlow/Last"), Some("app/db.py:42"));
    // at most 32 resources: the repository and 31 locations
    let locations: Vec<Value> = (1..=40)
        .map(|i| json!({"physicalLocation": {"artifactLocation": {"uri": format!("f{i}.py")}, "region": {"startLine": i}}}))
        .collect();
    let out = convert(&log(
        json!([]),
        json!([{"ruleId": "R", "message": {"text": "m"}, "locations": locations}]),
    ));
    let f = &out.findings[0];
    assert_eq!(f.resources.len(), 32);
    assert_eq!(f.resources[31].id, "f31.py:31");
    assert_eq!(field(f, "sarif/Locations"), Some("40"));
    assert_eq!(field(f, "sarif/LocationsOmitted"), Some("9"));
}

#[test]
fn one_finding_per_result_never_merged() {
    let out = parse(
        &testdata("sarif/defectdojo-semgrepowasp-benchmark-sample.sarif"),
        &context(),
    )
    .unwrap();
    assert_eq!((out.records, out.findings.len()), (1768, 1768));
    let set: BTreeSet<&str> = out.findings.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(set.len(), 1768);
}

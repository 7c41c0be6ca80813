//! The mapping rules of the ZAP parser, each checked on its own.

#![cfg(test)]

use asff_core::{AwsSecurityFinding, Label, ParseOutput};
use asff_testkit::{assert_accounted, assert_valid, context, testdata};
use serde_json::{json, Value};

fn parse(bytes: &[u8]) -> ParseOutput {
    let out = asff_zap::parse(bytes, &context()).unwrap_or_else(|e| panic!("{e}"));
    assert_valid(&out.findings);
    assert_accounted(&out);
    out
}

fn parse_value(v: &Value) -> ParseOutput {
    parse(&serde_json::to_vec(v).unwrap())
}

fn by_title<'a>(out: &'a ParseOutput, title: &str) -> &'a AwsSecurityFinding {
    out.findings
        .iter()
        .find(|f| f.title == title)
        .unwrap_or_else(|| panic!("no finding {title:?}"))
}

fn alert(id: &str, riskcode: Value, confidence: &str) -> Value {
    json!({
        "pluginid": id, "alertRef": id, "alert": format!("Alert {id}"), "name": format!("Alert {id}"),
        "riskcode": riskcode, "confidence": confidence, "riskdesc": "",
        "desc": "<p>d</p>", "instances": [{"uri": "https://x.example/a", "method": "GET"}],
        "count": "1", "solution": "", "reference": "", "cweid": "-1", "wascid": "-1", "sourceid": "3"
    })
}

fn report(alerts: Vec<Value>) -> Value {
    json!({"@version": "2.16.0", "@generated": "now", "site": [{"@name": "https://x.example", "alerts": alerts}]})
}

#[test]
fn riskcode_maps_to_labels_and_original_keeps_the_risk_word() {
    let mut alerts = Vec::new();
    for (code, word) in [
        ("0", "Informational"),
        ("1", "Low"),
        ("2", "Medium"),
        ("3", "High"),
    ] {
        let mut a = alert(&format!("1{code}"), json!(code), "2");
        a["riskdesc"] = json!(format!("{word} (Medium)"));
        alerts.push(a);
    }
    let out = parse_value(&report(alerts));
    let got: Vec<_> = out
        .findings
        .iter()
        .map(|f| {
            (
                f.label().unwrap(),
                f.severity.as_ref().unwrap().original.clone().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (Label::Informational, "Informational".to_string()),
            (Label::Low, "Low".into()),
            (Label::Medium, "Medium".into()),
            (Label::High, "High".into()),
        ]
    );
    // the provider's view too
    let fpf = out.findings[3].finding_provider_fields.as_ref().unwrap();
    assert_eq!(fpf.severity.as_ref().unwrap().label, Some(Label::High));
}

#[test]
fn numbers_as_numbers_or_strings_give_the_same_finding() {
    let as_strings = parse_value(&report(vec![alert("40012", json!("3"), "2")]));
    let mut a = alert("40012", json!(3), "2");
    a["confidence"] = json!(2);
    a["count"] = json!(1);
    a["sourceid"] = json!(3);
    let as_numbers = parse_value(&report(vec![a]));
    assert_eq!(as_strings.findings, as_numbers.findings);
    assert_eq!(as_numbers.findings[0].label(), Some(Label::High));
}

#[test]
fn unknown_riskcode_falls_back_to_the_word_then_informational_with_a_warning() {
    let mut a = alert("1", json!("9"), "2");
    a["riskdesc"] = json!("High (Low)");
    let mut b = alert("2", json!("x"), "2");
    b["riskdesc"] = json!("");
    let out = parse_value(&report(vec![a, b]));
    assert_eq!(out.findings[0].label(), Some(Label::High));
    assert_eq!(out.findings[1].label(), Some(Label::Informational));
    assert_eq!(out.warnings.len(), 1, "{:?}", out.warnings);
    assert!(
        out.warnings[0].contains("$.site[0].alerts[1]"),
        "{:?}",
        out.warnings
    );
}

#[test]
fn confidence_zero_is_skipped_as_a_false_positive() {
    let out = parse(&testdata("zap/handwritten-multi-site.json"));
    assert_eq!(out.records, 4);
    assert_eq!(out.findings.len(), 3);
    assert_eq!(out.skipped.len(), 1);
    assert_eq!(out.skipped[0].record, "$.site[0].alerts[1]");
    assert_eq!(out.skipped[0].reason, "false positive");
    assert!(out
        .findings
        .iter()
        .all(|f| f.title != "Absence of Anti-CSRF Tokens"));

    let out = parse_value(&report(vec![
        alert("1", json!("3"), "0"),
        alert("2", json!("3"), "4"),
    ]));
    assert_eq!(out.skipped_by_reason().get("false positive"), Some(&1));
    assert_eq!(out.findings.len(), 1);
    assert_eq!(
        out.findings[0].product_fields["zap/Confidence"],
        "Confirmed"
    );
}

#[test]
fn several_sites_have_their_own_scope() {
    let out = parse(&testdata("zap/handwritten-multi-site.json"));
    let generators: Vec<_> = out
        .findings
        .iter()
        .map(|f| f.generator_id.as_str())
        .collect();
    assert_eq!(
        generators,
        vec![
            "zap/https://shop.example.com",
            "zap/https://shop.example.com",
            "zap/http://api.example.com:8080"
        ]
    );
    // the same alert on two sites: two findings, two Ids
    let two = json!({"@version": "2.16.0", "site": [
        {"@name": "https://a.example", "alerts": [alert("10021", json!("1"), "2")]},
        {"@name": "https://b.example", "alerts": [alert("10021", json!("1"), "2")]}
    ]});
    let out = parse_value(&two);
    assert_eq!(out.findings.len(), 2);
    assert_ne!(out.findings[0].id, out.findings[1].id);
    assert!(out.findings[0]
        .id
        .starts_with("zap/https://a.example/10021/"));
    assert!(out.findings[1]
        .id
        .starts_with("zap/https://b.example/10021/"));
}

#[test]
fn site_object_and_site_array_give_the_same_findings() {
    let array = report(vec![alert("10021", json!("1"), "2")]);
    let mut object = array.clone();
    object["site"] = array["site"][0].clone();
    let a = parse_value(&array);
    let o = parse_value(&object);
    assert_eq!(a.findings, o.findings);

    let mut fp = object.clone();
    fp["site"]["alerts"][0]["confidence"] = json!("0");
    assert_eq!(parse_value(&fp).skipped[0].record, "$.site.alerts[0]");
}

#[test]
fn the_site_is_normalised_so_scans_agree() {
    let mut a = report(vec![alert("10021", json!("1"), "2")]);
    let b = a.clone();
    a["site"][0]["@name"] = json!("HTTPS://X.example:443/");
    assert_eq!(
        parse_value(&a).findings[0].id,
        parse_value(&b).findings[0].id
    );
    let out = parse(&testdata("zap/handwritten-site-object-duplicates.json"));
    assert_eq!(out.findings[0].generator_id, "zap/https://www.example.org");
    // the site's name as written is kept for people
    assert_eq!(
        out.findings[0].product_fields["zap/Site"],
        "https://www.example.org:443"
    );

    // no @name: built from host, port and ssl
    let mut c = report(vec![alert("10021", json!("1"), "2")]);
    c["site"][0] = json!({"@host": "x.example", "@port": "443", "@ssl": "true", "alerts": [alert("10021", json!("1"), "2")]});
    assert_eq!(
        parse_value(&c).findings[0].id,
        parse_value(&b).findings[0].id
    );
}

#[test]
fn alert_ref_identifies_the_alert_and_pluginid_stands_in_for_old_reports() {
    let out = parse(&testdata(
        "zap/zap-2.12.0-traditional-json-bcgov-pipeline-templates.json",
    ));
    let f = by_title(&out, "Missing Anti-clickjacking Header");
    assert!(
        f.id.starts_with("zap/http://www.itsecgames.com/10020-1/"),
        "{}",
        f.id
    );

    let out = parse(&testdata("zap/handwritten-multi-site.json"));
    let f = by_title(&out, "Cross Site Scripting (Reflected)");
    assert!(
        f.id.starts_with("zap/https://shop.example.com/40012/"),
        "{}",
        f.id
    );
    assert!(!f.product_fields.contains_key("zap/AlertRef"));
    assert_eq!(f.product_fields["zap/PluginId"], "40012");

    // alertRef wins over pluginid; the same alertRef with another pluginid is the same finding
    let mut a = alert("10020-1", json!("2"), "2");
    a["pluginid"] = json!("10020");
    let mut b = a.clone();
    b["pluginid"] = json!("99999");
    assert_eq!(
        parse_value(&report(vec![a])).findings[0].id,
        parse_value(&report(vec![b])).findings[0].id
    );
}

/// An alert entry of a report without alertRef (ZAP <= 2.9): `alert` and `name` as ZAP writes
/// them (alike), no `alertRef`.
fn legacy(pluginid: &str, name: &str, riskcode: &str, confidence: &str, uri: &str) -> Value {
    let mut a = alert(pluginid, json!(riskcode), confidence);
    a.as_object_mut().unwrap().remove("alertRef");
    a["alert"] = json!(name);
    a["name"] = json!(name);
    a["instances"] = json!([{"uri": uri, "method": "GET"}]);
    a
}

fn ids(out: &ParseOutput) -> Vec<&str> {
    out.findings.iter().map(|f| f.id.as_str()).collect()
}

#[test]
fn every_alert_entry_of_a_plugin_is_a_finding() {
    // ZAP 2.9: one plugin, several alerts with their own name, risk and confidence
    let out = parse_value(&report(vec![
        legacy(
            "10099",
            "Source Code Disclosure - Servlet",
            "2",
            "2",
            "https://x.example/a",
        ),
        legacy(
            "10099",
            "Source Code Disclosure - SQL",
            "2",
            "2",
            "https://x.example/b",
        ),
        legacy(
            "10099",
            "Source Code Disclosure - ActiveVFP",
            "2",
            "2",
            "https://x.example/c",
        ),
        legacy(
            "10049",
            "Storable and Cacheable Content",
            "0",
            "2",
            "https://x.example/d",
        ),
        legacy(
            "10049",
            "Non-Storable Content",
            "0",
            "2",
            "https://x.example/e",
        ),
    ]));
    assert_eq!((out.records, out.findings.len()), (5, 5));
    assert!(out.skipped.is_empty(), "{:?}", out.skipped);
    let titles: Vec<_> = out.findings.iter().map(|f| f.title.as_str()).collect();
    assert_eq!(
        titles,
        vec![
            "Source Code Disclosure - Servlet",
            "Source Code Disclosure - SQL",
            "Source Code Disclosure - ActiveVFP",
            "Storable and Cacheable Content",
            "Non-Storable Content"
        ]
    );
    let mut unique = ids(&out);
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 5);
    // the Id still begins with the plugin, and no finding says it merged anything
    assert!(out.findings[0]
        .id
        .starts_with("zap/https://x.example/10099/"));
    assert!(out
        .findings
        .iter()
        .all(|f| !f.product_fields.contains_key("zap/MergedAlerts")));
    assert_eq!(out.findings[1].resources[0].id, "https://x.example/b");
}

#[test]
fn entries_differing_only_in_risk_or_confidence_are_separate_findings() {
    // 90022 "Application Error Disclosure" at Low and at Medium
    let low = legacy(
        "90022",
        "Application Error Disclosure",
        "1",
        "2",
        "https://x.example/a",
    );
    let medium = legacy(
        "90022",
        "Application Error Disclosure",
        "2",
        "2",
        "https://x.example/a",
    );
    let out = parse_value(&report(vec![low.clone(), medium.clone()]));
    assert_eq!(out.findings.len(), 2);
    let labels: Vec<_> = out.findings.iter().map(|f| f.label()).collect();
    assert_eq!(labels, vec![Some(Label::Low), Some(Label::Medium)]);
    assert_ne!(out.findings[0].id, out.findings[1].id);

    // 10027 "Information Disclosure - Suspicious Comments" at two confidences
    let c1 = legacy(
        "10027",
        "Information Disclosure - Suspicious Comments",
        "0",
        "1",
        "https://x.example/a",
    );
    let c2 = legacy(
        "10027",
        "Information Disclosure - Suspicious Comments",
        "0",
        "2",
        "https://x.example/a",
    );
    let out = parse_value(&report(vec![c1.clone(), c2.clone()]));
    assert_eq!(out.findings.len(), 2);
    assert_eq!(out.findings[0].product_fields["zap/ConfidenceCode"], "1");
    assert_eq!(out.findings[1].product_fields["zap/ConfidenceCode"], "2");
    assert_ne!(out.findings[0].id, out.findings[1].id);

    // each entry keeps its Id whatever the order of the report
    let swapped = parse_value(&report(vec![c2, c1]));
    assert_eq!(swapped.findings[0].id, out.findings[1].id);
    assert_eq!(swapped.findings[1].id, out.findings[0].id);
}

#[test]
fn a_plugin_raised_once_and_alert_refs_keep_their_ids() {
    // a plugin seen once in a site is identified by its pluginid alone, as before
    let one = parse_value(&report(vec![legacy(
        "90022",
        "Application Error Disclosure",
        "1",
        "2",
        "https://x.example/a",
    )]));
    let by_plugin_alone = asff_core::id::finding_id(
        "zap",
        &asff_core::Scope::Repository {
            name: "https://x.example".into(),
            branch: None,
        },
        &["90022"],
    );
    assert_eq!(one.findings[0].id, by_plugin_alone);
    // next to another plugin's alert it stays so
    let two = parse_value(&report(vec![
        legacy(
            "90022",
            "Application Error Disclosure",
            "1",
            "2",
            "https://x.example/a",
        ),
        legacy(
            "10027",
            "Information Disclosure - Suspicious Comments",
            "0",
            "1",
            "https://x.example/a",
        ),
    ]));
    assert_eq!(two.findings[0].id, by_plugin_alone);

    // entries with alertRef: alertRef alone, whatever else the site holds
    let by_ref = |r: &str| {
        asff_core::id::finding_id(
            "zap",
            &asff_core::Scope::Repository {
                name: "https://x.example".into(),
                branch: None,
            },
            &[r],
        )
    };
    let out = parse_value(&report(vec![
        alert("10049-1", json!("0"), "2"),
        alert("10049-2", json!("0"), "2"),
    ]));
    assert_eq!(ids(&out), vec![by_ref("10049-1"), by_ref("10049-2")]);
    // an entry without alertRef whose pluginid equals another entry's alertRef gets the longer
    // identity; the alertRef entry keeps its own
    let out = parse_value(&report(vec![
        alert("10020", json!("2"), "2"),
        legacy(
            "10020",
            "X-Frame-Options Header Not Set",
            "2",
            "2",
            "https://x.example/a",
        ),
    ]));
    assert_eq!(out.findings.len(), 2);
    assert_eq!(out.findings[0].id, by_ref("10020"));
    assert_ne!(out.findings[1].id, by_ref("10020"));
}

#[test]
fn entries_equal_on_the_whole_identity_are_duplicates_and_folded() {
    // identical entries (no alertRef): one finding, the other skipped
    let e = legacy(
        "10011",
        "Cookie Without Secure Flag",
        "1",
        "2",
        "https://x.example/a",
    );
    let mut e2 = e.clone();
    e2["instances"] = json!([{"uri": "https://x.example/b", "method": "GET"}]);
    let out = parse_value(&report(vec![e.clone(), e2]));
    assert_eq!((out.records, out.findings.len()), (2, 1));
    assert_eq!(out.skipped[0].reason, "duplicate alert (merged)");
    assert_eq!(out.skipped[0].record, "$.site[0].alerts[1]");
    let f = &out.findings[0];
    assert_eq!(f.product_fields["zap/MergedAlerts"], "2");
    assert_eq!(f.product_fields["zap/InstanceCount"], "2");
    // the plugin has one alert in the site: its Id is the plugin's, as before
    assert_eq!(f.id, parse_value(&report(vec![e])).findings[0].id);

    // the same alertRef twice: folded, the riskiest leads
    let mut low = alert("10020-1", json!("1"), "2");
    low["name"] = json!("Low one");
    let mut high = alert("10020-1", json!("3"), "2");
    high["name"] = json!("High one");
    let out = parse_value(&report(vec![low, high]));
    assert_eq!(out.findings.len(), 1);
    assert_eq!(out.findings[0].label(), Some(Label::High));
    assert_eq!(out.findings[0].title, "High one");
    assert_eq!(out.skipped[0].record, "$.site[0].alerts[0]");
}

#[test]
fn real_reports_with_one_plugin_twice() {
    // DefectDojo's sample: pluginid 10011 twice, the `alert` names differ ("zap1: …", "zap2: …")
    let out = parse(&testdata("zap/defectdojo-5_zap_sample_one.xml"));
    assert_eq!((out.records, out.findings.len()), (2, 2));
    assert!(out.skipped.is_empty());
    assert_ne!(out.findings[0].id, out.findings[1].id);
    assert_eq!(
        out.findings[0].product_fields["zap/Alert"],
        "zap1: Cookie Without Secure Flag"
    );
    assert_eq!(
        out.findings[1].product_fields["zap/Alert"],
        "zap2: Cookie Without Secure Flag"
    );
    assert_eq!(out.findings[0].product_fields["zap/InstanceCount"], "3");

    // a 2.8-style report: 10020 at Medium and at Low, two findings with their own instances
    let out = parse(&testdata("zap/handwritten-site-object-duplicates.json"));
    assert_eq!(out.findings.len(), 2);
    let f = by_title(&out, "X-Frame-Options Header Not Set");
    assert_eq!(f.label(), Some(Label::Medium));
    assert_eq!(f.resources[0].id, "https://www.example.org/");
    let g = by_title(&out, "Multiple X-Frame-Options Header Entries");
    assert_eq!(g.label(), Some(Label::Low));
    assert_eq!(g.resources[0].id, "https://www.example.org/about");
    let mut reversed =
        serde_json::from_slice::<Value>(&testdata("zap/handwritten-site-object-duplicates.json"))
            .unwrap();
    reversed["site"]["alerts"].as_array_mut().unwrap().reverse();
    let out2 = parse_value(&reversed);
    assert_eq!(by_title(&out2, "X-Frame-Options Header Not Set").id, f.id);
    assert_eq!(
        by_title(&out2, "Multiple X-Frame-Options Header Entries").id,
        g.id
    );
}

#[test]
fn html_becomes_plain_text_even_when_malformed() {
    let out = parse(&testdata("zap/handwritten-multi-site.json"));
    let f = by_title(&out, "Cross Site Scripting (Reflected)");
    assert_eq!(
        f.description,
        "Cross-site Scripting (XSS) is an attack technique that involves echoing attacker-supplied code into a user's browser instance.\n\nUnclosed bold and a < sign"
    );
    let rem = f
        .remediation
        .as_ref()
        .unwrap()
        .recommendation
        .as_ref()
        .unwrap();
    assert_eq!(
        rem.text.as_deref(),
        Some("Phase: Architecture and Design\n\nUse a vetted library or framework & encode output <properly>.\n\n- Validate input\n- Encode output")
    );
    // alert-level otherinfo: plain text, in the description and a product field
    let t = by_title(&out, "Timestamp Disclosure - Unix");
    assert_eq!(
        t.product_fields["zap/OtherInfo"],
        "1592992800, which evaluates to: 2020-06-24 10:00:00"
    );
    assert!(t
        .description
        .ends_with("\n\n1592992800, which evaluates to: 2020-06-24 10:00:00"));
    // nothing left of the markup in any real report
    for file in [
        "zap/zap-2.12.0-traditional-json-bcgov-pipeline-templates.json",
        "zap/zap-2.9.0-traditional-json-securecodebox-example.com.json",
    ] {
        for f in parse(&testdata(file)).findings {
            assert!(
                !f.description.contains("<p>") && !f.description.contains("&#"),
                "{}",
                f.description
            );
            let text = f
                .remediation
                .and_then(|r| r.recommendation)
                .and_then(|r| r.text)
                .unwrap_or_default();
            assert!(!text.contains("<p>") && !text.contains("</"), "{text}");
        }
    }
}

#[test]
fn references_become_urls_and_cwe_wasc_ids_are_kept() {
    let out = parse(&testdata(
        "zap/zap-2.12.0-traditional-json-bcgov-pipeline-templates.json",
    ));
    let f = by_title(&out, "Storable and Cacheable Content");
    assert_eq!(
        f.product_fields["zap/References"],
        "https://tools.ietf.org/html/rfc7234 https://tools.ietf.org/html/rfc7231 http://www.w3.org/Protocols/rfc2616/rfc2616-sec13.html"
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
        Some("https://tools.ietf.org/html/rfc7234")
    );
    assert_eq!(f.product_fields["zap/CweId"], "524");
    assert_eq!(f.product_fields["zap/WascId"], "13");

    // old XML reports run the URLs together
    let out = parse(&testdata("zap/defectdojo-0_zap_sample.xml"));
    let f = by_title(&out, "CSP Scanner: Wildcard Directive");
    assert_eq!(
        f.product_fields["zap/References"]
            .split(' ')
            .collect::<Vec<_>>(),
        vec![
            "http://www.w3.org/TR/CSP2/",
            "http://www.w3.org/TR/CSP/",
            "http://caniuse.com/#search=content+security+policy",
            "http://content-security-policy.com/",
            "https://github.com/shapesecurity/salvation"
        ]
    );
    // "-1" means no CWE: not kept
    let out = parse_value(&report(vec![alert("1", json!("1"), "2")]));
    assert!(!out.findings[0].product_fields.contains_key("zap/CweId"));
    assert!(out.findings[0].remediation.is_none());
}

#[test]
fn the_severity_policy_can_match_alert_ids_and_cwes() {
    let policy = asff_core::SeverityPolicy::from_json(
        br#"{"version": 1, "overrides": [
            {"tool": "zap", "id": "CWE-79", "label": "CRITICAL"},
            {"tool": "zap", "id": "10021", "label": "MEDIUM"},
            {"tool": "zap", "original": "Informational", "label": "LOW"}
        ]}"#,
    )
    .unwrap();
    let ctx = context().with_policy(policy);
    let out = asff_zap::parse(&testdata("zap/handwritten-multi-site.json"), &ctx).unwrap();
    assert_eq!(
        by_title(&out, "Cross Site Scripting (Reflected)").label(),
        Some(Label::Critical)
    );
    assert_eq!(
        by_title(&out, "X-Content-Type-Options Header Missing").label(),
        Some(Label::Medium)
    );
    let ts = by_title(&out, "Timestamp Disclosure - Unix");
    assert_eq!(ts.label(), Some(Label::Low));
    assert_eq!(
        ts.severity.as_ref().unwrap().original.as_deref(),
        Some("Informational")
    );
}

#[test]
fn types_are_web_vulnerabilities_and_data_exposure_for_information_leaks() {
    let out = parse(&testdata("zap/handwritten-multi-site.json"));
    let xss = by_title(&out, "Cross Site Scripting (Reflected)");
    assert_eq!(
        xss.types,
        vec!["Software and Configuration Checks/Vulnerabilities"]
    );
    let ts = by_title(&out, "Timestamp Disclosure - Unix");
    assert_eq!(
        ts.types,
        vec![
            "Software and Configuration Checks/Vulnerabilities",
            "Effects/Data Exposure"
        ]
    );
    assert_eq!(ts.finding_provider_fields.as_ref().unwrap().types, ts.types);
}

#[test]
fn instances_become_resources_per_uri() {
    let out = parse(&testdata("zap/handwritten-multi-site.json"));
    let f = by_title(&out, "Cross Site Scripting (Reflected)");
    assert_eq!(f.resources.len(), 2);
    let r = &f.resources[0];
    assert_eq!(
        (r.kind.as_str(), r.id.as_str()),
        ("Other", "https://shop.example.com/search?q=%3Cscript%3E")
    );
    let other = &r.details.as_ref().unwrap().other;
    assert_eq!(other["Instances"], "2");
    assert_eq!(other["Instance1.Method"], "GET");
    assert_eq!(other["Instance2.Method"], "POST");
    assert_eq!(other["Instance1.Param"], "q");
    assert_eq!(other["Instance1.Evidence"], "<script>alert(1);</script>");
    assert_eq!(f.product_fields["zap/InstanceCount"], "3");
    assert_eq!(f.product_fields["zap/UniqueUris"], "2");

    // no instances: the site is the resource
    let f = by_title(&out, "X-Content-Type-Options Header Missing");
    assert_eq!(f.resources.len(), 1);
    assert_eq!(f.resources[0].id, "http://api.example.com:8080");

    // ZAP lists fewer instances than it counts
    let out = parse(&testdata(
        "zap/zap-2.9.0-traditional-json-securecodebox-example.com.json",
    ));
    let f = by_title(&out, "Timestamp Disclosure - Unix");
    assert_eq!(f.product_fields["zap/InstanceCount"], "88");
    assert_eq!(f.product_fields["zap/InstancesListed"], "20");
}

#[test]
fn many_instances_are_cut_to_the_limits_and_say_so() {
    let mut instances = Vec::new();
    for n in 0..40 {
        instances.push(json!({"uri": format!("https://x.example/p{n}"), "method": "GET", "evidence": "e".repeat(5000)}));
    }
    for n in 0..60 {
        instances.push(json!({"uri": "https://x.example/p0", "method": "GET", "param": format!("p{n}"), "attack": "a", "evidence": "b"}));
    }
    let long_uri = format!("https://x.example/{}", "q".repeat(3000));
    instances.insert(0, json!({"uri": long_uri, "method": "GET"}));
    let mut a = alert("10021", json!("1"), "2");
    a["instances"] = json!(instances);
    a["count"] = json!("101");
    let out = parse_value(&report(vec![a]));
    let f = &out.findings[0];
    assert_eq!(f.resources.len(), 32);
    assert_eq!(f.product_fields["zap/UniqueUris"], "41");
    assert_eq!(f.product_fields["zap/UrisOmitted"], "9");
    assert_eq!(f.product_fields["zap/InstanceCount"], "101");
    let described: usize = f.product_fields["zap/InstancesDescribed"].parse().unwrap();
    assert!(described <= 100 && described > 30, "{described}");
    // the long URI is cut but stays unique
    assert!(
        f.resources[0].id.len() <= 1024 && f.resources[0].id.contains("#sha256="),
        "{}",
        f.resources[0].id
    );
    // p0 has 61 instances: not all fit
    let p0 = f
        .resources
        .iter()
        .find(|r| r.id == "https://x.example/p0")
        .unwrap();
    let other = &p0.details.as_ref().unwrap().other;
    assert!(other.len() <= 50);
    assert!(other.contains_key("InstancesOmitted"), "{other:?}");
    assert_eq!(other["Instances"], "61");
    assert!(other["Instance1.Evidence"].chars().count() <= 257);
    assert!(asff_core::fit::serialized_len(f) < 240_000);
}

#[test]
fn xml_and_json_of_the_same_alerts_give_the_same_findings() {
    let j = parse(&testdata("zap/handwritten-pair.json"));
    let x = parse(&testdata("zap/handwritten-pair.xml"));
    assert_eq!(j.records, x.records);
    assert_eq!(j.findings, x.findings);
    assert_eq!(j.findings.len(), 2);
    assert_eq!(
        j.findings[0].description,
        "Content Security Policy (CSP) is an added layer of security that helps to detect and mitigate certain types of attacks — including Cross Site Scripting (XSS)."
    );
}

#[test]
fn plus_variants_are_read_like_the_plain_ones() {
    let plain = parse(&testdata(
        "zap/zap-reports-addon-test-expected-traditional-json-2025.json",
    ));
    let plus = parse(&testdata(
        "zap/zap-reports-addon-test-expected-traditional-json-plus-2025.json",
    ));
    assert_eq!(plain.findings.len(), 1);
    assert_eq!(plain.findings[0].id, plus.findings[0].id);
    assert_eq!(plain.findings[0].resources, plus.findings[0].resources);
    assert_eq!(
        plus.findings[0].product_fields["zap/Tags"],
        "tagkey (tagvalue)"
    );
    // an unresolved message key in riskdesc is not taken as the original severity
    assert_eq!(
        plus.findings[0]
            .severity
            .as_ref()
            .unwrap()
            .original
            .as_deref(),
        Some("High")
    );
    assert_eq!(plus.findings[0].label(), Some(Label::High));
}

#[test]
fn empty_reports_have_no_records() {
    let out = parse(&testdata("zap/defectdojo-empty_2.9.0.xml"));
    assert_eq!((out.records, out.findings.len()), (0, 0));
    let out = parse(br#"{"@version": "2.11.1", "@generated": "x", "site": []}"#);
    assert_eq!(out.records, 0);
    let out = parse(br#"{"@version": "2.11.1", "@generated": "x"}"#);
    assert_eq!(out.records, 0);
    assert_eq!(out.warnings.len(), 1);
}

//! Bad input: each class gives a `ReportError` that names the format and the place; XML entities
//! declared in a DTD are never expanded.

#![cfg(test)]

use asff_testkit::json_path;
use std::time::{Duration, Instant};

use asff_core::{Location, ReportError};
use asff_testkit::{context, testdata};

fn err(bytes: &[u8]) -> ReportError {
    match asff_zap::parse(bytes, &context()) {
        Ok(out) => panic!("expected an error, got {} findings", out.findings.len()),
        Err(e) => {
            assert_eq!(e.format, "zap");
            assert!(e.to_string().starts_with("zap report: at "), "{e}");
            e
        }
    }
}

fn xml_path(e: &ReportError) -> (&str, u64) {
    match &e.location {
        Location::Xml { path, offset } => (path, *offset),
        other => panic!("expected an XML location, got {other:?} ({e})"),
    }
}

#[test]
fn empty_reports() {
    for b in [&b""[..], b"  \n\t", b"\xEF\xBB\xBF"] {
        let e = err(b);
        assert_eq!(e.location, Location::Document);
        assert!(e.message.contains("empty"), "{e}");
    }
}

#[test]
fn truncated_json() {
    let full = testdata("zap/zap-2.12.0-traditional-json-bcgov-pipeline-templates.json");
    let e = err(&full[..full.len() / 2]);
    assert!(e.message.contains("ends too early"), "{e}");
    match &e.location {
        Location::Json { path, line, column } => {
            assert!(path.starts_with('$'), "{path}");
            assert!(*line > 100 && *column > 0, "{line}:{column}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn truncated_xml() {
    let full = testdata("zap/defectdojo-0_zap_sample.xml");
    // between elements
    let cut = full.len() - 40;
    let e = err(&full[..cut]);
    let (path, _) = xml_path(&e);
    assert!(path.starts_with("/OWASPZAPReport/site[1]"), "{e}");
    assert!(e.message.contains("ends too early"), "{e}");
    // inside a tag
    let text = String::from_utf8(full.clone()).unwrap();
    let inside = text.find("<alertitem>").unwrap() + 5;
    let e = err(&full[..inside]);
    let (path, _) = xml_path(&e);
    assert!(path.starts_with("/OWASPZAPReport/site[1]/alerts"), "{e}");
    assert!(e.message.contains("ends too early"), "{e}");
}

#[test]
fn malformed_xml_names_the_element_and_offset() {
    let doc = b"<OWASPZAPReport version=\"2.9.0\"><site name=\"https://a\"><alerts><alertitem><pluginid>1</name></alertitem></alerts></site></OWASPZAPReport>";
    let e = err(doc);
    let (path, offset) = xml_path(&e);
    assert_eq!(
        path, "/OWASPZAPReport/site[1]/alerts/alertitem[1]/pluginid",
        "{e}"
    );
    assert!(offset > 70, "{offset}");
    assert!(e.message.contains("malformed XML"), "{e}");
}

#[test]
fn wrong_types_name_the_json_path() {
    let cases: [(&str, &str); 6] = [
        (
            r#"{"@version":"2.9.0","site":[{"@name":"https://a","alerts":"none"}]}"#,
            "$.site[0].alerts",
        ),
        (
            r#"{"@version":"2.9.0","site":[{"@name":"https://a","alerts":[{"pluginid":"1","riskcode":{}}]}]}"#,
            "$.site[0].alerts[0].riskcode",
        ),
        (
            r#"{"@version":"2.9.0","site":[{"@name":"https://a","alerts":[{"pluginid":"1","instances":[{"uri":["x"]}]}]}]}"#,
            "$.site[0].alerts[0].instances[0].uri",
        ),
        (r#"{"@version":"2.9.0","site":"https://a"}"#, "$.site"),
        (
            r#"{"@version":"2.9.0","site":[{"@name":"https://a","alerts":[7]}]}"#,
            "$.site[0].alerts[0]",
        ),
        (r#"[{"@version":"2.9.0"}]"#, "$"),
    ];
    for (doc, want) in cases {
        let e = err(doc.as_bytes());
        assert_eq!(json_path(&e), want, "{e}");
    }
}

#[test]
fn records_without_identity_are_errors() {
    let e = err(br#"{"@version":"2.9.0","site":[{"@name":"https://a","alerts":[{"riskcode":"1","confidence":"2"}]}]}"#);
    assert_eq!(json_path(&e), "$.site[0].alerts[0]");
    assert!(e.message.contains("alertRef, pluginid or name"), "{e}");
    let e = err(br#"{"@version":"2.9.0","site":[{"alerts":[{"pluginid":"1"}]}]}"#);
    assert_eq!(json_path(&e), "$.site[0]");
    assert!(e.message.contains("@name"), "{e}");
    let e = err(b"<OWASPZAPReport><site name=\"https://a\"><alerts><alertitem><riskcode>1</riskcode></alertitem></alerts></site></OWASPZAPReport>");
    assert_eq!(
        xml_path(&e).0,
        "/OWASPZAPReport/site[1]/alerts/alertitem[1]"
    );
}

#[test]
fn other_tools_reports_are_refused() {
    let dc = br#"{"reportSchema":"1.1","scanInfo":{},"projectInfo":{},"dependencies":[]}"#;
    let e = err(dc);
    assert_eq!(json_path(&e), "$");
    assert!(e.message.contains("not a ZAP report"), "{e}");
    let phpstan = br#"{"totals":{"errors":0,"file_errors":0},"files":[],"errors":[]}"#;
    assert!(err(phpstan).message.contains("not a ZAP report"));
    let dc_xml = b"<?xml version=\"1.0\"?><analysis xmlns=\"https://jeremylong.github.io/DependencyCheck/dependency-check.2.5.xsd\"><dependencies/></analysis>";
    let e = err(dc_xml);
    assert_eq!(xml_path(&e).0, "/analysis");
    assert!(e.message.contains("not a ZAP report"), "{e}");
    let e = err(b"just some text");
    assert!(matches!(e.location, Location::Json { .. }), "{e}");
}

#[test]
fn an_entity_bomb_is_not_expanded() {
    let bomb = br#"<?xml version="1.0"?>
<!DOCTYPE OWASPZAPReport [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<OWASPZAPReport version="2.9.0" generated="x">
  <site name="https://a.example" host="a.example" port="443" ssl="true"><alerts><alertitem>
    <pluginid>10011</pluginid><name>Bomb</name><riskcode>1</riskcode><confidence>2</confidence>
    <desc>&lol9;</desc>
  </alertitem></alerts></site>
</OWASPZAPReport>"#;
    let start = Instant::now();
    let result = asff_zap::parse(bomb, &context());
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "took {:?}",
        start.elapsed()
    );
    let e = result.expect_err("an undeclared-for-us entity must not be expanded");
    assert_eq!(e.format, "zap");
    let (path, offset) = xml_path(&e);
    assert_eq!(
        path, "/OWASPZAPReport/site[1]/alerts/alertitem[1]/desc",
        "{e}"
    );
    assert!(offset > 0);
    assert!(
        e.message.contains("&lol9;") && e.message.contains("not expanded"),
        "{e}"
    );
    assert!(!e.to_string().contains("lollol"), "{e}");
}

#[test]
fn an_external_entity_is_not_fetched() {
    let xxe = br#"<?xml version="1.0"?>
<!DOCTYPE OWASPZAPReport [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<OWASPZAPReport version="2.9.0" generated="x">
  <site name="https://a.example" host="a.example" port="443" ssl="true"><alerts><alertitem>
    <pluginid>10011</pluginid><name>XXE</name><riskcode>1</riskcode><confidence>2</confidence>
    <desc>before &xxe; after</desc>
  </alertitem></alerts></site>
</OWASPZAPReport>"#;
    let start = Instant::now();
    let result = asff_zap::parse(xxe, &context());
    assert!(start.elapsed() < Duration::from_secs(2));
    let e = result.expect_err("an external entity must not be resolved");
    assert!(e.message.contains("&xxe;"), "{e}");
    assert!(!e.to_string().contains("root:"), "{e}");
    assert_eq!(
        xml_path(&e).0,
        "/OWASPZAPReport/site[1]/alerts/alertitem[1]/desc"
    );

    // in an attribute too
    let attr = br#"<?xml version="1.0"?>
<!DOCTYPE r [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<OWASPZAPReport version="&xxe;"><site name="https://a"/></OWASPZAPReport>"#;
    let e = asff_zap::parse(attr, &context()).expect_err("attribute entity");
    assert!(e.message.contains("&xxe;"), "{e}");
    assert_eq!(xml_path(&e).0, "/OWASPZAPReport");
}

#[test]
fn a_doctype_that_is_not_used_is_skipped_with_a_warning() {
    let doc = br#"<?xml version="1.0"?>
<!DOCTYPE OWASPZAPReport [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<OWASPZAPReport version="2.9.0" generated="x">
  <site name="https://a.example"><alerts><alertitem>
    <pluginid>10011</pluginid><name>Plain</name><riskcode>1</riskcode><confidence>2</confidence>
    <desc>a &amp; b &#60;c&#x3E;</desc>
  </alertitem></alerts></site>
</OWASPZAPReport>"#;
    let out = asff_zap::parse(doc, &context()).unwrap();
    assert_eq!(out.findings.len(), 1);
    assert_eq!(out.findings[0].description, "a & b");
    assert!(
        out.warnings.iter().any(|w| w.contains("DOCTYPE")),
        "{:?}",
        out.warnings
    );
}

#[test]
fn deep_nesting_is_refused() {
    let mut doc = String::from("<OWASPZAPReport>");
    for _ in 0..10_000 {
        doc.push_str("<x>");
    }
    let e = err(doc.as_bytes());
    assert!(e.message.contains("nested"), "{e}");
}

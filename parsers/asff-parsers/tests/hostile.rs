//! Hostile input, for every tool of the facade: XML entity expansion and external entities,
//! deeply nested JSON and XML, huge strings, invalid UTF-8, NaN and out-of-range scores, and
//! reports over the size limit. Each is answered with a clear `ReportError` or handled safely
//! (a valid conversion), never a panic, a stack overflow or unbounded work.
//!
//! The inputs are derived from each tool's real reports in `testdata/<tool>/`, so a new tool is
//! covered as soon as it is in `Tool::ALL` and has testdata.

#![cfg(test)]
#![allow(clippy::string_slice)]

mod common;

use std::time::{Duration, Instant};

use asff_parsers::{convert, convert_limited, ConvertError, Limits, Tool};
use common::{check, json_reports, replace_leaves, xml_reports, Leaf, Outcome};
use serde_json::Value;

/// A hostile input must be answered within this time (debug build, shared machine).
const PATIENCE: Duration = Duration::from_secs(60);

fn timed<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let r = f();
    assert!(
        start.elapsed() < PATIENCE,
        "{what} took {:?}",
        start.elapsed()
    );
    r
}

/// Every tool that reads XML (has XML testdata), with its first XML report.
fn xml_tools() -> Vec<(Tool, String, String)> {
    let mut out = Vec::new();
    for &tool in Tool::ALL {
        if let Some((name, bytes)) = xml_reports(tool).into_iter().next() {
            out.push((
                tool,
                name,
                String::from_utf8(bytes).expect("XML testdata is UTF-8"),
            ));
        }
    }
    out
}

/// Puts a DOCTYPE with `internal_subset` before the root element of `doc`, and `reference`
/// into the first text node.
fn with_doctype(doc: &str, internal_subset: &str, reference: &str) -> String {
    let root_start = doc
        .match_indices('<')
        .map(|(i, _)| i)
        .find(|&i| !doc[i + 1..].starts_with('?') && !doc[i + 1..].starts_with('!'))
        .expect("a root element");
    let root_name: String = doc[root_start + 1..]
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/')
        .collect();
    let mut out = String::new();
    out.push_str(&doc[..root_start]);
    out.push_str(&format!("<!DOCTYPE {root_name} [\n{internal_subset}\n]>\n"));
    let rest = &doc[root_start..];
    // the first text node: after a '>' and before a '<', with something in it
    let text_at = rest
        .match_indices('>')
        .map(|(i, _)| i + 1)
        .find(|&i| {
            let tail = &rest[i..];
            let end = tail.find('<').unwrap_or(0);
            !tail[..end].trim().is_empty()
        })
        .unwrap_or_else(|| rest.find('>').map_or(rest.len(), |i| i + 1));
    out.push_str(&rest[..text_at]);
    out.push_str(reference);
    out.push_str(&rest[text_at..]);
    out
}

const LAUGHS: &str = r#"<!ENTITY lol "lol">
<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">"#;

#[test]
fn there_are_xml_tools_to_test() {
    let tools: Vec<&str> = xml_tools().iter().map(|(t, ..)| t.name()).collect();
    #[cfg(feature = "dependency-check")]
    assert!(tools.contains(&"dependency-check"), "{tools:?}");
    #[cfg(feature = "zap")]
    assert!(tools.contains(&"zap"), "{tools:?}");
    let _ = tools;
}

#[test]
fn xml_entity_expansion_is_never_performed() {
    for (tool, name, doc) in xml_tools() {
        let bomb = with_doctype(&doc, LAUGHS, "&lol9;");
        assert!(bomb.contains("&lol9;"), "{name}");
        for via_detect in [false, true] {
            let r = timed(&name, || {
                convert(
                    bomb.as_bytes(),
                    (!via_detect).then_some(tool),
                    &asff_testkit::context(),
                )
            });
            match r {
                Ok(conv) => {
                    let text = serde_json::to_string(&conv.output.findings).unwrap();
                    assert!(
                        !text.contains("lollollollol"),
                        "{tool} {name}: entities were expanded"
                    );
                    assert!(
                        text.len() < 10 * doc.len() + 1_000_000,
                        "{tool} {name}: output grew to {}",
                        text.len()
                    );
                }
                Err(ConvertError::Report(e)) => {
                    assert_eq!(e.format, tool.name(), "{e}");
                    assert!(e.to_string().len() < 4096, "{tool} {name}: huge message");
                }
                Err(e) => panic!("{tool} {name}: a DOCTYPE defeats detection: {e}"),
            }
        }
    }
}

#[test]
fn xml_external_entities_are_never_resolved() {
    let secret = "asff-hostile-secret-7f3a9c";
    let path = std::env::temp_dir().join(format!("asff-hostile-xxe-{}.txt", std::process::id()));
    std::fs::write(&path, secret).unwrap();
    let url = format!("file://{}", path.display());
    for (tool, name, doc) in xml_tools() {
        let subsets = [
            format!(r#"<!ENTITY xxe SYSTEM "{url}">"#),
            format!(r#"<!ENTITY % pe SYSTEM "{url}"> %pe;"#),
            r#"<!ENTITY xxe SYSTEM "http://127.0.0.1:9/never">"#.to_string(),
        ];
        for subset in &subsets {
            let reference = if subset.contains("% pe") { "" } else { "&xxe;" };
            let doc = with_doctype(&doc, subset, reference);
            let r = timed(&name, || {
                convert(doc.as_bytes(), Some(tool), &asff_testkit::context())
            });
            match r {
                Ok(conv) => {
                    let text = serde_json::to_string(&conv.output.findings).unwrap();
                    assert!(
                        !text.contains(secret),
                        "{tool} {name}: an external entity was read"
                    );
                }
                Err(ConvertError::Report(e)) => {
                    assert_eq!(e.format, tool.name(), "{e}");
                    assert!(!e.to_string().contains(secret), "{tool} {name}: {e}");
                }
                Err(e) => panic!("{tool} {name}: {e}"),
            }
        }
    }
    let _ = std::fs::remove_file(&path);
}

#[test]
fn deeply_nested_xml_is_an_error_or_ignored() {
    for (tool, name, doc) in xml_tools() {
        // 100k nested unknown elements inside the root
        let n = 100_000;
        let deep = format!("{}{}", "<x>".repeat(n), "</x>".repeat(n));
        let at = doc.rfind("</").expect("a closing root tag");
        let doc = format!("{}{deep}{}", &doc[..at], &doc[at..]);
        let _ = check(tool, doc.as_bytes(), &name);
    }
}

fn deep_documents(n: usize) -> Vec<(String, Vec<u8>)> {
    vec![
        ("arrays".into(), "[".repeat(n).into_bytes()),
        (
            "balanced arrays".into(),
            format!("{}{}", "[".repeat(n), "]".repeat(n)).into_bytes(),
        ),
        ("objects".into(), r#"{"a":"#.repeat(n).into_bytes()),
        (
            "balanced objects".into(),
            format!("{}1{}", r#"{"a":"#.repeat(n), "}".repeat(n)).into_bytes(),
        ),
    ]
}

#[test]
fn deeply_nested_json_is_an_error_for_every_tool_and_for_detection() {
    let n = 100_000;
    let ctx = asff_testkit::context();
    for (what, doc) in deep_documents(n) {
        // sniffing and detection read the whole document too
        let s = timed(&what, || asff_core::sniff::sniff(&doc));
        assert!(s.to_string().len() < 4096, "{what}");
        assert!(asff_parsers::detect(&doc).is_err(), "{what}");
        assert!(convert(&doc, None, &ctx).is_err(), "{what}");
        for &tool in Tool::ALL {
            let e = timed(&what, || tool.parse(&doc, &ctx)).expect_err(&what);
            assert_eq!(e.format, tool.name());
            assert!(
                e.to_string().len() < 4096,
                "{tool} {what}: {} bytes of message",
                e.to_string().len()
            );
        }
    }
}

#[test]
fn deeply_nested_json_inside_real_reports_is_an_error_or_ignored() {
    let n = 100_000;
    let deep = format!("{}{}", "[".repeat(n), "]".repeat(n));
    for &tool in Tool::ALL {
        for (name, bytes) in json_reports(tool) {
            let Ok(v) = serde_json::from_slice::<Value>(&bytes) else {
                continue;
            };
            // every top-level member (or of the first element) in turn, replaced by a deep value
            let keys: Vec<String> = match &v {
                Value::Object(m) => m.keys().cloned().collect(),
                Value::Array(a) => match a.first() {
                    Some(Value::Object(m)) => m.keys().cloned().collect(),
                    _ => vec![],
                },
                _ => vec![],
            };
            for key in keys {
                let mut v = v.clone();
                let target = match &mut v {
                    Value::Array(a) => a.first_mut(),
                    other => Some(other),
                };
                if let Some(Value::Object(m)) = target {
                    m.insert(key.clone(), Value::String("__DEEP__".into()));
                }
                let text = serde_json::to_string(&v)
                    .unwrap()
                    .replace("\"__DEEP__\"", &deep);
                let _ = check(
                    tool,
                    text.as_bytes(),
                    &format!("{name} with {key} nested {n} deep"),
                );
                let _ = asff_parsers::detect(text.as_bytes());
            }
        }
    }
}

/// The longest string leaf of a document replaced by `s`.
fn with_longest_string(v: &Value, s: &str) -> Value {
    let mut longest = 0;
    replace_leaves(&mut v.clone(), &mut |leaf| {
        if let Leaf::Str(t) = leaf {
            longest = longest.max(t.len());
        }
        None
    });
    let mut done = false;
    let mut v = v.clone();
    replace_leaves(&mut v, &mut |leaf| match leaf {
        Leaf::Str(t) if !done && t.len() == longest => {
            done = true;
            Some(Value::String(s.to_string()))
        }
        _ => None,
    });
    v
}

#[test]
fn huge_strings_are_fitted_or_refused() {
    // HUGE_MB=5 for a quicker run
    let mb: usize = std::env::var("HUGE_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50);
    let huge = format!("{}é€😀", "A".repeat(mb * 1024 * 1024));
    for &tool in Tool::ALL {
        let Some((name, bytes)) = json_reports(tool).into_iter().max_by_key(|(_, b)| b.len())
        else {
            continue;
        };
        let v: Value = serde_json::from_slice(&bytes).unwrap();
        let doc = serde_json::to_string(&with_longest_string(&v, "__HUGE__"))
            .unwrap()
            .replace("\"__HUGE__\"", &format!("\"{huge}\""));
        let _ = timed(&name, || {
            check(tool, doc.as_bytes(), &format!("{name} with a 50 MB string"))
        });
    }
    for (tool, name, doc) in xml_tools() {
        // a 50 MB text node in the first element with text
        let doc = with_doctype(&doc, "", &huge).replace("<!DOCTYPE", "<!-- x --><!DOCTYPE");
        let _ = timed(&name, || {
            check(
                tool,
                doc.as_bytes(),
                &format!("{name} with a 50 MB text node"),
            )
        });
    }
}

#[test]
fn huge_values_of_the_wrong_type_give_a_short_message() {
    let huge = "9".repeat(10 * 1024 * 1024) + "x";
    for &tool in Tool::ALL {
        for (name, bytes) in json_reports(tool) {
            let v: Value = serde_json::from_slice(&bytes).unwrap();
            // the first number or boolean becomes a huge string (serde quotes it in its message)
            let mut v1 = v.clone();
            let mut done = false;
            replace_leaves(&mut v1, &mut |leaf| match leaf {
                Leaf::Num(_) | Leaf::Bool(_) if !done => {
                    done = true;
                    Some(Value::String(huge.clone()))
                }
                _ => None,
            });
            let doc = serde_json::to_vec(&v1).unwrap();
            if let Outcome::Refused(e) = check(tool, &doc, &name) {
                assert!(
                    e.len() < 4096,
                    "{tool} {name}: a message of {} bytes",
                    e.len()
                );
            }
            // the first string becomes a huge number
            let mut v2 = v.clone();
            let mut done = false;
            replace_leaves(&mut v2, &mut |leaf| match leaf {
                Leaf::Str(_) if !done => {
                    done = true;
                    Some(Value::String("__HUGE__".into()))
                }
                _ => None,
            });
            let doc = serde_json::to_string(&v2)
                .unwrap()
                .replace("\"__HUGE__\"", &"7".repeat(1_000_000));
            if let Outcome::Refused(e) = check(tool, doc.as_bytes(), &name) {
                assert!(
                    e.len() < 4096,
                    "{tool} {name}: a message of {} bytes",
                    e.len()
                );
            }
        }
    }
}

#[test]
fn huge_keys_give_a_short_detection_message() {
    let key = "k".repeat(10 * 1024 * 1024);
    let doc = format!(r#"{{"{key}":1}}"#);
    let e = asff_parsers::detect(doc.as_bytes()).unwrap_err();
    assert!(e.to_string().len() < 4096, "{} bytes", e.to_string().len());
    let many: Vec<String> = (0..200_000).map(|i| format!(r#""key{i}":{i}"#)).collect();
    let doc = format!("{{{}}}", many.join(","));
    let e = asff_parsers::detect(doc.as_bytes()).unwrap_err();
    assert!(e.to_string().len() < 4096, "{} bytes", e.to_string().len());
}

#[test]
fn invalid_utf8_is_an_error_or_replaced() {
    let bad: &[&[u8]] = &[
        b"\xff\xfe",
        b"\xc3\x28",
        b"\xed\xa0\x80",
        b"\xf0\x28\x8c\x28",
        b"\x80",
    ];
    let mut docs: Vec<(Tool, String, Vec<u8>)> = Vec::new();
    for &tool in Tool::ALL {
        for (name, bytes) in json_reports(tool).into_iter().chain(xml_reports(tool)) {
            docs.push((tool, name, bytes));
        }
    }
    for (tool, name, bytes) in docs {
        // inside the first string / text that has a letter in it, after the first 'e'
        let Some(at) = bytes.iter().position(|&b| b == b'e') else {
            continue;
        };
        for seq in bad {
            let mut doc = bytes.clone();
            doc.splice(at..at, seq.iter().copied());
            let _ = check(tool, &doc, &format!("{name} with {seq:x?}"));
            let _ = asff_parsers::detect(&doc);
        }
        // the whole document in UTF-16
        let utf16: Vec<u8> = std::iter::once(0xFEFFu16)
            .chain(String::from_utf8_lossy(&bytes).encode_utf16())
            .flat_map(|u| u.to_le_bytes())
            .collect();
        let _ = check(tool, &utf16, &format!("{name} in UTF-16"));
    }
}

/// Numbers of a report whose member name says they are a score, set to `value` (JSON text).
fn with_scores(v: &Value, value: &str) -> Option<String> {
    let mut v = v.clone();
    let mut n = 0;
    fn walk(v: &mut Value, n: &mut usize) {
        match v {
            Value::Object(m) => {
                for (k, x) in m.iter_mut() {
                    let k = k.to_ascii_lowercase();
                    if x.is_number()
                        && (k.contains("score") || k.contains("cvss") || k == "severity")
                    {
                        *x = Value::String("__SCORE__".into());
                        *n += 1;
                    } else {
                        walk(x, n);
                    }
                }
            }
            Value::Array(a) => a.iter_mut().for_each(|x| walk(x, n)),
            _ => {}
        }
    }
    walk(&mut v, &mut n);
    (n > 0).then(|| {
        serde_json::to_string(&v)
            .unwrap()
            .replace("\"__SCORE__\"", value)
    })
}

#[test]
fn nan_and_out_of_range_scores_give_an_error_or_a_valid_label() {
    let mut tried = 0;
    for &tool in Tool::ALL {
        for (name, bytes) in json_reports(tool) {
            let v: Value = serde_json::from_slice(&bytes).unwrap();
            for value in [
                "1e309",
                "-1e309",
                "-5",
                "99",
                "10.0000001",
                "-0.0",
                "1e-320",
                "\"NaN\"",
                "\"inf\"",
                "null",
                "\"\"",
            ] {
                if let Some(doc) = with_scores(&v, value) {
                    tried += 1;
                    // check() validates against the schema: a CVSS BaseScore outside 0..=10
                    // or a missing label fails there
                    let _ = check(tool, doc.as_bytes(), &format!("{name} with scores {value}"));
                }
            }
        }
    }
    assert!(tried > 0);
}

// generous by default
const _: () = assert!(asff_parsers::DEFAULT_MAX_REPORT_BYTES >= 1 << 30);

#[test]
fn reports_over_the_size_limit_are_refused_before_parsing() {
    let ctx = asff_testkit::context();
    for &tool in Tool::ALL {
        let Some((name, bytes)) = json_reports(tool)
            .into_iter()
            .chain(xml_reports(tool))
            .next()
        else {
            continue;
        };
        let n = bytes.len() as u64;
        let at = Limits {
            max_report_bytes: n,
        };
        let ok = convert_limited(&bytes, Some(tool), &ctx, &Default::default(), &at);
        assert!(ok.is_ok(), "{tool} {name}: at the limit: {:?}", ok.err());
        let under = Limits {
            max_report_bytes: n - 1,
        };
        for given in [Some(tool), None] {
            let e = convert_limited(&bytes, given, &ctx, &Default::default(), &under).unwrap_err();
            let msg = e.to_string();
            assert!(
                msg.contains(&format!("{n} bytes")) && msg.contains(&format!("limit of {}", n - 1)),
                "{msg}"
            );
            match e {
                ConvertError::Report(r) => assert_eq!(r.format, tool.name(), "{r}"),
                other => panic!("{other}"),
            }
        }
    }
    assert_eq!(
        Limits::default().max_report_bytes,
        asff_parsers::DEFAULT_MAX_REPORT_BYTES
    );
}

#[test]
fn an_xml_namespace_quoted_with_a_multibyte_character_is_sniffed() {
    // the sniffer used to slice one byte past the opening quote, inside the character
    for doc in [
        &b"<a xmlns=\xc3\xa9x\xc3\xa9>"[..],
        b"<a xmlns=\xe2\x82\xac",
        b"<a xmlns=",
    ] {
        let _ = asff_core::sniff::sniff(doc).to_string();
        assert!(asff_parsers::detect(doc).is_err());
        assert!(convert(doc, None, &asff_testkit::context()).is_err());
    }
}

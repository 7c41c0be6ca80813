//! Reports in other encodings than UTF-8 (what PowerShell 5's `>` writes, XML that declares
//! Latin-1) convert like their UTF-8 originals, and errors point into the original bytes.

#![cfg(test)]

use asff_parsers::{convert, ConvertError, Tool};
use serde_json::Value;

fn read(p: &str) -> Vec<u8> {
    std::fs::read(asff_testkit::root().join("testdata").join(p)).unwrap()
}

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let bom: [u8; 2] = if big_endian {
        [0xFE, 0xFF]
    } else {
        [0xFF, 0xFE]
    };
    bom.into_iter()
        .chain(text.encode_utf16().flat_map(move |u| {
            if big_endian {
                u.to_be_bytes()
            } else {
                u.to_le_bytes()
            }
        }))
        .collect()
}

fn utf32(text: &str, big_endian: bool) -> Vec<u8> {
    let mut v = if big_endian {
        vec![0, 0, 0xFE, 0xFF]
    } else {
        vec![0xFF, 0xFE, 0, 0]
    };
    for c in text.chars() {
        let u = c as u32;
        v.extend(if big_endian {
            u.to_be_bytes()
        } else {
            u.to_le_bytes()
        });
    }
    v
}

fn findings(bytes: &[u8], tool: Option<Tool>) -> (Tool, Value) {
    let conv = convert(bytes, tool, &asff_testkit::context()).unwrap_or_else(|e| panic!("{e}"));
    asff_testkit::assert_accounted(&conv.output);
    (
        conv.tool,
        serde_json::to_value(&conv.output.findings).unwrap(),
    )
}

#[test]
fn real_reports_in_utf16_utf32_and_with_a_bom_convert_like_their_utf8_originals() {
    for p in [
        "dependency-check/dc-7.4.4-schemaspy-maven-plugin.json",
        "phpstan/handwritten-stdout-with-note-line.json",
        "snyk/snyk-cli-container-test-json-app-vulns-grouped.json",
        "zap/defectdojo-0_zap_sample.xml",
        "dependency-check/defectdojo-single_vuln.xml",
        "sonarqube/defectdojo-findings_over_api.json",
    ] {
        let original = read(p);
        let text = std::str::from_utf8(&original).unwrap();
        let (tool, want) = findings(&original, None);
        assert!(!want.as_array().unwrap().is_empty(), "{p}");
        let bom = [b"\xEF\xBB\xBF".as_slice(), &original].concat();
        for (what, bytes) in [
            ("UTF-8 with BOM", bom),
            ("UTF-16LE", utf16(text, false)),
            ("UTF-16BE", utf16(text, true)),
            ("UTF-32LE", utf32(text, false)),
            ("UTF-32BE", utf32(text, true)),
        ] {
            // detected, and with the format given
            assert_eq!(
                findings(&bytes, None),
                (tool, want.clone()),
                "{p} in {what}"
            );
            assert_eq!(findings(&bytes, Some(tool)).1, want, "{p} in {what}");
        }
    }
}

/// A real XML report with one field changed to non-ASCII text, saved in the encoding its
/// declaration names.
fn latin1_xml(p: &str, from: &str, to: &str, encoding: &'static encoding_rs::Encoding) -> Vec<u8> {
    let original = String::from_utf8(read(p)).unwrap();
    assert!(original.contains(from), "{p}");
    let changed = original.replacen(from, to, 1);
    let declared = match changed.strip_prefix("<?xml version=\"1.0\"?>") {
        Some(rest) => format!("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>{rest}"),
        None => {
            let rest = changed.split_once("?>").map(|(_, r)| r).unwrap_or(&changed);
            format!("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>{rest}")
        }
    };
    let (bytes, _, unmappable) = encoding.encode(&declared);
    assert!(!unmappable, "{p}");
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "{p}: not Latin-1 bytes"
    );
    bytes.into_owned()
}

#[test]
fn xml_declaring_latin1_is_read_in_latin1() {
    for (p, from, to) in [
        (
            "zap/defectdojo-0_zap_sample.xml",
            "<name>Cookie Without Secure Flag</name>",
            "<name>Cookie sans drapeau « Secure » (µ-service, café)</name>",
        ),
        (
            "dependency-check/defectdojo-single_vuln.xml",
            "Description of a bad vulnerability.",
            "Déscription d'une vulnérabilité (µ)",
        ),
    ] {
        let bytes = latin1_xml(p, from, to, encoding_rs::WINDOWS_1252);
        let (_, got) = findings(&bytes, None);
        let text = got.to_string();
        let want = to.trim_start_matches("<name>").trim_end_matches("</name>");
        assert!(text.contains(want), "{p}: {want} not in the findings");
    }
}

#[test]
fn xml_errors_give_offsets_in_the_original_bytes() {
    // a broken end tag after Latin-1 text: the offset must be that of the original bytes
    let p = "zap/defectdojo-0_zap_sample.xml";
    let mut bytes = latin1_xml(
        p,
        "<name>Cookie Without Secure Flag</name>",
        "<name>Cookie éééééééééé</nme>",
        encoding_rs::WINDOWS_1252,
    );
    let at = bytes.windows(6).position(|w| w == b"</nme>").unwrap();
    let e = match convert(&bytes, None, &asff_testkit::context()) {
        Err(ConvertError::Report(e)) => e,
        other => panic!("{other:?}"),
    };
    assert_eq!(e.format, "zap");
    match &e.location {
        asff_core::Location::Xml { offset, .. } => {
            let offset = usize::try_from(*offset).unwrap();
            // quick-xml reports the end tag's start or the position after its name
            assert!((at..=at + 6).contains(&offset), "{e} (end tag at {at})");
        }
        l => panic!("{l:?}"),
    }
    // the same in UTF-16: the offset counts two bytes per character
    bytes.clear();
    let text = String::from_utf8(read(p))
        .unwrap()
        .replacen("</name>", "</nme>", 1);
    let wide = utf16(&text, false);
    let at = 2 + 2 * text.find("</nme>").unwrap();
    match convert(&wide, None, &asff_testkit::context()) {
        Err(ConvertError::Report(e)) => match e.location {
            asff_core::Location::Xml { offset, .. } => {
                let offset = usize::try_from(offset).unwrap();
                assert!((at..=at + 12).contains(&offset), "{e} (end tag at {at})");
            }
            l => panic!("{l:?}"),
        },
        other => panic!("{other:?}"),
    }
}

#[test]
fn json_errors_keep_their_lines_in_utf16() {
    let p = "dependency-check/dc-7.4.4-schemaspy-maven-plugin.json";
    let text =
        String::from_utf8(read(p))
            .unwrap()
            .replacen("\"dependencies\"", "\"dependencies\" x", 1);
    // (a syntax error defeats detection: the format is given)
    let tool = Tool::from_name("dependency-check");
    let utf8_error = match convert(text.as_bytes(), tool, &asff_testkit::context()) {
        Err(ConvertError::Report(e)) => e,
        other => panic!("{other:?}"),
    };
    let wide_error = match convert(&utf16(&text, false), tool, &asff_testkit::context()) {
        Err(ConvertError::Report(e)) => e,
        other => panic!("{other:?}"),
    };
    match (&utf8_error.location, &wide_error.location) {
        (
            asff_core::Location::Json {
                line: l8,
                column: c8,
                path: p8,
            },
            asff_core::Location::Json {
                line: l16,
                column: c16,
                path: p16,
            },
        ) => {
            assert_eq!((l8, p8), (l16, p16));
            // the column counts the original's bytes: two per (ASCII) character
            assert_eq!(*c16, 2 * c8 - 1, "{utf8_error} vs {wide_error}");
        }
        l => panic!("{l:?}"),
    }
}

#[test]
fn undecodable_reports_name_the_encoding() {
    let p = "dependency-check/dc-7.4.4-schemaspy-maven-plugin.json";
    let text = String::from_utf8(read(p)).unwrap();
    // UTF-16 without its BOM: detection cannot tell the format, the encoding is named
    let wide: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    match convert(&wide, None, &asff_testkit::context()) {
        Err(ConvertError::Encoding(e)) => {
            assert!(
                e.to_string().contains("UTF-16LE without a byte order mark"),
                "{e}"
            )
        }
        other => panic!("{other:?}"),
    }
    // with the format given, the error is the format's
    let tool = Tool::from_name("dependency-check").unwrap();
    match convert(&wide, Some(tool), &asff_testkit::context()) {
        Err(ConvertError::Report(e)) => {
            assert_eq!(e.format, "dependency-check");
            assert!(e.message.contains("UTF-16LE"), "{e}");
        }
        other => panic!("{other:?}"),
    }
    // Latin-1 bytes in a JSON report: refused naming the byte, by the format when given
    let latin1 = text.replacen("\"reportSchema\"", "\"reportSch\u{e9}ma\"", 1);
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&latin1);
    match convert(&bytes, None, &asff_testkit::context()) {
        Err(ConvertError::Encoding(e)) => {
            assert!(e.to_string().contains("0xE9"), "{e}");
            assert!(e.to_string().contains("line 1 column 12"), "{e}");
        }
        other => panic!("{other:?}"),
    }
    match convert(&bytes, Some(tool), &asff_testkit::context()) {
        Err(ConvertError::Report(e)) => {
            assert_eq!(e.format, "dependency-check");
            assert!(
                e.message.contains("0xE9") && e.message.contains("not valid UTF-8"),
                "{e}"
            );
        }
        other => panic!("{other:?}"),
    }
}

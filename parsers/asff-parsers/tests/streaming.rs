//! `stream` hands out exactly what `convert` collects, for every report under testdata, and a
//! sink's error stops the conversion.

#![cfg(test)]

use asff_core::AwsSecurityFinding;
use asff_parsers::{convert, stream, Limits, Options, SinkError, StreamError, Tool};

/// Every report of every tool under testdata (the fuzz regressions too: their errors must be
/// the same), with the tool it is for.
fn reports() -> Vec<(Tool, String, Vec<u8>)> {
    let mut out = Vec::new();
    for tool in Tool::ALL {
        for p in asff_testkit::testdata_files(tool.name(), &["json", "sarif", "xml", "html"]) {
            let b = asff_testkit::testdata(&p);
            out.push((*tool, p, b));
        }
    }
    assert!(out.len() > 80, "testdata reports: {}", out.len());
    out
}

fn stream_all(
    tool: Tool,
    bytes: &[u8],
) -> (
    Vec<AwsSecurityFinding>,
    Result<asff_parsers::Streamed, StreamError>,
) {
    let mut got = Vec::new();
    let mut sink = |f: AwsSecurityFinding| -> Result<(), SinkError> {
        got.push(f);
        Ok(())
    };
    let r = stream(
        bytes,
        Some(tool),
        &asff_testkit::context(),
        &Options::default(),
        &Limits::default(),
        &mut sink,
    );
    (got, r)
}

#[test]
fn streaming_gives_what_converting_collects_for_every_testdata_report() {
    let mut converted = 0;
    for (tool, path, bytes) in reports() {
        let collected = convert(&bytes, Some(tool), &asff_testkit::context());
        let (streamed, result) = stream_all(tool, &bytes);
        match (collected, result) {
            (Ok(c), Ok(s)) => {
                converted += 1;
                assert_eq!(s.tool, tool, "{path}");
                let a = &s.accounting;
                let o = &c.output;
                assert_eq!(
                    serde_json::to_value(&streamed).unwrap(),
                    serde_json::to_value(&o.findings).unwrap(),
                    "{path}: the findings, in order"
                );
                assert_eq!(a.emitted, o.findings.len(), "{path}");
                assert_eq!(a.records, o.records, "{path}");
                assert_eq!(a.skipped, o.skipped, "{path}");
                assert_eq!(a.warnings, o.warnings, "{path}");
                assert_eq!(a.scopes, o.scopes, "{path}");
                assert_eq!(a.incomplete, o.incomplete, "{path}");
                assert_eq!(a.skipped_by_reason(), o.skipped_by_reason(), "{path}");
            }
            (Err(c), Err(StreamError::Convert(s))) => {
                assert_eq!(s, c, "{path}: the same error");
            }
            (c, s) => panic!("{path}: convert gave {c:?}, stream gave {s:?}"),
        }
    }
    assert!(converted > 60, "converted {converted}");
}

#[test]
fn a_failing_sink_stops_every_parser_at_once_with_its_error() {
    let mut stopped = 0;
    for (tool, path, bytes) in reports() {
        let Ok(c) = convert(&bytes, Some(tool), &asff_testkit::context()) else {
            continue;
        };
        let total = c.output.findings.len();
        if total < 2 {
            continue;
        }
        let mut calls = 0;
        let mut sink = |_: AwsSecurityFinding| -> Result<(), SinkError> {
            calls += 1;
            if calls == 2 {
                Err("the receiver went away".into())
            } else {
                Ok(())
            }
        };
        let r = stream(
            &bytes,
            Some(tool),
            &asff_testkit::context(),
            &Options::default(),
            &Limits::default(),
            &mut sink,
        );
        match r {
            Err(StreamError::Sink(e)) => assert_eq!(e.to_string(), "the receiver went away"),
            other => panic!("{path}: {other:?}"),
        }
        assert_eq!(calls, 2, "{path}: the sink is not called after it failed");
        stopped += 1;
    }
    assert!(stopped > 30, "stopped {stopped}");
}

#[test]
fn detection_limits_and_errors_are_those_of_convert() {
    let ctx = asff_testkit::context();
    let mut sink = |_: AwsSecurityFinding| -> Result<(), SinkError> { Ok(()) };
    // detected
    let report = asff_testkit::testdata("phpstan/handwritten-equal-messages-null-lines.json");
    let s = stream(
        &report,
        None,
        &ctx,
        &Options::default(),
        &Limits::default(),
        &mut sink,
    )
    .unwrap();
    assert_eq!(s.tool.name(), "phpstan");
    // too large, named by the detected tool
    let limits = Limits {
        max_report_bytes: 10,
    };
    let e = stream(&report, None, &ctx, &Options::default(), &limits, &mut sink).unwrap_err();
    let c = asff_parsers::convert_limited(&report, None, &ctx, &Options::default(), &limits)
        .unwrap_err();
    match e {
        StreamError::Convert(e) => {
            assert_eq!(e, c);
            assert!(e.to_string().starts_with("phpstan report: "), "{e}");
        }
        other => panic!("{other:?}"),
    }
    // unknown format
    let e = stream(
        br#"{"hello":"world"}"#,
        None,
        &ctx,
        &Options::default(),
        &Limits::default(),
        &mut sink,
    )
    .unwrap_err();
    assert!(
        matches!(
            &e,
            StreamError::Convert(asff_parsers::ConvertError::Detect(_))
        ),
        "{e:?}"
    );
}

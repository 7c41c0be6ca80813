//! Two runs of a real scanner (bandit 1.9.4, testdata/sarif/shifted/generate-shifted.sh) on the
//! same code, once moved down by ten lines: the same Ids, other lines in the resources.

#![cfg(test)]

use std::collections::BTreeSet;

use asff_core::ParseOutput;
use asff_testkit::{context, testdata};

fn parse(file: &str) -> ParseOutput {
    asff_sarif::parse(&testdata(file), &context()).unwrap_or_else(|e| panic!("{file}: {e}"))
}

#[test]
fn code_shifted_by_ten_lines_keeps_its_ids() {
    let before = parse("sarif/shifted/bandit-1.9.4-app.sarif");
    let after = parse("sarif/shifted/bandit-1.9.4-app-shifted.sarif");
    assert_eq!(before.findings.len(), 7);
    assert_eq!(after.findings.len(), before.findings.len());
    let ids = |o: &ParseOutput| {
        o.findings
            .iter()
            .map(|f| f.id.clone())
            .collect::<BTreeSet<_>>()
    };
    assert_eq!(ids(&before).len(), 7, "every result its own Id");
    assert_eq!(ids(&before), ids(&after));
    // the same finding, ten lines further down
    for (b, a) in before.findings.iter().zip(&after.findings) {
        assert_eq!(b.id, a.id);
        let line = |f: &asff_core::AwsSecurityFinding| -> u64 {
            f.resources[1].details.as_ref().unwrap().other["StartLine"]
                .parse()
                .unwrap()
        };
        assert_eq!(line(a), line(b) + 10, "{}", b.id);
        assert_ne!(b.resources[1].id, a.resources[1].id);
        assert_eq!(b.resources[1].id, format!("app.py:{}", line(b)));
        assert!(!b.id.contains(&format!(":{}", line(b))), "{}", b.id);
    }
    // the two identical B602 results are told apart by their order, in both runs alike
    assert_eq!(before.warnings, after.warnings);
    assert_eq!(before.warnings.len(), 1, "{:?}", before.warnings);
}

//! Splitting findings into BatchImportFindings requests.

use std::ops::Range;

use crate::fit::serialized_len;
use crate::model::AwsSecurityFinding;

/// Most findings in one BatchImportFindings request.
pub const MAX_FINDINGS: usize = 100;
/// Largest request body, in bytes (Security Hub's limit is 6 MB).
pub const MAX_REQUEST_BYTES: usize = 6 * 1000 * 1000;
/// `{"Findings":[` and `]}`.
const ENVELOPE_BYTES: usize = 15;

/// A finding too large for any request (cannot happen to a fitted finding).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("finding #{index} is {bytes} bytes and fits in no BatchImportFindings request")]
pub struct BatchError {
    pub index: usize,
    pub bytes: usize,
}

/// Plans requests over findings of the given serialized sizes, in order: each range holds at
/// most [`MAX_FINDINGS`] findings whose request body is at most [`MAX_REQUEST_BYTES`]. Every
/// finding is in exactly one range.
pub fn plan(sizes: &[usize]) -> Result<Vec<Range<usize>>, BatchError> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut bytes = ENVELOPE_BYTES;
    for (i, &size) in sizes.iter().enumerate() {
        if ENVELOPE_BYTES + size > MAX_REQUEST_BYTES {
            return Err(BatchError {
                index: i,
                bytes: size,
            });
        }
        let sep = usize::from(i > start);
        if i - start == MAX_FINDINGS || bytes + sep + size > MAX_REQUEST_BYTES {
            out.push(start..i);
            start = i;
            bytes = ENVELOPE_BYTES + size;
        } else {
            bytes += sep + size;
        }
    }
    if start < sizes.len() {
        out.push(start..sizes.len());
    }
    Ok(out)
}

/// Splits findings into request-sized groups, in order.
pub fn batches(findings: &[AwsSecurityFinding]) -> Result<Vec<&[AwsSecurityFinding]>, BatchError> {
    let sizes: Vec<usize> = findings.iter().map(serialized_len).collect();
    // plan's ranges are within findings
    Ok(plan(&sizes)?
        .into_iter()
        .filter_map(|r| findings.get(r))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(sizes: &[usize]) -> Vec<Range<usize>> {
        let plan = plan(sizes).unwrap();
        let mut next = 0;
        for r in &plan {
            assert_eq!(r.start, next, "contiguous, nothing dropped or repeated");
            assert!(!r.is_empty() && r.len() <= MAX_FINDINGS);
            let body = ENVELOPE_BYTES + sizes[r.clone()].iter().sum::<usize>() + r.len() - 1;
            assert!(body <= MAX_REQUEST_BYTES, "{body}");
            next = r.end;
        }
        assert_eq!(next, sizes.len());
        plan
    }

    #[test]
    fn at_most_100_per_request() {
        let p = check(&vec![1000; 250]);
        assert_eq!(p.len(), 3);
        assert_eq!(p[0], 0..100);
        assert_eq!(p[2], 200..250);
    }

    #[test]
    fn at_most_6_mb_per_request() {
        let p = check(&vec![240_000; 100]);
        // 24 findings of 240 kB fill a request
        assert_eq!(p[0].len(), 24);
        assert_eq!(p.len(), 5);
        assert!(check(&[]).is_empty());
    }

    #[test]
    fn a_finding_over_the_request_size_is_an_error() {
        assert_eq!(
            plan(&[10, MAX_REQUEST_BYTES]),
            Err(BatchError {
                index: 1,
                bytes: MAX_REQUEST_BYTES
            })
        );
    }
}

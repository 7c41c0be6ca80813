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
    let mut planner = Planner::default();
    for &size in sizes {
        out.extend(planner.next(size)?);
    }
    out.extend(planner.finish());
    Ok(out)
}

/// [`plan`] one finding at a time: the range of the request that is full once a finding does
/// not fit in it any more.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Planner {
    /// The first finding of the open request, and the next finding's index.
    start: usize,
    next: usize,
    bytes: usize,
}

impl Default for Planner {
    fn default() -> Self {
        Planner {
            start: 0,
            next: 0,
            bytes: ENVELOPE_BYTES,
        }
    }
}

impl Planner {
    /// Places the next finding, of `size` bytes; the request it closed, if any.
    fn next(&mut self, size: usize) -> Result<Option<Range<usize>>, BatchError> {
        let i = self.next;
        if ENVELOPE_BYTES + size > MAX_REQUEST_BYTES {
            return Err(BatchError {
                index: i,
                bytes: size,
            });
        }
        self.next += 1;
        let sep = usize::from(i > self.start);
        if i - self.start == MAX_FINDINGS || self.bytes + sep + size > MAX_REQUEST_BYTES {
            let full = self.start..i;
            self.start = i;
            self.bytes = ENVELOPE_BYTES + size;
            Ok(Some(full))
        } else {
            self.bytes += sep + size;
            Ok(None)
        }
    }

    /// The last request, if it holds a finding.
    fn finish(self) -> Option<Range<usize>> {
        (self.start < self.next).then_some(self.start..self.next)
    }
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

/// [`batches`] as the findings come: [`Batcher::push`] gives back each request once it is full,
/// [`Batcher::finish`] the last one. The requests are the same as [`batches`] makes of all the
/// findings; only the open request is held.
///
/// ```
/// use asff_core::batch::Batcher;
/// # use asff_core::{build, Context, Draft, Scope, ToolInfo};
/// # let ctx = Context::new("123456789012", "us-east-1")?;
/// # let tool = ToolInfo { name: "t", product_name: "T", company_name: "T" };
/// # let scope = Scope::image("registry.example/app:1");
/// let mut batcher = Batcher::default();
/// let mut requests = Vec::new();
/// for i in 0..250 {
///     # let f = build(&ctx, &tool, &scope, Draft { identity: vec![i.to_string()], title: "x".into(), types: vec!["Software and Configuration Checks".into()], ..Default::default() })?;
///     requests.extend(batcher.push(f)?);
/// }
/// requests.extend(batcher.finish());
/// assert_eq!(requests.iter().map(Vec::len).collect::<Vec<_>>(), [100, 100, 50]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Batcher {
    planner: Planner,
    open: Vec<AwsSecurityFinding>,
}

impl Batcher {
    /// Adds a finding; the request it does not fit in, once that one is full.
    pub fn push(
        &mut self,
        finding: AwsSecurityFinding,
    ) -> Result<Option<Vec<AwsSecurityFinding>>, BatchError> {
        let full = self.planner.next(serialized_len(&finding))?;
        let done = full.map(|_| std::mem::take(&mut self.open));
        self.open.push(finding);
        Ok(done)
    }

    /// The last request, if it holds a finding.
    pub fn finish(self) -> Option<Vec<AwsSecurityFinding>> {
        (!self.open.is_empty()).then_some(self.open)
    }
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

    #[test]
    fn the_batcher_makes_the_requests_batches_makes() {
        let ctx = crate::Context::new("123456789012", "us-east-1").unwrap();
        let tool = crate::ToolInfo {
            name: "t",
            product_name: "T",
            company_name: "T",
        };
        let scope = crate::Scope::image("registry.example/app:1");
        // large descriptions so that some requests are full by bytes before 100 findings
        let findings: Vec<AwsSecurityFinding> = (0..260)
            .map(|i| {
                let draft = crate::Draft {
                    identity: vec![i.to_string()],
                    title: format!("finding {i}"),
                    description: "x".repeat(if i % 7 == 0 { 1000 } else { 10 } * (i % 60)),
                    types: vec!["Software and Configuration Checks".into()],
                    ..Default::default()
                };
                crate::build(&ctx, &tool, &scope, draft).unwrap()
            })
            .collect();
        let want: Vec<Vec<String>> = batches(&findings)
            .unwrap()
            .into_iter()
            .map(|b| b.iter().map(|f| f.id.clone()).collect())
            .collect();
        let mut b = Batcher::default();
        let mut got = Vec::new();
        for f in findings {
            got.extend(b.push(f).unwrap());
        }
        got.extend(b.finish());
        let got: Vec<Vec<String>> = got
            .into_iter()
            .map(|b| b.into_iter().map(|f| f.id).collect())
            .collect();
        assert_eq!(got, want);
        assert!(want.len() >= 3, "{}", want.len());
        assert!(Batcher::default().finish().is_none());
    }
}

//! Small text helpers the parsers share.
//!
//! ```
//! use asff_core::text::{clean, non_empty, percent_decode, push_unique};
//!
//! assert_eq!(non_empty(Some("  ")), None);
//! assert_eq!(non_empty(Some(" a ")), Some("a"));
//! assert_eq!(clean("a\u{0}b"), "a\u{FFFD}b");
//! let mut v = Vec::new();
//! push_unique(&mut v, " x ");
//! push_unique(&mut v, "x");
//! assert_eq!(v, ["x"]);
//! assert_eq!(percent_decode("%40scope%2Fname", false), b"@scope/name");
//! ```

/// The trimmed text, `None` when there is none.
pub fn non_empty(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

/// Control characters (a NUL in a version string, say) replaced by U+FFFD, for single-line
/// fields.
pub fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .collect()
}

/// Appends `s`, trimmed, unless it is empty or already there.
pub fn push_unique(v: &mut Vec<String>, s: &str) {
    let s = s.trim();
    if !s.is_empty() && !v.iter().any(|x| x == s) {
        v.push(s.to_string());
    }
}

/// Decodes `%XX` escapes (a `%` not followed by two hex digits stays as it is); with
/// `plus_is_space`, `+` is a space (form encoding, as in S3 event notifications' keys).
pub fn percent_decode(s: &str, plus_is_space: bool) -> Vec<u8> {
    fn hex(b: Option<&u8>) -> Option<u8> {
        b.and_then(|c| (*c as char).to_digit(16)).map(|d| d as u8)
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        match c {
            b'%' => {
                if let (Some(h), Some(l)) = (hex(b.get(i + 1)), hex(b.get(i + 2))) {
                    out.push(h * 16 + l);
                    i += 3;
                    continue;
                }
                out.push(c);
            }
            b'+' if plus_is_space => out.push(b' '),
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

/// The Levenshtein distance between two strings, in characters (for "did you mean" hints on
/// short names).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        let mut row = cur.iter_mut();
        if let Some(first) = row.next() {
            *first = i + 1;
        }
        let mut left = i + 1;
        for ((j, cb), slot) in b.iter().enumerate().zip(row) {
            let diag = prev.get(j).copied().unwrap_or(0) + usize::from(ca != *cb);
            let up = prev.get(j + 1).copied().unwrap_or(0) + 1;
            left = diag.min(up).min(left + 1);
            *slot = left;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance("", ""), 0);
        assert_eq!(edit_distance("abc", ""), 3);
        assert_eq!(edit_distance("", "ab"), 2);
        assert_eq!(edit_distance("dependancy-check", "dependency-check"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("zap", "zap"), 0);
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%2", false), b"a%2");
        assert_eq!(percent_decode("a%zz", false), b"a%zz");
        assert_eq!(percent_decode("a+b%20c", true), b"a b c");
        assert_eq!(percent_decode("a+b", false), b"a+b");
        assert_eq!(percent_decode("%C3%A9", false), "é".as_bytes());
        assert_eq!(percent_decode("%", false), b"%");
    }
}

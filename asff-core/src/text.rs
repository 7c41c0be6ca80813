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

#[cfg(test)]
mod tests {
    use super::*;

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

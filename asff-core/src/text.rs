//! Small text helpers the parsers share.
//!
//! ```
//! use asff_core::text::{clean, non_empty, percent_decode, push_unique, uri_path};
//!
//! assert_eq!(non_empty(Some("  ")), None);
//! assert_eq!(non_empty(Some(" a ")), Some("a"));
//! assert_eq!(clean("a\u{0}b"), "a\u{FFFD}b");
//! let mut v = Vec::new();
//! push_unique(&mut v, " x ");
//! push_unique(&mut v, "x");
//! assert_eq!(v, ["x"]);
//! assert_eq!(percent_decode("%40scope%2Fname", false), b"@scope/name");
//! assert_eq!(uri_path("file:///C:/My%20Code/a.c"), "C:/My Code/a.c");
//! assert_eq!(uri_path("src/a%2Bb.py"), "src/a+b.py");
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

/// The scheme of a URI (`file`, `https`), `None` for a relative reference (`src/a.c`,
/// `/tmp/a.c`) and for a Windows drive (`C:/a.c`, whose one letter is no scheme).
pub fn uri_scheme(uri: &str) -> Option<&str> {
    let (scheme, _) = uri.trim().split_once(':')?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic()
        && scheme.len() > 1
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then_some(scheme)
}

/// The file path a URI names, for showing and identifying files: a `file:` URI without its
/// scheme and empty or `localhost` authority (`file:///tmp/a.py` → `/tmp/a.py`; another host
/// stays as `//host/path`), a Windows drive without the slash before it (`/C:/a.c` → `C:/a.c`),
/// `%XX` escapes decoded. A relative reference is decoded as it is; a URI of another scheme
/// (`https://…`) is returned unchanged.
pub fn uri_path(uri: &str) -> String {
    let uri = uri.trim();
    let path = match uri_scheme(uri) {
        Some(s) if s.eq_ignore_ascii_case("file") => {
            let rest = uri.get(s.len() + 1..).unwrap_or_default();
            match rest.strip_prefix("//") {
                Some(after) => {
                    let (host, path) = match after.find('/') {
                        Some(i) => (
                            after.get(..i).unwrap_or_default(),
                            after.get(i..).unwrap_or_default(),
                        ),
                        None => (after, ""),
                    };
                    if host.is_empty() || host.eq_ignore_ascii_case("localhost") {
                        path.to_string()
                    } else {
                        format!("//{host}{path}")
                    }
                }
                None => rest.to_string(),
            }
        }
        Some(_) => return uri.to_string(),
        None => uri.to_string(),
    };
    let decoded = String::from_utf8_lossy(&percent_decode(&path, false)).into_owned();
    let b = decoded.as_bytes();
    let drive = b.first() == Some(&b'/')
        && b.get(1).is_some_and(u8::is_ascii_alphabetic)
        && b.get(2) == Some(&b':')
        && matches!(b.get(3), None | Some(b'/'));
    if drive {
        decoded.get(1..).unwrap_or_default().to_string()
    } else {
        decoded
    }
}

/// `s` with every control character (newlines, escapes, NUL, …) written as `%XX` (its UTF-8
/// bytes percent-encoded), for identifiers built from context values (GeneratorId, resource
/// Ids): printable, and still distinct for distinct inputs in practice.
pub fn escape_controls(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_control() {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A message with what it quotes left out: each `"…"` and `` `…` `` span (serde's
/// `invalid type: string "…"`, `unknown field `…``, a detection's `starts with "…"`) becomes
/// `"…"` / `` `…` ``, and an unclosed quote hides the rest. For messages that may quote a
/// report or a payload and go where report contents must not (logs, function errors).
pub fn without_quoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len().min(256));
    let mut open: Option<char> = None;
    for c in message.chars() {
        match open {
            Some(q) if c == q => {
                out.push('…');
                out.push(q);
                open = None;
            }
            Some(_) => {}
            None if c == '"' || c == '`' => {
                out.push(c);
                open = Some(c);
            }
            None => out.push(c),
        }
    }
    if let Some(q) = open {
        out.push('…');
        out.push(q);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_escaped() {
        assert_eq!(escape_controls("github.com/o/app"), "github.com/o/app");
        assert!(matches!(
            escape_controls("plain"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(escape_controls("a\nb\u{1b}[0m\0"), "a%0Ab%1B[0m%00");
        assert_eq!(escape_controls("\u{85}"), "%C2%85");
        assert_ne!(escape_controls("a\nb"), escape_controls("ab"));
    }

    #[test]
    fn quoted_spans_are_left_out() {
        assert_eq!(
            without_quoted("invalid type: string \"SECRET\", expected a sequence"),
            "invalid type: string \"…\", expected a sequence"
        );
        assert_eq!(
            without_quoted("unknown field `DB_PASSWORD=x`, expected one of `a`, `b`"),
            "unknown field `…`, expected one of `…`, `…`"
        );
        assert_eq!(
            without_quoted("the document starts with \"DB_PASSWORD=hunter2\\nAPI"),
            "the document starts with \"…\""
        );
        assert_eq!(without_quoted("no quotes at line 3"), "no quotes at line 3");
    }

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
    fn uri_paths() {
        assert_eq!(
            uri_path("file:///tmp/vulnapp/app/server.py"),
            "/tmp/vulnapp/app/server.py"
        );
        assert_eq!(uri_path("file://localhost/tmp/a.py"), "/tmp/a.py");
        assert_eq!(uri_path("FILE:/tmp/a.py"), "/tmp/a.py");
        assert_eq!(
            uri_path("file://build.example.com/work/a.c"),
            "//build.example.com/work/a.c"
        );
        assert_eq!(uri_path("file:///C:/code/file1.c"), "C:/code/file1.c");
        assert_eq!(uri_path(" src/My%20File.java "), "src/My File.java");
        assert_eq!(uri_path("/tmp/x.py"), "/tmp/x.py");
        assert_eq!(uri_path("C:/x.c"), "C:/x.c");
        assert_eq!(
            uri_path("https://example.com/a%20b"),
            "https://example.com/a%20b"
        );
        assert_eq!(uri_path("file:"), "");
        assert_eq!(uri_scheme("C:/x"), None);
        assert_eq!(uri_scheme("src/a:b"), None);
        assert_eq!(uri_scheme("file:///x"), Some("file"));
        assert_eq!(uri_scheme("é:x"), None);
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

//! A cheap look at a report, for telling formats apart without converting it.

use std::fmt;

use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// What a report looks like from the outside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sniff {
    /// A JSON object with these top-level keys.
    JsonObject { keys: Vec<String> },
    /// A JSON array; the keys of its first element when that is an object.
    JsonArray {
        first_keys: Option<Vec<String>>,
        len: usize,
    },
    /// An XML document with this root element (local name) and default namespace.
    Xml {
        root: String,
        namespace: Option<String>,
    },
    /// JSON with a syntax error (or truncated) at this line and column of the input (lines
    /// before the JSON counted).
    MalformedJson {
        message: String,
        line: usize,
        column: usize,
    },
    /// Something else, with what was seen.
    Unknown(String),
}

impl Sniff {
    /// The top-level keys of an object, or of the first element of an array.
    pub fn keys(&self) -> &[String] {
        match self {
            Sniff::JsonObject { keys } => keys,
            Sniff::JsonArray {
                first_keys: Some(k),
                ..
            } => k,
            _ => &[],
        }
    }

    /// Whether [`Sniff::keys`] holds every one of `wanted`.
    pub fn has_keys(&self, wanted: &[&str]) -> bool {
        let keys = self.keys();
        wanted.iter().all(|w| keys.iter().any(|k| k == w))
    }

    /// Whether the document is a JSON object (not an array).
    pub fn is_object(&self) -> bool {
        matches!(self, Sniff::JsonObject { .. })
    }

    /// Whether nothing could be told: malformed JSON or something else.
    pub fn is_unknown(&self) -> bool {
        matches!(self, Sniff::MalformedJson { .. } | Sniff::Unknown(_))
    }
}

impl fmt::Display for Sniff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Sniff::JsonObject { keys } => {
                write!(f, "a JSON object with keys [{}]", shown_keys(keys))
            }
            Sniff::JsonArray {
                first_keys: Some(k),
                len,
            } => write!(
                f,
                "a JSON array of {len} objects with keys [{}]",
                shown_keys(k)
            ),
            Sniff::JsonArray { len, .. } => write!(f, "a JSON array of {len} elements"),
            Sniff::Xml {
                root,
                namespace: Some(ns),
            } => write!(f, "an XML document <{root} xmlns=\"{ns}\">"),
            Sniff::Xml { root, .. } => write!(f, "an XML document <{root}>"),
            Sniff::MalformedJson {
                message,
                line,
                column,
            } => write!(
                f,
                "malformed JSON: {message} at line {line} column {column}"
            ),
            Sniff::Unknown(what) => f.write_str(what),
        }
    }
}

/// Most keys a sniff keeps: real reports have a few dozen top-level keys at most, while a
/// hostile one can have millions.
pub const MAX_KEYS: usize = 1000;
/// Longest key (in bytes) or XML name a sniff keeps.
pub const MAX_NAME: usize = 256;
/// Most keys shown in a message.
const SHOWN_KEYS: usize = 20;
/// Longest key shown in a message, in characters.
const SHOWN_KEY: usize = 64;

/// Keys for a message: at most [`SHOWN_KEYS`], each cut to [`SHOWN_KEY`] characters.
fn shown_keys(keys: &[String]) -> String {
    let mut shown: Vec<String> = keys
        .iter()
        .take(SHOWN_KEYS)
        .map(|k| crate::fit::truncate_chars(k, SHOWN_KEY).unwrap_or_else(|| k.clone()))
        .collect();
    if keys.len() > SHOWN_KEYS {
        let plus = if keys.len() >= MAX_KEYS { "+" } else { "" };
        shown.push(format!("… {}{plus} more", keys.len() - SHOWN_KEYS));
    }
    shown.join(", ")
}

/// A key as kept: at most [`MAX_NAME`] bytes.
fn kept(mut key: String) -> String {
    if key.len() > MAX_NAME {
        let cut = crate::fit::truncate_bytes(&key, MAX_NAME).len();
        key.truncate(cut);
    }
    key
}

/// Skips a UTF-8 byte order mark and leading white space.
pub fn trim_start(bytes: &[u8]) -> &[u8] {
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    b.get(start..).unwrap_or_default()
}

/// Where the JSON document starts: captured tool output may carry lines before it (PHPStan's
/// `Note: Using configuration file …`). Returns the offset of the first line that starts with
/// `{` or `[`, or `None` when there is none.
pub fn json_start(bytes: &[u8]) -> Option<usize> {
    let body = trim_start(bytes);
    let mut offset = bytes.len() - body.len();
    let mut rest = body;
    loop {
        let first = rest.iter().position(|c| !matches!(c, b' ' | b'\t' | b'\r'));
        if let Some(i) = first {
            if matches!(rest.get(i), Some(b'{' | b'[')) {
                return Some(offset + i);
            }
        }
        let nl = rest.iter().position(|&c| c == b'\n')?;
        offset += nl + 1;
        rest = rest.get(nl + 1..)?;
    }
}

/// A 1-based line and column of the JSON that starts at `start` in `bytes` (after skipped
/// lines, see [`json_start`]) as the line and column of `bytes` (line 0 stays 0: no position).
pub fn position_in_input(bytes: &[u8], start: usize, line: usize, column: usize) -> (usize, usize) {
    if line == 0 {
        return (line, column);
    }
    let before = bytes.get(..start).unwrap_or(bytes);
    let column = if line == 1 {
        // the JSON's first line starts after what precedes it on its line
        column + before.iter().rev().take_while(|&&b| b != b'\n').count()
    } else {
        column
    };
    (
        line + before.iter().filter(|&&b| b == b'\n').count(),
        column,
    )
}

/// Looks at a report.
pub fn sniff(bytes: &[u8]) -> Sniff {
    let body = trim_start(bytes);
    if body.is_empty() {
        return Sniff::Unknown("an empty document".into());
    }
    if body.first() == Some(&b'<') {
        return sniff_xml(body);
    }
    let Some((start, json)) = json_start(bytes).and_then(|s| Some((s, bytes.get(s..)?))) else {
        let head = String::from_utf8_lossy(head(body, 40)).into_owned();
        return Sniff::Unknown(format!("neither JSON nor XML (starts with {head:?})"));
    };
    let mut de = serde_json::Deserializer::from_slice(json);
    match de.deserialize_any(TopVisitor) {
        Ok(s) => s,
        Err(e) => {
            let (line, column) = position_in_input(bytes, start, e.line(), e.column());
            let message = e.to_string();
            let message = match message.rfind(" at line ") {
                Some(i) => message.get(..i).unwrap_or(&message).to_string(),
                None => message,
            };
            Sniff::MalformedJson {
                message,
                line,
                column,
            }
        }
    }
}

struct TopVisitor;

impl<'de> Visitor<'de> for TopVisitor {
    type Value = Sniff;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object or array")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Sniff, A::Error> {
        let mut keys = Vec::new();
        while let Some(k) = map.next_key::<String>()? {
            map.next_value::<IgnoredAny>()?;
            if keys.len() < MAX_KEYS {
                keys.push(kept(k));
            }
        }
        Ok(Sniff::JsonObject { keys })
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Sniff, A::Error> {
        let first = seq.next_element::<KeysOnly>()?;
        let mut len = usize::from(first.is_some());
        while seq.next_element::<IgnoredAny>()?.is_some() {
            len += 1;
        }
        Ok(Sniff::JsonArray {
            first_keys: first.and_then(|k| k.0),
            len,
        })
    }
}

struct KeysOnly(Option<Vec<String>>);

impl<'de> serde::Deserialize<'de> for KeysOnly {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = KeysOnly;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<KeysOnly, A::Error> {
                let mut keys = Vec::new();
                while let Some(k) = map.next_key::<String>()? {
                    map.next_value::<IgnoredAny>()?;
                    if keys.len() < MAX_KEYS {
                        keys.push(kept(k));
                    }
                }
                Ok(KeysOnly(Some(keys)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<KeysOnly, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(KeysOnly(None))
            }
            fn visit_bool<E>(self, _: bool) -> Result<KeysOnly, E> {
                Ok(KeysOnly(None))
            }
            fn visit_i64<E>(self, _: i64) -> Result<KeysOnly, E> {
                Ok(KeysOnly(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<KeysOnly, E> {
                Ok(KeysOnly(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<KeysOnly, E> {
                Ok(KeysOnly(None))
            }
            fn visit_str<E>(self, _: &str) -> Result<KeysOnly, E> {
                Ok(KeysOnly(None))
            }
            fn visit_unit<E>(self) -> Result<KeysOnly, E> {
                Ok(KeysOnly(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// At most the first `n` bytes.
fn head(bytes: &[u8], n: usize) -> &[u8] {
    bytes.get(..n).unwrap_or(bytes)
}

/// The root element of an XML document and its default namespace, read by hand from the first
/// start tag (no DTD, no entities).
fn sniff_xml(body: &[u8]) -> Sniff {
    let text = String::from_utf8_lossy(head(body, 64 * 1024));
    let mut rest: &str = &text;
    loop {
        let Some((_, after)) = rest.split_once('<') else {
            return Sniff::Unknown("an XML document without a root element".into());
        };
        rest = after;
        if rest.starts_with('?') || rest.starts_with('!') {
            // declaration, comment or doctype: skip past its end
            let end = if rest.starts_with("!--") {
                rest.find("-->").map(|i| i + 3)
            } else {
                rest.find('>').map(|i| i + 1)
            };
            match end.and_then(|e| rest.get(e..)) {
                Some(r) => rest = r,
                None => return Sniff::Unknown("an XML document without a root element".into()),
            }
            continue;
        }
        let tag = rest.split_once('>').map_or(rest, |(tag, _)| tag);
        let name: String = tag
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '/' && *c != '>')
            .collect();
        let local = name.rsplit(':').next().unwrap_or(&name).to_string();
        let namespace = tag.find("xmlns=").and_then(|i| {
            let v = tag.get(i + 6..)?;
            let q = v.chars().next()?;
            let v = v.get(q.len_utf8()..)?;
            v.find(q)
                .and_then(|e| v.get(..e))
                .map(|ns| kept(ns.to_string()))
        });
        return Sniff::Xml {
            root: kept(local),
            namespace,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_json_is_located_in_the_input() {
        let s = sniff(b"Note: Using configuration file x.neon.\nNote: another\n{\"totals\": tru}");
        assert_eq!(
            s,
            Sniff::MalformedJson {
                message: "expected ident".into(),
                line: 3,
                column: 15
            },
            "{s}"
        );
        assert!(s.is_unknown());
        assert_eq!(
            s.to_string(),
            "malformed JSON: expected ident at line 3 column 15"
        );
        match sniff(b"  {\"a\": x}") {
            Sniff::MalformedJson { line, column, .. } => assert_eq!((line, column), (1, 9)),
            s => panic!("{s}"),
        }
    }

    #[test]
    fn objects_arrays_and_xml() {
        assert_eq!(
            sniff(br#"{"a":{"x":1},"b":[1,2]}"#),
            Sniff::JsonObject {
                keys: vec!["a".into(), "b".into()]
            }
        );
        let s = sniff(br#"[{"issues":[],"paging":{}},{"issues":[]}]"#);
        assert!(s.has_keys(&["issues", "paging"]));
        assert_eq!(
            sniff(b"\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!-- c -->\n<analysis xmlns=\"https://x/dc.xsd\"><a/></analysis>"),
            Sniff::Xml {
                root: "analysis".into(),
                namespace: Some("https://x/dc.xsd".into())
            }
        );
        assert!(matches!(sniff(b""), Sniff::Unknown(_)));
        assert!(sniff(b"{\"a\":").is_unknown());
        assert!(matches!(sniff(b"hello"), Sniff::Unknown(_)));
    }

    #[test]
    fn leading_notes_are_skipped() {
        let doc = b"Note: Using configuration file /app/phpstan.neon.\n{\"totals\":{},\"files\":[],\"errors\":[]}";
        assert_eq!(json_start(doc), Some(50));
        assert!(sniff(doc).has_keys(&["totals", "files", "errors"]));
    }
}

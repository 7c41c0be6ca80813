//! The character encoding of a report: everything is parsed as UTF-8, so reports in other
//! encodings are decoded first, and positions in errors are translated back to the original
//! bytes.
//!
//! - UTF-8, with or without a byte order mark (the BOM is dropped);
//! - UTF-16 LE/BE and UTF-32 LE/BE with a byte order mark (what PowerShell 5's `>` writes is
//!   UTF-16 LE with a BOM);
//! - XML whose declaration names another encoding (`<?xml version="1.0" encoding="ISO-8859-1"?>`),
//!   decoded with [`encoding_rs`] by the WHATWG label rules (ISO-8859-1 is read as windows-1252,
//!   its superset). A declaration of UTF-16 on a document without a BOM that is valid UTF-8 is
//!   taken as UTF-8 (what .NET writes when it serialises to a string and saves the string).
//!
//! Anything else — UTF-16 or UTF-32 without a BOM, bytes that are not valid UTF-8 (or not valid
//! in the declared encoding), an encoding `encoding_rs` does not know — is an [`EncodingError`]
//! that names the encoding found and the byte where it went wrong.
//!
//! ```
//! use asff_core::encoding::decode;
//! let utf16: Vec<u8> = [0xFF, 0xFE]
//!     .into_iter()
//!     .chain("{\"a\":1}".encode_utf16().flat_map(u16::to_le_bytes))
//!     .collect();
//! let d = decode(&utf16)?;
//! assert_eq!(d.bytes(), br#"{"a":1}"#);
//! assert_eq!(d.encoding(), "UTF-16LE");
//! // `1` is at byte 5 of the decoded text, byte 2 + 2 × 5 of the original
//! assert_eq!(d.original_offset(5), 12);
//! # Ok::<(), asff_core::encoding::EncodingError>(())
//! ```

use std::borrow::Cow;

use crate::report::{Location, ReportError};

/// A report that cannot be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the report's encoding: {message} (at byte {offset})")]
pub struct EncodingError {
    /// The byte of the original report where it went wrong.
    pub offset: usize,
    pub message: String,
}

/// How the original bytes relate to the decoded text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// UTF-8 as it was.
    Utf8,
    /// UTF-8 after a 3-byte BOM.
    Utf8Bom,
    Utf16 {
        big_endian: bool,
    },
    Utf32 {
        big_endian: bool,
    },
    /// Declared in an XML declaration and decoded by `encoding_rs`.
    Declared(&'static encoding_rs::Encoding),
}

/// A report as UTF-8, with what it was.
#[derive(Debug, Clone)]
pub struct Decoded<'a> {
    original: &'a [u8],
    text: Cow<'a, [u8]>,
    kind: Kind,
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

fn err(offset: usize, message: impl Into<String>) -> EncodingError {
    EncodingError {
        offset,
        message: message.into(),
    }
}

/// Decodes a report to UTF-8 (see the [module documentation](self)). UTF-8 without a BOM, the
/// common case, is borrowed after a validity check.
pub fn decode(bytes: &[u8]) -> Result<Decoded<'_>, EncodingError> {
    let kind = if bytes.starts_with(&[0xFF, 0xFE, 0, 0]) {
        Kind::Utf32 { big_endian: false }
    } else if bytes.starts_with(&[0, 0, 0xFE, 0xFF]) {
        Kind::Utf32 { big_endian: true }
    } else if bytes.starts_with(&[0xFF, 0xFE]) {
        Kind::Utf16 { big_endian: false }
    } else if bytes.starts_with(&[0xFE, 0xFF]) {
        Kind::Utf16 { big_endian: true }
    } else if bytes.starts_with(UTF8_BOM) {
        Kind::Utf8Bom
    } else {
        Kind::Utf8
    };
    let text: Cow<[u8]> = match kind {
        Kind::Utf32 { big_endian } => Cow::Owned(decode_utf32(bytes, big_endian)?.into_bytes()),
        Kind::Utf16 { big_endian } => {
            let (enc, name) = if big_endian {
                (encoding_rs::UTF_16BE, "UTF-16BE")
            } else {
                (encoding_rs::UTF_16LE, "UTF-16LE")
            };
            let body = bytes.get(2..).unwrap_or_default();
            match enc.decode_without_bom_handling_and_without_replacement(body) {
                Some(s) => Cow::Owned(s.into_owned().into_bytes()),
                None => {
                    return Err(err(
                        2 + first_bad_declared(enc, body),
                        format!(
                            "the byte order mark says {name}, but the text is not valid {name}"
                        ),
                    ))
                }
            }
        }
        Kind::Utf8Bom => {
            let body = bytes.get(UTF8_BOM.len()..).unwrap_or_default();
            check_utf8(body, UTF8_BOM.len(), None)?;
            Cow::Borrowed(body)
        }
        Kind::Utf8 | Kind::Declared(_) => {
            if let Some(found) = bom_less_wide(bytes) {
                return Err(err(0, format!("the report looks like {found} without a byte order mark: save it as UTF-8, or as UTF-16 or UTF-32 with a byte order mark")));
            }
            match xml_declared_encoding(bytes) {
                Some(label) => return decode_declared(bytes, &label),
                None => {
                    check_utf8(bytes, 0, None)?;
                    Cow::Borrowed(bytes)
                }
            }
        } // (no BOM is `Declared`)
    };
    Ok(Decoded {
        original: bytes,
        text,
        kind,
    })
}

/// An XML document in the encoding its declaration names.
fn decode_declared<'a>(bytes: &'a [u8], label: &str) -> Result<Decoded<'a>, EncodingError> {
    let Some(enc) = encoding_rs::Encoding::for_label(label.as_bytes()) else {
        return Err(err(
            0,
            format!(
                "the XML declaration names encoding {label:?}, which is not one this tool can read"
            ),
        ));
    };
    let utf8 = |kind| -> Result<Decoded<'a>, EncodingError> {
        Ok(Decoded {
            original: bytes,
            text: Cow::Borrowed(bytes),
            kind,
        })
    };
    if enc == encoding_rs::UTF_8 {
        check_utf8(bytes, 0, Some(label))?;
        return utf8(Kind::Utf8);
    }
    if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
        // a UTF-16 document starts with a BOM (see `decode`); one without is not UTF-16
        check_utf8(bytes, 0, None).map_err(|e| {
            err(e.offset, format!("the XML declaration names encoding {label:?}, but the document has no byte order mark and is not UTF-8 either"))
        })?;
        return utf8(Kind::Utf8);
    }
    if enc.is_ascii_compatible() && bytes.is_ascii() {
        return utf8(Kind::Utf8);
    }
    match enc.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(s) => Ok(Decoded {
            original: bytes,
            text: Cow::Owned(s.into_owned().into_bytes()),
            kind: Kind::Declared(enc),
        }),
        None => Err(err(
            first_bad_declared(enc, bytes),
            format!(
                "the XML declaration names encoding {label:?} ({}), but the text is not valid {}",
                enc.name(),
                enc.name()
            ),
        )),
    }
}

/// UTF-8, else an error at the first bad byte naming what it looks like.
fn check_utf8(body: &[u8], base: usize, declared: Option<&str>) -> Result<(), EncodingError> {
    let Err(e) = std::str::from_utf8(body) else {
        return Ok(());
    };
    let at = e.valid_up_to();
    let byte = body.get(at).copied().unwrap_or(0);
    let (line, column) = line_column(body, at);
    let what = match declared {
        Some(label) => format!("the XML declaration says {label:?}, but"),
        None => "the report is not UTF-8:".to_string(),
    };
    Err(err(
        base + at,
        format!("{what} byte 0x{byte:02X} at line {line} column {column} is not valid UTF-8 (a Latin-1 or Windows-1252 file? save it as UTF-8; an XML report may declare its encoding)"),
    ))
}

/// 1-based line and byte column of `offset` in `bytes`.
fn line_column(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = bytes.get(..offset).unwrap_or(bytes);
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    (line, offset - line_start + 1)
}

/// UTF-16 or UTF-32 without a BOM, told by the NUL bytes of ASCII text at the start.
fn bom_less_wide(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0, 0, 0, a, ..] if *a != 0 => Some("UTF-32BE"),
        [a, 0, 0, 0, ..] if *a != 0 => Some("UTF-32LE"),
        [0, a, ..] if *a != 0 => Some("UTF-16BE"),
        [a, 0, ..] if *a != 0 => Some("UTF-16LE"),
        _ => None,
    }
}

/// The `encoding` of an XML declaration at the start (after white space), if any.
fn xml_declared_encoding(bytes: &[u8]) -> Option<String> {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace())?;
    let rest = bytes.get(start..)?;
    if !rest.starts_with(b"<?xml") {
        return None;
    }
    let head = rest.get(..rest.len().min(512))?;
    let end = head.windows(2).position(|w| w == b"?>")?;
    let decl = std::str::from_utf8(head.get(..end)?).ok()?;
    let at = decl.find("encoding")?;
    let after = decl.get(at + "encoding".len()..)?.trim_start();
    let after = after.strip_prefix('=')?.trim_start();
    let quote = after.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = after.get(1..)?;
    let close = value.find(quote)?;
    Some(value.get(..close)?.trim().to_string())
}

fn decode_utf32(bytes: &[u8], big_endian: bool) -> Result<String, EncodingError> {
    let name = if big_endian { "UTF-32BE" } else { "UTF-32LE" };
    let body = bytes.get(4..).unwrap_or_default();
    let mut out = String::with_capacity(body.len() / 4);
    let mut units = body.chunks_exact(4);
    for (i, unit) in units.by_ref().enumerate() {
        let b: [u8; 4] = [
            unit.first().copied().unwrap_or(0),
            unit.get(1).copied().unwrap_or(0),
            unit.get(2).copied().unwrap_or(0),
            unit.get(3).copied().unwrap_or(0),
        ];
        let v = if big_endian {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        };
        match char::from_u32(v) {
            Some(c) => out.push(c),
            None => {
                return Err(err(
                    4 + 4 * i,
                    format!("the byte order mark says {name}, but 0x{v:X} is no character"),
                ))
            }
        }
    }
    if !units.remainder().is_empty() {
        return Err(err(
            bytes.len() - units.remainder().len(),
            format!(
                "the byte order mark says {name}, but the text ends in the middle of a character"
            ),
        ));
    }
    Ok(out)
}

/// The offset of the first byte where `enc` fails on `bytes`: how much a decoder consumes
/// before it reports malformed input.
fn first_bad_declared(enc: &'static encoding_rs::Encoding, bytes: &[u8]) -> usize {
    let mut decoder = enc.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(bytes.len().saturating_mul(3).min(1 << 20) + 16);
    let mut consumed = 0;
    loop {
        let rest = bytes.get(consumed..).unwrap_or_default();
        out.clear();
        let (result, read) = decoder.decode_to_string_without_replacement(rest, &mut out, true);
        match result {
            encoding_rs::DecoderResult::Malformed(bad, after) => {
                return (consumed + read).saturating_sub(usize::from(bad) + usize::from(after));
            }
            encoding_rs::DecoderResult::InputEmpty => return bytes.len(),
            encoding_rs::DecoderResult::OutputFull => {
                consumed += read;
                if read == 0 {
                    out.reserve(out.capacity().max(64));
                }
            }
        }
    }
}

impl<'a> Decoded<'a> {
    /// The report as UTF-8 text (bytes, for the parsers).
    pub fn bytes(&self) -> &[u8] {
        &self.text
    }

    /// The encoding found: `UTF-8`, `UTF-8 with BOM`, `UTF-16LE`, `windows-1252`, ….
    pub fn encoding(&self) -> &'static str {
        match self.kind {
            Kind::Utf8 => "UTF-8",
            Kind::Utf8Bom => "UTF-8 with BOM",
            Kind::Utf16 { big_endian: false } => "UTF-16LE",
            Kind::Utf16 { big_endian: true } => "UTF-16BE",
            Kind::Utf32 { big_endian: false } => "UTF-32LE",
            Kind::Utf32 { big_endian: true } => "UTF-32BE",
            Kind::Declared(e) => e.name(),
        }
    }

    /// Whether the text is the original bytes as they were.
    pub fn is_original(&self) -> bool {
        self.kind == Kind::Utf8
    }

    /// The offset in the original bytes of `offset` in the decoded text (computed on demand by
    /// walking the text: for errors, not for every record).
    pub fn original_offset(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        match self.kind {
            Kind::Utf8 => offset,
            Kind::Utf8Bom => offset + UTF8_BOM.len(),
            Kind::Utf16 { .. } => 2 + self.walk(offset, |c| 2 * c.len_utf16()),
            Kind::Utf32 { .. } => 4 + self.walk(offset, |_| 4),
            Kind::Declared(e) if e.is_single_byte() => self.walk(offset, |_| 1),
            Kind::Declared(e) => {
                // feed the original to a decoder byte by byte until it has produced `offset`
                let mut decoder = e.new_decoder_without_bom_handling();
                let mut produced = 0;
                let mut out = String::with_capacity(16);
                for (i, b) in self.original.iter().enumerate() {
                    if produced >= offset {
                        return i;
                    }
                    out.clear();
                    let _ = decoder.decode_to_string_without_replacement(
                        std::slice::from_ref(b),
                        &mut out,
                        false,
                    );
                    produced += out.len();
                }
                self.original.len()
            }
        }
    }

    /// The original width of the characters before `offset`, by `width` of each.
    fn walk(&self, offset: usize, width: impl Fn(char) -> usize) -> usize {
        let before = self.text.get(..offset).unwrap_or(&self.text);
        String::from_utf8_lossy(before).chars().map(width).sum()
    }

    /// The decoded offset of a 1-based line and byte column of the decoded text.
    fn offset_of(&self, line: usize, column: usize) -> usize {
        let mut start = 0;
        for _ in 1..line {
            match self
                .text
                .get(start..)
                .and_then(|t| t.iter().position(|&b| b == b'\n'))
            {
                Some(i) => start += i + 1,
                None => break,
            }
        }
        (start + column.saturating_sub(1)).min(self.text.len())
    }

    /// The column in the original bytes of a 1-based line and byte column of the decoded text
    /// (lines are the same in every encoding).
    pub fn original_column(&self, line: usize, column: usize) -> usize {
        if self.is_original() || line == 0 || column == 0 {
            return column;
        }
        let at = self.original_offset(self.offset_of(line, column));
        let line_start = self.original_offset(self.offset_of(line, 1));
        at.saturating_sub(line_start) + 1
    }

    /// The error's position in the original bytes: an XML byte offset translated, a line and
    /// column moved to the original's byte column (lines are the same in every encoding).
    pub fn locate(&self, mut error: ReportError) -> ReportError {
        if self.is_original() {
            return error;
        }
        match &mut error.location {
            Location::Xml { offset, .. } => {
                let decoded = usize::try_from(*offset).unwrap_or(usize::MAX);
                *offset = u64::try_from(self.original_offset(decoded)).unwrap_or(u64::MAX);
            }
            Location::Json { line, column, .. } | Location::Text { line, column } => {
                *column = self.original_column(*line, *column);
            }
            _ => {}
        }
        error
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(s: &str, big_endian: bool) -> Vec<u8> {
        let bom: [u8; 2] = if big_endian {
            [0xFE, 0xFF]
        } else {
            [0xFF, 0xFE]
        };
        bom.into_iter()
            .chain(s.encode_utf16().flat_map(move |u| {
                if big_endian {
                    u.to_be_bytes()
                } else {
                    u.to_le_bytes()
                }
            }))
            .collect()
    }

    fn utf32(s: &str, big_endian: bool) -> Vec<u8> {
        let mut v: Vec<u8> = if big_endian {
            vec![0, 0, 0xFE, 0xFF]
        } else {
            vec![0xFF, 0xFE, 0, 0]
        };
        for c in s.chars() {
            let u = c as u32;
            v.extend(if big_endian {
                u.to_be_bytes()
            } else {
                u.to_le_bytes()
            });
        }
        v
    }

    const TEXT: &str = "{\n  \"name\": \"café ☕ 𝄞\",\n  \"n\": 1\n}\n";

    #[test]
    fn utf8_is_borrowed_and_a_bom_dropped() {
        let d = decode(TEXT.as_bytes()).unwrap();
        assert!(matches!(d.text, Cow::Borrowed(_)));
        assert_eq!(d.encoding(), "UTF-8");
        assert_eq!(d.original_offset(7), 7);
        let with_bom = [UTF8_BOM, TEXT.as_bytes()].concat();
        let d = decode(&with_bom).unwrap();
        assert_eq!(d.bytes(), TEXT.as_bytes());
        assert_eq!(d.encoding(), "UTF-8 with BOM");
        assert_eq!(d.original_offset(7), 10);
    }

    #[test]
    fn utf16_and_utf32_with_a_bom_are_decoded_and_offsets_map_back() {
        for be in [false, true] {
            for (bytes, unit) in [(utf16(TEXT, be), 2), (utf32(TEXT, be), 4)] {
                let d = decode(&bytes).unwrap();
                assert_eq!(d.bytes(), TEXT.as_bytes(), "{}", d.encoding());
                // every character boundary maps to the original's
                let mut orig = unit;
                for (i, c) in TEXT.char_indices() {
                    assert_eq!(d.original_offset(i), orig, "{} at {i}", d.encoding());
                    orig += if unit == 2 { 2 * c.len_utf16() } else { 4 };
                }
                assert_eq!(d.original_offset(TEXT.len()), bytes.len());
            }
        }
    }

    #[test]
    fn bad_utf16_and_utf32_name_the_place() {
        // an unpaired high surrogate at the third unit
        let mut b = vec![0xFF, 0xFE, b'{', 0, b'"', 0];
        b.extend([0x00, 0xD8, b'a', 0]);
        let e = decode(&b).unwrap_err();
        assert!(e.message.contains("UTF-16LE"), "{e}");
        assert!(e.offset >= 6 && e.offset <= 8, "{e}");
        let mut b = utf32("ab", false);
        b.extend([0, 0, 0x11, 0]);
        let e = decode(&b).unwrap_err();
        assert_eq!(e.offset, 12, "{e}");
        let mut b = utf32("ab", true);
        b.push(0);
        assert!(decode(&b).unwrap_err().message.contains("middle"));
    }

    #[test]
    fn wide_text_without_a_bom_is_named() {
        let le: Vec<u8> = "{\"a\":1}"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let e = decode(&le).unwrap_err();
        assert!(
            e.message.contains("UTF-16LE without a byte order mark"),
            "{e}"
        );
        let be: Vec<u8> = "<a/>".encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert!(decode(&be).unwrap_err().message.contains("UTF-16BE"));
        let e = decode(&utf32("{}", false)[4..]).unwrap_err();
        assert!(e.message.contains("UTF-32LE"), "{e}");
    }

    #[test]
    fn invalid_utf8_names_the_byte_line_and_column() {
        let e = decode(b"{\n  \"a\": \"caf\xE9\"\n}").unwrap_err();
        assert_eq!(e.offset, 13);
        assert!(e.message.contains("0xE9 at line 2 column 12"), "{e}");
        assert!(e.message.contains("not valid UTF-8"), "{e}");
    }

    #[test]
    fn xml_declarations_are_honoured() {
        let latin1 = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<a n=\"caf\xE9\">\xB5</a>";
        let d = decode(latin1).unwrap();
        assert_eq!(d.encoding(), "windows-1252");
        let text = std::str::from_utf8(d.bytes()).unwrap();
        assert!(text.ends_with("<a n=\"café\">µ</a>"), "{text}");
        // `µ` is one byte in the original, two in the text: the `<` after it maps back
        let close = text.rfind("</a>").unwrap();
        assert_eq!(d.original_offset(close), latin1.len() - 4);
        // single quotes, other spellings
        let d = decode(b"<?xml version='1.0' encoding='windows-1252' ?><a>\x80</a>").unwrap();
        assert!(std::str::from_utf8(d.bytes()).unwrap().contains('€'));
        // ASCII in a declared single-byte encoding is borrowed as it is
        let d = decode(b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a/>").unwrap();
        assert!(d.is_original());
        // a multi-byte legacy encoding
        let (sjis, _, _) = encoding_rs::SHIFT_JIS
            .encode("<?xml version=\"1.0\" encoding=\"Shift_JIS\"?><a>日本</a>");
        let d = decode(&sjis).unwrap();
        let text = std::str::from_utf8(d.bytes()).unwrap();
        assert!(text.ends_with("<a>日本</a>"));
        assert_eq!(
            d.original_offset(text.rfind("</a>").unwrap()),
            sjis.len() - 4
        );
    }

    #[test]
    fn xml_declaration_errors() {
        let e = decode(b"<?xml version=\"1.0\" encoding=\"EBCDIC-XY\"?><a/>").unwrap_err();
        assert!(e.message.contains("EBCDIC-XY"), "{e}");
        // declared UTF-8 but Latin-1 bytes
        let e = decode(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><a>\xE9</a>").unwrap_err();
        assert!(e.message.contains("\"UTF-8\""), "{e}");
        assert_eq!(e.offset, 41);
        // .NET's utf-16 declaration on UTF-8 text
        let d = decode("<?xml version=\"1.0\" encoding=\"utf-16\"?><a>é</a>".as_bytes()).unwrap();
        assert!(d.is_original());
        let e = decode(b"<?xml version=\"1.0\" encoding=\"utf-16\"?><a>\xE9</a>").unwrap_err();
        assert!(e.message.contains("no byte order mark"), "{e}");
        // UTF-16 with a BOM whose declaration says UTF-16
        let b = utf16("<?xml version=\"1.0\" encoding=\"UTF-16\"?><a>é</a>", false);
        let d = decode(&b).unwrap();
        assert!(std::str::from_utf8(d.bytes())
            .unwrap()
            .ends_with("<a>é</a>"));
    }

    #[test]
    fn errors_are_located_in_the_original() {
        let b = utf16("{\n  \"é\": x\n}", false);
        let d = decode(&b).unwrap();
        // serde_json would say line 2 column 9 (bytes of the UTF-8 text: `é` is 2)
        let e = ReportError::new(
            "t",
            Location::Json {
                path: "$".into(),
                line: 2,
                column: 9,
            },
            "bad",
        );
        match d.locate(e).location {
            // 2 spaces, quote, é, quote, colon, space = 7 UTF-16 units = 14 bytes: column 15
            Location::Json { line, column, .. } => assert_eq!((line, column), (2, 15)),
            l => panic!("{l:?}"),
        }
        let e = ReportError::new(
            "t",
            Location::Xml {
                path: "/a".into(),
                offset: 3,
            },
            "bad",
        );
        match d.locate(e).location {
            Location::Xml { offset, .. } => assert_eq!(offset, 2 + 6),
            l => panic!("{l:?}"),
        }
    }
}

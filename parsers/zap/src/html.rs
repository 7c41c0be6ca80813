//! ZAP's HTML fragments (`desc`, `solution`, `otherinfo`, `reference`) to plain text, and the
//! URLs in a `reference`.
//!
//! A small, forgiving converter, not an HTML parser: tags are dropped, block elements become line
//! breaks (a paragraph a blank line), `<li>` a `- ` item, `<script>`/`<style>` contents are
//! dropped, character references (`&lt;`, `&#39;`, `&#x2014;` and the common named ones) are
//! decoded. A `<` that does not start a tag stays as it is. It never panics, whatever the input.

/// The plain text of an HTML fragment.
pub fn to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut i = 0;
    while i < html.len() {
        let Some(rest) = html.get(i..) else { break };
        let Some(c) = rest.chars().next() else { break };
        match c {
            '<' => match tag(rest) {
                Some(Tag::Element { len, name, closing }) => {
                    i += len;
                    let name = name.to_ascii_lowercase();
                    if !closing && (name == "script" || name == "style") {
                        // skip to the matching end tag, or to the end
                        let lower = html.get(i..).unwrap_or_default().to_ascii_lowercase();
                        let end = format!("</{name}");
                        match lower.find(&end) {
                            Some(p) => {
                                i += p;
                                let after = html.get(i..).unwrap_or_default();
                                i += after.find('>').map_or(after.len(), |g| g + 1);
                            }
                            None => i = html.len(),
                        }
                        continue;
                    }
                    out.push_str(block_break(&name, closing));
                }
                Some(Tag::Skip { len }) => {
                    i += len;
                }
                None => {
                    out.push('<');
                    i += 1;
                }
            },
            '&' => match entity(rest) {
                Some((decoded, len)) => {
                    out.push(decoded);
                    i += len;
                }
                None => {
                    out.push('&');
                    i += 1;
                }
            },
            '\r' => i += 1,
            SOFT | PARA => {
                out.push(' ');
                i += c.len_utf8();
            }
            c => {
                out.push(c);
                i += c.len_utf8();
            }
        }
    }
    tidy(&out)
}

/// The http(s) URLs in a text or HTML fragment, in order, without duplicates. URLs that run
/// into each other (old ZAP XML reports drop the `<p>` between them) are split where the next
/// `http://` or `https://` starts.
pub fn urls(fragment: &str) -> Vec<String> {
    let text = to_text(fragment);
    let lower = text.to_ascii_lowercase();
    let mut starts: Vec<usize> = Vec::new();
    for scheme in ["http://", "https://"] {
        let mut from = 0;
        while let Some(p) = lower.get(from..).and_then(|s| s.find(scheme)) {
            starts.push(from + p);
            from += p + scheme.len();
        }
    }
    starts.sort_unstable();
    let mut out: Vec<String> = Vec::new();
    for (n, &start) in starts.iter().enumerate() {
        let limit = starts.get(n + 1).copied().unwrap_or(text.len());
        let Some(candidate) = text.get(start..limit) else {
            continue;
        };
        let end = candidate
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '<' | '>'))
            .unwrap_or(candidate.len());
        let url = trim_url(candidate.get(..end).unwrap_or(candidate));
        let has_host = url
            .split_once("://")
            .is_some_and(|(_, rest)| !rest.is_empty());
        if has_host && !out.iter().any(|u| u == url) {
            out.push(url.to_string());
        }
    }
    out
}

/// Drops trailing punctuation that belongs to the sentence, and closing brackets that have no
/// opening one in the URL.
fn trim_url(mut url: &str) -> &str {
    loop {
        let Some(last) = url.chars().next_back() else {
            return url;
        };
        let drop = match last {
            '.' | ',' | ';' | ':' | '!' | '?' | '\'' => true,
            ')' => url.matches('(').count() < url.matches(')').count(),
            ']' => url.matches('[').count() < url.matches(']').count(),
            _ => false,
        };
        if !drop {
            return url;
        }
        url = url.get(..url.len() - last.len_utf8()).unwrap_or_default();
    }
}

enum Tag<'a> {
    /// A start or end tag.
    Element {
        len: usize,
        name: &'a str,
        closing: bool,
    },
    /// A comment, doctype or processing instruction.
    Skip { len: usize },
}

/// The tag at the start of `s` (which starts with `<`), if it is one.
fn tag(s: &str) -> Option<Tag<'_>> {
    let body = s.get(1..)?;
    if let Some(comment) = body.strip_prefix("!--") {
        let len = comment.find("-->").map_or(s.len(), |p| 4 + p + 3);
        return Some(Tag::Skip { len });
    }
    if body.starts_with('!') || body.starts_with('?') {
        let len = body.find('>').map_or(s.len(), |p| p + 2);
        return Some(Tag::Skip { len });
    }
    let (closing, name_start) = match body.strip_prefix('/') {
        Some(_) => (true, 2),
        None => (false, 1),
    };
    let rest = s.get(name_start..)?;
    if !rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let name_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == ':'))
        .unwrap_or(rest.len());
    let (name, attributes) = rest.split_at_checked(name_len)?;
    // the end of the tag, not counting a `>` inside a quoted attribute value
    let mut quote: Option<char> = None;
    for (p, c) in attributes.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"') | (None, '\'') => quote = Some(c),
            (None, '>') => {
                return Some(Tag::Element {
                    len: name_start + name_len + p + 1,
                    name,
                    closing,
                })
            }
            (None, '<') => return None,
            _ => {}
        }
    }
    None
}

/// What an element contributes to the text at its start or end.
fn block_break(name: &str, closing: bool) -> &'static str {
    match name {
        "p" => "\u{E001}",
        "li" if !closing => "\u{E000}- ",
        "li" => "",
        "td" | "th" if closing => " ",
        "br" | "div" | "ul" | "ol" | "table" | "tr" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6"
        | "pre" | "blockquote" | "hr" | "section" | "article" | "header" | "footer" | "dl"
        | "dt" | "dd" => "\u{E000}",
        _ => "",
    }
}

/// The character reference at the start of `s` (which starts with `&`) and its length.
fn entity(s: &str) -> Option<(char, usize)> {
    let semi = s.bytes().take(12).position(|b| b == b';')?;
    let name = s.get(1..semi)?;
    let c = if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix('x').or_else(|| num.strip_prefix('X')) {
            Some(hex) if !hex.is_empty() && hex.len() <= 8 => u32::from_str_radix(hex, 16).ok()?,
            Some(_) => return None,
            None if !num.is_empty() && num.len() <= 8 => num.parse::<u32>().ok()?,
            None => return None,
        };
        match code {
            0 => '\u{FFFD}',
            _ => char::from_u32(code).unwrap_or('\u{FFFD}'),
        }
    } else {
        match name {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            "nbsp" => ' ',
            "copy" => '©',
            "reg" => '®',
            "trade" => '™',
            "hellip" => '…',
            "mdash" => '—',
            "ndash" => '–',
            "lsquo" => '‘',
            "rsquo" => '’',
            "ldquo" => '“',
            "rdquo" => '”',
            "laquo" => '«',
            "raquo" => '»',
            "bull" => '•',
            "middot" => '·',
            "deg" => '°',
            _ => return None,
        }
    };
    Some((c, semi + 1))
}

/// A line break from markup (`<br>`, `<div>`, `<li>` …).
const SOFT: char = '\u{E000}';
/// A paragraph break from markup (`<p>`).
const PARA: char = '\u{E001}';

/// Collapses runs of spaces and trims every line. Between two lines of text: a blank line when
/// a paragraph break or two source newlines came between them, else one newline.
fn tidy(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut line = String::new();
    let mut newlines = 0;
    let mut para = false;
    let flush = |line: &mut String, newlines: &mut usize, para: &mut bool, out: &mut String| {
        let text = line.split_whitespace().collect::<Vec<_>>().join(" ");
        line.clear();
        if text.is_empty() {
            return;
        }
        if !out.is_empty() {
            out.push_str(if *para || *newlines >= 2 {
                "\n\n"
            } else {
                "\n"
            });
        }
        out.push_str(&text);
        *newlines = 0;
        *para = false;
    };
    for c in s.chars() {
        match c {
            '\n' | SOFT | PARA => {
                flush(&mut line, &mut newlines, &mut para, &mut out);
                newlines += usize::from(c == '\n');
                para |= c == PARA;
            }
            c => line.push(c),
        }
    }
    flush(&mut line, &mut newlines, &mut para, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_entities_and_lists() {
        assert_eq!(
            to_text("<p>One &amp; two</p><p>Three&#39;s &#x2014; &quot;four&quot;</p>"),
            "One & two\n\nThree's — \"four\""
        );
        assert_eq!(to_text("a<br>b<BR/>c"), "a\nb\nc");
        assert_eq!(to_text("<ul><li>x</li><li>y</li></ul>"), "- x\n- y");
        assert_eq!(to_text("  spaced \t out  "), "spaced out");
        assert_eq!(to_text("<p>\n  A\n  long line\n</p>"), "A\nlong line");
        assert_eq!(to_text("<div>a</div><div>b</div>"), "a\nb");
        assert_eq!(to_text("plain\n\ntext\nlines"), "plain\n\ntext\nlines");
        assert_eq!(to_text("<ul>\n<li>x</li>\n<li>y</li>\n</ul>"), "- x\n- y");
    }

    #[test]
    fn malformed_input_is_kept_or_dropped_but_never_panics() {
        assert_eq!(to_text("a < b and c > d"), "a < b and c > d");
        assert_eq!(to_text("<p>unclosed <b"), "unclosed <b");
        assert_eq!(
            to_text("x &unknown; &amp &#xZZ; &#; &#99999999999; &#0;"),
            "x &unknown; &amp &#xZZ; &#; &#99999999999; \u{FFFD}"
        );
        assert_eq!(to_text("<!-- never closed"), "");
        assert_eq!(
            to_text("<script>alert(1)</script>ok<style>p{}</style>"),
            "ok"
        );
        assert_eq!(to_text("<a href='x>y'>link</a>"), "link");
        assert_eq!(to_text("é<p>ü&"), "é\n\nü&");
        for s in [
            "<",
            "&",
            "<<>>",
            "</",
            "<!",
            "<?",
            "&#",
            "&#x",
            "<p",
            "<scrip",
            "<script>",
            "é&#",
            "<a b=\"",
            "\u{0}<\u{0}>",
        ] {
            let _ = to_text(s);
            let _ = urls(s);
        }
    }

    #[test]
    fn every_short_combination_of_tricky_pieces_is_handled() {
        let pieces = [
            "<", ">", "&", "#", "x", ";", "/", "p", "é", "!--", "-->", "\"", "script", "http://",
            " ", "\n",
        ];
        let n = pieces.len();
        for a in 0..n {
            for b in 0..n {
                for c in 0..n {
                    for d in 0..n {
                        let s = [pieces[a], pieces[b], pieces[c], pieces[d]].concat();
                        let t = to_text(&s);
                        assert!(!t.contains(SOFT) && !t.contains(PARA), "{s:?}");
                        let _ = urls(&s);
                    }
                }
            }
        }
    }

    #[test]
    fn urls_are_split_and_trimmed() {
        assert_eq!(
            urls("<p>https://a.example/x</p><p>http://b.example/y (obsoleted by rfc7234)</p>"),
            vec!["https://a.example/x", "http://b.example/y"]
        );
        assert_eq!(
            urls(
                "http://www.w3.org/TR/CSP2/http://www.w3.org/TR/CSP/http://caniuse.com/#search=csp"
            ),
            vec![
                "http://www.w3.org/TR/CSP2/",
                "http://www.w3.org/TR/CSP/",
                "http://caniuse.com/#search=csp"
            ]
        );
        assert_eq!(
            urls("See http://www.owasp.org/index.php/Testing_(OWASP-SM-002). Also (https://x.example/a)."),
            vec!["http://www.owasp.org/index.php/Testing_(OWASP-SM-002)", "https://x.example/a"]
        );
        assert!(urls("<p>Test Reference</p>").is_empty());
        assert!(urls("http:// nothing").is_empty());
        assert_eq!(
            urls("a http://x.example/ b http://x.example/"),
            vec!["http://x.example/"]
        );
    }
}

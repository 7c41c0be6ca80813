//! Masking secret-looking values in the free text of findings.
//!
//! Scanners copy what they saw into their reports: ZAP the evidence, attack and other info of
//! "Authentication Credentials Captured" or an `Authorization: Basic …` header, secret scanners
//! the secret itself. A finding is readable by anyone with `securityhub:GetFindings`, so
//! [`build`](crate::build) masks such values in every free text of a draft before the finding is
//! made (unless the [`Context`](crate::Context) turns it off) and counts them in the
//! `asff/Redacted` product field.
//!
//! What is masked (hand-written matchers, no regular expressions):
//!
//! - the values of keys ending in `password`, `passwd`, `pwd`, `token`, `secret`, `api_key`,
//!   `apikey`, `secret_key`, `secret_access_key`, `private_key` (`-` counts as `_`, any case) after `=` or `:`, in
//!   query strings, form bodies, `key: value` and `"key": "value"` forms; an unquoted value
//!   after `:` only when it is not a plain word (`token: expired` is prose);
//! - the credential of `Authorization:` (and `Proxy-Authorization:`) after the scheme, and
//!   the value of each cookie of `Cookie:` and `Set-Cookie:` (not the attributes);
//! - JWTs (`eyJ…` base64url parts joined by dots), AWS access key ids (`AKIA`/`ASIA` and 16
//!   upper-case letters or digits), GitHub (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`,
//!   `github_pat_`), GitLab (`glpat-`) and Slack (`xoxb-`, `xoxp-`, `xoxa-`, `xoxr-`, `xoxs-`)
//!   tokens;
//! - the body of a PEM private key block (the `BEGIN` and `END` lines stay);
//! - the password of a URL's user info (`https://user:password@host`).
//!
//! A masked value keeps its first 4 characters and ends in `****` (`hunter2secret` →
//! `hunt****`); a value of 4 characters or fewer becomes `****`. Masked values are recognised,
//! so redacting twice changes nothing more than redacting once.
//!
//! ```
//! use asff_core::redact::redact;
//!
//! let (text, n) = redact("GET /login?user=bob&password=hunter2secret HTTP/1.1");
//! assert_eq!(text, "GET /login?user=bob&password=hunt**** HTTP/1.1");
//! assert_eq!(n, 1);
//! assert_eq!(redact("CVE-2021-44228").1, 0);
//! ```

use std::borrow::Cow;

use crate::build::Draft;
use crate::model::FieldMap;

/// The product field that counts the values masked in a finding.
pub const REDACTED_FIELD: &str = "asff/Redacted";

const MASK: &str = "****";
/// The longest key name looked at.
const MAX_KEY: usize = 128;
const KEEP: usize = 4;

/// Key names (lower case, `-` as `_`) whose values are secrets: a key matches when it ends in
/// one of them (`db_password`, `csrf_token`, `client_secret`, `x-api-key`).
const SECRET_KEYS: [&str; 10] = [
    "password",
    "passwd",
    "pwd",
    "token",
    "secret",
    "api_key",
    "apikey",
    "secret_key",
    "secret_access_key",
    "private_key",
];

/// Authorization schemes: their credential is masked whatever it looks like.
const SCHEMES: [&str; 13] = [
    "basic",
    "bearer",
    "digest",
    "negotiate",
    "ntlm",
    "token",
    "hoba",
    "mutual",
    "aws4-hmac-sha256",
    "oauth",
    "dpop",
    "apikey",
    "kerberos",
];

/// Schemes whose credential is a list of parameters (`Digest username="…", response="…"`):
/// the rest of the header value is masked.
const PARAM_SCHEMES: [&str; 5] = ["digest", "aws4-hmac-sha256", "oauth", "hoba", "mutual"];

/// Cookie attributes of `Set-Cookie`, whose values are no secrets.
const COOKIE_ATTRIBUTES: [&str; 10] = [
    "path",
    "domain",
    "expires",
    "max-age",
    "samesite",
    "secure",
    "httponly",
    "priority",
    "partitioned",
    "version",
];

/// `value` masked: its first 4 characters and `****`; `****` when it has 4 or fewer.
pub fn mask(value: &str) -> String {
    if value.chars().nth(KEEP).is_none() {
        return MASK.to_string();
    }
    let mut out: String = value.chars().take(KEEP).collect();
    out.push_str(MASK);
    out
}

/// Whether `value` is what [`mask`] makes.
fn is_masked(value: &str) -> bool {
    value == MASK || (value.ends_with(MASK) && value.chars().count() == KEEP + MASK.len())
}

/// `text` with its secret-looking values masked, and how many were.
pub fn redact(text: &str) -> (Cow<'_, str>, usize) {
    let spans = find_spans(text);
    let mut out = String::new();
    let mut last = 0;
    let mut count = 0;
    for (start, end) in spans {
        if start < last {
            continue;
        }
        let Some(value) = text.get(start..end) else {
            continue;
        };
        if value.is_empty() || is_masked(value) {
            continue;
        }
        out.push_str(text.get(last..start).unwrap_or_default());
        out.push_str(&mask(value));
        last = end;
        count += 1;
    }
    if count == 0 {
        return (Cow::Borrowed(text), 0);
    }
    out.push_str(text.get(last..).unwrap_or_default());
    (Cow::Owned(out), count)
}

/// `text` with every occurrence of each of `secrets` (values a scanner says are secrets, such
/// as the match of a secret scanner) masked by [`mask`], and how many were. Blank values are
/// passed over; longer values are masked first, so a secret inside another is not half-masked.
pub fn mask_values<'t>(text: &'t str, secrets: &[&str]) -> (Cow<'t, str>, usize) {
    let mut values: Vec<&str> = secrets
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty() && !is_masked(s))
        .collect();
    values.sort_by_key(|v| std::cmp::Reverse(v.len()));
    values.dedup();
    let mut out = Cow::Borrowed(text);
    let mut count = 0;
    for v in values {
        let n = out.matches(v).count();
        if n > 0 {
            count += n;
            out = Cow::Owned(out.replace(v, &mask(v)));
        }
    }
    (out, count)
}

/// Masks the secret-looking values of `text` in place; how many were masked.
pub fn redact_in_place(text: &mut String) -> usize {
    match redact(text) {
        (Cow::Owned(out), n) => {
            *text = out;
            n
        }
        (Cow::Borrowed(_), _) => 0,
    }
}

fn redact_opt(text: &mut Option<String>) -> usize {
    text.as_mut().map_or(0, redact_in_place)
}

fn redact_values(map: &mut FieldMap) -> usize {
    map.values_mut().map(redact_in_place).sum()
}

/// Masks the secret-looking values in every free text of a draft: title, description,
/// remediation text and URL, source URL, product field values, resource Ids and `Other`
/// details, vulnerability reference URLs, vendor URLs and package remediations. The identity
/// is left alone (the Id is derived from it; [`crate::id::finding_id`] masks its readable part
/// itself). Returns how many values were masked.
pub fn redact_draft(d: &mut Draft) -> usize {
    let mut n = redact_in_place(&mut d.title)
        + redact_in_place(&mut d.description)
        + redact_opt(&mut d.remediation_text)
        + redact_opt(&mut d.remediation_url)
        + redact_opt(&mut d.source_url)
        + redact_values(&mut d.product_fields);
    for r in &mut d.resources {
        n += redact_in_place(&mut r.id);
        if let Some(details) = r.details.as_mut() {
            n += redact_values(&mut details.other);
        }
    }
    for v in &mut d.vulnerabilities {
        n += v
            .reference_urls
            .iter_mut()
            .map(redact_in_place)
            .sum::<usize>();
        if let Some(vendor) = v.vendor.as_mut() {
            n += redact_opt(&mut vendor.url);
        }
        for p in &mut v.vulnerable_packages {
            n += redact_opt(&mut p.remediation);
        }
    }
    n
}

/// What a matcher found at a position: the byte ranges to mask and where to go on.
struct Hit {
    spans: Vec<(usize, usize)>,
    resume: usize,
}

impl Hit {
    fn one(start: usize, end: usize) -> Hit {
        Hit {
            spans: vec![(start, end)],
            resume: end,
        }
    }
}

/// The ranges of `text` to mask, in order. Every range starts and ends at an ASCII byte or an
/// end of the text, so it is on character boundaries.
fn find_spans(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let prev = i.checked_sub(1).and_then(|p| b.get(p)).copied();
        let hit = pem(text, i)
            .or_else(|| url_password(b, i))
            .or_else(|| {
                (!prev.is_some_and(|c| c.is_ascii_alphanumeric()))
                    .then(|| token(b, i))
                    .flatten()
            })
            .or_else(|| {
                (!prev.is_some_and(is_key_byte))
                    .then(|| keyed(b, i))
                    .flatten()
            });
        match hit {
            Some(h) => {
                spans.extend(h.spans);
                i = h.resume.max(i + 1);
            }
            // nothing starts inside a run of letters and digits (each follows one): skip it
            None => i += run(b, i, |c| c.is_ascii_alphanumeric()).max(1),
        }
    }
    spans
}

fn is_key_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.')
}

fn is_b64url(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-')
}

/// How many bytes from `i` satisfy `f`.
fn run(b: &[u8], i: usize, f: impl Fn(u8) -> bool) -> usize {
    b.get(i..)
        .map_or(0, |rest| rest.iter().take_while(|&&c| f(c)).count())
}

fn starts_with(b: &[u8], i: usize, prefix: &[u8]) -> bool {
    b.get(i..).is_some_and(|rest| rest.starts_with(prefix))
}

fn find(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    let rest = b.get(from..)?;
    rest.windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

/// A PEM private key block at `i`: its body, between the BEGIN line and the END line (or the
/// end of the text, when it was cut).
fn pem(text: &str, i: usize) -> Option<Hit> {
    const BEGIN: &[u8] = b"-----BEGIN ";
    let b = text.as_bytes();
    if !starts_with(b, i, BEGIN) {
        return None;
    }
    let label_start = i + BEGIN.len();
    let window = b.get(label_start..b.len().min(label_start + 80))?;
    let label_end = label_start + find(window, 0, b"-----")?;
    let label = b.get(label_start..label_end)?;
    if label.len() > 64 || label.contains(&b'\n') || !label.ends_with(b"PRIVATE KEY") {
        return None;
    }
    let body_start = label_end + 5;
    let body_end = find(b, body_start, b"-----END ").unwrap_or(b.len());
    let body = b.get(body_start..body_end)?;
    let lead = body.iter().take_while(|c| c.is_ascii_whitespace()).count();
    let trail = body
        .iter()
        .rev()
        .take_while(|c| c.is_ascii_whitespace())
        .count();
    let (start, end) = (body_start + lead, body_end.saturating_sub(trail));
    Some(Hit {
        spans: if start < end {
            vec![(start, end)]
        } else {
            Vec::new()
        },
        resume: body_end.max(body_start),
    })
}

/// The password of a URL's user info at `i` (which is at `://`).
fn url_password(b: &[u8], i: usize) -> Option<Hit> {
    if !starts_with(b, i, b"://") {
        return None;
    }
    let start = i + 3;
    let len = run(b, start, |c| {
        !c.is_ascii_whitespace() && !matches!(c, b'/' | b'?' | b'#' | b'"' | b'\'' | b'<' | b'>')
    });
    let authority = b.get(start..start + len)?;
    let at = authority.iter().rposition(|&c| c == b'@')?;
    let colon = authority.get(..at)?.iter().position(|&c| c == b':')?;
    (colon + 1 < at).then(|| Hit::one(start + colon + 1, start + at))
}

/// A token recognisable by its form at `i`: a JWT, an AWS access key id, a GitHub, GitLab or
/// Slack token.
fn token(b: &[u8], i: usize) -> Option<Hit> {
    let c = *b.get(i)?;
    if !c.is_ascii_alphanumeric() {
        return None;
    }
    if starts_with(b, i, b"eyJ") {
        let p1 = run(b, i, is_b64url);
        if p1 >= 10 && b.get(i + p1) == Some(&b'.') {
            let p2 = run(b, i + p1 + 1, is_b64url);
            if p2 >= 4 {
                let mut end = i + p1 + 1 + p2;
                if b.get(end) == Some(&b'.') {
                    end += 1 + run(b, end + 1, is_b64url);
                }
                return Some(Hit::one(i, end));
            }
        }
        return None;
    }
    if starts_with(b, i, b"AKIA") || starts_with(b, i, b"ASIA") {
        let n = run(b, i + 4, |c| c.is_ascii_uppercase() || c.is_ascii_digit());
        let next_alnum = b.get(i + 4 + n).is_some_and(|c| c.is_ascii_alphanumeric());
        return (n == 16 && !next_alnum).then(|| Hit::one(i, i + 20));
    }
    let prefixed = |prefixes: &[&[u8]], min: usize, f: fn(u8) -> bool| {
        prefixes.iter().find_map(|p| {
            if !starts_with(b, i, p) {
                return None;
            }
            let n = run(b, i + p.len(), f);
            (n >= min).then(|| Hit::one(i, i + p.len() + n))
        })
    };
    prefixed(
        &[b"ghp_", b"gho_", b"ghu_", b"ghs_", b"ghr_"],
        20,
        |c: u8| c.is_ascii_alphanumeric(),
    )
    .or_else(|| {
        prefixed(&[b"github_pat_"], 20, |c: u8| {
            c.is_ascii_alphanumeric() || c == b'_'
        })
    })
    .or_else(|| prefixed(&[b"glpat-"], 20, is_b64url))
    .or_else(|| {
        prefixed(
            &[b"xoxb-", b"xoxp-", b"xoxa-", b"xoxr-", b"xoxs-"],
            10,
            |c: u8| c.is_ascii_alphanumeric() || c == b'-',
        )
    })
}

/// What a key at `i` names.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Key {
    Secret,
    Authorization,
    Cookie,
}

/// A plain word (letters, lower case after the first): prose, not a secret.
fn is_word(v: &[u8]) -> bool {
    match v.split_first() {
        Some((first, rest)) => {
            first.is_ascii_alphabetic() && rest.iter().all(|c| c.is_ascii_lowercase())
        }
        None => false,
    }
}

/// A value after a secret key, `Authorization` or `Cookie` at `i`.
fn keyed(b: &[u8], i: usize) -> Option<Hit> {
    if !b.get(i).is_some_and(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let key_len = run(b, i, is_key_byte);
    if key_len > MAX_KEY {
        return None;
    }
    let key: String = b
        .get(i..i + key_len)?
        .iter()
        .map(|&c| match c {
            b'-' => '_',
            c => char::from(c.to_ascii_lowercase()),
        })
        .collect();
    let kind = if key == "authorization" || key.ends_with("_authorization") {
        Key::Authorization
    } else if key == "cookie" || key == "set_cookie" {
        Key::Cookie
    } else if SECRET_KEYS.iter().any(|k| key.ends_with(k)) {
        Key::Secret
    } else {
        return None;
    };
    let mut p = i + key_len;
    // a quoted key: `"password": …`, `\"password\": …`
    if b.get(p) == Some(&b'\\') && matches!(b.get(p + 1), Some(b'"' | b'\'')) {
        p += 1;
    }
    let key_quoted = matches!(b.get(p), Some(b'"' | b'\''));
    if key_quoted {
        p += 1;
    }
    p += run(b, p, |c| c == b' ' || c == b'\t');
    let sep = *b.get(p)?;
    match (sep, kind) {
        (b':', _) | (b'=', Key::Secret | Key::Authorization) => {}
        _ => return None,
    }
    p += 1;
    p += run(b, p, |c| c == b' ' || c == b'\t');
    if b.get(p) == Some(&b'\\') && matches!(b.get(p + 1), Some(b'"' | b'\'')) {
        p += 1;
    }
    let quote = b.get(p).copied().filter(|c| matches!(c, b'"' | b'\''));
    if quote.is_some() {
        p += 1;
    }
    let start = p;
    match kind {
        Key::Secret => {
            let len = match quote {
                Some(q) => run(b, start, |c| {
                    c != q && c != b'\\' && c != b'\n' && c != b'\r'
                }),
                None => run(b, start, |c| {
                    !c.is_ascii_whitespace()
                        && !matches!(
                            c,
                            b'&' | b';'
                                | b','
                                | b'"'
                                | b'\''
                                | b'<'
                                | b'>'
                                | b')'
                                | b']'
                                | b'}'
                                | b'\\'
                        )
                }),
            };
            let value = b.get(start..start + len)?;
            if len == 0 || (sep == b':' && quote.is_none() && !key_quoted && is_word(value)) {
                return None;
            }
            Some(Hit::one(start, start + len))
        }
        Key::Authorization => {
            let end = start + region(b, start, quote);
            // the parameters of `Digest …` are quoted: to the end of the line
            let full = match quote {
                Some(_) => end,
                None => start + run(b, start, |c| c != b'\n' && c != b'\r'),
            };
            authorization(b, start, end, full)
        }
        Key::Cookie => {
            let end = start + region(b, start, quote);
            cookies(b, start, end)
        }
    }
}

/// The length of a header value from `start`: to its closing quote, else to the end of the
/// line.
fn region(b: &[u8], start: usize, quote: Option<u8>) -> usize {
    run(b, start, |c| {
        c != b'\n'
            && c != b'\r'
            && c != b'\\'
            && match quote {
                Some(q) => c != q,
                None => !matches!(c, b'"' | b'\'' | b'<' | b'>'),
            }
    })
}

/// The credential of an Authorization header value in `start..end` (`full`: the end of its
/// line, for the parameters of schemes like `Digest`).
fn authorization(b: &[u8], start: usize, end: usize, full: usize) -> Option<Hit> {
    let tok = |from: usize| {
        let n = run(b, from, |c| {
            !c.is_ascii_whitespace() && !matches!(c, b',' | b';')
        });
        (from, (from + n).min(end).max(from))
    };
    let (t0, t1) = tok(start);
    let first = b.get(t0..t1)?;
    if first.is_empty() {
        return None;
    }
    let scheme: String = first
        .iter()
        .map(|c| char::from(c.to_ascii_lowercase()))
        .collect();
    let gap = run(b, t1, |c| c == b' ' || c == b'\t');
    let (c0, c1) = tok(t1 + gap);
    let cred = b
        .get(c0..c1)
        .filter(|c| gap > 0 && !c.is_empty() && c1 <= end);
    if let Some(cred) = cred {
        if PARAM_SCHEMES.contains(&scheme.as_str()) {
            let full = full.max(end);
            let trail = b
                .get(c0..full)?
                .iter()
                .rev()
                .take_while(|c| c.is_ascii_whitespace())
                .count();
            return Some(Hit::one(c0, full - trail));
        }
        if SCHEMES.contains(&scheme.as_str())
            || (first.iter().all(u8::is_ascii_alphabetic) && !is_word(cred))
        {
            return Some(Hit::one(c0, c1));
        }
    }
    (!is_word(first) && !SCHEMES.contains(&scheme.as_str())).then(|| Hit::one(t0, t1))
}

/// The values of the cookies in a Cookie or Set-Cookie header value in `start..end`.
fn cookies(b: &[u8], start: usize, end: usize) -> Option<Hit> {
    let mut spans = Vec::new();
    let mut p = start;
    loop {
        p += run(b, p, |c| c == b' ' || c == b'\t');
        let name_len = run(b, p, |c| {
            !c.is_ascii_whitespace() && !matches!(c, b'=' | b';' | b',')
        });
        let name_end = (p + name_len).min(end);
        if name_end <= p || b.get(name_end) != Some(&b'=') {
            break;
        }
        let name: String = b
            .get(p..name_end)?
            .iter()
            .map(|c| char::from(c.to_ascii_lowercase()))
            .collect();
        let v0 = name_end + 1;
        let v1 = (v0
            + run(b, v0, |c| {
                !c.is_ascii_whitespace() && !matches!(c, b';' | b',' | b'"' | b'\'' | b'\\')
            }))
        .min(end)
        .max(v0);
        if v1 > v0 && !COOKIE_ATTRIBUTES.contains(&name.as_str()) {
            spans.push((v0, v1));
        }
        p = v1;
        if p < end && matches!(b.get(p), Some(b';' | b',')) {
            p += 1;
        } else {
            break;
        }
    }
    (!spans.is_empty()).then_some(Hit { spans, resume: p })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values_are_masked_everywhere() {
        let (t, n) = mask_values(
            "key s3cr3tvalue9 and again s3cr3tvalue9; s3cr3t",
            &["s3cr3t", " s3cr3tvalue9 ", ""],
        );
        assert_eq!(t, "key s3cr**** and again s3cr****; s3cr****");
        assert_eq!(n, 3);
        assert_eq!(
            mask_values("nothing here", &["zzz"]),
            (Cow::Borrowed("nothing here"), 0)
        );
        let (again, n) = mask_values(&t, &["s3cr****"]);
        assert_eq!((again.as_ref(), n), (t.as_ref(), 0), "masked values stay");
    }

    fn r(s: &str) -> String {
        redact(s).0.into_owned()
    }

    fn n(s: &str) -> usize {
        redact(s).1
    }

    #[track_caller]
    fn untouched(s: &str) {
        assert_eq!(redact(s), (Cow::Borrowed(s), 0), "{s:?} was changed");
    }

    #[test]
    fn masking_keeps_four_characters() {
        assert_eq!(mask("hunter2secret"), "hunt****");
        assert_eq!(mask("abcd"), "****");
        assert_eq!(mask("abcde"), "abcd****");
        assert_eq!(mask(""), "****");
        assert_eq!(mask("éééééé"), "éééé****");
    }

    #[test]
    fn key_value_pairs() {
        assert_eq!(r("password=hunter2secret"), "password=hunt****");
        assert_eq!(
            r("a?user=bob&PWD=s3cr3tvalue&x=1"),
            "a?user=bob&PWD=s3cr****&x=1"
        );
        assert_eq!(r("passwd=abc"), "passwd=****");
        assert_eq!(r("token=abcdef123456"), "token=abcd****");
        assert_eq!(
            r("access_token=abcdef123456&b=2"),
            "access_token=abcd****&b=2"
        );
        assert_eq!(r("client_secret=zzzzzzzz"), "client_secret=zzzz****");
        assert_eq!(
            r("api_key=12345678 apikey=87654321"),
            "api_key=1234**** apikey=8765****"
        );
        assert_eq!(r("X-Api-Key: 0123456789abcdef"), "X-Api-Key: 0123****");
        assert_eq!(r("DB_PASSWORD: hunter2"), "DB_PASSWORD: hunt****");
        assert_eq!(
            r(r#"{"password": "correct horse"}"#),
            r#"{"password": "corr****"}"#
        );
        assert_eq!(
            r(r#"{"password":"changeme"}"#),
            r#"{"password":"chan****"}"#
        );
        assert_eq!(
            r(r#"{\"token\":\"abcdefgh\"}"#),
            r#"{\"token\":\"abcd****\"}"#
        );
        assert_eq!(r("secret = 'abcdefgh'"), "secret = 'abcd****'");
        assert_eq!(
            r("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            "aws_secret_access_key = wJal****"
        );
        assert_eq!(n("password=a&token=b"), 2);
    }

    #[test]
    fn key_value_negatives() {
        untouched("Whenever a cookie contains sensitive information or is a session token, then it should always be passed using an encrypted channel.");
        untouched("The token: expired");
        untouched("The password field has autocomplete enabled");
        untouched("tokens=5 passwords=many");
        untouched("password=");
        untouched("https://httpd.apache.org/docs/current/mod/core.html#servertokens");
        untouched("https://example.com/search?q=token&page=2");
    }

    #[test]
    fn authorization_headers() {
        assert_eq!(
            r("Authorization: Basic dXNlcjpwYXNz"),
            "Authorization: Basic dXNl****"
        );
        assert_eq!(
            r("GET / HTTP/1.1\r\nauthorization: Bearer abc.def.ghi\r\nHost: x"),
            "GET / HTTP/1.1\r\nauthorization: Bearer abc.****\r\nHost: x"
        );
        assert_eq!(
            r("Proxy-Authorization: Custom dXNlcjpwYXNz"),
            "Proxy-Authorization: Custom dXNl****"
        );
        assert_eq!(r("Authorization: abcd1234efgh"), "Authorization: abcd****");
        assert_eq!(
            r(r#"Authorization: Digest username="bob", response="6629fae4""#),
            "Authorization: Digest user****"
        );
        assert_eq!(
            r(r#"{"Authorization":"Bearer s3cr3t-t0ken"}"#),
            r#"{"Authorization":"Bearer s3cr****"}"#
        );
        assert_eq!(n("Authorization: Basic dXNlcjpwYXNz"), 1);
    }

    #[test]
    fn authorization_negatives() {
        untouched("Authorization: the server requires it");
        untouched("Authorization: Bearer");
        untouched("The Authorization header is missing");
        untouched("Authorization Required");
    }

    #[test]
    fn cookies_mask_each_value_not_the_attributes() {
        assert_eq!(
            r("Cookie: JSESSIONID=ABCDEF0123456789; theme=dark"),
            "Cookie: JSESSIONID=ABCD****; theme=****"
        );
        assert_eq!(n("Cookie: a=1; b=2; c=3"), 3);
        assert_eq!(
            r("Set-Cookie: sid=0123456789abcdef; Path=/; Domain=example.com; HttpOnly"),
            "Set-Cookie: sid=0123****; Path=/; Domain=example.com; HttpOnly"
        );
        assert_eq!(
            r(r#""set-cookie": "sid=0123456789; SameSite=Lax""#),
            r#""set-cookie": "sid=0123****; SameSite=Lax""#
        );
    }

    #[test]
    fn cookie_negatives() {
        // ZAP's evidence of its cookie alerts names the cookie only
        untouched("Set-Cookie: opvc");
        untouched("Set-Cookie: JSESSIONID");
        untouched("A cookie has been set without the secure flag");
        untouched("Cookie Without SameSite Attribute");
    }

    #[test]
    fn jwts() {
        let jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
        assert_eq!(r(&format!("x {jwt} y")), "x eyJh**** y");
        // cut by a length limit
        assert_eq!(r("see eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIx…"), "see eyJh****…");
    }

    #[test]
    fn jwt_negatives() {
        untouched("eyJ is how JSON starts in base64");
        untouched("eyJhbGciOiJIUzI1NiJ9");
        untouched("json.eyJ.abc");
    }

    #[test]
    fn aws_keys() {
        assert_eq!(r("key AKIAIOSFODNN7EXAMPLE used"), "key AKIA**** used");
        assert_eq!(r("ASIAY34FZKBOKMUTVV7A"), "ASIA****");
        assert_eq!(
            r("aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            "aws_secret_access_key=wJal****"
        );
    }

    #[test]
    fn aws_negatives() {
        untouched("AKIAIOSFODNN7EXAMPL");
        untouched("AKIAIOSFODNN7EXAMPLEX");
        untouched("XAKIAIOSFODNN7EXAMPLE");
        untouched("AKIA is a prefix");
    }

    #[test]
    fn vendor_tokens() {
        assert_eq!(r("ghp_16C7e42F292c6912E7710c838347Ae178B4a"), "ghp_****");
        assert_eq!(
            r("t=gho_16C7e42F292c6912E7710c838347Ae178B4a"),
            "t=gho_****"
        );
        assert_eq!(
            r("github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz"),
            "gith****"
        );
        assert_eq!(r("glpat-xxxxxxxxxxxxxxxxxxxx ok"), "glpa**** ok");
        assert_eq!(r("xoxb-123456789012-abcdefghij"), "xoxb****");
        assert_eq!(r("xoxp-1234567890"), "xoxp****");
    }

    #[test]
    fn vendor_token_negatives() {
        untouched("ghp_short");
        untouched("the ghp_ prefix");
        untouched("glpat-abc");
        untouched("xoxb-1");
        untouched("xxoxb-123456789012-abcdefghij");
    }

    #[test]
    fn pem_private_keys() {
        let pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7\nMore+Lines/==\n-----END RSA PRIVATE KEY-----";
        assert_eq!(
            r(pem),
            "-----BEGIN RSA PRIVATE KEY-----\nMIIE****\n-----END RSA PRIVATE KEY-----"
        );
        assert_eq!(
            r("key: -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhki…"),
            "key: -----BEGIN PRIVATE KEY-----\nMIIE****"
        );
        assert_eq!(n(pem), 1);
    }

    #[test]
    fn pem_negatives() {
        untouched("-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIE\n-----END CERTIFICATE-----");
        untouched("-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0B\n-----END PUBLIC KEY-----");
    }

    #[test]
    fn url_user_info() {
        assert_eq!(
            r("https://deploy:s3cr3tpass@git.example.com/o/r.git"),
            "https://deploy:s3cr****@git.example.com/o/r.git"
        );
        untouched("https://user@example.com/");
        untouched("https://example.com:8443/path?a=b");
        untouched("mailto:someone@example.com");
    }

    #[test]
    fn identifiers_and_digests_are_no_secrets() {
        for s in [
            "CVE-2021-44228",
            "GHSA-jfh8-c2jp-5v3q",
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "123e4567-e89b-12d3-a456-426614174000",
            "da39a3ee5e6b4b0d3255bfef95601890afd80709",
            "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
            "arn:aws:iam::123456789012:role/token-reader",
            "CWE-522: Insufficiently Protected Credentials",
            "Use a token bucket; a password policy is recommended.",
            "https://example.com/docs/password-reset",
        ] {
            untouched(s);
        }
    }

    #[test]
    fn huge_texts_take_linear_time() {
        let huge = format!("{}é€😀 token=abcdefgh", "A".repeat(8 << 20));
        let start = std::time::Instant::now();
        assert_eq!(n(&huge), 1);
        let words = "a b-c d_e f.g ".repeat(1 << 18);
        assert_eq!(n(&words), 0);
        assert!(start.elapsed() < std::time::Duration::from_secs(20));
    }

    #[test]
    fn redacting_twice_is_redacting_once() {
        for s in [
            "password=hunter2secret",
            "pwd=ab",
            "Authorization: Basic dXNlcjpwYXNz",
            "Authorization: abcd1234efgh",
            "Cookie: a=1; b=abcdefgh",
            "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----",
            "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
            "https://u:p@h",
        ] {
            let once = r(s);
            assert_ne!(once, s);
            assert_eq!(redact(&once), (Cow::Borrowed(once.as_str()), 0), "{s:?}");
        }
    }

    #[test]
    fn draft_texts_are_redacted() {
        let mut d = Draft {
            identity: vec!["password=keepme1".into()],
            title: "token=abcdefgh".into(),
            description: "Authorization: Basic dXNlcjpwYXNz".into(),
            remediation_text: Some("pwd=1234567".into()),
            product_fields: [("k".to_string(), "secret=zzzzzz".to_string())].into(),
            resources: vec![crate::model::Resource {
                kind: "Other".into(),
                id: "https://h/?token=abcdefgh".into(),
                details: Some(crate::model::ResourceDetails {
                    other: [("Evidence".to_string(), "Cookie: s=123456".to_string())].into(),
                    ..Default::default()
                }),
                ..Default::default()
            }],
            ..Default::default()
        };
        assert_eq!(redact_draft(&mut d), 6);
        assert_eq!(d.identity, ["password=keepme1"]);
        assert_eq!(d.title, "token=abcd****");
        assert_eq!(d.resources[0].id, "https://h/?token=abcd****");
    }

    #[test]
    fn build_masks_and_counts_unless_the_context_turns_it_off() {
        let ctx = crate::Context::new("123456789012", "eu-west-1").unwrap();
        let tool = crate::ToolInfo {
            name: "t",
            product_name: "T",
            company_name: "T",
        };
        let scope = crate::Scope::Repository {
            name: "github.com/o/r".into(),
            branch: None,
        };
        let draft = || Draft {
            identity: vec!["10105".into()],
            title: "Authentication Credentials Captured".into(),
            description: "Authorization: Basic dXNlcjpwYXNz".into(),
            types: vec!["Software and Configuration Checks/Vulnerabilities".into()],
            product_fields: [("t/Evidence".to_string(), "password=hunter2".to_string())].into(),
            ..Default::default()
        };
        let on = crate::build(&ctx, &tool, &scope, draft()).unwrap();
        let json = serde_json::to_string(&on).unwrap();
        assert!(
            !json.contains("dXNlcjpwYXNz") && !json.contains("hunter2"),
            "{json}"
        );
        assert_eq!(on.product_fields[REDACTED_FIELD], "2");
        let off = crate::build(&ctx.with_redaction(false), &tool, &scope, draft()).unwrap();
        assert_eq!(off.description, "Authorization: Basic dXNlcjpwYXNz");
        assert!(!off.product_fields.contains_key(REDACTED_FIELD));
        assert_eq!(on.id, off.id);
        assert_eq!(on.generator_id, off.generator_id);
    }

    #[test]
    fn build_adds_to_what_a_parser_masked_itself() {
        let ctx = crate::Context::new("123456789012", "eu-west-1").unwrap();
        let tool = crate::ToolInfo {
            name: "t",
            product_name: "T",
            company_name: "T",
        };
        let scope = crate::Scope::Repository {
            name: "github.com/o/r".into(),
            branch: None,
        };
        let (snippet, n) = mask_values("key = zq8Xv2Lm9Tr4Wp7K", &["zq8Xv2Lm9Tr4Wp7K"]);
        let draft = Draft {
            identity: vec!["generic".into()],
            title: "password=hunter2secret".into(),
            types: vec!["Sensitive Data Identifications/Passwords".into()],
            product_fields: [
                ("t/Snippet".to_string(), snippet.into_owned()),
                (REDACTED_FIELD.to_string(), n.to_string()),
            ]
            .into(),
            ..Default::default()
        };
        let f = crate::build(&ctx, &tool, &scope, draft.clone()).unwrap();
        assert_eq!(f.product_fields[REDACTED_FIELD], "2");
        assert_eq!(f.product_fields["t/Snippet"], "key = zq8X****");
        let off = crate::build(&ctx.with_redaction(false), &tool, &scope, draft).unwrap();
        assert_eq!(off.product_fields[REDACTED_FIELD], "1");
    }

    mod properties {
        use super::super::*;
        use proptest::prelude::*;

        fn text() -> impl Strategy<Value = String> {
            let piece = prop_oneof![
                Just("password=".to_string()),
                Just("pwd: ".to_string()),
                Just("\"token\": \"".to_string()),
                Just("Authorization: ".to_string()),
                Just("Basic ".to_string()),
                Just("Cookie: ".to_string()),
                Just("Set-Cookie: ".to_string()),
                Just("eyJhbGciOiJIUzI1NiJ9.".to_string()),
                Just("AKIAIOSFODNN7EXAMPLE".to_string()),
                Just("ghp_16C7e42F292c6912E7710c838347Ae178B4a".to_string()),
                Just("-----BEGIN RSA PRIVATE KEY-----\n".to_string()),
                Just("-----END RSA PRIVATE KEY-----".to_string()),
                Just("https://u:p@".to_string()),
                Just("****".to_string()),
                "[ -~]{0,12}",
                "[\\PC\\s]{0,6}",
                "[=:;&,\"'\\\\ \n*é€😀]{0,3}",
            ];
            prop::collection::vec(piece, 0..12).prop_map(|v| v.concat())
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(2000))]

            #[test]
            fn never_panics_stays_bounded_and_is_idempotent(s in text()) {
                let (once, n) = redact(&s);
                prop_assert!(once.len() <= 2 * s.len() + 8, "{} -> {}", s.len(), once.len());
                prop_assert_eq!(n == 0, once == s);
                let (twice, m) = redact(&once);
                prop_assert_eq!(&twice, &once);
                prop_assert_eq!(m, 0);
            }

            #[test]
            fn never_panics_on_any_string(s in "\\PC{0,64}") {
                let (once, _) = redact(&s);
                prop_assert_eq!(redact(&once).0, once.clone());
            }
        }
    }
}

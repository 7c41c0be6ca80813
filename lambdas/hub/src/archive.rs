//! The raw report archive in S3, and reading reports from S3.
//!
//! # Keys
//!
//! A raw report is stored under
//! `raw/{tool}/{repository}/{branch}/{build id}/{timestamp}-{name}.{json|xml}` ([`raw_key`]):
//!
//! - every part is *sanitised*: ASCII letters, digits, `-`, `_` and `.` are kept, every other
//!   character (`:`, `@`, spaces, non-ASCII, …) becomes `_`; the repository keeps its `/`
//!   separators (`github.com/org/app` stays three levels), empty segments are dropped and
//!   `.`/`..` segments become `_`; other parts have `/` replaced by `_` too
//!   (`feature/x` → `feature_x`);
//! - a missing or empty part is `unknown`;
//! - a part longer than 100 bytes (the repository: 200) is cut, and `~` plus the first 8 hex
//!   digits of the SHA-256 of the whole original part are appended, so distinct long values
//!   stay distinct;
//! - the timestamp is the invocation time in ISO 8601 basic format, UTC, milliseconds:
//!   `20240102T030405.678Z` (sorts by time, no `:`);
//! - the name tells the reports of one build apart ([`report_name`]): the input object's
//!   file name without extension and the first 8 hex digits of the SHA-256 of the report
//!   (`zap-api-1a2b3c4d`), or the hash alone for a report sent in the payload;
//! - the extension is `xml` when the report is an XML document, else `json`.
//!
//! When findings of the report were not imported, their full list goes beside it as
//! `…/{timestamp}-{name}.failed.json` ([`failed_key`]); the answer lists the first 100.
//!
//! The bucket is versioned, so two reports archived in the same millisecond under the same key
//! both stay.
//!
//! # Metadata
//!
//! The context goes along as S3 user metadata (`x-amz-meta-*`): `tool`, `report-type`,
//! `repository`, `branch`, `commit`, `build-id`, `created-at`, `account-id`, `region`,
//! `source`, `request-id`, as far as known. Values are printable ASCII: other bytes are
//! percent-encoded (UTF-8), and a value is cut at 256 bytes.
//!
//! # Encryption
//!
//! SSE-KMS with the configured key when there is one (`REPORT_KMS_KEY_ID`), else SSE-S3
//! (`AES256`).

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::ServerSideEncryption;
use bytes::Bytes;
use time::OffsetDateTime;

use crate::error::{AwsError, Retry};

/// Where an object is: `s3://bucket/key`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct S3Location {
    pub bucket: String,
    pub key: String,
}

impl S3Location {
    /// Parses `s3://bucket/key`.
    pub fn parse(uri: &str) -> Result<Self, String> {
        let rest = uri
            .trim()
            .strip_prefix("s3://")
            .ok_or_else(|| format!("{uri:?} is not an s3:// URI"))?;
        match rest.split_once('/') {
            Some((b, k)) if !b.is_empty() && !k.is_empty() => Ok(S3Location {
                bucket: b.to_string(),
                key: k.to_string(),
            }),
            _ => Err(format!(
                "{uri:?} does not name a bucket and a key (s3://bucket/key)"
            )),
        }
    }
}

impl fmt::Display for S3Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "s3://{}/{}", self.bucket, self.key)
    }
}

/// An object read from S3.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoredObject {
    pub body: Vec<u8>,
    /// User metadata, keys in lower case without `x-amz-meta-`.
    pub metadata: BTreeMap<String, String>,
}

/// The parts of a raw report's key.
#[derive(Debug, Clone)]
pub struct RawKey<'a> {
    pub tool: &'a str,
    pub repository: Option<&'a str>,
    pub branch: Option<&'a str>,
    pub build_id: Option<&'a str>,
    pub timestamp: OffsetDateTime,
    /// Whether the report is an XML document (`.xml`) rather than JSON (`.json`).
    pub xml: bool,
    /// What tells this report from others of the same build: [`report_name`].
    pub name: &'a str,
}

/// The part of a raw report's key that tells it from the other reports of one build archived
/// at the same moment (two objects of one S3 notification, say): the input object's file name
/// without its extension when there is one, then the first 8 hex digits of the SHA-256 of the
/// report's bytes (`zap-api-1a2b3c4d`; `1a2b3c4d` alone for a report sent in the payload).
pub fn report_name(input_key: Option<&str>, body: &[u8]) -> String {
    let hash = asff_core::id::sha256_hex_bytes(body);
    let hash = hash.get(..8).unwrap_or(&hash);
    let stem = input_key
        .and_then(|k| k.rsplit('/').next())
        .map(|f| match f.rsplit_once('.') {
            Some((stem, _)) if !stem.is_empty() => stem,
            _ => f,
        })
        .filter(|s| !s.is_empty());
    match stem {
        Some(s) => format!("{s}-{hash}"),
        None => hash.to_string(),
    }
}

/// The archive key of a raw report; see the [module documentation](self) for the rule.
pub fn raw_key(k: &RawKey<'_>) -> String {
    let t = k.timestamp.to_offset(time::UtcOffset::UTC);
    let stamp = format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}.{:03}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    );
    format!(
        "raw/{}/{}/{}/{}/{}-{}.{}",
        sanitize_part(Some(k.tool), 100),
        sanitize_repository(k.repository),
        sanitize_part(k.branch, 100),
        sanitize_part(k.build_id, 100),
        stamp,
        sanitize_part(Some(k.name), 100),
        if k.xml { "xml" } else { "json" }
    )
}

/// Where the full list of a report's failed findings goes, beside its raw report:
/// `raw/…/{timestamp}-{name}.failed.json`.
pub fn failed_key(raw_key: &str) -> String {
    let stem = raw_key
        .strip_suffix(".json")
        .or_else(|| raw_key.strip_suffix(".xml"))
        .unwrap_or(raw_key);
    format!("{stem}.failed.json")
}

fn sanitize_chars(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn cap(original: &str, s: String, max: usize) -> String {
    if s.len() <= max {
        return s;
    }
    let hash = asff_core::id::sha256_hex(original);
    let hex = hash.get(..8).unwrap_or(&hash);
    // s is ASCII after sanitising: any byte index is a char boundary
    format!(
        "{}~{hex}",
        asff_core::fit::truncate_bytes(&s, max.saturating_sub(9))
    )
}

/// One key part: sanitised, `/` replaced, `.`/`..` made harmless, capped.
pub fn sanitize_part(part: Option<&str>, max: usize) -> String {
    let original = part.map(str::trim).unwrap_or("");
    if original.is_empty() {
        return "unknown".to_string();
    }
    let mut s = sanitize_chars(original);
    if s == "." || s == ".." {
        s = "_".repeat(s.len());
    }
    cap(original, s, max)
}

/// The repository: each `/`-separated segment sanitised, empty ones dropped, capped at 200.
pub fn sanitize_repository(repo: Option<&str>) -> String {
    let original = repo.map(str::trim).unwrap_or("");
    let segments: Vec<String> = original
        .split('/')
        .filter(|s| !s.trim().is_empty())
        .map(|s| {
            let s = sanitize_chars(s.trim());
            if s == "." || s == ".." {
                "_".repeat(s.len())
            } else {
                s
            }
        })
        .collect();
    if segments.is_empty() {
        return "unknown".to_string();
    }
    let joined = segments.join("/");
    let capped = cap(original, joined, 200);
    // a cut may leave a trailing or doubled separator
    capped
        .split('/')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("/")
}

/// A metadata value as S3 takes it: printable ASCII, the rest percent-encoded, at most 256
/// bytes.
pub fn metadata_value(v: &str) -> String {
    let mut out = String::with_capacity(v.len().min(256));
    for c in v.chars() {
        let mut enc = String::new();
        if c.is_ascii() && (0x20..0x7f).contains(&(c as u32)) && c != '%' {
            enc.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                enc.push_str(&format!("%{b:02X}"));
            }
        }
        // whole characters only
        if out.len() + enc.len() > 256 {
            break;
        }
        out.push_str(&enc);
    }
    out
}

/// Undoes [`metadata_value`]'s percent-encoding (lossy for invalid UTF-8).
pub fn metadata_decode(v: &str) -> String {
    String::from_utf8_lossy(&asff_core::text::percent_decode(v, false)).into_owned()
}

/// Where raw reports are kept, and where reports are read from.
pub trait Archive: Send + Sync {
    /// Stores `body` under `key` in the archive bucket, encrypted, with `metadata`; returns the
    /// object's `s3://` URI.
    fn put(
        &self,
        key: &str,
        body: Bytes,
        content_type: &str,
        metadata: &BTreeMap<String, String>,
    ) -> impl Future<Output = Result<S3Location, AwsError>> + Send;

    /// Reads an object (a report referenced by `reportS3Uri` or an S3 notification) of at most
    /// `max_bytes`: a larger one is refused from its `Content-Length` before its body is read
    /// (a permanent [`REPORT_TOO_LARGE`] error naming both sizes).
    fn get(
        &self,
        location: &S3Location,
        max_bytes: u64,
    ) -> impl Future<Output = Result<StoredObject, AwsError>> + Send;
}

impl<T: Archive> Archive for std::sync::Arc<T> {
    fn put(
        &self,
        key: &str,
        body: Bytes,
        content_type: &str,
        metadata: &BTreeMap<String, String>,
    ) -> impl Future<Output = Result<S3Location, AwsError>> + Send {
        (**self).put(key, body, content_type, metadata)
    }

    fn get(
        &self,
        location: &S3Location,
        max_bytes: u64,
    ) -> impl Future<Output = Result<StoredObject, AwsError>> + Send {
        (**self).get(location, max_bytes)
    }
}

/// The code of the error for a report over the size limit.
pub const REPORT_TOO_LARGE: &str = "ReportTooLarge";

/// The error for a report of `size` bytes over `max` ([`Archive::get`]).
pub fn too_large(location: &S3Location, size: u64, max: u64) -> AwsError {
    AwsError::new(
        Retry::Permanent,
        "S3.GetObject",
        REPORT_TOO_LARGE,
        format!("{location} is {size} bytes, over the limit of {max} bytes (MAX_REPORT_BYTES); nothing was downloaded"),
    )
}

/// The archive in an S3 bucket.
#[derive(Debug, Clone)]
pub struct S3Archive {
    client: aws_sdk_s3::Client,
    bucket: String,
    kms_key_id: Option<String>,
}

impl S3Archive {
    /// SSE-KMS with `kms_key_id` when given (and not blank), else SSE-S3.
    pub fn new(
        client: aws_sdk_s3::Client,
        bucket: impl Into<String>,
        kms_key_id: Option<String>,
    ) -> Self {
        S3Archive {
            client,
            bucket: bucket.into(),
            kms_key_id: kms_key_id.filter(|k| !k.trim().is_empty()),
        }
    }

    pub fn bucket(&self) -> &str {
        &self.bucket
    }
}

impl Archive for S3Archive {
    async fn put(
        &self,
        key: &str,
        body: Bytes,
        content_type: &str,
        metadata: &BTreeMap<String, String>,
    ) -> Result<S3Location, AwsError> {
        let mut req = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_type(content_type)
            .body(ByteStream::from(body));
        for (k, v) in metadata {
            req = req.metadata(k, metadata_value(v));
        }
        req = match &self.kms_key_id {
            Some(kms) => req
                .server_side_encryption(ServerSideEncryption::AwsKms)
                .ssekms_key_id(kms),
            None => req.server_side_encryption(ServerSideEncryption::Aes256),
        };
        req.send()
            .await
            .map_err(|e| AwsError::from_sdk("S3.PutObject", e))?;
        Ok(S3Location {
            bucket: self.bucket.clone(),
            key: key.to_string(),
        })
    }

    async fn get(&self, location: &S3Location, max_bytes: u64) -> Result<StoredObject, AwsError> {
        let out = self
            .client
            .get_object()
            .bucket(&location.bucket)
            .key(&location.key)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("S3.GetObject", e))?;
        let size = out
            .content_length()
            .and_then(|n| u64::try_from(n).ok())
            .unwrap_or(0);
        if size > max_bytes {
            // dropping the answer closes the connection: the body is not downloaded
            return Err(too_large(location, size, max_bytes));
        }
        let metadata = out
            .metadata()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.to_ascii_lowercase(), metadata_decode(v)))
                    .collect()
            })
            .unwrap_or_default();
        let body = out.body.collect().await.map_err(|e| {
            AwsError::new(
                Retry::Transient,
                "S3.GetObject",
                "ResponseError",
                format!("reading the body of {location}: {e}"),
            )
        })?;
        let body = body.into_bytes();
        // without a Content-Length (or a wrong one) the limit still holds
        let size = u64::try_from(body.len()).unwrap_or(u64::MAX);
        if size > max_bytes {
            return Err(too_large(location, size, max_bytes));
        }
        Ok(StoredObject {
            body: body.to_vec(),
            metadata,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_of_one_build_get_names_of_their_own() {
        let api = report_name(Some("incoming/zap/o/app/main/b1/zap-api.json"), b"{}");
        let web = report_name(Some("incoming/zap/o/app/main/b1/zap-web.json"), b"{}");
        assert!(
            api.starts_with("zap-api-") && web.starts_with("zap-web-"),
            "{api} {web}"
        );
        assert_ne!(api, web);
        // the same name with other content, and a report from the payload: the hash tells
        let other = report_name(Some("incoming/zap/o/app/main/b1/zap-api.json"), b"[]");
        assert_ne!(api, other);
        let inline = report_name(None, b"{}");
        assert_eq!(inline.len(), 8);
        assert!(inline.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(
            report_name(Some("x/.hidden"), b"{}"),
            format!(".hidden-{inline}")
        );
    }
    use time::macros::datetime;

    fn key(repo: Option<&str>, branch: Option<&str>, build: Option<&str>) -> String {
        raw_key(&RawKey {
            tool: "dependency-check",
            repository: repo,
            branch,
            build_id: build,
            timestamp: datetime!(2024-01-02 03:04:05.678 UTC),
            xml: false,
            name: "r",
        })
    }

    #[test]
    fn key_layout() {
        assert_eq!(
            key(
                Some("github.com/example/app"),
                Some("main"),
                Some("app-build:0f1e2d3c-aaaa-bbbb-cccc-000000000000")
            ),
            "raw/dependency-check/github.com/example/app/main/app-build_0f1e2d3c-aaaa-bbbb-cccc-000000000000/20240102T030405.678Z-r.json"
        );
    }

    #[test]
    fn parts_are_sanitised() {
        assert_eq!(
            key(Some("//a b/../c@d//"), Some("feature/x y"), None),
            "raw/dependency-check/a_b/__/c_d/feature_x_y/unknown/20240102T030405.678Z-r.json"
        );
        assert_eq!(
            key(None, Some(" "), Some("..")),
            "raw/dependency-check/unknown/unknown/__/20240102T030405.678Z-r.json"
        );
        let k = key(Some("ünïcödé/repo"), Some("main"), Some("1"));
        assert!(k.is_ascii());
        assert!(
            k.starts_with("raw/dependency-check/_n_c_d_/repo/main/1/"),
            "{k}"
        );
    }

    #[test]
    fn long_parts_are_cut_with_a_hash() {
        let a = "b".repeat(300) + "a";
        let b = "b".repeat(300) + "b";
        let ka = key(None, Some(&a), None);
        let kb = key(None, Some(&b), None);
        assert_ne!(ka, kb, "distinct values stay distinct");
        let part = ka.split('/').nth(3).unwrap();
        assert_eq!(part.len(), 100);
        assert!(part.contains('~'));
        let long_repo = format!("host/{}", "x/".repeat(200));
        let k = key(Some(&long_repo), Some("m"), Some("1"));
        assert!(k.len() < 1024);
        assert!(!k.contains("//"), "{k}");
    }

    #[test]
    fn xml_reports_keep_their_extension() {
        let k = raw_key(&RawKey {
            tool: "zap",
            repository: Some("r"),
            branch: None,
            build_id: None,
            timestamp: datetime!(2024-01-02 03:04:05 UTC),
            xml: true,
            name: "zap web/../x",
        });
        assert_eq!(
            k,
            "raw/zap/r/unknown/unknown/20240102T030405.000Z-zap_web_.._x.xml"
        );
        assert_eq!(
            failed_key(&k),
            "raw/zap/r/unknown/unknown/20240102T030405.000Z-zap_web_.._x.failed.json"
        );
    }

    #[test]
    fn s3_uris() {
        let l = S3Location::parse("s3://bucket/in/a b.json").unwrap();
        assert_eq!(l.bucket, "bucket");
        assert_eq!(l.key, "in/a b.json");
        assert_eq!(l.to_string(), "s3://bucket/in/a b.json");
        for bad in ["https://x/y", "s3://bucket", "s3://bucket/", "s3:///key"] {
            assert!(S3Location::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn metadata_values_are_ascii_and_round_trip() {
        let v = "feature/ü 100%";
        let enc = metadata_value(v);
        assert!(enc.bytes().all(|b| (0x20..0x7f).contains(&b)), "{enc}");
        assert_eq!(metadata_decode(&enc), v);
        let long = "é".repeat(500);
        let enc = metadata_value(&long);
        assert!(enc.len() <= 256);
        assert!(metadata_decode(&enc).chars().all(|c| c == 'é'));
        assert_eq!(metadata_decode("50%"), "50%");
    }
}

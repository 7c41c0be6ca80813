//! The events the function accepts, turned into report requests.
//!
//! 1. The CodeBuild payload that existing buildspecs send, unchanged:
//!    `{"messageType":"CodeScanReport","reportType":…,"createdAt":…,
//!    "source_repository":…,"source_branch":…,"source_commitid":…,"build_id":…,"report":{…}}`.
//!    `report` is the report itself: a JSON value (object or array), or a string holding the
//!    report's text (an XML report, or JSON sent as a string). A report too large for an
//!    invocation (6 MB) comes as `"reportS3Uri":"s3://bucket/key"` instead. `reportType` is a
//!    registered tool's name or alias (the buildspec names: `asff_parsers::Tool::from_name`);
//!    absent, null or `auto`: detected from the report. Optional: `"initiator"`
//!    (`CODEBUILD_INITIATOR`) and `"source_root"` (`CODEBUILD_SRC_DIR`) for the scope and file
//!    paths (see `asff_core::pipeline`), `"image"` (an image reference) for image scanners whose
//!    report does not name the image, `"lifecycleDryRun": true` for a dry run of the finding
//!    lifecycle.
//! 2. An S3 `ObjectCreated` notification (`{"Records":[{"eventSource":"aws:s3",…}]}`) for a
//!    report that a pipeline uploaded under the input prefix (default `incoming/`). The context
//!    comes from the object's metadata (`x-amz-meta-` `tool`, `repository`, `branch`,
//!    `commit`, `build-id`, `initiator`, `source-root`, `image`, `created-at`,
//!    `lifecycle-dry-run`), else from the key:
//!    `{prefix}{tool}/{repository…}/{branch}/{build id}/{file}` (five or more segments; the
//!    repository may span several), or just `{prefix}{tool}/{file}` with everything else from
//!    the metadata. A `tool` of `auto` (or one we do not know) means: detect.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;
use serde_json::Value;

use asff_hub::S3Location;

/// The payload could not be understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid payload: {0}")]
pub struct PayloadError(pub String);

/// Where a report's bytes are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportSource {
    /// In the payload (already decoded when it came as a JSON string).
    Inline(Vec<u8>),
    /// In S3: `reportS3Uri`, or the object of an S3 notification.
    S3(S3Location),
}

/// The pipeline context of a report, every part optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportContext {
    /// `reportType` or the tool from the key or metadata; `None`: detect.
    pub report_type: Option<String>,
    /// Repository, branch, commit, build id, `initiator` (`CODEBUILD_INITIATOR`) and source root
    /// (`CODEBUILD_SRC_DIR`) as sent, with where each came from; resolved by
    /// [`asff_core::Context::with_pipeline`].
    pub pipeline: asff_core::Pipeline,
    pub image: Option<String>,
    /// `createdAt` as sent (kept as metadata of the archived report).
    pub created_at: Option<String>,
    /// `lifecycleDryRun` (or the metadata's `lifecycle-dry-run`): report what the finding
    /// lifecycle would archive without archiving it.
    pub dry_run: Option<bool>,
}

impl ReportContext {
    /// Fills the parts still missing from `other`.
    pub fn fill_from(&mut self, other: &ReportContext) {
        fn fill(a: &mut Option<String>, b: &Option<String>) {
            if a.is_none() {
                a.clone_from(b);
            }
        }
        fill(&mut self.report_type, &other.report_type);
        self.pipeline = std::mem::take(&mut self.pipeline).or(other.pipeline.clone());
        fill(&mut self.image, &other.image);
        fill(&mut self.created_at, &other.created_at);
        if self.dry_run.is_none() {
            self.dry_run = other.dry_run;
        }
    }

    /// The context that an object's user metadata gives.
    pub fn from_metadata(m: &BTreeMap<String, String>) -> ReportContext {
        let get = |k: &str| clean(m.get(k).cloned());
        let c = ReportContext {
            report_type: report_type(get("tool").or_else(|| get("report-type"))),
            pipeline: asff_core::Pipeline {
                repository: get("repository"),
                branch: get("branch"),
                commit: get("commit"),
                build_id: get("build-id"),
                initiator: get("initiator"),
                source_root: get("source-root"),
                origins: Default::default(),
            },
            image: get("image"),
            created_at: get("created-at"),
            dry_run: get("lifecycle-dry-run").and_then(|v| parse_bool(&v)),
        };
        c.with_origins(|part| {
            let key = match part {
                "build_id" => "build-id",
                "source_root" => "source-root",
                other => other,
            };
            format!("the object's metadata {key}")
        })
    }

    /// Names where each part present came from: `origin(part)` for `repository`, `branch`,
    /// `build_id`, `initiator` and `source_root`.
    fn with_origins(mut self, origin: impl Fn(&'static str) -> String) -> Self {
        let p = &mut self.pipeline;
        let name = |v: &Option<String>, part: &'static str| v.as_ref().map(|_| origin(part));
        p.origins = asff_core::pipeline::Origins {
            repository: name(&p.repository, "repository"),
            branch: name(&p.branch, "branch"),
            build_id: name(&p.build_id, "build_id"),
            initiator: name(&p.initiator, "initiator"),
            source_root: name(&p.source_root, "source_root"),
        };
        self
    }
}

/// One report to import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRequest {
    pub source: ReportSource,
    /// What the payload (or, for a notification, nothing yet) says.
    pub context: ReportContext,
    /// Context that counts only where neither the payload nor the object's metadata says
    /// anything (parsed from a notification's key).
    pub fallback: ReportContext,
    /// Whether the object's metadata may add context (S3 sources).
    pub use_metadata: bool,
    /// How the report came: `payload`, `reportS3Uri` or `s3-notification`.
    pub origin: &'static str,
}

/// A parsed event: one report, or the reports of an S3 notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    CodeBuild(Box<ReportRequest>),
    S3Notification(Vec<ReportRequest>),
}

#[derive(Deserialize)]
struct Incoming {
    #[serde(rename = "Records", default)]
    records: Option<Vec<S3Record>>,
    #[serde(rename = "messageType", default, deserialize_with = "lenient_string")]
    message_type: Option<String>,
    #[serde(rename = "reportType", default, deserialize_with = "lenient_string")]
    report_type: Option<String>,
    #[serde(rename = "createdAt", default, deserialize_with = "lenient_string")]
    created_at: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    source_repository: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    source_branch: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    source_commitid: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    build_id: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    initiator: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    source_root: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    image: Option<String>,
    #[serde(default)]
    report: Option<Box<RawValue>>,
    #[serde(rename = "reportS3Uri", default, deserialize_with = "lenient_string")]
    report_s3_uri: Option<String>,
    #[serde(
        rename = "lifecycleDryRun",
        default,
        deserialize_with = "lenient_string"
    )]
    lifecycle_dry_run: Option<String>,
}

#[derive(Deserialize)]
struct S3Record {
    #[serde(rename = "eventSource", default)]
    event_source: Option<String>,
    #[serde(rename = "eventName", default)]
    event_name: Option<String>,
    s3: Option<S3Entity>,
}

#[derive(Deserialize)]
struct S3Entity {
    bucket: S3Bucket,
    object: S3Object,
}

#[derive(Deserialize)]
struct S3Bucket {
    name: String,
}

#[derive(Deserialize)]
struct S3Object {
    key: String,
}

/// A string, number or boolean as a string; null as `None`.
fn lenient_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(Value::Bool(b)) => Some(b.to_string()),
        Some(other) => {
            return Err(serde::de::Error::custom(format!(
                "expected a string, found {}",
                match other {
                    Value::Array(_) => "an array",
                    _ => "an object",
                }
            )))
        }
    })
}

/// `true`/`false` (also `1`/`0`, `yes`/`no`, any case); anything else is `None`.
pub fn parse_bool(v: &str) -> Option<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Some(true),
        "false" | "0" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// A payload value for a log line: at most 64 characters, control characters escaped.
fn short(v: &str) -> String {
    let v = asff_core::text::escape_controls(v);
    asff_core::fit::truncate_chars(&v, 64).unwrap_or_else(|| v.into_owned())
}

fn clean(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// The report type, `None` when it asks for detection (`auto`, empty).
fn report_type(s: Option<String>) -> Option<String> {
    clean(s).filter(|t| !t.eq_ignore_ascii_case("auto"))
}

impl Event {
    /// Parses an invocation's payload. `input_prefix` is where S3 notifications' keys start.
    pub fn parse(raw: &str, input_prefix: &str) -> Result<Event, PayloadError> {
        let inc: Incoming = serde_json::from_str(raw).map_err(|e| {
            PayloadError(format!(
                "the event is not a CodeBuild report payload or an S3 notification: {e}"
            ))
        })?;
        if let Some(records) = inc.records {
            return parse_s3(records, input_prefix).map(Event::S3Notification);
        }
        if let Some(t) = inc.message_type.as_deref() {
            if t != "CodeScanReport" {
                tracing::warn!(
                    // a payload value: bounded in the log line
                    message_type = %short(t),
                    "unexpected messageType; handling it as CodeScanReport"
                );
            }
        }
        let context = ReportContext {
            report_type: report_type(inc.report_type),
            pipeline: asff_core::Pipeline {
                repository: clean(inc.source_repository),
                branch: clean(inc.source_branch),
                commit: clean(inc.source_commitid),
                build_id: clean(inc.build_id),
                initiator: clean(inc.initiator),
                source_root: clean(inc.source_root),
                origins: Default::default(),
            },
            image: clean(inc.image),
            created_at: clean(inc.created_at),
            dry_run: match clean(inc.lifecycle_dry_run) {
                None => None,
                Some(v) => Some(parse_bool(&v).ok_or_else(|| {
                    PayloadError(format!("lifecycleDryRun: {v:?} is not true or false"))
                })?),
            },
        }
        .with_origins(|part| {
            match part {
                "repository" => "source_repository",
                "branch" => "source_branch",
                other => other,
            }
            .to_string()
        });
        let uri = clean(inc.report_s3_uri);
        let (source, origin) = match (inc.report, uri) {
            (Some(_), Some(_)) => {
                return Err(PayloadError(
                    "both `report` and `reportS3Uri` are given; send one".into(),
                ))
            }
            (None, None) => {
                return Err(PayloadError(
                    "no report: `report` is absent or null and there is no `reportS3Uri`".into(),
                ))
            }
            (Some(r), None) => (ReportSource::Inline(inline_report(&r)?), "payload"),
            (None, Some(u)) => (
                ReportSource::S3(
                    S3Location::parse(&u).map_err(|e| PayloadError(format!("reportS3Uri: {e}")))?,
                ),
                "reportS3Uri",
            ),
        };
        Ok(Event::CodeBuild(Box::new(ReportRequest {
            use_metadata: matches!(source, ReportSource::S3(_)),
            source,
            context,
            fallback: ReportContext::default(),
            origin,
        })))
    }
}

/// The report's bytes: a JSON string's content, or the JSON value's text as sent.
fn inline_report(r: &RawValue) -> Result<Vec<u8>, PayloadError> {
    let text = r.get();
    match text.as_bytes().first() {
        Some(b'"') => {
            let s: String = serde_json::from_str(text)
                .map_err(|e| PayloadError(format!("`report` is not a valid JSON string: {e}")))?;
            Ok(s.into_bytes())
        }
        Some(b'{') | Some(b'[') => Ok(text.as_bytes().to_vec()),
        _ => {
            Err(PayloadError(format!(
            "`report` must be the report (a JSON object or array) or its text (a string), not {}",
            if text == "null" { "null" } else { "a number or boolean" }
        )))
        }
    }
}

fn parse_s3(
    records: Vec<S3Record>,
    input_prefix: &str,
) -> Result<Vec<ReportRequest>, PayloadError> {
    let mut out = Vec::new();
    for (i, r) in records.into_iter().enumerate() {
        if r.event_source.as_deref().is_some_and(|s| s != "aws:s3") {
            return Err(PayloadError(format!(
                "Records[{i}] comes from {:?}, not aws:s3",
                r.event_source.unwrap_or_default()
            )));
        }
        let Some(s3) = r.s3 else {
            return Err(PayloadError(format!("Records[{i}] has no s3 member")));
        };
        if let Some(name) = r.event_name.as_deref() {
            if !name.starts_with("ObjectCreated") {
                tracing::info!(
                    event = %short(name),
                    "ignoring an S3 event that is not ObjectCreated"
                );
                continue;
            }
        }
        let key = decode_s3_key(&s3.object.key);
        if key.starts_with("raw/") || key.starts_with("state/") {
            // our own archive (importing it would archive it again, and again) or state
            tracing::warn!(
                "ignoring an S3 event for the raw/ archive or the state/ prefix; the input prefix must be neither"
            );
            continue;
        }
        out.push(ReportRequest {
            fallback: context_from_key(&key, input_prefix),
            source: ReportSource::S3(S3Location {
                bucket: s3.bucket.name,
                key,
            }),
            context: ReportContext::default(),
            use_metadata: true,
            origin: "s3-notification",
        });
    }
    if out.is_empty() {
        return Err(PayloadError(
            "the S3 notification holds no ObjectCreated record of a report (objects under raw/ and state/ are never imported)".into(),
        ));
    }
    Ok(out)
}

/// S3 notifications URL-encode keys (form style: `+` is a space).
pub fn decode_s3_key(k: &str) -> String {
    String::from_utf8_lossy(&asff_core::text::percent_decode(k, true)).into_owned()
}

/// The context a key under the input prefix gives (see the module documentation).
pub fn context_from_key(key: &str, input_prefix: &str) -> ReportContext {
    let rest = key.strip_prefix(input_prefix).unwrap_or(key);
    let segs: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let mut c = ReportContext::default();
    if segs.len() >= 2 {
        c.report_type = report_type(segs.first().map(|s| s.to_string()));
    }
    // {tool}/{repository…}/{branch}/{build id}/{file}
    if let [_tool, repository @ .., branch, build_id, _file] = segs.as_slice() {
        if !repository.is_empty() {
            c.pipeline.repository = Some(repository.join("/"));
            c.pipeline.branch = Some(branch.to_string());
            c.pipeline.build_id = Some(build_id.to_string());
        }
    }
    c.with_origins(|_| "the object key".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codebuild(raw: &str) -> ReportRequest {
        match Event::parse(raw, "incoming/").unwrap() {
            Event::CodeBuild(r) => *r,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_codebuild_payload() {
        let r = codebuild(
            r#"{"messageType":"CodeScanReport","reportType":"OWASP-Dependency-Check",
               "createdAt":"2024-01-01T00:00:00.000Z","source_repository":"https://github.com/example/app",
               "source_branch":"refs/heads/main","source_commitid":"abc","build_id":"app:1234",
               "report":{"a": [1, 2.50, "\u00e9"]}}"#,
        );
        assert_eq!(r.origin, "payload");
        assert_eq!(
            r.context.report_type.as_deref(),
            Some("OWASP-Dependency-Check")
        );
        assert_eq!(
            r.context.pipeline.branch.as_deref(),
            Some("refs/heads/main")
        );
        let p = asff_core::PipelineInfo::resolve(r.context.pipeline.clone());
        assert_eq!(p.branch(), Some("main"));
        assert_eq!(p.repository(), Some("github.com/example/app"));
        assert_eq!(
            r.context.pipeline.origins.repository.as_deref(),
            Some("source_repository")
        );
        assert_eq!(r.context.pipeline.build_id.as_deref(), Some("app:1234"));
        // the report's text exactly as sent
        assert_eq!(
            r.source,
            ReportSource::Inline(br#"{"a": [1, 2.50, "\u00e9"]}"#.to_vec())
        );
        assert!(!r.use_metadata);
    }

    #[test]
    fn a_report_sent_as_a_string_is_decoded() {
        let r = codebuild(
            r#"{"reportType":"OWASP-Zap","report":"<?xml version=\"1.0\"?>\n<OWASPZAPReport/>"}"#,
        );
        assert_eq!(
            r.source,
            ReportSource::Inline(b"<?xml version=\"1.0\"?>\n<OWASPZAPReport/>".to_vec())
        );
    }

    #[test]
    fn absent_null_or_auto_report_type_means_detect() {
        for p in [
            r#"{"report":{}}"#,
            r#"{"reportType":null,"report":{}}"#,
            r#"{"reportType":"auto","report":{}}"#,
            r#"{"reportType":"  ","report":{}}"#,
        ] {
            assert_eq!(codebuild(p).context.report_type, None, "{p}");
        }
    }

    #[test]
    fn numbers_and_nulls_in_context_fields() {
        let r =
            codebuild(r#"{"build_id":42,"source_branch":null,"createdAt":1704067200,"report":[]}"#);
        assert_eq!(r.context.pipeline.build_id.as_deref(), Some("42"));
        assert_eq!(r.context.pipeline.branch, None);
        assert_eq!(r.context.created_at.as_deref(), Some("1704067200"));
    }

    #[test]
    fn a_report_in_s3() {
        let r = codebuild(r#"{"reportType":"SNYK","reportS3Uri":"s3://b/big/report.json"}"#);
        assert_eq!(
            r.source,
            ReportSource::S3(S3Location {
                bucket: "b".into(),
                key: "big/report.json".into()
            })
        );
        assert!(r.use_metadata);
        assert_eq!(r.origin, "reportS3Uri");
    }

    #[test]
    fn bad_payloads() {
        for (p, want) in [
            (r#"{"reportType":"SNYK"}"#, "no report"),
            (r#"{"report":{},"reportS3Uri":"s3://b/k"}"#, "both"),
            (r#"{"report":null}"#, "absent or null"),
            (r#"{"report":12}"#, "number"),
            (r#"{"reportS3Uri":"https://b/k"}"#, "s3://"),
            (r#"{"report":{},"build_id":{}}"#, "expected a string"),
            ("[1,2]", "not a CodeBuild"),
            ("{", "not a CodeBuild"),
            (r#"{"Records":[{"eventSource":"aws:sqs"}]}"#, "aws:sqs"),
            (r#"{"Records":[]}"#, "no ObjectCreated"),
        ] {
            let e = Event::parse(p, "incoming/").unwrap_err();
            assert!(e.0.contains(want), "{p}: {e}");
        }
    }

    #[test]
    fn s3_notifications() {
        let raw = r#"{"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1",
            "eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"reports"},
            "object":{"key":"incoming/grype/github.com/org/app/main/build%3A7/scan+result.json","size":10}}},
            {"eventSource":"aws:s3","eventName":"ObjectRemoved:Delete","s3":{"bucket":{"name":"reports"},"object":{"key":"x"}}},
            {"eventSource":"aws:s3","eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"reports"},"object":{"key":"raw/grype/x.json"}}}]}"#;
        let Event::S3Notification(reqs) = Event::parse(raw, "incoming/").unwrap() else {
            panic!()
        };
        assert_eq!(reqs.len(), 1, "only ObjectCreated, never the archive");
        let r = &reqs[0];
        assert_eq!(
            r.source,
            ReportSource::S3(S3Location {
                bucket: "reports".into(),
                key: "incoming/grype/github.com/org/app/main/build:7/scan result.json".into()
            })
        );
        assert_eq!(r.fallback.report_type.as_deref(), Some("grype"));
        assert_eq!(
            r.fallback.pipeline.repository.as_deref(),
            Some("github.com/org/app")
        );
        assert_eq!(r.fallback.pipeline.branch.as_deref(), Some("main"));
        assert_eq!(r.fallback.pipeline.build_id.as_deref(), Some("build:7"));
        assert!(r.use_metadata);
    }

    #[test]
    fn keys_give_what_they_can() {
        let auto: BTreeMap<String, String> = [("tool".to_string(), "AUTO".to_string())].into();
        assert_eq!(
            ReportContext::from_metadata(&auto).report_type,
            None,
            "auto means detect"
        );
        let c = context_from_key("incoming/auto/report.json", "incoming/");
        assert_eq!(c, ReportContext::default());
        let c = context_from_key("incoming/zap/report.xml", "incoming/");
        assert_eq!(c.report_type.as_deref(), Some("zap"));
        assert_eq!(c.pipeline.repository, None);
        let c = context_from_key("incoming/report.xml", "incoming/");
        assert_eq!(c.report_type, None, "a lone file name is not a tool");
    }

    #[test]
    fn metadata_context() {
        let m: BTreeMap<String, String> = [
            ("tool", "snyk"),
            ("repository", "github.com/org/app"),
            ("branch", "refs/heads/dev"),
            ("build-id", "b:1"),
            ("commit", " "),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let mut c = ReportContext {
            pipeline: asff_core::Pipeline {
                build_id: Some("from-payload".into()),
                ..Default::default()
            },
            ..Default::default()
        };
        c.fill_from(&ReportContext::from_metadata(&m));
        assert_eq!(c.report_type.as_deref(), Some("snyk"));
        assert_eq!(c.pipeline.branch.as_deref(), Some("refs/heads/dev"));
        assert_eq!(
            asff_core::PipelineInfo::resolve(c.pipeline.clone()).branch(),
            Some("dev")
        );
        assert_eq!(
            c.pipeline.origins.branch.as_deref(),
            Some("the object's metadata branch")
        );
        assert_eq!(
            c.pipeline.build_id.as_deref(),
            Some("from-payload"),
            "the payload wins"
        );
        assert_eq!(c.pipeline.commit, None, "blank is absent");
    }

    #[test]
    fn lifecycle_dry_run_from_the_payload_or_the_metadata() {
        let r = codebuild(r#"{"reportType":"SNYK","report":{},"lifecycleDryRun":true}"#);
        assert_eq!(r.context.dry_run, Some(true));
        let r = codebuild(r#"{"reportType":"SNYK","report":{},"lifecycleDryRun":"false"}"#);
        assert_eq!(r.context.dry_run, Some(false));
        let r = codebuild(r#"{"reportType":"SNYK","report":{}}"#);
        assert_eq!(r.context.dry_run, None);
        let e = Event::parse(
            r#"{"reportType":"SNYK","report":{},"lifecycleDryRun":"maybe"}"#,
            "incoming/",
        )
        .unwrap_err();
        assert!(e.0.contains("lifecycleDryRun"), "{e}");
        let m: BTreeMap<String, String> = [("lifecycle-dry-run".to_string(), "TRUE".to_string())]
            .into_iter()
            .collect();
        assert_eq!(ReportContext::from_metadata(&m).dry_run, Some(true));
    }
}

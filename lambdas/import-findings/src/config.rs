//! Configuration from the environment.
//!
//! | variable | meaning | default |
//! | --- | --- | --- |
//! | `REPORT_BUCKET` | bucket of the raw report archive (required) | |
//! | `REPORT_KMS_KEY_ID` | KMS key (id, ARN or alias) for SSE-KMS of archived reports | SSE-S3 |
//! | `SEVERITY_POLICY` | the severity policy: its JSON text (starts with `{`) or the path of a file (e.g. in a layer, `/opt/policy.json`) | none |
//! | `FAIL_ON` | the gate's threshold: `INFORMATIONAL`, `LOW`, `MEDIUM`, `HIGH`, `CRITICAL`, or `NONE` (never fail) | `HIGH` |
//! | `ALLOW_INCOMPLETE` | `true`: a report that says the scan did not complete gives `gate: pass` instead of `incomplete` | `false` |
//! | `INPUT_PREFIX` | where pipelines upload reports (S3 notifications and `reportS3Uri` must name a key under it, in `REPORT_BUCKET`); neither `raw/` nor `state/` nor overlapping them | `incoming/` |
//! | `MAX_REPORT_BYTES` | the largest report read from S3 (refused before it is downloaded) or sent in the payload | a quarter of the function's memory (`AWS_LAMBDA_FUNCTION_MEMORY_SIZE`), else 256 MiB |
//! | `IMPORT_CONCURRENCY` | BatchImportFindings requests in flight | `4` |
//! | `LIFECYCLE` | the finding lifecycle (archive what a report no longer has, keep first-seen times): `on` or `off` | `on` |
//! | `LIFECYCLE_DRY_RUN` | `true`: say what would be archived, archive nothing, write no state | `false` |
//! | `AWS_REGION` | the region (set by Lambda) | |

use asff_core::{Label, SeverityPolicy};

/// A configuration that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("configuration: {0}")]
pub struct ConfigError(pub String);

/// Whether and how the finding lifecycle runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifecycle {
    /// Archive what a complete report no longer has; keep first-seen times (the default).
    On,
    /// Import the findings as they are; no state is read or written.
    Off,
    /// Keep first-seen times, but only say what would be archived; write no state.
    DryRun,
}

impl Lifecycle {
    pub fn as_str(self) -> &'static str {
        match self {
            Lifecycle::On => "on",
            Lifecycle::Off => "off",
            Lifecycle::DryRun => "dry-run",
        }
    }

    /// The mode for one report: a request for a dry run turns `On` into `DryRun` (never the
    /// other way, and never `Off` into anything).
    pub fn with_request(self, dry_run: Option<bool>) -> Lifecycle {
        match (self, dry_run) {
            (Lifecycle::On, Some(true)) => Lifecycle::DryRun,
            (m, _) => m,
        }
    }
}

/// The function's settings.
#[derive(Debug, Clone)]
pub struct Config {
    pub bucket: String,
    pub kms_key_id: Option<String>,
    pub policy: SeverityPolicy,
    /// `None`: the gate never fails.
    pub fail_on: Option<Label>,
    /// `ALLOW_INCOMPLETE`: a report that says the scan did not complete passes the gate
    /// (`gate: pass` instead of `incomplete`).
    pub allow_incomplete: bool,
    pub region: String,
    pub input_prefix: String,
    pub concurrency: usize,
    pub lifecycle: Lifecycle,
    /// `MAX_REPORT_BYTES`: the largest report accepted.
    pub max_report_bytes: u64,
}

/// `MAX_REPORT_BYTES` without the function's memory size: 256 MiB.
pub const DEFAULT_MAX_REPORT_BYTES: u64 = 256 << 20;

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|k| std::env::var(k).ok())
    }

    /// Reads settings through `get` (tests pass a map).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let get = |k: &str| {
            get(k)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let bucket = get("REPORT_BUCKET").ok_or_else(|| {
            ConfigError(
                "REPORT_BUCKET is not set: name the bucket of the raw report archive".into(),
            )
        })?;
        let region = get("AWS_REGION")
            .or_else(|| get("AWS_DEFAULT_REGION"))
            .ok_or_else(|| ConfigError("AWS_REGION is not set".into()))?;
        let policy = match get("SEVERITY_POLICY") {
            None => SeverityPolicy::default(),
            Some(p) => {
                let bytes = if p.starts_with('{') {
                    p.into_bytes()
                } else {
                    std::fs::read(&p).map_err(|e| {
                        ConfigError(format!(
                            "SEVERITY_POLICY: {p:?} is neither a JSON policy nor a readable file: {e}"
                        ))
                    })?
                };
                asff_parsers::severity_policy(&bytes)
                    .map_err(|e| ConfigError(format!("SEVERITY_POLICY: {e}")))?
            }
        };
        let fail_on = match get("FAIL_ON") {
            None => Some(Label::High),
            Some(v) if v.eq_ignore_ascii_case("none") || v.eq_ignore_ascii_case("off") => None,
            Some(v) => Some(
                v.parse::<Label>()
                    .map_err(|e| ConfigError(format!("FAIL_ON: {e} (or NONE)")))?,
            ),
        };
        let concurrency = match get("IMPORT_CONCURRENCY") {
            None => 4,
            Some(v) => v
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=32).contains(n))
                .ok_or_else(|| {
                    ConfigError(format!(
                        "IMPORT_CONCURRENCY: {v:?} is not a number from 1 to 32"
                    ))
                })?,
        };
        let flag = |k: &str| -> Result<Option<bool>, ConfigError> {
            match get(k) {
                None => Ok(None),
                Some(v) => crate::payload::parse_bool(&v)
                    .map(Some)
                    .ok_or_else(|| ConfigError(format!("{k}: {v:?} is not on/off (true/false)"))),
            }
        };
        let lifecycle = match (flag("LIFECYCLE")?, flag("LIFECYCLE_DRY_RUN")?) {
            (Some(false), _) => Lifecycle::Off,
            (_, Some(true)) => Lifecycle::DryRun,
            _ => Lifecycle::On,
        };
        let allow_incomplete = flag("ALLOW_INCOMPLETE")?.unwrap_or(false);
        let mut input_prefix = get("INPUT_PREFIX").unwrap_or_else(|| "incoming/".into());
        if !input_prefix.ends_with('/') {
            input_prefix.push('/');
        }
        for own in ["raw/", "state/"] {
            // a prefix that holds the function's own objects, or lies inside them, would
            // import its archive (again and again) or its state
            if own.starts_with(input_prefix.as_str()) || input_prefix.starts_with(own) {
                return Err(ConfigError(format!(
                    "INPUT_PREFIX: {input_prefix:?} overlaps {own}, where the function keeps its {}; choose another prefix, e.g. incoming/",
                    if own == "raw/" { "archive of raw reports" } else { "lifecycle state" }
                )));
            }
        }
        if input_prefix == "/" || input_prefix.starts_with('/') {
            return Err(ConfigError(format!(
                "INPUT_PREFIX: {input_prefix:?} must be a key prefix such as incoming/ (no leading /)"
            )));
        }
        let max_report_bytes = match get("MAX_REPORT_BYTES") {
            Some(v) => v.parse::<u64>().ok().filter(|n| *n > 0).ok_or_else(|| {
                ConfigError(format!(
                    "MAX_REPORT_BYTES: {v:?} is not a positive number of bytes"
                ))
            })?,
            None => {
                match get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE").and_then(|m| m.parse::<u64>().ok()) {
                    // a quarter of the memory: the report, its decoded text and what parsing keeps
                    Some(mb) if mb > 0 => (mb << 20) / 4,
                    _ => DEFAULT_MAX_REPORT_BYTES,
                }
            }
        };
        Ok(Config {
            bucket,
            kms_key_id: get("REPORT_KMS_KEY_ID"),
            policy,
            fail_on,
            allow_incomplete,
            region,
            input_prefix,
            concurrency,
            lifecycle,
            max_report_bytes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn cfg(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let m: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|k| m.get(k).cloned())
    }

    #[test]
    fn defaults() {
        let c = cfg(&[("REPORT_BUCKET", "b"), ("AWS_REGION", "eu-west-1")]).unwrap();
        assert_eq!(c.fail_on, Some(Label::High));
        assert_eq!(c.kms_key_id, None);
        assert_eq!(c.input_prefix, "incoming/");
        assert_eq!(c.concurrency, 4);
        assert!(c.policy.overrides.is_empty());
        assert_eq!(c.lifecycle, Lifecycle::On);
    }

    #[test]
    fn lifecycle_settings() {
        let base = [("REPORT_BUCKET", "b"), ("AWS_REGION", "r-1")];
        let with = |extra: &[(&'static str, &'static str)]| {
            let mut v = base.to_vec();
            v.extend_from_slice(extra);
            cfg(&v)
        };
        assert_eq!(
            with(&[("LIFECYCLE", "off")]).unwrap().lifecycle,
            Lifecycle::Off
        );
        assert_eq!(
            with(&[("LIFECYCLE", "off"), ("LIFECYCLE_DRY_RUN", "true")])
                .unwrap()
                .lifecycle,
            Lifecycle::Off
        );
        assert_eq!(
            with(&[("LIFECYCLE_DRY_RUN", "TRUE")]).unwrap().lifecycle,
            Lifecycle::DryRun
        );
        assert_eq!(
            with(&[("LIFECYCLE", "on"), ("LIFECYCLE_DRY_RUN", "false")])
                .unwrap()
                .lifecycle,
            Lifecycle::On
        );
        assert!(with(&[("LIFECYCLE", "sometimes")])
            .unwrap_err()
            .0
            .contains("LIFECYCLE"));
        assert_eq!(Lifecycle::On.with_request(Some(true)), Lifecycle::DryRun);
        assert_eq!(
            Lifecycle::DryRun.with_request(Some(false)),
            Lifecycle::DryRun
        );
        assert_eq!(Lifecycle::Off.with_request(Some(true)), Lifecycle::Off);
    }

    #[test]
    fn settings() {
        let c = cfg(&[
            ("REPORT_BUCKET", "b"),
            ("AWS_REGION", "eu-west-1"),
            ("FAIL_ON", "critical"),
            ("REPORT_KMS_KEY_ID", "alias/reports"),
            ("INPUT_PREFIX", "in"),
            (
                "SEVERITY_POLICY",
                r#"{"version":1,"overrides":[{"tool":"zap","label":"LOW"}]}"#,
            ),
        ])
        .unwrap();
        assert_eq!(c.fail_on, Some(Label::Critical));
        assert_eq!(c.kms_key_id.as_deref(), Some("alias/reports"));
        assert_eq!(c.input_prefix, "in/");
        assert_eq!(c.policy.overrides.len(), 1);
        assert!(!c.allow_incomplete);
        let e = cfg(&[
            ("REPORT_BUCKET", "b"),
            ("AWS_REGION", "eu-west-1"),
            (
                "SEVERITY_POLICY",
                r#"{"version":1,"overrides":[{"tool":"dependancy-check","label":"LOW"}]}"#,
            ),
        ])
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("SEVERITY_POLICY")
                && e.contains("overrides[0]")
                && e.contains("dependancy-check"),
            "{e}"
        );
        let c = cfg(&[
            ("REPORT_BUCKET", "b"),
            ("AWS_REGION", "eu-west-1"),
            ("ALLOW_INCOMPLETE", "true"),
        ])
        .unwrap();
        assert!(c.allow_incomplete);
        assert_eq!(
            cfg(&[
                ("REPORT_BUCKET", "b"),
                ("AWS_REGION", "r-1"),
                ("FAIL_ON", "NONE")
            ])
            .unwrap()
            .fail_on,
            None
        );
    }

    #[test]
    fn policy_from_a_file() {
        let dir = std::env::temp_dir().join(format!("policy-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("policy.json");
        std::fs::write(
            &p,
            r#"{"version":1,"overrides":[{"id":"CVE-1","label":"CRITICAL"}]}"#,
        )
        .unwrap();
        let c = cfg(&[
            ("REPORT_BUCKET", "b"),
            ("AWS_REGION", "r-1"),
            ("SEVERITY_POLICY", p.to_str().unwrap()),
        ])
        .unwrap();
        assert_eq!(c.policy.overrides[0].label, Label::Critical);
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn input_prefixes_keep_clear_of_the_archive_and_the_state() {
        for bad in [
            "raw/", "raw", "state/", "state/x/", "raw/in/", "/", "/in", "",
        ] {
            let pairs = [
                ("REPORT_BUCKET", "b"),
                ("AWS_REGION", "eu-west-1"),
                ("INPUT_PREFIX", bad),
            ];
            match cfg(&pairs) {
                // an empty value is the default
                Ok(c) if bad.is_empty() => assert_eq!(c.input_prefix, "incoming/"),
                Ok(c) => panic!("{bad:?} accepted as {:?}", c.input_prefix),
                Err(e) => assert!(e.0.contains("INPUT_PREFIX"), "{bad:?}: {e}"),
            }
        }
        assert_eq!(
            cfg(&[
                ("REPORT_BUCKET", "b"),
                ("AWS_REGION", "eu-west-1"),
                ("INPUT_PREFIX", "rawreports")
            ])
            .unwrap()
            .input_prefix,
            "rawreports/"
        );
        assert_eq!(
            cfg(&[
                ("REPORT_BUCKET", "b"),
                ("AWS_REGION", "eu-west-1"),
                ("INPUT_PREFIX", "scans/raw")
            ])
            .unwrap()
            .input_prefix,
            "scans/raw/"
        );
    }

    #[test]
    fn the_report_size_limit() {
        assert_eq!(
            cfg(&[("REPORT_BUCKET", "b"), ("AWS_REGION", "eu-west-1")])
                .unwrap()
                .max_report_bytes,
            DEFAULT_MAX_REPORT_BYTES
        );
        let c = cfg(&[
            ("REPORT_BUCKET", "b"),
            ("AWS_REGION", "eu-west-1"),
            ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024"),
        ])
        .unwrap();
        assert_eq!(c.max_report_bytes, 256 << 20);
        let c = cfg(&[
            ("REPORT_BUCKET", "b"),
            ("AWS_REGION", "eu-west-1"),
            ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024"),
            ("MAX_REPORT_BYTES", "1000"),
        ])
        .unwrap();
        assert_eq!(c.max_report_bytes, 1000);
        for bad in ["0", "-1", "1MB"] {
            let e = cfg(&[
                ("REPORT_BUCKET", "b"),
                ("AWS_REGION", "eu-west-1"),
                ("MAX_REPORT_BYTES", bad),
            ])
            .unwrap_err();
            assert!(e.0.starts_with("MAX_REPORT_BYTES"), "{e}");
        }
    }

    #[test]
    fn errors_name_the_variable() {
        for (pairs, want) in [
            (vec![("AWS_REGION", "r-1")], "REPORT_BUCKET"),
            (vec![("REPORT_BUCKET", "b")], "AWS_REGION"),
            (
                vec![
                    ("REPORT_BUCKET", "b"),
                    ("AWS_REGION", "r-1"),
                    ("FAIL_ON", "urgent"),
                ],
                "FAIL_ON",
            ),
            (
                vec![
                    ("REPORT_BUCKET", "b"),
                    ("AWS_REGION", "r-1"),
                    ("SEVERITY_POLICY", "/nonexistent/p.json"),
                ],
                "SEVERITY_POLICY",
            ),
            (
                vec![
                    ("REPORT_BUCKET", "b"),
                    ("AWS_REGION", "r-1"),
                    ("SEVERITY_POLICY", "{\"version\":2}"),
                ],
                "SEVERITY_POLICY",
            ),
            (
                vec![
                    ("REPORT_BUCKET", "b"),
                    ("AWS_REGION", "r-1"),
                    ("IMPORT_CONCURRENCY", "0"),
                ],
                "IMPORT_CONCURRENCY",
            ),
        ] {
            let e = cfg(&pairs).unwrap_err();
            assert!(e.0.contains(want), "{e}");
        }
    }
}

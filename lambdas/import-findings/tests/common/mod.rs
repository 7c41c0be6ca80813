//! Test helpers: a moto server started per test, SDK clients pointed at it, handlers, payloads.

#![cfg(test)]
#![allow(dead_code)]

use std::collections::HashMap;

use asff_core::lifecycle::ScopeState;
use asff_hub::{
    aws, FindingSink, S3Archive, S3StateStore, SecurityHubSink, StateStore, StsAccount,
};
use aws_config::SdkConfig;
use aws_sdk_s3::config::{Credentials, Region};
use import_findings::{Config, Handler};

pub const ACCOUNT: &str = "123456789012";
pub const REGION: &str = "us-east-1";
pub const BUCKET: &str = "scan-reports";

pub use asff_testkit::moto::{free_port, Moto};

/// A port where nothing listens.
pub fn closed_port() -> u16 {
    free_port()
}

/// SDK configuration for an endpoint, with dummy credentials, in us-east-1.
pub async fn sdk(endpoint: &str) -> SdkConfig {
    aws::loader()
        .endpoint_url(endpoint)
        .region(Region::new(REGION))
        .credentials_provider(Credentials::new("testing", "testing", None, None, "tests"))
        .load()
        .await
}

async fn get_findings(
    hub: aws_sdk_securityhub::Client,
) -> Vec<aws_sdk_securityhub::types::AwsSecurityFinding> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = hub
            .get_findings()
            .max_results(100)
            .set_next_token(token.take())
            .send()
            .await
            .expect("GetFindings");
        out.extend(page.findings().iter().cloned());
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break,
        }
    }
    out
}

/// A moto server with the report bucket, and clients for it.
pub struct Env {
    pub moto: Moto,
    pub sdk: SdkConfig,
    pub s3: aws_sdk_s3::Client,
    pub hub: aws_sdk_securityhub::Client,
}

impl Env {
    pub async fn start() -> Env {
        let moto = Moto::start();
        let sdk = sdk(&moto.endpoint).await;
        let s3 = aws::s3_client(&sdk);
        s3.create_bucket()
            .bucket(BUCKET)
            .send()
            .await
            .expect("CreateBucket");
        let hub = aws::securityhub_client(&sdk);
        Env { moto, sdk, s3, hub }
    }

    /// The function's configuration, with extra variables.
    pub fn config(&self, extra: &[(&str, &str)]) -> Config {
        let mut m: HashMap<String, String> = [("REPORT_BUCKET", BUCKET), ("AWS_REGION", REGION)]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        for (k, v) in extra {
            m.insert(k.to_string(), v.to_string());
        }
        Config::from_lookup(|k| m.get(k).cloned()).expect("config")
    }

    /// The handler with the real services (moto).
    pub fn handler(
        &self,
        config: Config,
    ) -> Handler<S3Archive, SecurityHubSink, StsAccount, S3StateStore> {
        self.handler_with(
            SecurityHubSink::new(aws::securityhub_client(&self.sdk)),
            config,
        )
    }

    /// The handler with another sink (usually wrapping the real one).
    pub fn handler_with<S: FindingSink>(
        &self,
        sink: S,
        config: Config,
    ) -> Handler<S3Archive, S, StsAccount, S3StateStore> {
        let state = self.real_state(&config);
        self.handler_full(sink, state, config)
    }

    /// The handler with another sink and another state store (usually wrapping the real ones).
    pub fn handler_full<S: FindingSink, T: StateStore>(
        &self,
        sink: S,
        state: T,
        config: Config,
    ) -> Handler<S3Archive, S, StsAccount, T> {
        Handler::new(
            S3Archive::new(
                aws::s3_client(&self.sdk),
                config.bucket.clone(),
                config.kms_key_id.clone(),
            ),
            sink,
            StsAccount::new(aws::sts_client(&self.sdk)),
            state,
            config,
        )
    }

    /// The handler with every service reached through `endpoint` (a fault-injecting proxy in
    /// front of this moto server).
    pub async fn handler_via(
        &self,
        endpoint: &str,
        config: Config,
    ) -> Handler<S3Archive, SecurityHubSink, StsAccount, S3StateStore> {
        let sdk = sdk(endpoint).await;
        Handler::new(
            S3Archive::new(
                aws::s3_client(&sdk),
                config.bucket.clone(),
                config.kms_key_id.clone(),
            ),
            SecurityHubSink::new(aws::securityhub_client(&sdk)),
            StsAccount::new(aws::sts_client(&sdk)),
            S3StateStore::new(
                aws::s3_client(&sdk),
                config.bucket.clone(),
                config.kms_key_id.clone(),
            ),
            config,
        )
    }

    pub fn real_sink(&self) -> SecurityHubSink {
        SecurityHubSink::new(aws::securityhub_client(&self.sdk))
    }

    /// The state store in the report bucket, encrypted as `config` says.
    pub fn real_state(&self, config: &Config) -> S3StateStore {
        S3StateStore::new(
            aws::s3_client(&self.sdk),
            config.bucket.clone(),
            config.kms_key_id.clone(),
        )
    }

    /// A scope's state object, read through GetObject and HeadObject: the state, its ETag, and
    /// the HeadObject answer. `None` when there is none.
    pub async fn state(
        &self,
        generator_id: &str,
    ) -> Option<(
        ScopeState,
        String,
        aws_sdk_s3::operation::head_object::HeadObjectOutput,
    )> {
        let key = asff_hub::state::state_key(generator_id);
        let out = match self.s3.get_object().bucket(BUCKET).key(&key).send().await {
            Ok(o) => o,
            Err(e) if e.as_service_error().is_some_and(|s| s.is_no_such_key()) => return None,
            Err(e) => panic!("GetObject {key}: {e:?}"),
        };
        let etag = out.e_tag().expect("an ETag").to_string();
        let body = out.body.collect().await.expect("body").into_bytes();
        let state: ScopeState = serde_json::from_slice(&body).expect("a scope state");
        let head = self
            .s3
            .head_object()
            .bucket(BUCKET)
            .key(&key)
            .send()
            .await
            .expect("HeadObject");
        Some((state, etag, head))
    }

    /// Every finding in Security Hub, through GetFindings (all pages).
    ///
    /// Runs on a thread with a large stack: the SDK's deserializer of findings has frames too
    /// large for a test thread's 2 MB in debug builds.
    pub async fn findings(&self) -> Vec<aws_sdk_securityhub::types::AwsSecurityFinding> {
        let hub = self.hub.clone();
        let (tx, rx) = tokio::sync::oneshot::channel();
        std::thread::Builder::new()
            .stack_size(64 * 1024 * 1024)
            .spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime");
                let _ = tx.send(rt.block_on(get_findings(hub)));
            })
            .expect("thread");
        rx.await.expect("GetFindings thread")
    }

    /// The keys under a prefix of the report bucket.
    pub async fn keys(&self, prefix: &str) -> Vec<String> {
        let out = self
            .s3
            .list_objects_v2()
            .bucket(BUCKET)
            .prefix(prefix)
            .send()
            .await
            .expect("ListObjectsV2");
        let mut keys: Vec<String> = out
            .contents()
            .iter()
            .filter_map(|o| o.key().map(str::to_string))
            .collect();
        keys.sort();
        keys
    }

    /// An archived object: its bytes and HeadObject.
    pub async fn object(
        &self,
        uri: &str,
    ) -> (
        Vec<u8>,
        aws_sdk_s3::operation::head_object::HeadObjectOutput,
    ) {
        let key = uri
            .strip_prefix(&format!("s3://{BUCKET}/"))
            .unwrap_or_else(|| panic!("{uri} is not in {BUCKET}"));
        let head = self
            .s3
            .head_object()
            .bucket(BUCKET)
            .key(key)
            .send()
            .await
            .expect("HeadObject");
        let body = self
            .s3
            .get_object()
            .bucket(BUCKET)
            .key(key)
            .send()
            .await
            .expect("GetObject")
            .body
            .collect()
            .await
            .expect("body")
            .into_bytes()
            .to_vec();
        (body, head)
    }

    /// Uploads a report under a key, with metadata.
    pub async fn upload(&self, key: &str, body: &[u8], metadata: &[(&str, &str)]) {
        let mut req = self
            .s3
            .put_object()
            .bucket(BUCKET)
            .key(key)
            .body(body.to_vec().into());
        for (k, v) in metadata {
            req = req.metadata(*k, *v);
        }
        req.send().await.expect("PutObject");
    }
}

pub const REPOSITORY: &str = "https://github.com/example/app.git";
pub const COMMIT: &str = "0123456789abcdef0123456789abcdef01234567";

/// The payload CodeBuild buildspecs send: the report as a JSON value when it is JSON, else as a
/// string.
pub fn payload(report_type: Option<&str>, report: &[u8], build_id: &str) -> String {
    match report.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') | Some(b'[') => payload_with(
            report_type,
            std::str::from_utf8(report).expect("UTF-8 report"),
            build_id,
        ),
        _ => payload_as_string(report_type, report, build_id),
    }
}

/// The payload for another branch, with extra members (e.g. `lifecycleDryRun`).
pub fn payload_on(
    report_type: Option<&str>,
    report: &[u8],
    build_id: &str,
    branch: &str,
    extra: &[(&str, serde_json::Value)],
) -> String {
    let mut v: serde_json::Value =
        serde_json::from_str(&payload(report_type, report, build_id)).expect("payload");
    v["source_branch"] = branch.into();
    for (k, x) in extra {
        v[*k] = x.clone();
    }
    v.to_string()
}

/// The payload with the report's text as a JSON string.
pub fn payload_as_string(report_type: Option<&str>, report: &[u8], build_id: &str) -> String {
    let text = serde_json::to_string(&String::from_utf8_lossy(report)).expect("string");
    payload_with(report_type, &text, build_id)
}

/// The payload with the report given as JSON text (a value or a string literal).
pub fn payload_with_report(report_type: Option<&str>, report_json: &str, build_id: &str) -> String {
    payload_with(report_type, report_json, build_id)
}

fn payload_with(report_type: Option<&str>, report_json: &str, build_id: &str) -> String {
    let report_type = match report_type {
        Some(t) => format!(
            "\"reportType\":{},",
            serde_json::to_string(t).expect("string")
        ),
        None => String::new(),
    };
    format!(
        "{{\"messageType\":\"CodeScanReport\",{report_type}\"createdAt\":\"2024-01-01T00:00:00.000Z\",\
         \"source_repository\":\"{REPOSITORY}\",\"source_branch\":\"refs/heads/main\",\
         \"source_commitid\":\"{COMMIT}\",\"build_id\":{},\"report\":{report_json}}}",
        serde_json::to_string(build_id).expect("string")
    )
}

/// The Ids a report converts to in the context the payload gives.
pub fn expected_ids(tool: asff_parsers::Tool, report: &[u8]) -> Vec<String> {
    expected_ids_on(tool, report, "main")
}

/// The Ids a report converts to on a branch.
pub fn expected_ids_on(tool: asff_parsers::Tool, report: &[u8], branch: &str) -> Vec<String> {
    let ctx = asff_core::Context::new(ACCOUNT, REGION)
        .expect("ctx")
        .with_pipeline(asff_core::Pipeline {
            repository: Some(REPOSITORY.into()),
            branch: Some(branch.into()),
            commit: Some(COMMIT.into()),
            build_id: Some("expected".into()),
            ..Default::default()
        });
    let conv = asff_parsers::convert(report, Some(tool), &ctx).expect("the report converts");
    let mut ids: Vec<String> = conv.output.findings.into_iter().map(|f| f.id).collect();
    ids.sort();
    ids
}

pub fn sorted_ids(fs: &[aws_sdk_securityhub::types::AwsSecurityFinding]) -> Vec<String> {
    let mut ids: Vec<String> = fs
        .iter()
        .filter_map(|f| f.id().map(str::to_string))
        .collect();
    ids.sort();
    ids
}

/// An S3 `ObjectCreated` notification for keys (URL-encoded as S3 sends them) of a bucket.
pub fn notification_of(bucket: &str, keys: &[&str]) -> String {
    let records: Vec<serde_json::Value> = keys
        .iter()
        .map(|k| {
            serde_json::json!({
                "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": REGION,
                "eventTime": "2024-01-01T00:00:00.000Z", "eventName": "ObjectCreated:Put",
                "s3": {"s3SchemaVersion": "1.0", "configurationId": "reports",
                       "bucket": {"name": bucket, "arn": format!("arn:aws:s3:::{bucket}")},
                       "object": {"key": k, "size": 1}}
            })
        })
        .collect();
    serde_json::json!({ "Records": records }).to_string()
}

/// A registered tool by name.
pub fn tool(name: &str) -> asff_parsers::Tool {
    asff_parsers::Tool::from_name(name).unwrap_or_else(|| panic!("no tool {name:?} registered"))
}

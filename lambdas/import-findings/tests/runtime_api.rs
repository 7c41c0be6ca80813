//! The built `import-findings` binary speaks the Lambda Runtime API: a small Runtime API server
//! here hands it events (as Lambda does, over loopback HTTP) and records its responses and
//! errors, with moto behind it for S3, Security Hub and STS.

#![cfg(test)]

mod common;

use std::collections::{HashMap, VecDeque};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use common::*;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

/// What the function posted back for an invocation.
#[derive(Debug)]
struct Posted {
    request_id: String,
    /// `response` or `error`.
    kind: String,
    headers: HashMap<String, String>,
    body: Vec<u8>,
}

/// A minimal Lambda Runtime API: `GET /2018-06-01/runtime/invocation/next` hands out the queued
/// events (and then waits), `POST …/{id}/response` and `…/{id}/error` are recorded.
struct RuntimeApi {
    addr: String,
    posted: mpsc::UnboundedReceiver<Posted>,
}

impl RuntimeApi {
    async fn start(events: Vec<(String, String)>) -> RuntimeApi {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let queue = Arc::new(Mutex::new(VecDeque::from(events)));
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            loop {
                let Ok((conn, _)) = listener.accept().await else {
                    return;
                };
                let queue = Arc::clone(&queue);
                let tx = tx.clone();
                tokio::spawn(async move {
                    let _ = serve(conn, queue, tx).await;
                });
            }
        });
        RuntimeApi { addr, posted: rx }
    }

    async fn next_posted(&mut self) -> Posted {
        tokio::time::timeout(Duration::from_secs(120), self.posted.recv())
            .await
            .expect("the function answers within 120 s")
            .expect("the runtime API is running")
    }
}

async fn serve(
    conn: TcpStream,
    queue: Arc<Mutex<VecDeque<(String, String)>>>,
    tx: mpsc::UnboundedSender<Posted>,
) -> std::io::Result<()> {
    let mut conn = BufReader::new(conn);
    loop {
        let mut line = String::new();
        if conn.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap_or_default().to_string();
        let path = parts.next().unwrap_or_default().to_string();
        let mut headers = HashMap::new();
        loop {
            let mut h = String::new();
            conn.read_line(&mut h).await?;
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
            }
        }
        let body = read_body(&mut conn, &headers).await?;
        if method == "GET" && path == "/2018-06-01/runtime/invocation/next" {
            let next = queue.lock().unwrap().pop_front();
            let Some((request_id, event)) = next else {
                // no more events: keep the long poll open, as Lambda does between invocations
                std::future::pending::<()>().await;
                return Ok(());
            };
            let deadline = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_millis()
                + 120_000;
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
                 Lambda-Runtime-Aws-Request-Id: {request_id}\r\nLambda-Runtime-Deadline-Ms: {deadline}\r\n\
                 Lambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:{REGION}:{ACCOUNT}:function:import-findings\r\n\
                 Lambda-Runtime-Trace-Id: Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=0\r\n\r\n",
                event.len()
            );
            conn.get_mut().write_all(head.as_bytes()).await?;
            conn.get_mut().write_all(event.as_bytes()).await?;
            continue;
        }
        let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        if method == "POST"
            && segs.len() == 5
            && segs[..3] == ["2018-06-01", "runtime", "invocation"]
        {
            let _ = tx.send(Posted {
                request_id: segs[3].to_string(),
                kind: segs[4].to_string(),
                headers,
                body,
            });
        } else if method == "POST" {
            let _ = tx.send(Posted {
                request_id: String::new(),
                kind: path.clone(),
                headers,
                body,
            });
        }
        let reply = b"{\"status\":\"OK\"}";
        let head = format!(
            "HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            reply.len()
        );
        conn.get_mut().write_all(head.as_bytes()).await?;
        conn.get_mut().write_all(reply).await?;
    }
}

async fn read_body(
    conn: &mut BufReader<TcpStream>,
    headers: &HashMap<String, String>,
) -> std::io::Result<Vec<u8>> {
    if let Some(n) = headers
        .get("content-length")
        .and_then(|v| v.parse::<usize>().ok())
    {
        let mut body = vec![0; n];
        conn.read_exact(&mut body).await?;
        return Ok(body);
    }
    if headers
        .get("transfer-encoding")
        .is_some_and(|v| v.eq_ignore_ascii_case("chunked"))
    {
        let mut body = Vec::new();
        loop {
            let mut size = String::new();
            conn.read_line(&mut size).await?;
            let n = usize::from_str_radix(size.trim().split(';').next().unwrap_or("0"), 16)
                .unwrap_or(0);
            if n == 0 {
                // trailers until an empty line
                loop {
                    let mut t = String::new();
                    conn.read_line(&mut t).await?;
                    if t.trim().is_empty() {
                        break;
                    }
                }
                return Ok(body);
            }
            let mut chunk = vec![0; n + 2];
            conn.read_exact(&mut chunk).await?;
            chunk.truncate(n);
            body.extend(chunk);
        }
    }
    Ok(Vec::new())
}

/// The binary under test: `IMPORT_FINDINGS_BOOTSTRAP` (e.g. the `bootstrap` that `sam build`
/// made, see scripts/sam-build-check.sh) or, unset, the one cargo built for this test.
fn bootstrap() -> std::path::PathBuf {
    match std::env::var_os("IMPORT_FINDINGS_BOOTSTRAP") {
        Some(p) if !p.is_empty() => {
            let p = std::path::PathBuf::from(p);
            assert!(
                p.is_file(),
                "IMPORT_FINDINGS_BOOTSTRAP={} is no file",
                p.display()
            );
            p
        }
        _ => env!("CARGO_BIN_EXE_import-findings").into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_serves_invocations_through_the_runtime_api() {
    let env = Env::start().await;
    let report = asff_testkit::testdata("dependency-check/dc-7.4.4-schemaspy-maven-plugin.json");
    let expected = expected_ids(tool("dependency-check"), &report);
    let good = payload(Some("OWASP-Dependency-Check"), &report, "app-build:77");
    let truncated = &report[..report.len() / 3];
    let malformed = payload_as_string(Some("OWASP-Dependency-Check"), truncated, "app-build:78");
    let mut api = RuntimeApi::start(vec![
        ("req-good".into(), good),
        ("req-malformed".into(), malformed),
        ("req-not-json".into(), "[1, 2".into()),
        // hostile reports: their text must reach neither the logs nor the function error
        (
            "req-secret-text".into(),
            r#"{"messageType":"CodeScanReport","report":"DB_PASSWORD=hunter2\nAPI_KEY=abc123"}"#
                .into(),
        ),
        (
            "req-secret-value".into(),
            payload_with_report(
                Some("PHPStan"),
                r#"{"totals":{"errors":0,"file_errors":0},"files":[],"errors":"SECRET-VALUE-42"}"#,
                "app-build:79",
            ),
        ),
    ])
    .await;

    let mut child = tokio::process::Command::new(bootstrap())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("AWS_LAMBDA_RUNTIME_API", &api.addr)
        .env("AWS_LAMBDA_FUNCTION_NAME", "import-findings")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_LAMBDA_LOG_STREAM_NAME", "test")
        .env("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/import-findings")
        .env("AWS_LAMBDA_LOG_FORMAT", "JSON")
        .env("AWS_REGION", REGION)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_SESSION_TOKEN", "testing")
        .env("AWS_ENDPOINT_URL", &env.moto.endpoint)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/nonexistent/config")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
        .env("REPORT_BUCKET", BUCKET)
        .env("FAIL_ON", "CRITICAL")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("starting the import-findings binary");

    // 1. a good report: a response with the answer
    let p = api.next_posted().await;
    assert_eq!(
        (p.request_id.as_str(), p.kind.as_str()),
        ("req-good", "response"),
        "{:?}",
        String::from_utf8_lossy(&p.body)
    );
    let answer: serde_json::Value = serde_json::from_slice(&p.body).unwrap();
    assert_eq!(answer["imported"], expected.len());
    assert_eq!(answer["failed"], serde_json::json!([]));
    assert_eq!(answer["tool"], "dependency-check");
    let worst_critical = answer["bySeverity"]["CRITICAL"].as_u64().unwrap() > 0;
    assert_eq!(
        answer["gate"],
        if worst_critical { "fail" } else { "pass" },
        "FAIL_ON=CRITICAL"
    );
    let raw = answer["rawReport"].as_str().unwrap().to_string();
    assert!(
        raw.starts_with(&format!(
            "s3://{BUCKET}/raw/dependency-check/github.com/example/app/main/app-build_77/"
        )),
        "{raw}"
    );
    assert_eq!(
        sorted_ids(&env.findings().await),
        expected,
        "the findings reached Security Hub"
    );
    let (_, head) = env.object(&raw).await;
    assert_eq!(
        head.server_side_encryption().map(|s| s.as_str()),
        Some("AES256")
    );

    // 2. a malformed report: a function error carrying the answer, nothing more imported
    let p = api.next_posted().await;
    assert_eq!(
        (p.request_id.as_str(), p.kind.as_str()),
        ("req-malformed", "error")
    );
    let err: serde_json::Value = serde_json::from_slice(&p.body).unwrap();
    assert_eq!(err["errorType"], "Permanent.MalformedReport");
    assert!(p.headers.contains_key("lambda-runtime-function-error-type"));
    let inner: serde_json::Value =
        serde_json::from_str(err["errorMessage"].as_str().unwrap()).unwrap();
    assert_eq!(inner["imported"], 0);
    assert_eq!(inner["error"]["kind"], "permanent");
    assert!(
        inner["rawReport"]
            .as_str()
            .unwrap()
            .contains("/app-build_78/"),
        "archived for inspection"
    );
    assert_eq!(env.findings().await.len(), expected.len());

    // 3. an event that is not JSON: an error, and the function keeps serving
    let p = api.next_posted().await;
    assert_eq!(
        (p.request_id.as_str(), p.kind.as_str()),
        ("req-not-json", "error")
    );

    // 4. hostile reports: short typed errors with the place, never the report's text
    for (id, error_type, place) in [
        (
            "req-secret-text",
            "Permanent.UnknownFormat",
            "unknown report format",
        ),
        ("req-secret-value", "Permanent.MalformedReport", "$.errors"),
    ] {
        let p = api.next_posted().await;
        assert_eq!((p.request_id.as_str(), p.kind.as_str()), (id, "error"));
        let body = String::from_utf8_lossy(&p.body).to_string();
        for secret in ["hunter2", "abc123", "SECRET-VALUE-42", "DB_PASSWORD"] {
            assert!(
                !body.contains(secret),
                "{id}: the error quotes the report: {body}"
            );
        }
        let err: serde_json::Value = serde_json::from_slice(&p.body).unwrap();
        assert_eq!(err["errorType"], error_type, "{body}");
        let inner: serde_json::Value =
            serde_json::from_str(err["errorMessage"].as_str().unwrap()).unwrap();
        let message = inner["error"]["message"].as_str().unwrap();
        assert!(message.contains(place), "{id}: {message}");
    }

    // the function is now waiting for the next event; stop it and read its logs
    child.start_kill().unwrap();
    let out = child.wait_with_output().await.unwrap();
    let logs =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    let json_lines: Vec<serde_json::Value> = logs
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    assert!(!json_lines.is_empty(), "JSON logs: {logs}");
    let archived = json_lines
        .iter()
        .find(|l| l["fields"]["message"] == "raw report archived")
        .unwrap_or_else(|| panic!("a log line for the archive: {logs}"));
    let span = &archived["span"];
    assert_eq!(span["name"], "invocation", "{archived}");
    assert_eq!(span["tool"], "dependency-check", "{archived}");
    assert_eq!(span["build_id"], "app-build:77", "{archived}");
    // never the report's contents
    for secret in [
        "CVE-2020-10683",
        "glassfish",
        "schemaspy",
        "hunter2",
        "abc123",
        "SECRET-VALUE-42",
        "DB_PASSWORD",
    ] {
        assert!(
            !logs.contains(secret),
            "the logs show report contents ({secret})"
        );
    }
}

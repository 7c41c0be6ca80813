//! A fault-injecting HTTP proxy on loopback, for tests of what AWS does on a bad day.
//!
//! It stands between a client (the SDK, the AWS CLI, the Lambda binary) and the moto server:
//! point `AWS_ENDPOINT_URL` (or the SDK's endpoint) at [`FaultProxy::endpoint`]. Each request is
//! matched against the [`Rule`]s in order; the first that matches (and has uses left) decides:
//! answer a status of its own ([`Fault::Status`]), wait before forwarding ([`Fault::Delay`]),
//! close the connection without an answer ([`Fault::Drop`]), or forward and rewrite the answer's
//! body ([`Fault::Rewrite`]). Unmatched requests are forwarded as they are. Every request is
//! recorded ([`FaultProxy::seen`]).
//!
//! HTTP/1.1 only, one request at a time per connection, bodies by `Content-Length` or chunked;
//! enough for the AWS SDK, botocore and moto.
//!
//! ```no_run
//! use asff_testkit::proxy::{FaultProxy, Fault, Rule};
//!
//! let proxy = FaultProxy::start("http://127.0.0.1:5000");
//! proxy.add(Rule::new("GET", "/scan-reports/state/").fault(Fault::status(403, "AccessDenied")));
//! // … run the client against proxy.endpoint …
//! assert!(proxy.seen().iter().any(|r| r.path.contains("/state/")));
//! ```

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// Makes a new answer body of the request's body and the answer's.
pub type Rewriter = dyn Fn(&[u8], &[u8]) -> Vec<u8> + Send + Sync;

/// What a rule does to a request it matches.
#[derive(Clone)]
pub enum Fault {
    /// Answer this status and body (XML for S3-style codes, JSON otherwise) without forwarding.
    Status {
        status: u16,
        content_type: &'static str,
        body: String,
    },
    /// Forward after this long (the client may give up first).
    Delay(Duration),
    /// Close the connection without answering.
    Drop,
    /// Forward, then replace the answer's body with what the function makes of it and of the
    /// request's body (`f(request, answer)`).
    Rewrite(Arc<Rewriter>),
}

impl Fault {
    /// An error answer with an AWS error code in S3's XML form (`<Error><Code>…`); use
    /// [`Fault::json_error`] for JSON services.
    pub fn status(status: u16, code: &str) -> Fault {
        Fault::Status {
            status,
            content_type: "application/xml",
            body: format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>injected by the test proxy</Message><RequestId>proxy</RequestId></Error>"
            ),
        }
    }

    /// An error answer of a JSON (REST-JSON) service such as Security Hub.
    pub fn json_error(status: u16, code: &str) -> Fault {
        Fault::Status {
            status,
            content_type: "application/json",
            body: format!("{{\"__type\":\"{code}\",\"Code\":\"{code}\",\"Message\":\"injected by the test proxy\"}}"),
        }
    }

    /// Forward and rewrite the answer's body: `f(request body, answer body)`.
    pub fn rewrite(f: impl Fn(&[u8], &[u8]) -> Vec<u8> + Send + Sync + 'static) -> Fault {
        Fault::Rewrite(Arc::new(f))
    }
}

/// Which requests a fault applies to, and how often.
#[derive(Clone)]
pub struct Rule {
    /// `GET`, `PUT`, `POST`, …; `*` for any.
    pub method: String,
    /// A part of the request target (path and query) the request must contain.
    pub path_contains: String,
    pub fault: Fault,
    /// How many requests it applies to; `None`: all.
    pub times: Option<usize>,
}

impl Rule {
    /// A rule for requests of `method` whose target contains `path_contains`; it forwards
    /// until given a [`Rule::fault`].
    pub fn new(method: &str, path_contains: &str) -> Rule {
        Rule {
            method: method.to_string(),
            path_contains: path_contains.to_string(),
            fault: Fault::Delay(Duration::ZERO),
            times: None,
        }
    }

    pub fn fault(mut self, fault: Fault) -> Rule {
        self.fault = fault;
        self
    }

    /// Applies to the first `n` matching requests only.
    pub fn times(mut self, n: usize) -> Rule {
        self.times = Some(n);
        self
    }

    fn matches(&self, method: &str, target: &str) -> bool {
        (self.method == "*" || self.method.eq_ignore_ascii_case(method))
            && target.contains(&self.path_contains)
    }
}

/// A request the proxy saw.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    /// The request target: path and query.
    pub path: String,
    /// What the proxy did: `forwarded`, `status 403`, `delayed`, `dropped`, `rewritten`.
    pub action: String,
    pub body_len: usize,
}

/// The proxy: see the [module documentation](self).
pub struct FaultProxy {
    /// `http://127.0.0.1:{port}`.
    pub endpoint: String,
    rules: Arc<Mutex<Vec<Rule>>>,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl FaultProxy {
    /// Starts the proxy in front of `upstream` (`http://127.0.0.1:{port}`).
    pub fn start(upstream: &str) -> FaultProxy {
        let upstream = upstream
            .trim_end_matches('/')
            .strip_prefix("http://")
            .unwrap_or(upstream)
            .to_string();
        let listener = TcpListener::bind("127.0.0.1:0").expect("binding the proxy");
        let endpoint = format!(
            "http://{}",
            listener.local_addr().expect("the proxy's address")
        );
        let rules: Arc<Mutex<Vec<Rule>>> = Arc::default();
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let (r, s) = (Arc::clone(&rules), Arc::clone(&seen));
        thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let (r, s, up) = (Arc::clone(&r), Arc::clone(&s), upstream.clone());
                thread::spawn(move || {
                    let _ = serve(conn, &up, &r, &s);
                });
            }
        });
        FaultProxy {
            endpoint,
            rules,
            seen,
        }
    }

    /// Adds a rule after the others.
    pub fn add(&self, rule: Rule) {
        lock(&self.rules).push(rule);
    }

    /// Removes every rule: everything is forwarded again.
    pub fn clear(&self) {
        lock(&self.rules).clear();
    }

    /// The requests seen so far.
    pub fn seen(&self) -> Vec<Seen> {
        lock(&self.seen).clone()
    }

    /// Forgets the requests seen so far.
    pub fn forget(&self) {
        lock(&self.seen).clear();
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    match m.lock() {
        Ok(g) => g,
        Err(p) => p.into_inner(),
    }
}

/// A parsed HTTP message: the first line, the headers, the body.
struct Message {
    first: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Message {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The message with its body framed by `Content-Length` and the given `Connection`.
    fn to_bytes(&self, connection: &str) -> Vec<u8> {
        let mut out = format!("{}\r\n", self.first).into_bytes();
        for (k, v) in &self.headers {
            if [
                "content-length",
                "transfer-encoding",
                "connection",
                "expect",
            ]
            .iter()
            .any(|h| k.eq_ignore_ascii_case(h))
            {
                continue;
            }
            out.extend_from_slice(format!("{k}: {v}\r\n").as_bytes());
        }
        out.extend_from_slice(
            format!(
                "Content-Length: {}\r\nConnection: {connection}\r\n\r\n",
                self.body.len()
            )
            .as_bytes(),
        );
        out.extend_from_slice(&self.body);
        out
    }
}

/// Reads one message; `None` at the end of the stream. `on_continue` is written when the
/// sender asks `Expect: 100-continue`.
fn read_message(
    r: &mut impl BufRead,
    mut on_continue: impl FnMut() -> std::io::Result<()>,
    until_eof: bool,
) -> std::io::Result<Option<Message>> {
    let mut first = String::new();
    if r.read_line(&mut first)? == 0 {
        return Ok(None);
    }
    let first = first.trim_end().to_string();
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if r.read_line(&mut line)? == 0 {
            break;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let mut m = Message {
        first,
        headers,
        body: Vec::new(),
    };
    if m.header("expect")
        .is_some_and(|e| e.eq_ignore_ascii_case("100-continue"))
    {
        on_continue()?;
    }
    if m.header("transfer-encoding")
        .is_some_and(|t| t.to_ascii_lowercase().contains("chunked"))
    {
        loop {
            let mut size = String::new();
            r.read_line(&mut size)?;
            let n = usize::from_str_radix(size.trim().split(';').next().unwrap_or("0"), 16)
                .unwrap_or(0);
            if n == 0 {
                // trailers until the empty line
                loop {
                    let mut t = String::new();
                    if r.read_line(&mut t)? == 0 || t.trim().is_empty() {
                        break;
                    }
                }
                break;
            }
            let mut chunk = vec![0; n];
            r.read_exact(&mut chunk)?;
            m.body.extend_from_slice(&chunk);
            let mut crlf = [0; 2];
            r.read_exact(&mut crlf)?;
        }
    } else if let Some(n) = m.header("content-length").and_then(|n| n.parse().ok()) {
        let mut body = vec![0; n];
        r.read_exact(&mut body)?;
        m.body = body;
    } else if until_eof {
        r.read_to_end(&mut m.body)?;
    }
    Ok(Some(m))
}

fn serve(
    conn: TcpStream,
    upstream: &str,
    rules: &Mutex<Vec<Rule>>,
    seen: &Mutex<Vec<Seen>>,
) -> std::io::Result<()> {
    let mut writer = conn.try_clone()?;
    let mut reader = BufReader::new(conn);
    loop {
        let mut cont = writer.try_clone()?;
        let Some(req) = read_message(
            &mut reader,
            || cont.write_all(b"HTTP/1.1 100 Continue\r\n\r\n"),
            false,
        )?
        else {
            return Ok(());
        };
        let mut parts = req.first.split(' ');
        let method = parts.next().unwrap_or("").to_string();
        let target = parts.next().unwrap_or("").to_string();
        let fault = {
            let mut rules = lock(rules);
            let hit = rules
                .iter_mut()
                .find(|r| r.matches(&method, &target) && r.times != Some(0));
            hit.map(|r| {
                if let Some(n) = &mut r.times {
                    *n -= 1;
                }
                r.fault.clone()
            })
        };
        let record = |action: String| {
            lock(seen).push(Seen {
                method: method.clone(),
                path: target.clone(),
                action,
                body_len: req.body.len(),
            })
        };
        let answer = match fault {
            Some(Fault::Drop) => {
                record("dropped".into());
                let _ = writer.shutdown(std::net::Shutdown::Both);
                return Ok(());
            }
            Some(Fault::Status {
                status,
                content_type,
                body,
            }) => {
                record(format!("status {status}"));
                Message {
                    first: format!("HTTP/1.1 {status} Injected"),
                    headers: vec![
                        ("Content-Type".into(), content_type.into()),
                        ("x-amzn-ErrorType".into(), error_code(&body)),
                    ],
                    body: body.into_bytes(),
                }
            }
            Some(Fault::Delay(d)) => {
                record(if d.is_zero() { "forwarded" } else { "delayed" }.into());
                thread::sleep(d);
                forward(upstream, &req)?
            }
            Some(Fault::Rewrite(f)) => {
                record("rewritten".into());
                let mut a = forward(upstream, &req)?;
                a.body = f(&req.body, &a.body);
                a
            }
            None => {
                record("forwarded".into());
                forward(upstream, &req)?
            }
        };
        writer.write_all(&answer.to_bytes("keep-alive"))?;
        writer.flush()?;
    }
}

fn error_code(body: &str) -> String {
    let between = |a: &str, b: &str| {
        body.split_once(a)
            .and_then(|(_, rest)| rest.split_once(b))
            .map(|(c, _)| c.to_string())
    };
    between("<Code>", "</Code>")
        .or_else(|| between("\"__type\":\"", "\""))
        .unwrap_or_default()
}

/// Sends the request upstream on a connection of its own and reads the whole answer.
fn forward(upstream: &str, req: &Message) -> std::io::Result<Message> {
    let mut up = TcpStream::connect(upstream)?;
    up.write_all(&req.to_bytes("close"))?;
    up.flush()?;
    let mut r = BufReader::new(up);
    loop {
        let m = read_message(&mut r, || Ok(()), true)?.ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "no answer upstream")
        })?;
        // an interim 100 Continue from upstream: the real answer follows
        if m.first.split(' ').nth(1) != Some("100") {
            return Ok(m);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny upstream: answers every request with its method, target and body length.
    fn upstream() -> String {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = format!("http://{}", l.local_addr().unwrap());
        thread::spawn(move || {
            for c in l.incoming() {
                let c = c.unwrap();
                thread::spawn(move || {
                    let mut w = c.try_clone().unwrap();
                    let mut r = BufReader::new(c);
                    if let Ok(Some(m)) = read_message(&mut r, || Ok(()), false) {
                        let body = format!("{} {}", m.first, m.body.len());
                        let a = Message {
                            first: "HTTP/1.1 200 OK".into(),
                            headers: vec![],
                            body: body.into_bytes(),
                        };
                        w.write_all(&a.to_bytes("close")).unwrap();
                    }
                });
            }
        });
        addr
    }

    fn call(endpoint: &str, req: &str) -> std::io::Result<String> {
        let mut s = TcpStream::connect(endpoint.strip_prefix("http://").unwrap())?;
        s.set_read_timeout(Some(Duration::from_secs(5)))?;
        s.write_all(req.as_bytes())?;
        let mut r = BufReader::new(s);
        match read_message(&mut r, || Ok(()), false)? {
            Some(m) => Ok(format!(
                "{} | {}",
                m.first,
                String::from_utf8_lossy(&m.body)
            )),
            None => Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "closed",
            )),
        }
    }

    #[test]
    fn forwards_injects_and_records() {
        let p = FaultProxy::start(&upstream());
        let get = "GET /b/state/x HTTP/1.1\r\nHost: h\r\n\r\n";
        let put = "PUT /b/raw/x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
        assert_eq!(
            call(&p.endpoint, get).unwrap(),
            "HTTP/1.1 200 OK | GET /b/state/x HTTP/1.1 0"
        );
        // a chunked body arrives whole
        assert_eq!(
            call(&p.endpoint, put).unwrap(),
            "HTTP/1.1 200 OK | PUT /b/raw/x HTTP/1.1 5"
        );

        p.add(
            Rule::new("GET", "/state/")
                .fault(Fault::status(403, "AccessDenied"))
                .times(1),
        );
        let a = call(&p.endpoint, get).unwrap();
        assert!(
            a.starts_with("HTTP/1.1 403") && a.contains("<Code>AccessDenied</Code>"),
            "{a}"
        );
        // used up: forwarded again; other methods never matched
        assert!(call(&p.endpoint, get).unwrap().starts_with("HTTP/1.1 200"));

        p.add(Rule::new("PUT", "/raw/").fault(Fault::Drop));
        assert!(call(&p.endpoint, put).is_err(), "dropped without an answer");
        p.clear();
        p.add(Rule::new("*", "/").fault(Fault::rewrite(|_, b| [b, b" and more"].concat())));
        assert!(call(&p.endpoint, get).unwrap().ends_with("0 and more"));

        let actions: Vec<String> = p.seen().into_iter().map(|s| s.action).collect();
        assert_eq!(
            actions,
            [
                "forwarded",
                "forwarded",
                "status 403",
                "forwarded",
                "dropped",
                "rewritten"
            ]
        );
    }

    #[test]
    fn delays() {
        let p = FaultProxy::start(&upstream());
        p.add(Rule::new("GET", "/slow").fault(Fault::Delay(Duration::from_millis(300))));
        let t = std::time::Instant::now();
        call(&p.endpoint, "GET /slow HTTP/1.1\r\n\r\n").unwrap();
        assert!(t.elapsed() >= Duration::from_millis(300));
    }
}

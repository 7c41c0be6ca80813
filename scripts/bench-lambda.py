#!/usr/bin/env python3
"""Benchmark of the import-findings Lambda's bootstrap on this machine, against moto on 127.0.0.1.

  .venv/bin/python scripts/bench-lambda.py [BOOTSTRAP]   (default target/sam-build-check/bootstrap,
                                                         which scripts/sam-build-check.sh leaves)

Measures, and prints as a table (README's "Lambda benchmark"):
- the bootstrap's size;
- init: from exec to the function's first GET /2018-06-01/runtime/invocation/next, under a small
  Runtime API server here (INIT_RUNS runs; min, median, max);
- one invocation importing ~5,000 findings through `reportS3Uri` (a real PHPStan report under
  testdata/ repeated with other file paths, uploaded to moto's S3), from handing out the event to
  the function's POST of the response, with the number of BatchImportFindings calls moto served;
- a plain boto3 loop (in its own process) sending the same findings, read back from moto, in the
  same batches of 100, one call after another, against a fresh moto server;
- the floor: the slower of the boto3 loop and Security Hub's own rate for that many calls
  (burst 30, then 10 per second), and the invocation's ratio to it (target: at most 1.3).

Only loopback traffic; every server and process it starts is stopped before it returns. Generated
files go to a temporary directory.
"""

import http.server
import json
import math
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REGION, ACCOUNT, BUCKET = "us-east-1", "123456789012", "scan-reports"
COPIES = 60  # 60 × the report's 83 findings = 4,980
INIT_RUNS = 15
BATCH = 100
SH_BURST, SH_RATE = 30, 10.0

# moto's server with a counter of BatchImportFindings requests (POST /findings/import), read at
# GET /__bench/count; run as its own process
MOTO = r"""
import sys, json
from werkzeug.serving import run_simple
from moto.server import DomainDispatcherApplication, create_backend_app
app = DomainDispatcherApplication(create_backend_app)
count = [0]
def counting(environ, start_response):
    path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD")
    if path == "/__bench/count":
        body = json.dumps({"BatchImportFindings": count[0]}).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]
    if method == "POST" and path == "/findings/import":
        count[0] += 1
    return app(environ, start_response)
run_simple("127.0.0.1", int(sys.argv[1]), counting, threaded=True)
"""

BOTO3_LOOP = r"""
import json, sys, time, boto3
endpoint, path = sys.argv[1], sys.argv[2]
batches = json.load(open(path))
sh = boto3.client("securityhub", endpoint_url=endpoint, region_name="us-east-1",
                  aws_access_key_id="testing", aws_secret_access_key="testing")
sh.get_findings(MaxResults=1)  # warm the client (endpoint resolution, connection)
t0 = time.monotonic()
failed = 0
for b in batches:
    failed += sh.batch_import_findings(Findings=b)["FailedCount"]
print(json.dumps({"seconds": time.monotonic() - t0, "failed": failed}))
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Moto:
    def __init__(self):
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-c", MOTO, str(self.port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                self.count()
                return
            except OSError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    self.stop()
                    sys.exit("the moto server did not start")
                time.sleep(0.1)

    def count(self):
        with urllib.request.urlopen(self.endpoint + "/__bench/count", timeout=5) as r:
            return json.load(r)["BatchImportFindings"]

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class RuntimeApi:
    """GET …/invocation/next hands out the queued events (then holds the poll open); POSTs of
    responses and errors are recorded with their time."""

    def __init__(self, events):
        self.events = list(events)
        self.lock = threading.Condition()
        self.first_next = None
        self.handed = {}
        self.posted = []
        api = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def do_GET(self):
                now = time.monotonic()
                if self.path != "/2018-06-01/runtime/invocation/next":
                    self.send_error(404)
                    return
                with api.lock:
                    if api.first_next is None:
                        api.first_next = now
                    api.lock.notify_all()
                    while not api.events:
                        api.lock.wait()
                    rid, body = api.events.pop(0)
                    if rid is None:  # stop: drop the connection
                        self.close_connection = True
                        return
                    api.handed[rid] = time.monotonic()
                data = body.encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Lambda-Runtime-Aws-Request-Id", rid)
                self.send_header("Lambda-Runtime-Deadline-Ms", str(int(time.time() * 1000) + 300_000))
                self.send_header("Lambda-Runtime-Invoked-Function-Arn",
                                 f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:import-findings")
                self.send_header("Lambda-Runtime-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=0")
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                now = time.monotonic()
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                if "Transfer-Encoding" in self.headers:  # chunked
                    chunks = []
                    while True:
                        size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                        if size == 0:
                            self.rfile.readline()
                            break
                        chunks.append(self.rfile.read(size))
                        self.rfile.readline()
                    body = b"".join(chunks)
                with api.lock:
                    api.posted.append((now, self.path, body))
                    api.lock.notify_all()
                reply = b'{"status":"OK"}'
                self.send_response(202)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        # a killed function resets its connections: not worth a traceback
        self.server.handle_error = lambda request, client_address: None
        self.addr = f"127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait(self, pred, timeout):
        with self.lock:
            if not self.lock.wait_for(pred, timeout):
                sys.exit("timed out waiting for the function")

    def stop(self):
        with self.lock:
            self.events.append((None, ""))
            self.lock.notify_all()
        self.server.shutdown()
        self.server.server_close()


def lambda_env(api, moto):
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "AWS_LAMBDA_RUNTIME_API": api.addr,
        "AWS_LAMBDA_FUNCTION_NAME": "import-findings",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "1024",
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_LOG_STREAM_NAME": "bench",
        "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/import-findings",
        "AWS_LAMBDA_LOG_FORMAT": "JSON",
        "AWS_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_ENDPOINT_URL": moto.endpoint,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": "/nonexistent/config",
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials",
        "REPORT_BUCKET": BUCKET,
        # the template's defaults
        "FAIL_ON": "HIGH",
        "INPUT_PREFIX": "incoming/",
        "IMPORT_CONCURRENCY": "4",
        "LIFECYCLE": "on",
        # e.g. BENCH_LAMBDA_ENV="LIFECYCLE=off IMPORT_CONCURRENCY=8" to compare settings
        **dict(kv.split("=", 1) for kv in os.environ.get("BENCH_LAMBDA_ENV", "").split()),
    }


def start(bootstrap, api, moto, log=None):
    """Starts the bootstrap; with `log`, its output goes there, each line prefixed with the
    seconds since the start at which it arrived (the function's JSON logs carry no time)."""
    t0 = time.monotonic()
    proc = subprocess.Popen([bootstrap], env=lambda_env(api, moto), stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE if log else subprocess.DEVNULL,
                            stderr=subprocess.STDOUT if log else subprocess.DEVNULL)
    if log:
        def copy():
            with open(log, "w", encoding="utf-8") as f:
                for line in proc.stdout:
                    f.write(f"{time.monotonic() - t0:8.3f} {line.decode(errors='replace')}")
        threading.Thread(target=copy, daemon=True).start()
    return t0, proc


def stop(proc):
    proc.kill()
    proc.wait()


def report(tmp):
    """The real PHPStan report's files repeated under COPIES prefixes: COPIES × its findings."""
    src = os.path.join(REPO, "testdata/phpstan/phpstan-2.1.42-maphapay-backoffice.json")
    with open(src, encoding="utf-8") as f:
        real = json.load(f)
    files = {}
    for i in range(COPIES):
        for path, v in real["files"].items():
            files[f"/copy{i:02}{path}"] = v
    n = sum(len(v["messages"]) for v in files.values())
    rep = dict(real, files=files, totals=dict(real["totals"], file_errors=n))
    path = os.path.join(tmp, "report.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(rep, f)
    return path, n


def s3(moto):
    import boto3
    return boto3.client("s3", endpoint_url=moto.endpoint, region_name=REGION,
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def main():
    bootstrap = os.path.abspath(sys.argv[1] if len(sys.argv) > 1
                                else os.path.join(REPO, "target/sam-build-check/bootstrap"))
    if not os.access(bootstrap, os.X_OK):
        sys.exit(f"no executable bootstrap at {bootstrap} (run scripts/sam-build-check.sh first)")
    size = os.path.getsize(bootstrap)
    tmp = tempfile.mkdtemp(prefix="bench-lambda.")
    report_path, n = report(tmp)

    # init
    moto = Moto()
    try:
        inits = []
        for _ in range(INIT_RUNS):
            api = RuntimeApi([])
            t0, proc = start(bootstrap, api, moto)
            try:
                api.wait(lambda: api.first_next is not None, 30)
                inits.append((api.first_next - t0) * 1000)
            finally:
                stop(proc)
                api.stop()
    finally:
        moto.stop()

    # one invocation
    moto = Moto()
    try:
        c = s3(moto)
        c.create_bucket(Bucket=BUCKET)
        key = "incoming/bench/report.json"
        c.upload_file(report_path, BUCKET, key)
        event = json.dumps({
            "messageType": "CodeScanReport", "reportType": "PHPStan",
            "createdAt": "2024-01-01T00:00:00.000Z",
            "source_repository": "https://github.com/example/app", "source_branch": "refs/heads/main",
            "source_commitid": "0123456789abcdef0123456789abcdef01234567", "build_id": "bench:1",
            "reportS3Uri": f"s3://{BUCKET}/{key}",
        })
        api = RuntimeApi([("req-bench", event)])
        log = os.path.join(tmp, "invocation.log")
        _, proc = start(bootstrap, api, moto, log)
        try:
            api.wait(lambda: len(api.posted) > 0, 300)
            posted_at, path, body = api.posted[0]
            invocation = posted_at - api.handed["req-bench"]
            time.sleep(0.2)  # the last log lines
        finally:
            stop(proc)
            api.stop()
        if path != "/2018-06-01/runtime/invocation/req-bench/response":
            sys.exit(f"the function answered {path}: {body[:2000]!r}")
        answer = json.loads(body)
        calls = moto.count()
        import boto3
        sh = boto3.client("securityhub", endpoint_url=moto.endpoint, region_name=REGION,
                          aws_access_key_id="testing", aws_secret_access_key="testing")
        findings = []
        for page in sh.get_paginator("get_findings").paginate(PaginationConfig={"PageSize": 100}):
            findings.extend(page["Findings"])
    finally:
        moto.stop()
    if answer.get("imported") != n or answer.get("failed") != [] or len(findings) != n:
        sys.exit(f"expected {n} imported findings: answer {json.dumps(answer)[:2000]}, "
                 f"{len(findings)} in moto")

    # the boto3 loop over the same batches, against a fresh moto
    batches = [findings[i:i + BATCH] for i in range(0, n, BATCH)]
    batches_path = os.path.join(tmp, "batches.json")
    with open(batches_path, "w", encoding="utf-8") as f:
        json.dump(batches, f, default=str)
    moto = Moto()
    try:
        before = moto.count()
        out = subprocess.run([sys.executable, "-c", BOTO3_LOOP, moto.endpoint, batches_path],
                             capture_output=True, text=True)
        if out.returncode != 0:
            sys.exit(f"the boto3 loop failed: {out.stderr[-3000:]}")
        loop = json.loads(out.stdout)
        loop_calls = moto.count() - before
    finally:
        moto.stop()
    if loop["failed"]:
        sys.exit(f"the boto3 loop had {loop['failed']} failed findings")

    want = math.ceil(n / BATCH)
    rate = max(0.0, (want - SH_BURST) / SH_RATE)
    floor = max(loop["seconds"], rate)
    ratio = invocation / floor if floor else float("inf")
    med = statistics.median(inits)
    print(f"machine: {os.cpu_count()} cores, {os.uname().machine}, load average "
          f"{os.getloadavg()[0]:.2f}; bootstrap {bootstrap}; the function's logs: {log}")
    print()
    print("| what | measured | target |")
    print("| --- | --- | --- |")
    print(f"| bootstrap size | {size / 1e6:.1f} MB ({size} bytes) | ≤ 25 MB |")
    print(f"| init (exec → first /runtime/invocation/next), {INIT_RUNS} runs | median {med:.1f} ms "
          f"(min {min(inits):.1f}, max {max(inits):.1f}) | ≤ 30 ms |")
    print(f"| invocation, {n} findings via reportS3Uri | {invocation:.2f} s, {calls} BatchImportFindings "
          f"calls (ceil({n}/{BATCH}) = {want}) | ≤ 1.3 × floor = {1.3 * floor:.2f} s |")
    print(f"| boto3 loop, same {len(batches)} batches | {loop['seconds']:.2f} s, {loop_calls} calls | |")
    print(f"| Security Hub's rate for {want} calls (burst {SH_BURST}, then {SH_RATE:g}/s) | {rate:.2f} s | |")
    print(f"| floor (the slower of the two) / invocation ÷ floor | {floor:.2f} s / {ratio:.2f}× | ≤ 1.3× |")
    ok = size <= 25_000_000 and med <= 30 and ratio <= 1.3 and calls == want and loop_calls == want
    print()
    print("targets met" if ok else "TARGETS MISSED (see the table)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

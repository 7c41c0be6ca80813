#!/usr/bin/env python3
"""Builds large reports by repeating the records of real testdata reports.

usage: generate.py OUT_DIR [SCALE]

Each copy of a record gets a suffix on the fields its finding's identity comes from, so that the
copies are distinct findings (not skipped as duplicates). SCALE (default 1.0) multiplies every
target size. Prints one line per report: name, path, tool.
"""

import copy
import json
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
MB = 1000 * 1000


def testdata(path):
    with open(os.path.join(ROOT, "testdata", path), "rb") as f:
        return f.read()


def suffixed(value, keys, suffix):
    """A deep copy of value with `suffix` appended to the string values of `keys`."""
    if isinstance(value, dict):
        return {
            k: (v + suffix if k in keys and isinstance(v, str) else suffixed(v, keys, suffix))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [suffixed(v, keys, suffix) for v in value]
    return value


def repeat_list(doc, getter, keys, target):
    """Repeats the list `getter(doc)` until the document is about `target` bytes."""
    items = getter(doc)
    one = len(json.dumps(items)) / max(len(items), 1)
    n = max(1, int(target / one / max(len(items), 1)))
    out = []
    for k in range(n):
        out.extend(suffixed(i, keys, f"-{k}") if k else i for i in items)
    items[:] = out
    return doc


def write(out_dir, name, data):
    p = os.path.join(out_dir, name)
    with open(p, "wb") as f:
        f.write(data)
    return p


def phpstan(target, short=False):
    doc = json.loads(testdata("phpstan/phpstan-2.1.42-maphapay-backoffice.json"))
    files = doc["files"]
    if short:
        # many short messages: 500k messages of ~100 bytes
        msgs = [m for f in files.values() for m in f["messages"]]
        per_file = 50
        total = int(target / 97)
        out = {}
        for i in range(0, total, per_file):
            ms = []
            for j in range(per_file):
                m = dict(msgs[(i + j) % len(msgs)])
                m["message"] = f"Undefined variable ${(i + j) % 977}."
                m["line"] = j + 1
                m.pop("tip", None)
                ms.append(m)
            out[f"/app/src/M{i // per_file}.php"] = {"errors": len(ms), "messages": ms}
        files = out
    else:
        one = len(json.dumps(files))
        n = max(1, int(target / one))
        files = {f"/copy{k}{p}": v for k in range(n) for p, v in doc["files"].items()}
    doc["files"] = files
    count = sum(len(f["messages"]) for f in files.values())
    doc["totals"]["file_errors"] = count
    return json.dumps(doc).encode()


def sonarqube(target):
    doc = json.loads(testdata("sonarqube/defectdojo-findings_over_api.json"))
    doc = repeat_list(doc, lambda d: d["issues"], {"key"}, target)
    for k in ("total", "ps"):
        if k in doc:
            doc[k] = len(doc["issues"])
    if "paging" in doc:
        doc["paging"]["total"] = len(doc["issues"])
        doc["paging"]["pageSize"] = len(doc["issues"])
    return json.dumps(doc).encode()


def json_list(path, getter, keys):
    def gen(target):
        doc = json.loads(testdata(path))
        return json.dumps(repeat_list(doc, getter, keys, target)).encode()

    return gen


def xml_repeat(path, element, keys):
    """Repeats every `<element>…</element>` block, suffixing the text of the `keys` children."""

    def gen(target):
        text = testdata(path).decode("utf-8")
        blocks = list(re.finditer(rf"<{element}[ >].*?</{element}>", text, re.S))
        start, end = blocks[0].start(), blocks[-1].end()
        body = text[start:end]
        n = max(1, int(target / len(body)))
        parts = [body]
        for k in range(1, n):
            b = body
            for key in keys:
                b = re.sub(rf"(<{key}>)([^<]*)(</{key}>)", lambda m: f"{m.group(1)}{m.group(2)}-{k}{m.group(3)}", b)
            parts.append(b)
        return (text[:start] + "\n".join(parts) + text[end:]).encode("utf-8")

    return gen


def shapes(scale):
    s = lambda mb: int(mb * MB * scale)
    return [
        ("phpstan", "phpstan.json", lambda: phpstan(s(30))),
        ("phpstan", "phpstan-500k.json", lambda: phpstan(s(48.5), short=True)),
        ("sonarqube", "sonarqube-issues.json", lambda: sonarqube(s(33))),
        ("dependency-check", "dependency-check.xml",
         lambda: xml_repeat("dependency-check/defectdojo-multiple_vulnerabilities_has_multiple_findings.xml",
                            "dependency", ["fileName", "filePath"])(s(200))),
        ("dependency-check", "dependency-check.json",
         lambda: json_list("dependency-check/dc-7.4.4-schemaspy-maven-plugin.json",
                           lambda d: d["dependencies"], {"fileName", "filePath"})(s(30))),
        ("grype", "grype.json",
         lambda: json_list("grype/defectdojo-grype-0.7.0-many_vulns2.json",
                           lambda d: d["matches"], {"name", "purl"})(s(30))),
        ("anchore", "anchore.json",
         lambda: json_list("anchore/defectdojo-engine-many_vulns.json",
                           lambda d: d["vulnerabilities"], {"package", "package_name", "package_path"})(s(30))),
        ("snyk", "snyk.json",
         lambda: json_list("snyk/snyk-cli-container-test-json-app-vulns-nongrouped.json",
                           lambda d: d["vulnerabilities"], {"packageName", "name", "id"})(s(30))),
        ("ecr", "ecr.json",
         lambda: json_list("ecr/ecr-enhanced-moto-test-fixture-motoserver-image.json",
                           lambda d: d["imageScanFindings"]["enhancedFindings"], {"findingArn", "name"})(s(30))),
        ("zap", "zap.json",
         lambda: json_list("zap/zap-2.9.0-traditional-json-securecodebox-example.com.json",
                           lambda d: d["site"][0]["alerts"], {"pluginid", "alertRef"})(s(30))),
        ("zap", "zap.xml",
         lambda: xml_repeat("zap/defectdojo-0_zap_sample.xml", "alertitem", ["pluginid"])(s(30))),
        ("trivy", "trivy.json",
         lambda: json_list("trivy/defectdojo-legacy_many_vulns.json",
                           lambda d: d[0]["Vulnerabilities"], {"PkgName"})(s(30))),
        ("sarif", "sarif.json",
         lambda: json_list("sarif/defectdojo-semgrepowasp-benchmark-sample.sarif",
                           lambda d: d["runs"][0]["results"], {"uri"})(s(30))),
    ]


def main():
    out_dir = sys.argv[1]
    scale = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
    only = set(sys.argv[3].split(",")) if len(sys.argv) > 3 else None
    os.makedirs(out_dir, exist_ok=True)
    for tool, name, gen in shapes(scale):
        if only and name not in only:
            continue
        p = write(out_dir, name, gen())
        print(name, p, tool, flush=True)


if __name__ == "__main__":
    main()

//! Builds a large Dependency-Check JSON report from the real reports in `testdata/`, for the
//! benchmark and the peak-memory example.
//!
//! Every dependency of the real 7.4.4 and 12.1.1 reports is repeated, with the module name in
//! its file name and path, so that each copy is a distinct record with a distinct Id. The
//! output is compact with escaped slashes (`\/`), like the Maven and Gradle plugins write it.

use std::path::PathBuf;

use serde_json::Value;

const SOURCES: [&str; 2] = [
    "dc-7.4.4-schemaspy-maven-plugin.json",
    "dc-12.1.1-cvssv4.json",
];

fn testdata(name: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/dependency-check")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Escapes text for a JSON string the way Dependency-Check does (`/` as `\/`).
fn json_text(s: &str) -> String {
    let quoted = serde_json::to_string(s).expect("a string serializes");
    let inner = quoted.strip_prefix('"').and_then(|q| q.strip_suffix('"'));
    inner.unwrap_or(&quoted).replace('/', "\\/")
}

/// A report of at least `min_bytes` bytes. Returns the bytes and how many vulnerabilities
/// (records) it holds.
pub fn large_report(min_bytes: usize) -> (Vec<u8>, usize) {
    // each dependency as compact JSON with placeholders for its file name and path
    let mut templates: Vec<(String, String, String, usize)> = Vec::new();
    let mut head = String::new();
    for source in SOURCES {
        let mut v: Value = serde_json::from_slice(&testdata(source)).expect("testdata is JSON");
        let deps = v["dependencies"]
            .as_array_mut()
            .expect("dependencies")
            .split_off(0);
        if head.is_empty() {
            if let Some(top) = v.as_object_mut() {
                top.remove("dependencies");
            }
            let top = serde_json::to_string(&v)
                .expect("serializes")
                .replace('/', "\\/");
            head = format!(
                "{},\"dependencies\":[",
                top.strip_suffix('}').unwrap_or(&top)
            );
        }
        for mut d in deps {
            let name = d["fileName"].as_str().unwrap_or_default().to_string();
            let path = d["filePath"].as_str().unwrap_or_default().to_string();
            let vulns = d["vulnerabilities"].as_array().map_or(0, Vec::len)
                + d["suppressedVulnerabilities"]
                    .as_array()
                    .map_or(0, Vec::len);
            d["fileName"] = Value::String("@@FILENAME@@".into());
            d["filePath"] = Value::String("@@FILEPATH@@".into());
            let t = serde_json::to_string(&d)
                .expect("serializes")
                .replace('/', "\\/");
            templates.push((t, name, path, vulns));
        }
    }
    assert!(head.ends_with("\"dependencies\":["), "{head}");
    let mut out = String::with_capacity(min_bytes + 1_000_000);
    out.push_str(&head);
    let mut records = 0;
    let mut first = true;
    let mut module = 0usize;
    while out.len() < min_bytes {
        module += 1;
        for (t, name, path, vulns) in &templates {
            if !first {
                out.push(',');
            }
            first = false;
            let file_name = json_text(&format!("module-{module:05}.war: {name}"));
            let file_path = json_text(&format!("/build/module-{module:05}{path}"));
            out.push_str(
                &t.replace("@@FILENAME@@", &file_name)
                    .replace("@@FILEPATH@@", &file_path),
            );
            records += vulns;
        }
    }
    out.push_str("]}");
    (out.into_bytes(), records)
}

//! `detect` recognises SonarQube responses and nothing else.

#![cfg(test)]

use asff_core::sniff::{sniff, Sniff};
use asff_testkit::{root, testdata, testdata_files};

#[test]
fn every_testdata_report_is_detected() {
    for file in testdata_files("sonarqube", &["json"]) {
        let s = sniff(&testdata(&file));
        assert!(asff_sonarqube::detect(&s), "{file}: {s}");
    }
}

#[test]
fn pages_and_arrays_of_pages() {
    for doc in [
        &br#"{"paging":{"total":0},"issues":[]}"#[..],
        br#"{"total":0,"p":1,"ps":100,"issues":[]}"#,
        br#"{"issues":[],"components":[]}"#,
        br#"{"paging":{"total":0},"hotspots":[]}"#,
        br#"[{"paging":{"total":1},"issues":[{"key":"A"}]},{"paging":{"total":1},"issues":[]}]"#,
        br#"[{"hotspots":[],"paging":{}}]"#,
    ] {
        assert!(
            asff_sonarqube::detect(&sniff(doc)),
            "{}",
            String::from_utf8_lossy(doc)
        );
    }
}

/// The top-level shapes of the other tools' real reports (from the corpus), and whatever the
/// other parsers keep in testdata/.
#[test]
fn other_tools_reports_are_not_claimed() {
    let keys = |ks: &[&str]| Sniff::JsonObject {
        keys: ks.iter().map(|k| k.to_string()).collect(),
    };
    let others = [
        ("phpstan", keys(&["totals", "files", "errors"])),
        (
            "dependency-check",
            keys(&["reportSchema", "scanInfo", "projectInfo", "dependencies"]),
        ),
        (
            "grype",
            keys(&["matches", "source", "distro", "descriptor"]),
        ),
        (
            "anchore",
            keys(&["imageDigest", "vulnerability_type", "vulnerabilities"]),
        ),
        (
            "snyk",
            keys(&[
                "vulnerabilities",
                "ok",
                "dependencyCount",
                "org",
                "packageManager",
                "path",
                "projectName",
            ]),
        ),
        (
            "ecr",
            keys(&[
                "imageScanFindings",
                "registryId",
                "repositoryName",
                "imageId",
                "imageScanStatus",
            ]),
        ),
        ("zap", keys(&["@version", "@generated", "site"])),
        ("asff", keys(&["Findings"])),
        (
            "asff array",
            Sniff::JsonArray {
                first_keys: Some(vec![
                    "SchemaVersion".into(),
                    "Id".into(),
                    "Resources".into(),
                ]),
                len: 1,
            },
        ),
        (
            "snyk array",
            Sniff::JsonArray {
                first_keys: Some(vec!["vulnerabilities".into(), "ok".into(), "path".into()]),
                len: 3,
            },
        ),
        (
            "xml",
            Sniff::Xml {
                root: "OWASPZAPReport".into(),
                namespace: None,
            },
        ),
        ("issues alone", keys(&["issues"])),
        ("hotspots alone", keys(&["hotspots"])),
    ];
    for (tool, s) in &others {
        assert!(!asff_sonarqube::detect(s), "{tool}: {s}");
    }

    let Ok(dirs) = std::fs::read_dir(root().join("testdata")) else {
        return;
    };
    for dir in dirs.flatten() {
        let name = dir.file_name().to_string_lossy().into_owned();
        if name == "sonarqube" {
            continue;
        }
        for file in testdata_files(&name, &["json", "xml"]) {
            let s = sniff(&testdata(&file));
            assert!(!asff_sonarqube::detect(&s), "{file}: {s}");
        }
    }
}

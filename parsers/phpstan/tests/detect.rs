//! `detect` recognises PHPStan reports and nothing else.

#![cfg(test)]

use asff_core::sniff::{sniff, Sniff};
use asff_testkit::{root, testdata, testdata_files};

#[test]
fn every_testdata_report_is_detected() {
    for file in testdata_files("phpstan", &["json"]) {
        let s = sniff(&testdata(&file));
        assert!(asff_phpstan::detect(&s), "{file}: {s}");
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
        (
            "sonarqube issues",
            keys(&[
                "total",
                "p",
                "ps",
                "paging",
                "issues",
                "components",
                "facets",
            ]),
        ),
        (
            "sonarqube hotspots",
            keys(&["paging", "hotspots", "components"]),
        ),
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
        ("files alone", keys(&["files", "errors"])),
        (
            "array of PHPStan-like objects",
            Sniff::JsonArray {
                first_keys: Some(vec!["totals".into(), "files".into()]),
                len: 1,
            },
        ),
        (
            "xml",
            Sniff::Xml {
                root: "analysis".into(),
                namespace: None,
            },
        ),
    ];
    for (tool, s) in &others {
        assert!(!asff_phpstan::detect(s), "{tool}: {s}");
    }

    let Ok(dirs) = std::fs::read_dir(root().join("testdata")) else {
        return;
    };
    for dir in dirs.flatten() {
        let name = dir.file_name().to_string_lossy().into_owned();
        if name == "phpstan" {
            continue;
        }
        for file in testdata_files(&name, &["json", "xml"]) {
            let s = sniff(&testdata(&file));
            assert!(!asff_phpstan::detect(&s), "{file}: {s}");
        }
    }
}

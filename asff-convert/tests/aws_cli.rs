//! README's AWS CLI recipe, as `scripts/aws-cli-recipe.sh` holds it, run with the real AWS CLI
//! (`pip install awscli`; scripts/test.sh installs it into .venv) against a moto server, on real
//! reports whose BatchImportFindings requests exceed Linux's 128 KB argument limit.

#![cfg(test)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use asff_testkit::moto::Moto;
use serde_json::Value;

const MARKER: &str = "# --- the recipe ---";

/// The `aws` of the AWS CLI: beside the moto server (the same .venv), else on PATH.
fn aws_cli() -> PathBuf {
    let beside = asff_testkit::moto::moto_binary().with_file_name("aws");
    if beside.is_file() {
        return beside;
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|d| d.join("aws"))
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!("the AWS CLI (aws) is not installed: `.venv/bin/pip install awscli` (scripts/test.sh does this)")
        })
}

fn script() -> PathBuf {
    asff_testkit::root().join("scripts/aws-cli-recipe.sh")
}

/// The lines of README's ```sh block that holds the recipe, without the list's indent.
fn readme_recipe() -> Vec<String> {
    let readme = std::fs::read_to_string(asff_testkit::root().join("README.md")).unwrap();
    let mut blocks = Vec::new();
    let mut current: Option<Vec<String>> = None;
    for line in readme.lines() {
        let t = line.trim_start();
        match (&mut current, t) {
            (None, "```sh") => current = Some(Vec::new()),
            (Some(_), "```") => blocks.push(current.take().unwrap()),
            (Some(b), _) => b.push(line.to_string()),
            _ => {}
        }
    }
    let block = blocks
        .into_iter()
        .find(|b| b.iter().any(|l| l.contains("batch-import-findings")))
        .expect("README has the AWS CLI recipe");
    let indent = block
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    block
        .iter()
        .map(|l| l.get(indent..).unwrap_or("").to_string())
        .collect()
}

#[test]
fn the_script_is_readmes_recipe() {
    let text = std::fs::read_to_string(script()).unwrap();
    let (_, recipe) = text.split_once(&format!("{MARKER}\n")).expect("the marker");
    let lines: Vec<String> = recipe.lines().map(String::from).collect();
    assert_eq!(lines, readme_recipe());
    assert!(
        !text.contains("--cli-input-json \"$"),
        "never a batch as an argument"
    );
}

fn env_for(cmd: &mut Command, moto: &Moto, bin_dirs: &[&Path]) {
    let path = std::env::join_paths(bin_dirs.iter().map(|p| p.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    cmd.env_clear()
        .env("PATH", path)
        .env("HOME", std::env::temp_dir())
        .env("AWS_ENDPOINT_URL", &moto.endpoint)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        // as in a CodeBuild build: the account from the build ARN, the scope from ASFF_*
        .env(
            "CODEBUILD_BUILD_ARN",
            "arn:aws:codebuild:us-east-1:123456789012:build/app:0f1e",
        )
        .env("ASFF_REPOSITORY", "https://github.com/example/app.git")
        .env("ASFF_BRANCH", "main");
}

/// Every finding Id in the moto server's Security Hub, read with the AWS CLI (which pages).
fn ids_in_hub(aws: &Path, moto: &Moto, bin: &Path) -> BTreeSet<String> {
    let mut cmd = Command::new(aws);
    cmd.args(["securityhub", "get-findings", "--output", "json"]);
    env_for(&mut cmd, moto, &[bin]);
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v["Findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["Id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_recipe_imports_every_finding_of_batches_over_128_kb() {
    let aws = aws_cli();
    let convert = assert_cmd::cargo::cargo_bin("asff-convert");
    let bin = convert.parent().unwrap().to_path_buf();
    let moto = Moto::start();
    let mut expected = BTreeSet::new();
    for report in [
        // 83 findings in one request of about 180 KB
        "phpstan/phpstan-2.1.42-maphapay-backoffice.json",
        // 1,500-odd findings in 16 requests of about 230 KB
        "grype/defectdojo-grype-0.7.0-many_vulns2.json",
    ] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(
            asff_testkit::root().join("testdata").join(report),
            dir.path().join("report.json"),
        )
        .unwrap();
        // the requests are over the argument limit
        let mut cmd = Command::new(&convert);
        cmd.args(["--emit", "batches", "report.json"])
            .current_dir(dir.path());
        env_for(&mut cmd, &moto, &[&bin]);
        let batches = cmd.output().unwrap();
        assert!(
            batches.status.success(),
            "{}",
            String::from_utf8_lossy(&batches.stderr)
        );
        let lines: Vec<&[u8]> = batches
            .stdout
            .split(|b| *b == b'\n')
            .filter(|l| !l.is_empty())
            .collect();
        assert!(
            lines.iter().all(|l| l.len() > 128 * 1024),
            "{report}: every request over 128 KB"
        );
        for l in &lines {
            let v: Value = serde_json::from_slice(l).unwrap();
            for f in v["Findings"].as_array().unwrap() {
                expected.insert(f["Id"].as_str().unwrap().to_string());
            }
        }

        let mut cmd = Command::new("bash");
        cmd.arg(script()).current_dir(dir.path());
        env_for(&mut cmd, &moto, &[&bin, aws.parent().unwrap()]);
        let out = cmd.output().unwrap();
        assert!(
            out.status.success(),
            "{report}: the recipe failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            ids_in_hub(&aws, &moto, &bin),
            expected,
            "{report}: every finding is in Security Hub"
        );
    }
    assert!(expected.len() > 1000);
}

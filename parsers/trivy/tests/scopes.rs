//! The scopes a Trivy report speaks for (the finding lifecycle archives in them).

#![cfg(test)]

use asff_core::id::generator_id;
use asff_core::{Context, ParseOutput, Scope};
use asff_testkit::{assert_covered, context, only_scope, testdata, testdata_files};
use serde_json::{json, Value};

fn parse(bytes: &[u8], ctx: &Context) -> ParseOutput {
    asff_trivy::parse(bytes, ctx).unwrap_or_else(|e| panic!("{e}"))
}

fn gid(scope: &Scope) -> String {
    generator_id("trivy", scope)
}

#[test]
fn a_clean_image_scan_covers_the_image_from_the_report() {
    let bytes = testdata("trivy/defectdojo-scheme_2_no_vuln.json");
    let out = parse(&bytes, &context());
    assert!(out.findings.is_empty());
    let image = gid(&Scope::image("trivy-unittest:latest"));
    assert_eq!(only_scope(&out), image);
    assert!(out.incomplete.is_empty());
    // the report's image wins over the pipeline's
    let ctx = context().with_image(Some("registry.example/other:1".into()));
    assert_eq!(only_scope(&parse(&bytes, &ctx)), image);
}

#[test]
fn an_archive_scan_takes_the_image_from_the_metadata() {
    let out = parse(&testdata("trivy/trivy-golden-alpine-310.json"), &context());
    assert_eq!(
        only_scope(&out),
        gid(&Scope::image("ghcr.io/aquasecurity/trivy-test-images"))
    );
    let mut v: Value =
        serde_json::from_slice(&testdata("trivy/trivy-golden-alpine-310.json")).unwrap();
    v["Metadata"].as_object_mut().unwrap().remove("Reference");
    v["Metadata"]["RepoTags"] = json!([]);
    // then the pipeline's image, else the one the OS result names (an archive path: none)
    let ctx = context().with_image(Some("registry.example/app:7".into()));
    let out = parse(&serde_json::to_vec(&v).unwrap(), &ctx);
    assert_eq!(only_scope(&out), gid(&Scope::image("registry.example/app")));
    let out = parse(&serde_json::to_vec(&v).unwrap(), &context());
    assert_eq!(
        only_scope(&out),
        gid(&Scope::Image {
            repository: "sha256:961769676411f082461f9ef46626dd7a2d1e2b2a38e6a44364bcbecf51e66dd4"
                .into()
        })
    );
    assert_eq!(out.warnings.len(), 1, "{:?}", out.warnings);
    assert!(out.warnings[0].contains("--image"), "{:?}", out.warnings);
}

#[test]
fn an_image_without_a_name_takes_it_from_its_os_result() {
    let out = parse(&testdata("trivy/defectdojo-all_statuses.json"), &context());
    assert_eq!(
        only_scope(&out),
        gid(&Scope::image("noppaknopsta/example-app"))
    );
    // the legacy array likewise
    let out = parse(
        &testdata("trivy/defectdojo-legacy_many_vulns.json"),
        &context(),
    );
    assert_eq!(only_scope(&out), gid(&Scope::image("debian")));
    let ctx = context().with_image(Some("registry.example/base:10".into()));
    let out = parse(&testdata("trivy/defectdojo-legacy_many_vulns.json"), &ctx);
    assert_eq!(
        only_scope(&out),
        gid(&Scope::image("registry.example/base"))
    );
}

#[test]
fn file_system_and_repository_scans_cover_the_code_scope() {
    for file in [
        "trivy/defectdojo-misconfigurations_and_secrets.json",
        "trivy/trivy-golden-npm.json",
        "trivy/trivy-golden-secrets.json",
    ] {
        let out = parse(&testdata(file), &context());
        assert_eq!(
            only_scope(&out),
            gid(&context().code_scope().unwrap()),
            "{file}"
        );
    }
    // a clean one too, and it needs a scope
    let clean = br#"{"SchemaVersion":2,"ArtifactName":".","ArtifactType":"filesystem"}"#;
    let out = parse(clean, &context());
    assert!(out.findings.is_empty());
    assert_eq!(only_scope(&out), gid(&context().code_scope().unwrap()));
    let bare = Context::new("123456789012", "us-east-1").unwrap();
    let e = asff_trivy::parse(clean, &bare).unwrap_err();
    assert_eq!(e.location, asff_core::Location::Context);
    assert_eq!(e.format, "trivy");
}

#[test]
fn sboms_take_the_pipelines_image_else_the_code_scope() {
    let sbom =
        br#"{"SchemaVersion":2,"ArtifactName":"bom.json","ArtifactType":"cyclonedx","Results":[]}"#;
    let out = parse(sbom, &context());
    assert_eq!(only_scope(&out), gid(&context().code_scope().unwrap()));
    let ctx = context().with_image(Some("registry.example/app:1".into()));
    assert_eq!(
        only_scope(&parse(sbom, &ctx)),
        gid(&Scope::image("registry.example/app"))
    );
}

#[test]
fn kubernetes_reports_cover_each_namespace_of_the_cluster() {
    let cluster = "arn:aws:eks:eu-west-1:123456789012:cluster/prod";
    let ns = |n: Option<&str>| {
        gid(&Scope::Cluster {
            name: cluster.into(),
            namespace: n.map(str::to_string),
        })
    };
    let out = parse(
        &testdata("trivy/handwritten-k8s-resources.json"),
        &context(),
    );
    let want: std::collections::BTreeSet<String> =
        [ns(None), ns(Some("shop")), ns(Some("batch"))].into();
    assert_eq!(out.scopes, want);
    // a resource Trivy could not scan: the report is incomplete
    assert_eq!(out.incomplete.len(), 1, "{:?}", out.incomplete);
    assert!(out.incomplete[0].contains("batch/CronJob/report"));
    // the old layout
    let out = parse(&testdata("trivy/defectdojo-kubernetes.json"), &context());
    assert_eq!(
        only_scope(&out),
        gid(&Scope::Cluster {
            name: "arn:aws:eks:us-east-1:576036489467:cluster/monitoring-test-cluster".into(),
            namespace: Some("default".into())
        })
    );
    assert!(out.incomplete.is_empty());
}

#[test]
fn every_testdata_report_covers_its_findings_scopes() {
    for file in testdata_files("trivy", &["json"]) {
        let out = parse(&testdata(&file), &context());
        assert_covered(&out);
        if !file.contains("k8s") {
            assert_eq!(out.scopes.len(), 1, "{file}");
            assert!(out.incomplete.is_empty(), "{file}: {:?}", out.incomplete);
        }
    }
}

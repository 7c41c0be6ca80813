//! Dependencies identified by their file path keep their Ids across CodeBuild builds, whose
//! checkout directory (`/codebuild/output/src<N>/`) changes every time.

#![cfg(test)]

#[test]
fn ids_survive_a_new_codebuild_checkout_directory() {
    let report = String::from_utf8(asff_testkit::testdata(
        "dependency-check/dc-12.1.1-cvssv4.json",
    ))
    .unwrap();
    assert!(
        report.contains("\"filePath\": \"/work/target/"),
        "the fixture is path-identified"
    );
    let ctx = asff_testkit::context();
    let ids = |build: &str| -> Vec<String> {
        let r = report.replace(
            "/work/target/",
            &format!("/codebuild/output/src{build}/src/work/target/"),
        );
        let out = asff_dependency_check::parse(r.as_bytes(), &ctx).unwrap();
        assert!(!out.findings.is_empty());
        out.findings.into_iter().map(|f| f.id).collect()
    };
    assert_eq!(ids("111111111"), ids("2222"));
    // while another path is another dependency
    let other = report.replace("/work/target/", "/work/other/");
    let out = asff_dependency_check::parse(other.as_bytes(), &ctx).unwrap();
    assert_ne!(out.findings[0].id, ids("111111111")[0]);
}

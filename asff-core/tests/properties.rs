//! Properties of asff-core (proptest): truncation never splits a character nor exceeds its
//! limit; batching never exceeds 100 findings or 6 MB and never drops or duplicates a finding;
//! the label of a CVSS score never decreases as the score grows; Ids are deterministic, at most
//! 512 bytes and differ for different identities; a built finding is within Security Hub's
//! limits and valid against the ASFF schema, whatever the draft holds.

#![cfg(test)]
#![allow(clippy::string_slice)]

use std::collections::BTreeMap;
use std::sync::OnceLock;

use asff_core::batch::{plan, MAX_FINDINGS, MAX_REQUEST_BYTES};
use asff_core::fit::{is_valid_type, limits, serialized_len, truncate_bytes, truncate_chars};
use asff_core::id::finding_id;
use asff_core::model::{Cvss, Resource, Vulnerability};
use asff_core::{build, Context, Draft, Label, Scope, ToolInfo};
use proptest::prelude::*;

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

/// Text with a good share of multi-byte characters, sometimes long.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => any::<String>(),
        2 => "[a-zé€😀\u{0301}\u{200d} ]{0,300}",
        1 => (any::<char>(), 0usize..3000).prop_map(|(c, n)| c.to_string().repeat(n)),
        1 => Just(String::new()),
    ]
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn truncate_chars_never_splits_a_character_nor_exceeds_the_limit(s in text(), max in 0usize..400) {
        let n = s.chars().count();
        match truncate_chars(&s, max) {
            None => prop_assert!(n <= max, "{n} characters kept under a limit of {max}"),
            Some(t) => {
                prop_assert!(n > max);
                prop_assert!(t.chars().count() <= max, "{} > {max}", t.chars().count());
                let kept = t.strip_suffix('…').unwrap_or(&t);
                prop_assert!(s.starts_with(kept), "not a prefix");
                prop_assert!(s.is_char_boundary(kept.len()));
                if max > 0 {
                    prop_assert!(t.ends_with('…'), "a cut is marked");
                }
            }
        }
    }

    #[test]
    fn truncate_bytes_never_splits_a_character_nor_exceeds_the_limit(s in text(), max in 0usize..600) {
        let t = truncate_bytes(&s, max);
        prop_assert!(t.len() <= max);
        prop_assert!(s.starts_with(t));
        prop_assert!(s.is_char_boundary(t.len()));
        // the longest such prefix
        if t.len() < s.len() {
            let next = s[t.len()..].chars().next().map_or(0, char::len_utf8);
            prop_assert!(t.len() + next > max);
        }
    }

    #[test]
    fn batches_stay_within_limits_and_keep_every_finding_once(
        sizes in prop::collection::vec(
            prop_oneof![
                8 => 1usize..5_000,
                2 => 100_000usize..=240_000,
                1 => (MAX_REQUEST_BYTES - 200)..=(MAX_REQUEST_BYTES - 15),
            ],
            0..600,
        )
    ) {
        let ranges = plan(&sizes).expect("every size fits a request");
        let mut next = 0;
        for r in &ranges {
            prop_assert_eq!(r.start, next, "contiguous: nothing dropped, nothing repeated");
            prop_assert!(!r.is_empty());
            prop_assert!(r.len() <= MAX_FINDINGS, "{} findings", r.len());
            // {"Findings":[a,b,…]}
            let body = 15 + sizes[r.clone()].iter().sum::<usize>() + (r.len() - 1);
            prop_assert!(body <= MAX_REQUEST_BYTES, "{body} bytes");
            next = r.end;
        }
        prop_assert_eq!(next, sizes.len());
    }

    #[test]
    fn a_finding_too_large_for_any_request_is_an_error(
        before in prop::collection::vec(1usize..1000, 0..50),
        too_big in (MAX_REQUEST_BYTES - 14)..(MAX_REQUEST_BYTES * 2),
    ) {
        let mut sizes = before.clone();
        sizes.push(too_big);
        let e = plan(&sizes).unwrap_err();
        prop_assert_eq!(e.index, before.len());
    }

    #[test]
    fn the_label_of_a_cvss_score_never_decreases_as_the_score_grows(a in 0.0f64..=10.0, b in 0.0f64..=10.0) {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        let (l, h) = (Label::from_cvss(lo), Label::from_cvss(hi));
        prop_assert!(l.is_some() && h.is_some());
        prop_assert!(l <= h, "{lo} -> {l:?} but {hi} -> {h:?}");
    }

    #[test]
    fn scores_off_the_cvss_scale_have_no_label(x in any::<f64>()) {
        prop_assert_eq!(Label::from_cvss(x).is_some(), (0.0..=10.0).contains(&x));
    }

    #[test]
    fn the_label_of_a_normalized_score_never_decreases(a in -50i64..=150, b in -50i64..=150) {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        if let (Some(l), Some(h)) = (Label::from_normalized(lo), Label::from_normalized(hi)) {
            prop_assert!(l <= h);
        }
        prop_assert_eq!(Label::from_normalized(a).is_some(), (0..=100).contains(&a));
    }

    #[test]
    fn ids_are_deterministic_bounded_and_unique(
        tool in "[a-z-]{1,20}",
        repo in text(),
        branch in prop::option::of(text()),
        a in prop::collection::vec(text(), 0..4),
        b in prop::collection::vec(text(), 0..4),
    ) {
        let scope = Scope::Repository { name: repo, branch };
        let ida = finding_id(&tool, &scope, &a.iter().map(String::as_str).collect::<Vec<_>>());
        let again = finding_id(&tool, &scope, &a.iter().map(String::as_str).collect::<Vec<_>>());
        prop_assert_eq!(&ida, &again, "deterministic");
        prop_assert!(ida.len() <= limits::ID, "{} bytes", ida.len());
        prop_assert!(!ida.chars().any(char::is_control));
        let idb = finding_id(&tool, &scope, &b.iter().map(String::as_str).collect::<Vec<_>>());
        prop_assert_eq!(ida == idb, a == b, "different identities share an Id");
    }
}

fn ctx() -> &'static Context {
    static C: OnceLock<Context> = OnceLock::new();
    C.get_or_init(|| {
        Context::new("123456789012", "eu-west-1")
            .and_then(|c| c.with_now_rfc3339("2024-01-02T03:04:05Z"))
            .expect("context")
            .with_pipeline(asff_core::Pipeline {
                repository: Some("https://github.com/org/app.git".into()),
                branch: Some("main".into()),
                commit: Some("abc".into()),
                build_id: Some("b:1".into()),
                ..Default::default()
            })
    })
}

fn validator() -> &'static jsonschema::Validator {
    static V: OnceLock<jsonschema::Validator> = OnceLock::new();
    V.get_or_init(|| {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../schemas/asff-finding.schema.json");
        let schema: serde_json::Value =
            serde_json::from_slice(&std::fs::read(p).expect("schema")).expect("JSON");
        jsonschema::validator_for(&schema).expect("schema compiles")
    })
}

const TOOL: ToolInfo = ToolInfo {
    name: "proptest",
    product_name: "Property Tests",
    company_name: "asff-pipeline",
};

fn types() -> impl Strategy<Value = Vec<String>> {
    let t = prop_oneof![
        Just("Software and Configuration Checks/Vulnerabilities/CVE".to_string()),
        Just("Software and Configuration Checks/Vulnerabilities".to_string()),
        Just("Effects/Data Exposure".to_string()),
        "(TTPs|Effects|Unusual Behaviors)/[A-Za-z][A-Za-z ]{0,9}(/[A-Za-z0-9][A-Za-z0-9 ]{0,9})?",
    ];
    prop::collection::vec(t, 1..80)
}

fn score() -> impl Strategy<Value = Option<f64>> {
    prop_oneof![
        3 => (0.0f64..=10.0).prop_map(Some),
        1 => any::<f64>().prop_map(Some),
        1 => Just(None),
    ]
}

fn vulnerabilities() -> impl Strategy<Value = Vec<Vulnerability>> {
    let v = (
        "[A-Z]{3}-[0-9]{4}-[0-9]{1,7}",
        prop::collection::vec((score(), prop::option::of("[A-Z0-9:/.]{1,40}")), 0..4),
        prop::option::of(prop_oneof![(0.0f64..=1.0), any::<f64>()]),
        prop::collection::vec("https://[a-z]{1,20}\\.example/[a-z0-9]{0,300}", 0..30),
    )
        .prop_map(|(id, cvss, epss, urls)| Vulnerability {
            id,
            cvss: cvss
                .into_iter()
                .map(|(base_score, base_vector)| Cvss {
                    version: Some("3.1".into()),
                    base_score,
                    base_vector,
                    ..Default::default()
                })
                .collect(),
            epss_score: epss,
            reference_urls: urls,
            ..Default::default()
        });
    prop::collection::vec(v, 0..5)
}

fn resources() -> impl Strategy<Value = Vec<Resource>> {
    let r = ("[A-Za-z]{1,30}", "[!-~][ -~]{0,199}").prop_map(|(kind, id)| Resource {
        kind,
        id,
        ..Default::default()
    });
    prop::collection::vec(r, 0..60)
}

fn draft() -> impl Strategy<Value = Draft> {
    (
        (
            prop::collection::vec(text(), 1..4),
            text(),
            text(),
            prop::option::of(prop::sample::select(Label::ALL.to_vec())),
            text(),
        ),
        (
            types(),
            prop::option::of(text()),
            prop::collection::btree_map(text(), text(), 0..80),
        ),
        (resources(), vulnerabilities()),
    )
        .prop_map(
            |(
                (identity, title, description, label, original_severity),
                (types, remediation_text, product_fields),
                (resources, vulnerabilities),
            )| Draft {
                identity,
                title,
                description,
                label,
                original_severity,
                types,
                remediation_text,
                product_fields: product_fields.into_iter().collect::<BTreeMap<_, _>>(),
                resources,
                vulnerabilities,
                ..Default::default()
            },
        )
}

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn a_built_finding_is_within_the_limits_and_valid(d in draft()) {
        let scope = ctx().code_scope().expect("scope");
        let f = build(ctx(), &TOOL, &scope, d.clone()).expect("a draft of valid types always builds");
        prop_assert!(f.id.len() <= limits::ID);
        prop_assert!((1..=limits::TITLE).contains(&f.title.chars().count()));
        prop_assert!((1..=limits::DESCRIPTION).contains(&f.description.chars().count()));
        prop_assert!((1..=limits::TYPES).contains(&f.types.len()));
        prop_assert!(f.types.iter().all(|t| is_valid_type(t)));
        prop_assert!((1..=limits::RESOURCES).contains(&f.resources.len()));
        prop_assert!(f.product_fields.len() <= limits::PRODUCT_FIELDS);
        prop_assert!(serialized_len(&f) <= limits::FINDING_BYTES);
        prop_assert_eq!(f.label(), Some(d.label.unwrap_or(Label::Informational)));
        let v = serde_json::to_value(&f).expect("serializes");
        let errors: Vec<String> = validator().iter_errors(&v).map(|e| format!("{e} at {}", e.instance_path)).collect();
        prop_assert!(errors.is_empty(), "{errors:#?}");
        // deterministic: the same draft builds the same finding
        let again = build(ctx(), &TOOL, &scope, d).expect("builds");
        prop_assert_eq!(f, again);
    }
}

// Cases these properties found, kept as plain tests.

fn assert_schema_valid(f: &asff_core::AwsSecurityFinding) {
    let v = serde_json::to_value(f).expect("serializes");
    let errors: Vec<String> = validator()
        .iter_errors(&v)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

fn minimal_draft() -> Draft {
    Draft {
        identity: vec!["x".into()],
        title: "t".into(),
        types: vec!["Software and Configuration Checks/Vulnerabilities".into()],
        ..Default::default()
    }
}

#[test]
fn truncating_nothing_to_nothing_is_no_cut() {
    assert_eq!(truncate_chars("", 0), None);
    assert_eq!(truncate_chars("a", 0), Some(String::new()));
}

#[test]
fn an_empty_or_aws_key_is_renamed_in_product_fields_and_other() {
    let mut d = minimal_draft();
    d.product_fields.insert(String::new(), "v".into());
    let mut other = asff_core::model::FieldMap::new();
    other.insert("aws/x".into(), "v".into());
    other.insert(String::new(), "w".into());
    d.resources = vec![Resource {
        kind: "Other".into(),
        id: "r".into(),
        details: Some(asff_core::model::ResourceDetails {
            other,
            ..Default::default()
        }),
        ..Default::default()
    }];
    let f = build(ctx(), &TOOL, &ctx().code_scope().expect("scope"), d).expect("builds");
    assert_eq!(f.product_fields.get("_").map(String::as_str), Some("v"));
    let other = &f.resources[0].details.as_ref().expect("details").other;
    assert_eq!(other.get("scanner/aws/x").map(String::as_str), Some("v"));
    assert_eq!(other.get("_").map(String::as_str), Some("w"));
    assert_schema_valid(&f);
}

#[test]
fn fifty_product_fields_with_one_cut_stay_fifty() {
    let mut d = minimal_draft();
    // with the pipeline's 5 fields, 50 in all; one value too long
    for i in 0..45 {
        d.product_fields.insert(format!("k{i:02}"), "v".into());
    }
    d.product_fields.insert("k00".into(), "x".repeat(3000));
    let f = build(ctx(), &TOOL, &ctx().code_scope().expect("scope"), d).expect("builds");
    assert!(
        f.product_fields.len() <= limits::PRODUCT_FIELDS,
        "{}",
        f.product_fields.len()
    );
    assert!(f.product_fields.contains_key("asff/Truncated"));
    assert_schema_valid(&f);
}

#[test]
fn scores_off_their_scale_and_empty_strings_are_left_out_and_marked() {
    let mut d = minimal_draft();
    d.vulnerabilities = vec![
        Vulnerability {
            id: "CVE-2024-0001".into(),
            cvss: vec![
                Cvss {
                    base_score: Some(99.0),
                    base_vector: Some(String::new()),
                    ..Default::default()
                },
                Cvss {
                    base_score: Some(f64::NAN),
                    version: Some("3.1".into()),
                    ..Default::default()
                },
                Cvss {
                    base_score: Some(7.5),
                    ..Default::default()
                },
            ],
            epss_score: Some(-0.5),
            reference_urls: vec![String::new(), "https://example.com/a".into()],
            related_vulnerabilities: vec![" ".into()],
            vulnerable_packages: vec![asff_core::model::SoftwarePackage {
                name: Some("p".into()),
                fixed_in_version: Some(String::new()),
                ..Default::default()
            }],
            ..Default::default()
        },
        Vulnerability {
            id: String::new(),
            ..Default::default()
        },
    ];
    let f = build(ctx(), &TOOL, &ctx().code_scope().expect("scope"), d).expect("builds");
    assert_eq!(f.vulnerabilities.len(), 1);
    let v = &f.vulnerabilities[0];
    let scores: Vec<Option<f64>> = v.cvss.iter().map(|c| c.base_score).collect();
    assert_eq!(scores, [None, None, Some(7.5)]);
    assert_eq!(v.cvss[0].base_vector, None);
    assert_eq!(v.epss_score, None);
    assert_eq!(v.reference_urls, ["https://example.com/a"]);
    assert!(v.related_vulnerabilities.is_empty());
    assert_eq!(v.vulnerable_packages[0].fixed_in_version, None);
    let marks = &f.product_fields["asff/Truncated"];
    for m in [
        "Vulnerabilities.Cvss.BaseScore",
        "Vulnerabilities.EpssScore",
        "Vulnerabilities",
    ] {
        assert!(marks.split(',').any(|x| x == m), "{m} not in {marks}");
    }
    assert_schema_valid(&f);
}

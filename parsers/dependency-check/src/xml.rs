//! The XML report, schemas 1.x to 4.x, read into the same [`Report`] as the JSON one.
//!
//! The document is read with asff-core's hardened XML reader ([`asff_core::xml`]): no DTD
//! processing and no entity expansion beyond the five predefined entities and character
//! references (an unknown entity is an error), nesting bounded (40 levels), element paths and
//! byte offsets in errors. Its [`Tree`] keeps only the elements and attributes named here
//! ([`intern`], [`intern_attr`]): what the conversion does not need (`evidenceCollected`, data
//! sources, licenses, …) is skipped without being kept, and text is borrowed from the input.
//! Element names are matched on their local name, so a prefixed document reads like an
//! unprefixed one. The report must be UTF-8 as a whole. This module keeps the mapping from the
//! element tree to the report model, and the messages this parser has always given.
//!
//! What differs between the schemas:
//! - 1.x: a vulnerability carries CVSS v2 as flat `cvssScore`, `cvssAccessVector`, …,
//!   `cvssConfidentialImpact`, one `cwe`, no `source` attribute (all data came from the NVD);
//!   identifiers are `<identifier type="maven|cpe|…"><name>`.
//! - 2.x: `cvssV2`/`cvssV3` blocks, `cwes/cwe`, `source` attribute, `<identifiers>` holding
//!   `package` (purls) and `vulnerabilityIds` (CPEs) with an `id`.
//! - 3.0: `knownExploitedVulnerability`; 4.0: `confidentialityImpact`, `includedBy`;
//!   4.1: `cvssV4`.
//! - Suppressed vulnerabilities are `suppressedVulnerability` elements inside
//!   `vulnerabilities` (some writers wrap them in `suppressedVulnerabilities`; both are read).

use std::borrow::Cow;

use asff_core::xml::{Config, Element, OutsideRoot, Reader, Tree, Wording};
use asff_core::{Location, ReportError};
use serde::de::IgnoredAny;

use crate::model::{
    CvssV2, CvssV3, CvssV4, Dependency, Flag, Identifier, IncludedBy, KnownExploited, Num,
    ProjectInfo, Reference, RelatedDependency, Report, ScanInfo, Software, SuppressedVulnerability,
    Text, Vulnerability, VulnerableSoftware,
};
use crate::TOOL;

/// The messages of the shared reader's errors, as this parser has always worded them.
const WORDING: Wording = Wording {
    cut_short: "malformed XML (truncated?): {error}",
    syntax: "malformed XML (truncated?): {error}",
    unclosed: "the report ends too early (truncated?) inside <{name}>",
    text_outside_root: "text before the root element",
    too_deep: "elements nested too deeply",
    text_entity: "bad text (no DTD entities are expanded): {error}",
    text_bad: "bad text (no DTD entities are expanded): {error}",
    attribute_malformed: "malformed attribute: {error}",
    attribute_entity: "bad attribute value: {error}",
    attribute_bad: "bad attribute value: {error}",
    ..Wording::DEFAULT
};

const CONFIG: Config = Config {
    format: TOOL.name,
    // deeper nesting than any Dependency-Check schema has could only be hostile
    max_depth: 40,
    // elements that repeat, shown with their position in error paths
    positioned: &[
        "dependency",
        "vulnerability",
        "suppressedVulnerability",
        "relatedDependency",
        "reference",
        "software",
        "package",
        "identifier",
        "vulnerabilityIds",
        "cwe",
        "projectReference",
        "exception",
    ],
    wording: &WORDING,
    outside_root: OutsideRoot::WhiteSpace,
};

/// Keeps the elements and attributes the conversion reads, skips the rest (evidence, …) unread,
/// and drops the white space between elements (so indented text stays borrowed).
const TREE: Tree<&'static str> = Tree {
    element: intern,
    attribute: intern_attr,
    whitespace_after_children: false,
};

/// An element kept for conversion: its (interned) local name, where it starts, the attributes
/// we read, its text and its kept children.
type Node<'a> = Element<'a, &'static str>;

/// Reads an XML report.
pub fn read(bytes: &[u8]) -> Result<Report<'_>, ReportError> {
    let mut reader = Reader::new(bytes, CONFIG);
    reader.require_utf8("the report is not UTF-8 text (Dependency-Check writes UTF-8)")?;
    let start = reader.root()?;
    let local = start.local_name();
    if local != b"analysis" {
        return Err(error(
            "/",
            start.offset(),
            format!(
                "not a Dependency-Check report: the root element is <{}>, not <analysis>",
                String::from_utf8_lossy(local)
            ),
        ));
    }
    let schema_major = namespace_major(&start.namespaces());
    // the root's attributes are only looked at for the namespace, as written
    let root = TREE.read_content(&mut reader, start, "analysis")?;
    into_report(root, schema_major)
}

/// The major version of the schema from `xmlns="…/dependency-check.X.Y.xsd"`.
fn namespace_major(namespaces: &[String]) -> Option<u32> {
    let ns = namespaces
        .iter()
        .find(|v| v.contains("dependency-check."))?;
    let (_, tail) = ns.rsplit_once("dependency-check.")?;
    tail.split('.').next()?.parse().ok()
}

/// What the conversion takes from a kept element.
trait Kept<'a> {
    /// The trimmed text, `None` when empty.
    fn into_text(self) -> Option<Text<'a>>;
    /// Takes the attribute `name`.
    fn attr(&mut self, name: &str) -> Option<Text<'a>>;
}

impl<'a> Kept<'a> for Node<'a> {
    fn into_text(self) -> Option<Text<'a>> {
        match self.text {
            Cow::Borrowed(s) => Some(s.trim()).filter(|t| !t.is_empty()).map(Text::from),
            Cow::Owned(s) => {
                let t = s.trim();
                if t.is_empty() {
                    None
                } else if t.len() == s.len() {
                    Some(Text(Cow::Owned(s)))
                } else {
                    Some(Text(Cow::Owned(t.to_string())))
                }
            }
        }
    }

    fn attr(&mut self, name: &str) -> Option<Text<'a>> {
        let i = self.attrs.iter().position(|(n, _)| *n == name)?;
        Some(Text(self.attrs.swap_remove(i).1))
    }
}

/// The element names the conversion reads; everything else is skipped unread.
fn intern(local: &[u8]) -> Option<&'static str> {
    Some(match local {
        b"analysis" => "analysis",
        b"scanInfo" => "scanInfo",
        b"engineVersion" => "engineVersion",
        b"analysisExceptions" => "analysisExceptions",
        b"exception" => "exception",
        b"projectInfo" => "projectInfo",
        b"name" => "name",
        b"groupID" => "groupID",
        b"artifactID" => "artifactID",
        b"version" => "version",
        b"reportDate" => "reportDate",
        b"dependencies" => "dependencies",
        b"dependency" => "dependency",
        b"fileName" => "fileName",
        b"filePath" => "filePath",
        b"md5" => "md5",
        b"sha1" => "sha1",
        b"sha256" => "sha256",
        b"projectReferences" => "projectReferences",
        b"projectReference" => "projectReference",
        b"includedBy" => "includedBy",
        b"reference" => "reference",
        b"relatedDependencies" => "relatedDependencies",
        b"relatedDependency" => "relatedDependency",
        b"identifiers" => "identifiers",
        b"identifier" => "identifier",
        b"package" => "package",
        b"vulnerabilityIds" => "vulnerabilityIds",
        b"id" => "id",
        b"url" => "url",
        b"vulnerabilities" => "vulnerabilities",
        b"vulnerability" => "vulnerability",
        b"suppressedVulnerability" => "suppressedVulnerability",
        b"suppressedVulnerabilities" => "suppressedVulnerabilities",
        b"severity" => "severity",
        b"cvssScore" => "cvssScore",
        b"cvssAccessVector" => "cvssAccessVector",
        b"cvssAccessComplexity" => "cvssAccessComplexity",
        b"cvssAuthenticationr" => "cvssAuthenticationr",
        b"cvssAuthentication" => "cvssAuthentication",
        b"cvssConfidentialImpact" => "cvssConfidentialImpact",
        b"cvssConfidentialityImpact" => "cvssConfidentialityImpact",
        b"cvssIntegrityImpact" => "cvssIntegrityImpact",
        b"cvssAvailabilityImpact" => "cvssAvailabilityImpact",
        b"cvssV2" => "cvssV2",
        b"cvssV3" => "cvssV3",
        b"cvssV4" => "cvssV4",
        b"score" => "score",
        b"accessVector" => "accessVector",
        b"accessComplexity" => "accessComplexity",
        b"authenticationr" => "authenticationr",
        b"authentication" => "authentication",
        b"confidentialImpact" => "confidentialImpact",
        b"confidentialityImpact" => "confidentialityImpact",
        b"integrityImpact" => "integrityImpact",
        b"availabilityImpact" => "availabilityImpact",
        b"baseScore" => "baseScore",
        b"attackVector" => "attackVector",
        b"attackComplexity" => "attackComplexity",
        b"privilegesRequired" => "privilegesRequired",
        b"userInteraction" => "userInteraction",
        b"scope" => "scope",
        b"baseSeverity" => "baseSeverity",
        b"vectorString" => "vectorString",
        b"source" => "source",
        b"cwe" => "cwe",
        b"cwes" => "cwes",
        b"description" => "description",
        b"notes" => "notes",
        b"references" => "references",
        b"vulnerableSoftware" => "vulnerableSoftware",
        b"software" => "software",
        b"knownExploitedVulnerability" => "knownExploitedVulnerability",
        b"dateAdded" => "dateAdded",
        b"dueDate" => "dueDate",
        b"requiredAction" => "requiredAction",
        _ => return None,
    })
}

/// The attributes the conversion reads.
fn intern_attr(key: &[u8]) -> Option<&'static str> {
    Some(match key {
        b"isVirtual" => "isVirtual",
        b"source" => "source",
        b"type" => "type",
        b"confidence" => "confidence",
        b"unscored" => "unscored",
        b"vulnerabilityIdMatched" => "vulnerabilityIdMatched",
        b"matched" => "matched",
        b"versionStartIncluding" => "versionStartIncluding",
        b"versionStartExcluding" => "versionStartExcluding",
        b"versionEndIncluding" => "versionEndIncluding",
        b"versionEndExcluding" => "versionEndExcluding",
        _ => return None,
    })
}

fn error(path: &str, offset: u64, message: impl Into<String>) -> ReportError {
    ReportError::new(
        TOOL.name,
        Location::Xml {
            path: path.to_string(),
            offset,
        },
        message,
    )
}

// ---- from the element tree to the report model ----

fn into_report(root: Node<'_>, schema_major: Option<u32>) -> Result<Report<'_>, ReportError> {
    let mut report = Report::default();
    let mut has_dependencies = false;
    let mut dep_index = 0usize;
    for c in root.children {
        match c.name {
            "scanInfo" => {
                let mut s = ScanInfo::default();
                for c in c.children {
                    match c.name {
                        "engineVersion" => s.engine_version = c.into_text(),
                        "analysisExceptions" => {
                            let n = c.children.iter().filter(|e| e.name == "exception").count();
                            s.analysis_exceptions = Some(vec![IgnoredAny; n]);
                        }
                        _ => {}
                    }
                }
                report.scan_info = Some(s);
            }
            "projectInfo" => {
                let mut p = ProjectInfo::default();
                for c in c.children {
                    match c.name {
                        "name" => p.name = c.into_text(),
                        "groupID" => p.group_id = c.into_text(),
                        "artifactID" => p.artifact_id = c.into_text(),
                        "version" => p.version = c.into_text(),
                        "reportDate" => p.report_date = c.into_text(),
                        _ => {}
                    }
                }
                report.project_info = Some(p);
            }
            "dependencies" => {
                has_dependencies = true;
                for d in c.children.into_iter().filter(|d| d.name == "dependency") {
                    dep_index += 1;
                    let path = format!("/analysis/dependencies/dependency[{dep_index}]");
                    report
                        .dependencies
                        .push(dependency(d, schema_major, &path)?);
                }
            }
            _ => {}
        }
    }
    if !has_dependencies {
        return Err(error(
            "/analysis",
            root.offset,
            "not a Dependency-Check report: <analysis> has no <dependencies> element",
        ));
    }
    Ok(report)
}

fn dependency<'a>(
    mut node: Node<'a>,
    schema_major: Option<u32>,
    path: &str,
) -> Result<Dependency<'a>, ReportError> {
    let mut d = Dependency {
        is_virtual: node.attr("isVirtual").map(|v| Flag::parse(&v)),
        offset: node.offset,
        ..Default::default()
    };
    let mut vulns = Vec::new();
    let mut suppressed = Vec::new();
    for c in node.children {
        match c.name {
            "fileName" => d.file_name = c.into_text(),
            "filePath" => d.file_path = c.into_text(),
            "md5" => d.md5 = c.into_text(),
            "sha1" => d.sha1 = c.into_text(),
            "sha256" => d.sha256 = c.into_text(),
            "projectReferences" => {
                d.project_references = Some(
                    c.children
                        .into_iter()
                        .filter(|r| r.name == "projectReference")
                        .filter_map(Node::into_text)
                        .collect(),
                );
            }
            "includedBy" => {
                d.included_by = Some(
                    c.children
                        .into_iter()
                        .filter(|r| r.name == "reference")
                        .map(|mut r| IncludedBy {
                            kind: r.attr("type"),
                            reference: r.into_text(),
                        })
                        .collect(),
                );
            }
            "relatedDependencies" => {
                d.related_dependencies = Some(
                    c.children
                        .into_iter()
                        .filter(|r| r.name == "relatedDependency")
                        .map(related)
                        .collect(),
                );
            }
            "identifiers" => {
                let (packages, ids) = identifiers(c);
                d.packages.get_or_insert_with(Vec::new).extend(packages);
                d.vulnerability_ids.get_or_insert_with(Vec::new).extend(ids);
            }
            "analysisExceptions" => {
                d.analysis_exceptions +=
                    c.children.iter().filter(|e| e.name == "exception").count();
            }
            "vulnerabilities" | "suppressedVulnerabilities" => {
                let wrapper_suppresses = c.name == "suppressedVulnerabilities";
                for v in c.children {
                    match v.name {
                        "vulnerability" if !wrapper_suppresses => {
                            let p = format!(
                                "{path}/vulnerabilities/vulnerability[{}]",
                                vulns.len() + 1
                            );
                            vulns.push(vulnerability(v, schema_major, &p)?);
                        }
                        "vulnerability" | "suppressedVulnerability" => {
                            let p = format!(
                                "{path}/vulnerabilities/suppressedVulnerability[{}]",
                                suppressed.len() + 1
                            );
                            let v = vulnerability(v, schema_major, &p)?;
                            suppressed.push(SuppressedVulnerability { name: Some(v.name) });
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    d.vulnerabilities = Some(vulns);
    d.suppressed_vulnerabilities = Some(suppressed);
    Ok(d)
}

fn related(mut node: Node<'_>) -> RelatedDependency<'_> {
    let mut r = RelatedDependency {
        is_virtual: node.attr("isVirtual").map(|v| Flag::parse(&v)),
        ..Default::default()
    };
    let mut ids = Vec::new();
    for c in node.children {
        match c.name {
            "fileName" => r.file_name = c.into_text(),
            "filePath" => r.file_path = c.into_text(),
            "sha256" => r.sha256 = c.into_text(),
            "sha1" => r.sha1 = c.into_text(),
            "md5" => r.md5 = c.into_text(),
            "identifiers" => ids.extend(identifiers(c).0),
            "identifier" => {
                if let (Some(p), _) = identifier_1x(c) {
                    ids.push(p);
                }
            }
            _ => {}
        }
    }
    if !ids.is_empty() {
        r.package_ids = Some(ids);
    }
    r
}

/// The children of `<identifiers>`: packages (purls) and vulnerability ids (CPEs). Reads the
/// 2.x+ `package`/`vulnerabilityIds`, the 1.x `identifier`, and a nested `<identifiers>`.
fn identifiers(node: Node<'_>) -> (Vec<Identifier<'_>>, Vec<Identifier<'_>>) {
    let mut packages = Vec::new();
    let mut ids = Vec::new();
    for c in node.children {
        match c.name {
            "package" => packages.push(identifier(c)),
            "vulnerabilityIds" => ids.push(identifier(c)),
            "identifier" => match identifier_1x(c) {
                (Some(p), _) => packages.push(p),
                (_, Some(i)) => ids.push(i),
                _ => {}
            },
            "identifiers" => {
                let (p, i) = identifiers(c);
                packages.extend(p);
                ids.extend(i);
            }
            _ => {}
        }
    }
    (packages, ids)
}

fn identifier(mut node: Node<'_>) -> Identifier<'_> {
    let mut i = Identifier {
        confidence: node.attr("confidence"),
        ..Default::default()
    };
    for c in node.children {
        match c.name {
            "id" => i.id = c.into_text(),
            "url" => i.url = c.into_text(),
            _ => {}
        }
    }
    i
}

/// A 1.x `<identifier type="…">`: a CPE becomes a vulnerability id; Maven coordinates
/// `group:artifact:version` become the purl `pkg:maven/group/artifact@version`; any other
/// identifier is kept as a package id as written.
fn identifier_1x(mut node: Node<'_>) -> (Option<Identifier<'_>>, Option<Identifier<'_>>) {
    let kind = node.attr("type");
    let mut i = Identifier {
        confidence: node.attr("confidence"),
        ..Default::default()
    };
    for c in node.children {
        match c.name {
            "name" => i.id = c.into_text(),
            "url" => i.url = c.into_text(),
            _ => {}
        }
    }
    let kind = kind.as_deref().map(str::trim).unwrap_or("");
    if kind.eq_ignore_ascii_case("cpe") {
        return (None, Some(i));
    }
    if kind.eq_ignore_ascii_case("maven") {
        if let Some(id) = &i.id {
            let parts: Vec<&str> = id.split(':').map(str::trim).collect();
            if let [g, a, v] = parts.as_slice() {
                if !g.is_empty() && !a.is_empty() && !v.is_empty() {
                    let purl = format!("pkg:maven/{g}/{a}@{v}");
                    i.id = Some(Text(Cow::Owned(purl)));
                }
            }
        }
    }
    (Some(i), None)
}

fn vulnerability<'a>(
    mut node: Node<'a>,
    schema_major: Option<u32>,
    path: &str,
) -> Result<Vulnerability<'a>, ReportError> {
    let offset = node.offset;
    let mut v = Vulnerability {
        source: node.attr("source"),
        ..Default::default()
    };
    if v.source.is_none() && schema_major == Some(1) {
        // schema 1.x has no source: Dependency-Check 1.x used only the NVD
        v.source = Some(Text::from("NVD"));
    }
    let mut name = None;
    let mut flat_v2 = CvssV2::default();
    let mut has_flat_v2 = false;
    let mut cwes = Vec::new();
    for mut c in node.children {
        match c.name {
            "name" => name = c.into_text(),
            "severity" => {
                if let Some(u) = c.attr("unscored") {
                    v.unscored = Some(Flag::parse(&u));
                }
                v.severity = c.into_text();
            }
            "cvssScore" => {
                has_flat_v2 = true;
                flat_v2.score = c.into_text().map(|t| Num::parse(&t));
            }
            "cvssAccessVector" => flat_v2.access_vector = c.into_text(),
            "cvssAccessComplexity" => flat_v2.access_complexity = c.into_text(),
            "cvssAuthenticationr" | "cvssAuthentication" => flat_v2.authentication = c.into_text(),
            "cvssConfidentialImpact" | "cvssConfidentialityImpact" => {
                flat_v2.confidentiality_impact = c.into_text()
            }
            "cvssIntegrityImpact" => flat_v2.integrity_impact = c.into_text(),
            "cvssAvailabilityImpact" => flat_v2.availability_impact = c.into_text(),
            "cvssV2" => v.cvssv2 = Some(cvss_v2(c)),
            "cvssV3" => v.cvssv3 = Some(cvss_v3(c)),
            "cvssV4" => v.cvssv4 = Some(cvss_v4(c)),
            "cwe" => cwes.extend(c.into_text()),
            "cwes" => cwes.extend(
                c.children
                    .into_iter()
                    .filter(|w| w.name == "cwe")
                    .filter_map(Node::into_text),
            ),
            "description" => v.description = c.into_text(),
            "notes" => v.notes = c.into_text(),
            "references" => {
                v.references = Some(
                    c.children
                        .into_iter()
                        .filter(|r| r.name == "reference")
                        .map(reference)
                        .collect(),
                );
            }
            "vulnerableSoftware" => {
                v.vulnerable_software = Some(
                    c.children
                        .into_iter()
                        .filter(|s| s.name == "software")
                        .map(software)
                        .collect(),
                );
            }
            "knownExploitedVulnerability" => {
                let mut k = KnownExploited::default();
                for c in c.children {
                    match c.name {
                        "name" => k.name = c.into_text(),
                        "dateAdded" => k.date_added = c.into_text(),
                        "dueDate" => k.due_date = c.into_text(),
                        "requiredAction" => k.required_action = c.into_text(),
                        _ => {}
                    }
                }
                v.known_exploited = Some(k);
            }
            _ => {}
        }
    }
    if has_flat_v2 && v.cvssv2.is_none() {
        v.cvssv2 = Some(flat_v2);
    }
    if !cwes.is_empty() {
        v.cwes = Some(cwes);
    }
    v.name = name.ok_or_else(|| error(path, offset, "a vulnerability without a <name>"))?;
    Ok(v)
}

fn num(node: Node<'_>) -> Option<Num> {
    node.into_text().map(|t| Num::parse(&t))
}

fn cvss_v2(node: Node<'_>) -> CvssV2<'_> {
    let mut c2 = CvssV2::default();
    for c in node.children {
        match c.name {
            "score" => c2.score = num(c),
            "accessVector" => c2.access_vector = c.into_text(),
            "accessComplexity" => c2.access_complexity = c.into_text(),
            "authenticationr" | "authentication" => c2.authentication = c.into_text(),
            "confidentialImpact" | "confidentialityImpact" => {
                c2.confidentiality_impact = c.into_text()
            }
            "integrityImpact" => c2.integrity_impact = c.into_text(),
            "availabilityImpact" => c2.availability_impact = c.into_text(),
            "severity" => c2.severity = c.into_text(),
            "version" => c2.version = c.into_text(),
            _ => {}
        }
    }
    c2
}

fn cvss_v3(node: Node<'_>) -> CvssV3<'_> {
    let mut c3 = CvssV3::default();
    for c in node.children {
        match c.name {
            "baseScore" => c3.base_score = num(c),
            "attackVector" => c3.attack_vector = c.into_text(),
            "attackComplexity" => c3.attack_complexity = c.into_text(),
            "privilegesRequired" => c3.privileges_required = c.into_text(),
            "userInteraction" => c3.user_interaction = c.into_text(),
            "scope" => c3.scope = c.into_text(),
            "confidentialityImpact" | "confidentialImpact" => {
                c3.confidentiality_impact = c.into_text()
            }
            "integrityImpact" => c3.integrity_impact = c.into_text(),
            "availabilityImpact" => c3.availability_impact = c.into_text(),
            "baseSeverity" => c3.base_severity = c.into_text(),
            "version" => c3.version = c.into_text(),
            _ => {}
        }
    }
    c3
}

fn cvss_v4(node: Node<'_>) -> CvssV4<'_> {
    let mut c4 = CvssV4::default();
    for c in node.children {
        match c.name {
            "vectorString" => c4.vector_string = c.into_text(),
            "source" => c4.source = c.into_text(),
            "version" => c4.version = c.into_text(),
            "baseScore" => c4.base_score = num(c),
            "baseSeverity" => c4.base_severity = c.into_text(),
            _ => {}
        }
    }
    c4
}

fn reference(node: Node<'_>) -> Reference<'_> {
    let mut r = Reference::default();
    for c in node.children {
        match c.name {
            "source" => r.source = c.into_text(),
            "url" => r.url = c.into_text(),
            "name" => r.name = c.into_text(),
            _ => {}
        }
    }
    r
}

fn software(mut node: Node<'_>) -> VulnerableSoftware<'_> {
    let matched = node
        .attr("vulnerabilityIdMatched")
        .or_else(|| node.attr("matched"))
        .map(|m| Flag::parse(&m));
    let s = Software {
        matched,
        version_start_including: node.attr("versionStartIncluding"),
        version_start_excluding: node.attr("versionStartExcluding"),
        version_end_including: node.attr("versionEndIncluding"),
        version_end_excluding: node.attr("versionEndExcluding"),
        id: node.into_text(),
    };
    VulnerableSoftware { software: Some(s) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_minimal_report_and_skips_evidence() {
        let doc = br#"<?xml version="1.0"?>
<analysis xmlns="https://jeremylong.github.io/DependencyCheck/dependency-check.4.1.xsd">
  <scanInfo><engineVersion>9.0.9</engineVersion></scanInfo>
  <dependencies>
    <dependency isVirtual="false">
      <fileName>a.jar</fileName><filePath>/x/a.jar</filePath>
      <evidenceCollected><evidence type="vendor" confidence="HIGH"><source>file</source><name>name</name><value>a</value></evidence></evidenceCollected>
      <identifiers><package confidence="HIGH"><id>pkg:maven/g/a@1.0</id></package></identifiers>
      <vulnerabilities>
        <vulnerability source="NVD"><name>CVE-1</name><severity>HIGH</severity>
          <cvssV3><baseScore>7.5</baseScore><version>3.1</version></cvssV3>
          <description>d &amp; e</description></vulnerability>
        <suppressedVulnerability source="NVD"><name>CVE-2</name><description/></suppressedVulnerability>
      </vulnerabilities>
    </dependency>
  </dependencies>
</analysis>"#;
        let r = read(doc).unwrap();
        assert_eq!(
            r.scan_info.unwrap().engine_version.unwrap().as_str(),
            "9.0.9"
        );
        let d = &r.dependencies[0];
        assert_eq!(
            d.packages.as_ref().unwrap()[0].id.as_deref(),
            Some("pkg:maven/g/a@1.0")
        );
        let v = &d.vulnerabilities.as_ref().unwrap()[0];
        assert_eq!(v.description.as_deref(), Some("d & e"));
        assert_eq!(v.cvssv3.as_ref().unwrap().base_score, Some(Num(Some(7.5))));
        assert!(matches!(v.name, Text(Cow::Borrowed("CVE-1"))));
        assert_eq!(d.suppressed_vulnerabilities.as_ref().unwrap().len(), 1);
    }

    #[test]
    fn entities_are_not_expanded() {
        let doc = br#"<?xml version="1.0"?>
<!DOCTYPE analysis [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<analysis><dependencies><dependency><fileName>&xxe;</fileName></dependency></dependencies></analysis>"#;
        let e = read(doc).unwrap_err();
        match &e.location {
            Location::Xml { path, .. } => {
                assert_eq!(path, "/analysis/dependencies/dependency[1]/fileName")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn offsets_count_a_byte_order_mark_and_skipped_elements_are_not_read() {
        let doc = b"\xEF\xBB\xBF<analysis><dependencies><dependency><fileName>&x;</fileName></dependency></dependencies></analysis>";
        let e = read(doc).unwrap_err();
        assert_eq!(
            e.location,
            Location::Xml {
                path: "/analysis/dependencies/dependency[1]/fileName".into(),
                offset: 3 + 46 // the BOM, then the text after <fileName>
            }
        );
        // an entity inside an element the conversion skips is never looked at
        let doc = br#"<analysis><dependencies><dependency><evidenceCollected>&x;</evidenceCollected><fileName>a</fileName></dependency></dependencies></analysis>"#;
        let r = read(doc).unwrap();
        assert_eq!(r.dependencies[0].file_name.as_deref(), Some("a"));
    }

    #[test]
    fn namespace_major_versions() {
        let r = read(br#"<analysis xmlns="https://jeremylong.github.io/DependencyCheck/dependency-check.1.3.xsd"><dependencies><dependency><vulnerabilities><vulnerability><name>CVE-1</name></vulnerability></vulnerabilities></dependency></dependencies></analysis>"#).unwrap();
        let v = &r.dependencies[0].vulnerabilities.as_ref().unwrap()[0];
        assert_eq!(v.source.as_deref(), Some("NVD"));
    }
}

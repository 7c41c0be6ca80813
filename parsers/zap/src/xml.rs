//! The traditional XML reports (`OWASPZAPReport/site/alerts/alertitem`), read with asff-core's
//! hardened XML reader ([`asff_core::xml`]) into an element tree, and mapped to the report
//! model here.
//!
//! A `<!DOCTYPE>` is skipped, never interpreted: only XML's five predefined entities and
//! character references are decoded, so a report that uses an entity declared in its DTD (an
//! entity bomb, an external entity such as `file:///etc/passwd`) fails with an error that names
//! the entity and the element, without expanding or fetching anything. A skipped DOCTYPE is
//! said in a warning. Nesting is bounded (64 levels); errors give the element path, with the
//! position of each `site`, `alertitem` and `instance`, and the byte offset.

use asff_core::xml::{Config, Element, OutsideRoot, Reader, Tree, Wording};
use asff_core::ReportError;

use crate::model::{Alert, AlertTag, Instance, Report, Site};
use crate::TOOL;

const CONFIG: Config = Config {
    format: TOOL.name,
    // ZAP's reports are 6 levels deep
    max_depth: 64,
    // repeated elements of ZAP's reports carry their position in error paths
    positioned: &["site", "alertitem", "instance"],
    wording: &Wording::DEFAULT,
    // as ZAP's reader always did: blank text (any white space) and CDATA outside the root
    outside_root: OutsideRoot::Blank,
};

/// Every element and attribute is kept, text as written (white space included).
const TREE: Tree<String> = Tree::EVERYTHING;

/// The root element of ZAP's traditional XML reports.
pub(crate) const ROOT: &str = "OWASPZAPReport";

/// An element: name, attributes, text and children, and where it starts.
type Node<'a> = Element<'a, String>;

/// What the conversion takes from an element, as owned strings.
trait Strings {
    fn attr(&self, name: &str) -> Option<String>;
    fn child_text(&self, name: &str) -> Option<String>;
}

impl Strings for Node<'_> {
    fn attr(&self, name: &str) -> Option<String> {
        self.attribute(name).map(str::to_string)
    }

    fn child_text(&self, name: &str) -> Option<String> {
        self.child(name).map(|c| c.text.to_string())
    }
}

/// Reads an XML report. Offsets in errors count from the start of `bytes`.
pub(crate) fn read(bytes: &[u8]) -> Result<(Report, Vec<String>), ReportError> {
    let mut reader = Reader::new(bytes, CONFIG);
    let start = reader.root()?;
    let root_name = String::from_utf8_lossy(start.local_name()).into_owned();
    let root = TREE.read(&mut reader, start, root_name)?;
    reader.finish()?;
    let mut warnings = Vec::new();
    for _ in 0..reader.doctypes() {
        tracing::debug!("skipping a DOCTYPE without processing it");
        warnings.push(
            "the report has a DOCTYPE; it was skipped (no DTD processing, no entity expansion)"
                .into(),
        );
    }
    Ok((report(root)?, warnings))
}

fn error(path: String, offset: u64, message: impl Into<String>) -> ReportError {
    ReportError::new(
        TOOL.name,
        asff_core::Location::Xml { path, offset },
        message,
    )
}

fn report(root: Node<'_>) -> Result<Report, ReportError> {
    if root.name != ROOT {
        return Err(error(
            format!("/{}", root.name),
            root.offset,
            format!(
                "not a ZAP report: the root element is <{}>, expected <{ROOT}>",
                root.name
            ),
        ));
    }
    let sites = root.children("site").map(site).collect();
    Ok(Report {
        program_name: root.attr("programName"),
        version: root.attr("version"),
        generated: root.attr("generated"),
        created: root.attr("created"),
        sites,
        syntax: crate::model::Syntax::Xml,
    })
}

fn site(node: &Node<'_>) -> Site {
    Site {
        name: node.attr("name"),
        host: node.attr("host"),
        port: node.attr("port"),
        ssl: node.attr("ssl"),
        alerts: node
            .children("alerts")
            .flat_map(|a| a.children("alertitem"))
            .map(alert)
            .collect(),
        offset: Some(node.offset),
    }
}

fn alert(node: &Node<'_>) -> Alert {
    let t = |name: &str| node.child_text(name);
    Alert {
        pluginid: t("pluginid"),
        alert_ref: t("alertRef"),
        alert: t("alert"),
        name: t("name"),
        riskcode: t("riskcode"),
        confidence: t("confidence"),
        riskdesc: t("riskdesc"),
        confidencedesc: t("confidencedesc"),
        desc: t("desc"),
        instances: node
            .children("instances")
            .flat_map(|i| i.children("instance"))
            .map(instance)
            .collect(),
        count: t("count"),
        systemic: t("systemic"),
        solution: t("solution"),
        otherinfo: t("otherinfo"),
        reference: t("reference"),
        cweid: t("cweid"),
        wascid: t("wascid"),
        sourceid: t("sourceid"),
        tags: node
            .children("tags")
            .flat_map(|t| t.children("tag"))
            .map(|t| AlertTag {
                // `<tag><tag>NAME</tag><link>URL</link></tag>`, or the name as text
                tag: t
                    .child_text("tag")
                    .or_else(|| Some(t.text.to_string()).filter(|s| !s.trim().is_empty())),
                link: t.child_text("link"),
            })
            .collect(),
        offset: Some(node.offset),
    }
}

fn instance(node: &Node<'_>) -> Instance {
    let t = |name: &str| node.child_text(name);
    Instance {
        uri: t("uri"),
        method: t("method"),
        param: t("param"),
        attack: t("attack"),
        evidence: t("evidence"),
        otherinfo: t("otherinfo"),
    }
}

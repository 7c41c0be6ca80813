//! The traditional XML reports (`OWASPZAPReport/site/alerts/alertitem`), read with quick-xml's
//! pull parser and no DTD processing.
//!
//! A `<!DOCTYPE>` is skipped, never interpreted: only XML's five predefined entities and
//! character references are decoded, so a report that uses an entity declared in its DTD (an
//! entity bomb, an external entity such as `file:///etc/passwd`) fails with an error that names
//! the entity and the element, without expanding or fetching anything.

use quick_xml::escape::EscapeError;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use asff_core::{Location, ReportError};

use crate::model::{Alert, AlertTag, Instance, Report, Site};
use crate::TOOL;

/// The deepest nesting we accept; ZAP's reports are 6 levels deep.
const MAX_DEPTH: usize = 64;

/// The root element of ZAP's traditional XML reports.
pub(crate) const ROOT: &str = "OWASPZAPReport";

/// An element: name, attributes, text and children, and where it starts.
#[derive(Debug, Default)]
struct Node {
    name: String,
    attrs: Vec<(String, String)>,
    text: String,
    children: Vec<Node>,
    offset: u64,
}

impl Node {
    fn attr(&self, name: &str) -> Option<String> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }

    fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    fn children<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    fn child_text(&self, name: &str) -> Option<String> {
        self.child(name).map(|c| c.text.clone())
    }
}

/// Reads an XML report. Offsets in errors count from the start of `bytes`.
pub(crate) fn read(bytes: &[u8]) -> Result<(Report, Vec<String>), ReportError> {
    let mut warnings = Vec::new();
    let root = tree(bytes, &mut warnings)?;
    Ok((report(root)?, warnings))
}

fn error(path: String, offset: u64, message: impl Into<String>) -> ReportError {
    ReportError::new(TOOL.name, Location::Xml { path, offset }, message)
}

/// `/a/b[2]/c` for the open elements: repeated elements of ZAP's reports carry their position.
fn path_of(stack: &[Node], extra: Option<&str>) -> String {
    let mut out = String::new();
    for (depth, node) in stack.iter().enumerate() {
        out.push('/');
        out.push_str(&node.name);
        if matches!(node.name.as_str(), "site" | "alertitem" | "instance") {
            if let Some(parent) = depth.checked_sub(1).and_then(|d| stack.get(d)) {
                let n = parent
                    .children
                    .iter()
                    .filter(|c| c.name == node.name)
                    .count()
                    + 1;
                out.push_str(&format!("[{n}]"));
            }
        }
    }
    if let Some(e) = extra {
        out.push('/');
        out.push_str(e);
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

fn describe(e: &quick_xml::Error) -> String {
    match e {
        quick_xml::Error::Escape(EscapeError::UnrecognizedEntity(_, name)) => format!(
            "the entity reference `&{name};` is not one of XML's predefined entities; \
             DTDs are not processed, so declared and external entities are not expanded"
        ),
        other => format!("malformed XML: {other}"),
    }
}

fn tree(bytes: &[u8], warnings: &mut Vec<String>) -> Result<Node, ReportError> {
    let bom = if bytes.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let body = bytes.get(bom..).unwrap_or_default();
    let base = bom as u64;
    let mut reader = Reader::from_reader(body);
    let config = reader.config_mut();
    config.trim_text(false);
    config.check_end_names = true;
    config.expand_empty_elements = false;

    let mut stack: Vec<Node> = Vec::new();
    let mut root: Option<Node> = None;
    loop {
        let at = base + reader.buffer_position();
        let event = match reader.read_event() {
            Ok(e) => e,
            Err(e) => {
                let offset = base + reader.error_position();
                let message = match &e {
                    quick_xml::Error::Syntax(_)
                        if reader.buffer_position() as usize >= body.len() =>
                    {
                        format!("the report ends too early (truncated?): {e}")
                    }
                    _ => describe(&e),
                };
                return Err(error(path_of(&stack, None), offset, message));
            }
        };
        match event {
            Event::Start(e) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(error(
                        path_of(&stack, None),
                        at,
                        format!("elements are nested more than {MAX_DEPTH} deep"),
                    ));
                }
                if root.is_some() && stack.is_empty() {
                    return Err(error("/".into(), at, "content after the root element"));
                }
                let node = node(&e, at, &stack)?;
                stack.push(node);
            }
            Event::Empty(e) => {
                let node = node(&e, at, &stack)?;
                attach(&mut stack, &mut root, node, at)?;
            }
            Event::End(_) => {
                if let Some(node) = stack.pop() {
                    attach(&mut stack, &mut root, node, at)?;
                }
            }
            Event::Text(t) => {
                let text = t
                    .unescape()
                    .map_err(|e| error(path_of(&stack, None), at, describe(&e)))?;
                match stack.last_mut() {
                    Some(top) => top.text.push_str(&text),
                    None if text.trim().is_empty() => {}
                    None => return Err(error("/".into(), at, "text outside the root element")),
                }
            }
            Event::CData(c) => {
                let text = c
                    .decode()
                    .map_err(|e| error(path_of(&stack, None), at, format!("malformed XML: {e}")))?;
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&text);
                }
            }
            Event::DocType(_) => {
                tracing::debug!("skipping a DOCTYPE without processing it");
                warnings.push(
                    "the report has a DOCTYPE; it was skipped (no DTD processing, no entity expansion)"
                        .into(),
                );
            }
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
            Event::Eof => {
                if let Some(open) = stack.last() {
                    let name = open.name.clone();
                    return Err(error(
                        path_of(&stack, None),
                        base + reader.buffer_position(),
                        format!("the report ends too early (truncated?): <{name}> is not closed"),
                    ));
                }
                break;
            }
        }
    }
    root.ok_or_else(|| error("/".into(), base, "the document has no root element"))
}

fn node(e: &BytesStart<'_>, at: u64, stack: &[Node]) -> Result<Node, ReportError> {
    let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
    let mut attrs = Vec::new();
    for a in e.attributes() {
        let a = a.map_err(|err| {
            error(
                path_of(stack, Some(&name)),
                at,
                format!("malformed XML attribute: {err}"),
            )
        })?;
        let key = String::from_utf8_lossy(a.key.local_name().as_ref()).into_owned();
        let value = a
            .unescape_value()
            .map_err(|err| error(path_of(stack, Some(&name)), at, describe(&err)))?
            .into_owned();
        attrs.push((key, value));
    }
    Ok(Node {
        name,
        attrs,
        offset: at,
        ..Default::default()
    })
}

fn attach(
    stack: &mut [Node],
    root: &mut Option<Node>,
    node: Node,
    at: u64,
) -> Result<(), ReportError> {
    match stack.last_mut() {
        Some(parent) => {
            parent.children.push(node);
            Ok(())
        }
        None if root.is_none() => {
            *root = Some(node);
            Ok(())
        }
        None => Err(error("/".into(), at, "more than one root element")),
    }
}

fn report(root: Node) -> Result<Report, ReportError> {
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

fn site(node: &Node) -> Site {
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

fn alert(node: &Node) -> Alert {
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
                    .or_else(|| Some(t.text.clone()).filter(|s| !s.trim().is_empty())),
                link: t.child_text("link"),
            })
            .collect(),
        offset: Some(node.offset),
    }
}

fn instance(node: &Node) -> Instance {
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

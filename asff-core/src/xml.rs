//! One hardened XML reader for every scanner report that is XML.
//!
//! [`Reader`] is a pull reader over the report's bytes, built on quick-xml, that yields element
//! starts ([`Start`]: local name, byte offset, attributes on request), text and ends. What it
//! guarantees, whoever calls it:
//!
//! - **No DTD processing.** A `<!DOCTYPE>` is skipped, never interpreted (it is counted, see
//!   [`Reader::doctypes`]); only XML's five predefined entities and character references are
//!   decoded. Any other entity reference (an entity bomb, an external entity such as
//!   `file:///etc/passwd`) is an error that names the entity and the element, and nothing is
//!   expanded or fetched.
//! - **Bounded nesting.** An element whose content would be read deeper than
//!   [`Config::max_depth`] is an error; skipped elements ([`Reader::skip`]) do not count.
//! - **Places in errors.** Every error is a [`ReportError`] of the caller's format with
//!   [`Location::Xml`]: the element path (`/OWASPZAPReport/site[2]/alerts/alertitem[3]`, local
//!   names, the elements named in [`Config::positioned`] with their position among their
//!   siblings of that name) and the byte offset in the original bytes (a UTF-8 byte order mark
//!   counts).
//! - **Truncation is told apart** from other malformed XML: a report that ends inside a tag or
//!   with elements open says so.
//! - Names are matched on their **local name**, so a prefixed document reads like an
//!   unprefixed one.
//!
//! The words of the messages are the caller's ([`Wording`]): each parser keeps the messages its
//! users and tests know.
//!
//! On top of the reader, [`Tree`] builds an element tree, keeping only the elements and
//! attributes the caller names (the rest is skipped without being kept) and borrowing text from
//! the input where it has no escapes.
//!
//! ```
//! use asff_core::xml::{Config, OutsideRoot, Reader, Tree, Wording};
//!
//! const CONFIG: Config = Config {
//!     format: "example",
//!     max_depth: 16,
//!     positioned: &["item"],
//!     wording: &Wording::DEFAULT,
//!     outside_root: OutsideRoot::WhiteSpace,
//! };
//! fn keep(name: &[u8]) -> Option<&'static str> {
//!     match name {
//!         b"list" => Some("list"),
//!         b"item" => Some("item"),
//!         b"kind" => Some("kind"),
//!         _ => None,
//!     }
//! }
//! let tree = Tree { element: keep, attribute: keep, whitespace_after_children: false };
//!
//! let doc = br#"<?xml version="1.0"?>
//! <x:list xmlns:x="urn:example"><x:item kind="a">one &amp; two</x:item>
//!   <x:noise>skipped</x:noise><x:item><![CDATA[<three>]]></x:item></x:list>"#;
//! let mut reader = Reader::new(doc, CONFIG);
//! let root = reader.root()?;
//! let list = tree.read(&mut reader, root, "list")?;
//! reader.finish()?;
//! let items: Vec<&str> = list.children.iter().map(|i| &*i.text).collect();
//! assert_eq!(items, ["one & two", "<three>"]);
//! assert_eq!(list.children[0].attribute("kind"), Some("a"));
//!
//! // an entity declared in a DTD is refused, with the element's path and offset
//! let bad = br#"<!DOCTYPE list [<!ENTITY e "boom">]><list><item/><item>&e;</item></list>"#;
//! let mut reader = Reader::new(bad, CONFIG);
//! let root = reader.root()?;
//! let e = tree.read(&mut reader, root, "list").unwrap_err();
//! assert_eq!(e.location.to_string(), "/list/item[2] (byte 55)");
//! assert!(e.message.contains("`&e;`"));
//! assert_eq!(reader.doctypes(), 1);
//! # Ok::<(), asff_core::ReportError>(())
//! ```

use std::borrow::Cow;

use quick_xml::escape::EscapeError;
use quick_xml::events::{BytesStart, Event as XmlEvent};

use crate::report::{Location, ReportError};

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The messages of a reader's errors, as templates: `{error}` is quick-xml's description of the
/// problem, `{name}` an element or entity name, `{max}` [`Config::max_depth`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wording {
    /// The report ends inside a tag, a comment, a CDATA section, … (`{error}`).
    pub cut_short: &'static str,
    /// A syntax error anywhere else (`{error}`).
    pub syntax: &'static str,
    /// Other malformed XML, such as a mismatched end tag (`{error}`).
    pub malformed: &'static str,
    /// The report ends while the element `{name}` is open.
    pub unclosed: &'static str,
    /// The document has no root element.
    pub no_root: &'static str,
    /// Text (or CDATA) before or after the root element.
    pub text_outside_root: &'static str,
    /// An element start after the root element has ended.
    pub content_after_root: &'static str,
    /// An empty element after the root element.
    pub second_root: &'static str,
    /// An element nested deeper than `{max}`.
    pub too_deep: &'static str,
    /// Text with an entity reference `&{name};` that is not predefined (`{error}` too).
    pub text_entity: &'static str,
    /// Text that cannot be decoded or unescaped (`{error}`).
    pub text_bad: &'static str,
    /// An attribute that is not well-formed (`{error}`).
    pub attribute_malformed: &'static str,
    /// An attribute value with an entity reference `&{name};` that is not predefined.
    pub attribute_entity: &'static str,
    /// An attribute value that cannot be decoded or unescaped (`{error}`).
    pub attribute_bad: &'static str,
}

const ENTITY_REFUSED: &str = "the entity reference `&{name};` is not one of XML's predefined \
    entities; DTDs are not processed, so declared and external entities are not expanded";

impl Wording {
    /// Messages that say what is wrong without naming a tool.
    pub const DEFAULT: Wording = Wording {
        cut_short: "the report ends too early (truncated?): {error}",
        syntax: "malformed XML: {error}",
        malformed: "malformed XML: {error}",
        unclosed: "the report ends too early (truncated?): <{name}> is not closed",
        no_root: "the document has no root element",
        text_outside_root: "text outside the root element",
        content_after_root: "content after the root element",
        second_root: "more than one root element",
        too_deep: "elements are nested more than {max} deep",
        text_entity: ENTITY_REFUSED,
        text_bad: "malformed XML: {error}",
        attribute_malformed: "malformed XML attribute: {error}",
        attribute_entity: ENTITY_REFUSED,
        attribute_bad: "malformed XML: {error}",
    };
}

/// How a format's reports are read.
#[derive(Debug, Clone, Copy)]
pub struct Config {
    /// The format named in errors (the tool's name).
    pub format: &'static str,
    /// The deepest nesting of elements whose content is read (the root is at depth 1).
    pub max_depth: usize,
    /// Local names of elements that repeat: error paths show their position, `alertitem[3]`.
    pub positioned: &'static [&'static str],
    /// The messages of errors.
    pub wording: &'static Wording,
    /// What may stand outside the root element besides markup.
    pub outside_root: OutsideRoot,
}

/// What a [`Reader`] takes outside the root element, besides comments, processing
/// instructions and the DOCTYPE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutsideRoot {
    /// XML white space only: other text and CDATA sections are refused unread.
    WhiteSpace,
    /// Text that is blank once unescaped (any Unicode white space); CDATA sections are passed
    /// over. For readers that always took this, so that no report they read is refused now.
    Blank,
}

/// What [`Reader::next`] reads.
#[derive(Debug)]
pub enum Event<'a> {
    /// An element start, `<a …>` or `<a …/>` ([`Start::is_empty`]); the content of a start that
    /// is not empty follows, up to its [`Event::End`], unless the caller [skips](Reader::skip) it.
    Start(Start<'a>),
    /// The end of the innermost open element.
    End,
    /// Text, unescaped. `blank` when the text, as written, is nothing but XML white space.
    Text { text: Cow<'a, str>, blank: bool },
    /// The content of a CDATA section.
    CData(Cow<'a, str>),
    /// The end of the document, after the root element.
    Eof,
}

/// An element start.
#[derive(Debug)]
pub struct Start<'a> {
    raw: BytesStart<'a>,
    local: &'a [u8],
    offset: u64,
    position: Option<usize>,
    empty: bool,
}

impl<'a> Start<'a> {
    /// The local name (without a namespace prefix), as written.
    pub fn local_name(&self) -> &'a [u8] {
        self.local
    }

    /// The byte offset of its `<` in the original bytes.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// Whether it is an empty element, `<a/>`, with no content and no end event.
    pub fn is_empty(&self) -> bool {
        self.empty
    }

    /// The values of its namespace declarations (`xmlns`, `xmlns:x`) as written (malformed
    /// attributes are passed over).
    pub fn namespaces(&self) -> Vec<String> {
        self.raw
            .attributes()
            .filter_map(Result::ok)
            .filter(|a| a.key.as_ref() == b"xmlns" || a.key.as_ref().starts_with(b"xmlns:"))
            .map(|a| String::from_utf8_lossy(&a.value).into_owned())
            .collect()
    }
}

/// An open element: its name, position among its siblings, offset, and how many children of
/// each positioned name were seen.
#[derive(Debug)]
struct Open<'a> {
    name: &'a [u8],
    position: Option<usize>,
    offset: u64,
    seen: Vec<(&'a [u8], usize)>,
}

/// The pull reader. See the [module documentation](self).
pub struct Reader<'a> {
    xml: quick_xml::Reader<&'a [u8]>,
    body: &'a [u8],
    base: u64,
    config: Config,
    open: Vec<Open<'a>>,
    /// How many root-level children were read (a root element, more when malformed).
    roots: usize,
    doctypes: usize,
}

impl<'a> Reader<'a> {
    /// A reader of `bytes` (a UTF-8 byte order mark is skipped; offsets count it).
    pub fn new(bytes: &'a [u8], config: Config) -> Self {
        let (body, base) = match bytes.strip_prefix(UTF8_BOM) {
            Some(rest) => (rest, UTF8_BOM.len() as u64),
            None => (bytes, 0),
        };
        let mut xml = quick_xml::Reader::from_reader(body);
        let c = xml.config_mut();
        c.trim_text(false);
        c.check_end_names = true;
        c.expand_empty_elements = false;
        Reader {
            xml,
            body,
            base,
            config,
            open: Vec::new(),
            roots: 0,
            doctypes: 0,
        }
    }

    /// Refuses a document that is not UTF-8 as a whole (`message`, at the first bad byte), for
    /// formats whose writers always write UTF-8.
    pub fn require_utf8(&self, message: &str) -> Result<(), ReportError> {
        std::str::from_utf8(self.body)
            .map(drop)
            .map_err(|e| self.error("/".into(), self.base + e.valid_up_to() as u64, message))
    }

    /// How many `<!DOCTYPE>`s were skipped so far.
    pub fn doctypes(&self) -> usize {
        self.doctypes
    }

    /// The path of the open elements, `/` when none is open.
    pub fn path(&self) -> String {
        let mut out = String::new();
        for open in &self.open {
            push_segment(&mut out, open.name, open.position);
        }
        if out.is_empty() {
            out.push('/');
        }
        out
    }

    /// An error of the caller's format at `path` and `offset`.
    pub fn error(&self, path: String, offset: u64, message: impl Into<String>) -> ReportError {
        ReportError::new(self.config.format, Location::Xml { path, offset }, message)
    }

    /// An error at the open elements' path.
    fn here(&self, offset: u64, template: &str, args: &[(&str, &str)]) -> ReportError {
        self.error(self.path(), offset, fill(template, args))
    }

    /// The root element's start (prolog, comments and white space before it are passed over);
    /// to be called first.
    pub fn root(&mut self) -> Result<Start<'a>, ReportError> {
        loop {
            match self.next()? {
                Event::Start(s) => return Ok(s),
                // called again after the root
                Event::Eof => {
                    let end = self.base + self.xml.buffer_position();
                    return Err(self.error("/".into(), end, self.config.wording.no_root));
                }
                // before the root, `next` refuses text and reports a missing root
                Event::End | Event::Text { .. } | Event::CData(_) => {}
            }
        }
    }

    /// Reads to the end of the document after the root element: only comments, processing
    /// instructions and white space may follow it.
    pub fn finish(&mut self) -> Result<(), ReportError> {
        while !matches!(self.next()?, Event::Eof) {}
        Ok(())
    }

    /// Skips the content of `start` (just read, not empty) up to its end, unread: its text is not
    /// unescaped and its nesting does not count.
    pub fn skip(&mut self, start: &Start<'a>) -> Result<(), ReportError> {
        if start.empty {
            return Ok(());
        }
        if let Err(e) = self.xml.read_to_end(start.raw.name()) {
            return Err(self.read_error(&e));
        }
        self.open.pop();
        Ok(())
    }

    /// The attributes of `start` whose local name `keep` maps to a name, unescaped; every
    /// attribute must be well-formed.
    pub fn attributes<N>(
        &self,
        start: &Start<'a>,
        keep: impl Fn(&[u8]) -> Option<N>,
    ) -> Result<Vec<(N, Cow<'a, str>)>, ReportError> {
        let w = self.config.wording;
        let path = || {
            let mut p = self.path();
            if start.empty {
                if p == "/" {
                    p.clear();
                }
                push_segment(&mut p, start.local, start.position);
            }
            p
        };
        let mut out = Vec::new();
        for a in start.raw.attributes() {
            let a = a.map_err(|e| {
                let msg = fill(w.attribute_malformed, &[("error", &e.to_string())]);
                self.error(path(), start.offset, msg)
            })?;
            let Some(name) = keep(a.key.local_name().as_ref()) else {
                continue;
            };
            let value = a.unescape_value().map_err(|e| {
                let msg = unescape_message(&e, w.attribute_entity, w.attribute_bad);
                self.error(path(), start.offset, msg)
            })?;
            out.push((name, Cow::Owned(value.into_owned())));
        }
        Ok(out)
    }

    /// The next event. Errors are final: the reader is not meant to be used after one.
    #[allow(clippy::should_implement_trait)] // not an iterator: it borrows from the input
    pub fn next(&mut self) -> Result<Event<'a>, ReportError> {
        let w = self.config.wording;
        if let Some(top) = self
            .open
            .last()
            .filter(|_| self.open.len() > self.config.max_depth)
        {
            let max = self.config.max_depth.to_string();
            return Err(self.here(top.offset, w.too_deep, &[("max", &max)]));
        }
        loop {
            let at = self.base + self.xml.buffer_position();
            let event = match self.xml.read_event() {
                Ok(e) => e,
                Err(e) => return Err(self.read_error(&e)),
            };
            match event {
                XmlEvent::Start(e) => return self.start(e, at, false).map(Event::Start),
                XmlEvent::Empty(e) => return self.start(e, at, true).map(Event::Start),
                XmlEvent::End(_) => {
                    self.open.pop();
                    return Ok(Event::End);
                }
                XmlEvent::Text(t) => {
                    let blank = t.iter().all(u8::is_ascii_whitespace);
                    let outside = self.open.is_empty();
                    if outside && self.config.outside_root == OutsideRoot::WhiteSpace {
                        if blank {
                            continue;
                        }
                        return Err(self.error("/".into(), at, w.text_outside_root));
                    }
                    let text = t.unescape().map_err(|e| {
                        let message = unescape_message(&e, w.text_entity, w.text_bad);
                        self.error(self.path(), at, message)
                    })?;
                    if outside {
                        if text.trim().is_empty() {
                            continue;
                        }
                        return Err(self.error("/".into(), at, w.text_outside_root));
                    }
                    return Ok(Event::Text { text, blank });
                }
                XmlEvent::CData(c) => {
                    if self.open.is_empty() {
                        if self.config.outside_root == OutsideRoot::Blank {
                            continue;
                        }
                        return Err(self.error("/".into(), at, w.text_outside_root));
                    }
                    let text = c
                        .decode()
                        .map_err(|e| self.here(at, w.text_bad, &[("error", &e.to_string())]))?;
                    return Ok(Event::CData(text));
                }
                XmlEvent::DocType(_) => self.doctypes += 1,
                XmlEvent::Comment(_) | XmlEvent::Decl(_) | XmlEvent::PI(_) => {}
                XmlEvent::Eof => {
                    let end = self.base + self.xml.buffer_position();
                    if let Some(open) = self.open.last() {
                        let name = String::from_utf8_lossy(open.name);
                        return Err(self.here(end, w.unclosed, &[("name", &name)]));
                    }
                    if self.roots == 0 {
                        return Err(self.error("/".into(), end, w.no_root));
                    }
                    return Ok(Event::Eof);
                }
            }
        }
    }

    fn start(&mut self, e: BytesStart<'a>, at: u64, empty: bool) -> Result<Start<'a>, ReportError> {
        let w = self.config.wording;
        if self.open.is_empty() && self.roots > 0 {
            let message = if empty {
                w.second_root
            } else {
                w.content_after_root
            };
            return Err(self.error("/".into(), at, message));
        }
        let qualified = e.name().as_ref().len();
        let prefix = qualified.saturating_sub(e.local_name().as_ref().len());
        // the name as a slice of the input (after the `<` at `at`), to keep it without copying
        let from = (at - self.base) as usize + 1 + prefix;
        let local = self
            .body
            .get(from..from + (qualified - prefix))
            .filter(|l| *l == e.local_name().as_ref());
        let Some(local) = local else {
            return Err(self.here(at, w.malformed, &[("error", "unreadable element name")]));
        };
        let position = if self.config.positioned.iter().any(|p| p.as_bytes() == local) {
            self.open
                .last_mut()
                .map(|parent| count(&mut parent.seen, local))
        } else {
            None
        };
        if self.open.is_empty() {
            self.roots += 1;
        }
        if !empty {
            self.open.push(Open {
                name: local,
                position,
                offset: at,
                seen: Vec::new(),
            });
        }
        Ok(Start {
            raw: e,
            local,
            offset: at,
            position,
            empty,
        })
    }

    fn read_error(&self, e: &quick_xml::Error) -> ReportError {
        let w = self.config.wording;
        let template = match e {
            quick_xml::Error::Syntax(_)
                if self.xml.buffer_position() as usize >= self.body.len() =>
            {
                w.cut_short
            }
            quick_xml::Error::Syntax(_) => w.syntax,
            _ => w.malformed,
        };
        let offset = self.base + self.xml.error_position();
        self.here(offset, template, &[("error", &e.to_string())])
    }
}

/// `seen[name] += 1`, the new count.
fn count<'a>(seen: &mut Vec<(&'a [u8], usize)>, name: &'a [u8]) -> usize {
    match seen.iter_mut().find(|(n, _)| *n == name) {
        Some((_, c)) => {
            *c += 1;
            *c
        }
        None => {
            seen.push((name, 1));
            1
        }
    }
}

fn push_segment(out: &mut String, name: &[u8], position: Option<usize>) {
    out.push('/');
    out.push_str(&String::from_utf8_lossy(name));
    if let Some(n) = position {
        out.push_str(&format!("[{n}]"));
    }
}

fn unescape_message(e: &quick_xml::Error, entity: &str, other: &str) -> String {
    let error = e.to_string();
    match e {
        quick_xml::Error::Escape(EscapeError::UnrecognizedEntity(_, name)) => {
            fill(entity, &[("name", name), ("error", &error)])
        }
        _ => fill(other, &[("error", &error)]),
    }
}

/// `template` with each `{key}` of `args` replaced by its value, in one pass (a value that
/// looks like a placeholder stays as it is).
fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some((head, tail)) = rest.split_once('{') {
        out.push_str(head);
        let value = tail.split_once('}').and_then(|(key, after)| {
            args.iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| (*v, after))
        });
        match value {
            Some((v, after)) => {
                out.push_str(v);
                rest = after;
            }
            None => {
                out.push('{');
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    out
}

/// An element kept by a [`Tree`]: its name, where it starts, the attributes kept, its text (the
/// text and CDATA directly inside it, joined) and its kept children.
#[derive(Debug)]
pub struct Element<'a, N> {
    pub name: N,
    pub offset: u64,
    pub attrs: Vec<(N, Cow<'a, str>)>,
    pub text: Cow<'a, str>,
    pub children: Vec<Element<'a, N>>,
}

impl<N: AsRef<str>> Element<'_, N> {
    /// The value of the attribute `name`.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n.as_ref() == name)
            .map(|(_, v)| &**v)
    }

    /// The first child called `name`.
    pub fn child(&self, name: &str) -> Option<&Self> {
        self.children.iter().find(|c| c.name.as_ref() == name)
    }

    /// The children called `name`.
    pub fn children<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s Self> + 's {
        self.children
            .iter()
            .filter(move |c| c.name.as_ref() == name)
    }
}

/// Builds an element tree from a [`Reader`]: the elements and attributes whose local name
/// `element` / `attribute` map to a name are kept, the others skipped (an element skipped
/// with all its content, unread).
#[derive(Debug, Clone, Copy)]
pub struct Tree<N> {
    pub element: fn(&[u8]) -> Option<N>,
    pub attribute: fn(&[u8]) -> Option<N>,
    /// Whether white space between an element's children is kept in its text (when not, an
    /// element's text after its first child is only what is not blank).
    pub whitespace_after_children: bool,
}

impl Tree<String> {
    /// Keeps every element and attribute, with its name as written, and all text.
    pub const EVERYTHING: Tree<String> = Tree {
        element: owned_name,
        attribute: owned_name,
        whitespace_after_children: true,
    };
}

/// A local name as an owned string (invalid UTF-8 replaced).
pub fn owned_name(local: &[u8]) -> Option<String> {
    Some(String::from_utf8_lossy(local).into_owned())
}

/// What [`Tree`] reads: an element or the error that stopped it.
pub type Read<'a, N> = Result<Element<'a, N>, ReportError>;

impl<N> Tree<N> {
    /// The element that `start` (just read from `r`) begins, called `name`, with its
    /// attributes and content, up to its end.
    pub fn read<'a>(&self, r: &mut Reader<'a>, start: Start<'a>, name: N) -> Read<'a, N> {
        let attrs = r.attributes(&start, self.attribute)?;
        self.build(r, start, name, attrs)
    }

    /// The same without reading the attributes of `start` (malformed ones included): for an
    /// element whose attributes the caller has read itself or does not need.
    pub fn read_content<'a>(&self, r: &mut Reader<'a>, start: Start<'a>, name: N) -> Read<'a, N> {
        self.build(r, start, name, Vec::new())
    }

    fn build<'a>(
        &self,
        reader: &mut Reader<'a>,
        start: Start<'a>,
        name: N,
        attrs: Vec<(N, Cow<'a, str>)>,
    ) -> Result<Element<'a, N>, ReportError> {
        let mut element = Element {
            name,
            offset: start.offset,
            attrs,
            text: Cow::Borrowed(""),
            children: Vec::new(),
        };
        if start.empty {
            return Ok(element);
        }
        loop {
            match reader.next()? {
                Event::Start(s) => match (self.element)(s.local_name()) {
                    Some(name) => element.children.push(self.read(reader, s, name)?),
                    None => reader.skip(&s)?,
                },
                Event::Text { text, blank } => {
                    if self.whitespace_after_children || !blank || element.children.is_empty() {
                        append(&mut element.text, text);
                    }
                }
                Event::CData(text) => append(&mut element.text, text),
                Event::End | Event::Eof => return Ok(element),
            }
        }
    }
}

fn append<'a>(text: &mut Cow<'a, str>, more: Cow<'a, str>) {
    if text.is_empty() {
        *text = more;
    } else {
        text.to_mut().push_str(&more);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use super::*;

    const CONFIG: Config = Config {
        format: "test",
        max_depth: 8,
        positioned: &["item"],
        wording: &Wording::DEFAULT,
        outside_root: OutsideRoot::WhiteSpace,
    };

    const TREE: Tree<String> = Tree::EVERYTHING;

    fn tree(doc: &[u8]) -> Result<Element<'_, String>, ReportError> {
        let mut r = Reader::new(doc, CONFIG);
        let root = r.root()?;
        let name = owned_name(root.local_name()).unwrap();
        let e = TREE.read(&mut r, root, name)?;
        r.finish()?;
        Ok(e)
    }

    fn place(e: &ReportError) -> (String, u64) {
        match &e.location {
            Location::Xml { path, offset } => (path.clone(), *offset),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn predefined_entities_and_character_references_are_decoded() {
        let t = tree(b"<a x=\"&lt;&#65;\">&amp;&quot;&apos;&gt;&#x42;</a>").unwrap();
        assert_eq!(t.text, "&\"'>B");
        assert_eq!(t.attribute("x"), Some("<A"));
    }

    #[test]
    fn text_without_escapes_is_borrowed() {
        let t = tree(b"<a><b>plain</b></a>").unwrap();
        assert!(matches!(t.children[0].text, Cow::Borrowed("plain")));
    }

    #[test]
    fn an_unknown_entity_is_refused_by_name() {
        let doc = br#"<!DOCTYPE a [<!ENTITY e "x">]><a><item/><item>&e;</item></a>"#;
        let e = tree(doc).unwrap_err();
        assert_eq!(e.format, "test");
        assert!(e.message.contains("`&e;`"), "{e}");
        assert!(e.message.contains("not expanded"), "{e}");
        let at = doc.windows(3).position(|w| w == b"&e;").unwrap() as u64;
        assert_eq!(place(&e), ("/a/item[2]".to_string(), at));
        // in an attribute too
        let e = tree(br#"<a><b x="&e;"/></a>"#).unwrap_err();
        assert!(e.message.contains("`&e;`"), "{e}");
        assert_eq!(place(&e), ("/a/b".to_string(), 3));
    }

    #[test]
    fn a_doctype_is_skipped_not_processed() {
        let doc = br#"<?xml version="1.0"?>
<!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd"> <!ENTITY % p SYSTEM "http://127.0.0.1:9/"> %p;]>
<a>fine</a>"#;
        let mut r = Reader::new(doc, CONFIG);
        let root = r.root().unwrap();
        let t = TREE.read(&mut r, root, "a".into()).unwrap();
        r.finish().unwrap();
        assert_eq!(t.text, "fine");
        assert_eq!(r.doctypes(), 1);
    }

    #[test]
    fn nesting_deeper_than_the_limit_is_refused() {
        let doc = format!("<a>{}", "<b>".repeat(10_000));
        let e = tree(doc.as_bytes()).unwrap_err();
        assert_eq!(e.message, "elements are nested more than 8 deep");
        let (path, offset) = place(&e);
        assert_eq!(path, format!("/a{}", "/b".repeat(8)));
        assert_eq!(offset, 3 + 3 * 7);
        // at the limit is fine
        let ok = format!("<a>{}{}</a>", "<b>".repeat(7), "</b>".repeat(7));
        assert!(tree(ok.as_bytes()).is_ok());
        // skipped elements do not count
        let skip = Tree::<&str> {
            element: |n| (n == b"a").then_some("a"),
            attribute: |_| None,
            whitespace_after_children: false,
        };
        let doc = format!("<a>{}{}</a>", "<b>".repeat(100), "</b>".repeat(100));
        let mut r = Reader::new(doc.as_bytes(), CONFIG);
        let root = r.root().unwrap();
        assert!(skip.read(&mut r, root, "a").unwrap().children.is_empty());
    }

    #[test]
    fn truncation_is_told_apart() {
        let e = tree(b"<a><item>x</item><item>y").unwrap_err();
        assert_eq!(
            e.message,
            "the report ends too early (truncated?): <item> is not closed"
        );
        assert_eq!(place(&e), ("/a/item[2]".to_string(), 24));
        let e = tree(b"<a><item>x</it").unwrap_err();
        assert!(
            e.message
                .starts_with("the report ends too early (truncated?): "),
            "{e}"
        );
        assert_eq!(place(&e).0, "/a/item[1]");
        // a mismatched end tag is malformed, not truncated
        let e = tree(b"<a><b></c></a>").unwrap_err();
        assert!(e.message.starts_with("malformed XML: "), "{e}");
        assert_eq!(place(&e).0, "/a/b");
        let e = tree(b"<?xml version=\"1.0\"?>\n<!-- nothing -->\n").unwrap_err();
        assert_eq!(e.message, "the document has no root element");
    }

    #[test]
    fn offsets_count_the_byte_order_mark() {
        let e = tree(b"\xEF\xBB\xBF<a><b>&x;</b></a>").unwrap_err();
        assert_eq!(place(&e), ("/a/b".to_string(), 9));
        let t = tree(b"\xEF\xBB\xBF<a><b/></a>").unwrap();
        assert_eq!((t.offset, t.children[0].offset), (3, 6));
        let r = Reader::new(b"\xEF\xBB\xBF<a>\xff</a>", CONFIG);
        let e = r.require_utf8("not UTF-8").unwrap_err();
        assert_eq!(place(&e), ("/".to_string(), 6));
    }

    #[test]
    fn paths_show_positions_of_repeated_elements() {
        let e =
            tree(b"<a><item/><c/><item><item/><d/><item><e>&x;</e></item></item></a>").unwrap_err();
        assert_eq!(place(&e).0, "/a/item[2]/item[2]/e");
    }

    #[test]
    fn cdata_is_text_and_not_unescaped() {
        let t = tree(b"<a>x<![CDATA[<&amp;>]]>y</a>").unwrap();
        assert_eq!(t.text, "x<&amp;>y");
    }

    #[test]
    fn a_prefixed_document_is_read_by_local_names() {
        let doc = br#"<p:a xmlns:p="urn:x" xmlns="urn:y"><p:b p:k="v">t</p:b></p:a>"#;
        let mut r = Reader::new(doc, CONFIG);
        let root = r.root().unwrap();
        assert_eq!(root.local_name(), b"a");
        assert_eq!(root.namespaces(), ["urn:x", "urn:y"]);
        let t = TREE.read(&mut r, root, "a".into()).unwrap();
        let b = t.child("b").unwrap();
        assert_eq!((&*b.text, b.attribute("k")), ("t", Some("v")));
    }

    #[test]
    fn only_one_root_and_no_text_outside_it() {
        let e = tree(b"<a/><b/>").unwrap_err();
        assert_eq!(
            (e.message.as_str(), place(&e)),
            ("more than one root element", ("/".into(), 4))
        );
        let e = tree(b"<a></a><b></b>").unwrap_err();
        assert_eq!(e.message, "content after the root element");
        let e = tree(b"<a></a>junk").unwrap_err();
        assert_eq!(e.message, "text outside the root element");
        let e = tree(b"junk<a></a>").unwrap_err();
        assert_eq!(e.message, "text outside the root element");
        assert!(tree(b"\n<a></a>\n<!-- c -->\n").is_ok());
    }

    #[test]
    fn blank_text_and_cdata_outside_the_root_on_request() {
        let doc = "\u{a0}<![CDATA[x]]><a/>\u{2003}".as_bytes();
        assert_eq!(
            tree(doc).unwrap_err().message,
            "text outside the root element"
        );
        let config = Config {
            outside_root: OutsideRoot::Blank,
            ..CONFIG
        };
        let mut r = Reader::new(doc, config);
        let root = r.root().unwrap();
        TREE.read(&mut r, root, "a".into()).unwrap();
        r.finish().unwrap();
        // an entity outside the root is still refused by name
        let mut r = Reader::new(b"&e;<a/>", config);
        assert!(r.root().unwrap_err().message.contains("`&e;`"));
    }

    #[test]
    fn the_attributes_of_an_element_can_be_left_unread() {
        let doc = b"<a x=\"&e;\" x><b/></a>";
        assert!(tree(doc).is_err());
        let mut r = Reader::new(doc, CONFIG);
        let root = r.root().unwrap();
        let a = TREE.read_content(&mut r, root, "a".into()).unwrap();
        assert_eq!((a.attrs.len(), a.children.len()), (0, 1));
    }

    #[test]
    fn whitespace_between_children_is_dropped_on_request() {
        let doc = b"<a> <b/> <b/>x</a>";
        assert_eq!(tree(doc).unwrap().text, "  x");
        let drop = Tree {
            whitespace_after_children: false,
            ..TREE
        };
        let mut r = Reader::new(doc, CONFIG);
        let root = r.root().unwrap();
        assert_eq!(drop.read(&mut r, root, "a".into()).unwrap().text, " x");
    }

    #[test]
    fn the_callers_wording_is_used() {
        const DC: Wording = Wording {
            unclosed: "inside <{name}> ({error} stays)",
            ..Wording::DEFAULT
        };
        let config = Config {
            wording: &DC,
            ..CONFIG
        };
        let mut r = Reader::new(b"<a><b>", config);
        let root = r.root().unwrap();
        let e = TREE.read(&mut r, root, "a".into()).unwrap_err();
        assert_eq!(e.message, "inside <b> ({error} stays)");
        assert_eq!(fill("{name}", &[("name", "{name}")]), "{name}");
    }
}

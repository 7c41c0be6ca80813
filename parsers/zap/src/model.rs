//! ZAP's traditional reports as they are written: the JSON (`traditional-json`,
//! `traditional-json-plus`, the API's `/OTHER/core/other/jsonreport/`) and the XML
//! (`traditional-xml`, `traditional-xml-plus`) carry the same tree:
//!
//! ```text
//! report (@programName, @version, @generated, created)
//! └── site[] (@name, @host, @port, @ssl)
//!     └── alerts[] / alertitem (pluginid, alertRef, alert, name, riskcode, confidence,
//!         │                     riskdesc, confidencedesc, desc, count, systemic, solution,
//!         │                     otherinfo, reference, cweid, wascid, sourceid, tags[])
//!         └── instances[] / instance (uri, method, param, attack, evidence, otherinfo, …)
//! ```
//!
//! Every scalar is kept as text: ZAP writes numbers as strings (`"riskcode": "3"`), but a
//! number, a boolean (`systemic`) or `null` (`nodeName`) is accepted too. Every member is
//! optional (2.8/2.9 omit `alertRef` and empty instance keys; later versions add keys), unknown
//! members are ignored. The -plus variants' request and response bodies are not read.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

/// A report, whichever its syntax.
#[derive(Debug, Default)]
pub(crate) struct Report {
    pub program_name: Option<String>,
    pub version: Option<String>,
    pub generated: Option<String>,
    pub created: Option<String>,
    pub sites: Vec<Site>,
    pub syntax: Syntax,
}

/// Which syntax a report was read from, for naming places in it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum Syntax {
    /// JSON; `site` was an array (`$.site[0]`) or a single object (`$.site`).
    Json { site_array: bool },
    #[default]
    Xml,
}

/// One scanned site.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Site {
    #[serde(rename = "@name", default, deserialize_with = "text")]
    pub name: Option<String>,
    #[serde(rename = "@host", default, deserialize_with = "text")]
    pub host: Option<String>,
    #[serde(rename = "@port", default, deserialize_with = "text")]
    pub port: Option<String>,
    #[serde(rename = "@ssl", default, deserialize_with = "text")]
    pub ssl: Option<String>,
    #[serde(default, deserialize_with = "list")]
    pub alerts: Vec<Alert>,
    /// Where the site is (XML only: the byte offset of its element).
    #[serde(skip)]
    pub offset: Option<u64>,
}

/// One alert of a site, with its instances.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Alert {
    #[serde(default, deserialize_with = "text")]
    pub pluginid: Option<String>,
    #[serde(rename = "alertRef", default, deserialize_with = "text")]
    pub alert_ref: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub alert: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub riskcode: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub confidence: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub riskdesc: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub confidencedesc: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub desc: Option<String>,
    #[serde(default, deserialize_with = "list")]
    pub instances: Vec<Instance>,
    #[serde(default, deserialize_with = "text")]
    pub count: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub systemic: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub solution: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub otherinfo: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub reference: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub cweid: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub wascid: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub sourceid: Option<String>,
    #[serde(default, deserialize_with = "list")]
    pub tags: Vec<AlertTag>,
    /// Where the alert is (XML only: the byte offset of its element).
    #[serde(skip)]
    pub offset: Option<u64>,
}

/// One place where an alert was raised.
#[derive(Debug, Default, Clone, PartialEq, Eq, Deserialize)]
pub(crate) struct Instance {
    #[serde(default, deserialize_with = "text")]
    pub uri: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub method: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub param: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub attack: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub evidence: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub otherinfo: Option<String>,
}

/// An alert tag of the -plus variants (`{"tag": "OWASP_2021_A05", "link": "https://…"}`).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct AlertTag {
    #[serde(default, deserialize_with = "text")]
    pub tag: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub link: Option<String>,
}

/// The JSON report's top level.
#[derive(Debug, Deserialize)]
#[serde(expecting = "a ZAP report: a JSON object with `@version` and `site`")]
pub(crate) struct JsonReport {
    #[serde(rename = "@programName", default, deserialize_with = "text")]
    pub program_name: Option<String>,
    #[serde(rename = "@version", default, deserialize_with = "text")]
    pub version: Option<String>,
    #[serde(rename = "@generated", default, deserialize_with = "text")]
    pub generated: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub created: Option<String>,
    /// `site` is an array of sites, or (older reports, a single site) one object.
    #[serde(default)]
    pub site: Option<OneOrMany<Site>>,
}

/// One value or an array of them.
#[derive(Debug)]
pub(crate) enum OneOrMany<T> {
    One(T),
    Many(Vec<T>),
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = OneOrMany<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object or an array of objects")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map)).map(OneOrMany::One)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut v = Vec::new();
                while let Some(x) = seq.next_element()? {
                    v.push(x);
                }
                Ok(OneOrMany::Many(v))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// A scalar as text: a string, a number or a boolean; `null` is `None`.
fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<String>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a string, a number or a boolean")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
    }
    d.deserialize_any(V)
}

/// An array; `null` is empty.
fn list<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

//! PHPStan's `--error-format=json` (and `prettyJson`) output as it is written.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use asff_core::Label;

/// The whole report.
#[derive(Debug, Deserialize)]
pub(crate) struct Report<'a> {
    #[serde(default)]
    pub totals: Option<Totals>,
    #[serde(borrow)]
    pub files: Files<'a>,
    /// Errors not tied to a file (unmatched ignore patterns, configuration and internal
    /// errors), as plain strings.
    #[serde(default)]
    pub errors: Option<Vec<String>>,
}

/// `totals`.
#[derive(Debug, Deserialize)]
pub(crate) struct Totals {
    #[serde(default)]
    pub errors: Option<u64>,
    #[serde(default)]
    pub file_errors: Option<u64>,
}

/// `files`: an object keyed by file path, or `[]` when there are none (PHP's empty array).
/// The report's order is kept.
#[derive(Debug, Default)]
pub(crate) struct Files<'a>(pub Vec<(Cow<'a, str>, FileResult<'a>)>);

/// One file's messages.
#[derive(Debug, Deserialize)]
pub(crate) struct FileResult<'a> {
    #[serde(default)]
    pub errors: Option<u64>,
    #[serde(borrow)]
    pub messages: Vec<Message<'a>>,
}

/// One message.
#[derive(Debug, Deserialize)]
pub(crate) struct Message<'a> {
    #[serde(borrow)]
    pub message: Cow<'a, str>,
    /// Null for errors without a line (e.g. file-level errors).
    #[serde(default)]
    pub line: Option<u64>,
    /// Whether the error may be ignored by configuration (nearly all may; parse and internal
    /// errors may not). Optional in old versions.
    #[serde(default)]
    pub ignorable: Option<bool>,
    /// 1.9 and later.
    #[serde(default, borrow)]
    pub tip: Option<Cow<'a, str>>,
    /// 1.11 and later, e.g. `argument.type`.
    #[serde(default, borrow)]
    pub identifier: Option<Cow<'a, str>>,
}

impl<'de: 'a, 'a> Deserialize<'de> for Files<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Files<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object keyed by file path, or an empty array")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Files<'a>, A::Error> {
                match seq.next_element::<IgnoredAny>()? {
                    None => Ok(Files::default()),
                    Some(_) => Err(serde::de::Error::custom(
                        "a non-empty array: expected an object keyed by file path, or an empty array",
                    )),
                }
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Files<'a>, A::Error> {
                let mut files = Vec::new();
                while let Some(path) = map.next_key::<asff_core::report::BorrowedStr<'a>>()? {
                    let path = path.0;
                    let result = map.next_value::<FileResult>()?;
                    files.push((path, result));
                }
                Ok(Files(files))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// PHPStan has no severity levels; what tells errors apart is whether they are `ignorable`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Severity {
    /// `"ignorable": true`, the usual case.
    Ignorable,
    /// `"ignorable": false`: parse errors, internal errors and the like.
    NonIgnorable,
    /// No `ignorable` member (old versions): the word kept is `error`.
    Unknown(String),
}

impl Severity {
    pub fn of(ignorable: Option<bool>) -> Severity {
        match ignorable {
            Some(true) => Severity::Ignorable,
            Some(false) => Severity::NonIgnorable,
            None => Severity::Unknown("error".to_string()),
        }
    }

    /// The original severity word: `ignorable`, `non-ignorable` or `error`.
    pub fn as_str(&self) -> &str {
        match self {
            Severity::Ignorable => "ignorable",
            Severity::NonIgnorable => "non-ignorable",
            Severity::Unknown(w) => w,
        }
    }
}

/// MEDIUM, or LOW when the error is ignorable.
impl From<&Severity> for Label {
    fn from(s: &Severity) -> Label {
        match s {
            Severity::Ignorable => Label::Low,
            Severity::NonIgnorable | Severity::Unknown(_) => Label::Medium,
        }
    }
}

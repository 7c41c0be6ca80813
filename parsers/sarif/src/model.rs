//! A SARIF 2.1.0 log as it is written: the members the conversion reads (every optional member
//! an `Option` or defaulted; unknown members are ignored, so logs of newer tools still parse).

use std::collections::BTreeMap;

use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_json::{Map, Value};

/// A property bag (`properties`): any members.
pub(crate) type Properties = Map<String, Value>;

/// What is read before the log: its version, to refuse SARIF 1.x and 2.0 with a clear message.
#[derive(Debug, Deserialize)]
pub(crate) struct Header {
    #[serde(default)]
    pub version: Option<Value>,
    #[serde(default, rename = "$schema")]
    pub schema: Option<Value>,
}

/// `sarifLog`.
#[derive(Debug, Deserialize)]
pub(crate) struct Log {
    pub runs: Vec<Run>,
}

/// `run`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Run {
    pub tool: Tool,
    /// Absent (or null) when the tool failed to produce results.
    #[serde(default)]
    pub results: Option<Vec<SarifResult>>,
    #[serde(default)]
    pub artifacts: Vec<Artifact>,
    #[serde(default)]
    pub original_uri_base_ids: BTreeMap<String, ArtifactLocation>,
    #[serde(default)]
    pub logical_locations: Vec<LogicalLocation>,
    #[serde(default)]
    pub invocations: Vec<Invocation>,
}

/// `tool`.
#[derive(Debug, Deserialize)]
pub(crate) struct Tool {
    pub driver: ToolComponent,
    #[serde(default)]
    pub extensions: Vec<ToolComponent>,
}

/// `toolComponent`: the driver or an extension (a plug-in, a rule pack).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ToolComponent {
    pub name: String,
    #[serde(default)]
    pub organization: Option<String>,
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub semantic_version: Option<String>,
    #[serde(default)]
    pub rules: Vec<Rule>,
    #[serde(default)]
    pub global_message_strings: BTreeMap<String, MultiformatMessage>,
}

/// `reportingDescriptor` of a rule.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Rule {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub short_description: Option<MultiformatMessage>,
    #[serde(default)]
    pub help: Option<MultiformatMessage>,
    #[serde(default)]
    pub help_uri: Option<String>,
    #[serde(default)]
    pub default_configuration: Option<Configuration>,
    #[serde(default)]
    pub message_strings: BTreeMap<String, MultiformatMessage>,
    #[serde(default)]
    pub relationships: Vec<Relationship>,
    #[serde(default)]
    pub properties: Option<Properties>,
}

/// `reportingConfiguration`.
#[derive(Debug, Deserialize)]
pub(crate) struct Configuration {
    #[serde(default)]
    pub level: Option<String>,
}

/// `reportingDescriptorRelationship`: e.g. a rule's link to a CWE of the CWE taxonomy.
#[derive(Debug, Deserialize)]
pub(crate) struct Relationship {
    pub target: DescriptorReference,
}

/// `reportingDescriptorReference`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DescriptorReference {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub index: Option<i64>,
    #[serde(default)]
    pub tool_component: Option<ToolComponentReference>,
}

/// `toolComponentReference`.
#[derive(Debug, Deserialize)]
pub(crate) struct ToolComponentReference {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub index: Option<i64>,
}

/// `multiformatMessageString`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct MultiformatMessage {
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub markdown: Option<String>,
}

/// `result`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SarifResult {
    #[serde(default)]
    pub rule_id: Option<String>,
    #[serde(default)]
    pub rule_index: Option<i64>,
    #[serde(default)]
    pub rule: Option<DescriptorReference>,
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub level: Option<String>,
    #[serde(default)]
    pub message: Message,
    #[serde(default)]
    pub locations: Vec<Location>,
    #[serde(default)]
    pub related_locations: Vec<IgnoredAny>,
    #[serde(default)]
    pub fingerprints: BTreeMap<String, String>,
    #[serde(default)]
    pub partial_fingerprints: BTreeMap<String, String>,
    #[serde(default)]
    pub suppressions: Option<Vec<Suppression>>,
    #[serde(default)]
    pub baseline_state: Option<String>,
    #[serde(default)]
    pub rank: Option<f64>,
    #[serde(default)]
    pub code_flows: Vec<CodeFlow>,
    #[serde(default)]
    pub properties: Option<Properties>,
}

/// `message`: plain text, Markdown, or the id of a rule's (or the tool's) message string,
/// with arguments for its `{0}` placeholders.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Message {
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub markdown: Option<String>,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub arguments: Vec<String>,
}

/// `location`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Location {
    #[serde(default)]
    pub physical_location: Option<PhysicalLocation>,
    #[serde(default)]
    pub logical_locations: Vec<LogicalLocation>,
}

/// `physicalLocation`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PhysicalLocation {
    #[serde(default)]
    pub artifact_location: Option<ArtifactLocation>,
    #[serde(default)]
    pub region: Option<Region>,
    #[serde(default)]
    pub context_region: Option<Region>,
}

/// `artifactLocation`: a URI, maybe relative to a base id (`%SRCROOT%`) that the run's
/// `originalUriBaseIds` may define, or the index of one of the run's `artifacts`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ArtifactLocation {
    #[serde(default)]
    pub uri: Option<String>,
    #[serde(default)]
    pub uri_base_id: Option<String>,
    #[serde(default)]
    pub index: Option<i64>,
}

/// `region`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Region {
    #[serde(default)]
    pub start_line: Option<u64>,
    #[serde(default)]
    pub end_line: Option<u64>,
    #[serde(default)]
    pub snippet: Option<ArtifactContent>,
}

/// `artifactContent`.
#[derive(Debug, Deserialize)]
pub(crate) struct ArtifactContent {
    #[serde(default)]
    pub text: Option<String>,
}

/// `logicalLocation`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct LogicalLocation {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub fully_qualified_name: Option<String>,
    #[serde(default)]
    pub index: Option<i64>,
}

/// `artifact`.
#[derive(Debug, Deserialize)]
pub(crate) struct Artifact {
    #[serde(default)]
    pub location: Option<ArtifactLocation>,
}

/// `suppression`.
#[derive(Debug, Deserialize)]
pub(crate) struct Suppression {
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
}

/// `codeFlow`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CodeFlow {
    #[serde(default)]
    pub thread_flows: Vec<ThreadFlow>,
}

/// `threadFlow`.
#[derive(Debug, Deserialize)]
pub(crate) struct ThreadFlow {
    #[serde(default)]
    pub locations: Vec<ThreadFlowLocation>,
}

/// `threadFlowLocation`.
#[derive(Debug, Deserialize)]
pub(crate) struct ThreadFlowLocation {
    #[serde(default)]
    pub location: Option<Location>,
}

/// `invocation`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Invocation {
    #[serde(default)]
    pub execution_successful: Option<bool>,
    #[serde(default)]
    pub exit_code: Option<i64>,
}

//! OWASP ZAP reports to ASFF findings.
//!
//! Reads ZAP's traditional reports from 2.8 to 2.17: `traditional-json` (also what the API's
//! `/OTHER/core/other/jsonreport/` returns), `traditional-json-plus`, `traditional-xml` and
//! `traditional-xml-plus`. `site` may be one object or an array of sites, numbers arrive as
//! strings, `@version` may be a weekly name (`D-2020-06-24`), old versions lack `alertRef`, and
//! unknown keys are ignored. XML is read without DTD processing: declared or external entities
//! are never expanded (see [`parse`]).
//!
//! The mapping, in short (details in the `convert` module):
//! - one finding per alert entry of a site, the entry identified by `alertRef`, else (ZAP <= 2.9
//!   and weekly builds of 2020-21, where one plugin can raise several alerts in a site) by
//!   `pluginid` with the alert's name, `riskcode` and `confidence`; the Id keeps the key alone
//!   (`alertRef` or `pluginid`) unless several entries of the site share it; its instances are
//!   folded in (count in `zap/InstanceCount`, one `Other` resource per distinct URI with each
//!   instance's method, parameter, attack and evidence);
//! - the scope is the scanned site (`@name`, normalised), so Ids and the GeneratorId
//!   (`zap/https://example.com`) stay the same across scans of the same site, whatever the
//!   repository or branch of the pipeline; the report speaks for every site it lists
//!   ([`ParseOutput::scopes`](asff_core::ParseOutput::scopes)), also one without alerts, so the finding lifecycle archives the
//!   alerts a site no longer has;
//! - `riskcode` 3 → HIGH, 2 → MEDIUM, 1 → LOW, 0 → INFORMATIONAL; `Severity.Original` is ZAP's
//!   risk word; confidence 0 (false positive) is skipped with reason `false positive`;
//! - HTML in `desc`, `solution` and `otherinfo` becomes plain text, `reference` becomes URLs
//!   (`zap/References`, the first one the remediation URL), CWE and WASC ids are kept;
//! - Types: `Software and Configuration Checks/Vulnerabilities`, plus `Effects/Data Exposure`
//!   for information-exposure CWEs (200 and its common children);
//! - product fields `zap/…`: Site, Host, Port, Ssl, AlertRef, PluginId, RiskCode, RiskDesc,
//!   Confidence, ConfidenceCode, InstanceCount, InstancesListed, UniqueUris,
//!   InstancesDescribed, UrisOmitted, CweId, WascId, SourceId, Systemic, OtherInfo, References,
//!   Tags, ProgramName, Version, Generated, Alert (the legacy `alert` element when it differs
//!   from `name`), and MergedAlerts/MergedAlertNames when entries equal on the whole identity
//!   appear twice in a site (the extra records are skipped as `duplicate alert (merged)`);
//! - rule ids for the severity policy: the alertRef, the pluginid, `CWE-n`, `WASC-n`.
//!
//! ```
//! let ctx = asff_core::Context::new("123456789012", "us-east-1")?;
//! let report = br#"{
//!   "@version": "2.12.0", "@generated": "Sun, 9 Jul 2023 02:00:53",
//!   "site": [{
//!     "@name": "https://example.com", "@host": "example.com", "@port": "443", "@ssl": "true",
//!     "alerts": [{
//!       "pluginid": "10020", "alertRef": "10020-1", "name": "Missing Anti-clickjacking Header",
//!       "riskcode": "2", "confidence": "2", "riskdesc": "Medium (Medium)",
//!       "desc": "<p>The response does not protect against &#39;ClickJacking&#39; attacks.</p>",
//!       "instances": [{"uri": "https://example.com/", "method": "GET", "param": "x-frame-options"}],
//!       "count": "1", "solution": "<p>Set X-Frame-Options.</p>",
//!       "reference": "<p>https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/X-Frame-Options</p>",
//!       "cweid": "1021", "wascid": "15", "sourceid": "3"
//!     }]
//!   }]
//! }"#;
//! assert!(asff_zap::detect(&asff_core::sniff::sniff(report)));
//! let out = asff_zap::parse(report, &ctx)?;
//! let f = &out.findings[0];
//! assert_eq!(f.label(), Some(asff_core::Label::Medium));
//! assert_eq!(f.generator_id, "zap/https://example.com");
//! assert_eq!(f.description, "The response does not protect against 'ClickJacking' attacks.");
//! assert_eq!(f.resources[0].id, "https://example.com/");
//! assert_eq!(f.product_fields["zap/CweId"], "1021");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod convert;
mod html;
mod json;
mod model;
mod xml;

use asff_core::report::require_content;
use asff_core::sniff::Sniff;
use asff_core::{Context, Emitter, ReportError, ToolInfo};

/// The tool.
pub const TOOL: ToolInfo = ToolInfo {
    name: "zap",
    product_name: "OWASP ZAP",
    company_name: "ZAP",
};

/// Whether a report looks like ZAP's: a JSON object with `site` and one of `@version`,
/// `@programName` or `@generated` (or `@version` with `@generated` when no site was scanned),
/// or an XML document whose root is `OWASPZAPReport`.
pub fn detect(sniff: &Sniff) -> bool {
    match sniff {
        Sniff::JsonObject { .. } => {
            let has = |k: &str| sniff.has_keys(&[k]);
            (has("site") && (has("@version") || has("@programName") || has("@generated")))
                || (has("@version") && has("@generated"))
        }
        Sniff::Xml { root, .. } => root == xml::ROOT,
        _ => false,
    }
}

/// Converts a ZAP report (JSON or XML, told apart by the first character).
///
/// Errors name the format `zap`, the place (the JSON path with line and column, or the XML
/// element path with its byte offset) and what was wrong. An XML report that uses an entity
/// other than XML's predefined ones (as an entity bomb or an external entity does) is an error;
/// its DOCTYPE is skipped without being processed.
pub fn parse_into(bytes: &[u8], ctx: &Context, out: &mut Emitter<'_>) -> Result<(), ReportError> {
    let body = require_content(TOOL.name, bytes)?;
    let (report, warnings) = if body.starts_with(b"<") {
        xml::read(bytes)?
    } else {
        json::read(bytes)?
    };
    // (the facade logs what the conversion gave)
    convert::convert(&report, ctx, warnings, out)
}

asff_core::scanner!(
    /// The scanner of OWASP ZAP reports (JSON, JSON-plus, XML, XML-plus).
    Zap,
    aliases: ["OWASP-Zap"]
);

//! PHPStan messages to drafts.

use std::borrow::Cow;
use std::collections::HashMap;

use asff_core::model::FieldMap;
use asff_core::{build, repository_resource, Context, Draft, Emitter, Label, ReportError};

use crate::model::{Report, Severity};
use crate::TOOL;

/// PHPStan finds type errors and bugs, not vulnerabilities: the namespace alone (see the crate
/// docs).
pub(crate) use asff_core::vuln::TYPE_SOFTWARE_AND_CONFIGURATION as TYPE;

/// The reason of a skipped top-level error.
pub(crate) const GENERAL_ERROR: &str = "general error";

pub(crate) fn convert(
    report: &Report,
    ctx: &Context,
    out: &mut Emitter<'_>,
) -> Result<(), ReportError> {
    let scope = ctx.code_scope_for(TOOL.name)?;
    // the report speaks for the repository, also when it has no errors
    out.cover(&TOOL, &scope);
    // How many messages with the same (file, identifier, message) came before.
    let mut equals: HashMap<(Cow<str>, &str, &str), usize> = HashMap::new();
    let mut file_errors = 0usize;

    for (path, file) in &report.files.0 {
        if let Some(n) = file.errors.filter(|n| *n != file.messages.len() as u64) {
            let message = format!(
                "{path}: \"errors\" says {n} but {} messages are listed",
                file.messages.len()
            );
            if n > file.messages.len() as u64 {
                out.mark_incomplete(message);
            } else {
                out.warnings.push(message);
            }
        }
        for (i, m) in file.messages.iter().enumerate() {
            out.records += 1;
            file_errors += 1;
            let record = format!("$.files[{}].messages[{i}]", json_string(path));
            let identifier = m
                .identifier
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty());
            let message = m.message.trim();
            let n = equals
                .entry((ctx.source_path(path), identifier.unwrap_or(""), message))
                .or_insert(0);
            let ordinal = *n;
            *n += 1;

            let severity = Severity::of(m.ignorable);
            let tip = m.tip.as_deref().map(str::trim).filter(|t| !t.is_empty());
            // shown relative to the checkout when it is under it
            let shown = ctx.relative_path(path).into_owned();
            let location = match m.line {
                Some(l) => format!("{shown}:{l}"),
                None => shown.clone(),
            };

            let mut description = vec![message.to_string(), format!("File: {location}")];
            if let Some(id) = identifier {
                description.push(format!("Identifier: {id}"));
            }
            if let Some(t) = tip {
                description.push(format!("Tip: {t}"));
            }

            let mut pf = FieldMap::new();
            pf.insert("phpstan/File".into(), shown.clone());
            if let Some(l) = m.line {
                pf.insert("phpstan/Line".into(), l.to_string());
            }
            if let Some(id) = identifier {
                pf.insert("phpstan/Identifier".into(), id.to_string());
            }
            if let Some(ig) = m.ignorable {
                pf.insert("phpstan/Ignorable".into(), ig.to_string());
            }
            if let Some(t) = tip {
                pf.insert("phpstan/Tip".into(), t.to_string());
            }

            let mut other = FieldMap::new();
            other.insert("Path".into(), shown.clone());
            if let Some(l) = m.line {
                other.insert("Line".into(), l.to_string());
            }

            let draft = Draft {
                identity: vec![
                    readable_key(path, identifier),
                    ctx.source_path(path).into_owned(),
                    message.to_string(),
                    ordinal.to_string(),
                ],
                title: one_line(message),
                description: description.join("\n"),
                label: Some(Label::from(&severity)),
                original_severity: severity.as_str().to_string(),
                rule_ids: identifier.map(str::to_string).into_iter().collect(),
                types: vec![TYPE.to_string()],
                remediation_text: tip.map(str::to_string),
                product_fields: pf,
                resources: vec![repository_resource(ctx, other)],
                ..Default::default()
            };
            let finding = build(ctx, &TOOL, &scope, draft)
                .map_err(|e| ReportError::at_path(TOOL.name, record, e.to_string()))?;
            out.emit(finding)?;
        }
    }

    let general = report.errors.as_deref().unwrap_or_default();
    for (i, e) in general.iter().enumerate() {
        out.records += 1;
        out.skip(format!("$.errors[{i}]"), GENERAL_ERROR);
        let message = format!("PHPStan general error: {}", e.trim());
        if is_harmless(e) {
            out.warnings.push(message);
        } else {
            // an internal error, a file that could not be analysed, a configuration error…
            out.mark_incomplete(message);
        }
    }

    if let Some(t) = &report.totals {
        if let Some(fe) = t.file_errors.filter(|fe| *fe != file_errors as u64) {
            let message = format!(
                "totals.file_errors says {fe} but the report lists {file_errors} file messages"
            );
            if fe > file_errors as u64 {
                out.mark_incomplete(message);
            } else {
                out.warnings.push(message);
            }
        }
        if let Some(e) = t.errors.filter(|e| *e != general.len() as u64) {
            out.warnings.push(format!(
                "totals.errors says {e} but the report lists {} general errors",
                general.len()
            ));
        }
    }
    Ok(())
}

/// Whether a general error says nothing about how much of the code was analysed: an ignore
/// pattern of the configuration that matched nothing (or not as often as expected). Any other
/// general error (an internal error, a file that could not be analysed, a configuration error)
/// may mean that errors are missing.
fn is_harmless(general_error: &str) -> bool {
    general_error
        .trim_start()
        .starts_with("Ignored error pattern ")
}

/// The first, readable part of the Id: the file name and the identifier
/// (`Report.php:argument.type`), both also covered by the rest of the identity.
fn readable_key(path: &str, identifier: Option<&str>) -> String {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    match identifier {
        Some(id) => format!("{name}:{id}"),
        None => name.to_string(),
    }
}

/// The message on one line, for the title.
fn one_line(message: &str) -> String {
    let line = message.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.is_empty() {
        "PHPStan error".to_string()
    } else {
        line
    }
}

/// A key as JSON writes it, for record paths (`$.files["/app/a.php"]`).
fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("{s:?}"))
}

//! One run of the CLI: read, convert, filter, gate, write.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{Read, Seek, Write};
use std::path::Path;

use anyhow::{anyhow, bail, Context as _, Result};
use asff_core::{AwsSecurityFinding, Context, Label, ParseOutput};
use asff_parsers::{tool_names, Conversion, Tool};

use crate::cli::{Args, Emit};

/// Exit code: success.
pub const EXIT_OK: u8 = 0;
/// Exit code: the `--fail-on` gate tripped.
pub const EXIT_GATE: u8 = 1;
/// Exit code: usage error, an unreadable or malformed report, or output that could not be
/// written completely.
pub const EXIT_ERROR: u8 = 2;
/// Exit code: the report says the scan did not complete (unless `--allow-incomplete`).
pub const EXIT_INCOMPLETE: u8 = 3;

/// The data of a run, for stdout or `-o`.
pub enum Data {
    /// Held in memory (the summary).
    Bytes(Vec<u8>),
    /// Written finding by finding into an unlinked temporary file while converting, copied
    /// out once the run succeeded: memory stays bounded, and a report that fails halfway
    /// writes nothing (as when the data was collected).
    Spool(std::fs::File),
}

/// What a successful run produced.
pub struct Outcome {
    /// The data for stdout or `-o`.
    pub data: Data,
    /// Lines for stderr: warnings and the summary.
    pub notes: String,
    pub gate_tripped: bool,
    /// Why the report says the scan did not complete ([`ParseOutput::incomplete`]).
    pub incomplete: Vec<String>,
}

impl Outcome {
    /// The exit code: the gate (1) wins over an incomplete scan (3), which `--allow-incomplete`
    /// lets pass.
    pub fn exit_code(&self, allow_incomplete: bool) -> u8 {
        if self.gate_tripped {
            EXIT_GATE
        } else if !self.incomplete.is_empty() && !allow_incomplete {
            EXIT_INCOMPLETE
        } else {
            EXIT_OK
        }
    }

    /// The one stderr line that says why the exit code is 3, if it is.
    pub fn incomplete_line(&self, allow_incomplete: bool) -> Option<String> {
        if self.incomplete.is_empty() {
            return None;
        }
        let why = self.incomplete.join("; ");
        Some(if allow_incomplete {
            format!("incomplete scan allowed (--allow-incomplete): {why}")
        } else if self.gate_tripped {
            format!("incomplete scan (the gate's exit code 1 wins): {why}")
        } else {
            format!("error: incomplete scan, exit code 3 (--allow-incomplete lets it pass): {why}")
        })
    }
}

/// Builds the context from the arguments (already completed from the environment).
pub fn context(args: &Args) -> Result<Context> {
    let account = args.account_id.as_deref().ok_or_else(|| {
        anyhow!("no AWS account id: pass --account-id or run in CodeBuild (CODEBUILD_BUILD_ARN)")
    })?;
    let region = args
        .region
        .as_deref()
        .ok_or_else(|| anyhow!("no AWS region: pass --region or set AWS_REGION"))?;
    let mut ctx = Context::new(account, region)?;
    if let Some(p) = &args.partition {
        ctx = ctx.with_partition(p)?;
    }
    if let Some(now) = &args.now {
        ctx = ctx.with_now_rfc3339(now)?;
    }
    if let Some(path) = &args.severity_policy {
        let bytes = std::fs::read(path)
            .with_context(|| format!("cannot read the severity policy {}", path.display()))?;
        let policy = asff_parsers::severity_policy(&bytes)
            .with_context(|| format!("in {}", path.display()))?;
        ctx = ctx.with_policy(policy);
    }
    let cwd = std::env::current_dir().ok();
    Ok(ctx
        .with_pipeline(args.pipeline(cwd.as_deref()))
        .with_image(args.image.clone())
        .with_redaction(!args.no_redact))
}

/// The tool `--format` names, or `None` for `auto`.
pub fn format(args: &Args) -> Result<Option<Tool>> {
    if args.format.eq_ignore_ascii_case("auto") {
        return Ok(None);
    }
    match Tool::from_name(&args.format) {
        Some(t) => Ok(Some(t)),
        None => bail!(
            "unknown --format {:?}: expected auto, {}",
            args.format,
            tool_names().join(", ")
        ),
    }
}

/// Reads the report from a file or stdin, refusing more than `max` bytes.
pub fn read_input(input: &str, stdin: &mut dyn Read, max: u64) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    let what = if input == "-" {
        "stdin".to_string()
    } else {
        input.to_string()
    };
    let n = if input == "-" {
        stdin.take(max + 1).read_to_end(&mut buf)
    } else {
        let f = std::fs::File::open(input).with_context(|| format!("cannot read {what}"))?;
        if let Ok(meta) = f.metadata() {
            if meta.len() > max {
                bail!(
                    "{what} is {} bytes, over the --max-report-size limit of {max} bytes",
                    meta.len()
                );
            }
        }
        f.take(max + 1).read_to_end(&mut buf)
    }
    .with_context(|| format!("cannot read {what}"))?;
    if n as u64 > max {
        bail!("{what} is over the --max-report-size limit of {max} bytes");
    }
    Ok(buf)
}

/// Converts and renders: the findings go from the parser to the output one at a time
/// ([`asff_parsers::stream`]); with `--previous` they are collected first, as the lifecycle
/// orders them by scope and adds the archived ones.
pub fn run(args: &Args, stdin: &mut dyn Read) -> Result<Outcome> {
    let ctx = context(args)?;
    let tool = format(args)?;
    let bytes = read_input(&args.input, stdin, args.max_report_size)?;
    let opts = asff_parsers::Options::default().with_sonar_url(args.sonar_url.clone());
    // the size was checked while reading; the facade's default limit must not undercut it
    let limits = asff_parsers::Limits {
        max_report_bytes: args.max_report_size,
    };
    let mut out = Output::new(args)?;
    if let Some(path) = &args.previous {
        let conv = asff_parsers::convert_limited(&bytes, tool, &ctx, &opts, &limits)?;
        drop(bytes);
        let Conversion { tool, mut output } = conv;
        let previous = read_previous(path)?;
        let lifecycle = apply_previous(&ctx, &mut output, &previous)?;
        drop(previous);
        for f in std::mem::take(&mut output.findings) {
            out.current(f)?;
        }
        let accounting = asff_parsers::Accounting {
            records: output.records,
            emitted: 0,
            skipped: output.skipped,
            warnings: output.warnings,
            scopes: output.scopes,
            incomplete: output.incomplete,
        };
        return out.finish(args, &ctx, tool, accounting, Some(lifecycle));
    }
    let mut sink = |f: AwsSecurityFinding| -> std::result::Result<(), asff_parsers::SinkError> {
        out.current(f).map_err(|e| {
            let stop = e.to_string();
            out.failed = Some(e);
            stop.into()
        })
    };
    match asff_parsers::stream(&bytes, tool, &ctx, &opts, &limits, &mut sink) {
        Ok(done) => out.finish(args, &ctx, done.tool, done.accounting, None),
        Err(asff_parsers::StreamError::Convert(e)) => Err(e.into()),
        Err(asff_parsers::StreamError::Sink(e)) => {
            Err(out.failed.take().unwrap_or_else(|| anyhow!("{e}")))
        }
    }
}

/// Where the findings of a run go as they come: counted, filtered by `--min-severity`, and
/// written (the JSON array, or the batches' lines) into the spool.
struct Output {
    emit: Emit,
    min_severity: Option<Label>,
    fail_on: Option<Label>,
    spool: Option<std::io::BufWriter<std::fs::File>>,
    /// Findings of the report (before `--min-severity`), by label.
    total: usize,
    by_label: BTreeMap<Label, usize>,
    gate_tripped: bool,
    below_min: usize,
    /// Findings written into the JSON array so far.
    written: usize,
    batcher: asff_core::batch::Batcher,
    /// The error that stopped the conversion from the sink.
    failed: Option<anyhow::Error>,
}

impl Output {
    fn new(args: &Args) -> Result<Output> {
        let spool = match args.emit {
            Emit::Summary => None,
            Emit::Findings | Emit::Batches => Some(std::io::BufWriter::new(
                spool().context("cannot create a temporary file for the output")?,
            )),
        };
        Ok(Output {
            emit: args.emit,
            min_severity: args.min_severity,
            fail_on: args.fail_on,
            spool,
            total: 0,
            by_label: BTreeMap::new(),
            gate_tripped: false,
            below_min: 0,
            written: 0,
            batcher: asff_core::batch::Batcher::default(),
            failed: None,
        })
    }

    /// A finding of the report: counted, and written unless below `--min-severity`.
    fn current(&mut self, f: AwsSecurityFinding) -> Result<()> {
        self.total += 1;
        let label = f.label();
        if let Some(l) = label {
            *self.by_label.entry(l).or_insert(0) += 1;
        }
        if self
            .fail_on
            .is_some_and(|gate| label.is_some_and(|l| l >= gate))
        {
            self.gate_tripped = true;
        }
        if let Some(min) = self.min_severity {
            if label.is_none_or(|l| l < min) {
                self.below_min += 1;
                return Ok(());
            }
        }
        self.write(f)
    }

    /// Writes a finding into the data (the archived ones are not counted).
    fn write(&mut self, f: AwsSecurityFinding) -> Result<()> {
        let Some(spool) = self.spool.as_mut() else {
            return Ok(());
        };
        let what = "cannot write the output into its temporary file";
        match self.emit {
            Emit::Findings => {
                // what serde_json::to_vec_pretty writes of the whole array, one element at a time
                spool
                    .write_all(if self.written == 0 {
                        b"[\n  "
                    } else {
                        b",\n  "
                    })
                    .context(what)?;
                let one = serde_json::to_vec_pretty(&f)?;
                for (i, line) in one.split(|b| *b == b'\n').enumerate() {
                    if i > 0 {
                        spool.write_all(b"\n  ").context(what)?;
                    }
                    spool.write_all(line).context(what)?;
                }
                self.written += 1;
            }
            Emit::Batches => {
                if let Some(batch) = self.batcher.push(f)? {
                    write_batch(spool, &batch).context(what)?;
                }
            }
            Emit::Summary => {}
        }
        Ok(())
    }

    fn finish(
        mut self,
        args: &Args,
        ctx: &Context,
        tool: Tool,
        mut accounting: asff_parsers::Accounting,
        lifecycle: Option<Lifecycle>,
    ) -> Result<Outcome> {
        let scope_line = scope_notes(ctx, tool, &mut accounting.warnings, &accounting.scopes)
            .map(|o| format!("  scope: {o}"));
        let lifecycle_line = match lifecycle {
            Some(l) => {
                let line = if accounting.incomplete.is_empty() {
                    format!(
                        "  against --previous: {} archived (no longer reported), {} reactivated",
                        l.archived.len(),
                        l.reactivated
                    )
                } else {
                    format!(
                        "  against --previous: nothing archived, the report may be incomplete (see the warnings): \
                         {} no longer reported stay active, {} reactivated",
                        l.held_back, l.reactivated
                    )
                };
                for f in l.archived {
                    self.write(f)?;
                }
                Some(line)
            }
            None => None,
        };

        let mut summary = summary_table(
            tool,
            self.total,
            &self.by_label,
            &accounting.skipped_by_reason(),
            self.below_min,
            args,
            self.gate_tripped,
            // on stderr the warnings stand as `warning:` lines of their own
            if args.emit == Emit::Summary {
                &accounting.warnings
            } else {
                &[]
            },
        );
        for line in lifecycle_line.into_iter().chain(scope_line) {
            let _ = writeln!(summary, "{line}");
        }

        let what = "cannot write the output into its temporary file";
        let data = match self.spool.take() {
            None => Data::Bytes(summary.clone().into_bytes()),
            Some(mut spool) => {
                match self.emit {
                    Emit::Findings if self.written == 0 => spool.write_all(b"[]\n"),
                    Emit::Findings => spool.write_all(b"\n]\n"),
                    _ => match std::mem::take(&mut self.batcher).finish() {
                        Some(batch) => write_batch(&mut spool, &batch),
                        None => Ok(()),
                    },
                }
                .context(what)?;
                let mut file = spool
                    .into_inner()
                    .map_err(|e| e.into_error())
                    .context(what)?;
                file.seek(std::io::SeekFrom::Start(0)).context(what)?;
                Data::Spool(file)
            }
        };

        let mut notes = String::new();
        for w in &accounting.warnings {
            let _ = writeln!(notes, "warning: {w}");
        }
        if args.emit != Emit::Summary {
            notes.push_str(&summary);
        }
        Ok(Outcome {
            data,
            notes,
            gate_tripped: self.gate_tripped,
            incomplete: accounting.incomplete,
        })
    }
}

/// One line of `--emit batches`: a BatchImportFindings request body.
fn write_batch(out: &mut dyn Write, batch: &[AwsSecurityFinding]) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, &serde_json::json!({ "Findings": batch }))?;
    out.write_all(b"\n")
}

/// A new temporary file, already unlinked (on Unix) so that nothing is left behind.
fn spool() -> std::io::Result<std::fs::File> {
    let dir = std::env::temp_dir();
    for i in 0..100 {
        let p = dir.join(format!(".asff-convert.{}.{i}.spool", std::process::id()));
        match std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&p)
        {
            Ok(f) => {
                let _ = std::fs::remove_file(&p);
                return Ok(f);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other("no free temporary file name"))
}

/// Reads the previous run's findings: a JSON array of findings, or `{"Findings":[…]}` lines.
pub fn read_previous(path: &Path) -> Result<Vec<AwsSecurityFinding>> {
    let bytes = std::fs::read(path)
        .with_context(|| format!("cannot read the previous findings {}", path.display()))?;
    let what = || format!("previous findings {}", path.display());
    let trimmed = asff_core::sniff::trim_start(&bytes);
    if trimmed.starts_with(b"[") {
        return serde_json::from_slice(trimmed).with_context(what);
    }
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Batch {
        findings: Vec<AwsSecurityFinding>,
    }
    let mut out = Vec::new();
    for (i, line) in trimmed.split(|b| *b == b'\n').enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let b: Batch = serde_json::from_slice(line)
            .with_context(|| format!("line {}", i + 1))
            .with_context(what)?;
        out.extend(b.findings);
    }
    Ok(out)
}

/// The lifecycle against the previous run: per scope (GeneratorId) the report covers
/// ([`ParseOutput::scopes`], also a clean report's), the findings with first-seen times carried
/// over, plus ARCHIVED records for the previous run's active findings of those scopes that
/// this report no longer has. A report that may be incomplete ([`ParseOutput::incomplete`])
/// archives nothing: the absent findings are only counted.
struct Lifecycle {
    archived: Vec<AwsSecurityFinding>,
    reactivated: usize,
    /// Absent findings left active because the report may be incomplete.
    held_back: usize,
}

fn apply_previous(
    ctx: &Context,
    output: &mut ParseOutput,
    previous: &[AwsSecurityFinding],
) -> Result<Lifecycle> {
    let hold = !output.incomplete.is_empty();
    let mut by_scope: BTreeMap<String, Vec<AwsSecurityFinding>> = output
        .scopes
        .iter()
        .map(|s| (s.clone(), Vec::new()))
        .collect();
    // (the facade checked that every finding is in a covered scope)
    for f in std::mem::take(&mut output.findings) {
        by_scope.entry(f.generator_id.clone()).or_default().push(f);
    }
    let mut lifecycle = Lifecycle {
        archived: Vec::new(),
        reactivated: 0,
        held_back: 0,
    };
    for (scope, current) in by_scope {
        let state = asff_core::lifecycle::ScopeState::from_findings(&scope, previous);
        let r = asff_core::lifecycle::reconcile(&state, current, ctx.now())?;
        output.findings.extend(r.current);
        if hold {
            lifecycle.held_back += r.archived.len();
        } else {
            lifecycle.archived.extend(r.archived);
        }
        lifecycle.reactivated += r.reactivated;
    }
    Ok(lifecycle)
}

/// How to give the scope explicitly, after a warning that the scope is not a repository.
const SCOPE_HINT: &str = "pass --repo NAME and --branch NAME to scope them to the repository (in CodePipeline set ASFF_REPOSITORY and ASFF_BRANCH on the CodeBuild action from the source action's variables, e.g. #{SourceVariables.FullRepositoryName} and #{SourceVariables.BranchName})";

/// When the report's findings take the pipeline's code scope: where it came from (for the
/// summary), and the pipeline's notes and fallback as warnings (first, before the parser's).
fn scope_notes(
    ctx: &Context,
    tool: Tool,
    warnings: &mut Vec<String>,
    scopes: &std::collections::BTreeSet<String>,
) -> Option<String> {
    let r = ctx.scope_report(tool.name(), scopes)?;
    warnings.splice(0..0, r.warnings(SCOPE_HINT));
    Some(r.origin)
}

#[allow(clippy::too_many_arguments)]
fn summary_table(
    tool: Tool,
    total: usize,
    by_label: &BTreeMap<Label, usize>,
    skipped: &BTreeMap<String, usize>,
    below_min: usize,
    args: &Args,
    gate_tripped: bool,
    warnings: &[String],
) -> String {
    let mut s = String::new();
    let skipped_total: usize = skipped.values().sum();
    let _ = writeln!(
        s,
        "{tool}: {total} findings, {skipped_total} records skipped"
    );
    let _ = writeln!(s, "  {:<16}{:>8}", "SEVERITY", "FINDINGS");
    for l in Label::ALL.iter().rev() {
        let _ = writeln!(
            s,
            "  {:<16}{:>8}",
            l.as_str(),
            by_label.get(l).copied().unwrap_or(0)
        );
    }
    if !skipped.is_empty() {
        let _ = writeln!(s, "  {:<24}{:>8}", "SKIPPED (REASON)", "RECORDS");
        for (reason, n) in skipped {
            let _ = writeln!(s, "  {:<24}{:>8}", reason, n);
        }
    }
    if let Some(min) = args.min_severity {
        let _ = writeln!(s, "  left out below {min}: {below_min}");
    }
    if !warnings.is_empty() {
        let _ = writeln!(s, "  WARNINGS");
        for w in warnings {
            let _ = writeln!(s, "  - {w}");
        }
    }
    if let Some(gate) = args.fail_on {
        let at_or_above: usize = by_label.range(gate..).map(|(_, n)| n).sum();
        let _ = writeln!(
            s,
            "  gate --fail-on {gate}: {} ({at_or_above} findings at or above {gate})",
            if gate_tripped { "FAIL" } else { "pass" }
        );
    }
    s
}

/// Writes the data to `-o FILE` ([`write_file`]) or stdout ([`write_stdout`]).
pub fn write_data(output: Option<&Path>, data: Data) -> Result<()> {
    let mut data: Box<dyn Read> = match data {
        Data::Bytes(b) => Box::new(std::io::Cursor::new(b)),
        Data::Spool(f) => Box::new(std::io::BufReader::new(f)),
    };
    match output {
        None => write_stdout(&mut data),
        Some(path) => write_file(path, &mut data),
    }
}

/// Writes to stdout, failing when it is closed or not writable (a read-only fd 1, a full disk,
/// a closed pipe) rather than dropping the data as `std::io::stdout()` does for a bad fd.
pub fn write_stdout(data: &mut dyn Read) -> Result<()> {
    if crate::stdout::was_closed() {
        bail!("cannot write to stdout: it is closed (`>&-`); redirect it to a file or a pipe, or pass -o FILE");
    }
    let mut out = crate::stdout::writer().context("cannot write to stdout")?;
    copy(data, &mut out).context("cannot write to stdout")?;
    out.flush().context("cannot write to stdout")?;
    Ok(())
}

/// Writes the data to `path`:
/// - a regular file, or a path that does not exist, is replaced atomically (a temporary file
///   beside it, renamed over it), keeping an existing file's mode (and owner, where allowed);
/// - a symlink is followed and its target written the same way (the link stays a link);
/// - anything else (a FIFO, a character device, `/dev/stdout`, `/dev/fd/N`) is opened and
///   written directly, `/dev/stdout` and `/dev/fd/N` appending to what the descriptor is.
///
/// A failed write leaves no temporary file behind.
pub fn write_file(path: &Path, data: &mut dyn Read) -> Result<()> {
    let what = || format!("cannot write {}", path.display());
    if is_descriptor_path(path) {
        return write_directly(path, data, std::fs::OpenOptions::new().append(true))
            .with_context(what);
    }
    let target = follow_links(path).with_context(what)?;
    match std::fs::metadata(&target) {
        Ok(m) if m.is_file() => replace_atomically(&target, data, Some(&m)).with_context(what),
        Ok(m) if m.is_dir() => bail!("cannot write {}: it is a directory", path.display()),
        Ok(_) => write_directly(&target, data, std::fs::OpenOptions::new().write(true))
            .with_context(what),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            replace_atomically(&target, data, None).with_context(what)
        }
        Err(e) => Err(e).with_context(what),
    }
}

/// Opens `path` as `options` say and writes the data into it (no temporary file).
fn write_directly(
    path: &Path,
    data: &mut dyn Read,
    options: &std::fs::OpenOptions,
) -> std::io::Result<()> {
    let mut f = options.open(path)?;
    copy(data, &mut f)?;
    f.flush()
}

/// Copies all of `data` into `out`, as `write_all` would write it.
fn copy(data: &mut dyn Read, out: &mut dyn Write) -> std::io::Result<()> {
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = match data.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        out.write_all(buf.get(..n).unwrap_or_default())?;
    }
}

/// `/dev/stdout`, `/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N`: names of open descriptors,
/// which must be written, never replaced.
fn is_descriptor_path(path: &Path) -> bool {
    let s = path.to_string_lossy();
    matches!(s.as_ref(), "/dev/stdout" | "/dev/stderr")
        || s.strip_prefix("/dev/fd/")
            .or_else(|| s.strip_prefix("/proc/self/fd/"))
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// The path a chain of symlinks leads to (which need not exist).
fn follow_links(path: &Path) -> std::io::Result<std::path::PathBuf> {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let to = std::fs::read_link(&p)?;
                p = match p.parent() {
                    Some(dir) if to.is_relative() => dir.join(to),
                    _ => to,
                };
            }
            _ => return Ok(p),
        }
    }
    Err(std::io::Error::other("too many levels of symbolic links"))
}

/// Writes a temporary file beside `target` and renames it over `target`; removes it on failure.
fn replace_atomically(
    target: &Path,
    data: &mut dyn Read,
    existing: Option<&std::fs::Metadata>,
) -> std::io::Result<()> {
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    let (tmp, mut file) = (0..100)
        .find_map(|i| {
            let tmp = dir.join(format!(".{name}.{}.{i}.tmp", std::process::id()));
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&tmp)
            {
                Ok(f) => Some(Ok((tmp, f))),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => None,
                Err(e) => Some(Err(e)),
            }
        })
        .unwrap_or_else(|| Err(std::io::Error::other("no free temporary file name")))?;
    let written = (|| {
        copy(data, &mut file)?;
        if let Some(m) = existing {
            file.set_permissions(m.permissions())?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::MetadataExt;
                // as root, keep the owner; otherwise the file is the writer's anyway
                let _ = std::os::unix::fs::fchown(&file, Some(m.uid()), Some(m.gid()));
            }
        }
        file.sync_all()?;
        drop(file);
        std::fs::rename(&tmp, target)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser as _;

    /// The data `Output` writes for these findings, finding by finding.
    fn written(emit: &str, findings: &[AwsSecurityFinding]) -> Vec<u8> {
        let args = Args::parse_from(["asff-convert", "--emit", emit, "x.json"]);
        let mut out = Output::new(&args).unwrap();
        for f in findings {
            out.current(f.clone()).unwrap();
        }
        let ctx = asff_testkit::context();
        let o = out
            .finish(
                &args,
                &ctx,
                Tool::ALL[0],
                asff_parsers::Accounting::default(),
                None,
            )
            .unwrap();
        let mut data = Vec::new();
        match o.data {
            Data::Spool(mut f) => {
                f.read_to_end(&mut data).unwrap();
            }
            Data::Bytes(b) => data = b,
        }
        data
    }

    /// What the CLI wrote when it collected the findings first.
    fn collected(emit: &str, findings: &[AwsSecurityFinding]) -> Vec<u8> {
        let mut v = Vec::new();
        if emit == "findings" {
            v = serde_json::to_vec_pretty(findings).unwrap();
            v.push(b'\n');
        } else {
            for batch in asff_core::batch::batches(findings).unwrap() {
                serde_json::to_writer(&mut v, &serde_json::json!({ "Findings": batch })).unwrap();
                v.push(b'\n');
            }
        }
        v
    }

    #[test]
    fn written_finding_by_finding_is_byte_identical_to_the_collected_output() {
        let mut reports = 0;
        for tool in Tool::ALL {
            for p in asff_testkit::testdata_files(tool.name(), &["json", "sarif", "xml"]) {
                let bytes = asff_testkit::testdata(&p);
                let Ok(conv) = asff_parsers::convert(&bytes, Some(*tool), &asff_testkit::context())
                else {
                    continue;
                };
                let findings = &conv.output.findings;
                for emit in ["findings", "batches"] {
                    assert!(
                        written(emit, findings) == collected(emit, findings),
                        "{p} --emit {emit}"
                    );
                }
                reports += 1;
            }
        }
        assert!(reports > 60, "{reports}");
        // no findings at all, and more than one request
        for emit in ["findings", "batches"] {
            assert_eq!(written(emit, &[]), collected(emit, &[]), "{emit}");
        }
        let many = asff_testkit::testdata("grype/defectdojo-grype-0.7.0-many_vulns2.json");
        let conv = asff_parsers::convert(&many, None, &asff_testkit::context()).unwrap();
        assert!(conv.output.findings.len() > 100);
        assert_eq!(
            written("batches", &conv.output.findings),
            collected("batches", &conv.output.findings)
        );
    }
}

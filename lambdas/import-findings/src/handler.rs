//! The work of one invocation: fetch, archive, parse, import, answer.
//!
//! For each report, in this order:
//! 1. **fetch** the report: from the payload, or from S3 (`reportS3Uri`, notifications);
//! 2. **tell the tool** (`reportType`, the key or metadata, else detection);
//! 3. **archive** the raw report ([`asff_hub::archive`]) — before anything else can fail
//!    on its content, so that a report that cannot be imported stays there for inspection;
//! 4. **parse**, all or nothing: a malformed report (or one of unknown format) imports
//!    nothing and fails with a permanent error;
//! 5. **import** with the finding lifecycle
//!    ([`asff_hub::lifecycle`]: load each scope's state, import the current findings with
//!    their first-seen times, then — only after a complete import — the ARCHIVED records of
//!    what the report no longer has, then — only after that too — write the state
//!    conditionally), then answer. Any finding that failed, or any call that failed for good,
//!    turns the answer into a function error.
//!
//! The scopes are the ones the parser says the report covers (`ParseOutput::scopes`: also
//! those without findings, so a clean report archives what its scope had; an image scan's
//! scope is the image, never the repository). A report the parser marked incomplete
//! (`ParseOutput::incomplete`: a scan with errors, a page of results missing) archives nothing;
//! the answer lists what would have been archived. Other parser warnings (a missing severity
//! taken as MEDIUM, …) do not hold archiving back.

use std::collections::BTreeMap;
use std::time::Duration;

use asff_core::batch::Batcher;
use asff_core::{AwsSecurityFinding, Context, Label, Location, PipelineInfo};
use asff_hub::archive::{failed_key, report_name, S3Location, REPORT_TOO_LARGE};
use asff_hub::error::within;
use asff_hub::{
    import, lifecycle, raw_key, AccountResolver, Archive, AwsError, FailedFinding, FindingSink,
    ImportOptions, ImportReport, RawKey, Retry, StateStore, TokenBucket,
};
use asff_parsers::{Conversion, ConvertError, Limits, SinkError, StreamError, Tool};
use bytes::Bytes;
use time::OffsetDateTime;
use tracing::Instrument;

use crate::answer::{Answer, Failure};
use crate::config::{Config, Lifecycle};
use crate::payload::{Event, ReportContext, ReportRequest, ReportSource};

/// The invocation being handled.
#[derive(Debug, Clone)]
pub struct Invocation {
    pub request_id: String,
    /// No new Security Hub call or retry starts after this instant.
    pub deadline: Option<tokio::time::Instant>,
    /// The clock of this run: the findings' UpdatedAt/LastObservedAt, the archive key.
    pub now: OffsetDateTime,
}

/// How to give the scope explicitly, after a warning that the scope is not a repository.
const SCOPE_HINT: &str = "send source_repository and source_branch to scope them to the repository (in CodePipeline from the source action's variables, e.g. #{SourceVariables.FullRepositoryName} and #{SourceVariables.BranchName}, set on the CodeBuild action)";

/// Time kept back from the invocation's deadline to answer: no network call runs past the
/// deadline less this margin (the call is dropped, the answer says `DeadlineExceeded`).
pub const DEADLINE_MARGIN: Duration = Duration::from_secs(5);

/// Of that margin, what writing the list of failed findings may still use.
pub const FAILED_LIST_GRACE: Duration = Duration::from_secs(2);

impl Invocation {
    /// An invocation without deadline, clock read now.
    pub fn now(request_id: impl Into<String>) -> Self {
        Invocation {
            request_id: request_id.into(),
            deadline: None,
            now: OffsetDateTime::now_utc(),
        }
    }

    /// From the runtime's context: the deadline (epoch milliseconds) less [`DEADLINE_MARGIN`].
    pub fn from_lambda(ctx: &lambda_runtime::Context) -> Self {
        let now = OffsetDateTime::now_utc();
        let deadline = (ctx.deadline > 0).then(|| {
            let now_ms = (now.unix_timestamp_nanos() / 1_000_000).max(0) as u64;
            let left = Duration::from_millis(ctx.deadline.saturating_sub(now_ms));
            tokio::time::Instant::now() + left.saturating_sub(DEADLINE_MARGIN)
        });
        Invocation {
            request_id: ctx.request_id.clone(),
            deadline,
            now,
        }
    }
}

/// The handler: the archive, the sink, the account resolver and the lifecycle's state store
/// behind their traits, the configuration, and the rate limiter shared by the invocations of
/// a container.
pub struct Handler<A, S, R, T> {
    pub archive: A,
    pub sink: S,
    pub account: R,
    pub state: T,
    pub config: Config,
    pub limiter: TokenBucket,
    pub import_options: ImportOptions,
    /// Conditional writes of the state: attempts and backoff after a conflict.
    pub lifecycle: lifecycle::Settings,
}

impl<A: Archive, S: FindingSink, R: AccountResolver, T: StateStore> Handler<A, S, R, T> {
    pub fn new(archive: A, sink: S, account: R, state: T, config: Config) -> Self {
        let import_options = ImportOptions {
            concurrency: config.concurrency,
            ..ImportOptions::default()
        };
        Handler {
            archive,
            sink,
            account,
            state,
            config,
            limiter: TokenBucket::security_hub(),
            import_options,
            lifecycle: lifecycle::Settings::default(),
        }
    }

    /// Handles a Lambda event.
    pub async fn invoke(
        &self,
        event: lambda_runtime::LambdaEvent<Box<serde_json::value::RawValue>>,
    ) -> Result<Answer, Failure> {
        let inv = Invocation::from_lambda(&event.context);
        self.handle(event.payload.get(), &inv).await
    }

    /// Handles an event given as JSON text, in one span with the tool and build id.
    pub async fn handle(&self, raw: &str, inv: &Invocation) -> Result<Answer, Failure> {
        let span = tracing::info_span!(
            "invocation",
            request_id = %inv.request_id,
            origin = tracing::field::Empty,
            tool = tracing::field::Empty,
            build_id = tracing::field::Empty,
        );
        let result = Box::pin(self.handle_event(raw, inv).instrument(span.clone())).await;
        let _e = span.enter();
        match &result {
            Ok(a) => tracing::info!(
                imported = a.imported,
                findings = a.findings,
                gate = ?a.gate,
                raw_report = a.raw_report.as_deref().unwrap_or(""),
                "done"
            ),
            Err(f) => tracing::error!(
                error_type = %f.error_type(),
                imported = f.answer.imported,
                failed = f.answer.failed_count,
                raw_report = f.answer.raw_report.as_deref().unwrap_or(""),
                "invocation failed"
            ),
        }
        result
    }

    async fn handle_event(&self, raw: &str, inv: &Invocation) -> Result<Answer, Failure> {
        let event = Event::parse(raw, &self.config.input_prefix).map_err(|e| {
            // the payload's values are left out: it may carry the report
            Failure::new(
                Answer::default(),
                Retry::Permanent,
                "InvalidPayload",
                asff_core::text::without_quoted(&e.to_string()),
            )
        })?;
        match event {
            Event::CodeBuild(req) => Box::pin(self.handle_report(*req, inv)).await,
            Event::S3Notification(reqs) => {
                let many = reqs.len() > 1;
                let mut total: Option<Answer> = None;
                let mut failed = false;
                for req in reqs {
                    let input = match &req.source {
                        ReportSource::S3(loc) => Some(loc.to_string()),
                        ReportSource::Inline(_) => None,
                    };
                    let (mut a, f) = match Box::pin(self.handle_report(req, inv)).await {
                        Ok(a) => (a, false),
                        Err(f) => (*f.answer, true),
                    };
                    failed |= f;
                    if let Some(e) = &mut a.error {
                        // which object of the notification failed
                        e.report = input;
                    }
                    match &mut total {
                        None => {
                            let mut first = a;
                            if many {
                                first.raw_reports.extend(first.raw_report.clone());
                                first.errors.extend(first.error.clone());
                            }
                            total = Some(first);
                        }
                        Some(t) => t.merge(a),
                    }
                }
                let total = total.unwrap_or_default();
                if failed {
                    Err(Failure {
                        answer: Box::new(total),
                    })
                } else {
                    Ok(total)
                }
            }
        }
    }

    /// The conversion's limits: `MAX_REPORT_BYTES`.
    fn limits(&self) -> Limits {
        Limits {
            max_report_bytes: self.config.max_report_bytes,
        }
    }

    /// Refuses an S3 object that is not the function's input: another bucket, or a key outside
    /// `INPUT_PREFIX` (IAM should stop both in AWS; this holds wherever the function runs).
    fn check_input(&self, loc: &S3Location) -> Result<(), String> {
        let c = &self.config;
        // `.` and `..` segments: some clients and proxies resolve them, so that the key read
        // would not be the key checked
        let dots = loc.key.split('/').any(|s| s == "." || s == "..");
        if loc.bucket != c.bucket || !loc.key.starts_with(&c.input_prefix) || dots {
            return Err(format!(
                "{loc} is not under the function's input s3://{}/{} (INPUT_PREFIX): refused, nothing read",
                c.bucket, c.input_prefix
            ));
        }
        Ok(())
    }

    /// Handles one report: fetch, archive, parse, import.
    pub async fn handle_report(
        &self,
        req: ReportRequest,
        inv: &Invocation,
    ) -> Result<Answer, Failure> {
        let ReportRequest {
            source,
            mut context,
            fallback,
            use_metadata,
            origin,
        } = req;
        let span = tracing::Span::current();
        span.record("origin", origin);
        let mut answer = Answer::default();

        // 0. only the function's own input, only reports within the size limit
        let max = self.config.max_report_bytes;
        match &source {
            ReportSource::S3(loc) => self.check_input(loc).map_err(|m| {
                Failure::new(answer.clone(), Retry::Permanent, "OutsideInputPrefix", m)
            })?,
            ReportSource::Inline(b) if u64::try_from(b.len()).unwrap_or(u64::MAX) > max => {
                return Err(Failure::new(
                    answer.clone(),
                    Retry::Permanent,
                    REPORT_TOO_LARGE,
                    format!(
                        "the report in the payload is {} bytes, over the limit of {max} bytes (MAX_REPORT_BYTES)",
                        b.len()
                    ),
                ));
            }
            ReportSource::Inline(_) => {}
        }

        // 1. fetch
        let (bytes, source_uri, input_key) = match source {
            ReportSource::Inline(b) => (Bytes::from(b), None, None),
            ReportSource::S3(loc) => {
                let obj = within(
                    inv.deadline,
                    "S3.GetObject",
                    Box::pin(self.archive.get(&loc, max)),
                )
                .await
                .map_err(|e| aws_failure(answer.clone(), e))?;
                if use_metadata {
                    context.fill_from(&ReportContext::from_metadata(&obj.metadata));
                }
                (Bytes::from(obj.body), Some(loc.to_string()), Some(loc.key))
            }
        };
        context.fill_from(&fallback);
        if let Some(b) = &context.pipeline.build_id {
            span.record("build_id", b.as_str());
        }

        // 2. tell the tool (an error waits until the report is archived)
        let tool = resolve_tool(&context, &bytes);
        let tool_name = match &tool {
            Ok(t) => t.name(),
            Err(_) => "unknown",
        };
        span.record("tool", tool_name);
        answer.tool = tool.as_ref().ok().map(|t| t.name());

        // 3. archive (the repository and branch as the pipeline normaliser resolves them: an
        // artifact ARN is neither), under a key of its own (two reports of one build differ)
        let resolved = PipelineInfo::resolve(context.pipeline.clone());
        let xml = is_xml(&bytes);
        let name = report_name(input_key.as_deref(), &bytes);
        let key = raw_key(&RawKey {
            tool: tool_name,
            repository: resolved.repository(),
            branch: resolved.branch(),
            build_id: resolved.build_id(),
            timestamp: inv.now,
            xml,
            name: &name,
        });
        let metadata = self.metadata(
            &context,
            &resolved,
            tool_name,
            origin,
            source_uri.as_deref(),
            inv,
        );
        let content_type = if xml {
            "application/xml"
        } else {
            "application/json"
        };
        let size = bytes.len();
        let archived = within(
            inv.deadline,
            "S3.PutObject",
            Box::pin(
                self.archive
                    .put(&key, bytes.clone(), content_type, &metadata),
            ),
        )
        .await
        .map_err(|e| aws_failure(answer.clone(), e))?;
        tracing::info!(raw_report = %archived, bytes = size, "raw report archived");
        answer.raw_report = Some(archived.to_string());
        let tool = tool.map_err(|(t, m)| Failure::new(answer.clone(), Retry::Permanent, t, m))?;

        // 4. parse, all or nothing
        let account = within(
            inv.deadline,
            "STS.GetCallerIdentity",
            Box::pin(self.account.account_id()),
        )
        .await
        .map_err(|e| aws_failure(answer.clone(), e))?;
        let ctx = self
            .context(&account, &context, resolved, inv)
            .map_err(|m| Failure::new(answer.clone(), Retry::Permanent, "Configuration", m))?;
        // without the lifecycle, findings are not kept: the report is read once to check it
        // whole (all or nothing) and count, and again to import while converting
        let mode = self.config.lifecycle.with_request(context.dry_run);
        let streaming = mode == Lifecycle::Off;
        let conv = self.parse(tool, &bytes, &ctx, &mut answer, !streaming)?;

        // 5. import; the full list of what failed goes beside the raw report
        let mut failed = Vec::new();
        let mut result = if streaming {
            Box::pin(self.import_streaming(tool, bytes.clone(), ctx, inv, &mut answer, &mut failed))
                .await
        } else {
            Box::pin(self.import_step(&conv, inv, mode, &mut answer, &mut failed)).await
        };
        if !failed.is_empty() {
            let written = self
                .write_failed(&key, &archived, &failed, &metadata, inv)
                .await;
            let a = match &mut result {
                Ok(()) => &mut answer,
                Err(f) => &mut f.answer,
            };
            match written {
                Ok(uri) => a.failed_report = Some(uri),
                Err(e) => {
                    tracing::error!(error = %e, "the list of failed findings could not be written");
                    a.warnings.push(format!(
                        "the full list of the {} failed findings could not be written beside the raw report: {e}",
                        failed.len()
                    ));
                }
            }
        }
        result.map(|()| answer)
    }

    /// Writes the full list of a report's failed findings beside its raw report
    /// ([`failed_key`]): `{"rawReport":…,"failedCount":N,"failed":[…]}`. It may use part of the
    /// time kept back to answer, so that a run cut off by its deadline still leaves the list.
    async fn write_failed(
        &self,
        raw_key: &str,
        raw: &S3Location,
        failed: &[FailedFinding],
        metadata: &BTreeMap<String, String>,
        inv: &Invocation,
    ) -> Result<String, AwsError> {
        let body = serde_json::json!({
            "rawReport": raw.to_string(),
            "failedCount": failed.len(),
            "failed": failed,
        });
        let body = Bytes::from(body.to_string());
        let deadline = inv.deadline.map(|d| d + FAILED_LIST_GRACE);
        let loc = within(
            deadline,
            "S3.PutObject",
            Box::pin(
                self.archive
                    .put(&failed_key(raw_key), body, "application/json", metadata),
            ),
        )
        .await?;
        tracing::info!(failed_report = %loc, failed = failed.len(), "list of failed findings written");
        Ok(loc.to_string())
    }

    /// Parses the report, all or nothing, and counts what it holds into the answer; keeps the
    /// findings when `collect` (else the conversion's findings are empty).
    fn parse(
        &self,
        tool: Tool,
        bytes: &[u8],
        ctx: &Context,
        answer: &mut Answer,
        collect: bool,
    ) -> Result<Conversion, Failure> {
        let limits = self.limits();
        let mut findings = Vec::new();
        let mut labels: BTreeMap<Label, usize> = BTreeMap::new();
        let mut sink = |f: AwsSecurityFinding| -> Result<(), SinkError> {
            *labels
                .entry(f.label().unwrap_or(Label::Informational))
                .or_insert(0) += 1;
            if collect {
                findings.push(f);
            }
            Ok(())
        };
        let streamed = asff_parsers::stream(
            bytes,
            Some(tool),
            ctx,
            &asff_parsers::Options::default(),
            &limits,
            &mut sink,
        )
        .map_err(|e| {
            let e = match e {
                StreamError::Convert(e) => e,
                // the sink above never refuses
                StreamError::Sink(s) => ConvertError::Report(asff_core::ReportError::document(
                    tool.name(),
                    format!("internal error: {s}"),
                )),
            };
            let error_type = match &e {
                ConvertError::Report(r) if r.location == Location::Context => "NoScope",
                _ => "MalformedReport",
            };
            match &e {
                // the format only: the location and message may quote the report
                ConvertError::Report(r) => tracing::error!(
                    format = r.format,
                    "malformed report: nothing imported (the answer says where and why)"
                ),
                ConvertError::Detect(_) => tracing::error!("unknown report format"),
                ConvertError::Encoding(_) => tracing::error!("unreadable report encoding"),
            }
            // the place and the kind of fault, not what the report says there
            Failure::new(
                answer.clone(),
                Retry::Permanent,
                error_type,
                asff_core::text::without_quoted(&e.to_string()),
            )
        })?;
        let conv = Conversion {
            tool: streamed.tool,
            output: streamed.accounting.into_output(findings),
        };
        answer.skipped = conv.output.skipped_by_reason();
        answer.warnings = conv.output.warnings.clone();
        if let Some(r) = ctx.scope_report(conv.tool.name(), &conv.output.scopes) {
            let first = r.warnings(SCOPE_HINT);
            tracing::warn!(scope = %r.origin, notes = first.len(), "scope of the findings");
            answer.warnings.splice(0..0, first);
            answer.scope = Some(r.origin);
        }
        answer.count_labels(
            &labels,
            self.config.fail_on,
            !conv.output.incomplete.is_empty() && !self.config.allow_incomplete,
        );
        tracing::info!(
            findings = answer.findings,
            skipped = conv.output.skipped.len(),
            records = conv.output.records,
            "report converted"
        );
        Ok(conv)
    }

    /// Step 5 without the lifecycle: converts the report again and imports its findings while
    /// they are converted (the conversion on a thread of its own, requests through a bounded
    /// channel), so that memory stays bounded by the report for any number of findings. The
    /// report was checked whole before ([`Handler::parse`]).
    pub async fn import_streaming(
        &self,
        tool: Tool,
        bytes: Bytes,
        ctx: Context,
        inv: &Invocation,
        answer: &mut Answer,
        all_failed: &mut Vec<FailedFinding>,
    ) -> Result<(), Failure> {
        answer.lifecycle = Some(Lifecycle::Off.as_str());
        let opts = ImportOptions {
            deadline: inv.deadline,
            ..self.import_options.clone()
        };
        let in_flight = opts.concurrency.max(1);
        let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<AwsSecurityFinding>>(in_flight);
        let limits = self.limits();
        let converter = std::thread::Builder::new()
            .name("convert".into())
            .spawn(move || convert_into(&bytes, tool, &ctx, &limits, &tx))
            .map_err(|e| {
                Failure::new(
                    answer.clone(),
                    Retry::Transient,
                    "Internal",
                    format!("cannot start the conversion: {e}"),
                )
            })?;
        let mut report = ImportReport::default();
        let mut pending: Vec<AwsSecurityFinding> = Vec::new();
        loop {
            let next = rx.recv().await;
            let done = next.is_none();
            pending.extend(next.unwrap_or_default());
            // a few requests at a time, in flight together
            if pending.len() >= in_flight * asff_core::batch::MAX_FINDINGS
                || (done && !pending.is_empty())
            {
                let batch = std::mem::take(&mut pending);
                let r = Box::pin(import(&self.sink, &batch, &self.limiter, &opts)).await;
                report.imported += r.imported;
                report.requests += r.requests;
                report.failed.extend(r.failed);
                report.errors.extend(r.errors);
            }
            if done {
                break;
            }
        }
        let converted = converter
            .join()
            .unwrap_or_else(|_| Err("the conversion panicked".to_string()));
        answer.imported = report.imported;
        answer.set_failed(&report.failed);
        all_failed.clone_from(&report.failed);
        let sent = report.imported + report.failed.len();
        if let Err(m) = converted {
            // cannot happen to a report that converted before; never silent
            return Err(Failure::new(
                answer.clone(),
                Retry::Permanent,
                "Internal",
                format!("the second conversion of the report failed after {sent} findings: {m}"),
            ));
        }
        if sent != answer.findings {
            return Err(Failure::new(
                answer.clone(),
                Retry::Permanent,
                "Internal",
                format!(
                    "the report converted to {} findings, then to {sent}",
                    answer.findings
                ),
            ));
        }
        tracing::info!(
            imported = report.imported,
            requests = report.requests,
            "imported while converting"
        );
        if report.is_complete() {
            return Ok(());
        }
        let f = lifecycle::incomplete(&report, answer.findings, "findings");
        Err(Failure::new(
            answer.clone(),
            f.retry,
            f.error_type,
            f.message,
        ))
    }

    /// Step 5 with the finding lifecycle (`mode` on or a dry run; without it the findings go
    /// through [`Handler::import_streaming`]): imports the findings of a converted report and
    /// records the outcome in the answer.
    async fn import_step(
        &self,
        conv: &Conversion,
        inv: &Invocation,
        mode: Lifecycle,
        answer: &mut Answer,
        all_failed: &mut Vec<FailedFinding>,
    ) -> Result<(), Failure> {
        let opts = ImportOptions {
            deadline: inv.deadline,
            ..self.import_options.clone()
        };
        let findings = &conv.output.findings;
        let mut notes = Vec::new();
        if conv.output.scopes.is_empty() {
            tracing::warn!(
                tool = conv.tool.name(),
                "the report covers no scope it can name; nothing archived"
            );
            notes.push(
                "nothing archived: the report names no scope it covers (see warnings)".to_string(),
            );
        }
        let incomplete = &conv.output.incomplete;
        let hold = (!incomplete.is_empty()).then(|| {
            format!(
                "the parser marked the report incomplete, it may not cover its whole scope ({} reason(s), see warnings)",
                incomplete.len()
            )
        });
        if hold.is_some() {
            tracing::warn!(
                reasons = incomplete.len(),
                "the report may be incomplete: the lifecycle archives nothing"
            );
        }
        let settings = lifecycle::Settings {
            import: opts,
            ..self.lifecycle.clone()
        };
        let request = lifecycle::Request {
            findings: findings.clone(),
            scopes: conv.output.scopes.iter().cloned().collect(),
            hold,
            dry_run: mode == Lifecycle::DryRun,
            now: inv.now,
        };
        let (out, failure) = Box::pin(lifecycle::run(
            &self.sink,
            &self.state,
            &self.limiter,
            &settings,
            request,
        ))
        .await;
        answer.imported = out.imported;
        answer.set_failed(&out.failed);
        all_failed.clone_from(&out.failed);
        answer.lifecycle_notes = notes;
        answer.lifecycle(mode.as_str(), &out);
        tracing::info!(
            lifecycle = mode.as_str(),
            archived = answer.archived,
            would_archive = answer.would_archive.unwrap_or(0),
            reactivated = answer.reactivated,
            state_conflicts = answer.state_conflicts,
            states_written = out.states_written,
            "lifecycle done"
        );
        match failure {
            None => Ok(()),
            Some(f) => Err(Failure::new(
                answer.clone(),
                f.retry,
                f.error_type,
                f.message,
            )),
        }
    }

    fn context(
        &self,
        account: &str,
        c: &ReportContext,
        pipeline: PipelineInfo,
        inv: &Invocation,
    ) -> Result<Context, String> {
        let ctx = Context::new(account, &self.config.region).map_err(|e| e.to_string())?;
        Ok(ctx
            .with_pipeline_info(pipeline)
            .with_image(c.image.clone())
            .with_policy(self.config.policy.clone())
            .with_now(inv.now))
    }

    /// The archived report's metadata (the repository normalised: no credentials).
    fn metadata(
        &self,
        c: &ReportContext,
        resolved: &PipelineInfo,
        tool: &str,
        origin: &str,
        source_uri: Option<&str>,
        inv: &Invocation,
    ) -> BTreeMap<String, String> {
        let mut m = BTreeMap::new();
        let mut put = |k: &str, v: Option<&str>| {
            if let Some(v) = v {
                m.insert(k.to_string(), v.to_string());
            }
        };
        put("tool", Some(tool));
        put("report-type", c.report_type.as_deref());
        put("repository", resolved.repository());
        put("branch", resolved.branch());
        put("commit", c.pipeline.commit.as_deref());
        put("build-id", resolved.build_id());
        put("initiator", c.pipeline.initiator.as_deref());
        put("source-root", c.pipeline.source_root.as_deref());
        put("image", c.image.as_deref());
        put("created-at", c.created_at.as_deref());
        put("region", Some(&self.config.region));
        put("request-id", Some(&inv.request_id));
        let source = match source_uri {
            Some(u) => format!("{origin} {u}"),
            None => origin.to_string(),
        };
        put("source", Some(&source));
        m
    }
}

/// Converts a report into requests sent through `tx` (the conversion thread of
/// [`Handler::import_streaming`]); the error without what the report says.
fn convert_into(
    bytes: &[u8],
    tool: Tool,
    ctx: &Context,
    limits: &Limits,
    tx: &tokio::sync::mpsc::Sender<Vec<AwsSecurityFinding>>,
) -> Result<(), String> {
    const STOPPED: &str = "the import stopped taking findings";
    let mut batcher = Batcher::default();
    let result = {
        let mut sink = |f: AwsSecurityFinding| -> Result<(), SinkError> {
            if let Some(b) = batcher.push(f)? {
                tx.blocking_send(b).map_err(|_| STOPPED)?;
            }
            Ok(())
        };
        asff_parsers::stream(
            bytes,
            Some(tool),
            ctx,
            &asff_parsers::Options::default(),
            limits,
            &mut sink,
        )
    };
    result.map_err(|e| asff_core::text::without_quoted(&e.to_string()))?;
    if let Some(b) = batcher.finish() {
        tx.blocking_send(b).map_err(|_| STOPPED.to_string())?;
    }
    Ok(())
}

fn aws_failure(answer: Answer, e: AwsError) -> Failure {
    let kind = e.retry;
    let error_type = if e.is_deadline() {
        "DeadlineExceeded"
    } else if e.code == REPORT_TOO_LARGE {
        REPORT_TOO_LARGE
    } else {
        "AwsCall"
    };
    Failure::new(answer, kind, error_type, e.to_string())
}

/// The tool: by `reportType` (or the key's or metadata's tool), else detected.
fn resolve_tool(c: &ReportContext, bytes: &[u8]) -> Result<Tool, (&'static str, String)> {
    match c.report_type.as_deref() {
        Some(t) => Tool::from_name(t).ok_or_else(|| {
            (
                "UnknownReportType",
                format!(
                    "reportType {t:?} is not one of {}, {} (or leave it out to detect the format)",
                    asff_parsers::alias_names().join(", "),
                    asff_parsers::tool_names().join(", ")
                ),
            )
        }),
        // what the document starts with is left out of the message
        None => asff_parsers::detect(bytes).map_err(|e| {
            (
                "UnknownFormat",
                asff_core::text::without_quoted(&format!("{e}; or set reportType")),
            )
        }),
    }
}

/// Whether the report is an XML document (first non-blank byte after a BOM is `<`).
fn is_xml(b: &[u8]) -> bool {
    let b = b.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(b);
    b.iter().find(|c| !c.is_ascii_whitespace()) == Some(&b'<')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_is_told_from_json() {
        assert!(is_xml(b"\xEF\xBB\xBF  <?xml version='1.0'?><a/>"));
        assert!(!is_xml(b" {\"a\":1}"));
        assert!(!is_xml(b""));
    }

    #[test]
    fn report_types_in_any_case() {
        for t in Tool::ALL {
            for name in std::iter::once(t.name()).chain(t.aliases().iter().copied()) {
                for n in [name.to_string(), name.to_lowercase(), name.to_uppercase()] {
                    let c = ReportContext {
                        report_type: Some(n.clone()),
                        ..Default::default()
                    };
                    assert_eq!(resolve_tool(&c, b"{}").ok(), Some(*t), "{n}");
                }
            }
        }
    }

    #[test]
    fn detection_errors_do_not_quote_the_report() {
        let (t, m) = resolve_tool(
            &ReportContext::default(),
            b"DB_PASSWORD=hunter2\nAPI_KEY=abc",
        )
        .unwrap_err();
        assert_eq!(t, "UnknownFormat");
        assert!(!m.contains("hunter2") && !m.contains("DB_PASSWORD"), "{m}");
    }

    #[test]
    fn unknown_report_types_list_the_known_ones() {
        let c = ReportContext {
            report_type: Some("NESSUS".into()),
            ..Default::default()
        };
        let (t, m) = resolve_tool(&c, b"{}").unwrap_err();
        assert_eq!(t, "UnknownReportType");
        assert!(
            m.contains("OWASP-Dependency-Check") && m.contains("grype"),
            "{m}"
        );
        let (t, _) = resolve_tool(&ReportContext::default(), b"{\"hello\":1}").unwrap_err();
        assert_eq!(t, "UnknownFormat");
    }
}

//! `asff-convert`: a scanner report in, ASFF findings out, with a severity gate.
//!
//! ```text
//! asff-convert [--format auto|dependency-check|…] --account-id ID --region REGION
//!              [--partition P] [--repo NAME] [--branch NAME] [--commit SHA] [--build-id ID]
//!              [--image REF] [--now RFC3339] [--severity-policy FILE] [--min-severity LABEL]
//!              [--fail-on LABEL] [--allow-incomplete] [--emit findings|batches|summary]
//!              [-o FILE] [INPUT | -]
//! ```
//!
//! Exit codes: 0 success; 1 the `--fail-on` gate tripped; 2 usage error, unreadable or
//! malformed report, or output that could not be written completely; 3 the report says the
//! scan did not complete (data still written; 1 wins over 3; `--allow-incomplete` makes it 0).
//! stdout (or `-o`) carries only data; logs, warnings and the summary go to stderr (the summary
//! is the data with `--emit summary`).

mod cli;
mod run;
mod stdout;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // Parsers' warnings reach stderr through the summary; logs are for debugging
    // (ASFF_LOG=warn, info or debug).
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("ASFF_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("error")),
        )
        .init();
    let args = cli::Args::parse().with_env_defaults(&cli::ProcessEnv);
    let mut stderr = std::io::stderr().lock();
    let outcome = run::run(&args, &mut std::io::stdin().lock()).and_then(|mut o| {
        let data = std::mem::replace(&mut o.data, run::Data::Bytes(Vec::new()));
        run::write_data(args.output.as_deref(), data)?;
        Ok(o)
    });
    match outcome {
        Ok(o) => {
            let _ = stderr.write_all(o.notes.as_bytes());
            if let Some(line) = o.incomplete_line(args.allow_incomplete) {
                let _ = writeln!(stderr, "{line}");
            }
            ExitCode::from(o.exit_code(args.allow_incomplete))
        }
        Err(e) => {
            let _ = writeln!(stderr, "error: {}", one_line(&e));
            ExitCode::from(run::EXIT_ERROR)
        }
    }
}

/// The error and its causes on one line.
fn one_line(e: &anyhow::Error) -> String {
    e.chain()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(": ")
}

//! Presenting outcomes and errors: the plan, the closing summary, and every
//! `error:` line with its causes.

use std::io::Write;

use console::style;

use super::args::HookConsent;
use crate::{Action, Consent, Error, Outcome, Result};

/// A path as the `--dry-run` plan prints it: as it is, or quoted with
/// escapes when it holds a control character (a newline in a file name must
/// not forge a line of the plan).
pub(super) fn plan_path(path: &str) -> String {
    if path.chars().any(char::is_control) { format!("{path:?}") } else { path.to_owned() }
}

/// Warns of hooks and tasks skipped because nobody could be asked (not
/// because `--accept-hooks no` or the user at the prompt said so).
pub(super) fn warn_skipped(hooks: &[String], tasks: &[String], consent: Consent, given: Option<HookConsent>) {
    if consent != Consent::No || given == Some(HookConsent::No) {
        return;
    }
    for (skipped, what, flag) in [(hooks, "hooks", "--accept-hooks"), (tasks, "tasks", "--accept-tasks")] {
        if !skipped.is_empty() {
            eprintln!(
                "{} skipped the template's {what} ({}): no terminal to ask; pass {flag} yes to run them",
                style("warning:").yellow().bold().for_stderr(),
                skipped.join(", ")
            );
        }
    }
}

/// Warns that a stamp template's `hooks/` scripts are not run, as the
/// template's author may have expected.
pub(super) fn warn_ignored_hooks(ignored: &[String]) {
    if !ignored.is_empty() {
        eprintln!(
            "{} the template's hooks/ ({}) are not run: a stamp template lists its commands as [[tasks]] in \
             stamp.toml",
            style("warning:").yellow().bold().for_stderr(),
            ignored.join(", ")
        );
    }
}

/// The closing lines on stderr: where the project is, what was done, what next.
pub(super) fn print_summary(outcome: &Outcome, dry_run: bool, verbose: bool) {
    if verbose && !dry_run {
        for (action, path) in &outcome.actions {
            eprintln!("  {:<9} {path}", action.label());
        }
    }
    let with = |wanted: Action| outcome.actions.iter().filter(|(a, _)| *a == wanted).count();
    let (created, overwritten, identical, skipped) =
        (with(Action::Create), with(Action::Overwrite), with(Action::Identical), with(Action::Skip));
    let mut parts = vec![format!("{created} created")];
    for (n, label) in [(overwritten, "overwritten"), (identical, "identical"), (skipped, "skipped")] {
        if n > 0 {
            parts.push(format!("{n} {label}"));
        }
    }
    let where_ = outcome.destination.display();
    let template = &outcome.template;
    if dry_run {
        eprintln!(
            "Dry run: {where_} would get {} ({}); nothing was written.",
            count(outcome.actions.len(), "file"),
            parts.join(", ")
        );
        return;
    }
    eprintln!(
        "{} {where_} from {template}: {} ({}).",
        style("Generated").green().bold().for_stderr(),
        count(outcome.actions.len(), "file"),
        parts.join(", ")
    );
    if let Some(steps) = outcome.next_steps.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        eprintln!("\nNext steps:");
        for line in steps.lines() {
            eprintln!("  {line}");
        }
    }
}

/// `error: ...` (one line per manifest problem), then the causes or, for
/// template errors in verbose mode, the source excerpt, then what to do.
/// `context` (such as a check case) prefixes the message.
pub(super) fn print_error(err: &Error, verbose: bool, context: Option<&str>) {
    let label = style("error:").red().bold().for_stderr();
    let prefix = context.map(|c| format!("{c}: ")).unwrap_or_default();
    let mut text = match err {
        Error::Manifest { problems } => {
            problems.iter().map(|p| format!("{label} {prefix}{p}")).collect::<Vec<_>>().join("\n")
        }
        _ => format!("{label} {prefix}{err}"),
    };
    if let Error::Render { source, .. } = err {
        if verbose && let Some(excerpt) = excerpt(source) {
            text.push_str(&format!("\n{excerpt}"));
        }
    } else {
        let mut cause = std::error::Error::source(err);
        while let Some(c) = cause {
            text.push_str(&format!("\ncaused by: {c}"));
            cause = c.source();
        }
    }
    if let Error::DestinationExists { .. } = err {
        text.push_str("; pass --force to replace the template's files in it");
    }
    eprintln!("{text}");
}

/// The lines of the template up to the one that failed, numbered, with a
/// caret under the failing part. Unlike minijinja's debug info it never
/// shows the values of variables, which may be secrets.
pub(super) fn excerpt(err: &minijinja::Error) -> Option<String> {
    let source = err.template_source()?;
    let line = err.line()?;
    let lines: Vec<&str> = source.lines().collect();
    let first = line.saturating_sub(3).max(1);
    let mut out = String::new();
    for number in first..=line.min(lines.len()) {
        out.push_str(&format!("{number:>4} | {}\n", lines[number - 1]));
    }
    if let Some(range) = err.range() {
        let line_start = source[..range.start.min(source.len())].rfind('\n').map_or(0, |i| i + 1);
        let column = source[line_start..range.start.min(source.len())].chars().count();
        let width = source.get(range.clone()).map_or(1, |s| s.chars().count().max(1));
        out.push_str(&format!("     | {}{}", " ".repeat(column), "^".repeat(width)));
    }
    Some(out.trim_end().to_owned())
}

pub(super) fn pretty(json: &serde_json::Value) -> String {
    format!("{}\n", serde_json::to_string_pretty(json).expect("JSON values serialise"))
}

/// Writes to stdout; a closed pipe (`stamp vars | head`) is not an error.
pub(super) fn print_stdout(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::io("write to", "stdout", e)),
        _ => Ok(()),
    }
}

/// `n` of `noun`, as people write it: "1 file", "2 files".
pub(super) fn count(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

//! `stamp update` and `stamp diff`: a generated project followed through
//! its template's versions.

use std::io::IsTerminal;

use console::style;

use super::args::{ConflictArg, DiffArgs, HookConsent, UpdateArgs};
use super::inputs::{determinism_from_env, limits_from_env};
use super::present::{print_stdout, warn_skipped};
use super::progress::Progress;
use super::{fetch_settings, install_signal_handler};
use crate::{
    Change, ConflictStyle, Given, NoPrompter, Prompter, Result, TerminalPrompter, UpdateRequest, UserConfig,
};

/// Runs `stamp update`: 0 when the project is up to date, 1 when conflicts are left.
pub(super) fn update(args: UpdateArgs) -> Result<u8> {
    let config = UserConfig::discover(None, false)?;
    let mut given = Given::default();
    if let Some(path) = &args.answers {
        given.load_file(path)?;
    }
    given.load_environment(std::env::vars());
    // `stamp update [PROJECT_DIR] [KEY=VALUE...]`: the project is the first argument without `=`.
    let (project, pairs) = match args.args.split_first() {
        Some((first, rest)) if !first.contains('=') => (first.as_str(), rest),
        _ => (".", args.args.as_slice()),
    };
    for pair in pairs {
        given.set_pair(pair)?;
    }
    let mut request = UpdateRequest::new(project.into());
    request.checkout = args.checkout;
    request.given = given;
    request.dry_run = args.dry_run;
    request.conflicts = match args.conflict {
        ConflictArg::Markers => ConflictStyle::Markers,
        ConflictArg::Rej => ConflictStyle::Reject,
    };
    request.allow_dirty = args.allow_dirty;
    request.determinism = determinism_from_env(None)?;
    request.limits = limits_from_env()?;
    request.fetch = fetch_settings(&config, args.refresh)?;
    // Answers are never read from stdin here (`-a -` is `new`'s).
    let interactive = super::terminal::asks_at_terminal(args.no_input, false, false);
    request.hooks = HookConsent::resolve(args.accept_hooks, interactive);
    request.extensions = HookConsent::resolve(args.accept_extensions, interactive);
    let mut prompter: Box<dyn Prompter> =
        if interactive { Box::new(TerminalPrompter::default()) } else { Box::new(NoPrompter) };
    install_signal_handler();
    let progress = Progress::new(std::io::stderr().is_terminal());
    let result = crate::update(&request, prompter.as_mut(), &|event| progress.event(event));
    progress.clear();
    let outcome = result?;
    warn_skipped(&outcome.skipped_hooks, &outcome.skipped_tasks, request.hooks, args.accept_hooks);
    let mut out = String::new();
    for (change, path, why) in &outcome.changes {
        out.push_str(&format!("{:<9} {path}", change.label()));
        if let Some(why) = why {
            out.push_str(&format!("  ({why})"));
        }
        out.push('\n');
    }
    if request.dry_run {
        out.push_str(&super::tasks::plan(&outcome.tasks));
    }
    print_stdout(&out)?;
    if !request.dry_run {
        super::tasks::run(&outcome.tasks, &request.project, false)?;
    }
    let count = |wanted: Change| outcome.changes.iter().filter(|(c, ..)| *c == wanted).count();
    let verb = if request.dry_run { "Would update" } else { "Updated" };
    let summary =
        [Change::Updated, Change::Merged, Change::Added, Change::Deleted, Change::Kept, Change::Conflict]
            .into_iter()
            .filter(|c| count(*c) > 0)
            .map(|c| format!("{} {}", count(c), c.label()))
            .collect::<Vec<_>>();
    let summary = if summary.is_empty() { "already up to date".to_owned() } else { summary.join(", ") };
    // `.` says little: the directory's own name says which project.
    let shown = std::fs::canonicalize(&request.project)
        .ok()
        .filter(|_| request.project == std::path::Path::new("."))
        .and_then(|path| path.file_name().map(|name| name.to_string_lossy().into_owned()))
        .unwrap_or_else(|| request.project.display().to_string());
    eprintln!("{verb} {shown} from {} to {}: {summary}.", outcome.from, outcome.to);
    if !outcome.new_questions.is_empty() {
        eprintln!(
            "New questions, answered with their defaults or your replies: {}",
            outcome.new_questions.join(", ")
        );
    }
    if outcome.has_conflicts() {
        eprintln!(
            "{} resolve the conflicts above (markers <<<<<<< ours / ||||||| original / ======= / >>>>>>> theirs, or \
             FILE.rej / FILE.theirs beside your file), then commit; the record already names the new version",
            style("conflicts:").red().bold().for_stderr()
        );
        return Ok(1);
    }
    Ok(0)
}

/// Runs `stamp diff`: the user's own changes, or the update the project is
/// behind by, as unified diffs; with `--exit-code`, 1 when there are any.
pub(super) fn diff(args: DiffArgs) -> Result<u8> {
    let config = UserConfig::discover(None, false)?;
    let mut request = UpdateRequest::new(args.project);
    request.checkout.clone_from(&args.checkout);
    request.dry_run = true;
    request.determinism = determinism_from_env(None)?;
    request.limits = limits_from_env()?;
    request.fetch = fetch_settings(&config, false)?;
    let mut given = Given::default();
    given.load_environment(std::env::vars());
    request.given = given;
    if !args.latest && args.checkout.is_none() {
        let diffs = crate::local_changes(&request)?;
        print_stdout(&diffs.concat())?;
        return Ok(u8::from(args.exit_code && !diffs.is_empty()));
    }
    let outcome = crate::update(&request, &mut NoPrompter, &|_| {})?;
    print_stdout(&outcome.diffs.concat())?;
    for (change, path, why) in
        outcome.changes.iter().filter(|(c, ..)| matches!(c, Change::Kept | Change::Conflict))
    {
        eprintln!("{:<9} {path}  ({})", change.label(), why.as_deref().unwrap_or("changed on both sides"));
    }
    Ok(u8::from(args.exit_code && !outcome.changes.is_empty()))
}

//! The command line: clap's view of the arguments ([`args`]), what they and
//! the environment give a run ([`inputs`]), dispatch, and the one place
//! errors and outcomes are printed ([`present`]) and turned into exit codes.
//! Only this module looks at terminals and the environment.

mod args;
mod inputs;
mod present;
mod progress;
mod tasks;
mod terminal;
mod update;

use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::{CommandFactory, Parser};
use console::style;

use crate::{
    CaseOutcome, Consent, Event, Fetch, Given, NoPrompter, OnExisting, Phase, Prompter, Request, Result,
    SourceTree, TerminalPrompter, UserConfig, generate,
};
use args::{CheckArgs, Cli, Command, HookConsent, NewArgs};
use inputs::{determinism_from_env, given_and_template, limits_from_env, template_source};
use present::{count, plan_path, pretty, print_error, print_stdout, print_summary, warn_skipped};
use progress::Progress;

/// Runs stamp with these arguments (the first is the program name) and
/// returns the exit code; errors are printed to stderr.
pub fn run<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return ExitCode::from(if err.use_stderr() { 2 } else { 0 });
        }
    };
    let verbose = matches!(&cli.command, Some(Command::New(a)) if a.verbose) || cli.new.verbose;
    match dispatch(cli) {
        Ok(code) => ExitCode::from(code),
        Err(_) if crate::interrupt::abandoning() => loop {
            // The signal handler is ending the process with the interrupt's own exit code.
            std::thread::park();
        },
        Err(err) => {
            print_error(&err, verbose, None);
            ExitCode::from(err.exit_code())
        }
    }
}

/// Runs the command and returns its exit code; errors are returned instead.
fn dispatch(cli: Cli) -> Result<u8> {
    match cli.command {
        None => new(&cli.new).map(|()| 0),
        Some(Command::New(args)) => new(&args).map(|()| 0),
        Some(Command::Update(args)) => update::update(args),
        Some(Command::Diff(args)) => update::diff(args),
        Some(Command::Check(args)) => check(args),
        Some(Command::Vars(args)) => {
            let config = UserConfig::discover(None, false)?;
            let manifest = SourceTree::load_manifest(&template_source(args.template, &config)?)?;
            let text = if args.schema {
                pretty(&crate::vars_schema(&manifest))
            } else if args.json {
                pretty(&crate::vars_json(&manifest))
            } else {
                crate::vars_text(&manifest)
            };
            print_stdout(&text).map(|()| 0)
        }
        Some(Command::Completions { shell }) => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "stamp", &mut out);
            print_stdout(&String::from_utf8_lossy(&out)).map(|()| 0)
        }
    }
}

fn new(args: &NewArgs) -> Result<()> {
    let config = UserConfig::discover(args.config_file.as_deref(), args.default_config)?;
    let (given, template) = given_and_template(args, &config)?;
    let request = Request {
        template,
        output_dir: inputs::output_dir(args),
        given,
        on_existing: match (args.force, args.skip_existing) {
            (_, true) => OnExisting::Keep,
            (true, false) => OnExisting::Overwrite,
            (false, false) => OnExisting::Refuse,
        },
        dry_run: args.dry_run,
        diff: args.diff,
        hooks: Consent::Ask,
        extensions: Consent::Ask,
        determinism: determinism_from_env(None)?,
        limits: limits_from_env()?,
        fetch: fetch_settings(&config, args.refresh)?,
        record: args.record || config.record,
    };
    let stderr_is_terminal = std::io::stderr().is_terminal();
    let answers_on_stdin = args.answers.as_deref().is_some_and(|p| p.as_os_str() == "-");
    let interactive = terminal::asks_at_terminal(args.no_input, answers_on_stdin, args.quiet);
    let request = Request {
        hooks: HookConsent::resolve(args.accept_hooks, interactive),
        extensions: HookConsent::resolve(args.accept_extensions, interactive),
        ..request
    };
    let mut prompter: Box<dyn Prompter> =
        if interactive { Box::new(TerminalPrompter::default()) } else { Box::new(NoPrompter) };
    install_signal_handler();
    let progress = Progress::new(stderr_is_terminal && !args.quiet);
    let result = generate(&request, prompter.as_mut(), &|event| progress.event(event));
    RUN_COMPLETED.store(result.is_ok() && !request.dry_run, Ordering::SeqCst);
    progress.clear();
    let outcome = result?;
    if let (Some(replay), false) = (&outcome.replay, request.dry_run) {
        // As cookiecutter does, so that `--replay` (stamp's or cookiecutter's) can answer the same again.
        if let Err(err) =
            inputs::replay_path(&request.template, &config).and_then(|path| write_replay(&path, replay))
        {
            eprintln!(
                "{} the replay file was not written: {err}",
                style("warning:").yellow().bold().for_stderr()
            );
        }
    }
    if request.dry_run {
        let mut plan = String::new();
        for (action, path) in &outcome.actions {
            plan.push_str(&format!("{:<9} {}\n", action.label(), plan_path(path)));
        }
        plan.push_str(&tasks::plan(&outcome.tasks));
        plan.push_str(&outcome.diffs.concat());
        print_stdout(&plan)?;
    }
    for name in &outcome.exposed_secrets {
        eprintln!(
            "{} the secret `{name}` was given on the command line, where other users of this machine can \
             read it; pass it as STAMP_ANSWER_{name} or in an answers file on stdin (-a - --answers-format toml)",
            style("warning:").yellow().bold().for_stderr()
        );
    }
    warn_skipped(&outcome.skipped_hooks, &outcome.skipped_tasks, request.hooks, args.accept_hooks);
    present::warn_ignored_hooks(&outcome.ignored_hooks);
    if !request.dry_run {
        tasks::run(&outcome.tasks, &outcome.destination, args.quiet)?;
    }
    if !args.quiet {
        print_summary(&outcome, request.dry_run, args.verbose);
    }
    Ok(())
}

/// How remote sources are fetched: the configured cache, `--refresh`, and
/// archives bounded by the project size limit.
fn fetch_settings(config: &UserConfig, refresh: bool) -> Result<Fetch> {
    let mut fetch = Fetch::default();
    fetch.cache_dir.clone_from(&config.cache_dir);
    fetch.refresh = refresh;
    fetch.max_archive_bytes = fetch.max_archive_bytes.min(limits_from_env()?.project_bytes);
    Ok(fetch)
}

/// Writes a replay file whole or not at all.
fn write_replay(path: &std::path::Path, text: &str) -> Result<()> {
    let dir = path.parent().expect("a replay file is in a directory");
    std::fs::create_dir_all(dir).map_err(|e| crate::Error::io("create directory", dir, e))?;
    let mut file =
        tempfile::NamedTempFile::new_in(dir).map_err(|e| crate::Error::io("create a file in", dir, e))?;
    std::io::Write::write_all(&mut file, text.as_bytes()).map_err(|e| crate::Error::io("write", path, e))?;
    file.persist(path).map_err(|e| crate::Error::io("write", path, e.error))?;
    Ok(())
}

/// Set once the project is in place: an interrupt after that must not
/// claim that nothing was written.
static RUN_COMPLETED: AtomicBool = AtomicBool::new(false);

/// On SIGINT, SIGTERM or SIGHUP: abandon the run (its staging directory
/// removed once writes in flight end), restore the cursor and exit with
/// 128 + the signal's number, saying what is true of the destination; or,
/// if the project was already complete, say so and exit 0.
fn install_signal_handler() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    // Failing to install only loses the cleanup; the run itself is unaffected.
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else { return };
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            let abandoned = crate::abandon_runs();
            let _ = console::Term::stderr().show_cursor();
            if tasks::TASKS_RUNNING.load(Ordering::SeqCst) {
                eprintln!(
                    "\nerror: interrupted while the template's tasks ran: the project is written, its tasks did not all run"
                );
                std::process::exit(128 + signal);
            }
            if abandoned.completed > 0 || RUN_COMPLETED.load(Ordering::SeqCst) {
                eprintln!("\nwarning: interrupted after the project was written; it is complete");
                std::process::exit(0);
            }
            eprintln!("\nerror: interrupted; nothing was written");
            std::process::exit(128 + signal);
        }
    });
}

/// Runs `stamp check`; returns 0 when every case matches (or was updated),
/// 1 when a case differs, or the exit code of the first case that failed.
fn check(args: CheckArgs) -> Result<u8> {
    let source = template_source(args.template.clone(), &UserConfig::discover(None, false)?)?;
    let tree = Arc::new(SourceTree::load(&source)?);
    present::warn_ignored_hooks(tree.dialect().ignored_hooks());
    if args.all_combinations {
        return check_combinations(&tree, &args);
    }
    let snapshots = args.snapshots.unwrap_or_else(|| match &args.template {
        Some(dir) => dir.join("snapshots"),
        None => PathBuf::from("snapshots"),
    });
    // Snapshots must hold on any machine and any day: time and randomness are frozen.
    let reports = crate::check(
        &tree,
        &snapshots,
        &args.cases,
        args.update,
        determinism_from_env(Some(0))?,
        limits_from_env()?,
    )?;
    let (mut passed, mut failed, mut updated) = (0, 0, 0);
    let mut code = 0;
    for report in reports {
        let name = &report.name;
        let mut out = String::new();
        match report.outcome {
            CaseOutcome::Matches => {
                passed += 1;
                out.push_str(&format!("ok       {name}\n"));
            }
            CaseOutcome::Differs(differences) => {
                failed += 1;
                code = code.max(1);
                out.push_str(&format!("FAILED   {name}: {} differences\n", differences.len()));
                for difference in &differences {
                    out.push_str(&difference.describe());
                }
            }
            CaseOutcome::Updated(differences) => {
                updated += 1;
                out.push_str(&format!("updated  {name}: {} changes\n", differences.len()));
                for difference in &differences {
                    out.push_str(&format!("  {:<8} {}\n", difference.kind(), difference.path()));
                }
            }
            CaseOutcome::Failed(err) => {
                failed += 1;
                if code <= 1 {
                    code = err.exit_code();
                }
                out.push_str(&format!("FAILED   {name}: cannot render\n"));
                print_stdout(&out)?;
                print_error(&err, false, Some(&format!("case `{name}`")));
                continue;
            }
        }
        print_stdout(&out)?;
    }
    let mut summary =
        format!("{}: {passed} passed, {failed} failed", count(passed + failed + updated, "case"));
    if updated > 0 {
        summary.push_str(&format!(", {updated} updated"));
    }
    print_stdout(&format!("{summary}\n"))?;
    Ok(code)
}

/// `stamp check --all-combinations [--exec CMD]`.
fn check_combinations(tree: &Arc<SourceTree>, args: &CheckArgs) -> Result<u8> {
    let mut base = Given::default();
    if let Some(path) = &args.answers {
        base.load_file(path)?;
    }
    let progress = Progress::new(std::io::stderr().is_terminal());
    let determinism = determinism_from_env(Some(0))?;
    let reports = crate::check_combinations(
        tree,
        &base,
        args.exec.as_deref(),
        determinism,
        limits_from_env()?,
        &|done, total| {
            progress.event(Event::Started { phase: Phase::Rendering, total });
            progress.set_position(done);
        },
    )?;
    progress.clear();
    let failures = reports.iter().filter(|r| r.failure.is_some()).count();
    let mut out = String::new();
    for report in &reports {
        match &report.failure {
            None => out.push_str(&format!("ok       {}\n", report.label())),
            Some(failure) => {
                out.push_str(&format!("FAILED   {}\n", report.label()));
                for line in failure.lines() {
                    out.push_str(&format!("    {line}\n"));
                }
            }
        }
    }
    out.push_str(&format!(
        "{} combinations: {} passed, {failures} failed\n",
        reports.len(),
        reports.len() - failures
    ));
    print_stdout(&out)?;
    Ok(u8::from(failures > 0))
}

//! The command line: clap's view of the arguments, their conversion into a
//! [`Request`], dispatch, and the one place errors are printed and turned
//! into exit codes. Only this module looks at terminals and the environment.

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::{Args, CommandFactory, Parser, Subcommand};
use console::style;

mod progress;

use crate::{
    Action, AnswersFormat, CaseOutcome, Consent, Determinism, Error, Event, Given, Limits, NoPrompter,
    OnExisting, Outcome, Phase, Prompter, Request, Result, SourceTree, TemplateSource, TerminalPrompter,
    UserConfig, generate,
};
use progress::Progress;

/// stamp: generate a project from a template.
#[derive(Debug, Parser)]
#[command(name = "stamp", version, about, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    new: NewArgs,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Generate a project (the default command).
    New(NewArgs),
    /// Render named answer sets and compare them with stored snapshots.
    Check(CheckArgs),
    /// List a template's questions.
    Vars(VarsArgs),
    /// Print a shell completion script.
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Args)]
#[allow(clippy::struct_excessive_bools)] // one per flag
struct NewArgs {
    /// The template: a directory, a git URL or an abbreviation such as gh:owner/repo (also
    /// accepted as the first argument); default: the built-in template.
    #[arg(short, long, value_name = "TEMPLATE")]
    template: Option<PathBuf>,
    /// The branch, tag or commit of a git template (a local repository too).
    #[arg(long, value_name = "REF")]
    checkout: Option<String>,
    /// The template's directory inside the repository or directory.
    #[arg(long, value_name = "DIR")]
    directory: Option<PathBuf>,
    /// Where the project directory is created.
    #[arg(short, long, value_name = "DIR", default_value = ".")]
    output_dir: PathBuf,
    /// An answers file (.toml, .json, .yaml or .yml) holding `name = value` pairs; `-` reads
    /// them from stdin (with --answers-format), which keeps secrets off the command line.
    #[arg(short, long, value_name = "FILE")]
    answers: Option<PathBuf>,
    /// The format of answers read from stdin (`-a -`).
    #[arg(long, value_name = "FORMAT", value_enum)]
    answers_format: Option<FormatArg>,
    /// Answer one question; repeatable.
    #[arg(short = 'd', long = "define", value_name = "KEY=VALUE")]
    define: Vec<String>,
    /// Answers as KEY=VALUE; the first argument may instead name the template.
    #[arg(value_name = "KEY=VALUE")]
    pairs: Vec<String>,
    /// Never prompt: use answers, overrides and defaults.
    #[arg(long)]
    no_input: bool,
    /// Write into an existing project directory, replacing the template's files; deletes nothing.
    #[arg(short = 'f', long, visible_alias = "overwrite-if-exists")]
    force: bool,
    /// With --force: keep files that already exist.
    #[arg(short = 's', long, visible_alias = "skip-if-file-exists", requires = "force")]
    skip_existing: bool,
    /// Print what would be written (create / overwrite / identical / skip) and write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Run a cookiecutter template's hooks: yes, no, or ask (the default at a
    /// terminal; without one, hooks are skipped with a warning).
    #[arg(long, value_name = "WHEN")]
    accept_hooks: Option<HookConsent>,
    /// Print only errors.
    #[arg(short, long, conflicts_with = "verbose")]
    quiet: bool,
    /// Print one line per file.
    #[arg(short, long)]
    verbose: bool,
}

/// `--answers-format` values.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum FormatArg {
    Toml,
    Json,
    Yaml,
}

/// `--accept-hooks` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum HookConsent {
    Yes,
    No,
    Ask,
}

#[derive(Debug, Args)]
struct CheckArgs {
    /// A template directory (with stamp.toml); default: the built-in template.
    #[arg(short, long, value_name = "DIR")]
    template: Option<PathBuf>,
    /// The snapshots directory; default: `snapshots/` inside the template
    /// directory, or `./snapshots` for the built-in template.
    #[arg(long, value_name = "DIR")]
    snapshots: Option<PathBuf>,
    /// Rewrite the stored trees to match what the template renders now.
    #[arg(long)]
    update: bool,
    /// Render every combination of choice and bool answers instead of the snapshot cases.
    #[arg(long, conflicts_with_all = ["update", "cases", "snapshots"])]
    all_combinations: bool,
    /// With --all-combinations: answers to start from (the rest take their defaults).
    #[arg(short, long, value_name = "FILE", requires = "all_combinations")]
    answers: Option<PathBuf>,
    /// With --all-combinations: run this shell command inside each rendered project.
    #[arg(long, value_name = "CMD", requires = "all_combinations")]
    exec: Option<String>,
    /// Only these cases (default: every `<case>.toml` in the snapshots directory).
    #[arg(value_name = "CASE")]
    cases: Vec<String>,
}

#[derive(Debug, Args)]
struct VarsArgs {
    /// A template directory (with stamp.toml); default: the built-in template.
    #[arg(short, long, value_name = "DIR")]
    template: Option<PathBuf>,
    /// Print the questions as JSON.
    #[arg(long, conflicts_with = "schema")]
    json: bool,
    /// Print a JSON Schema for answers files.
    #[arg(long)]
    schema: bool,
}

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
        Err(err) => {
            print_error(&err, verbose, None);
            ExitCode::from(err.exit_code())
        }
    }
}

/// Runs the command and returns its exit code; errors are returned instead.
fn dispatch(cli: Cli) -> Result<u8> {
    match cli.command {
        None => new(cli.new).map(|()| 0),
        Some(Command::New(args)) => new(args).map(|()| 0),
        Some(Command::Check(args)) => check(args),
        Some(Command::Vars(args)) => {
            let manifest = SourceTree::load_manifest(&template_source(args.template)?)?;
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

fn new(args: NewArgs) -> Result<()> {
    let (given, template) = given_and_template(&args)?;
    let request = Request {
        template,
        output_dir: args.output_dir,
        given,
        on_existing: match (args.force, args.skip_existing) {
            (false, _) => OnExisting::Refuse,
            (true, false) => OnExisting::Overwrite,
            (true, true) => OnExisting::Keep,
        },
        dry_run: args.dry_run,
        hooks: Consent::Ask,
        determinism: determinism_from_env(None)?,
        limits: limits_from_env()?,
    };
    let stderr_is_terminal = std::io::stderr().is_terminal();
    // Answers piped in use stdin up: nothing is left to answer prompts with.
    let answers_on_stdin = args.answers.as_deref().is_some_and(|p| p.as_os_str() == "-");
    let interactive =
        !args.no_input && !answers_on_stdin && std::io::stdin().is_terminal() && stderr_is_terminal;
    let request = Request {
        hooks: match args.accept_hooks {
            Some(HookConsent::Yes) => Consent::Yes,
            Some(HookConsent::Ask) | None if interactive => Consent::Ask,
            Some(HookConsent::No | HookConsent::Ask) | None => Consent::No,
        },
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
    if request.dry_run {
        let mut plan = String::new();
        for (action, path) in &outcome.actions {
            plan.push_str(&format!("{:<9} {}\n", action.label(), plan_path(path)));
        }
        print_stdout(&plan)?;
    }
    for name in &outcome.exposed_secrets {
        eprintln!(
            "{} the secret `{name}` was given on the command line, where other users of this machine can \
             read it; pass it as STAMP_ANSWER_{name} or in an answers file on stdin (-a - --answers-format toml)",
            style("warning:").yellow().bold().for_stderr()
        );
    }
    // Hooks skipped because nobody could be asked (not because `--accept-hooks no` said so).
    if !outcome.skipped_hooks.is_empty()
        && request.hooks == Consent::No
        && args.accept_hooks != Some(HookConsent::No)
    {
        eprintln!(
            "{} skipped the template's hooks ({}): no terminal to ask; pass --accept-hooks yes to run them",
            style("warning:").yellow().bold().for_stderr(),
            outcome.skipped_hooks.join(", ")
        );
    }
    if !args.quiet {
        print_summary(&outcome, request.dry_run, args.verbose);
    }
    Ok(())
}

/// Set once the project is in place: an interrupt after that must not
/// claim that nothing was written.
static RUN_COMPLETED: AtomicBool = AtomicBool::new(false);

/// The answers given (an answers file or stdin, `STAMP_ANSWER_*`, then
/// `KEY=VALUE`) and the template: named, as the first argument or with
/// `-t`, or else the one a project's record came from, or the built-in one.
fn given_and_template(args: &NewArgs) -> Result<(Given, TemplateSource)> {
    let mut given = Given::default();
    match (&args.answers, args.answers_format) {
        (Some(path), Some(format)) if path.as_os_str() == "-" => {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut text).map_err(|e| match e.kind() {
                std::io::ErrorKind::InvalidData => {
                    Error::AnswersSyntax { path: "<stdin>".into(), message: "it is not UTF-8 text".into() }
                }
                _ => Error::io("read answers from", "stdin", e),
            })?;
            let format = match format {
                FormatArg::Toml => AnswersFormat::Toml,
                FormatArg::Json => AnswersFormat::Json,
                FormatArg::Yaml => AnswersFormat::Yaml,
            };
            given.load_text(text, format, Path::new("<stdin>"))?;
        }
        (Some(path), None) if path.as_os_str() == "-" => {
            return Err(Error::InvalidInput(
                "-a - reads answers from stdin: say their format with --answers-format".into(),
            ));
        }
        (Some(path), _) => given.load_file(path)?,
        (None, _) => {}
    }
    given.load_environment(std::env::vars());
    // `stamp TEMPLATE KEY=VALUE...`, as cookiecutter is called.
    let (template, pairs) = match args.pairs.split_first() {
        Some((first, rest)) if args.template.is_none() && !first.contains('=') => {
            (Some(PathBuf::from(first)), rest)
        }
        _ => (args.template.clone(), args.pairs.as_slice()),
    };
    for pair in args.define.iter().chain(pairs) {
        given.set_pair(pair)?;
    }
    let template = match (template, given.recorded_source()) {
        // A project's record regenerates it from the template it came from.
        (None, Some((source, commit, directory))) if args.checkout.is_none() && args.directory.is_none() => {
            template_source(Some(PathBuf::from(source)))?
                .at(commit.map(str::to_owned), directory.map(PathBuf::from))?
        }
        (template, _) => template_source(template)?.at(args.checkout.clone(), args.directory.clone())?,
    };
    Ok((given, template))
}

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
            if abandoned.completed > 0 || RUN_COMPLETED.load(Ordering::SeqCst) {
                eprintln!("\nwarning: interrupted after the project was written; it is complete");
                std::process::exit(0);
            }
            eprintln!("\nerror: interrupted; nothing was written");
            std::process::exit(128 + signal);
        }
    });
}

/// A path as the `--dry-run` plan prints it: as it is, or quoted with
/// escapes when it holds a control character (a newline in a file name must
/// not forge a line of the plan).
fn plan_path(path: &str) -> String {
    if path.chars().any(char::is_control) { format!("{path:?}") } else { path.to_owned() }
}

/// Reproducibility settings from the environment: `SOURCE_DATE_EPOCH`
/// freezes the clock, `STAMP_SEED` (or else the epoch) seeds the random
/// helpers. `fallback_epoch` applies when `SOURCE_DATE_EPOCH` is unset.
fn determinism_from_env(fallback_epoch: Option<i64>) -> Result<Determinism> {
    let read = |name: &str| -> Result<Option<i64>> {
        match std::env::var(name) {
            Ok(text) if !text.trim().is_empty() => text.trim().parse().map(Some).map_err(|_| {
                Error::InvalidInput(format!("{name} must be a whole number of seconds, not {text:?}"))
            }),
            _ => Ok(None),
        }
    };
    let epoch = read("SOURCE_DATE_EPOCH")?.or(fallback_epoch);
    let seed = read("STAMP_SEED")?.or(epoch).map(i64::cast_unsigned);
    Ok(Determinism { epoch, seed })
}

/// The limits on what a template may cost, each overridable from the
/// environment for the rare template that needs more: `STAMP_MAX_FUEL`,
/// `STAMP_MAX_FILE_BYTES`, `STAMP_MAX_PROJECT_BYTES`.
fn limits_from_env() -> Result<Limits> {
    let read = |name: &str, default: u64| -> Result<u64> {
        match std::env::var(name) {
            Ok(text) if !text.trim().is_empty() => text
                .trim()
                .parse()
                .map_err(|_| Error::InvalidInput(format!("{name} must be a whole number, not {text:?}"))),
            _ => Ok(default),
        }
    };
    let mut limits = Limits::default();
    limits.fuel = read("STAMP_MAX_FUEL", limits.fuel)?;
    limits.file_bytes = read("STAMP_MAX_FILE_BYTES", limits.file_bytes)?;
    limits.project_bytes = read("STAMP_MAX_PROJECT_BYTES", limits.project_bytes)?;
    Ok(limits)
}

/// Runs `stamp check`; returns 0 when every case matches (or was updated),
/// 1 when a case differs, or the exit code of the first case that failed.
fn check(args: CheckArgs) -> Result<u8> {
    let source = template_source(args.template.clone())?;
    let tree = Arc::new(SourceTree::load(&source)?);
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
    let mut summary = format!("{} cases: {passed} passed, {failed} failed", passed + failed + updated);
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

/// The template named by `--template` (a path that is not UTF-8 can only be
/// a directory), or the built-in one.
fn template_source(named: Option<PathBuf>) -> Result<TemplateSource> {
    match named {
        None => Ok(TemplateSource::Builtin),
        Some(named) => match named.to_str() {
            Some(text) => {
                let config = match UserConfig::default_path() {
                    Some(path) => UserConfig::load(&path)?,
                    None => UserConfig::default(),
                };
                TemplateSource::parse(text, &config)
            }
            None => Ok(TemplateSource::Directory(named)),
        },
    }
}

/// The closing lines on stderr: where the project is, what was done, what next.
fn print_summary(outcome: &Outcome, dry_run: bool, verbose: bool) {
    if verbose && !dry_run {
        for (action, path) in &outcome.actions {
            eprintln!("  {:<9} {path}", action.label());
        }
    }
    let count = |wanted: Action| outcome.actions.iter().filter(|(a, _)| *a == wanted).count();
    let (created, overwritten, identical, skipped) =
        (count(Action::Create), count(Action::Overwrite), count(Action::Identical), count(Action::Skip));
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
            "Dry run: {where_} would get {} files ({}); nothing was written.",
            outcome.actions.len(),
            parts.join(", ")
        );
        return;
    }
    eprintln!(
        "{} {where_} from {template}: {} files ({}).",
        style("Generated").green().bold().for_stderr(),
        outcome.actions.len(),
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
fn print_error(err: &Error, verbose: bool, context: Option<&str>) {
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
fn excerpt(err: &minijinja::Error) -> Option<String> {
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

fn pretty(json: &serde_json::Value) -> String {
    format!("{}\n", serde_json::to_string_pretty(json).expect("JSON values serialise"))
}

/// Writes to stdout; a closed pipe (`stamp vars | head`) is not an error.
fn print_stdout(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::io("write to", "stdout", e)),
        _ => Ok(()),
    }
}

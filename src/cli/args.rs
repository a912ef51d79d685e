//! clap's view of the arguments: every command, flag and its help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::Consent;

/// Exit codes, as every command's help ends.
const EXIT_CODES: &str = "Exit codes: 0 success · 1 differences or conflicts (update, diff --exit-code, check) · \
2 bad input (flags, answers, a missing answer without a terminal) · 3 bad template · 4 destination exists · \
5 I/O failure · 130/143/129 interrupted";

const NEW_EXAMPLES: &str = "Examples:
  stamp                                     the built-in template, asking each question
  stamp gh:owner/repo                       a template on GitHub (stamp.toml or cookiecutter.json)
  stamp -t ./tpl project_name=Shop          answer one question; the rest are asked
  stamp -t ./tpl -a answers.yaml --no-input -o build
                                            from an answers file, never asking
  stamp -a my-service/.stamp-answers.toml --no-input --force
                                            regenerate a project where it is
  stamp -a - --answers-format toml < secrets.toml
                                            answers on stdin: secrets stay off the command line";

/// stamp: generate a project from a template.
#[derive(Debug, Parser)]
#[command(
    name = "stamp",
    version,
    about,
    args_conflicts_with_subcommands = true,
    after_help = format!("{NEW_EXAMPLES}\n\n{EXIT_CODES}")
)]
pub(super) struct Cli {
    #[command(subcommand)]
    pub(super) command: Option<Command>,
    #[command(flatten)]
    pub(super) new: NewArgs,
}

#[derive(Debug, Subcommand)]
pub(super) enum Command {
    /// Generate a project (the default command).
    #[command(after_help = format!("{NEW_EXAMPLES}\n\n{EXIT_CODES}"))]
    New(NewArgs),
    /// Carry a generated project to its template's latest version (or changed answers), merging
    /// the template's changes with yours; exit 1 when conflicts are left to resolve.
    #[command(after_help = format!(
        "Examples:\n  \
         stamp update                              the project here, to its template's latest version\n  \
         stamp update my-service --dry-run         what each file would become; writes nothing\n  \
         stamp update . include_sentry=yes         change an answer; the project follows\n  \
         stamp update --checkout v2.0 --conflict rej\n\n{EXIT_CODES}"
    ))]
    Update(UpdateArgs),
    /// Show your changes to a generated project (against the template version it records), or
    /// with --latest / --checkout what an update would change; writes nothing.
    #[command(after_help = format!(
        "Examples:\n  \
         stamp diff                                what you changed since the project was made\n  \
         stamp diff --latest --exit-code           in CI: exit 1 when the template moved on\n\n{EXIT_CODES}"
    ))]
    Diff(DiffArgs),
    /// Render named answer sets and compare them with stored snapshots.
    ///
    /// A snapshots directory holds cases, each two entries: `<case>.toml`, the answers to render
    /// with (an answers file, as for `stamp new -a`), and `<case>/`, the files of the project it
    /// must render to (what is inside the project directory, not the directory itself). Every case
    /// is rendered and compared (paths, bytes, executable bits) and all are reported. A new case
    /// has only its `.toml` until `stamp check --update <case>` stores what it renders; review
    /// that, and commit both.
    #[command(after_help = format!(
        "Layout:\n  \
         snapshots/vault.toml      answers: project_name = \"Shop\"\n  \
         snapshots/vault/…         the files it must render to\n\n\
         Examples:\n  \
         stamp check -t ./tpl                      every case in ./tpl/snapshots\n  \
         stamp check -t ./tpl vault                one case\n  \
         stamp check -t ./tpl --update             store what each case renders now, listing changes\n  \
         stamp check -t ./tpl --all-combinations --exec 'make test'\n\n\
         Exit codes: 0 every case matches (or was updated) · 1 a case differs (or a combination failed) · \
         2 a case's answers are invalid, or no such case · 3 the template fails to render · 5 I/O failure"
    ))]
    Check(CheckArgs),
    /// List a template's questions.
    #[command(after_help = format!(
        "Examples:\n  \
         stamp vars -t ./tpl                       each question: type, default, rule, condition\n  \
         stamp vars -t ./tpl --schema > answers.schema.json\n                                            \
         a JSON Schema to check answers files with (editors, CI)\n\n{EXIT_CODES}"
    ))]
    Vars(VarsArgs),
    /// Print a shell completion script.
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Args)]
#[allow(clippy::struct_excessive_bools)] // one per flag
pub(super) struct NewArgs {
    /// The template, a stamp template (stamp.toml) or a cookiecutter one (cookiecutter.json): a
    /// directory, a git URL, a .zip file or URL, or an abbreviation such as gh:owner/repo (also
    /// accepted as the first argument); default: the built-in template.
    #[arg(short, long, value_name = "TEMPLATE")]
    pub(super) template: Option<PathBuf>,
    /// The branch, tag or commit of a git template (a local repository too).
    #[arg(long, value_name = "REF")]
    pub(super) checkout: Option<String>,
    /// The template's directory inside the repository or directory.
    #[arg(long, value_name = "DIR")]
    pub(super) directory: Option<PathBuf>,
    /// Fetch a git or zip source again, failing if that fails, rather than using the cached copy.
    #[arg(long, visible_alias = "no-cache")]
    pub(super) refresh: bool,
    /// Read the user configuration from this file only: stamp's TOML (`.toml`) or cookiecutter's YAML.
    #[arg(long, value_name = "FILE", conflicts_with = "default_config")]
    pub(super) config_file: Option<PathBuf>,
    /// Read no user configuration file (neither stamp's nor cookiecutter's).
    #[arg(long)]
    pub(super) default_config: bool,
    /// Answer with this template's last replay file (cookiecutter's `~/.cookiecutter_replay/NAME.json`).
    #[arg(long, conflicts_with = "replay_file")]
    pub(super) replay: bool,
    /// Answer with this cookiecutter replay file.
    #[arg(long, value_name = "FILE")]
    pub(super) replay_file: Option<PathBuf>,
    /// Keep cruft's `.cruft.json` in a cookiecutter template's project (`record = true` in the
    /// configuration makes it the default).
    #[arg(long)]
    pub(super) record: bool,
    /// Where the project directory is created (default: `.`; with a project's record as the
    /// answers file, `.stamp-answers.toml` or `.cruft.json`, where that project is).
    #[arg(short, long, value_name = "DIR")]
    pub(super) output_dir: Option<PathBuf>,
    /// An answers file (.toml, .json, .yaml or .yml) holding `name = value` pairs, or a project's
    /// record (.stamp-answers.toml, cruft's .cruft.json) or a cookiecutter replay file; `-` reads
    /// answers from stdin (with --answers-format), which keeps secrets off the command line.
    #[arg(short, long, value_name = "FILE")]
    pub(super) answers: Option<PathBuf>,
    /// The format of answers read from stdin (`-a -`).
    #[arg(long, value_name = "FORMAT", value_enum)]
    pub(super) answers_format: Option<FormatArg>,
    /// Answer one question; repeatable.
    #[arg(short = 'd', long = "define", value_name = "KEY=VALUE")]
    pub(super) define: Vec<String>,
    /// Answers as KEY=VALUE; the first argument may instead name the template.
    #[arg(value_name = "KEY=VALUE")]
    pub(super) pairs: Vec<String>,
    /// Never prompt: use answers, overrides and defaults.
    #[arg(long)]
    pub(super) no_input: bool,
    /// Write into an existing project directory, replacing the template's files; deletes nothing.
    #[arg(short = 'f', long, visible_alias = "overwrite-if-exists")]
    pub(super) force: bool,
    /// Write into an existing project directory, keeping the files that already exist (implies --force).
    #[arg(short = 's', long, visible_alias = "skip-if-file-exists")]
    pub(super) skip_existing: bool,
    /// Print what would be written (create / overwrite / identical / skip) and write nothing.
    #[arg(long)]
    pub(super) dry_run: bool,
    /// With --dry-run: also print a unified diff of each file that would be overwritten.
    #[arg(long, requires = "dry_run")]
    pub(super) diff: bool,
    /// Run the template's own commands: a cookiecutter template's hooks, a stamp template's
    /// tasks (--accept-tasks is the same flag). yes, no, or ask (the default at a terminal;
    /// without one, they are skipped with a warning).
    #[arg(long, value_name = "WHEN", visible_alias = "accept-tasks")]
    pub(super) accept_hooks: Option<HookConsent>,
    /// Run a cookiecutter template's own Jinja2 extensions (Python modules in the template):
    /// yes, no, or ask (the default at a terminal; without one, such a template is refused).
    /// --accept-hooks yes allows them too.
    #[arg(long, value_name = "WHEN")]
    pub(super) accept_extensions: Option<HookConsent>,
    /// Print only errors.
    #[arg(short, long, conflicts_with = "verbose")]
    pub(super) quiet: bool,
    /// Print one line per file.
    #[arg(short, long)]
    pub(super) verbose: bool,
}

#[derive(Debug, Args)]
#[allow(clippy::struct_excessive_bools)] // one per flag
pub(super) struct UpdateArgs {
    /// The project (the directory holding .stamp-answers.toml or cruft's .cruft.json; default:
    /// the current directory), then answers to change or add as KEY=VALUE.
    #[arg(value_name = "PROJECT_DIR KEY=VALUE")]
    pub(super) args: Vec<String>,
    /// The template version to update to (branch, tag or commit); default: its default branch.
    #[arg(long, value_name = "REF")]
    pub(super) checkout: Option<String>,
    /// An answers file with answers to change or add.
    #[arg(short, long, value_name = "FILE")]
    pub(super) answers: Option<PathBuf>,
    /// Never prompt: questions new in this version take their defaults.
    #[arg(long)]
    pub(super) no_input: bool,
    /// Print what each file would become (updated, merged, conflict, kept, deleted, added, moved);
    /// write nothing.
    #[arg(long)]
    pub(super) dry_run: bool,
    /// How conflicts are left: markers in the file (diff3 style, the default) or rej (your file
    /// untouched, the template's change in FILE.rej).
    #[arg(long, value_name = "STYLE", value_enum, default_value = "markers")]
    pub(super) conflict: ConflictArg,
    /// Update even though the project's git work tree has uncommitted changes.
    #[arg(long)]
    pub(super) allow_dirty: bool,
    /// Fetch the template again, failing if that fails, rather than using the cached copy.
    #[arg(long, visible_alias = "no-cache")]
    pub(super) refresh: bool,
    /// Run the new version's post-generation hooks or tasks in the project once the update is
    /// committed (they are told the operation is an update): yes, no, or ask (the default at a
    /// terminal). --accept-tasks is the same flag.
    #[arg(long, value_name = "WHEN", visible_alias = "accept-tasks")]
    pub(super) accept_hooks: Option<HookConsent>,
    /// Run the template's own Jinja2 extensions while rendering: yes, no, or ask (see `stamp new`).
    #[arg(long, value_name = "WHEN")]
    pub(super) accept_extensions: Option<HookConsent>,
}

#[derive(Debug, Args)]
pub(super) struct DiffArgs {
    /// The project; default: the current directory.
    #[arg(value_name = "PROJECT_DIR", default_value = ".")]
    pub(super) project: PathBuf,
    /// Show what an update to the template's latest version would change.
    #[arg(long)]
    pub(super) latest: bool,
    /// Show what an update to this template version would change.
    #[arg(long, value_name = "REF", conflicts_with = "latest")]
    pub(super) checkout: Option<String>,
    /// Exit 1 when there is a difference (with --latest: the project is behind its template, a
    /// drift check for CI).
    #[arg(long)]
    pub(super) exit_code: bool,
}

/// `--conflict` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum ConflictArg {
    Markers,
    Rej,
}

/// `--answers-format` values.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(super) enum FormatArg {
    Toml,
    Json,
    Yaml,
}

/// `--accept-hooks` (`--accept-tasks`) values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum HookConsent {
    Yes,
    No,
    Ask,
}

impl HookConsent {
    /// The consent a run has: `ask` (or nothing) asks only when someone can answer.
    pub(super) fn resolve(given: Option<HookConsent>, interactive: bool) -> Consent {
        match given {
            Some(HookConsent::Yes) => Consent::Yes,
            Some(HookConsent::Ask) | None if interactive => Consent::Ask,
            Some(HookConsent::No | HookConsent::Ask) | None => Consent::No,
        }
    }
}

#[derive(Debug, Args)]
pub(super) struct CheckArgs {
    /// The template, as for `stamp new -t`: a directory with stamp.toml or cookiecutter.json, a
    /// git URL, a .zip file or URL, or an abbreviation such as gh:owner/repo; default: the
    /// built-in template.
    #[arg(short, long, value_name = "TEMPLATE")]
    pub(super) template: Option<PathBuf>,
    /// The snapshots directory; default: `snapshots/` inside the template
    /// directory, or `./snapshots` for the built-in template.
    #[arg(long, value_name = "DIR")]
    pub(super) snapshots: Option<PathBuf>,
    /// Rewrite the stored trees to match what the template renders now.
    #[arg(long)]
    pub(super) update: bool,
    /// Render every combination of choice and bool answers instead of the snapshot cases.
    #[arg(long, conflicts_with_all = ["update", "cases", "snapshots"])]
    pub(super) all_combinations: bool,
    /// With --all-combinations: answers to start from (the rest take their defaults).
    #[arg(short, long, value_name = "FILE", requires = "all_combinations")]
    pub(super) answers: Option<PathBuf>,
    /// With --all-combinations: run this shell command inside each rendered project.
    #[arg(long, value_name = "CMD", requires = "all_combinations")]
    pub(super) exec: Option<String>,
    /// Only these cases (default: every `<case>.toml` in the snapshots directory, each compared
    /// with the directory `<case>/` beside it).
    #[arg(value_name = "CASE")]
    pub(super) cases: Vec<String>,
}

#[derive(Debug, Args)]
pub(super) struct VarsArgs {
    /// The template, as for `stamp new -t`: a directory with stamp.toml or cookiecutter.json, a
    /// git URL, a .zip file or URL, or an abbreviation such as gh:owner/repo; default: the
    /// built-in template.
    #[arg(short, long, value_name = "TEMPLATE")]
    pub(super) template: Option<PathBuf>,
    /// Print the questions as JSON.
    #[arg(long, conflicts_with = "schema")]
    pub(super) json: bool,
    /// Print a JSON Schema for answers files.
    #[arg(long)]
    pub(super) schema: bool,
}

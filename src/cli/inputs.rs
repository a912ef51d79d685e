//! What the command line and the environment give a run: the answers, the
//! template, and the settings read from environment variables.

use std::path::{Path, PathBuf};

use super::args::{FormatArg, NewArgs};
use crate::{AnswersFormat, Determinism, Error, Given, Limits, Result, TemplateSource, UserConfig};

/// The answers given (an answers file or stdin, a replay file,
/// `STAMP_ANSWER_*`, then `KEY=VALUE`), the user's defaults from `config`,
/// and the template: named, as the first argument or with `-t`, or else the
/// one a project's record came from, or the built-in one.
pub(super) fn given_and_template(args: &NewArgs, config: &UserConfig) -> Result<(Given, TemplateSource)> {
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
    // `stamp TEMPLATE KEY=VALUE...`, as cookiecutter is called.
    let (template, pairs) = match args.pairs.split_first() {
        Some((first, rest)) if args.template.is_none() && !first.contains('=') => {
            (Some(PathBuf::from(first)), rest)
        }
        _ => (args.template.clone(), args.pairs.as_slice()),
    };
    let template = match (template, given.recorded_source()) {
        // A project's record regenerates it from the template it came from.
        (None, Some((source, commit, directory))) if args.checkout.is_none() && args.directory.is_none() => {
            template_source(Some(PathBuf::from(source)), config)?
                .at(commit.map(str::to_owned), directory.map(PathBuf::from))?
        }
        (template, _) => {
            template_source(template, config)?.at(args.checkout.clone(), args.directory.clone())?
        }
    };
    let replay = match (&args.replay_file, args.replay) {
        (Some(file), _) => Some(file.clone()),
        (None, true) => Some(replay_path(&template, config)?),
        (None, false) => None,
    };
    if let Some(file) = replay {
        given.load_file(&file)?;
    }
    given.load_environment(std::env::vars());
    for pair in args.define.iter().chain(pairs) {
        given.set_pair(pair)?;
    }
    let origin = match config.files.as_slice() {
        [] => "the user configuration".to_owned(),
        files => format!(
            "the user configuration ({})",
            files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>().join(", ")
        ),
    };
    given.set_defaults(config.default_context.clone(), &origin);
    Ok((given, template))
}

/// Where the project goes: `-o`; else, when the answers are a project's
/// record, that project's parent, so that the project is regenerated where
/// it is (never copied into itself); else the current directory.
pub(super) fn output_dir(args: &NewArgs) -> PathBuf {
    if let Some(dir) = &args.output_dir {
        return dir.clone();
    }
    let record = args
        .answers
        .as_deref()
        .filter(|path| path.file_name().is_some_and(|name| crate::RECORD_FILES.iter().any(|r| name == *r)));
    let Some(record) = record else { return PathBuf::from(".") };
    let project = record.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    match project.file_name() {
        // `project` names a directory: its parent is where it was generated.
        Some(_) => project
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or(PathBuf::from("."), Path::to_path_buf),
        // `.`, `..` or `/`: only the file system knows the parent's name; `..` says it.
        None if project == Path::new(".") => PathBuf::from(".."),
        None => project.join(".."),
    }
}

/// Where the replay file of `template` is: `NAME.json` in the configured
/// replay directory, `NAME` as cookiecutter names it.
pub(super) fn replay_path(template: &TemplateSource, config: &UserConfig) -> Result<PathBuf> {
    let Some(name) = template.replay_name() else {
        return Err(Error::InvalidInput(
            "--replay needs a cookiecutter template; the built-in template records its answers in \
             .stamp-answers.toml"
                .into(),
        ));
    };
    let Some(dir) = config.replay_dir() else {
        return Err(Error::InvalidInput("HOME is not set: no replay directory (set replay_dir)".into()));
    };
    Ok(dir.join(format!("{name}.json")))
}

/// Reproducibility settings from the environment: `SOURCE_DATE_EPOCH`
/// freezes the clock, `STAMP_SEED` (or else the epoch) seeds the random
/// helpers. `fallback_epoch` applies when `SOURCE_DATE_EPOCH` is unset.
pub(super) fn determinism_from_env(fallback_epoch: Option<i64>) -> Result<Determinism> {
    let seconds = "a whole number of seconds";
    let epoch = env_number("SOURCE_DATE_EPOCH", seconds)?.or(fallback_epoch);
    let seed = env_number("STAMP_SEED", seconds)?.or(epoch).map(i64::cast_unsigned);
    Ok(Determinism { epoch, seed })
}

/// The limits on what a template may cost, each overridable from the
/// environment for the rare template that needs more: `STAMP_MAX_FUEL`,
/// `STAMP_MAX_FILE_BYTES`, `STAMP_MAX_PROJECT_BYTES`.
pub(super) fn limits_from_env() -> Result<Limits> {
    let mut limits = Limits::default();
    let whole = "a whole number";
    limits.fuel = env_number("STAMP_MAX_FUEL", whole)?.unwrap_or(limits.fuel);
    limits.file_bytes = env_number("STAMP_MAX_FILE_BYTES", whole)?.unwrap_or(limits.file_bytes);
    limits.project_bytes = env_number("STAMP_MAX_PROJECT_BYTES", whole)?.unwrap_or(limits.project_bytes);
    Ok(limits)
}

/// The number in the environment variable `name` (unset or blank: `None`);
/// anything else is an error saying it must be `what`.
fn env_number<T: std::str::FromStr>(name: &str, what: &str) -> Result<Option<T>> {
    match std::env::var(name) {
        Ok(text) if !text.trim().is_empty() => text
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| Error::InvalidInput(format!("{name} must be {what}, not {text:?}"))),
        _ => Ok(None),
    }
}

/// The template named by `--template` (a path that is not UTF-8 can only be
/// a directory), or the built-in one.
pub(super) fn template_source(named: Option<PathBuf>, config: &UserConfig) -> Result<TemplateSource> {
    match named {
        None => Ok(TemplateSource::Builtin),
        Some(named) => match named.to_str() {
            Some(text) => TemplateSource::parse(text, config),
            None => Ok(TemplateSource::Directory(named)),
        },
    }
}

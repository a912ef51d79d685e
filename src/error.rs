//! The one error type of the library. Each variant names what failed and
//! carries what the user needs to fix it; `exit_code` maps it to the exit
//! codes of the contract (`docs/contract.md`). There is deliberately no `From<io::Error>`: every I/O error
//! must say which path it concerns.

use std::path::{Path, PathBuf};

/// Result alias used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong while generating or checking a project.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A value given to stamp (an argument, an environment variable, the
    /// name of an answers file) is malformed.
    #[error("{0}")]
    InvalidInput(String),

    /// An answers file cannot be parsed.
    #[error("cannot read answers file {path}: {message}")]
    AnswersSyntax {
        /// The answers file.
        path: PathBuf,
        /// What is wrong, with the line where the parser knows it.
        message: String,
    },

    /// An answer names a question the template does not have.
    #[error("unknown question `{key}` in {origin}; {}the template asks: {}", did_you_mean(key, known), known.join(", "))]
    UnknownAnswer {
        /// Where the answer came from: `answers.toml:3`, `the command line`.
        origin: String,
        /// The unknown key.
        key: String,
        /// Every question the template asks, in order.
        known: Vec<String>,
    },

    /// A given answer fails the question's validation.
    #[error("invalid value for `{key}` in {origin}: {reason}")]
    InvalidAnswer {
        /// Where the answer came from: a file and line, the command line, the prompt, a default.
        origin: String,
        /// The question.
        key: String,
        /// Why the value is refused (a secret is never quoted).
        reason: String,
    },

    /// Questions left without a value when no prompt is possible.
    #[error(
        "no value for {} (no terminal to ask); set {} in an answers file (-a) or as KEY=VALUE",
        names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", "),
        if names.len() == 1 { "it" } else { "them" }
    )]
    MissingAnswers {
        /// Every question left without a value, in order.
        names: Vec<String>,
    },

    /// The template's manifest has problems; all of them are listed, one per line.
    #[error("{}", problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Manifest {
        /// Every problem found, in file order.
        problems: Vec<Problem>,
    },

    /// The template tree is not laid out as a template must be.
    #[error("bad template {path}: {message}")]
    TemplateLayout {
        /// The template, or the entry of it, concerned.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },

    /// A template (file content, file name, default or condition) fails to
    /// parse or render.
    #[error("template error in {location}: {message}")]
    Render {
        /// `name:line:column`, or as much of it as the engine knows.
        location: String,
        /// The engine's kind of error and its detail.
        message: String,
        /// The engine's error, with the source excerpt for verbose output.
        #[source]
        source: Box<minijinja::Error>,
    },

    /// A cookiecutter hook failed; the run is abandoned.
    #[error("hook {name} failed: {message}; nothing was written")]
    Hook {
        /// The hook's file name.
        name: String,
        /// How it failed.
        message: String,
    },

    /// One of a stamp template's tasks failed, after the project was written.
    #[error("task `{name}` {message}")]
    Task {
        /// The task as people read it (its name, or its command as written).
        name: String,
        /// How it failed, and what that leaves.
        message: String,
    },

    /// The project directory exists and the request did not say to write into it.
    #[error("{} already exists", path.display())]
    DestinationExists {
        /// The project directory.
        path: PathBuf,
    },

    /// Reading or writing a file failed.
    #[error("cannot {action} {}", path.display())]
    Io {
        /// What stamp was doing, as a verb phrase: `read`, `create directory`.
        action: &'static str,
        /// The path it was doing it to.
        path: PathBuf,
        /// The system's error.
        #[source]
        source: std::io::Error,
    },

    /// The terminal prompt failed (for example the terminal went away).
    #[error("prompt failed")]
    Prompt(#[source] std::io::Error),

    /// The user pressed Ctrl-C.
    #[error("interrupted; nothing was written")]
    Interrupted,
}

/// One problem of a template's manifest, located in its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The manifest file.
    pub file: PathBuf,
    /// 1-based; `None` when the problem concerns the whole file.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl Problem {
    /// A problem of the whole `file`.
    pub fn in_file(file: &Path, message: impl Into<String>) -> Problem {
        Problem { file: file.to_owned(), line: None, message: message.into() }
    }

    /// A problem at a line of `file`.
    pub fn at_line(file: &Path, line: usize, message: impl Into<String>) -> Problem {
        Problem { file: file.to_owned(), line: Some(line), message: message.into() }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.file.display(), self.message),
            None => write!(f, "{}: {}", self.file.display(), self.message),
        }
    }
}

/// 1-based line number of a byte offset.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    memchr::memchr_iter(b'\n', &text.as_bytes()[..offset.min(text.len())]).count() + 1
}

impl Error {
    /// The process exit code the contract (`docs/contract.md`) assigns to this kind of error.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::InvalidInput(_)
            | Error::AnswersSyntax { .. }
            | Error::UnknownAnswer { .. }
            | Error::InvalidAnswer { .. }
            | Error::MissingAnswers { .. } => 2,
            Error::Manifest { .. }
            | Error::TemplateLayout { .. }
            | Error::Render { .. }
            | Error::Hook { .. }
            | Error::Task { .. } => 3,
            Error::DestinationExists { .. } => 4,
            Error::Io { .. } | Error::Prompt(_) => 5,
            Error::Interrupted => 130,
        }
    }

    /// Builds an [`Error::Io`] for `path`.
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io { action, path: path.into(), source }
    }

    /// Wraps a minijinja error, locating it at `name:line:column` when the
    /// engine knows the line; `source` is the template text, used to turn the
    /// byte span into a column.
    pub fn render(name: &str, source: Option<&str>, err: minijinja::Error) -> Self {
        let name = err.name().unwrap_or(name).to_owned();
        let location = match (err.line(), err.range(), source.or(err.template_source())) {
            (Some(line), Some(range), Some(text)) => {
                let start = range.start.min(text.len());
                let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
                let column = text[line_start..start].chars().count() + 1;
                format!("{name}:{line}:{column}")
            }
            (Some(line), _, _) => format!("{name}:{line}"),
            _ => name,
        };
        let message = match err.detail() {
            _ if err.kind() == minijinja::ErrorKind::OutOfFuel => {
                "the template does more work than stamp allows (see the limits in the README)".to_owned()
            }
            Some(detail) => format!("{}: {detail}", err.kind()),
            None => err.kind().to_string(),
        };
        Error::Render { location, message, source: Box::new(err) }
    }
}

/// "did you mean `name`? " for the known name closest to a misspelt `key`,
/// if one is close enough to be what was meant.
fn did_you_mean(key: &str, known: &[String]) -> String {
    crate::spelling::closest(key, known.iter().map(String::as_str))
        .map(|name| format!("did you mean `{name}`? "))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_errors_carry_line_and_column() {
        let env = minijinja::Environment::new();
        let text = "line one\n  {{ 1 + }}\n";
        let err = env.template_from_named_str("a.txt", text).unwrap_err();
        let err = Error::render("a.txt", Some(text), err);
        match &err {
            Error::Render { location, .. } => assert!(location.starts_with("a.txt:2:"), "{location}"),
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(err.exit_code(), 3);
    }
}

//! What the user named as a template: a directory, a git repository, a zip
//! archive (local or downloaded), an abbreviation, or the built-in one.

use std::fmt;
use std::path::{Path, PathBuf};

use super::{archive, fetch};
use crate::config::UserConfig;
use crate::error::{Error, Result};

/// Which template to use.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TemplateSource {
    /// The template compiled into stamp.
    Builtin,
    /// An earlier released version of the built-in template, which the
    /// binary carries for `stamp update` (never named by users).
    BuiltinRelease(String),
    /// A template directory on disk, used as it is (uncommitted changes
    /// included, as cookiecutter uses a local directory).
    Directory(PathBuf),
    /// A git repository: a commit of it, checked out.
    Git {
        /// What git is asked to clone (an abbreviation expanded).
        url: String,
        /// The branch, tag or commit; the default branch when `None`.
        checkout: Option<String>,
        /// The template's directory inside the repository.
        directory: Option<PathBuf>,
        /// The source as the user named it.
        given: String,
    },
    /// A zip archive holding one top-level directory: a file, or an
    /// `http(s)://` URL to download it from.
    Zip {
        /// The path or URL (an abbreviation expanded).
        location: String,
        /// The template's directory inside the archive's top directory.
        directory: Option<PathBuf>,
        /// The source as the user named it.
        given: String,
    },
}

/// The forms a template source may take, for the error that names none of them.
const FORMS: &str = "a template directory, a git repository URL (https://, ssh://, git://, \
                     git@host:path, git+https://, file://), a .zip file or https:// URL of one, \
                     or an abbreviation such as gh:owner/repo";

impl TemplateSource {
    /// Classifies a template as the user named it: a git URL (cookiecutter's
    /// forms), an abbreviation from `config` (`gh:owner/repo`), or else a
    /// directory, which must exist.
    pub fn parse(text: &str, config: &UserConfig) -> Result<TemplateSource> {
        let expanded = config.expand(text);
        let candidate = expanded.as_deref().unwrap_or(text);
        // As cookiecutter decides: a name ending in `.zip` is an archive, wherever it is.
        if candidate.to_ascii_lowercase().ends_with(".zip") {
            if !archive::is_url(candidate) && !Path::new(candidate).is_file() {
                return Err(Error::InvalidInput(format!("no zip file at `{text}`: name {FORMS}")));
            }
            let (location, given) = (candidate.to_owned(), text.to_owned());
            return Ok(TemplateSource::Zip { location, directory: None, given });
        }
        if let Some(url) = git_url(candidate) {
            let given = text.to_owned();
            return Ok(TemplateSource::Git { url, checkout: None, directory: None, given });
        }
        // An abbreviation may stand for a directory too.
        if !Path::new(candidate).is_dir() {
            return Err(Error::InvalidInput(format!("no template at `{text}`: name {FORMS}")));
        }
        Ok(TemplateSource::Directory(PathBuf::from(candidate)))
    }

    /// The source with `--checkout` and `--directory` applied: a local
    /// directory given a ref is read as the repository it is (its committed
    /// tree at that ref), and `directory` picks a template inside it.
    pub fn at(self, checkout: Option<String>, directory: Option<PathBuf>) -> Result<TemplateSource> {
        if let Some(sub) = &directory
            && !sub.components().all(|c| matches!(c, std::path::Component::Normal(_)))
        {
            return Err(Error::InvalidInput(format!(
                "--directory {} must be a plain path inside the repository",
                sub.display()
            )));
        }
        Ok(match (self, checkout) {
            (TemplateSource::Builtin, None) if directory.is_none() => TemplateSource::Builtin,
            (release @ TemplateSource::BuiltinRelease(_), None) if directory.is_none() => release,
            (TemplateSource::Builtin | TemplateSource::BuiltinRelease(_), _) => {
                return Err(Error::InvalidInput(
                    "--checkout and --directory need a template to apply to".into(),
                ));
            }
            (TemplateSource::Directory(dir), None) => {
                TemplateSource::Directory(directory.map_or(dir.clone(), |sub| dir.join(sub)))
            }
            (TemplateSource::Directory(dir), Some(reference)) => {
                let given = dir.display().to_string();
                let url = std::path::absolute(&dir).map_err(|e| Error::io("resolve", &dir, e))?;
                TemplateSource::Git {
                    url: url.display().to_string(),
                    checkout: Some(reference),
                    directory,
                    given,
                }
            }
            (TemplateSource::Git { url, checkout: _, directory: _, given }, checkout) => {
                TemplateSource::Git { url, checkout, directory, given }
            }
            (TemplateSource::Zip { location, directory: _, given }, None) => {
                TemplateSource::Zip { location, directory, given }
            }
            (TemplateSource::Zip { given, .. }, Some(_)) => {
                return Err(Error::InvalidInput(format!(
                    "--checkout names a git branch, tag or commit; `{given}` is a zip archive"
                )));
            }
        })
    }
}

impl TemplateSource {
    /// The name cookiecutter files this template's replay under: the
    /// template directory's name (with `--directory`, that directory's); for
    /// a repository, its name less `.git`; for an archive, the file's stem
    /// (cookiecutter reads the archive's top directory, nearly always the
    /// same name). `None` for the built-in template, which has no replay.
    pub fn replay_name(&self) -> Option<String> {
        let last = |path: &Path| path.file_name().map(|n| n.to_string_lossy().into_owned());
        match self {
            TemplateSource::Builtin | TemplateSource::BuiltinRelease(_) => None,
            TemplateSource::Directory(dir) => last(&std::path::absolute(dir).ok()?),
            TemplateSource::Git { directory: Some(sub), .. }
            | TemplateSource::Zip { directory: Some(sub), .. } => last(sub),
            TemplateSource::Git { url, directory: None, .. } => Some(fetch::repo_name(url)),
            TemplateSource::Zip { location, directory: None, .. } => {
                let tail = location.rsplit('/').next()?;
                Some(tail[..tail.len().saturating_sub(4)].to_owned())
            }
        }
    }
}

/// The URL git is given for `text`, if it names a repository the way
/// cookiecutter recognises one: `git://`, `ssh://`, `file://`, `http(s)://`
/// (optionally prefixed `git+`), or `user@host:path`.
fn git_url(text: &str) -> Option<String> {
    let url = text.strip_prefix("git+").unwrap_or(text);
    let scheme = url.split_once("://").map(|(scheme, _)| scheme.to_ascii_lowercase());
    if matches!(scheme.as_deref(), Some("git" | "ssh" | "file" | "http" | "https")) {
        return Some(url.to_owned());
    }
    let (user, rest) = url.split_once('@')?;
    let host = rest.split(':').next()?;
    let word = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '_');
    (word(user) && !host.is_empty() && host.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '.')))
        .then(|| url.to_owned())
}

impl fmt::Display for TemplateSource {
    /// The source as the user named it (empty for the built-in template),
    /// which is what cookiecutter's `_template` holds.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TemplateSource::Builtin | TemplateSource::BuiltinRelease(_) => Ok(()),
            TemplateSource::Directory(dir) => write!(f, "{}", dir.display()),
            TemplateSource::Git { given, .. } | TemplateSource::Zip { given, .. } => f.write_str(given),
        }
    }
}

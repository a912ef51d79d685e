//! How remote sources (git repositories, downloaded archives) are fetched
//! and cached, and how their URLs are shown.

use std::path::PathBuf;

use crate::config::user_dir;
use crate::engine::fnv1a;
use crate::error::{Error, Result};

/// How a run fetches remote sources.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Fetch {
    /// Where clones and downloads are cached; `None`: `$XDG_CACHE_HOME/stamp`,
    /// else `~/.cache/stamp`.
    pub cache_dir: Option<PathBuf>,
    /// Fetch again and fail if that fails, never falling back to (nor
    /// skipping the fetch for) what the cache holds.
    pub refresh: bool,
    /// The most bytes a zip source may be downloaded as or unpack to.
    pub max_archive_bytes: u64,
}

impl Default for Fetch {
    /// The user's cache, used when a fetch fails; archives up to 1 GiB.
    fn default() -> Self {
        Fetch { cache_dir: None, refresh: false, max_archive_bytes: 1 << 30 }
    }
}

impl Fetch {
    /// The cache directory this run uses.
    pub(super) fn cache_dir(&self) -> Result<PathBuf> {
        if let Some(dir) = &self.cache_dir {
            return Ok(dir.clone());
        }
        let base = user_dir("XDG_CACHE_HOME", ".cache").ok_or_else(|| {
            Error::InvalidInput("neither XDG_CACHE_HOME nor HOME is set: no cache for remote sources".into())
        })?;
        Ok(base.join("stamp"))
    }
}

/// A cache entry name for `url`: readable, and unique by a hash.
pub(super) fn cache_name(url: &str) -> String {
    let hash = fnv1a(0, url.bytes());
    let tail: String = url
        .rsplit(['/', ':'])
        .find(|part| !part.is_empty())
        .unwrap_or("repo")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .take(40)
        .collect();
    format!("{tail}-{hash:016x}")
}

/// A repository's name as cookiecutter names its clone: the URL's last
/// segment less `.git` (`https://host/org/tpl.git` → `tpl`).
pub(super) fn repo_name(url: &str) -> String {
    let tail = url.trim_end_matches('/').rsplit(['/', ':']).next().unwrap_or_default();
    let name = tail.split(".git").next().unwrap_or(tail);
    if name.is_empty() || name == "." || name == ".." { "template".to_owned() } else { name.to_owned() }
}

/// `url` with any password or token (`https://user:token@host`) replaced,
/// for messages and records.
pub(super) fn mask_credentials(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_owned() };
    let host_end = rest.find('/').unwrap_or(rest.len());
    match rest[..host_end].rfind('@') {
        Some(at) => format!("{scheme}://***@{}", &rest[at + 1..]),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_masked() {
        assert_eq!(
            mask_credentials("https://me:t0ken@example.com/org/tpl.git"),
            "https://***@example.com/org/tpl.git"
        );
        assert_eq!(mask_credentials("https://example.com/a@b"), "https://example.com/a@b");
        assert_eq!(mask_credentials("git@github.com:org/tpl.git"), "git@github.com:org/tpl.git");
    }

    #[test]
    fn repositories_are_named_as_cookiecutter_names_their_clones() {
        assert_eq!(repo_name("https://example.com/org/tpl.git"), "tpl");
        assert_eq!(repo_name("git@github.com:org/tpl.git/"), "tpl");
        assert_eq!(repo_name("file:///srv/templates/python"), "python");
        assert_eq!(repo_name("/"), "template");
    }

    #[test]
    fn cache_names_are_readable_and_distinct() {
        let a = cache_name("https://example.com/org/tpl.git");
        assert!(a.starts_with("tpl.git-"), "{a}");
        assert_ne!(a, cache_name("https://example.com/other/tpl.git"));
    }
}

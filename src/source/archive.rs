//! Zip sources, a file on disk or one downloaded over HTTP(S), unpacked
//! the way cookiecutter unpacks them: the archive holds one top-level
//! directory, which is the template. Downloads go through the system's
//! `curl` (proxies and CA settings as the user has them), are cached, and a
//! download that fails falls back to the cached copy unless the run asked
//! for a fresh one. Unpacking refuses what could escape the scratch
//! directory (`..`, absolute paths, symbolic links) and stops a zip bomb at
//! a bound on entries and bytes, counted as written rather than as claimed.

use std::fs::File;
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::fetch::{Fetch, cache_name, mask_credentials};
use crate::error::{Error, Result};
use crate::interrupt::{self, Registration};

/// The most entries a template archive may hold.
const MAX_ENTRIES: usize = 100_000;

/// An archive unpacked into a temporary directory, removed when dropped.
pub(super) struct Unpacked {
    pub(super) scratch: tempfile::TempDir,
    pub(super) registration: Registration,
    /// The archive's top-level directory: the template.
    pub(super) root: PathBuf,
}

/// Whether `location` is a URL stamp downloads rather than a path.
pub(super) fn is_url(location: &str) -> bool {
    let lower = location.to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// Unpacks the zip at `location` (a path, or an `http(s)://` URL, downloaded first).
pub(super) fn unpack(location: &str, fetch: &Fetch) -> Result<Unpacked> {
    let path = if is_url(location) { download(location, fetch)? } else { PathBuf::from(location) };
    let file = File::open(&path).map_err(|e| Error::io("open", &path, e))?;
    let bounds = Bounds { entries: MAX_ENTRIES, bytes: fetch.max_archive_bytes };
    unpack_from(file, &mask_credentials(location), bounds)
}

/// Unpacks an archive the binary carries, read where it lies in memory;
/// `shown` names it in errors.
pub(super) fn unpack_embedded(bytes: &[u8], shown: &str) -> Result<Unpacked> {
    let bounds = Bounds { entries: MAX_ENTRIES, bytes: Fetch::default().max_archive_bytes };
    unpack_from(std::io::Cursor::new(bytes), shown, bounds)
}

/// Unpacks an archive into a new scratch directory.
fn unpack_from(archive: impl Read + Seek, shown: &str, bounds: Bounds) -> Result<Unpacked> {
    let scratch = tempfile::Builder::new()
        .prefix("stamp-zip-")
        .tempdir()
        .map_err(|e| Error::io("create a temporary directory in", std::env::temp_dir(), e))?;
    let registration = interrupt::register_scratch(scratch.path());
    let top = extract(archive, &scratch.path().join("tree"), shown, bounds)?;
    let root = scratch.path().join("tree").join(top);
    Ok(Unpacked { scratch, registration, root })
}

/// Downloads `url` into the cache and returns the cached file; when the
/// download fails, the copy cached before serves (unless `fetch.refresh`).
fn download(url: &str, fetch: &Fetch) -> Result<PathBuf> {
    let shown = mask_credentials(url);
    let dir = fetch.cache_dir()?.join("zip");
    std::fs::create_dir_all(&dir).map_err(|e| Error::io("create directory", &dir, e))?;
    let cached = dir.join(format!("{}.zip", cache_name(url)));
    let partial = tempfile::Builder::new()
        .prefix(".partial-")
        .tempfile_in(&dir)
        .map_err(|e| Error::io("create a file in", &dir, e))?;
    let output = Command::new("curl")
        .args(["--fail", "--silent", "--show-error", "--location", "--proto", "=http,https"])
        .args(["--proto-redir", "=http,https", "--max-filesize", &fetch.max_archive_bytes.to_string()])
        .args(["--connect-timeout", "30", "--output"])
        .arg(partial.path())
        .arg("--")
        .arg(url)
        .stdin(Stdio::null())
        .output();
    let failure = match output {
        Ok(output) if output.status.success() => None,
        Ok(output) => {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let last = stderr.lines().map(str::trim).rfind(|l| !l.is_empty()).unwrap_or("curl failed");
            // curl echoes the URL it was given, credentials and all.
            Some(last.replace(url, &shown))
        }
        Err(e) => Some(format!("cannot run curl (is it installed?): {e}")),
    };
    match failure {
        None => {
            partial.persist(&cached).map_err(|e| Error::io("cache the download at", &cached, e.error))?;
            Ok(cached)
        }
        Some(_) if !fetch.refresh && cached.is_file() => Ok(cached),
        Some(message) => Err(Error::io("download", shown, std::io::Error::other(message))),
    }
}

/// How much an archive may unpack to.
#[derive(Debug, Clone, Copy)]
struct Bounds {
    entries: usize,
    bytes: u64,
}

/// Extracts `archive` into `into` (created), within `bounds`;
/// returns the name of its one top-level directory. `shown` names the
/// archive in errors.
fn extract(archive: impl Read + Seek, into: &Path, shown: &str, bounds: Bounds) -> Result<String> {
    let refuse = |message: String| Error::TemplateLayout { path: PathBuf::from(shown), message };
    let mut archive =
        zip::ZipArchive::new(archive).map_err(|e| refuse(format!("not a readable zip archive: {e}")))?;
    if archive.len() > bounds.entries {
        return Err(refuse(format!("it holds {} entries, more than {}", archive.len(), bounds.entries)));
    }
    let mut top: Option<String> = None;
    let mut written: u64 = 0;
    std::fs::create_dir(into).map_err(|e| Error::io("create directory", into, e))?;
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).map_err(|e| match e {
            zip::result::ZipError::UnsupportedArchive(m) if m.contains("assword") => {
                refuse("it is password-protected, which stamp does not support".into())
            }
            other => refuse(format!("entry {index} cannot be read: {other}")),
        })?;
        let name = entry.name().map_or_else(|_| format!("#{index}"), std::borrow::Cow::into_owned);
        let absolute = name.starts_with(['/', '\\']) || name.get(1..3).is_some_and(|s| s.starts_with(':'));
        let Some(relative) = entry.enclosed_name().filter(|p| !absolute && !p.as_os_str().is_empty()) else {
            return Err(refuse(format!("entry `{name}` would land outside the template")));
        };
        if entry.is_symlink() {
            return Err(refuse(format!(
                "entry `{name}` is a symbolic link, which a template archive may not hold"
            )));
        }
        let first = relative.components().next().map(|c| c.as_os_str().to_string_lossy().into_owned());
        match (&top, first) {
            (None, Some(first)) => top = Some(first),
            (Some(known), Some(first)) if *known == first => {}
            _ => return Err(refuse("it must hold exactly one top-level directory, the template".into())),
        }
        let target = into.join(&relative);
        if entry.is_dir() {
            std::fs::create_dir_all(&target).map_err(|e| Error::io("create directory", &target, e))?;
            continue;
        }
        if relative.components().count() == 1 {
            return Err(refuse("it must hold exactly one top-level directory, the template".into()));
        }
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io("create directory", parent, e))?;
        }
        let executable = entry.unix_mode().is_some_and(|mode| mode & 0o111 != 0);
        let mut out = File::create_new(&target).map_err(|e| Error::io("create", &target, e))?;
        let budget = bounds.bytes - written;
        let copied = std::io::copy(&mut (&mut entry).take(budget + 1), &mut out)
            .map_err(|e| refuse(format!("entry `{name}` cannot be unpacked: {e}")))?;
        written += copied;
        if copied > budget {
            return Err(refuse(format!("it unpacks to more than {} bytes", bounds.bytes)));
        }
        out.flush().map_err(|e| Error::io("write", &target, e))?;
        if executable {
            crate::file_mode::set_executable(&target)?;
        }
    }
    top.ok_or_else(|| refuse("it is empty".into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use zip::write::SimpleFileOptions;

    fn archive(entries: &[(&str, &[u8])]) -> tempfile::NamedTempFile {
        let file = tempfile::NamedTempFile::new().unwrap();
        let mut writer = zip::ZipWriter::new(file.reopen().unwrap());
        for (name, contents) in entries {
            if name.ends_with('/') {
                writer.add_directory(*name, SimpleFileOptions::default()).unwrap();
            } else {
                writer.start_file(*name, SimpleFileOptions::default()).unwrap();
                writer.write_all(contents).unwrap();
            }
        }
        writer.finish().unwrap();
        file
    }

    const BOUNDS: Bounds = Bounds { entries: 10, bytes: 100 };

    fn extract_error(entries: &[(&str, &[u8])]) -> String {
        let zip = archive(entries);
        let into = tempfile::tempdir().unwrap();
        extract(File::open(zip.path()).unwrap(), &into.path().join("t"), "t.zip", BOUNDS)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn unpacks_the_top_directory() {
        let zip = archive(&[("tpl/", b""), ("tpl/stamp.toml", b"x"), ("tpl/a/b.txt", b"hello")]);
        let into = tempfile::tempdir().unwrap();
        assert_eq!(
            extract(File::open(zip.path()).unwrap(), &into.path().join("t"), "t.zip", BOUNDS).unwrap(),
            "tpl"
        );
        assert_eq!(std::fs::read(into.path().join("t/tpl/a/b.txt")).unwrap(), b"hello");
    }

    #[test]
    fn refuses_what_escapes_or_has_no_single_top() {
        assert!(extract_error(&[("tpl/../../evil", b"x")]).contains("outside the template"));
        assert!(extract_error(&[("/etc/evil", b"x")]).contains("outside the template"));
        assert!(extract_error(&[("a/x", b"x"), ("b/y", b"y")]).contains("one top-level directory"));
        assert!(extract_error(&[("loose.txt", b"x")]).contains("one top-level directory"));
        assert!(extract_error(&[]).contains("empty"));
    }

    #[test]
    fn bombs_stop_at_the_bounds() {
        let many: Vec<(String, &[u8])> = (0..11).map(|i| (format!("t/{i}"), &b"x"[..])).collect();
        let many: Vec<(&str, &[u8])> = many.iter().map(|(n, c)| (n.as_str(), *c)).collect();
        assert!(extract_error(&many).contains("11 entries, more than 10"), "{}", extract_error(&many));
        let zeros = [0u8; 101];
        assert!(
            extract_error(&[("t/a", &zeros[..50]), ("t/b", &zeros[..51])]).contains("more than 100 bytes")
        );
    }

    #[test]
    fn symbolic_links_are_refused() {
        let file = tempfile::NamedTempFile::new().unwrap();
        let mut writer = zip::ZipWriter::new(file.reopen().unwrap());
        writer.add_symlink("t/link", "/etc/passwd", SimpleFileOptions::default()).unwrap();
        writer.finish().unwrap();
        let into = tempfile::tempdir().unwrap();
        let err = extract(File::open(file.path()).unwrap(), &into.path().join("t"), "t.zip", BOUNDS)
            .unwrap_err()
            .to_string();
        assert!(err.contains("symbolic link"), "{err}");
    }
}

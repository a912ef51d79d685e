//! The built-in template, compiled into the binary.

use include_dir::{Dir, DirEntry, include_dir};

use super::{SourceEntry, SourceFile};

pub(super) static BUILTIN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/template");

/// Template-relative paths of the built-in template's executable files,
/// recorded by `build.rs` because `include_dir` does not keep file modes.
const BUILTIN_EXECUTABLES: &[&str] = include!(concat!(env!("OUT_DIR"), "/builtin_executables.rs"));

/// Where the built-in template's files are named in messages.
pub(super) const LABEL: &str = "<built-in>";

/// A released version of the built-in template, kept as the archive it was
/// released as (`template/releases/NAME-VERSION.zip`), so that `stamp
/// update` can render the version a project was made from.
pub(super) fn release(name: &str, version: &str) -> Option<&'static [u8]> {
    BUILTIN.get_file(format!("releases/{name}-{version}.zip")).map(include_dir::File::contents)
}

pub(super) fn collect_embedded(dir: &Dir<'static>, out: &mut Vec<SourceEntry>) {
    for entry in dir.entries() {
        let path = entry.path().to_str().expect("built-in paths are UTF-8").replace('\\', "/");
        match entry {
            DirEntry::Dir(sub) => {
                out.push(SourceEntry { path, file: None });
                collect_embedded(sub, out);
            }
            DirEntry::File(file) => {
                let executable = BUILTIN_EXECUTABLES.contains(&path.as_str());
                out.push(SourceEntry {
                    path,
                    file: Some(SourceFile::Embedded { contents: file.contents(), executable }),
                });
            }
        }
    }
}

//! Records which files of the built-in template are executable, because
//! include_dir embeds bytes but not modes.

use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=template");
    let root = Path::new("template");
    let mut executables = Vec::new();
    for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
        let entry = entry.expect("template/ is readable");
        if entry.file_type().is_file() && is_executable(&entry) {
            let relative = entry.path().strip_prefix(root).expect("below template/");
            executables.push(relative.to_string_lossy().replace('\\', "/"));
        }
    }
    let out =
        Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("builtin_executables.rs");
    std::fs::write(out, format!("&{executables:?}")).expect("OUT_DIR is writable");
}

#[cfg(unix)]
fn is_executable(entry: &walkdir::DirEntry) -> bool {
    use std::os::unix::fs::PermissionsExt;
    entry.metadata().is_ok_and(|m| m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(_: &walkdir::DirEntry) -> bool {
    false
}

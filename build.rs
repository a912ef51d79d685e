//! Records which files of the built-in template are executable, because
//! `include_dir` embeds bytes but not modes; and packs unidecode's
//! transliteration table (see `slugify::transliterate`).

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
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let out_dir = Path::new(&out_dir);
    std::fs::write(out_dir.join("builtin_executables.rs"), format!("&{executables:?}"))
        .expect("OUT_DIR is writable");
    pack_unidecode(out_dir);
}

/// Writes unidecode's table as one string (`unidecode.txt`) and the offset
/// where each code point's text starts, as little-endian u32 (`unidecode.idx`,
/// one more entry than code points, so that each text ends where the next
/// starts). The crate's own table is an array of `&str`: 65,535 pointers the
/// loader relocates on every start of the program, about a millisecond each
/// time; offsets need no relocation.
fn pack_unidecode(out_dir: &Path) {
    let mut text = String::new();
    let mut index = Vec::with_capacity(4 * 0x10001);
    for code in 0..=0xFFFF_u32 {
        index.extend_from_slice(&u32::try_from(text.len()).expect("table fits in u32").to_le_bytes());
        if let Some(c) = char::from_u32(code) {
            text.push_str(unidecode::unidecode_char(c));
        }
    }
    index.extend_from_slice(&u32::try_from(text.len()).expect("table fits in u32").to_le_bytes());
    std::fs::write(out_dir.join("unidecode.txt"), text).expect("OUT_DIR is writable");
    std::fs::write(out_dir.join("unidecode.idx"), index).expect("OUT_DIR is writable");
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

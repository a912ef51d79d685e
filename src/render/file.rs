//! One file's contents: binary detection, newline handling as cookiecutter
//! does it, and the fast path that copies a file's plain tail around the engine.

use minijinja::Value;

use crate::engine::{Engine, Syntax};
use crate::error::Result;

/// Renders a text file the way cookiecutter does: newlines normalised to
/// `\n` for Jinja, then written with `new_lines` or the newline the file used.
pub(super) fn render_file(
    engine: &Engine,
    path: &str,
    text: &str,
    context: &Value,
    new_lines: Option<&str>,
) -> Result<Vec<u8>> {
    let newline = new_lines.unwrap_or_else(|| detect_newline(text));
    let source: std::borrow::Cow<str> =
        if text.contains('\r') { text.replace("\r\n", "\n").replace('\r', "\n").into() } else { text.into() };
    let (head, tail) = split_plain_tail(&source, engine.syntax());
    let mut rendered =
        if head.is_empty() { String::new() } else { engine.render_str(path, head, context)? };
    rendered.push_str(tail);
    if newline != "\n" {
        rendered = rendered.replace('\n', newline);
    }
    Ok(rendered.into_bytes())
}

/// Splits `source` before its plain tail: the text after the last end
/// delimiter (all of it when there is none), when it holds no start
/// delimiter. Rendering copies such text unchanged, yet the engine scans it
/// character by character, and files often end in long stretches of it, or
/// hold no tag at all. No tag can end inside the tail (its end delimiter
/// would come later) and none begins there, so the split is at the top
/// level. Returns `(source, "")` wherever a rule could change the tail:
/// whitespace control on the last tag, `trim_blocks`, a dropped final
/// newline, line statements, another syntax, or `extends`, which drops text
/// outside blocks.
fn split_plain_tail<'s>(source: &'s str, syntax: &Syntax) -> (&'s str, &'s str) {
    let whole = (source, "");
    let settings = syntax.settings();
    if !syntax.is_plain() || settings.trim_blocks || !settings.keep_trailing_newline {
        return whole;
    }
    // Every delimiter is two bytes: an end is `}` after one of `%}#`, a start
    // `{` before one of them.
    let bytes = source.as_bytes();
    let is_end = |&at: &usize| at > 0 && matches!(bytes[at - 1], b'%' | b'}' | b'#');
    let end = memchr::memrchr_iter(b'}', bytes).find(is_end).map_or(0, |last_brace| last_brace + 1);
    let (head, tail) = source.split_at(end);
    let starts_tag = |at: usize| matches!(bytes.get(at + 1), Some(b'%' | b'{' | b'#'));
    // `end` is 0 (no tag) or just past a two-byte delimiter.
    if (end > 0 && source[..end - 2].ends_with('-'))
        || memchr::memchr_iter(b'{', tail.as_bytes()).any(|at| starts_tag(head.len() + at))
        || memchr::memmem::find(head.as_bytes(), b"extends").is_some()
    {
        return whole;
    }
    (head, tail)
}

/// The newline a file is written with, as cookiecutter picks it: Python's
/// `newlines` of the first chunk read, whose first member wins in the order
/// `\r`, `\n`, `\r\n`; `\n` when the file has none.
fn detect_newline(text: &str) -> &'static str {
    let mut end = text.len().min(8192);
    if memchr::memchr(b'\r', &text.as_bytes()[..end]).is_none() {
        return "\n";
    }
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let chunk = &text.as_bytes()[..end];
    let (mut cr, mut lf, mut crlf) = (false, false, false);
    let mut i = 0;
    while i < chunk.len() {
        match chunk[i] {
            b'\r' if chunk.get(i + 1) == Some(&b'\n') => {
                crlf = true;
                i += 1;
            }
            b'\r' => cr = true,
            b'\n' => lf = true,
            _ => {}
        }
        i += 1;
    }
    if cr {
        "\r"
    } else if lf || !crlf {
        "\n"
    } else {
        "\r\n"
    }
}

/// A file's text, or `None` when it is copied as it is instead of rendered, approximating
/// cookiecutter's binaryornot: an extension that names a binary format, a
/// known file signature, contents that are not UTF-8, or a start made mostly
/// of control bytes. Text with a stray NUL is still text, as it is there.
pub(super) fn as_text<'a>(path: &str, contents: &'a [u8]) -> Option<&'a str> {
    const BINARY_EXTENSIONS: &[&str] = &[
        "7z", "a", "aac", "aif", "aiff", "avi", "avif", "bin", "bmp", "bz2", "class", "db", "dll", "dmg",
        "doc", "docx", "dylib", "eot", "epub", "exe", "flac", "flv", "gif", "gz", "heic", "ico", "img",
        "iso", "jar", "jpeg", "jpg", "lz", "lz4", "lzma", "m4a", "m4v", "mid", "mkv", "mov", "mp3", "mp4",
        "mpeg", "mpg", "npy", "npz", "o", "odt", "ogg", "otf", "parquet", "pdf", "png", "ppt", "pptx", "psd",
        "pyc", "pyo", "rar", "so", "sqlite", "sqlite3", "tar", "tif", "tiff", "ttc", "ttf", "wasm", "wav",
        "webm", "webp", "wma", "wmv", "woff", "woff2", "xls", "xlsx", "xz", "zip", "zst",
    ];
    const SIGNATURES: &[&[u8]] = &[
        b"\x89PNG",
        b"GIF8",
        b"\xff\xd8\xff",
        b"%PDF",
        b"PK\x03\x04",
        b"\x1f\x8b",
        b"\x7fELF",
        b"BZh",
        b"\xfd7zXZ",
        b"7z\xbc\xaf",
        b"Rar!",
        b"\0asm",
        b"wOFF",
        b"wOF2",
        b"\0\0\x01\0",
    ];
    let name = path.rsplit('/').next().unwrap_or(path);
    let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    if extension.is_some_and(|e| BINARY_EXTENSIONS.contains(&e.as_str())) {
        return None;
    }
    if contents.is_empty() {
        return Some("");
    }
    if SIGNATURES.iter().any(|s| contents.starts_with(s)) {
        return None;
    }
    let text = std::str::from_utf8(contents).ok()?;
    let chunk = &contents[..contents.len().min(512)];
    let control = chunk.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c)).count();
    (control * 10 <= chunk.len()).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Determinism, SyntaxSettings, map};

    #[test]
    fn splitting_off_the_plain_tail_never_changes_the_output() {
        const FRAGMENTS: &[&str] = &[
            "text ",
            "\n",
            "  \n",
            "{{ x }}",
            "{{- x }}",
            "{{ x -}}",
            "{% if x %}",
            "{% endif %}",
            "{%- if x -%}",
            "{%- endif -%}",
            "{# c #}",
            "{#- c -#}",
            "}}",
            "%}",
            "#}",
            "{% raw %}{{ %}{% endraw %}",
            "{{ '}}' }}",
            "{{ x }}}",
            "{% for i in [1, 2] %}{{ i }}{% endfor %}",
            "{% extends 'base' %}",
            "{% set y = 1 %}",
            "{%+ if x %}",
            "{{ missing }}",
            "{% block b %}B{% endblock %}",
        ];
        let mut engine = Engine::new(&Syntax::default(), Determinism::default());
        let env = engine.env_mut();
        env.add_template("base", "[{% block b %}{% endblock %}]").unwrap();
        let ctx = map([("x".to_owned(), Value::from("X"))]);
        let mut split = 0;
        for a in FRAGMENTS {
            for b in FRAGMENTS {
                for c in FRAGMENTS {
                    let source = format!("{a}{b}{c} plain tail\n");
                    let (head, tail) = split_plain_tail(&source, &Syntax::default());
                    if tail.is_empty() {
                        continue;
                    }
                    split += 1;
                    let whole = env.render_str(&source, &ctx).map_err(|e| e.kind());
                    let parts = env.render_str(head, &ctx).map(|h| h + tail).map_err(|e| e.kind());
                    assert_eq!(parts, whole, "{source:?}");
                }
            }
        }
        assert!(split > 1000, "only {split} sources were split");
        for settings in [
            SyntaxSettings { trim_blocks: true, ..SyntaxSettings::default() },
            SyntaxSettings { keep_trailing_newline: false, ..SyntaxSettings::default() },
            SyntaxSettings { line_statement_prefix: Some("#".into()), ..SyntaxSettings::default() },
        ] {
            let syntax = settings.build().unwrap();
            assert_eq!(
                split_plain_tail("{{ x }} tail", &syntax),
                ("{{ x }} tail", ""),
                "{:?}",
                syntax.settings()
            );
        }
        assert_eq!(split_plain_tail("{{ x }} tail", &Syntax::default()), ("{{ x }}", " tail"));
        assert_eq!(split_plain_tail("no tag } at all\n", &Syntax::default()), ("", "no tag } at all\n"));
    }

    #[test]
    fn newline_detection_follows_cookiecutter() {
        assert_eq!(detect_newline("a\r\nb\r\n"), "\r\n");
        assert_eq!(detect_newline("a\r\nb\n"), "\n");
        assert_eq!(detect_newline("a\rb"), "\r");
        assert_eq!(detect_newline("no newline"), "\n");
    }

    #[test]
    fn crlf_files_keep_crlf_and_values_are_not_normalised() {
        let engine = Engine::new(&Syntax::default(), Determinism::default());
        let ctx = map([("v".into(), Value::from("a\nb"))]);
        let out = render_file(&engine, "f", "x={{ v }}\r\ny\r\n", &ctx, None).unwrap();
        assert_eq!(out, b"x=a\r\nb\r\ny\r\n");
    }
}

//! Python's `fnmatch`, which `_copy_without_render` patterns follow.

/// Python's `fnmatch.translate`: `*` and `?` cross `/`, `[...]` is a class.
pub(super) fn translate(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::from("(?s)^");
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '*' => out.push_str(".*"),
            '?' => out.push('.'),
            '[' => match chars[i + 1..].iter().position(|&c| c == ']').map(|p| p + i + 1) {
                // A `]` right after `[` or `[!` belongs to the class.
                Some(mut close) => {
                    let start = i + 1 + usize::from(chars.get(i + 1) == Some(&'!'));
                    if close == start {
                        if let Some(p) = chars[close + 1..].iter().position(|&c| c == ']') {
                            close = close + 1 + p;
                        } else {
                            out.push_str("\\[");
                            i += 1;
                            continue;
                        }
                    }
                    let body: String = chars[start..close].iter().collect();
                    let negate = if start > i + 1 { "^" } else { "" };
                    out.push_str(&format!("[{negate}{}]", body.replace('\\', "\\\\").replace('[', "\\[")));
                    i = close;
                }
                None => out.push_str("\\["),
            },
            c => out.push_str(&regex::escape(&c.to_string())),
        }
        i += 1;
    }
    out.push('$');
    out
}

#[cfg(test)]
mod tests {
    use super::translate;

    fn matches(pattern: &str, path: &str) -> bool {
        regex::Regex::new(&translate(pattern)).unwrap().is_match(path)
    }

    #[test]
    fn fnmatch_semantics() {
        assert!(matches("*.txt", "a/b.txt"), "* crosses /");
        assert!(matches("{{cookiecutter.x}}-rendered/README.md", "{{cookiecutter.x}}-rendered/README.md"));
        assert!(matches("file?.[!b]x", "file1.ax"));
        assert!(!matches("file?.[!b]x", "file1.bx"));
        assert!(matches("[]]", "]"));
        assert!(!matches("*.txt", "a.txt.bak"));
    }
}

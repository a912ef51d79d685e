//! python-slugify's `slugify`, which cookiecutter exposes as a filter, with
//! its options: transliteration to ASCII (or not), HTML entity decoding,
//! lower-casing, stop words, replacements, truncation and the separator.

mod tables;

use regex::Regex;
use unicode_normalization::UnicodeNormalization;

use tables::{NAME2CODEPOINT, TEXT_UNIDECODE};

/// A regex compiled on first use and kept: slugify runs once per name or
/// file that calls it, and compiling costs far more than matching.
macro_rules! cached_regex {
    ($pattern:expr) => {{
        static REGEX: std::sync::LazyLock<Regex> =
            std::sync::LazyLock::new(|| Regex::new($pattern).expect("static regex"));
        &*REGEX
    }};
}

/// The options of python-slugify's `slugify` that templates pass.
#[derive(Debug, Clone)]
#[allow(clippy::struct_excessive_bools)] // python-slugify's flags, as it names them
pub(super) struct Options {
    pub entities: bool,
    pub decimal: bool,
    pub hexadecimal: bool,
    /// No truncation unless positive.
    pub max_length: i64,
    pub word_boundary: bool,
    pub separator: String,
    pub save_order: bool,
    pub stopwords: Vec<String>,
    pub regex_pattern: Option<regex::Regex>,
    pub lowercase: bool,
    pub replacements: Vec<(String, String)>,
    pub allow_unicode: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            entities: true,
            decimal: true,
            hexadecimal: true,
            max_length: 0,
            word_boundary: false,
            separator: "-".into(),
            save_order: false,
            stopwords: Vec::new(),
            regex_pattern: None,
            lowercase: true,
            replacements: Vec::new(),
            allow_unicode: false,
        }
    }
}

/// Turns `text` into a slug the way python-slugify's legacy algorithm (its
/// default, frozen since version 8) does with text-unidecode installed, as
/// cookiecutter 2.7.1 installs it.
pub(super) fn slugify(text: &str, options: &Options) -> String {
    let mut text = text.to_owned();
    for (old, new) in &options.replacements {
        text = text.replace(old.as_str(), new);
    }
    text = collapse_quotes(&text, "-");
    text = if options.allow_unicode {
        normalize(&text, true)
    } else {
        let decomposed = normalize(&text, false);
        if decomposed.is_ascii() { decomposed } else { transliterate(&decomposed) }
    };
    text = decode_entities(&text, options);
    text = normalize(&text, options.allow_unicode);
    if options.lowercase {
        text = text.to_lowercase();
    }
    text = collapse_quotes(&text, "");
    text = remove_digit_commas(&text);
    text = match (&options.regex_pattern, options.allow_unicode) {
        (Some(pattern), _) => pattern.replace_all(&text, "-").into_owned(),
        // Python's `[\W_]+`: its `\w` is `str.isalnum()` (Unicode 14), which leaves
        // out combining marks and joiners.
        (None, true) => cached_regex!(r"[^\p{L}\p{N}&&\p{age:14.0}]+").replace_all(&text, "-").into_owned(),
        (None, false) => replace_runs(&text, |c| c != '-' && !c.is_ascii_alphanumeric(), "-"),
    };
    replace_runs(&text, |c| c == '-', "-").trim_matches('-').clone_into(&mut text);
    if !options.stopwords.is_empty() {
        let excluded: Vec<String> = if options.lowercase {
            options.stopwords.iter().map(|w| w.to_lowercase()).collect()
        } else {
            options.stopwords.clone()
        };
        text = text.split('-').filter(|w| !excluded.iter().any(|e| e == w)).collect::<Vec<_>>().join("-");
    }
    for (old, new) in &options.replacements {
        text = text.replace(old.as_str(), new);
    }
    if let Ok(max_length @ 1..) = usize::try_from(options.max_length) {
        text = smart_truncate(&text, max_length, options.word_boundary, options.save_order);
    }
    if options.separator == "-" { text } else { text.replace('-', &options.separator) }
}

/// Unidecode's ASCII transliteration, packed by build.rs.
static TRANSLITERATIONS: &str = include_str!(concat!(env!("OUT_DIR"), "/unidecode.txt"));
/// Where each code point's text starts in [`TRANSLITERATIONS`] (u32, little-endian).
static TRANSLITERATION_STARTS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/unidecode.idx"));

/// Python's `unicodedata.normalize('NFKC' or 'NFKD', text)` with the
/// Unicode 14 data of Python 3.11, which cookiecutter runs here: characters
/// assigned since then (which newer Unicode may decompose) stay as they are.
fn normalize(text: &str, compose: bool) -> String {
    let run = |run: &str| -> String { if compose { run.nfkc().collect() } else { run.nfkd().collect() } };
    let newer =
        |c: char| !c.is_ascii() && !cached_regex!(r"^\p{age:14.0}$").is_match(c.encode_utf8(&mut [0; 4]));
    if !text.chars().any(newer) {
        return run(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut start = 0;
    for (at, c) in text.char_indices().filter(|&(_, c)| newer(c)) {
        out.push_str(&run(&text[start..at]));
        out.push(c);
        start = at + c.len_utf8();
    }
    out.push_str(&run(&text[start..]));
    out
}

/// text-unidecode's transliteration, which python-slugify uses when the
/// `unidecode` package is not installed (as with cookiecutter's own
/// requirements): each character of the Basic Multilingual Plane by the
/// `unidecode` crate's table entry, corrected where text-unidecode's table
/// differs ([`TEXT_UNIDECODE`]), anything beyond the plane dropped.
fn transliterate(text: &str) -> String {
    let start = |code: usize| {
        let bytes = &TRANSLITERATION_STARTS[4 * code..4 * code + 4];
        u32::from_le_bytes(bytes.try_into().expect("four bytes")) as usize
    };
    text.chars()
        .map(|c| c as usize)
        .filter(|&code| code < 0xFFFF)
        .map(|code| match TEXT_UNIDECODE.binary_search_by_key(&code, |&(at, _)| usize::from(at)) {
            Ok(at) => TEXT_UNIDECODE[at].1,
            Err(_) => &TRANSLITERATIONS[start(code)..start(code + 1)],
        })
        .collect()
}

/// Runs of `'` replaced by `with`.
fn collapse_quotes(text: &str, with: &str) -> String {
    replace_runs(text, |c| c == '\'', with)
}

/// Each longest run of characters in `class` replaced by `with`: python-slugify's
/// `re.sub("[...]+", with, text)` for the classes a loop states plainly.
fn replace_runs(text: &str, class: impl Fn(char) -> bool, with: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_run = false;
    for c in text.chars() {
        if !class(c) {
            out.push(c);
        } else if !in_run {
            out.push_str(with);
        }
        in_run = class(c);
    }
    out
}

/// Drops commas between digits (`1,000` becomes `1000`): Python's
/// `(?<=\d),(?=\d)`, any decimal digit.
fn remove_digit_commas(text: &str) -> String {
    let digit = |c: &char| {
        c.is_ascii_digit()
            || (!c.is_ascii()
                && cached_regex!(r"^[\p{Nd}&&\p{age:14.0}]$").is_match(c.encode_utf8(&mut [0; 4])))
    };
    let chars: Vec<char> = text.chars().collect();
    chars
        .iter()
        .enumerate()
        .filter(|&(i, &c)| {
            !(c == ',' && i > 0 && digit(&chars[i - 1]) && chars.get(i + 1).is_some_and(digit))
        })
        .map(|(_, &c)| c)
        .collect()
}

/// What a numeric reference to a surrogate decodes to: Python makes it a
/// lone surrogate, which no pattern keeps (it is neither a letter nor a
/// digit); a Rust string cannot hold one, so a noncharacter stands in.
const SURROGATE: char = '\u{ffff}';

/// Decodes `&name;`, `&#123;` and `&#x1F;` references as python-slugify's
/// legacy algorithm does: every name of Python's `name2codepoint`; numeric
/// references all or none (one beyond U+10FFFF leaves every reference of
/// its kind as it is, since Python's `chr` raises and the whole pass is
/// skipped).
fn decode_entities(text: &str, options: &Options) -> String {
    let mut text = text.to_owned();
    if !text.contains('&') {
        return text;
    }
    if options.entities {
        text = cached_regex!(r"&([A-Za-z][A-Za-z0-9]*);")
            .replace_all(&text, |caps: &regex::Captures| match named_entity(&caps[1]) {
                Some(c) => c.to_string(),
                None => caps[0].to_owned(),
            })
            .into_owned();
    }
    let numeric = |text: String, pattern: &Regex, radix: u32| -> String {
        let decoded = |digits: &str| -> Option<char> {
            let code = u32::from_str_radix(digits.trim_start_matches('0'), radix)
                .or_else(|err| if digits.trim_start_matches('0').is_empty() { Ok(0) } else { Err(err) })
                .ok()?;
            match code {
                0xD800..=0xDFFF => Some(SURROGATE),
                code => char::from_u32(code),
            }
        };
        if pattern.captures_iter(&text).any(|caps| decoded(&caps[1]).is_none()) {
            return text;
        }
        pattern
            .replace_all(&text, |caps: &regex::Captures| {
                decoded(&caps[1]).map(String::from).unwrap_or_default()
            })
            .into_owned()
    };
    if options.decimal {
        text = numeric(text, cached_regex!(r"&#([0-9]+);"), 10);
    }
    if options.hexadecimal {
        text = numeric(text, cached_regex!(r"&#x([0-9a-fA-F]+);"), 16);
    }
    text
}

/// The character Python's `name2codepoint` gives `name`.
pub(super) fn named_entity(name: &str) -> Option<char> {
    static TABLE: std::sync::LazyLock<std::collections::HashMap<&str, char>> =
        std::sync::LazyLock::new(|| {
            NAME2CODEPOINT
                .split_whitespace()
                .filter_map(|pair| {
                    let (name, code) = pair.split_once(':')?;
                    Some((name, char::from_u32(u32::from_str_radix(code, 16).ok()?)?))
                })
                .collect()
        });
    TABLE.get(name).copied()
}

/// python-slugify's `smart_truncate` with `-` as the separator.
fn smart_truncate(text: &str, max_length: usize, word_boundary: bool, save_order: bool) -> String {
    let text = text.trim_matches('-');
    let length = text.chars().count();
    let head = |n: usize| -> String { text.chars().take(n).collect() };
    if length < max_length {
        return text.to_owned();
    }
    if !word_boundary {
        return head(max_length).trim_matches('-').to_owned();
    }
    if !text.contains('-') {
        return head(max_length);
    }
    let mut truncated = String::new();
    for word in text.split('-').filter(|w| !w.is_empty()) {
        let next = truncated.chars().count() + word.chars().count();
        if next < max_length {
            truncated.push_str(word);
            truncated.push('-');
        } else if next == max_length {
            truncated.push_str(word);
            break;
        } else if save_order {
            break;
        }
    }
    if truncated.is_empty() {
        truncated = head(max_length);
    }
    truncated.trim_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slug(text: &str) -> String {
        slugify(text, &Options::default())
    }

    #[test]
    fn the_packed_table_transliterates_every_character_as_text_unidecode_does() {
        // The `unidecode` crate's table, except where text-unidecode's differs.
        for c in (0..=0x0010_FFFF).filter_map(char::from_u32) {
            let corrected = TEXT_UNIDECODE.iter().find(|&&(code, _)| u32::from(code) == c as u32);
            let expected = corrected.map_or_else(|| unidecode::unidecode_char(c), |&(_, text)| text);
            assert_eq!(transliterate(&c.to_string()), expected, "U+{:04X}", c as u32);
        }
        assert!(TEXT_UNIDECODE.windows(2).all(|pair| pair[0].0 < pair[1].0), "sorted, for the binary search");
        assert_eq!(transliterate("Ærøskøbing 北京"), unidecode::unidecode("Ærøskøbing 北京"));
    }

    #[test]
    fn like_python_slugify() {
        assert_eq!(slug("My Service"), "my-service");
        assert_eq!(slug("Zoë's Unicode Café: déjà vu!"), "zoe-s-unicode-cafe-deja-vu");
        assert_eq!(slug("a__b--c"), "a-b-c");
        assert_eq!(slug("1,000 steps &amp; more"), "1000-steps-more");
        assert_eq!(slug("&#x41;&#66;c"), "abc");
        let options = Options { separator: "_".into(), lowercase: false, ..Options::default() };
        assert_eq!(slugify("Hello World", &options), "Hello_World");
        let options = Options { max_length: 9, word_boundary: true, ..Options::default() };
        assert_eq!(slugify("one two three", &options), "one-two");
        let options = Options { allow_unicode: true, ..Options::default() };
        assert_eq!(slugify("Déjà Vu", &options), "déjà-vu");
    }
}

//! python-slugify's `slugify`, which cookiecutter exposes as a filter, with
//! its options: transliteration to ASCII (or not), HTML entity decoding,
//! lower-casing, stop words, replacements, truncation and the separator.

use regex::Regex;
use unicode_normalization::UnicodeNormalization;

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
    pub max_length: usize,
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

/// Turns `text` into a slug the way python-slugify 8 (legacy algorithm) does.
pub(super) fn slugify(text: &str, options: &Options) -> String {
    let mut text = text.to_owned();
    for (old, new) in &options.replacements {
        text = text.replace(old.as_str(), new);
    }
    text = collapse_quotes(&text, "-");
    text = if options.allow_unicode {
        text.nfkc().collect()
    } else {
        let decomposed: String = text.nfkd().collect();
        if decomposed.is_ascii() { decomposed } else { transliterate(&decomposed) }
    };
    text = decode_entities(&text, options);
    text = if options.allow_unicode { text.nfkc().collect() } else { text.nfkd().collect() };
    if options.lowercase {
        text = text.to_lowercase();
    }
    text = collapse_quotes(&text, "");
    text = remove_digit_commas(&text);
    text = match (&options.regex_pattern, options.allow_unicode) {
        (Some(pattern), _) => pattern.replace_all(&text, "-").into_owned(),
        (None, true) => cached_regex!(r"[\W_]+").replace_all(&text, "-").into_owned(),
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
    if options.max_length > 0 {
        text = smart_truncate(&text, options.max_length, options.word_boundary, options.save_order);
    }
    if options.separator == "-" { text } else { text.replace('-', &options.separator) }
}

/// Unidecode's ASCII transliteration, packed by build.rs.
static TRANSLITERATIONS: &str = include_str!(concat!(env!("OUT_DIR"), "/unidecode.txt"));
/// Where each code point's text starts in [`TRANSLITERATIONS`] (u32, little-endian).
static TRANSLITERATION_STARTS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/unidecode.idx"));

/// The `unidecode` crate's transliteration: each character of the Basic
/// Multilingual Plane by its table entry, anything beyond it dropped.
fn transliterate(text: &str) -> String {
    let start = |code: usize| {
        let bytes = &TRANSLITERATION_STARTS[4 * code..4 * code + 4];
        u32::from_le_bytes(bytes.try_into().expect("four bytes")) as usize
    };
    text.chars()
        .map(|c| c as usize)
        .filter(|&code| code < 0xFFFF)
        .map(|code| &TRANSLITERATIONS[start(code)..start(code + 1)])
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

/// Drops commas between digits (`1,000` becomes `1000`).
fn remove_digit_commas(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    chars
        .iter()
        .enumerate()
        .filter(|&(i, &c)| {
            !(c == ','
                && i > 0
                && chars[i - 1].is_ascii_digit()
                && chars.get(i + 1).is_some_and(char::is_ascii_digit))
        })
        .map(|(_, &c)| c)
        .collect()
}

/// Decodes `&name;`, `&#123;` and `&#x1F;` references as python-slugify does.
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
    let numeric = |text: &str, pattern: &Regex, radix: u32| -> String {
        pattern
            .replace_all(text, |caps: &regex::Captures| {
                u32::from_str_radix(&caps[1], radix)
                    .ok()
                    .and_then(char::from_u32)
                    .map_or_else(|| caps[0].to_owned(), String::from)
            })
            .into_owned()
    };
    if options.decimal {
        text = numeric(&text, cached_regex!(r"&#(\d+);"), 10);
    }
    if options.hexadecimal {
        text = numeric(&text, cached_regex!(r"&#x([\da-fA-F]+);"), 16);
    }
    text
}

/// The HTML 4 named character references templates are likely to contain.
fn named_entity(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "nbsp" => '\u{a0}',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "hellip" => '…',
        "mdash" => '—',
        "ndash" => '–',
        "laquo" => '«',
        "raquo" => '»',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "euro" => '€',
        "pound" => '£',
        "yen" => '¥',
        "cent" => '¢',
        "sect" => '§',
        "deg" => '°',
        "plusmn" => '±',
        "times" => '×',
        "divide" => '÷',
        "middot" => '·',
        "bull" => '•',
        "aacute" => 'á',
        "eacute" => 'é',
        "iacute" => 'í',
        "oacute" => 'ó',
        "uacute" => 'ú',
        "agrave" => 'à',
        "egrave" => 'è',
        "auml" => 'ä',
        "ouml" => 'ö',
        "uuml" => 'ü',
        "Auml" => 'Ä',
        "Ouml" => 'Ö',
        "Uuml" => 'Ü',
        "szlig" => 'ß',
        "ccedil" => 'ç',
        "ntilde" => 'ñ',
        _ => return None,
    })
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
    fn the_packed_table_transliterates_every_character_as_unidecode_does() {
        for c in (0..=0x0010_FFFF).filter_map(char::from_u32) {
            assert_eq!(transliterate(&c.to_string()), unidecode::unidecode_char(c), "U+{:04X}", c as u32);
        }
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

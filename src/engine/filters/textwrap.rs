//! Python's `textwrap.wrap` as Jinja2's `wordwrap` calls it (no tab
//! expansion, whitespace kept, whitespace dropped at line ends, no
//! indents): text split into chunks by `TextWrapper.wordsep_re` (or on
//! whitespace only), then laid out greedily, first fit.

use std::sync::LazyLock;

use regex::Regex;

/// How to wrap: `TextWrapper`'s options that `wordwrap` passes.
#[derive(Debug, Clone, Copy)]
pub(super) struct Wrap {
    pub width: usize,
    pub break_long_words: bool,
    pub break_on_hyphens: bool,
}

/// `textwrap.wrap(text, width, expand_tabs=False, replace_whitespace=False,
/// break_long_words, break_on_hyphens)`: the lines, without line ends.
/// `width` must be at least 1.
pub(super) fn wrap(text: &str, options: Wrap) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let chunks = if options.break_on_hyphens { split_words(&chars) } else { split_spaces(&chars) };
    wrap_chunks(chunks, options)
}

/// textwrap's whitespace: ASCII only, as Python hard-codes it.
fn is_space(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ')
}

/// Python's `\w`: letters, numbers (`str.isalnum()`) and the underscore,
/// as Unicode 14 (Python 3.11's) assigns them.
pub(super) fn is_word(c: char) -> bool {
    static WORD: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^[\p{L}\p{N}_&&\p{age:14.0}]$").expect("static regex"));
    c.is_ascii_alphanumeric() || c == '_' || (!c.is_ascii() && WORD.is_match(c.encode_utf8(&mut [0; 4])))
}

/// Python's `[^\d\W]`: a word character that is not a decimal digit.
fn is_letter(c: char) -> bool {
    static DIGIT: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^[\p{Nd}&&\p{age:14.0}]$").expect("static regex"));
    is_word(c) && !c.is_ascii_digit() && (c.is_ascii() || !DIGIT.is_match(c.encode_utf8(&mut [0; 4])))
}

/// textwrap's `word_punct`: `[\w!"'&.,?]`.
fn is_word_punct(c: char) -> bool {
    is_word(c) || matches!(c, '!' | '"' | '\'' | '&' | '.' | ',' | '?')
}

/// `wordsep_simple_re.split`: runs of whitespace and runs of the rest.
fn split_spaces(chars: &[char]) -> Vec<&[char]> {
    let mut chunks = Vec::new();
    let mut start = 0;
    for at in 1..=chars.len() {
        if at == chars.len() || is_space(chars[at]) != is_space(chars[start]) {
            chunks.push(&chars[start..at]);
            start = at;
        }
    }
    chunks
}

/// `wordsep_re.split`: the chunks its alternatives match, tried in order at
/// each position (every position matches one, so the chunks tile the text).
fn split_words(chars: &[char]) -> Vec<&[char]> {
    let mut chunks = Vec::new();
    let mut at = 0;
    while at < chars.len() {
        let end = match_at(chars, at);
        chunks.push(&chars[at..end]);
        at = end;
    }
    chunks
}

/// Where the `wordsep_re` match starting at `at` ends.
fn match_at(chars: &[char], at: usize) -> usize {
    let get = |i: usize| chars.get(i).copied();
    let is = |i: usize, test: fn(char) -> bool| get(i).is_some_and(test);
    let hyphens_from = |i: usize| i + chars[i..].iter().take_while(|&&c| c == '-').count();
    // Any whitespace.
    if is_space(chars[at]) {
        return at + chars[at..].iter().take_while(|&&c| is_space(c)).count();
    }
    // An em-dash between words: (?<=wp) -{2,} (?=\w)
    if at > 0 && is_word_punct(chars[at - 1]) && get(at) == Some('-') && get(at + 1) == Some('-') {
        let end = hyphens_from(at);
        if is(end, is_word) {
            return end;
        }
    }
    // A word, possibly hyphenated: \S+? followed by one of three endings.
    let word_end = at + chars[at..].iter().take_while(|&&c| !is_space(c)).count();
    for end in at + 1..=word_end {
        // A hyphen after two letters (or letter-hyphen-letter) and before letter(-)letter.
        if get(end) == Some('-') {
            let behind = (end >= 2 && is(end - 2, is_letter) && is(end - 1, is_letter))
                || (end >= 3
                    && is(end - 3, is_letter)
                    && get(end - 2) == Some('-')
                    && is(end - 1, is_letter));
            let ahead = is(end + 1, is_letter)
                && ((get(end + 2) == Some('-') && is(end + 3, is_letter)) || is(end + 2, is_letter));
            if behind && ahead {
                return end + 1;
            }
        }
        // The end of the word.
        if end == word_end {
            return end;
        }
        // Before an em-dash: (?<=wp) (?=-{2,}\w)
        if is_word_punct(chars[end - 1]) && get(end) == Some('-') && get(end + 1) == Some('-') {
            let dashes_end = hyphens_from(end);
            if is(dashes_end, is_word) {
                return end;
            }
        }
    }
    word_end
}

/// `TextWrapper._wrap_chunks` with no indents and `drop_whitespace`. Chunks
/// are slices of the text, so that cutting a long word costs nothing.
fn wrap_chunks(mut chunks: Vec<&[char]>, options: Wrap) -> Vec<String> {
    let blank = |chunk: &[char]| chunk.iter().all(|&c| super::args::is_py_space(c));
    let width = options.width;
    let mut lines: Vec<String> = Vec::new();
    chunks.reverse();
    while !chunks.is_empty() {
        let mut line: Vec<&[char]> = Vec::new();
        let mut len = 0;
        // A line does not start with whitespace, except the very first.
        if !lines.is_empty() && chunks.last().is_some_and(|c| blank(c)) {
            chunks.pop();
        }
        while let Some(chunk) = chunks.last() {
            if len + chunk.len() > width {
                break;
            }
            len += chunk.len();
            line.push(chunks.pop().expect("a chunk"));
        }
        if chunks.last().is_some_and(|c| c.len() > width) {
            handle_long_word(&mut chunks, &mut line, len, options);
        }
        if line.last().is_some_and(|c| blank(c)) {
            line.pop();
        }
        if !line.is_empty() {
            lines.push(line.concat().into_iter().collect());
        }
    }
    lines
}

/// `TextWrapper._handle_long_word`: a chunk too long for any line is cut
/// to fill this one (after its last fitting hyphen when breaking on
/// hyphens), or put whole on an empty line when long words stay whole.
fn handle_long_word<'a>(chunks: &mut Vec<&'a [char]>, line: &mut Vec<&'a [char]>, len: usize, options: Wrap) {
    let space_left = if options.width < 1 { 1 } else { options.width - len };
    if options.break_long_words {
        let chunk = chunks.pop().expect("a long chunk");
        let mut end = space_left;
        // After the last hyphen that fits, when something other than hyphens precedes it.
        let hyphen = chunk[..space_left.min(chunk.len())].iter().rposition(|&c| c == '-');
        let breakable = |&h: &usize| {
            options.break_on_hyphens
                && chunk.len() > space_left
                && h > 0
                && chunk[..h].iter().any(|&c| c != '-')
        };
        if let Some(hyphen) = hyphen.filter(breakable) {
            end = hyphen + 1;
        }
        let end = end.min(chunk.len());
        line.push(&chunk[..end]);
        if end < chunk.len() {
            chunks.push(&chunk[end..]);
        }
    } else if line.is_empty() {
        line.push(chunks.pop().expect("a long chunk"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        split_words(&chars).into_iter().map(|c| c.iter().collect()).collect()
    }

    #[test]
    fn splits_like_wordsep_re() {
        // The example in textwrap's own source.
        assert_eq!(
            split("Hello there -- you goof-ball, use the -b option!"),
            [
                "Hello", " ", "there", " ", "--", " ", "you", " ", "goof-", "ball,", " ", "use", " ", "the",
                " ", "-b", " ", "option!"
            ]
        );
        assert_eq!(split("a-b-c x--y"), ["a-b-c", " ", "x", "--", "y"]);
    }

    #[test]
    fn wraps_greedily() {
        let options = Wrap { width: 10, break_long_words: true, break_on_hyphens: true };
        assert_eq!(wrap("The quick brown fox jumps", options), ["The quick", "brown fox", "jumps"]);
        assert_eq!(wrap("   ", options), Vec::<String>::new());
        // A long word is cut without copying what is left of it, line after line.
        let word = "x".repeat(200_000);
        let narrow = Wrap { width: 1, ..options };
        assert_eq!(wrap(&word, narrow).len(), 200_000);
    }
}

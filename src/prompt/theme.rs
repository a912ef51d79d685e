//! How a question looks at the terminal: dialoguer's colourful theme, with
//! the question's place (`[2/5]`) and the keys to use while it is asked,
//! neither of them in the answered line; a cursor that shows without
//! colour; and every line broken between words at the terminal's width,
//! with the breaks written out, so that dialoguer, which counts the lines
//! it wrote to clear them, clears all of them.

use std::fmt::{self, Write};

use console::{StyledObject, measure_text_width, style};
use dialoguer::theme::{ColorfulTheme, Theme};

use crate::model::Answer;

/// The theme for one question.
pub(super) struct QuestionTheme {
    base: ColorfulTheme,
    /// `[n/total] `, or nothing.
    progress: String,
    /// The keys to use, shown while the question is asked.
    keys: &'static str,
    /// Columns a line may take.
    width: usize,
    /// What Enter answers a text question with, shown in its prompt.
    default: Option<String>,
}

impl QuestionTheme {
    pub(super) fn new(
        progress: Option<(usize, usize)>,
        keys: &'static str,
        columns: usize,
        default: Option<String>,
    ) -> QuestionTheme {
        QuestionTheme {
            base: ColorfulTheme::default(),
            progress: progress.map(|(n, total)| format!("[{n}/{total}] ")).unwrap_or_default(),
            keys,
            // One column short of the edge: a full line would leave the cursor pending a wrap.
            width: columns.saturating_sub(1).max(20),
            default,
        }
    }

    /// `? [n/total] prompt (keys) after`, broken at the width.
    fn question(&self, f: &mut dyn Write, prompt: &str, after: &str, end_with_space: bool) -> fmt::Result {
        let mut text = format!(
            "{} {}{}",
            self.base.prompt_prefix,
            self.base.hint_style.apply_to(&self.progress),
            self.base.prompt_style.apply_to(prompt)
        );
        if !self.keys.is_empty() {
            text.push_str(&format!(" {}", self.base.hint_style.apply_to(self.keys)));
        }
        text.push_str(&format!(" {after}"));
        f.write_str(&wrap(&text, self.width).join("\n"))?;
        if end_with_space { f.write_char(' ') } else { Ok(()) }
    }

    /// `✔ prompt · value`: the answered line, without place or keys.
    pub(super) fn answered(&self, prompt: &str, value: &str) -> String {
        let text = format!(
            "{} {} {} {}",
            self.base.success_prefix,
            self.base.prompt_style.apply_to(prompt),
            self.base.success_suffix,
            self.base.values_style.apply_to(value)
        );
        wrap(&text, self.width).join("\n")
    }

    /// `✘ reason`, or `! reason` for a warning, broken at the width with
    /// the lines after the first indented under the text.
    pub(super) fn notice(&self, warning: bool, text: &str) -> Vec<String> {
        let mark: StyledObject<&str> =
            if warning { style("!").yellow().for_stderr() } else { style("✘").red().for_stderr() };
        let mut lines = wrap(text, self.width.saturating_sub(2));
        for (i, line) in lines.iter_mut().enumerate() {
            let styled = if warning { style(line.as_str()).yellow() } else { style(line.as_str()).red() };
            *line = if i == 0 {
                format!("{mark} {}", styled.for_stderr())
            } else {
                format!("  {}", styled.for_stderr())
            };
        }
        lines
    }

    /// A question's help, dimmed and indented.
    pub(super) fn help(&self, text: &str) -> Vec<String> {
        wrap(text, self.width.saturating_sub(2))
            .into_iter()
            .map(|line| format!("  {}", style(line).dim().for_stderr()))
            .collect()
    }

    /// An item of a list cut to fit on its line (dialoguer clears one line per item).
    fn fit(&self, text: &str) -> String {
        let room = self.width.saturating_sub(4);
        if measure_text_width(text) <= room {
            return text.to_owned();
        }
        let mut cut: String = text.chars().take(room.saturating_sub(1)).collect();
        while measure_text_width(&cut) > room.saturating_sub(1) {
            cut.pop();
        }
        cut.push('…');
        cut
    }
}

impl Theme for QuestionTheme {
    fn format_prompt(&self, f: &mut dyn Write, prompt: &str) -> fmt::Result {
        self.question(f, prompt, &self.base.prompt_suffix.to_string(), false)
    }

    fn format_input_prompt(&self, f: &mut dyn Write, prompt: &str, default: Option<&str>) -> fmt::Result {
        let after = match default.or(self.default.as_deref()) {
            Some(default) => format!(
                "{} {}",
                self.base.hint_style.apply_to(format!("({default})")),
                self.base.prompt_suffix
            ),
            None => self.base.prompt_suffix.to_string(),
        };
        self.question(f, prompt, &after, true)
    }

    fn format_input_prompt_selection(&self, f: &mut dyn Write, prompt: &str, sel: &str) -> fmt::Result {
        f.write_str(&self.answered(prompt, sel))
    }

    fn format_confirm_prompt(&self, f: &mut dyn Write, prompt: &str, default: Option<bool>) -> fmt::Result {
        let mut after = format!("{} {}", self.base.hint_style.apply_to("(y/n)"), self.base.prompt_suffix);
        if let Some(default) = default {
            after.push_str(&format!(
                " {}",
                self.base.defaults_style.apply_to(if default { "yes" } else { "no" })
            ));
        }
        self.question(f, prompt, &after, false)
    }

    fn format_confirm_prompt_selection(
        &self,
        f: &mut dyn Write,
        prompt: &str,
        sel: Option<bool>,
    ) -> fmt::Result {
        f.write_str(&self.answered(prompt, sel.map_or("", |yes| if yes { "yes" } else { "no" })))
    }

    fn format_password_prompt(&self, f: &mut dyn Write, prompt: &str) -> fmt::Result {
        self.question(f, prompt, &self.base.prompt_suffix.to_string(), true)
    }

    fn format_password_prompt_selection(&self, f: &mut dyn Write, prompt: &str) -> fmt::Result {
        f.write_str(&self.answered(prompt, "********"))
    }

    fn format_select_prompt_selection(&self, f: &mut dyn Write, prompt: &str, sel: &str) -> fmt::Result {
        f.write_str(&self.answered(prompt, sel))
    }

    fn format_multi_select_prompt_selection(
        &self,
        f: &mut dyn Write,
        prompt: &str,
        selections: &[&str],
    ) -> fmt::Result {
        f.write_str(&self.answered(prompt, &selections.join(", ")))
    }

    fn format_select_prompt_item(&self, f: &mut dyn Write, text: &str, active: bool) -> fmt::Result {
        self.base.format_select_prompt_item(f, &self.fit(text), active)
    }

    /// `❯ ✔ item`: the cursor is a mark of its own, not only a colour, so
    /// that it shows with `NO_COLOR` too.
    fn format_multi_select_prompt_item(
        &self,
        f: &mut dyn Write,
        text: &str,
        checked: bool,
        active: bool,
    ) -> fmt::Result {
        let cursor = if active { &self.base.active_item_prefix } else { &self.base.inactive_item_prefix };
        write!(f, "{cursor} ")?;
        self.base.format_multi_select_prompt_item(f, &self.fit(text), checked, active)
    }
}

/// `text` broken between words into lines of at most `width` columns (a
/// word longer than a line is cut); escape sequences take no width.
pub(super) fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split(' ').filter(|w| !w.is_empty()) {
            let (used, needed) = (measure_text_width(&line), measure_text_width(word));
            if !line.is_empty() && used + 1 + needed > width {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
            while measure_text_width(&line) > width {
                // One word wider than a line: cut it where the line ends.
                let mut head = String::new();
                let mut rest = line.chars();
                for c in rest.by_ref() {
                    head.push(c);
                    if measure_text_width(&head) >= width {
                        break;
                    }
                }
                lines.push(head);
                line = rest.collect();
            }
        }
        lines.push(line);
    }
    lines
}

/// What Enter does without a default, said when it is pressed.
pub(super) const NEEDS_AN_ANSWER: &str = "an answer is needed: this question has no default";

/// An answer as one line: a text's first line, and how many follow.
pub(super) fn shown(answer: &Answer) -> String {
    match answer {
        Answer::String(text) if text.contains('\n') => {
            let mut lines = text.lines();
            let first = lines.next().unwrap_or_default();
            match lines.count() {
                0 => first.to_owned(),
                1 => format!("{first} … (1 more line)"),
                more => format!("{first} … ({more} more lines)"),
            }
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wraps_between_words() {
        assert_eq!(wrap("one two three four", 9), ["one two", "three", "four"]);
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("a\n\nb", 10), ["a", "", "b"]);
        assert_eq!(wrap("\u{1b}[1mbold words\u{1b}[0m here", 10), ["\u{1b}[1mbold words\u{1b}[0m", "here"]);
    }
}

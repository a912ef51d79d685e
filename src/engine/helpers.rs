//! Global helpers and what makes them repeatable: `uuid4()`,
//! `random_ascii_string()` and the `{% now %}` tag, rewritten into a function
//! call because minijinja has no custom tags.

use minijinja::value::Kwargs;
use minijinja::{Error, State};

/// What makes rendering repeatable: a frozen clock and a seed for the
/// random helpers. Both unset means the real clock and fresh randomness.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Determinism {
    /// Seconds since the Unix epoch that `now` reports (`SOURCE_DATE_EPOCH`).
    pub epoch: Option<i64>,
    /// Seed of `uuid4()` and `random_ascii_string()`.
    pub seed: Option<u64>,
}

/// Where `uuid4()` and `random_ascii_string()` draw from. With a seed, each
/// render gets a generator of its own, seeded from the seed, the template's
/// name and how many renders of that name came before (a file's name renders
/// before its contents), so that the draws do not depend on the order in
/// which, or the thread on which, files are rendered.
struct RandomSource {
    seed: Option<u64>,
    renders: std::sync::Mutex<std::collections::HashMap<String, u64>>,
}

/// The generator of the render in progress, kept in the render's state.
struct RenderRng(fastrand::Rng);

impl RandomSource {
    fn rng<'s>(&self, state: &'s mut State) -> &'s mut fastrand::Rng {
        if state.get_extension::<RenderRng>().is_none() {
            let rng = match self.seed {
                None => fastrand::Rng::new(),
                Some(seed) => {
                    let mut renders = self.renders.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                    let earlier = renders.entry(state.name().to_owned()).or_insert(0);
                    *earlier += 1;
                    fastrand::Rng::with_seed(fnv1a(seed, state.name().bytes().chain(earlier.to_le_bytes())))
                }
            };
            state.get_or_insert_extension(RenderRng(rng));
        }
        &mut state.get_extension_mut::<RenderRng>().expect("inserted above").0
    }
}

/// FNV-1a over `bytes`, started from `seed`: a stable way to derive seeds.
pub(crate) fn fnv1a(seed: u64, bytes: impl Iterator<Item = u8>) -> u64 {
    bytes.fold(0xcbf2_9ce4_8422_2325 ^ seed, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x100_0000_01b3)
    })
}

/// Registers cookiecutter's global helpers: `uuid4()`, `random_ascii_string()`
/// and the function `{% now %}` tags are rewritten into.
pub(crate) fn add_helpers(env: &mut minijinja::Environment, determinism: Determinism) {
    let random =
        std::sync::Arc::new(RandomSource { seed: determinism.seed, renders: std::sync::Mutex::default() });
    let uuid_random = std::sync::Arc::clone(&random);
    let pick_random = std::sync::Arc::clone(&random);
    env.add_function("uuid4", move |state: &mut State| {
        let mut bytes = [0u8; 16];
        uuid_random.rng(state).fill(&mut bytes);
        bytes[6] = (bytes[6] & 0x0f) | 0x40;
        bytes[8] = (bytes[8] & 0x3f) | 0x80;
        let hex: String = bytes.iter().fold(String::new(), |mut hex, b| {
            hex.push_str(&format!("{b:02x}"));
            hex
        });
        format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
    });
    env.add_function(
        "random_ascii_string",
        move |state: &mut State, length: usize, punctuation: Option<bool>, kwargs: Kwargs| {
            const LETTERS: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
            const PUNCTUATION: &str = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
            let punctuation = match punctuation {
                Some(p) => p,
                None => kwargs.get::<Option<bool>>("punctuation")?.unwrap_or(false),
            };
            kwargs.assert_all_used()?;
            super::python::check_width("random_ascii_string", length)?;
            let corpus: Vec<char> = if punctuation {
                LETTERS.chars().chain(PUNCTUATION.chars()).collect()
            } else {
                LETTERS.chars().collect()
            };
            let rng = random.rng(state);
            Ok::<_, Error>((0..length).map(|_| corpus[rng.usize(..corpus.len())]).collect::<String>())
        },
    );
    // Jinja2's `random` filter: one item of a sequence (a character of a string), drawn like the
    // helpers above, so that a seeded run (`stamp check`) repeats.
    env.add_filter("random", move |state: &mut State, value: minijinja::Value| {
        let items: Vec<minijinja::Value> = match value.as_str() {
            Some(text) => text.chars().map(|c| minijinja::Value::from(c.to_string())).collect(),
            None => value.try_iter()?.collect(),
        };
        if items.is_empty() {
            return Err(Error::new(minijinja::ErrorKind::InvalidOperation, "random: the sequence is empty"));
        }
        let rng = pick_random.rng(state);
        Ok(items[rng.usize(..items.len())].clone())
    });
    env.add_function(
        NOW_FUNCTION,
        move |timezone: &str, operator: &str, offset: &str, format: Option<&str>| {
            now(determinism.epoch, timezone, operator, offset, format.unwrap_or("%Y-%m-%d"))
        },
    );
}

/// The function `{% now %}` tags become (not meant to be called by templates).
const NOW_FUNCTION: &str = "__stamp_now";

fn now(
    epoch: Option<i64>,
    timezone: &str,
    operator: &str,
    offset: &str,
    format: &str,
) -> Result<String, Error> {
    use chrono::{DateTime, Duration, FixedOffset, Local, Utc};
    let invalid = |detail: String| Error::new(minijinja::ErrorKind::InvalidOperation, detail);
    let utc: DateTime<Utc> = match epoch {
        Some(seconds) => DateTime::from_timestamp(seconds, 0)
            .ok_or_else(|| invalid("SOURCE_DATE_EPOCH is out of range".into()))?,
        None => Utc::now(),
    };
    let mut moment: DateTime<FixedOffset> = match timezone.to_ascii_lowercase().as_str() {
        "utc" | "etc/utc" | "gmt" | "etc/gmt" | "z" | "zulu" | "universal" => utc.fixed_offset(),
        // A frozen clock reads the same everywhere: local time is UTC then.
        "local" if epoch.is_some() => utc.fixed_offset(),
        "local" => utc.with_timezone(&Local).fixed_offset(),
        other => {
            return Err(invalid(format!(
                "timezone {other:?} is not supported by `now` (use 'utc' or 'local')"
            )));
        }
    };
    if !offset.is_empty() {
        for part in offset.split(',') {
            let (unit, amount) = part
                .split_once('=')
                .ok_or_else(|| invalid(format!("bad offset {part:?} in `now` (expected unit=amount)")))?;
            let amount: f64 =
                amount.trim().parse().map_err(|_| invalid(format!("bad offset amount in {part:?}")))?;
            let amount = if operator == "-" { -amount } else { amount };
            let seconds_per_unit = match unit.trim() {
                "weeks" => 604_800.0,
                "days" => 86_400.0,
                "hours" => 3_600.0,
                "minutes" => 60.0,
                "seconds" => 1.0,
                other => return Err(invalid(format!("offset unit {other:?} is not supported by `now`"))),
            };
            // The cast saturates; a moment beyond the calendar's range is refused below.
            #[allow(clippy::cast_possible_truncation)]
            let milliseconds = (amount * seconds_per_unit * 1000.0).round() as i64;
            moment = Duration::try_milliseconds(milliseconds)
                .and_then(|offset| moment.checked_add_signed(offset))
                .ok_or_else(|| invalid(format!("the offset {part:?} leaves the calendar's range")))?;
        }
    }
    let mut out = String::new();
    std::fmt::Write::write_fmt(&mut out, format_args!("{}", moment.format(format)))
        .map_err(|_| invalid(format!("bad date format {format:?}")))?;
    Ok(out)
}

/// Whether some `{%` opens a `now` tag: a cheap test that spares most
/// sources the compiling and running of the tag regex.
fn holds_now_tag(source: &str) -> bool {
    memchr::memmem::find_iter(source.as_bytes(), "{%").any(|at| {
        let rest = &source[at + 2..];
        let rest = rest.strip_prefix('-').unwrap_or(rest).trim_start();
        rest.strip_prefix("now").is_some_and(|after| after.starts_with(char::is_whitespace))
    })
}

/// Rewrites `jinja2_time`'s `{% now 'utc' [+|- 'days=1'] [, '%Y'] %}` tags,
/// which minijinja cannot parse, into calls of an equivalent function.
/// Text without `now` tags is returned unchanged (and unallocated). With
/// `trim_blocks`, a block tag such as `{% now %}` also removes the newline
/// right after it.
pub(crate) fn rewrite_now_tags(source: &str, trim_blocks: bool) -> std::borrow::Cow<'_, str> {
    static TAG: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r#"\{%(-?)\s*now\s+('[^']*'|"[^"]*")\s*(?:([+-])\s*('[^']*'|"[^"]*"))?\s*(?:,\s*(.*?))?\s*(-?)%\}(\n?)"#,
        )
        .expect("static regex")
    });
    if !holds_now_tag(source) {
        return std::borrow::Cow::Borrowed(source);
    }
    TAG.replace_all(source, |caps: &regex::Captures| {
        let operator = caps.get(3).map_or("", |m| m.as_str());
        let offset = caps.get(4).map_or("''", |m| m.as_str());
        let format = caps.get(5).map_or("none", |m| m.as_str());
        let newline = if trim_blocks { "" } else { &caps[7] };
        format!(
            "{{{{{} {NOW_FUNCTION}({}, '{operator}', {offset}, {format}) {}}}}}{newline}",
            &caps[1], &caps[2], &caps[6]
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(determinism: Determinism) -> minijinja::Environment<'static> {
        let mut env = minijinja::Environment::new();
        add_helpers(&mut env, determinism);
        env
    }

    #[test]
    fn now_tags_are_rewritten_and_frozen() {
        let frozen = env(Determinism { epoch: Some(86_400 * 365), seed: None });
        let render = |src: &str| frozen.render_str(&rewrite_now_tags(src, false), ()).unwrap();
        assert_eq!(render("{% now 'utc' %}"), "1971-01-01");
        assert_eq!(render("{% now 'local', '%Y' %}!"), "1971!");
        assert_eq!(render("{% now 'utc' - 'days=1', '%d %b' %}"), "31 Dec");
        assert_eq!(render("{%- now \"utc\" + 'hours=36' -%}"), "1971-01-02");
        assert_eq!(render("{%now\t'utc', '%Y'%}"), "1971");
        assert_eq!(rewrite_now_tags("nothing to see", false), "nothing to see");
        for source in ["{% if known %}", "{% nowhere %}", "{{ now }}", "now"] {
            assert!(!holds_now_tag(source), "{source}");
        }
    }

    #[test]
    fn seeded_draws_do_not_depend_on_the_order_of_renders() {
        let seeded = Determinism { epoch: None, seed: Some(7) };
        let render = |env: &minijinja::Environment, name: &str| {
            let source =
                "{{ uuid4() }} {{ random_ascii_string(8) }} {{ 'abcdefghij'|random }} {{ range(99)|random }}";
            env.render_named_str(name, source, ()).unwrap()
        };
        let (one, two) = (env(seeded), env(seeded));
        let (a, b) = (render(&one, "a"), render(&one, "b"));
        assert_eq!(render(&two, "b"), b);
        assert_eq!(render(&two, "a"), a);
        assert_ne!(a, b);
        assert_ne!(render(&one, "a"), a, "a second render of a name draws afresh");
    }

    #[test]
    fn a_seed_makes_random_helpers_repeatable() {
        let seeded = Determinism { epoch: None, seed: Some(7) };
        let source = "{{ uuid4() }} {{ random_ascii_string(12) }} {{ random_ascii_string(5, true) }}";
        let first = env(seeded).render_str(source, ()).unwrap();
        assert_eq!(first, env(seeded).render_str(source, ()).unwrap());
        let uuid = first.split(' ').next().unwrap();
        assert_eq!(uuid.len(), 36);
        assert_eq!(&uuid[14..15], "4");
    }
}

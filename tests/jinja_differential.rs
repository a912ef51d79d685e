//! Differential test: Jinja2's filters and tests and cookiecutter's `slugify`, as stamp renders
//! them and as real Jinja2 (cookiecutter 2.7.1's environment) renders them.
//!
//! Each case is a template snippet. All cases render in one project context, built from one
//! `cookiecutter.json` ([`CONTEXT`]): by stamp, through [`stamp::render_project`] and
//! [`stamp::Rendered::render_str`], as a project's files are rendered; and by the reference,
//! `python3 tests/jinja_reference.py`, once per table (cookiecutter's own `generate_context`,
//! `prompt_for_config` and environment). When Jinja2 renders a case, stamp must render the same
//! bytes; when Jinja2 fails, stamp must fail too. Every differing case is reported in one failure.
//!
//! The tables:
//! - [`FILTER_CASES`]: every builtin filter and test cookiecutter templates use, with positional
//!   and keyword arguments, defaults, edge cases, Python's printf formatting (`format`), and
//!   undefined values (which Jinja2's `StrictUndefined` refuses);
//! - [`slugify_cases`]: python-slugify (legacy algorithm, text-unidecode transliteration, as
//!   cookiecutter 2.7.1 installs it) over a generated corpus: every entity name of Python's
//!   `html.entities.name2codepoint`, numeric references across the code space, unicode (also
//!   characters newer than Python 3.11's Unicode 14), separators, `max_length`,
//!   `word_boundary`, `save_order`, stop words, replacements, `regex_pattern`, positional arguments;
//! - [`transliteration_cases`]: every character of the Basic Multilingual Plane through `slugify`.
//!
//! Left out on purpose, where stamp differs from Jinja2 (each named in the project's notes):
//! printing a generator (`{{ x | select }}`; Jinja2 prints `<generator object ...>`), `urlize`
//! (not provided: an unknown filter), `attr` on a mapping (minijinja looks items up), bound
//! methods as values (`'x'.upper is callable`), HTML 5-only entity names in `striptags`, minijinja's
//! own extra filters and tests (`startingwith`, `split`, ...), which Jinja2 does not know, and
//! Python's `%` operator on strings, which minijinja 3.1 cannot be taught.
//!
//! Tools: `python3` with cookiecutter 2.7.1 on PATH (`bash scripts/test` installs
//! tests/requirements.txt into .tools/venv and puts it first). A missing tool fails the test.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;

use stamp::{Determinism, Given, Limits, NoPrompter, SourceTree, TemplateSource, render_project};

/// The answers every case can read, as `cookiecutter.<name>`. Private (`_`) entries keep
/// their JSON types; public ones are strings, as cookiecutter makes them.
const CONTEXT: &str = r#"{
    "project": "demo",
    "name": "Hello World",
    "_n": 42,
    "_neg": -7,
    "_f": 3.14159,
    "_half": 2.5,
    "_big": 1234567890,
    "_t": true,
    "_no": false,
    "_empty": "",
    "_none": null,
    "_words": ["banana", "Apple", "cherry", "apple", "Banana"],
    "_nums": [3, 1, 2, 3, 10],
    "_floats": [1.5, 2.25, -0.5],
    "_users": [
        {"name": "bob", "age": 31, "team": "b", "email": "bob@x.org"},
        {"name": "alice", "age": 25, "team": "a"},
        {"name": "Carol", "age": 31, "team": "b", "email": ""}
    ],
    "_d": {"b": 2, "a": 1, "C": 3},
    "_html": "<p>Hello <b>World</b></p>\n  <br/>  end &amp; more <!-- c --> x",
    "_long": "The quick brown fox jumps over the lazy dog. A-very-long-hyphenated-word-that-goes-on and supercalifragilisticexpialidocious text -- with dashes, well-known e-mail and a  double  space.",
    "_lines": "first line\n\n  indented\nlast\n",
    "_crlf": "one\r\ntwo\rthree\n\nfour",
    "_tabs": "a\tb  c\n\nd\t\te",
    "_blank_first": "\nsecond\n\n",
    "_spaces": "   ",
    "_unicode": "Zoë's Café — naïve résumé ñandú 北京 Ærøskøbing",
    "_numstr": "42",
    "_floatstr": "42.23",
    "_hex": "0x1A",
    "_bin": "0b101",
    "_oct": "0o17",
    "_ws_num": "  7  "
}"#;

/// Filters and tests as cookiecutter templates use them. `L`, `W`, ... are set by
/// [`PRELUDE`].
const FILTER_CASES: &[&str] = &[
    // wordwrap(width=79, break_long_words=True, wrapstring=None, break_on_hyphens=True)
    "{{ L | wordwrap }}",
    "{{ L | wordwrap(20) }}",
    "{{ L | wordwrap(30) }}",
    "{{ L | wordwrap(119) }}",
    "{{ L | wordwrap(10, false) }}",
    "{{ L | wordwrap(10, true, '|') }}",
    "{{ L | wordwrap(12, true, none, false) }}",
    "{{ L | wordwrap(12, break_on_hyphens=false) }}",
    "{{ L | wordwrap(width=15, wrapstring='\\n# ') }}",
    "{{ L | wordwrap(7) }}",
    "{{ L | wordwrap(3) }}",
    "{{ L | wordwrap(1) }}",
    "{{ L | wordwrap(0) }}",
    "{{ 'aaaa-bbbb-cccc-dddd' | wordwrap(9) }}",
    "{{ 'aaaa-bbbb-cccc-dddd' | wordwrap(6) }}",
    "{{ '--aaaa bb--cc a-b-c x--y' | wordwrap(4) }}",
    "{{ 'word--word word-- --word' | wordwrap(5) }}",
    "{{ 'a-b-c-d-e-f-g-h-i-j' | wordwrap(4) }}",
    "{{ 'ab-cd-ef-gh ab2-cd x-y-z' | wordwrap(5) }}",
    "{{ '  leading spaces and trailing   ' | wordwrap(10) }}",
    "{{ cookiecutter._lines | wordwrap(5) }}",
    "{{ cookiecutter._crlf | wordwrap(3) }}",
    "{{ cookiecutter._tabs | wordwrap(4) }}",
    "{{ cookiecutter._spaces | wordwrap(2) }}",
    "{{ cookiecutter._unicode | wordwrap(8) }}",
    "{{ cookiecutter._empty | wordwrap }}",
    "{{ 'x\\n' | wordwrap }}|",
    "{{ 'Über-lange Wörter-kette, naïve-ness' | wordwrap(6) }}",
    "{{ 'one.two,three!four?five' | wordwrap(5) }}",
    "{{ 'hello--world' | wordwrap(7) }}",
    "{{ 'a\u{b}b\u{c}c\u{1c}d\u{85}e\u{2028}f' | wordwrap(1) }}",
    "{{ L | wordwrap(10, wrapstring='<br>') }}",
    "{% filter wordwrap(12) %}{{ L }}{% endfilter %}",
    // indent(width=4, first=False, blank=False)
    "{{ cookiecutter._lines | indent }}",
    "{{ cookiecutter._lines | indent(2) }}",
    "{{ cookiecutter._lines | indent(2, true) }}",
    "{{ cookiecutter._lines | indent(2, true, true) }}",
    "{{ cookiecutter._lines | indent(2, blank=true) }}",
    "{{ cookiecutter._lines | indent(first=true) }}",
    "{{ cookiecutter._lines | indent('> ') }}",
    "{{ cookiecutter._lines | indent('> ', true, true) }}",
    "{{ cookiecutter._blank_first | indent(3) }}",
    "{{ cookiecutter._blank_first | indent(3, true) }}",
    "{{ cookiecutter._blank_first | indent(3, true, true) }}",
    "{{ cookiecutter._crlf | indent(2) }}",
    "{{ cookiecutter._empty | indent(2, true) }}|",
    "{{ cookiecutter._empty | indent(2, true, true) }}|",
    "{{ 'a\\n' | indent(2) }}|",
    "{{ 'a\\n\\n' | indent(2, blank=true) }}|",
    "{{ 'a\\n \\nb' | indent(2) }}|",
    "{{ 'a\\u2028b\\x0cc' | indent(1) }}|",
    "{{ cookiecutter._lines | indent(0) }}",
    "{{ cookiecutter._lines | indent(-2) }}",
    "{% filter indent(4, true) %}line one\nline two\n{% endfilter %}",
    "{{ cookiecutter._n | indent }}",
    // center(width=80)
    "[{{ 'abc' | center }}]",
    "[{{ 'abc' | center(10) }}]",
    "[{{ 'ab' | center(9) }}]",
    "[{{ 'abcdef' | center(3) }}]",
    "[{{ 'x' | center(width=4) }}]",
    "[{{ cookiecutter._n | center(6) }}]",
    // truncate(length=255, killwords=False, end='...', leeway=None)
    "{{ L | truncate }}",
    "{{ L | truncate(20) }}",
    "{{ L | truncate(20, true) }}",
    "{{ L | truncate(20, false, '>>') }}",
    "{{ L | truncate(20, false, '', 0) }}",
    "{{ 'foo bar baz qux' | truncate(9) }}",
    "{{ 'foo bar baz qux' | truncate(9, true) }}",
    "{{ 'foo bar baz qux' | truncate(11) }}",
    "{{ 'foo bar baz qux' | truncate(11, false, '...', 0) }}",
    "{{ 'foobarbazqux' | truncate(6, leeway=0) }}",
    "{{ 'foo bar' | truncate(2) }}",
    "{{ 'foo bar baz qux' | truncate(length=10, end='~', leeway=1) }}",
    "{{ cookiecutter._unicode | truncate(12, leeway=0) }}",
    // wordcount, title, capitalize, upper, lower
    "{{ L | wordcount }}",
    "{{ cookiecutter._unicode | wordcount }}",
    "{{ 'a_b c-d e.f 12 3,4' | wordcount }}",
    "{{ cookiecutter._empty | wordcount }}",
    "{{ 'hello wORLD foo-bar o\\'neil x1y 2nd' | title }}",
    "{{ 'hello   world\\tfoo\\nbar' | title }}",
    "{{ '(hello) [world] {x} \"quoted\" <tag>' | title }}",
    "{{ cookiecutter._unicode | title }}",
    "{{ 'hELLO wORLD' | capitalize }}",
    "{{ cookiecutter._unicode | capitalize }}",
    "{{ cookiecutter._unicode | upper }}{{ cookiecutter._unicode | lower }}",
    "{{ 'ß ǆ ﬁ' | upper }}|{{ 'İ' | lower | length }}",
    "{{ 'ǆemal ǅx' | capitalize }}|{{ 'ǆemal hello-world ﬁne' | title }}|{{ 'ßtraße x' | title }}|{{ 'ʼn' | capitalize }}",
    "{{ 42 | title }}|{{ none | capitalize }}|{{ [1] | upper }}",
    // replace(old, new, count=None)
    "{{ 'aaaa' | replace('a', 'b') }}",
    "{{ 'aaaa' | replace('a', 'b', 2) }}",
    "{{ 'aaaa' | replace('a', 'b', 0) }}",
    "{{ 'aaaa' | replace('a', 'b', -1) }}",
    "{{ 'abc' | replace('', '-') }}",
    "{{ 'abc' | replace('', '-', 2) }}",
    "{{ 'a.b.c' | replace('.', '/', count=1) }}",
    "{{ cookiecutter._n | replace('2', 'x') }}",
    // round(precision=0, method='common')
    "{{ 2.5 | round }} {{ 3.5 | round }} {{ -2.5 | round }} {{ 0.5 | round }}",
    "{{ 2.675 | round(2) }} {{ 1.005 | round(2) }}",
    "{{ 3.14159 | round(3, 'floor') }} {{ 3.14159 | round(3, 'ceil') }}",
    "{{ -3.14159 | round(1, 'floor') }} {{ -3.14159 | round(1, 'ceil') }}",
    "{{ 42 | round }} {{ 42 | round(2) }} {{ 1234 | round(-2) }} {{ 1250 | round(-2) }}",
    "{{ 1234.5678 | round(-2) }} {{ 1234.5678 | round(-2, 'floor') }}",
    "{{ cookiecutter._f | round(2) }} {{ cookiecutter._half | round }}",
    "{{ 2.5 | round(method='floor') }} {{ 2.5 | round(precision=0, method='ceil') }}",
    "{{ 2.5 | round(0, 'banana') }}",
    "{{ 1e300 | round(2) }} {{ 1e16 | round }}",
    "{{ 7 | round(0, 'floor') }} {{ -7 | round(1, 'ceil') }}",
    // int(default=0, base=10), float(default=0.0)
    "{{ '42' | int }} {{ '42.23' | int }} {{ 'x' | int }} {{ 'x' | int(7) }} {{ 'x' | int(default=-1) }}",
    "{{ '0x1A' | int(0, 16) }} {{ '1A' | int(0, 16) }} {{ '0b101' | int(0, 2) }} {{ '0o17' | int(base=8) }}",
    "{{ '0x1A' | int(base=0) }} {{ '017' | int(base=0) }} {{ '0' | int(base=0) }} {{ '1_000' | int }}",
    "{{ '  7  ' | int }} {{ '+5' | int }} {{ '-5' | int }} {{ '1e3' | int }} {{ 'inf' | int }} {{ 'nan' | int }}",
    "{{ 3.99 | int }} {{ -3.99 | int }} {{ true | int }} {{ none | int }} {{ '' | int }}",
    "{{ 'z' | int(base=36) }} {{ '12' | int(base=3) }} {{ '٣' | int }}",
    "{{ '42' | float }} {{ 'x' | float }} {{ 'x' | float(1.5) }} {{ '1e3' | float }} {{ 3 | float }}",
    "{{ ' 2.5 ' | float }} {{ 'inf' | float }} {{ '-nan' | float }} {{ '1_0.5' | float }} {{ true | float }}",
    "{{ 'x' | float(default=2) }} {{ none | float }} {{ '.5' | float }} {{ '5.' | float }}",
    // default(default_value='', boolean=False)
    "{{ cookiecutter.missing | default('d') }}",
    "{{ cookiecutter._empty | default('d') }}|{{ cookiecutter._empty | default('d', true) }}",
    "{{ cookiecutter._none | default('d') }}|{{ cookiecutter._none | default('d', true) }}",
    "{{ cookiecutter._no | default('d', boolean=true) }}|{{ 0 | default('d', true) }}",
    "{{ cookiecutter.missing | default }}|{{ cookiecutter.missing | d('x') }}",
    "{{ cookiecutter.missing.deeper | default('d') }}",
    // join(d='', attribute=None)
    "{{ cookiecutter._words | join }}|{{ cookiecutter._words | join(', ') }}",
    "{{ cookiecutter._users | join(', ', attribute='name') }}",
    "{{ cookiecutter._users | join(attribute='age') }}",
    "{{ cookiecutter._nums | join('-') }}|{{ 'abc' | join('.') }}",
    "{{ [1.0, true, none, [1], 'x'] | join(' ') }}",
    "{{ cookiecutter._d | join(',') }}",
    // sum(attribute=None, start=0)
    "{{ cookiecutter._nums | sum }} {{ cookiecutter._nums | sum(start=100) }}",
    "{{ cookiecutter._users | sum(attribute='age') }} {{ cookiecutter._floats | sum }}",
    "{{ cookiecutter._nums | sum('x') }}",
    "{{ [] | sum }} {{ [[1], [2]] | sum(start=[]) }}",
    // map, select, reject, selectattr, rejectattr
    "{{ cookiecutter._words | map('upper') | join(',') }}",
    "{{ cookiecutter._users | map(attribute='name') | join(',') }}",
    "{{ cookiecutter._users | map(attribute='email', default='-') | join(',') }}",
    "{{ cookiecutter._words | map('replace', 'a', 'o') | join(',') }}",
    "{{ cookiecutter._nums | map('string') | list }}",
    "{{ cookiecutter._nums | select('odd') | list }} {{ cookiecutter._nums | reject('odd') | list }}",
    "{{ cookiecutter._nums | select('gt', 2) | list }} {{ cookiecutter._nums | select('divisibleby', 3) | list }}",
    "{{ [0, 1, '', 'a', none, false, [], [0]] | select | list }}",
    "{{ [0, 1, '', 'a', none, false] | reject | list }}",
    "{{ cookiecutter._users | selectattr('age', 'gt', 30) | map(attribute='name') | join(',') }}",
    "{{ cookiecutter._users | selectattr('email') | map(attribute='name') | join(',') }}",
    "{{ cookiecutter._users | rejectattr('email') | map(attribute='name') | join(',') }}",
    "{{ cookiecutter._users | selectattr('team', 'equalto', 'b') | list | length }}",
    "{{ cookiecutter._users | selectattr('email', 'defined') | map(attribute='name') | join(',') }}",
    "{{ cookiecutter._words | select('in', ['apple', 'cherry']) | list }}",
    "{{ cookiecutter._words | select('nope') | list }}",
    "{{ [] | select('nope') | list }}",
    "{{ cookiecutter._users | selectattr('email', 'none') | list | length }}",
    "{{ cookiecutter._users | selectattr('email', 'equalto', '') | list | length }}",
    "{{ cookiecutter._users | selectattr('age', 'odd') | map(attribute='name') | join(',') }}",
    "{{ cookiecutter._users | rejectattr('email', 'undefined') | map(attribute='name') | join(',') }}",
    "{{ cookiecutter._users | selectattr('name', 'in', ['bob', 'Carol']) | map(attribute='age') | list }}",
    "{{ cookiecutter._users | map(attribute='email') | join(',') }}",
    // unique, sort, dictsort, groupby, batch, slice
    "{{ cookiecutter._words | unique | list }} {{ cookiecutter._words | unique(true) | list }}",
    "{{ cookiecutter._users | unique(attribute='age') | map(attribute='name') | list }}",
    "{{ cookiecutter._users | unique(case_sensitive=false, attribute='team') | map(attribute='name') | list }}",
    "{{ cookiecutter._words | sort }} {{ cookiecutter._words | sort(true) }} {{ cookiecutter._words | sort(false, true) }}",
    "{{ cookiecutter._words | sort(reverse=true, case_sensitive=true) }}",
    "{{ cookiecutter._users | sort(attribute='age') | map(attribute='name') | list }}",
    "{{ cookiecutter._users | sort(attribute='age,name') | map(attribute='name') | list }}",
    "{{ cookiecutter._users | sort(attribute='team', reverse=true) | map(attribute='name') | list }}",
    "{{ cookiecutter._nums | sort }} {{ [2, 1.5, true, 0] | sort }}",
    "{{ cookiecutter._d | dictsort }}",
    "{{ cookiecutter._d | dictsort(true) }}",
    "{{ cookiecutter._d | dictsort(false, 'value') }}",
    "{{ cookiecutter._d | dictsort(by='value', reverse=true) }}",
    "{% for k, v in cookiecutter._d | dictsort %}{{ k }}={{ v }};{% endfor %}",
    "{{ cookiecutter._d | dictsort(by='banana') }}",
    "{% for g in cookiecutter._users | groupby('team') %}{{ g.grouper }}:{{ g.list | map(attribute='name') | join('+') }};{% endfor %}",
    "{% for team, us in cookiecutter._users | groupby('team') %}{{ team }}:{{ us | length }};{% endfor %}",
    "{% for g in cookiecutter._users | groupby('age', reverse=true) %}{{ g.grouper }};{% endfor %}",
    "{% for g in cookiecutter._users | groupby('email', default='none') %}[{{ g.grouper }}]{% endfor %}",
    "{% for g in cookiecutter._words | groupby('0', case_sensitive=false) %}{{ g.grouper }}:{{ g.list }};{% endfor %}",
    "{{ cookiecutter._users | groupby('team') | list | length }}",
    "{{ cookiecutter._nums | batch(2) | list }}",
    "{{ cookiecutter._nums | batch(2, 'x') | list }}",
    "{{ cookiecutter._nums | batch(3, fill_with=0) | list }}",
    "{{ cookiecutter._nums | slice(2) | list }}",
    "{{ cookiecutter._nums | slice(3, 'x') | list }}",
    "{{ cookiecutter._nums | slice(7) | list }}",
    "{{ cookiecutter._nums | batch(0) | list }}",
    // format
    "{{ '%s-%s' | format('a', 'b') }}",
    "{{ '%02d|%5.2f|%x|%X|%o|%e|%r|%%' | format(7, 3.14159, 255, 255, 8, 12345.678, 'q') }}",
    "{{ '%(a)s and %(b)05d' | format(a='x', b=42) }}",
    "{{ '%-6s|%+d|% d|%#x|%#o|%.3s|%c|%c' | format('ab', 5, 5, 255, 8, 'abcdef', 65, 'z') }}",
    "{{ '%s %s' | format('only one') }}",
    "{{ '%d' | format('x') }}",
    "{{ '%s' | format([1, 'a']) }}|{{ '%s' | format(true) }}|{{ '%s' | format(none) }}|{{ '%r' | format(2.0) }}",
    "{{ '%i|%u|%.0f|%g|%G|%10.4e|%-8.3f|' | format(3.7, 4, 2.5, 0.00001234, 1e20, 1234.5, 2) }}",
    "{{ '%s' | format(cookiecutter._d) }}|{{ '%s' | format(1.0) }}|{{ '%5s|%-5s' | format(1, 2) }}",
    "{{ '%*d' | format(5, 3) }}",
    "{{ '%(x)s %s' | format(x=1) }}",
    "{{ 'no args' | format }}",
    "{{ '50%' | format }}",
    "{{ '%5%|' | format(1) }}",
    "{{ '%%|%s' | format('x') }}",
    "{{ '%05f|%+f|% e|%-8g|%#x|%#o|%#.0f|%#.0e|%#g|%g|%g|%.0e' | format(1e309, -1e309, 1e309, 0.0, 0, 0, 3, 3, 1.5, 1e-5, 123456789.0, 12345.0) }}",
    "{{ '%.3d|%+.3d|%05.2d|%-+5d|%x|%X|%#X' | format(5, -5, 3, 7, -255, 255, -255) }}",
    "{{ '%*d|%-*d|%.*f' | format(-5, 1, 4, 2, 2, 3.14159) }}",
    "{{ '%.*f' | format(-2, 3.14159) }}",
    "{{ '%c%c|%5c|%-3c|' | format(65, 'é', 'x', 66) }}",
    "{{ '%r|%a|%s' | format('é\\n', 'é😀', 1e22) }}",
    "{{ '%(x)s %(x)r %%' | format(x='q') }}",
    "{{ '%ld|%hd|%Lf' | format(1, 2, 3.0) }}",
    "{{ '%q' | format(1) }}",
    "{{ '%(a' | format(a=1) }}",
    "{{ '%(a)s' | format(1) }}",
    "{{ '%(b)s' | format(a=1) }}",
    "{{ '%d' | format('1') }}",
    "{{ '%x' | format(1.5) }}",
    "{{ '%f' | format('1') }}",
    "{{ '%.2s|%5.1s|%-5s|%05s' | format('abc', 'xyz', 'a', 'b') }}",
    "{{ '%d|%d|%i' | format(3.99, -3.99, true) }}",
    "{{ '%.0f|%.0f|%.0f|%.1f|%.2f' | format(0.5, 1.5, 2.5, 0.25, 2.675) }}",
    "{{ '%e|%E|%.3e|%e|%e' | format(0.0, -1234.5, 9.9995, 1e-310, 1e300) }}",
    "{{ '%g|%g|%g|%g|%G|%.3g|%.10g|%g' | format(0.0001, 0.00001, 1e15, 1e16, 1e-20, 1234.5, 1/3, -0.0) }}",
    "{{ '%f|%s|%r' | format(-0.0, -0.0, 2.0) }}",
    "{{ '%#5x|%#05x|%-#6o|%+x' | format(10, 10, 8, 10) }}",
    "{{ '%.*s' | format(2, 'abcdef') }}",
    "{{ '%s %s' | format('a') }}",
    "{{ '%s' | format('a', 'b') }}",
    "{{ 'x' | format(a=1) }}",
    "{{ 'x %' | format }}",
    "{{ '%c' | format(1114112) }}",
    "{{ '%c' | format('ab') }}",
    "{{ '%d' | format(1e309) }}",
    "{{ '%x' | format(true) }}",
    "{{ '%5.3s|' | format(none) }}",
    "{{ '%z' | format }}",
    "{{ '% 05d|%+05d|%0-5d|' | format(3, 3, 3) }}",
    "{{ '%.3f' | format(1e20) }}",
    "{{ '%g|%#.3g|%.0g' | format(100000.0, 1.0, 0.5) }}",
    "{{ '%s' | format(cookiecutter.missing) }}",
    "{{ '%s and %s' | format('a', b='c') }}",
    "{{ 42 | format }}|{{ '%s' | format((1, 2)) }}|{{ '%s|%s' | format(*[1, 2]) if false else '' }}",
    "{{ 'main_%s.py' | format(cookiecutter.project) }}|{{ '%02d' | format(cookiecutter._n) }}|{{ '%s-%s' | format(cookiecutter.project, cookiecutter._n) }}",
    // striptags, urlize, filesizeformat
    "{{ cookiecutter._html | striptags }}",
    "{{ '<a href=\"x\">link</a>   &lt;b&gt; &copy; &#65; text\\n\\tmore' | striptags }}",
    "{{ 'a < b and c > d' | striptags }}",
    "{{ 1000 | filesizeformat }} {{ 1024 | filesizeformat(true) }} {{ 1 | filesizeformat }} {{ 0 | filesizeformat }}",
    "{{ 1500000 | filesizeformat }} {{ 1500000 | filesizeformat(binary=true) }} {{ '2048' | filesizeformat }}",
    "{{ 1e30 | filesizeformat }} {{ -5 | filesizeformat }} {{ 999 | filesizeformat }} {{ 1000000000000 | filesizeformat }}",
    // tojson, xmlattr, pprint
    "{{ cookiecutter._users | tojson }}",
    "{{ cookiecutter._d | tojson(2) }}",
    "{{ cookiecutter._d | tojson(indent=1) }}",
    "{{ cookiecutter._unicode | tojson }}",
    "{{ [1.0, 2.5, none, true, '<&>\\''] | tojson }}",
    "{{ {'a': [], 'b': {}} | tojson(4) }}",
    "{{ {'class': 'x y', 'id': 'z', 'skip': none, 'u': undefined_thing} | xmlattr }}",
    "{{ {'data-a': '<\"&>', 'n': 3} | xmlattr(false) }}",
    "{{ cookiecutter._d | pprint }}",
    "{{ {'b': [1, 2], 'a': {'z': none, 'y': (1,)}} | pprint }}",
    "{{ [cookiecutter._long[:50], cookiecutter._long[50:100], {'k': 'v' * 30, 'a': [1.5, true]}] | pprint }}",
    "{{ {'list': range(30) | list, 'text': 'x' * 70, 'nested': {'deep': ['aaaaaaaaaa'] * 8}} | pprint }}",
    "{{ (['a' * 30] * 3, 'b') | pprint }}",
    "{{ cookiecutter._words | pprint }} {{ 'it\\'s' | pprint }} {{ 1.5 | pprint }} {{ none | pprint }}",
    "{{ '<!-- unclosed comment <b>x</b>' | striptags }}|{{ 'a <b unclosed' | striptags }}|{{ '<i>a</i><!-- c -->b' | striptags }}",
    "{{ '&amp;amp; &lt &copy2024 &notin; &notit; &#x110000; &#0; &#128; &#13; &#xD800; &#65534; &#x; &AMP &lang; &nbsp;x' | striptags }}",
    "{{ 'tab\\there\\u00a0nbsp\\u2003em \\x1f unit' | striptags }}",
    "{{ 42 | striptags }}|{{ none | striptags }}",
    "{{ 'a/b c&d=é~' | urlencode }}|{{ [('a b', 'c/d'), ('é', 1)] | urlencode }}|{{ 42 | urlencode }}|{{ none | urlencode }}",
    "{{ {'a': none, 'b': true, 'c': [1]} | xmlattr }}|{{ {} | xmlattr }}",
    "{{ {'a b': 1} | xmlattr }}",
    "{{ {'a/b': 1} | xmlattr }}",
    "{{ 'x' | xmlattr }}",
    "{{ 42 | forceescape }}|{{ none | forceescape }}|{{ \"a'b\\\"c&\" | forceescape }}",
    "{{ cookiecutter.missing | tojson }}",
    "{{ [cookiecutter.missing] | jsonify }}",
    "{{ cookiecutter._users | jsonify(2) }}",
    "{{ cookiecutter._d | jsonify(none) }}|{{ cookiecutter._d | jsonify(0) }}",
    "{{ 'x' | wordwrap(5, 1, '-', 0) }}|{{ 'abcdefghij' | wordwrap(3, break_long_words=false) }}",
    "{{ 'aaa bbbbbbbbbbbbbbbb ccc' | wordwrap(6, false) }}",
    "{{ 'one two' | wordwrap(3.0) }}",
    "{{ 'one two' | wordwrap('3') }}",
    "{{ 'one two' | wordwrap(3, wrapstring=1) }}",
    "{{ 42 | wordwrap }}",
    "{{ 'a' | wordwrap(bogus=1) }}",
    "{{ 'a' | wordwrap(3, width=3) }}",
    "{{ 'a\\nb' | indent(true) }}|{{ 'a\\nb' | indent(2.5) }}",
    "{{ 'a\\nb' | indent(none) }}",
    "{{ 'x' | center(none) }}",
    "{{ [1, 2, 3] | batch(none) | list }}",
    "{{ '<' | e | e }}|{{ '<' | forceescape | e }}|{{ '<' | e | forceescape }}|{{ 42 | e }}|{{ none | escape }}",
    "{{ 'x' | truncate(2) }}|{{ 'x' | truncate(3, end='') }}|{{ 'abcdefgh' | truncate(5, true, '', 0) }}",
    "{{ 'abcdefgh' | truncate(5, leeway=-1) }}",
    "{{ 'abcdefgh ijklmnop' | truncate(10, leeway=none) }}",
    "{{ 42 | truncate }}",
    "{{ 42 | center(7) }}|{{ 'ab' | center(-3) }}|{{ none | center(8) }}|{{ [1] | center(9) }}",
    "{{ 42 | trim }}|{{ 'xaxx' | trim(none) }}|{{ '\\x1c\\x1fa\\x1e' | trim | length }}",
    "{{ 42 | wordcount }}|{{ none | wordcount }}|{{ 'a_b ünï 北京 x2' | wordcount }}",
    "{{ cookiecutter._n | sum }}",
    "{{ ['a', 'b'] | sum }}",
    "{{ [1, 2.5, true] | sum }}|{{ cookiecutter._users | sum(attribute='age', start=0.5) }}",
    "{{ [1, 'a'] | sort }}",
    "{{ [none, 1] | sort }}",
    "{{ [[2, 'b'], [1, 'z'], [2, 'a']] | sort }}|{{ [[1], [1, 0], []] | sort }}",
    "{{ cookiecutter._users | sort(attribute='email') | list }}",
    "{{ cookiecutter._users | sort(attribute='team,age', reverse=true) | map(attribute='name') | list }}",
    "{{ cookiecutter._words | unique(attribute=0) | list }}|{{ [1, 1.0, true, '1'] | unique | list }}",
    "{{ cookiecutter._users | min(attribute='team') | dictsort }}",
    "{{ cookiecutter._users | max(attribute='age') | dictsort }}",
    "{{ cookiecutter._d | items | list }}|{{ cookiecutter.missing | items | list }}",
    "{{ cookiecutter._words | items | list }}",
    "{{ cookiecutter._words | dictsort }}",
    "{{ cookiecutter._d | dictsort(reverse=true, case_sensitive=true) }}",
    "{{ cookiecutter._nums | batch(-1) | list }}|{{ cookiecutter._nums | batch(3, none) | list }}|{{ 'abcde' | batch(2) | list }}",
    "{{ cookiecutter._nums | batch }}",
    "{{ cookiecutter._nums | batch('2') | list }}",
    "{{ cookiecutter._nums | slice(0) | list }}",
    "{{ cookiecutter._nums | slice(-1) | list }}",
    "{{ cookiecutter._nums | first(1) }}",
    "{{ true | default('x') }}|{{ none | default('x', false) }}|{{ cookiecutter.missing | default(none) }}|{{ cookiecutter.missing | d }}|",
    "{{ cookiecutter.missing | default('a', true, 3) }}",
    "{{ 2.5 | round(precision=1) }} {{ -0.5 | round }} {{ 0.125 | round(2) }} {{ true | round }} {{ 1e308 | round(-308, 'ceil') }}",
    "{{ 'x' | round }}",
    "{{ 1.5 | round(0, 'up') }}",
    "{{ '1.5' | int(base=16) }} {{ '0b12' | int(base=0) }} {{ '--1' | int(9) }} {{ '1e999' | int(5) }} {{ ' 0X1f ' | int(base=16) }} {{ '0o_7' | int(base=0) }}",
    "{{ [] | int }} {{ {} | int(3) }} {{ 1e18 | int }} {{ -0.0 | int }} {{ '12' | int(base=37) }} {{ '12' | int(base=1) }}",
    "{{ [] | float }} {{ '1e999' | float }} {{ '0x10' | float(9) }} {{ 'infinity' | float }} {{ '+1_000.000_1' | float }} {{ '١٢.٥' | float }}",
    "{{ 1 | filesizeformat(true) }} {{ 1023 | filesizeformat(true) }} {{ 1024 | filesizeformat(binary=false) }} {{ -1500 | filesizeformat }} {{ 0.5 | filesizeformat }} {{ true | filesizeformat }}",
    "{{ 1e100 | filesizeformat }} {{ 'nan' | filesizeformat }} {{ '-1e30' | filesizeformat }}",
    "{{ 'x' | filesizeformat }}",
    // list, string, trim, first, last, min, max, length, reverse, abs
    "{{ 'abc' | list }} {{ cookiecutter._d | list }} {{ (1, 2) | list }}",
    "{{ 42 | string }}{{ 1.5 | string }}{{ true | string }}{{ none | string }}{{ cookiecutter._words | string }}",
    "[{{ '  x  ' | trim }}][{{ 'xxhixx' | trim('x') }}][{{ '-_a_-' | trim('-_') }}][{{ 'abc' | trim(chars='ac') }}]",
    "[{{ '\\t\\n x \\u00a0\\u2003' | trim }}]",
    "{{ cookiecutter._words | first }} {{ cookiecutter._words | last }} {{ 'abc' | first }} {{ 'abc' | last }}",
    "{{ [] | first }}",
    "{{ cookiecutter._nums | min }} {{ cookiecutter._nums | max }} {{ cookiecutter._words | min }} {{ cookiecutter._words | max }}",
    "{{ cookiecutter._words | min(case_sensitive=true) }} {{ cookiecutter._words | max(true) }}",
    "{{ cookiecutter._users | min(attribute='age') }}",
    "{{ cookiecutter._users | max(attribute='name') }}",
    "{{ [] | max }}|{{ 'hello' | max }}",
    "{{ cookiecutter._words | length }} {{ 'abc' | length }} {{ cookiecutter._d | length }} {{ cookiecutter._unicode | count }}",
    "{{ cookiecutter._words | reverse | list }} {{ 'abc' | reverse }} {{ cookiecutter._nums | reverse | join(',') }}",
    "{{ -5 | abs }} {{ -2.5 | abs }} {{ 3 | abs }} {{ -0.0 | abs }}",
    "{{ '5' | abs }}",
    "{{ cookiecutter._d | items | list }}",
    "{{ 'a b' | urlencode }} {{ {'a': 'b c', 'd': 1} | urlencode }}",
    "{{ '<b>' | e }} {{ '<b>' | escape }} {{ '<b>' | forceescape }} {{ '<b>' | safe }}",
    "{{ cookiecutter._users | join(', ', attribute='email') }}",
    "{{ cookiecutter._users | join(attribute='name.0') }}|{{ [[1, 2], [3]] | join(attribute=0) }}",
    // An undefined value: Jinja2's StrictUndefined fails in each of these.
    "{{ cookiecutter.missing | wordwrap }}",
    "{{ cookiecutter.missing | indent }}",
    "{{ cookiecutter.missing | center }}",
    "{{ cookiecutter.missing | truncate }}",
    "{{ cookiecutter.missing | trim }}",
    "{{ cookiecutter.missing | wordcount }}",
    "{{ cookiecutter.missing | int }}",
    "{{ cookiecutter.missing | float }}",
    "{{ cookiecutter.missing | round }}",
    "{{ cookiecutter.missing | filesizeformat }}",
    "{{ cookiecutter.missing | sum }}",
    "{{ cookiecutter.missing | sort }}",
    "{{ cookiecutter.missing | dictsort }}",
    "{{ cookiecutter.missing | unique | list }}",
    "{{ cookiecutter.missing | min }}",
    "{{ cookiecutter.missing | max }}",
    "{{ cookiecutter.missing | batch(2) | list }}",
    "{{ cookiecutter.missing | join }}",
    "{{ cookiecutter.missing | striptags }}",
    "{{ cookiecutter.missing | xmlattr }}",
    "{{ cookiecutter.missing | urlencode }}",
    "{{ cookiecutter.missing | forceescape }}",
    "{{ cookiecutter.missing | select | list }}",
    "{{ cookiecutter.missing | reject | list }}",
    "{{ cookiecutter.missing | selectattr('a') | list }}",
    "{{ cookiecutter.missing | rejectattr('a') | list }}",
    "{{ cookiecutter.missing | slugify }}",
    "{{ cookiecutter.missing | jsonify }}",
    "{{ cookiecutter.missing | tojson }}",
    "{{ cookiecutter.missing | pprint }}",
    "{{ cookiecutter.missing | format }}",
    "{{ cookiecutter.missing | items | list }}",
    "{{ cookiecutter.missing | default }}",
    "{{ cookiecutter.missing | replace('a', 'b') }}",
    "{{ cookiecutter.missing | title }}",
    "{{ cookiecutter.missing | capitalize }}",
    "{{ cookiecutter.missing | upper }}",
    "{{ cookiecutter.missing | lower }}",
    "{{ cookiecutter.missing | first }}",
    "{{ cookiecutter.missing | last }}",
    "{{ cookiecutter.missing | length }}",
    "{{ cookiecutter.missing | list }}",
    "{{ cookiecutter.missing | string }}",
    "{{ cookiecutter.missing | reverse }}",
    "{{ cookiecutter.missing | abs }}",
    "{{ cookiecutter.missing | map('upper') | list }}",
    "{{ cookiecutter.missing | groupby('a') }}",
    "{{ cookiecutter.missing | slice(2) | list }}",
    "{{ cookiecutter.missing | dictsort(true) }}",
    "{{ cookiecutter.missing | e }}",
    // tests
    "{{ 3 is odd }} {{ 3 is even }} {{ 9 is divisibleby 3 }} {{ 9 is divisibleby(4) }}",
    "{{ 'x' is string }} {{ 1 is number }} {{ 1.0 is number }} {{ true is number }} {{ 1 is integer }} {{ 1.0 is float }} {{ true is integer }}",
    "{{ none is none }} {{ true is boolean }} {{ 1 is boolean }} {{ true is true }} {{ 1 is true }} {{ false is false }}",
    "{{ cookiecutter._words is sequence }} {{ 'x' is sequence }} {{ cookiecutter._d is sequence }} {{ cookiecutter._d is mapping }} {{ 'x' is iterable }} {{ 1 is iterable }}",
    "{{ cookiecutter.missing is defined }} {{ cookiecutter.missing is undefined }} {{ cookiecutter.name is defined }}",
    "{{ 'abc' is lower }} {{ 'ABC' is upper }} {{ 'aBc' is lower }} {{ '123' is lower }}",
    "{{ 1 is eq 1 }} {{ 1 is ne 2 }} {{ 1 is lt 2 }} {{ 2 is le 2 }} {{ 3 is gt 2 }} {{ 3 is ge 4 }} {{ 1 is equalto 1 }} {{ 1 is lessthan 2 }} {{ 3 is greaterthan 2 }}",
    "{{ 'a' is in 'abc' }} {{ 2 is in cookiecutter._nums }} {{ 'upper' is filter }} {{ 'odd' is test }} {{ 'nope' is filter }}",
    "{{ none is sameas none }} {{ cookiecutter.name is callable }} {{ range is callable }} {{ cookiecutter._d is callable }}",
    "{{ cookiecutter._d is escaped }} {{ ('<b>' | safe) is escaped }}",
];

/// Variables the filter cases share.
const PRELUDE: &str = "{% set L = cookiecutter._long %}";

fn filter_cases() -> Vec<String> {
    FILTER_CASES.iter().map(|case| format!("{PRELUDE}{case}")).collect()
}

/// `text` as a Jinja string literal both engines read back unchanged.
fn literal(text: &str) -> String {
    let mut out = String::from("'");
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// Every name of Python's `html.entities.name2codepoint`, as the reference decodes them.
const ENTITY_NAMES: &str = "AElig Aacute Acirc Agrave Alpha Aring Atilde Auml Beta Ccedil Chi Dagger Delta ETH \
    Eacute Ecirc Egrave Epsilon Eta Euml Gamma Iacute Icirc Igrave Iota Iuml Kappa Lambda Mu Ntilde Nu OElig \
    Oacute Ocirc Ograve Omega Omicron Oslash Otilde Ouml Phi Pi Prime Psi Rho Scaron Sigma THORN Tau Theta \
    Uacute Ucirc Ugrave Upsilon Uuml Xi Yacute Yuml Zeta aacute acirc acute aelig agrave alefsym alpha amp \
    and ang aring asymp atilde auml bdquo beta brvbar bull cap ccedil cedil cent chi circ clubs cong copy \
    crarr cup curren dArr dagger darr deg delta diams divide eacute ecirc egrave empty emsp ensp epsilon \
    equiv eta eth euml euro exist fnof forall frac12 frac14 frac34 frasl gamma ge gt hArr harr hearts hellip \
    iacute icirc iexcl igrave image infin int iota iquest isin iuml kappa lArr lambda lang laquo larr lceil \
    ldquo le lfloor lowast loz lrm lsaquo lsquo lt macr mdash micro middot minus mu nabla nbsp ndash ne ni \
    not notin nsub ntilde nu oacute ocirc oelig ograve oline omega omicron oplus or ordf ordm oslash otilde \
    otimes ouml para part permil perp phi pi piv plusmn pound prime prod prop psi quot rArr radic rang raquo \
    rarr rceil rdquo real reg rfloor rho rlm rsaquo rsquo sbquo scaron sdot sect shy sigma sigmaf sim spades \
    sub sube sum sup sup1 sup2 sup3 supe szlig tau there4 theta thetasym thinsp thorn tilde times trade uArr uarr \
    uacute ucirc ugrave uml upsih upsilon uuml weierp xi yacute yen yuml zeta zwj zwnj";

/// Texts templates feed `slugify`: names, unicode, entities, numbers, separators.
const SLUG_TEXTS: &[&str] = &[
    "My Service",
    "Hello World!",
    "  leading and trailing  ",
    "Zoë's Unicode Café: déjà vu!",
    "it's a dog's life",
    "''quoted'' \"double\"",
    "a__b--c  d",
    "CamelCaseName",
    "snake_case_name",
    "kebab-case-name",
    "dotted.name.here",
    "path/to/thing",
    "1,000 steps &amp; more",
    "1,000,000 and 1,2,3 and a,b",
    "version 1.2.3-beta+build",
    "&#x41;&#66;c",
    "&#X41; capital x",
    "&#169; 2024 &copy; ACME&reg;",
    "&#8482; &#x2122; &trade;",
    "&#1114112; invalid decimal &#65;",
    "&#x110000; invalid hex &#x42;",
    "&#55296; surrogate",
    "&#0; zero",
    "&amp;amp; double",
    "&unknown; entity",
    "&AMP; wrong case",
    "&amp no semicolon",
    "&#65 no semicolon",
    "Ærøskøbing Straße",
    "北京市 東京都",
    "Москва Київ",
    "Ελληνικά κείμενα",
    "עברית ועוד",
    "العربية",
    "हिन्दी भाषा",
    "ශ්‍රී ලංකා",
    "ไทย ภาษา",
    "한국어 텍스트",
    "Ǆemal ǅ ǆ",
    "ﬁnal ﬂow ﬀ",
    "ℌello ① ⅷ ²",
    "½ ¼ ¾ ⁄",
    "emoji 🚀 rocket 🎉",
    "tab\there\nnewline",
    "MiXeD CaSe 123 ABC",
    "ÀÉÎÕÜ àéîõü",
    "İstanbul ıi",
    "ΣΑΣ σας",
    "ǅungla",
    "no-op",
    "---",
    "",
    "   ",
    "!!!",
    "a",
    "™ © ® ℗",
    "₿ € £ ¥ ₹",
    "x\u{0}y\u{7}z",
    "\u{feff}bom\u{200b}zero\u{200d}width",
    "nbsp\u{a0}here",
    "the quick brown fox jumps over the lazy dog",
    "a long sentence with many words to be truncated at a boundary",
    "one two three",
    "supercalifragilisticexpialidocious word",
    "Ĳssel ĳs",
    "Œuvre œuf",
    "Þórr ðe",
    // Characters assigned after Unicode 14 (Python 3.11's), some with decompositions since.
    "\u{1ccd6}\u{1ccd7} outlined \u{1e030}cyr a\u{a7f1}b x\u{209d}y \u{0558}z",
    "𝐀𝐁𝐂 math 𝟙𝟚 ℕ \u{1f100} ⓐ",
    "Tamil தமிழ் Kannada ಕನ್ನಡ\u{0cf3}",
    "digits ١,٢ ٣٤ ۵ ߁",
];

/// The option sets each text is slugified with.
const SLUG_OPTIONS: &[&str] = &[
    "",
    "separator='_'",
    "separator=''",
    "separator='.'",
    "separator=' + '",
    "lowercase=false",
    "allow_unicode=true",
    "allow_unicode=true, lowercase=false",
    "max_length=9",
    "max_length=9, word_boundary=true",
    "max_length=12, word_boundary=true, save_order=true",
    "max_length=1, word_boundary=true",
    "max_length=15, word_boundary=true, separator='_'",
    "entities=false",
    "decimal=false, hexadecimal=false",
    "entities=false, decimal=false, hexadecimal=false",
    "stopwords=['the', 'a', 'An']",
    "stopwords=['The'], lowercase=false",
    "replacements=[['&', 'and'], ['-', '_']]",
    "replacements=[['o', '0']], separator='_'",
    "regex_pattern='[^-a-z0-9_]+'",
    "regex_pattern='[^a-z]+'",
];

fn slugify_cases() -> Vec<String> {
    let mut cases = Vec::new();
    for text in SLUG_TEXTS {
        for options in SLUG_OPTIONS {
            cases.push(format!("{{{{ {} | slugify({options}) }}}}", literal(text)));
        }
    }
    // Every entity name, alone, between words, in each mode that keeps or drops it.
    for name in ENTITY_NAMES.split_whitespace() {
        for options in ["", "allow_unicode=true", "allow_unicode=true, lowercase=false", "entities=false"] {
            cases.push(format!("{{{{ 'x&{name};y &{name}; 1&{name};2' | slugify({options}) }}}}"));
        }
    }
    // Numeric references across the code space.
    for code in [
        33_u32, 38, 45, 65, 95, 160, 169, 223, 256, 0x391, 0x41f, 0x5d0, 0x627, 0x915, 0x3042, 0x4e2d,
        0xac00, 0xff21, 0x1_f600, 0x10_ffff,
    ] {
        for options in ["", "allow_unicode=true"] {
            cases.push(format!("{{{{ 'a&#{code};b-&#x{code:x};c-&#x{code:X};d' | slugify({options}) }}}}"));
        }
    }
    // Positional arguments, as the cookiecutter filter takes them.
    cases.push("{{ 'a &amp; b' | slugify(false) }}".to_owned());
    cases.push("{{ 'one two three four' | slugify(true, true, true, 9, true, '_') }}".to_owned());
    cases.push(
        "{{ 'one two three four' | slugify(true, true, true, 0, false, '-', false, ['two']) }}".to_owned(),
    );
    cases.push(
        "{{ 'Keep Case' | slugify(true, true, true, 0, false, '-', false, [], none, false) }}".to_owned(),
    );
    cases.push("{{ 'max length neg' | slugify(max_length=-3) }}".to_owned());
    cases.push("{{ 42 | slugify }}".to_owned());
    cases.push("{{ 'x' | slugify(bogus=1) }}".to_owned());
    cases.push("{{ cookiecutter.name | slugify }} {{ cookiecutter._unicode | slugify }}".to_owned());
    cases
}

/// Every character of the Basic Multilingual Plane (surrogates aside) through `slugify`, 128
/// per case, each between `x` markers so that a difference names its character.
fn transliteration_cases() -> Vec<String> {
    let mut cases = Vec::new();
    for block in 0..(0x1_0000 / 128) {
        let text: String = (block * 128..(block + 1) * 128)
            .filter_map(char::from_u32)
            .filter(|c| !matches!(c, '&' | '\0'))
            .flat_map(|c| [c, ' ', 'x', ' '])
            .collect();
        cases.push(format!("{{{{ {} | slugify(lowercase=false) }}}}", literal(&text)));
    }
    cases
}

/// What an engine made of a case: its output, or its error.
type Outcome = Result<String, String>;

/// A cookiecutter template holding [`CONTEXT`], in a fresh directory.
fn template() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("cookiecutter.json"), CONTEXT).unwrap();
    let top = dir.path().join("{{cookiecutter.project}}");
    std::fs::create_dir(&top).unwrap();
    std::fs::write(top.join("README.md"), "{{ cookiecutter.name }}\n").unwrap();
    dir
}

fn render_with_stamp(dir: &Path, sources: &[String]) -> Vec<Outcome> {
    let tree = SourceTree::load(&TemplateSource::Directory(dir.to_owned())).expect("the template loads");
    let rendered = render_project(
        &Arc::new(tree),
        &Given::default(),
        &mut NoPrompter,
        &|_| {},
        Determinism::default(),
        Limits::default(),
        dir,
    )
    .expect("the template renders");
    sources
        .iter()
        .enumerate()
        .map(|(i, source)| rendered.render_str(&format!("case-{i}"), source).map_err(|e| e.to_string()))
        .collect()
}

fn render_with_jinja2(dir: &Path, sources: &[String]) -> Vec<Outcome> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/jinja_reference.py");
    let mut child = Command::new("python3")
        .arg(&script)
        .arg(dir)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("PYTHONIOENCODING", "utf-8")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs (install it, then run the tests with `bash scripts/test`)");
    let input = serde_json::to_vec(sources).unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(
        output.status.success(),
        "tests/jinja_reference.py failed (run the tests with `bash scripts/test`, which installs \
         tests/requirements.txt into .tools/venv and puts it first on PATH):\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let reply: serde_json::Value = serde_json::from_slice(&output.stdout).expect("the reference writes JSON");
    let results = reply["results"].as_array().expect("results");
    assert_eq!(results.len(), sources.len(), "one result per case");
    results
        .iter()
        .map(|r| match (r["out"].as_str(), r["err"].as_str()) {
            (Some(out), _) => Ok(out.to_owned()),
            (None, Some(err)) => Err(err.to_owned()),
            _ => panic!("unreadable result {r}"),
        })
        .collect()
}

/// Renders `sources` with both engines; fails listing every case where they differ.
fn compare(table: &str, sources: &[String]) {
    let dir = template();
    eprintln!("{table}: {} cases", sources.len());
    let reference = render_with_jinja2(dir.path(), sources);
    let ours = render_with_stamp(dir.path(), sources);
    let mut report = String::new();
    let mut differing = 0;
    for ((source, want), got) in sources.iter().zip(&reference).zip(&ours) {
        let same = match (want, got) {
            (Ok(a), Ok(b)) => a == b,
            (Err(_), Err(_)) => true,
            _ => false,
        };
        if !same {
            differing += 1;
            let _ = writeln!(report, "\n  case:   {source}\n  jinja2: {want:?}\n  stamp:  {got:?}");
        }
    }
    assert!(differing == 0, "{table}: {differing} of {} cases differ from Jinja2:{report}", sources.len());
}

#[test]
fn filters_and_tests_match_jinja2() {
    compare("filters", &filter_cases());
}

#[test]
fn slugify_matches_python_slugify() {
    compare("slugify", &slugify_cases());
}

#[test]
fn transliteration_matches_text_unidecode() {
    compare("transliteration", &transliteration_cases());
}

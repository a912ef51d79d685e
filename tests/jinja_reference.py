"""Renders template snippets with real Jinja2, as cookiecutter 2.7.1 configures it.

Usage: python3 tests/jinja_reference.py TEMPLATE_DIR < sources.json > results.json

TEMPLATE_DIR holds a cookiecutter.json. Its context is built exactly as cookiecutter builds it
for `--no-input` (generate_context, then prompt_for_config), and every source of the JSON list
read from stdin is rendered in cookiecutter's environment (StrictEnvironment, its default
extensions, keep_trailing_newline) with that context, as generate_file renders a file. The
result is a JSON list, one entry per source, in order: {"out": TEXT} when it renders, or
{"err": "ExceptionType: message"} when it does not (a result that is not valid UTF-8, such as
a lone surrogate, is an error too: cookiecutter could not write it).

One process renders the whole list. It exits non-zero, naming what is missing, when
cookiecutter 2.7.1 or its dependencies (Jinja2, python-slugify) cannot be imported: the Rust
test that runs it fails then, it never skips.
"""

import json
import os
import sys

EXPECTED_COOKIECUTTER = "2.7.1"


def main() -> int:
    try:
        import cookiecutter
        import jinja2
        import slugify
        from cookiecutter.generate import generate_context
        from cookiecutter.prompt import prompt_for_config
        from cookiecutter.utils import create_env_with_context
    except ImportError as error:
        print(f"jinja_reference.py: cannot import {error.name}: run `bash scripts/test`", file=sys.stderr)
        return 2
    if cookiecutter.__version__ != EXPECTED_COOKIECUTTER:
        print(
            f"jinja_reference.py: cookiecutter {cookiecutter.__version__} found, "
            f"{EXPECTED_COOKIECUTTER} expected: run `bash scripts/test`",
            file=sys.stderr,
        )
        return 2

    template_dir = sys.argv[1]
    sources = json.load(sys.stdin)
    context = generate_context(context_file=os.path.join(template_dir, "cookiecutter.json"))
    context["cookiecutter"] = prompt_for_config(context, no_input=True)
    env = create_env_with_context(context)

    results = []
    for source in sources:
        try:
            out = env.from_string(source).render(**context)
            out.encode("utf-8")
            results.append({"out": out})
        except Exception as error:  # every failure is a result to compare, not a crash
            results.append({"err": f"{type(error).__name__}: {error}"})
    json.dump(
        {"jinja2": jinja2.__version__, "slugify": slugify.__version__, "results": results},
        sys.stdout,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

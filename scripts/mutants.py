#!/usr/bin/env python3
"""A mutation check of our own: plants known bugs and asserts the tests catch each.

    scripts/mutants.py [--list] [NAME...]

Each mutation below breaks one promise of the contract (output, hooks, dry
run, line endings, secrets, reporting, tasks) by replacing one exact piece of
source. For each, a copy of the working tree gets the mutation and the named
tests run: they must fail with a failing test (not a compile error). Before
that, the same tests must pass on the unmutated copy, so a failure proves
the mutation was seen. A mutation whose source no longer occurs exactly once
is an error, so the list cannot rot silently when the code moves.

The copy builds into the project's own target directory (dependencies are
shared; only stamp itself is rebuilt). Exit status: 0 when every mutation
was caught, 1 when one was missed, 2 when the check itself could not run.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@dataclass
class Mutation:
    name: str
    promise: str
    path: str
    original: str
    replacement: str
    test: str  # integration-test target
    filter: str  # test-name filter within it


MUTATIONS = [
    Mutation(
        "rollback-keeps-backups",
        "a --force commit that fails half-way puts every original back",
        "src/output/journal.rs",
        "let _ = backup.rename_to(original);",
        "let _ = (backup, original);",
        "cli",
        "hardening::a_force_commit_that_fails_half_way_puts_every_original_back",
    ),
    Mutation(
        "hooks-run-when-refused",
        "--accept-hooks no never runs a hook",
        "src/cli/args.rs",
        "Some(HookConsent::Yes) => Consent::Yes,",
        "Some(HookConsent::Yes | HookConsent::No) => Consent::Yes,",
        "cli",
        "generate::hooks_",
    ),
    Mutation(
        "dry-run-writes",
        "--dry-run writes nothing",
        "src/pipeline.rs",
        "let actions = if request.dry_run {",
        "let actions = if request.dry_run && false {",
        "cli",
        "generate::dry_run_prints_the_plan_and_writes_nothing",
    ),
    Mutation(
        "crlf-lost",
        "a file written with CRLF line endings keeps them",
        "src/render/file.rs",
        'if newline != "\\n" {',
        "if false {",
        "cli",
        "generate::line_endings_modes_binaries_and_verbatim_files_are_kept",
    ),
    Mutation(
        "secret-recorded",
        "a secret answer is never written to the project's record",
        "src/dialect/stamp/answer_set.rs",
        "manifest.question(name).is_some_and(|q| !q.is_confidential())",
        "manifest.question(name).is_some()",
        "cli",
        "update::secrets_are_asked_again_never_defaulted",
    ),
    Mutation(
        "verbose-silent",
        "-v lists every file written",
        "src/cli/present.rs",
        "if verbose && !dry_run {",
        "if verbose && !dry_run && false {",
        "cli",
        "generate::verbose",
    ),
    Mutation(
        "tasks-run-without-consent",
        "a template's tasks never run without consent",
        "src/tasks.rs",
        "    if consented {",
        "    if true {",
        "cli",
        "tasks::without_consent_tasks_are_skipped_with_a_warning_unless_refused",
    ),
    Mutation(
        "misspelt-answer-unhinted",
        "a misspelt answer in a template names the one most likely meant",
        "src/engine/mod.rs",
        'message.push_str(&format!("; {hint}"));',
        "let _ = (hint, message);",
        "cli",
        "errors::a_misspelt_answer_names_the_one_it_most_likely_meant",
    ),
]


def tracked_tree(dest: str) -> None:
    """Copies the working tree (tracked and untracked, not ignored) to `dest`."""
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, check=True, capture_output=True,
    ).stdout.decode().split("\0")
    for rel in filter(None, listing):
        src = os.path.join(ROOT, rel)
        if not os.path.lexists(src):
            continue  # deleted in the working tree
        os.makedirs(os.path.dirname(os.path.join(dest, rel)), exist_ok=True)
        shutil.copy2(src, os.path.join(dest, rel), follow_symlinks=False)


def cargo_test(tree: str, test: str, filters: list) -> subprocess.CompletedProcess:
    env = dict(os.environ, CARGO_TARGET_DIR=os.path.join(ROOT, "target"), CARGO_TERM_COLOR="never")
    tools = [os.path.join(ROOT, ".tools/venv/bin"), os.path.join(ROOT, ".tools/bin")]
    env["PATH"] = os.pathsep.join(tools + [env.get("PATH", "")])
    return subprocess.run(
        ["cargo", "test", "--locked", "--quiet", "--test", test, "--", *filters],
        cwd=tree, env=env, capture_output=True, text=True,
    )


def ran_tests(result: subprocess.CompletedProcess) -> bool:
    return "running 0 tests" not in result.stdout and "test result:" in result.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--list", action="store_true", help="list the mutations and exit")
    parser.add_argument("names", nargs="*", help="run only these mutations")
    args = parser.parse_args()
    if args.list:
        for m in MUTATIONS:
            print(f"{m.name:<24} {m.promise}")
        return 0
    unknown = set(args.names) - {m.name for m in MUTATIONS}
    if unknown:
        print(f"mutants: no mutation named {', '.join(sorted(unknown))} (see --list)", file=sys.stderr)
        return 2
    chosen = [m for m in MUTATIONS if not args.names or m.name in args.names]

    scratch = tempfile.mkdtemp(prefix="stamp-mutants-")
    try:
        tree = os.path.join(scratch, "stamp")
        tracked_tree(tree)
        for m in chosen:
            text = open(os.path.join(tree, m.path), encoding="utf-8").read()
            if text.count(m.original) != 1:
                print(f"mutants: {m.name}: `{m.original}` occurs {text.count(m.original)} times in {m.path}; "
                      "update the mutation to the code", file=sys.stderr)
                return 2
        # The chosen tests pass unmutated, or a failure would prove nothing.
        for test in sorted({m.test for m in chosen}):
            started = time.monotonic()
            result = cargo_test(tree, test, [m.filter for m in chosen if m.test == test])
            if result.returncode != 0 or not ran_tests(result):
                sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
                print(f"mutants: the unmutated tests of `{test}` do not pass; fix them first", file=sys.stderr)
                return 2
            print(f"baseline  {test}: passes ({time.monotonic() - started:.0f}s)")
        missed = []
        for m in chosen:
            path = os.path.join(tree, m.path)
            original = open(path, encoding="utf-8").read()
            open(path, "w", encoding="utf-8").write(original.replace(m.original, m.replacement))
            started = time.monotonic()
            try:
                result = cargo_test(tree, m.test, [m.filter])
            finally:
                open(path, "w", encoding="utf-8").write(original)
            took = f"({time.monotonic() - started:.0f}s)"
            if result.returncode == 0:
                missed.append(m)
                print(f"MISSED    {m.name}: {m.promise} {took}")
            elif "test result: FAILED" not in result.stdout:
                sys.stderr.write(result.stderr[-4000:])
                print(f"mutants: {m.name} did not compile or the tests did not run; fix the mutation", file=sys.stderr)
                return 2
            else:
                print(f"caught    {m.name}: {m.promise} {took}")
        if missed:
            print(f"mutants: {len(missed)} of {len(chosen)} mutations went unnoticed by the tests", file=sys.stderr)
            return 1
        print(f"mutants: all {len(chosen)} mutations caught")
        return 0
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        # The copy built into our target directory, leaving its (mutated) binary at target/debug/stamp,
        # which cargo would not replace for a tree it thinks unchanged: make it build ours again.
        os.utime(os.path.join(ROOT, "src", "lib.rs"))


if __name__ == "__main__":
    sys.exit(main())

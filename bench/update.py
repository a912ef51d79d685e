#!/usr/bin/env python3
"""`stamp update` against `cruft update` (stdlib only).

    update.py --stamp BIN --cruft BIN [--files 200] [--edits 10] [--runs 7]

A synthetic cookiecutter template of --files files (bench/gen_template.py) is
committed as v1 in a local git repository. Each tool makes a project from v1
(`cruft create`, `stamp --record`: the same bytes), which is committed, edited
in --edits files by "the user" and committed again. The template then gets v2,
which changes twice as many files. Each timed run updates a fresh copy of the
prepared project to v2; the tools take turns (one warm-up each) and the
median wall time is printed. Both tools must leave the same files.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def git(*args: str, cwd: str) -> str:
    identity = ["-c", "user.name=bench", "-c", "user.email=bench@example.com", "-c", "init.defaultBranch=main"]
    return subprocess.run(["git", *identity, *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def text_files(root: str) -> list:
    found = []
    for base, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d != ".git"]
        found.extend(os.path.join(base, n) for n in names if not n.startswith("."))
    return sorted(found)


def tree_of(root: str) -> dict:
    return {os.path.relpath(p, root): open(p, "rb").read() for p in text_files(root)}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--stamp", required=True)
    p.add_argument("--cruft", required=True)
    p.add_argument("--files", type=int, default=200)
    p.add_argument("--edits", type=int, default=10)
    p.add_argument("--runs", type=int, default=7)
    args = p.parse_args()
    args.stamp = os.path.abspath(args.stamp)
    args.cruft = os.path.abspath(args.cruft)

    work = tempfile.mkdtemp(prefix="stamp-bench-update-")
    try:
        tpl = os.path.join(work, "tpl")
        subprocess.run([sys.executable, os.path.join(HERE, "gen_template.py"), "files", str(args.files), tpl], check=True)
        git("init", "--quiet", cwd=tpl)
        git("add", ".", cwd=tpl)
        git("commit", "--quiet", "-m", "v1", cwd=tpl)
        env = dict(os.environ, HOME=os.path.join(work, "home"), XDG_CACHE_HOME=os.path.join(work, "cache"), NO_COLOR="1")
        env.pop("COOKIECUTTER_CONFIG", None)
        quiet = {"env": env, "check": True, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}

        prepared = {}
        for tool in ("stamp", "cruft"):
            out = os.path.join(work, f"made-{tool}")
            if tool == "stamp":
                subprocess.run([args.stamp, tpl, "--checkout", "main", "--record", "--no-input", "-o", out], **quiet)
            else:
                subprocess.run([args.cruft, "create", tpl, "--checkout", "main", "--no-input", "--output-dir", out], **quiet)
            (project,) = [os.path.join(out, d) for d in os.listdir(out)]
            git("init", "--quiet", cwd=project)
            git("add", "-A", cwd=project)
            git("commit", "--quiet", "-m", "generated", cwd=project)
            for path in text_files(project)[: args.edits]:
                with open(path, "a") as f:
                    f.write("# a line of the user's own\n")
            git("commit", "--quiet", "-am", "user edits", cwd=project)
            prepared[tool] = project

        # v2 changes the first line of twice as many files as the user edited (their last lines).
        for path in text_files(os.path.join(tpl, "{{cookiecutter.project_slug}}"))[: 2 * args.edits]:
            with open(path) as f:
                body = f.read()
            with open(path, "w") as f:
                f.write("# v2 of the template\n" + body)
        git("commit", "--quiet", "-am", "v2", cwd=tpl)

        counter = iter(range(1_000_000))
        results = {}

        def run(tool: str) -> float:
            copy = os.path.join(work, "runs", f"{tool}-{next(counter)}", os.path.basename(prepared[tool]))
            shutil.copytree(prepared[tool], copy, symlinks=True)
            command = [args.stamp, "update"] if tool == "stamp" else [args.cruft, "update", "-y"]
            start = time.perf_counter()
            subprocess.run(command, cwd=copy, **quiet)
            elapsed = time.perf_counter() - start
            results[tool] = copy
            return elapsed

        times = {"stamp": [], "cruft": []}
        for i in range(args.runs + 1):
            for tool in ("stamp", "cruft"):
                elapsed = run(tool)
                if i > 0:
                    times[tool].append(elapsed)
        s, c = statistics.median(times["stamp"]), statistics.median(times["cruft"])
        print(f"{args.files}-file template, {args.edits} files edited by the user, {2 * args.edits} changed by v2;")
        print(f"medians of {args.runs} interleaved runs (one warm-up each)\n")
        print(f"{'tool':<8} {'update':>9}")
        print(f"{'stamp':<8} {s:>8.3f}s")
        print(f"{'cruft':<8} {c:>8.3f}s   ({c / s:.1f}x stamp)")
        if tree_of(results["stamp"]) != tree_of(results["cruft"]):
            sys.exit("stamp and cruft left different files")
        print("\nboth tools left the same files")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

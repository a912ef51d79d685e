#!/usr/bin/env python3
"""`stamp update` against `cruft update` and `copier update` (stdlib only).

    update.py --stamp BIN --cruft BIN [--copier BIN] [--files 200] [--edits 10] [--runs 7]

A synthetic cookiecutter template of --files files (bench/gen_template.py) is
committed as v1 in a local git repository. Each tool makes a project from v1
(`cruft create`, `stamp --record`: the same bytes), which is committed, edited
in --edits files by "the user" and committed again. The template then gets v2,
which changes twice as many files. Each timed run updates a fresh copy of the
prepared project to v2; the tools take turns (one warm-up each) and the
median wall time is printed.

With --copier, copier is timed too, on a copier twin of the same template
(copier.yml with the same questions, `_subdirectory` holding what the
cookiecutter template's project directory holds, `cookiecutter.` taken out of
every name and file), kept in its own repository with the same v1 and v2:
`copier copy --defaults` makes its project, `copier update --defaults` updates
it.

Each peer must leave the same files as stamp (records and .git aside); every
path that differs is listed and the exit status is 1.
"""

import argparse
import json
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


def copier_twin(tpl: str, twin: str) -> None:
    """Writes (or rewrites) the copier twin of the cookiecutter template `tpl` into `twin`."""
    with open(os.path.join(tpl, "cookiecutter.json")) as f:
        context = json.load(f)
    lines = ["_subdirectory: project", '_templates_suffix: ""']
    for name, default in context.items():
        default = default.replace("cookiecutter.", "") if isinstance(default, str) else default
        if isinstance(default, list):
            lines.append(f"{name}: {{type: str, choices: {json.dumps(default)}, default: {json.dumps(default[0])}}}")
        else:
            lines.append(f"{name}: {{type: str, default: {json.dumps(default)}}}")
    shutil.rmtree(os.path.join(twin, "project"), ignore_errors=True)
    os.makedirs(os.path.join(twin, "project"))
    with open(os.path.join(twin, "copier.yml"), "w") as f:
        f.write("\n".join(lines) + "\n")
    # copier writes its record (which `copier update` reads) only through a template file of its own.
    with open(os.path.join(twin, "project", "{{ _copier_conf.answers_file }}"), "w") as f:
        f.write("{{ _copier_answers|to_nice_yaml }}")
    (top,) = [d for d in os.listdir(tpl) if d.startswith("{{")]
    for base, _, names in os.walk(os.path.join(tpl, top)):
        for name in names:
            source = os.path.join(base, name)
            target = os.path.join(twin, "project", os.path.relpath(source, os.path.join(tpl, top)).replace("cookiecutter.", ""))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(source) as f:
                text = f.read()
            with open(target, "w") as f:
                f.write(text.replace("cookiecutter.", ""))
            shutil.copymode(source, target)


def differences(a: dict, b: dict, name_a: str, name_b: str) -> list:
    """One line per path that differs between two trees of tree_of()."""
    lines = []
    for path in sorted(a.keys() | b.keys()):
        if path not in b:
            lines.append(f"  only {name_a} has {path}")
        elif path not in a:
            lines.append(f"  only {name_b} has {path}")
        elif a[path] != b[path]:
            lines.append(f"  {path} differs ({len(a[path])} bytes from {name_a}, {len(b[path])} from {name_b})")
    return lines


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--stamp", required=True)
    p.add_argument("--cruft", required=True)
    p.add_argument("--copier", help="also time copier, on a copier twin of the template")
    p.add_argument("--files", type=int, default=200)
    p.add_argument("--edits", type=int, default=10)
    p.add_argument("--runs", type=int, default=7)
    args = p.parse_args()
    args.stamp = os.path.abspath(args.stamp)
    args.cruft = os.path.abspath(args.cruft)
    tools = ("stamp", "cruft")
    if args.copier:
        args.copier = os.path.abspath(args.copier)
        tools = ("stamp", "cruft", "copier")

    work = tempfile.mkdtemp(prefix="stamp-bench-update-")
    try:
        tpl = os.path.join(work, "tpl")
        subprocess.run([sys.executable, os.path.join(HERE, "gen_template.py"), "files", str(args.files), tpl], check=True)
        git("init", "--quiet", cwd=tpl)
        git("add", ".", cwd=tpl)
        git("commit", "--quiet", "-m", "v1", cwd=tpl)
        twin = os.path.join(work, "copier-tpl")
        if args.copier:
            copier_twin(tpl, twin)
            git("init", "--quiet", cwd=twin)
            git("add", ".", cwd=twin)
            git("commit", "--quiet", "-m", "v1", cwd=twin)
        env = dict(os.environ, HOME=os.path.join(work, "home"), XDG_CACHE_HOME=os.path.join(work, "cache"), NO_COLOR="1")
        env.pop("COOKIECUTTER_CONFIG", None)
        quiet = {"env": env, "check": True, "stdin": subprocess.DEVNULL, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}

        prepared = {}
        for tool in tools:
            out = os.path.join(work, f"made-{tool}")
            if tool == "stamp":
                subprocess.run([args.stamp, tpl, "--checkout", "main", "--record", "--no-input", "-o", out], **quiet)
            elif tool == "cruft":
                subprocess.run([args.cruft, "create", tpl, "--checkout", "main", "--no-input", "--output-dir", out], **quiet)
            else:
                # The same project directory name as the others', so that the user edits the same files.
                name = os.path.basename(prepared["stamp"])
                subprocess.run([args.copier, "copy", "--defaults", "--vcs-ref", "HEAD", twin, os.path.join(out, name)], **quiet)
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
        if args.copier:
            copier_twin(tpl, twin)
            git("add", "-A", cwd=twin)
            git("commit", "--quiet", "-m", "v2", cwd=twin)

        counter = iter(range(1_000_000))
        results = {}

        def run(tool: str) -> float:
            copy = os.path.join(work, "runs", f"{tool}-{next(counter)}", os.path.basename(prepared[tool]))
            shutil.copytree(prepared[tool], copy, symlinks=True)
            command = {
                "stamp": [args.stamp, "update"],
                "cruft": [args.cruft, "update", "-y"],
                "copier": [args.copier, "update", "--defaults", "--vcs-ref", "HEAD"],
            }[tool]
            start = time.perf_counter()
            subprocess.run(command, cwd=copy, **quiet)
            elapsed = time.perf_counter() - start
            results[tool] = copy
            return elapsed

        times = {tool: [] for tool in tools}
        for i in range(args.runs + 1):
            for tool in tools:
                elapsed = run(tool)
                if i > 0:
                    times[tool].append(elapsed)
        s = statistics.median(times["stamp"])
        print(f"{args.files}-file template, {args.edits} files edited by the user, {2 * args.edits} changed by v2;")
        print(f"medians of {args.runs} interleaved runs (one warm-up each)\n")
        print(f"{'tool':<8} {'update':>9}")
        print(f"{'stamp':<8} {s:>8.3f}s")
        for tool in tools[1:]:
            t = statistics.median(times[tool])
            print(f"{tool:<8} {t:>8.3f}s   ({t / s:.1f}x stamp)")
        ours = tree_of(results["stamp"])
        failed = False
        for tool in tools[1:]:
            diff = differences(ours, tree_of(results[tool]), "stamp", tool)
            if diff:
                print(f"\nstamp and {tool} left different files ({len(diff)} of {len(ours)} of stamp's):", *diff, sep="\n")
                failed = True
            else:
                print(f"\nstamp and {tool} left the same {len(ours)} files")
        if failed:
            return 1
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

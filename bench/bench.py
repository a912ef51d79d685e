#!/usr/bin/env python3
"""Times stamp, cookiecutter and `cp -r` of the rendered tree on the same synthetic templates.

Run through bench/run.sh, which builds stamp and installs cookiecutter. For each case the
template is generated, stamp and cookiecutter each render it once and their outputs are
compared with `diff -r` (a difference stops the run), then every tool runs `--warmup` times
under GNU time (peak RSS, `%M`) and `--runs` times (stamp and `cp -r`, which take milliseconds
and whose medians the machine's noise moves most, three times as often) timed from here (wall clock around
spawn and wait), the tools taking turns run by run, with a `sync` before each run. Every
run writes into a new, empty output directory made before the clock starts, so no run pays
for deleting an earlier one; all outputs are deleted at the end. The table shows median wall seconds and the
largest peak RSS seen.
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
GNU_TIME = "/usr/bin/time"
# stamp and `cp -r` run this many times as often as cookiecutter.
FAST_RUNS = 3


def main() -> int:
    quick = os.environ.get("BENCH_QUICK") == "1"
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--stamp", required=True)
    p.add_argument("--cookiecutter", required=True)
    p.add_argument("--sizes", type=int, nargs="*", default=[10, 100] if quick else [10, 100, 1000, 5000])
    p.add_argument("--large", type=float, nargs=2, metavar=("FILES", "MB"), default=[2, 1] if quick else [4, 20])
    p.add_argument("--runs", type=int, default=3 if quick else 7)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--tools", default="stamp,cookiecutter,cp", help="comma-separated subset")
    p.add_argument("--no-builtin", action="store_true")
    p.add_argument("--work", default=os.environ.get("BENCH_WORK"), help="work directory (default: temporary)")
    args = p.parse_args()
    tools = args.tools.split(",")
    stamp = os.path.abspath(args.stamp)
    cookiecutter = os.path.abspath(args.cookiecutter)
    if not os.access(GNU_TIME, os.X_OK):
        sys.exit(f"{GNU_TIME} (GNU time) is needed for peak memory: apt-get install -y time")

    work = os.path.abspath(args.work) if args.work else tempfile.mkdtemp(prefix="stamp-bench-")
    os.makedirs(work, exist_ok=True)
    print(f"work directory: {work}; {args.warmup} warm-up + {args.runs} runs per tool "
          f"({FAST_RUNS * args.runs} for stamp and cp)", file=sys.stderr)
    cases = [(f"N={n}", ["files", str(n)]) for n in args.sizes]
    k, mb = int(args.large[0]), args.large[1]
    if k > 0:
        cases.append((f"{k} x {mb:g} MB", ["large", str(k), str(mb)]))
    rows = []
    try:
        # The smallest case first: after the large ones the machine is still
        # reclaiming their memory, which would weigh on runs of milliseconds.
        if not args.no_builtin:
            commands = {"stamp": lambda out: [stamp, "--no-input", "-q", "-o", out]}
            rows.append(run_case(work, "built-in", commands, [t for t in tools if t != "cookiecutter"], args))
        for label, gen in cases:
            tpl = os.path.join(work, "tpl", label.replace(" ", ""))
            if not os.path.isdir(tpl):
                subprocess.run([sys.executable, os.path.join(HERE, "gen_template.py"), *gen, tpl], check=True)
            commands = {
                "stamp": lambda out, tpl=tpl: [stamp, "new", "-t", tpl, "-o", out, "--no-input", "-q"],
                "cookiecutter": lambda out, tpl=tpl: [cookiecutter, "--no-input", tpl, "-o", out],
            }
            rows.append(run_case(work, label, commands, tools, args))
    finally:
        if not args.work:
            print("deleting the work directory", file=sys.stderr)
            shutil.rmtree(work, ignore_errors=True)
    print_table(rows, tools, args)
    return 0


def run_case(work, label, commands, tools, args):
    print(f"== {label}", file=sys.stderr)
    slug = label.replace(" ", "")
    check = os.path.join(work, "check", slug)
    shutil.rmtree(check, ignore_errors=True)
    outputs = {}
    for name, command in commands.items():
        out = os.path.join(check, name)
        os.makedirs(out)
        subprocess.run(command(out), check=True, stdout=subprocess.DEVNULL)
        outputs[name] = out
    if "cookiecutter" in commands and "cookiecutter" in tools:
        diff = subprocess.run(["diff", "-r", outputs["stamp"], outputs["cookiecutter"]], capture_output=True, text=True)
        if diff.returncode != 0:
            sys.exit(f"stamp and cookiecutter differ on {label}:\n{diff.stdout[:4000]}{diff.stderr}")
    (project,) = os.listdir(outputs["stamp"])
    rendered = os.path.join(outputs["stamp"], project)
    files, size = 0, 0
    for root, _, names in os.walk(rendered):
        for n in names:
            files += 1
            size += os.path.getsize(os.path.join(root, n))
    commands = dict(commands)
    commands["cp"] = lambda out: ["cp", "-r", rendered, os.path.join(out, project)]
    active = [t for t in tools if t in commands]

    counter = iter(range(10**9))
    outs = os.path.join(work, "out", slug)
    shutil.rmtree(outs, ignore_errors=True)

    def fresh(tool):
        out = os.path.join(outs, tool, str(next(counter)))
        os.makedirs(out)
        return out

    rss = {t: 0 for t in active}
    times = {t: [] for t in active}
    subprocess.run(["sync"])
    for tool in active:
        for _ in range(args.warmup):
            report = os.path.join(work, "rss")
            run([GNU_TIME, "-f", "%M", "-o", report, *commands[tool](fresh(tool))])
            with open(report) as f:
                rss[tool] = max(rss[tool], int(f.read().split()[-1]))
    for run_index in range(FAST_RUNS * args.runs):
        for tool in active:
            if tool == "cookiecutter" and run_index >= args.runs:
                continue
            out = fresh(tool)
            # Dirty pages of the previous run (cookiecutter writes for seconds) are flushed
            # before the clock starts, so no tool pays for another's writeback.
            subprocess.run(["sync"])
            times[tool].append(run(commands[tool](out)))
    shutil.rmtree(outs)
    row = {"label": label, "files": files, "size": size, "median": {}, "rss": rss, "spread": {}}
    for tool in active:
        row["median"][tool] = statistics.median(times[tool])
        row["spread"][tool] = (min(times[tool]), max(times[tool]))
        lo, hi = row["spread"][tool]
        print(f"   {tool:13} median {row['median'][tool]:.4f} s (min {lo:.4f}, max {hi:.4f}), "
              f"peak RSS {rss[tool] / 1024:.1f} MiB", file=sys.stderr)
    return row


def run(command):
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def fmt_size(n):
    return f"{n / 1e6:.2f} MB" if n >= 1e6 else f"{n / 1e3:.0f} KB"


def print_table(rows, tools, args):
    print(f"\nmedian wall seconds of {args.runs} runs ({FAST_RUNS * args.runs} for stamp and `cp -r`; after "
          f"{args.warmup} warm-up), peak RSS in MiB in brackets\n")
    header = ["case", "files", "size"]
    header += [{"stamp": "stamp", "cookiecutter": "cookiecutter 2.7.1", "cp": "`cp -r` of the output"}[t] for t in tools]
    if "cookiecutter" in tools:
        header.append("cookiecutter / stamp")
    if "cp" in tools:
        header.append("stamp / cp -r")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        cells = [row["label"], str(row["files"]), fmt_size(row["size"])]
        for t in tools:
            m = row["median"].get(t)
            cells.append("—" if m is None else f"{m:.4f} ({row['rss'][t] / 1024:.1f})")
        s = row["median"].get("stamp")
        if "cookiecutter" in tools:
            c = row["median"].get("cookiecutter")
            cells.append("—" if c is None else f"{c / s:.0f}x")
        if "cp" in tools:
            cells.append(f"{s / row['median']['cp']:.2f}x")
        print("| " + " | ".join(cells) + " |")
    print("\nissue 7 targets (ratios from this run):")
    for row in rows:
        m = row["median"]
        checks = []
        if row["label"].startswith("N=") and "cookiecutter" in m:
            checks.append(("cookiecutter / stamp >= 50", m["cookiecutter"] / m["stamp"], m["cookiecutter"] / m["stamp"] >= 50))
        if row["label"].startswith("N=") and int(row["label"][2:]) >= 1000 and "cp" in m:
            checks.append(("stamp / cp -r <= 1.5", m["stamp"] / m["cp"], m["stamp"] / m["cp"] <= 1.5))
        if row["label"] == "N=5000":
            checks.append(("stamp peak RSS < 50 MiB", row["rss"]["stamp"] / 1024, row["rss"]["stamp"] < 50 * 1024))
        if row["label"] == "built-in" and "cp" in m:
            checks.append(("stamp / cp -r <= 3", m["stamp"] / m["cp"], m["stamp"] / m["cp"] <= 3))
        for name, value, ok in checks:
            print(f"  {row['label']:10} {name:26} {value:8.2f}  {'holds' if ok else 'MISSED'}")


if __name__ == "__main__":
    sys.exit(main())

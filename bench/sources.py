#!/usr/bin/env python3
"""Remote template sources, stamp against cookiecutter (stdlib only).

    sources.py --stamp BIN --cookiecutter BIN [--files 200] [--runs 9]

A synthetic template of --files files (bench/gen_template.py) is committed to a
git repository served by `git daemon` on loopback, and zipped and served over
HTTP on loopback. Each case runs the tools in turns (one warm-up each), every
run into a new output directory, and prints the median wall time:

- git, cold:  an empty cache (stamp: its mirror; cookiecutter: ~/.cookiecutters)
- git, warm:  the cache from the previous run (cookiecutter always clones again)
- git, pinned: `--checkout` a whole commit id that stamp has cached (no fetch)
- zip, cold / warm: the same for the archive over HTTP

Both tools must write the same tree; the script checks it once per source.
"""

import argparse
import functools
import http.server
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.02)
    sys.exit(f"nothing listens on port {port}")


def git(*args: str, cwd: str) -> str:
    identity = ["-c", "user.name=bench", "-c", "user.email=bench@example.com", "-c", "init.defaultBranch=main"]
    return subprocess.run(["git", *identity, *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def tree_of(root: str) -> dict:
    found = {}
    for base, _, names in os.walk(root):
        for name in names:
            path = os.path.join(base, name)
            with open(path, "rb") as f:
                found[os.path.relpath(path, root)] = f.read()
    return found


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--stamp", required=True)
    p.add_argument("--cookiecutter", required=True)
    p.add_argument("--files", type=int, default=200)
    p.add_argument("--runs", type=int, default=9)
    args = p.parse_args()
    args.stamp = os.path.abspath(args.stamp)
    args.cookiecutter = os.path.abspath(args.cookiecutter)

    work = tempfile.mkdtemp(prefix="stamp-bench-sources-")
    daemon = None
    httpd = None
    try:
        repo = os.path.join(work, "srv", "tpl.git")
        source = os.path.join(work, "tpl")
        subprocess.run([sys.executable, os.path.join(HERE, "gen_template.py"), "files", str(args.files), source], check=True)
        git("init", "--quiet", cwd=source)
        git("add", ".", cwd=source)
        git("commit", "--quiet", "-m", "template", cwd=source)
        commit = git("rev-parse", "HEAD", cwd=source)
        os.makedirs(os.path.dirname(repo))
        git("clone", "--quiet", "--bare", source, repo, cwd=work)
        shutil.make_archive(os.path.join(work, "srv", "tpl"), "zip", work, "tpl")

        port = free_port()
        exec_path = git("--exec-path", cwd=work)
        daemon = subprocess.Popen(
            [os.path.join(exec_path, "git-daemon"), "--reuseaddr", "--export-all", "--listen=127.0.0.1",
             f"--port={port}", f"--base-path={work}/srv", f"{work}/srv"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(port)
        handler = functools.partial(QuietHandler, directory=os.path.join(work, "srv"))
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        git_url = f"git://127.0.0.1:{port}/tpl.git"
        zip_url = f"http://127.0.0.1:{httpd.server_address[1]}/tpl.zip"

        home = os.path.join(work, "home")
        env = dict(os.environ, HOME=home, XDG_CACHE_HOME=os.path.join(home, ".cache"),
                   XDG_CONFIG_HOME=os.path.join(home, ".config"), NO_COLOR="1")
        env.pop("COOKIECUTTER_CONFIG", None)
        counter = iter(range(1_000_000))

        def run(tool: str, template: str, extra=(), clear=False) -> float:
            if clear:
                shutil.rmtree(os.path.join(home, ".cache"), ignore_errors=True)
                shutil.rmtree(os.path.join(home, ".cookiecutters"), ignore_errors=True)
            out = os.path.join(work, "out", f"{tool}-{next(counter)}")
            program = args.stamp if tool == "stamp" else args.cookiecutter
            command = [program, template, "--no-input", "-o", out, *extra]
            start = time.perf_counter()
            subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            elapsed = time.perf_counter() - start
            if not hasattr(run, "checked"):
                run.checked = {}
            run.checked.setdefault(template, {})[tool] = out
            return elapsed

        cases = [
            ("git, cold cache", git_url, (), True),
            ("git, warm cache", git_url, (), False),
            ("git, cached commit id", git_url, ("--checkout", commit), False),
            ("zip over HTTP, cold", zip_url, (), True),
            ("zip over HTTP, warm", zip_url, (), False),
        ]
        print(f"{args.files}-file template, medians of {args.runs} interleaved runs (one warm-up each)\n")
        print(f"{'case':<24} {'stamp':>9} {'cookiecutter':>13} {'ratio':>7}")
        for label, template, extra, clear in cases:
            times = {"stamp": [], "cookiecutter": []}
            for i in range(args.runs + 1):
                for tool in ("stamp", "cookiecutter"):
                    # cookiecutter keeps no git cache of its own between runs; a pinned commit is still a clone.
                    elapsed = run(tool, template, extra, clear)
                    if i > 0:
                        times[tool].append(elapsed)
            s, c = statistics.median(times["stamp"]), statistics.median(times["cookiecutter"])
            print(f"{label:<24} {s:>8.3f}s {c:>12.3f}s {c / s:>6.1f}x", flush=True)
        for template, outs in run.checked.items():
            if tree_of(outs["stamp"]) != tree_of(outs["cookiecutter"]):
                sys.exit(f"stamp and cookiecutter wrote different trees from {template}")
        print("\nboth tools wrote the same tree from each source")
    finally:
        if daemon:
            daemon.kill()
            daemon.wait()
        if httpd:
            httpd.shutdown()
        shutil.rmtree(work, ignore_errors=True)
    return 0


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


if __name__ == "__main__":
    sys.exit(main())

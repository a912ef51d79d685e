#!/usr/bin/env bash
# The benchmark suite: `bash bench/run.sh` (see the README's Performance section).
# Builds stamp in release mode, installs cookiecutter 2.7.1 into bench/.venv if
# it is not there, then runs bench/bench.py, which generates the synthetic
# templates, checks that stamp writes exactly what cookiecutter writes and prints
# the table. BENCH_QUICK=1 for a smoke run; BENCH_WORK=DIR to keep the work files
# (default: a temporary directory, removed at the end). Extra arguments go to
# bench.py (`--help`).
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --quiet
venv=bench/.venv
if [ ! -x "$venv/bin/cookiecutter" ] || ! "$venv/bin/cookiecutter" --version | grep -q '^Cookiecutter 2\.7\.1 '; then
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check 'cookiecutter==2.7.1'
fi
exec python3 bench/bench.py --stamp target/release/stamp --cookiecutter "$venv/bin/cookiecutter" "$@"

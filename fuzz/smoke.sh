#!/usr/bin/env bash
# Fuzz smoke run: builds the cargo-fuzz crate and runs every target for
# FUZZ_SECONDS (default 20) seconds from its seed corpus, in a throw-away
# corpus directory. Fails if any target finds a crash, a timeout or runaway
# memory; the reproducer is left in fuzz/artifacts/<target>/. Works on stable
# Rust (RUSTC_BOOTSTRAP=1 lets cargo-fuzz pass its nightly-only flags).
# The long runs are in README.md, "Fuzzing".
set -euo pipefail
cd "$(dirname "$0")"

seconds=${FUZZ_SECONDS:-20}
targets=(manifest_toml cookiecutter_json answers render template)
export RUSTC_BOOTSTRAP=1

# The pinned cargo-fuzz, whatever another version the machine may have.
if ! cargo fuzz --version 2>/dev/null | grep -q '^cargo-fuzz 0\.13\.2$'; then
    cargo install --locked --force cargo-fuzz --version 0.13.2
fi

# cargo-fuzz has no --locked: resolve first, failing if fuzz/Cargo.lock would change.
cargo fetch --locked --quiet
cargo fuzz build
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for target in "${targets[@]}"; do
    echo "== fuzz $target (${seconds}s)"
    mkdir -p "$scratch/$target" "artifacts/$target"
    if ! cargo fuzz run "$target" "$scratch/$target" "seeds/$target" -- \
        -dict="dicts/$target.dict" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 >"$scratch/$target.log" 2>&1; then
        tail -n 60 "$scratch/$target.log"
        echo "fuzz: $target failed; reproducer in fuzz/artifacts/$target/" >&2
        exit 1
    fi
    grep -E '^#[0-9]+[[:space:]]+DONE' "$scratch/$target.log" || true
done
echo "fuzz: all targets ran ${seconds}s without a crash"

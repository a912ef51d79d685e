#!/usr/bin/env bash
# Fails when a file looks like it holds a credential (detect-secrets, installed into .venv by
# `make tools`). Without arguments it scans every file git tracks or would track (ignored files
# such as secrets.env are never committed, so they are not scanned); the pre-commit hook passes the
# staged files. Allowed: the dev overlay's dev-only values, the docs' user:password@host examples and the
# agent templates that build URLs (%s:%s@). The keyword detector is off: it flags every
# `secretKey:` and `secrets_backend`, and a rule that always fires gets ignored.
set -euo pipefail
cd "$(dirname "$0")/.."
hook=.venv/bin/detect-secrets-hook
if [ ! -x "$hook" ]; then
    echo "error: $hook is missing: run 'make tools' first" >&2
    exit 2
fi
if [ "$#" -eq 0 ]; then
    if git rev-parse --git-dir >/dev/null 2>&1; then
        mapfile -d '' files < <(git ls-files -z --cached --others --exclude-standard)
    else
        mapfile -d '' files < <(find . \( -name .git -o -name .venv \) -prune -o -type f -print0)
    fi
    set -- "${files[@]}"
fi
exec "$hook" --disable-plugin KeywordDetector \
    --exclude-lines 'dev-only-insecure|:password@host:|%s:%s@|uses: [^ ]+@[0-9a-f]{40} ' "$@"

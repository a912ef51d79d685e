#!/usr/bin/env bash
# Seals the service's secrets for the sealed-secrets component.
#
#   scripts/seal-secrets.sh --fetch-cert     # once: save the controller's public certificate
#   scripts/seal-secrets.sh [secrets.env]    # seal KEY=value lines (default ./secrets.env)
#
# The plaintext never touches the disk beyond your (git-ignored) env file: kubectl renders the
# Secret to a pipe and kubeseal encrypts it offline with the committed public certificate.
# The result is bound to name my-service-secrets and namespace my-service (strict scope).
set -euo pipefail
cd "$(dirname "$0")/.."

KUBESEAL_VERSION="0.38.4"
CONTROLLER_NAME="${SEALED_SECRETS_CONTROLLER_NAME:-sealed-secrets-controller}"
CONTROLLER_NAMESPACE="${SEALED_SECRETS_CONTROLLER_NAMESPACE:-kube-system}"
CERT="k8s/components/sealed-secrets/pub-cert.pem"
OUT="k8s/components/sealed-secrets/sealedsecret.yaml"
KEYS=(DATABASE_URL MIGRATION_DATABASE_URL REDIS_URL)

log() { printf '%s\n' "$*" >&2; }
need() { command -v "$1" >/dev/null 2>&1 || { log "error: $1 not found. $2"; exit 1; }; }
need kubeseal "Install kubeseal ${KUBESEAL_VERSION}: see DEPLOYMENT.md"

if [ "${1:-}" = "--fetch-cert" ]; then
  kubeseal --fetch-cert --controller-name "$CONTROLLER_NAME" \
    --controller-namespace "$CONTROLLER_NAMESPACE" >"$CERT"
  log "wrote $CERT (public; commit it)"
  exit 0
fi

need kubectl "Install kubectl"
env_file="${1:-secrets.env}"
[ -f "$env_file" ] || { log "error: $env_file not found (KEY=value lines: ${KEYS[*]})"; exit 1; }
[ -f "$CERT" ] || { log "error: $CERT missing: run $0 --fetch-cert first"; exit 1; }

# Exactly the expected keys, no more, no less: every line but blanks and comments counts (kubectl
# would seal a lower-case or misspelt key too, and the app would never read it).
found="$(grep -vE '^[[:space:]]*(#|$)' "$env_file" | cut -d= -f1 | sort | tr '\n' ' ')"
expected="$(printf '%s\n' "${KEYS[@]}" | sort | tr '\n' ' ')"
if [ "$found" != "$expected" ]; then
  log "error: $env_file has keys [${found% }], expected [${expected% }]"
  exit 1
fi

tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT
kubectl create secret generic "my-service-secrets" \
  --namespace "my-service" \
  --from-env-file="$env_file" \
  --dry-run=client -o yaml \
  | kubeseal --cert "$CERT" --format yaml \
  | grep -v '^ *creationTimestamp: null$' >"$tmp"
mv "$tmp" "$OUT"
trap - EXIT
log "wrote $OUT: commit it; then delete $env_file or keep it out of Git (it is git-ignored)"

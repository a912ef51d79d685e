#!/usr/bin/env bash
# Seals the service's secrets for the sealed-secrets component.
#
#   scripts/seal-secrets.sh --fetch-cert     # once: save the controller's public certificate
#   scripts/seal-secrets.sh [secrets.env [migration.env]]   # seal KEY=value lines
#
# secrets.env holds the web pods' keys (Secret my-service-secrets, sealedsecret.yaml),
# migration.env the migration Job's MIGRATION_DATABASE_URL (Secret my-service-migration-secrets,
# sealedsecret-migration.yaml): the DDL-capable credentials never reach the web pods. Both files
# are git-ignored. The plaintext never touches the disk beyond them: kubectl renders each Secret
# to a pipe and kubeseal encrypts it offline with the committed public certificate. Both are
# bound to their name and namespace my-service (strict scope).
set -euo pipefail
cd "$(dirname "$0")/.."

KUBESEAL_VERSION="0.38.2"
CONTROLLER_NAME="${SEALED_SECRETS_CONTROLLER_NAME:-sealed-secrets-controller}"
CONTROLLER_NAMESPACE="${SEALED_SECRETS_CONTROLLER_NAMESPACE:-kube-system}"
CERT="k8s/components/sealed-secrets/pub-cert.pem"
OUT="k8s/components/sealed-secrets/sealedsecret.yaml"
MIGRATION_OUT="k8s/components/sealed-secrets/sealedsecret-migration.yaml"
APP_KEYS=(DATABASE_URL REDIS_URL SENTRY_DSN)
MIGRATION_KEYS=(MIGRATION_DATABASE_URL)

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
migration_file="${2:-migration.env}"
[ -f "$CERT" ] || { log "error: $CERT missing: run $0 --fetch-cert first"; exit 1; }

# keys FILE KEY...: FILE holds exactly these keys, no more, no less. Every line but blanks and
# comments counts (kubectl would seal a lower-case or misspelt key too, and the app would never
# read it).
keys() {
  local file="$1" found expected
  shift
  [ -f "$file" ] || { log "error: $file not found (KEY=value lines: $*)"; exit 1; }
  found="$(grep -vE '^[[:space:]]*(#|$)' "$file" | cut -d= -f1 | sort | tr '\n' ' ')"
  expected="$(printf '%s\n' "$@" | sort | tr '\n' ' ')"
  if [ "$found" != "$expected" ]; then
    log "error: $file has keys [${found% }], expected [${expected% }]"
    exit 1
  fi
}
keys "$env_file" "${APP_KEYS[@]}"
keys "$migration_file" "${MIGRATION_KEYS[@]}"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# seal NAME ENV_FILE OUT: ENV_FILE's Secret, rendered to a pipe, sealed into OUT.
seal() {
  local name="$1" file="$2" out="$3"
  kubectl create secret generic "$name" \
    --namespace "my-service" \
    --from-env-file="$file" \
    --dry-run=client -o yaml \
    | kubeseal --cert "$CERT" --format yaml \
    | grep -v '^ *creationTimestamp: null$' >"$tmp/$name.yaml"
  mv "$tmp/$name.yaml" "$out"
  log "wrote $out"
}
seal "my-service-secrets" "$env_file" "$OUT"
seal "my-service-migration-secrets" "$migration_file" "$MIGRATION_OUT"
log "commit both; then delete $env_file and $migration_file or keep them out of Git (they are git-ignored)"

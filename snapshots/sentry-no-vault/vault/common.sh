# shellcheck shell=bash disable=SC2034
# Shared settings for the Vault scripts (sourced, not executed). Override any of them in the
# environment. Authenticate first (VAULT_TOKEN or `vault login`); nothing here takes secrets
# as arguments.
VAULT="${VAULT_CLI:-vault}"          # the Vault CLI (OpenBao's `bao` works too)
export VAULT_ADDR="${VAULT_ADDR:-https://vault.example.com:8200}"
KV_MOUNT="${KV_MOUNT:-secret}"
AUTH_MOUNT="${AUTH_MOUNT:-kubernetes}"
SLUG="my-service"
APP_NAMESPACE="${APP_NAMESPACE:-my-service}"
APP_SERVICE_ACCOUNT="my-service-backend"
AUDIENCE="${VAULT_AUDIENCE:-vault}"
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# Secrets of the service: <name>:<keys> under $KV_MOUNT/$SLUG/<name>.
SECRETS=(
  "database:url,migration_url"
  "redis:url"
)

log() { printf '%s\n' "$*" >&2; }

command -v "$VAULT" >/dev/null 2>&1 || { log "error: $VAULT not found (set VAULT_CLI)"; exit 1; }

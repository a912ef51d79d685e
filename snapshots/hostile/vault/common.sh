# shellcheck shell=bash disable=SC2034
# Shared settings for the Vault scripts (sourced, not executed). Authenticate first (VAULT_TOKEN
# or `vault login`); nothing here takes secrets as arguments.
log() { printf '%s\n' "$*" >&2; }

VAULT="${VAULT_CLI:-vault}"          # the Vault CLI (OpenBao's `bao` works too)
export VAULT_ADDR="${VAULT_ADDR:-https://vault.example.com:8200}"

# Values the rendered policy, role and pod annotations name as well: set here, never from the
# environment. A different value in the environment would configure Vault for one thing and the
# pods for another; change the answer with `stamp update NAME=VALUE` instead.
fixed() {
  if [ -n "${!1:-}" ] && [ "${!1}" != "$2" ]; then
    log "error: $1=${!1} contradicts the rendered policy and annotations ($2): run 'stamp update' to change it"
    exit 1
  fi
  printf -v "$1" '%s' "$2"
}
fixed KV_MOUNT "secret"
fixed AUTH_MOUNT "kubernetes"
fixed APP_NAMESPACE "hostile-app-2"
fixed VAULT_AUDIENCE "vault"
AUDIENCE="$VAULT_AUDIENCE"
SLUG="hostile-app-2"
APP_SERVICE_ACCOUNT="hostile-app-2-backend"
# The migration Job logs in with its own service account, role and policy: only it can read the
# DDL-capable credentials at $KV_MOUNT/$SLUG/migration.
MIGRATION_ROLE="hostile-app-2-migration"
MIGRATION_SERVICE_ACCOUNT="hostile-app-2-migration"
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# Secrets of the service: <name>:<keys> under $KV_MOUNT/$SLUG/<name> (policy.hcl: all but
# migration, which policy-migration.hcl grants to the migration Job alone).
SECRETS=(
  "database:url"
  "redis:url"
  "sentry:dsn"
  "migration:url"
)

command -v "$VAULT" >/dev/null 2>&1 || { log "error: $VAULT not found (set VAULT_CLI)"; exit 1; }

# shellcheck shell=bash disable=SC2034
# Shared settings for the Vault scripts (sourced, not executed). Override any of them in the
# environment. Authenticate first (VAULT_TOKEN or `vault login`); nothing here takes secrets
# as arguments.
VAULT="${VAULT_CLI:-vault}"          # the Vault CLI (OpenBao's `bao` works too)
export VAULT_ADDR="${VAULT_ADDR:-{{ cookiecutter.vault_addr }}}"
KV_MOUNT="${KV_MOUNT:-{{ cookiecutter.vault_kv_mount }}}"
AUTH_MOUNT="${AUTH_MOUNT:-{{ cookiecutter.vault_auth_mount }}}"
SLUG="{{ cookiecutter.project_slug }}"
APP_NAMESPACE="${APP_NAMESPACE:-{{ cookiecutter.namespace }}}"
APP_SERVICE_ACCOUNT="{{ cookiecutter.project_slug }}-backend"
AUDIENCE="${VAULT_AUDIENCE:-{{ cookiecutter.vault_audience }}}"
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# Secrets of the service: <name>:<keys> under $KV_MOUNT/$SLUG/<name>.
SECRETS=(
  "database:url,migration_url"
  "redis:url"
{%- if cookiecutter.include_sentry == "yes" %}
  "sentry:dsn"
{%- endif %}
)

log() { printf '%s\n' "$*" >&2; }

command -v "$VAULT" >/dev/null 2>&1 || { log "error: $VAULT not found (set VAULT_CLI)"; exit 1; }

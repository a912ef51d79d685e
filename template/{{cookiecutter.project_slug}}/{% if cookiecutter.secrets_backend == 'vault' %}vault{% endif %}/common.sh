# shellcheck shell=bash disable=SC2034
# Shared settings for the Vault scripts (sourced, not executed). Authenticate first (VAULT_TOKEN
# or `vault login`); nothing here takes secrets as arguments.
log() { printf '%s\n' "$*" >&2; }

VAULT="${VAULT_CLI:-vault}"          # the Vault CLI (OpenBao's `bao` works too)
export VAULT_ADDR="${VAULT_ADDR:-{{ cookiecutter.vault_addr }}}"

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
fixed KV_MOUNT "{{ cookiecutter.vault_kv_mount }}"
fixed AUTH_MOUNT "{{ cookiecutter.vault_auth_mount }}"
fixed APP_NAMESPACE "{{ cookiecutter.namespace }}"
fixed VAULT_AUDIENCE "{{ cookiecutter.vault_audience }}"
AUDIENCE="$VAULT_AUDIENCE"
SLUG="{{ cookiecutter.project_slug }}"
APP_SERVICE_ACCOUNT="{{ cookiecutter.project_slug }}-backend"
# The migration Job logs in with its own service account, role and policy: only it can read the
# DDL-capable credentials at $KV_MOUNT/$SLUG/migration.
MIGRATION_ROLE="{{ cookiecutter.project_slug }}-migration"
MIGRATION_SERVICE_ACCOUNT="{{ cookiecutter.project_slug }}-migration"
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

{%- if cookiecutter.vault_database_credentials == "dynamic" %}
# Secrets of the service: <name>:<keys> under $KV_MOUNT/$SLUG/<name> (policy.hcl). The database
# URLs are not stored: the agents build them from database/creds/ (setup-database-engine.sh).
SECRETS=(
  "redis:url"
{%- if cookiecutter.include_sentry == "yes" %}
  "sentry:dsn"
{%- endif %}
)
{%- else %}
# Secrets of the service: <name>:<keys> under $KV_MOUNT/$SLUG/<name> (policy.hcl: all but
# migration, which policy-migration.hcl grants to the migration Job alone).
SECRETS=(
  "database:url"
  "redis:url"
{%- if cookiecutter.include_sentry == "yes" %}
  "sentry:dsn"
{%- endif %}
  "migration:url"
)
{%- endif %}

command -v "$VAULT" >/dev/null 2>&1 || { log "error: $VAULT not found (set VAULT_CLI)"; exit 1; }

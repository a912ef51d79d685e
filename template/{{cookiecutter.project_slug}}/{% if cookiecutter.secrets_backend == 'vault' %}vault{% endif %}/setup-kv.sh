#!/usr/bin/env bash
# Enables KV v2 at the mount if needed, writes the policy, and stores the service's secrets
# from local JSON files (never from the command line, so nothing lands in shell history or
# the process list).
#
#   SECRETS_DIR=./secrets vault/setup-kv.sh     # default SECRETS_DIR: ./secrets (git-ignored)
#
# Expected files (see docs/secrets-management.md):
{%- if cookiecutter.vault_database_credentials != "dynamic" %}
#   $SECRETS_DIR/database.json   {"url": "..."}   the web pods' database user (rows, no DDL)
{%- endif %}
#   $SECRETS_DIR/redis.json      {"url": "..."}
{%- if cookiecutter.include_sentry == "yes" %}
#   $SECRETS_DIR/sentry.json     {"dsn": "..."}
{%- endif %}
{%- if cookiecutter.vault_database_credentials == "dynamic" %}
# (The database users come from vault/setup-database-engine.sh, not from files.)
{%- else %}
#   $SECRETS_DIR/migration.json  {"url": "..."}   the migration user (DDL), for the migration Job only
{%- endif %}
# Run with --policy-only to write just the policies.
set -euo pipefail
# shellcheck source=vault/common.sh
. "$(dirname "$0")/common.sh"

SECRETS_DIR="${SECRETS_DIR:-./secrets}"

# Non-dev Vault servers have no KV v2 at secret/ by default.
# (Capture first: `grep -q` closing the pipe early would fail the pipeline under pipefail.)
mounts="$("$VAULT" secrets list -format=json)"
if [[ "$mounts" != *"\"${KV_MOUNT}/\""* ]]; then
  log "enabling kv-v2 at ${KV_MOUNT}/"
  "$VAULT" secrets enable -path="$KV_MOUNT" kv-v2
else
  # An existing mount must be KV version 2: the policy and the agent read ${KV_MOUNT}/data/...,
  # which a version 1 mount (or another engine) does not have, so they would read nothing.
  kind="$("$VAULT" read -field=type "sys/mounts/${KV_MOUNT}")"
  options="$("$VAULT" read -field=options "sys/mounts/${KV_MOUNT}")"
  if [ "$kind" != "kv" ] || [[ "$options" != *"version:2"* ]]; then
    log "error: ${KV_MOUNT}/ is a ${kind} mount (${options}), not KV version 2; upgrade it with" \
      "'vault kv enable-versioning ${KV_MOUNT}/' or choose another vault_kv_mount"
    exit 1
  fi
fi

log "writing policies ${SLUG} and ${MIGRATION_ROLE}"
"$VAULT" policy write "$SLUG" "$SCRIPT_DIR/policy.hcl"
"$VAULT" policy write "$MIGRATION_ROLE" "$SCRIPT_DIR/policy-migration.hcl"

if [ "${1:-}" = "--policy-only" ]; then
  exit 0
fi

for entry in "${SECRETS[@]}"; do
  name="${entry%%:*}"
  file="$SECRETS_DIR/$name.json"
  if [ ! -f "$file" ]; then
    log "error: $file is missing (JSON object with keys: ${entry#*:})"
    exit 1
  fi
  log "storing ${KV_MOUNT}/${SLUG}/${name} from ${file}"
  "$VAULT" kv put -mount="$KV_MOUNT" "$SLUG/$name" "@$file" >/dev/null
done
{%- if cookiecutter.vault_database_credentials == "dynamic" %}
log "done: ${KV_MOUNT}/data/${SLUG}/* readable with policy ${SLUG}; database users: vault/setup-database-engine.sh"
{%- else %}
log "done: ${KV_MOUNT}/data/${SLUG}/migration readable with policy ${MIGRATION_ROLE} only, the others with ${SLUG}"
{%- endif %}

#!/usr/bin/env bash
# Dynamic PostgreSQL credentials from Vault's database secrets engine (vault_database_credentials
# = dynamic): the Vault Agents build DATABASE_URL and MIGRATION_DATABASE_URL from two roles,
#   my-service-app       a user per web pod, in group my_service_app (rows only, no DDL)
#   my-service-migrator  a user per migration run, acting as my_service_migrator (owns the schema)
#
#   DB_SUPERUSER=postgres vault/setup-database-engine.sh   # creates the prerequisites too
#   vault/setup-database-engine.sh                         # a DBA created them already
#
# Vault connects to db.example.com:5432 with sslmode=verify-full: the server's certificate must
# chain to a CA Vault trusts and name db.example.com. VAULT_DB_CA_FILE is that CA bundle's path ON THE
# VAULT SERVER (for RDS: the region's bundle from https://truststore.pki.rds.amazonaws.com);
# without it Vault uses its system trust store. psql, run here for the prerequisites, verifies the
# same way with libpq's own settings (PGSSLROOTCERT, or ~/.postgresql/root.crt).
#
# Prerequisites: vault/database-prerequisites.sql (group roles, their grants on tables AND
# sequences, now and by default for what migrations create, and the admin role Vault connects
# as: LOGIN CREATEROLE with ADMIN OPTION on both groups). With DB_SUPERUSER set, this script runs
# it through psql as that user (whose password psql takes from PGPASSWORD, ~/.pgpass or a
# prompt) and gives the admin a random password that nobody types; otherwise it asks for the
# admin's password (prompt, or stdin). The password reaches psql and Vault on stdin, never as an
# argument, and is then rotated so that only Vault knows it.
# Caveat: env vars are read once at start; restart the web pods within max_ttl (24h). See
# docs/secret-rotation.md.
set -euo pipefail
# shellcheck source=vault/common.sh
. "$(dirname "$0")/common.sh"

DB_NAME="my_service"
# The agent templates build the URLs from the same host and port: change them with
# `stamp update postgres_host=... postgres_port=...`, not here.
fixed DB_HOST "db.example.com"
fixed DB_PORT "5432"
DB_ADMIN_USER="${DB_ADMIN_USER:-vault_admin}"
VAULT_DB_CA_FILE="${VAULT_DB_CA_FILE:-}"
DB_SUPERUSER="${DB_SUPERUSER:-}"
APP_GROUP_ROLE="${DB_NAME}_app"
MIGRATOR_GROUP_ROLE="${DB_NAME}_migrator"

if [ -n "$DB_SUPERUSER" ]; then
  command -v psql >/dev/null 2>&1 || { log "error: psql not found (needed with DB_SUPERUSER)"; exit 1; }
  log "creating the prerequisites in ${DB_NAME} as ${DB_SUPERUSER} (vault/database-prerequisites.sql)"
  # Letters and digits only: no quoting to get wrong. Vault replaces it a few lines below.
  admin_password="$(head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
  { printf '\\set admin_password %s\n' "$admin_password"; cat "$SCRIPT_DIR/database-prerequisites.sql"; } \
    | psql "host=${DB_HOST} port=${DB_PORT} dbname=${DB_NAME} user=${DB_SUPERUSER} sslmode=verify-full" \
      -X -q -v admin_user="$DB_ADMIN_USER" -f -
elif [ -t 0 ]; then
  read -r -s -p "Password of ${DB_ADMIN_USER}: " admin_password
  echo >&2
else
  IFS= read -r admin_password
fi

mounts="$("$VAULT" secrets list -format=json)"
if [[ "$mounts" != *'"database/"'* ]]; then
  "$VAULT" secrets enable database
fi

# TLS with the server's certificate and host name verified; the CA file is read by Vault.
tls="sslmode=verify-full"
if [ -n "$VAULT_DB_CA_FILE" ]; then
  tls="${tls}&sslrootcert=${VAULT_DB_CA_FILE}"
fi
# {{username}}/{{password}} are filled in by Vault (templated URL: needed for rotate-root).
printf '%s' "$admin_password" | "$VAULT" write "database/config/${DB_NAME}" \
  plugin_name=postgresql-database-plugin \
  allowed_roles="${SLUG}-app,${SLUG}-migrator" \
  connection_url="postgresql://{{username}}:{{password}}@${DB_HOST}:${DB_PORT}/${DB_NAME}?${tls}" \
  username="$DB_ADMIN_USER" \
  password=- \
  password_authentication=scram-sha-256
unset admin_password

# Only Vault knows the admin password from now on.
"$VAULT" write -f "database/rotate-root/${DB_NAME}"

# Web pods: members of the group, so they get its rights on rows and sequences, and nothing more.
"$VAULT" write "database/roles/${SLUG}-app" \
  db_name="$DB_NAME" \
  creation_statements="CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}' IN ROLE \"${APP_GROUP_ROLE}\";" \
  revocation_statements="REVOKE \"${APP_GROUP_ROLE}\" FROM \"{{name}}\"; DROP ROLE IF EXISTS \"{{name}}\";" \
  default_ttl=1h \
  max_ttl=24h

# Migrations: every session acts as the migrator group (SET role), so the tables and sequences
# they create belong to it, the default privileges grant them to the web pods' group, and the
# short-lived user owns nothing when Vault drops it.
"$VAULT" write "database/roles/${SLUG}-migrator" \
  db_name="$DB_NAME" \
  creation_statements="CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}' IN ROLE \"${MIGRATOR_GROUP_ROLE}\"; ALTER ROLE \"{{name}}\" SET role = '${MIGRATOR_GROUP_ROLE}';" \
  revocation_statements="REVOKE \"${MIGRATOR_GROUP_ROLE}\" FROM \"{{name}}\"; DROP ROLE IF EXISTS \"{{name}}\";" \
  default_ttl=15m \
  max_ttl=1h

log "dynamic credentials: ${VAULT} read database/creds/${SLUG}-app (web pods), database/creds/${SLUG}-migrator (migrations)"

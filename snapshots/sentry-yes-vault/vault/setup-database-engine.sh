#!/usr/bin/env bash
# Optional: dynamic PostgreSQL credentials from Vault's database secrets engine.
#
#   DB_HOST=db.internal DB_ADMIN_USER=vault_admin vault/setup-database-engine.sh
#
# The admin password is read from a prompt (or stdin) and passed to Vault on stdin ("-"), never
# as an argument; it is then rotated so that only Vault knows it.
# Prerequisite, as the database owner: a NOLOGIN group role owning the application's grants,
#   CREATE ROLE my_service_app NOLOGIN;
#   GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO my_service_app;
#   ALTER DEFAULT PRIVILEGES FOR ROLE <migration owner> IN SCHEMA public
#     GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO my_service_app;
# so tables created by later migrations are covered too (GRANT ... ON ALL TABLES is not).
# Caveat: env vars are read once at start; restart the pods before max_ttl. See
# docs/secret-rotation.md.
set -euo pipefail
# shellcheck source=vault/common.sh
. "$(dirname "$0")/common.sh"

DB_NAME="my_service"
DB_HOST="${DB_HOST:?set DB_HOST to the PostgreSQL host Vault connects to}"
DB_PORT="${DB_PORT:-5432}"
DB_ADMIN_USER="${DB_ADMIN_USER:-vault_admin}"
APP_GROUP_ROLE="${DB_NAME}_app"

mounts="$("$VAULT" secrets list -format=json)"
if [[ "$mounts" != *'"database/"'* ]]; then
  "$VAULT" secrets enable database
fi

if [ -t 0 ]; then
  read -r -s -p "Password of ${DB_ADMIN_USER}: " admin_password
  echo >&2
else
  IFS= read -r admin_password
fi

# {{username}}/{{password}} are filled in by Vault (templated URL: needed for rotate-root).
printf '%s' "$admin_password" | "$VAULT" write "database/config/${DB_NAME}" \
  plugin_name=postgresql-database-plugin \
  allowed_roles="${SLUG}-app" \
  connection_url="postgresql://{{username}}:{{password}}@${DB_HOST}:${DB_PORT}/${DB_NAME}?sslmode=require" \
  username="$DB_ADMIN_USER" \
  password=- \
  password_authentication=scram-sha-256
unset admin_password

# Only Vault knows the admin password from now on.
"$VAULT" write -f "database/rotate-root/${DB_NAME}"

"$VAULT" write "database/roles/${SLUG}-app" \
  db_name="$DB_NAME" \
  creation_statements="CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}' IN ROLE \"${APP_GROUP_ROLE}\";" \
  revocation_statements="REVOKE \"${APP_GROUP_ROLE}\" FROM \"{{name}}\"; DROP ROLE IF EXISTS \"{{name}}\";" \
  default_ttl=1h \
  max_ttl=24h

log "dynamic credentials: ${VAULT} read database/creds/${SLUG}-app (add the matching path to vault/policy.hcl)"

# Policy "my-service-migration" (the migration Job only): read the DDL-capable
# migration credentials, nothing else.
# A PostgreSQL user per migration run, acting as the schema owner (vault/setup-database-engine.sh).
path "database/creds/my-service-migrator" {
  capabilities = ["read"]
}

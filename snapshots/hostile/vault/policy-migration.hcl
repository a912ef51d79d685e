# Policy "hostile-app-2-migration" (the migration Job only): read the DDL-capable
# migration credentials, nothing else.
path "secret/data/hostile-app-2/migration" {
  capabilities = ["read"]
}

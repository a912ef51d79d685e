# Policy "my-service-migration" (the migration Job only): read the DDL-capable
# migration credentials, nothing else.
path "secret/data/my-service/migration" {
  capabilities = ["read"]
}

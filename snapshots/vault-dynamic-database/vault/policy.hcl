# Policy "my-service" (the web pods): read the service's secrets, nothing else.
# Each secret is named: the migration credentials are not readable with it (policy-migration.hcl).
# KV v2 API paths carry "/data/" (reads) and "/metadata/" (listing); the Vault Agent renews its
# own token and leases through the built-in "default" policy.
# DATABASE_URL: a PostgreSQL user of its own per pod (vault/setup-database-engine.sh).
path "database/creds/my-service-app" {
  capabilities = ["read"]
}

path "secret/data/my-service/redis" {
  capabilities = ["read"]
}

path "secret/data/my-service/sentry" {
  capabilities = ["read"]
}

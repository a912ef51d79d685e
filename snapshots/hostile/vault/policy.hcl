# Policy "hostile-app-2" (the web pods): read the service's secrets, nothing else.
# Each secret is named: the migration credentials are not readable with it (policy-migration.hcl).
# KV v2 API paths carry "/data/" (reads) and "/metadata/" (listing); the Vault Agent renews its
# own token and leases through the built-in "default" policy.
path "secret/data/hostile-app-2/database" {
  capabilities = ["read"]
}

path "secret/data/hostile-app-2/redis" {
  capabilities = ["read"]
}

path "secret/data/hostile-app-2/sentry" {
  capabilities = ["read"]
}

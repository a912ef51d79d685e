# Policy "my-service": read the service's KV v2 secrets, nothing else.
# KV v2 API paths carry "/data/" (reads) and "/metadata/" (listing); the Vault Agent renews its
# own token through the built-in "default" policy.
path "secret/data/my-service/*" {
  capabilities = ["read"]
}

# Uncomment only if the application lists its keys:
# path "secret/metadata/my-service/*" {
#   capabilities = ["list"]
# }

# Uncomment with setup-database-engine.sh (dynamic PostgreSQL credentials):
# path "database/creds/my-service-app" {
#   capabilities = ["read"]
# }

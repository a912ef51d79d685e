# Policy "{{ cookiecutter.project_slug }}": read the service's KV v2 secrets, nothing else.
# KV v2 API paths carry "/data/" (reads) and "/metadata/" (listing); the Vault Agent renews its
# own token through the built-in "default" policy.
path "{{ cookiecutter.vault_kv_mount }}/data/{{ cookiecutter.project_slug }}/*" {
  capabilities = ["read"]
}

# Uncomment only if the application lists its keys:
# path "{{ cookiecutter.vault_kv_mount }}/metadata/{{ cookiecutter.project_slug }}/*" {
#   capabilities = ["list"]
# }

# Uncomment with setup-database-engine.sh (dynamic PostgreSQL credentials):
# path "database/creds/{{ cookiecutter.project_slug }}-app" {
#   capabilities = ["read"]
# }

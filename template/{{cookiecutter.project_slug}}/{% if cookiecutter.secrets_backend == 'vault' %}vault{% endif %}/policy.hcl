# Policy "{{ cookiecutter.project_slug }}" (the web pods): read the service's secrets, nothing else.
# Each secret is named: the migration credentials are not readable with it (policy-migration.hcl).
# KV v2 API paths carry "/data/" (reads) and "/metadata/" (listing); the Vault Agent renews its
# own token and leases through the built-in "default" policy.
{%- if cookiecutter.vault_database_credentials == "dynamic" %}
# DATABASE_URL: a PostgreSQL user of its own per pod (vault/setup-database-engine.sh).
path "database/creds/{{ cookiecutter.project_slug }}-app" {
  capabilities = ["read"]
}
{%- else %}
path "{{ cookiecutter.vault_kv_mount }}/data/{{ cookiecutter.project_slug }}/database" {
  capabilities = ["read"]
}
{%- endif %}

path "{{ cookiecutter.vault_kv_mount }}/data/{{ cookiecutter.project_slug }}/redis" {
  capabilities = ["read"]
}
{%- if cookiecutter.include_sentry == "yes" %}

path "{{ cookiecutter.vault_kv_mount }}/data/{{ cookiecutter.project_slug }}/sentry" {
  capabilities = ["read"]
}
{%- endif %}

# Policy "{{ cookiecutter.project_slug }}-migration" (the migration Job only): read the DDL-capable
# migration credentials, nothing else.
{%- if cookiecutter.vault_database_credentials == "dynamic" %}
# A PostgreSQL user per migration run, acting as the schema owner (vault/setup-database-engine.sh).
path "database/creds/{{ cookiecutter.project_slug }}-migrator" {
  capabilities = ["read"]
}
{%- else %}
path "{{ cookiecutter.vault_kv_mount }}/data/{{ cookiecutter.project_slug }}/migration" {
  capabilities = ["read"]
}
{%- endif %}

-- Prerequisites of vault/setup-database-engine.sh, run once per database by a superuser (or the
-- RDS / Cloud SQL master user), connected to the database my_service. Idempotent.
-- setup-database-engine.sh runs it for you when DB_SUPERUSER is set; by hand:
--   psql "host=DB_HOST dbname=my_service user=postgres sslmode=verify-full" \
--     -v admin_user=vault_admin -f vault/database-prerequisites.sql
--   then, in psql: \password vault_admin    (prompted: the password is on no command line)
--
-- Roles:
-- * my_service_app (NOLOGIN): rows only. SELECT, INSERT, UPDATE, DELETE on tables and
--   USAGE, SELECT on sequences (a serial or identity column needs them), on what exists now and
--   on everything the migrator group creates later. The web pods' users are its members.
-- * my_service_migrator (NOLOGIN): owns the schema (CREATE on schema public). Vault's
--   migration users act as it (SET role), so what they create is its.
-- * the admin (psql variable admin_user, default vault_admin): LOGIN CREATEROLE, with ADMIN
--   OPTION on both group roles. Vault creates and drops its users with it; PostgreSQL 16 and
--   later let a CREATEROLE role grant only the roles it holds ADMIN OPTION on.
\set ON_ERROR_STOP on
\if :{?admin_user}
\else
\set admin_user vault_admin
\endif

SELECT format('CREATE ROLE %I NOLOGIN', r) FROM unnest(ARRAY['my_service_app', 'my_service_migrator']) AS r
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) \gexec
SELECT format('CREATE ROLE %I LOGIN CREATEROLE', :'admin_user')
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'admin_user') \gexec
SELECT format('ALTER ROLE %I WITH LOGIN CREATEROLE', :'admin_user') \gexec
\if :{?admin_password}
SELECT format('ALTER ROLE %I WITH PASSWORD %L', :'admin_user', :'admin_password') \gexec
\endif
SELECT format('GRANT "my_service_app", "my_service_migrator" TO %I WITH ADMIN OPTION', :'admin_user') \gexec

GRANT CONNECT ON DATABASE "my_service" TO "my_service_app", "my_service_migrator";
GRANT USAGE ON SCHEMA public TO "my_service_app";
GRANT USAGE, CREATE ON SCHEMA public TO "my_service_migrator";
-- What exists now ...
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "my_service_app";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "my_service_app";
-- ... and what the migrations create later (GRANT ... ON ALL only covers what exists).
ALTER DEFAULT PRIVILEGES FOR ROLE "my_service_migrator" IN SCHEMA public
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "my_service_app";
ALTER DEFAULT PRIVILEGES FOR ROLE "my_service_migrator" IN SCHEMA public
  GRANT USAGE, SELECT ON SEQUENCES TO "my_service_app";

-- Roles and databases of a labourflow installation, run once by the superuser (deploy/postgres/init.sh
-- on the PostgreSQL container's first start; by hand on a managed server). Each role has its own
-- password and reaches only its own database:
--   labourflow_app       the application: owns the schema `labourflow` in the database `labourflow`
--                        (its tables and the Alembic version table) and nothing else
--   temporal             Temporal's history store: owns the database `temporal`
--   temporal_visibility  Temporal's visibility store: owns the database `temporal_visibility`
-- psql variables: app_password, temporal_password, visibility_password (required); app_role,
-- app_db, temporal_role, temporal_db, visibility_role, visibility_db (names; defaults as above).
\set ON_ERROR_STOP on
\if :{?app_role} \else \set app_role labourflow_app \endif
\if :{?app_db} \else \set app_db labourflow \endif
\if :{?temporal_role} \else \set temporal_role temporal \endif
\if :{?temporal_db} \else \set temporal_db temporal \endif
\if :{?visibility_role} \else \set visibility_role temporal_visibility \endif
\if :{?visibility_db} \else \set visibility_db temporal_visibility \endif

CREATE ROLE :"app_role" LOGIN PASSWORD :'app_password';
CREATE ROLE :"temporal_role" LOGIN PASSWORD :'temporal_password';
CREATE ROLE :"visibility_role" LOGIN PASSWORD :'visibility_password';

-- The application's database belongs to the superuser: the application may use it, not change
-- who else may. Temporal's two databases belong to their roles (temporal-sql-tool creates tables).
CREATE DATABASE :"app_db";
CREATE DATABASE :"temporal_db" OWNER :"temporal_role";
CREATE DATABASE :"visibility_db" OWNER :"visibility_role";
-- PUBLIC may connect to every new database by default: no one may, but its own role.
REVOKE ALL ON DATABASE :"app_db", :"temporal_db", :"visibility_db" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"app_db" TO :"app_role";

\connect :"app_db"
REVOKE ALL ON SCHEMA public FROM PUBLIC;
CREATE SCHEMA labourflow AUTHORIZATION :"app_role";
ALTER ROLE :"app_role" IN DATABASE :"app_db" SET search_path = labourflow;

-- Temporal's SQL visibility indexes need btree_gin; created here so its role needs no more rights.
\connect :"visibility_db"
CREATE EXTENSION IF NOT EXISTS btree_gin;

#!/bin/sh
# First start of the PostgreSQL container (docker-entrypoint-initdb.d): the roles and databases of
# deploy/postgres/roles.sql, each role with its own password from the environment.
set -eu
psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres \
  -v app_password="${LABOURFLOW_DB_PASSWORD:?}" \
  -v temporal_password="${TEMPORAL_DB_PASSWORD:?}" \
  -v visibility_password="${TEMPORAL_VISIBILITY_DB_PASSWORD:?}" \
  -f /deploy/postgres/roles.sql

#!/bin/sh
# One-shot job: create or upgrade Temporal's schemas in PostgreSQL (idempotent), each database with
# its own role and password (deploy/postgres/roles.sql).
set -eu
base=/etc/temporal/schema/postgresql/v12
sql() { temporal-sql-tool --plugin postgres12 --ep "${SQL_HOST:-postgres}" -p 5432 "$@"; }
export SQL_PASSWORD="${TEMPORAL_DB_PASSWORD:?}"
sql -u temporal --db temporal setup-schema -v 0.0 || true
sql -u temporal --db temporal update-schema -d "$base/temporal/versioned"
export SQL_PASSWORD="${TEMPORAL_VISIBILITY_DB_PASSWORD:?}"
sql -u temporal_visibility --db temporal_visibility setup-schema -v 0.0 || true
sql -u temporal_visibility --db temporal_visibility update-schema -d "$base/visibility/versioned"

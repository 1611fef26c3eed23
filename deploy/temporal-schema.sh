#!/bin/sh
# One-shot job: create or upgrade Temporal's schemas in PostgreSQL (idempotent).
set -eu
tool="temporal-sql-tool --plugin postgres12 --ep postgres -p 5432 -u temporal --pw ${SQL_PASSWORD}"
base=/etc/temporal/schema/postgresql/v12
$tool --db temporal setup-schema -v 0.0 || true
$tool --db temporal update-schema -d "$base/temporal/versioned"
$tool --db temporal_visibility setup-schema -v 0.0 || true
$tool --db temporal_visibility update-schema -d "$base/visibility/versioned"

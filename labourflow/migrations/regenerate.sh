#!/usr/bin/env bash
# Development only, before the first release: rebuild the single initial migration from the models.
# After a release, add new migrations with `alembic revision --autogenerate` instead.
set -euo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
rm -f labourflow/migrations/versions/0001_initial_schema.py
.venv/bin/python -c "from alembic import command; from labourflow.db import alembic_config; command.revision(alembic_config('sqlite:///$tmp/gen.db'), message='initial schema', autogenerate=True, rev_id='0001')"
rm -rf "$tmp"

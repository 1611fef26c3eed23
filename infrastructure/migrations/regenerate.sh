#!/usr/bin/env bash
# Development only, before the first release: rebuild the initial migration (0001) from the models.
# Hand-written later migrations (0002_..., e.g. triggers) are kept and still apply on top.
# After a release, add new migrations with `alembic revision --autogenerate` instead.
set -euo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
versions=infrastructure/migrations/versions
mkdir -p "$tmp/later"
find "$versions" -maxdepth 1 -name '0*.py' ! -name '0001_*' -exec mv {} "$tmp/later/" \;
rm -f "$versions"/0001_*.py
.venv/bin/python -c "from alembic import command; from infrastructure.db import alembic_config; command.revision(alembic_config('sqlite:///$tmp/gen.db'), message='initial schema', autogenerate=True, rev_id='0001')"
find "$tmp/later" -name '*.py' -exec mv {} "$versions/" \;
rm -rf "$tmp"

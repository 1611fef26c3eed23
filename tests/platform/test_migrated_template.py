"""The tests' migrated databases (tests/migrated.py) are what Alembic itself makes: same schema,
same seed rows, same revision, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

import infrastructure.db
from tests.conftest import POSTGRES_URL, _postgres_database


def _contents(url: str) -> dict[str, object]:
    engine = create_engine(make_url(url).set(drivername="postgresql+psycopg" if url.startswith("postgresql") else "sqlite"),
                           poolclass=NullPool)
    try:
        with engine.connect() as conn:
            schema = inspect(conn)
            tables = sorted(schema.get_table_names())
            return {
                "tables": tables,
                "columns": {t: [(c["name"], str(c["type"]), c["nullable"]) for c in schema.get_columns(t)] for t in tables},
                "indexes": {t: sorted((i["name"] or "", tuple(i["column_names"])) for i in schema.get_indexes(t)) for t in tables},
                "rows": {t: sorted(map(repr, conn.execute(text(f'SELECT * FROM "{t}"')).all())) for t in tables},  # noqa: S608 (names from the schema)
            }
    finally:
        engine.dispose()


def test_the_template_copy_is_what_alembic_makes_on_sqlite(tmp_path: Path) -> None:
    migrate = infrastructure.db.migrate
    assert getattr(migrate, "copies_templates", False)
    migrate(f"sqlite:///{tmp_path / 'first.db'}")  # the process's template may be made here
    migrate(f"sqlite:///{tmp_path / 'copied.db'}")  # a copy of it
    alembic = tmp_path / "alembic.db"
    command.upgrade(infrastructure.db.alembic_config(f"sqlite:///{alembic}"), "head")
    copied = _contents(f"sqlite:///{tmp_path / 'copied.db'}")
    assert copied == _contents(f"sqlite:///{alembic}")
    assert copied["rows"]["alembic_version"]  # type: ignore[index]


@pytest.mark.postgres
@pytest.mark.skipif(not POSTGRES_URL, reason="LABOURFLOW_TEST_POSTGRES_URL is not set")
def test_the_template_copy_is_what_alembic_makes_on_postgres() -> None:
    for copied in _postgres_database():
        for real in _postgres_database():
            infrastructure.db.migrate(copied)
            command.upgrade(infrastructure.db.alembic_config(real), "head")
            assert _contents(copied) == _contents(real)

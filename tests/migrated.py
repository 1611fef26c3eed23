"""Migrated databases for the tests without running Alembic for each one.

Hundreds of tests start from an empty database migrated to head. Alembic's nine migrations cost
about 0.5 s of CPU on SQLite and 1.7-2.8 s on PostgreSQL on the 2-core CI machine, once per test.
Here the first migration to head in a test process runs Alembic for real into a template; every
later one copies that template: the SQLite file (after a WAL checkpoint), or PostgreSQL's
`CREATE DATABASE ... TEMPLATE` (0.1-0.3 s). The copy is the same schema and the same seed rows
as the migration (the migrations take nothing from the clock or random numbers), `alembic_version`
included.

Only the plain case is copied: revision "head", a SQLite file that does not exist yet, or a
PostgreSQL test database (`lf_test_` on the tests' own server as the same user) that is still empty.
Everything else (other revisions, an existing database, other roles, TLS) runs Alembic itself, and
the migration tests (tests/platform/test_database*.py) check Alembic's own result.
"""

from __future__ import annotations

import atexit
import shutil
import sqlite3
import tempfile
import threading
import uuid
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

import infrastructure.db

_lock = threading.Lock()
_sqlite_template: Path | None = None
_postgres_templates: dict[str, str] = {}  # server URL without the database -> template database


def install(postgres_url: str | None) -> None:
    """Make `infrastructure.db.migrate` (which `migrate_async` calls) copy templates in this process."""
    real = infrastructure.db.migrate
    if getattr(real, "copies_templates", False):
        return

    def migrate(url: str, revision: str = "head") -> None:
        if revision == "head" and _copy_template(real, url, postgres_url):
            return
        real(url, revision)

    migrate.copies_templates = True  # type: ignore[attr-defined]
    infrastructure.db.migrate = migrate


def _copy_template(real: Callable[[str, str], None], url: str, postgres_url: str | None) -> bool:
    parsed = make_url(url)
    if parsed.drivername.startswith("sqlite"):
        return _copy_sqlite(real, parsed)
    if postgres_url and parsed.drivername.startswith("postgresql"):
        return _copy_postgres(real, parsed, make_url(postgres_url))
    return False


def _copy_sqlite(real: Callable[[str, str], None], url: URL) -> bool:
    global _sqlite_template
    if not url.database or url.database == ":memory:" or url.query or Path(url.database).exists():
        return False
    with _lock:
        if _sqlite_template is None:
            folder = Path(tempfile.mkdtemp(prefix="labourflow-test-template-"))
            atexit.register(shutil.rmtree, folder, True)
            template = folder / "template.db"
            real(f"sqlite:///{template}", "head")
            with sqlite3.connect(template) as conn:  # everything into the main file, no -wal beside it
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.close()
            _sqlite_template = template
    shutil.copyfile(_sqlite_template, url.database)
    return True


def _copy_postgres(real: Callable[[str, str], None], url: URL, server: URL) -> bool:
    name = url.database or ""
    same_server = (url.host, url.port, url.username, url.password) == (server.host, server.port, server.username, server.password)
    if not (name.startswith("lf_test_") and same_server and not url.query):
        return False
    admin = create_engine(server.set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    try:
        with _lock:
            key = server.set(database="").render_as_string(hide_password=False)
            template = _postgres_templates.get(key)
            if template is None:
                template = f"lf_template_{uuid.uuid4().hex[:10]}"
                with admin.connect() as conn:
                    conn.execute(text(f'CREATE DATABASE "{template}"'))
                atexit.register(_drop, server, template)
                real(server.set(database=template).render_as_string(hide_password=False), "head")
                _postgres_templates[key] = template
            if not _empty(url):
                return False
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE "{name}"'))
                conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        return True
    finally:
        admin.dispose()


def _empty(url: URL) -> bool:
    """No tables yet (the tests' fixture has just created it)."""
    engine = create_engine(url.set(drivername="postgresql+psycopg"), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return not conn.execute(text(
                "SELECT 1 FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")).first()
    finally:
        engine.dispose()


def _drop(server: URL, name: str) -> None:
    admin = create_engine(server.set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    except Exception as exc:  # the server may be gone at exit; the database is throw-away
        print(f"template database {name} not dropped: {exc}")
    finally:
        admin.dispose()

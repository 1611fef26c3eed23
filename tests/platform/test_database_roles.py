"""deploy/postgres/roles.sql on a real PostgreSQL (the one LABOURFLOW_TEST_POSTGRES_URL names; the
roles and databases get unique names and are dropped afterwards): every role has its own password,
the application's role migrates and works in its own schema and can do nothing else, and Temporal's
roles cannot reach the application's database."""

from __future__ import annotations

import secrets
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from infrastructure.db import Database, migrate_async
from tests.conftest import POSTGRES_URL

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.postgres, pytest.mark.skipif(POSTGRES_URL is None, reason="LABOURFLOW_TEST_POSTGRES_URL is not set")]


def _psql(*args: str) -> subprocess.CompletedProcess[str]:
    url = make_url(POSTGRES_URL or "")
    base = ["psql", "-h", url.host or "127.0.0.1", "-p", str(url.port or 5432), "-U", url.username or "postgres", "-X", "-q"]
    return subprocess.run([*base, *args], capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="module")
def names() -> Iterator[dict[str, str]]:
    tag = secrets.token_hex(4)
    names = {"app_role": f"lf_app_{tag}", "app_db": f"lf_{tag}", "temporal_role": f"lf_temporal_{tag}",
             "temporal_db": f"lf_temporal_{tag}", "visibility_role": f"lf_vis_{tag}", "visibility_db": f"lf_vis_{tag}"}
    passwords = {"app_password": "app-" + tag, "temporal_password": "history-" + tag, "visibility_password": "vis-" + tag}
    variables = [arg for key, value in (names | passwords).items() for arg in ("-v", f"{key}={value}")]
    created = _psql("-d", "postgres", *variables, "-f", str(ROOT / "deploy/postgres/roles.sql"))
    try:
        assert created.returncode == 0, created.stderr
        yield names
    finally:
        for database in (names["app_db"], names["temporal_db"], names["visibility_db"]):
            _psql("-d", "postgres", "-c", f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        for role in (names["app_role"], names["temporal_role"], names["visibility_role"]):
            _psql("-d", "postgres", "-c", f'DROP ROLE IF EXISTS "{role}"')


def _url(role: str, database: str) -> str:
    return make_url(POSTGRES_URL or "").set(username=role, password=None, database=database).render_as_string(hide_password=False)


def test_each_role_has_its_own_password(names: dict[str, str]) -> None:
    roles = (names["app_role"], names["temporal_role"], names["visibility_role"])
    listed = _psql("-d", "postgres", "-At", "-c",
                   "SELECT rolname, rolpassword FROM pg_authid WHERE rolname LIKE 'lf\\_%' AND rolname ~ '[0-9a-f]{8}$'")
    hashes = {name: hashed for name, hashed in (line.split("|", 1) for line in listed.stdout.splitlines()) if name in roles}
    assert set(hashes) == set(roles) and all(h.startswith("SCRAM-SHA-256$") for h in hashes.values())
    assert len(set(hashes.values())) == 3


async def test_the_application_role_owns_only_its_schema(names: dict[str, str]) -> None:
    url = _url(names["app_role"], names["app_db"])
    await migrate_async(url)
    db = Database(url)
    try:
        async with db.engine.connect() as conn:
            owners = (await conn.execute(text(
                "SELECT DISTINCT schemaname, tableowner FROM pg_tables WHERE tablename IN ('dispute_case', 'alembic_version')"
            ))).all()
            assert owners == [("labourflow", names["app_role"])]
            with pytest.raises(Exception, match="permission denied for schema public"):
                await conn.execute(text("CREATE TABLE public.intruder (id int)"))
    finally:
        await db.dispose()
    for database in (names["temporal_db"], names["visibility_db"]):
        refused = _psql("-U", names["app_role"], "-d", database, "-c", "SELECT 1")
        assert refused.returncode != 0 and "permission denied for database" in refused.stderr, database


def test_temporal_roles_reach_only_their_own_database(names: dict[str, str]) -> None:
    for role, own in ((names["temporal_role"], names["temporal_db"]), (names["visibility_role"], names["visibility_db"])):
        assert _psql("-U", role, "-d", own, "-c", "CREATE TABLE probe (id int); DROP TABLE probe").returncode == 0
        refused = _psql("-U", role, "-d", names["app_db"], "-c", "SELECT 1")
        assert refused.returncode != 0 and "permission denied for database" in refused.stderr, role
    gin = _psql("-d", names["visibility_db"], "-At", "-c", "SELECT extname FROM pg_extension WHERE extname = 'btree_gin'")
    assert gin.stdout.strip() == "btree_gin"

"""Bytes per case: the application database's growth per case at intake (the case filed through the
real intake code, its workflow on the time-skipping server with the real worker until the intake
documents are stored) and the bytes at rest of one case taken to closure (the wage-arrears scenario:
mediation period expires, arbitration, final award, performance), on SQLite and on PostgreSQL.

Sizes are of the database's tables (indexes and PostgreSQL's TOAST included), measured before and
after on a fresh database. The objects the store keeps are reported apart (`documents` below): with
the embedded default they are files beside the SQLite database, with `LABOURFLOW_STORAGE=s3` in the
bucket, with PostgreSQL's default in the `blob` table (subtracted in `database_bytes_without_objects`).

`python -m devtools bench-casesize [--cases N] [--closed N] [--postgres URL]`."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import tempfile
import time
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, text
from sqlalchemy.engine import make_url
from sqlmodel import select

from devtools.databases import postgres_database
from devtools.simulate import Scenario, Simulation, open_simulation, play
from devtools.stories import wage_arrears
from infrastructure.settings import Settings
from infrastructure.tables import StoredDocument

OBJECT_TABLES = ("blob", "document_content")
SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "wage-arrears-to-final-award.toml"


def table_bytes(database_url: str) -> dict[str, int]:
    """Bytes of each application table (with its indexes), after folding SQLite's WAL in."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        assert url.database
        with contextlib.closing(sqlite3.connect(url.database, timeout=30)) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            rows = conn.execute("SELECT name, tbl_name FROM sqlite_master WHERE type IN ('table', 'index')").fetchall()
            owner = dict(rows)
            sizes: dict[str, int] = {}
            for name, size in conn.execute("SELECT name, SUM(pgsize - unused) FROM dbstat GROUP BY name"):
                table = owner.get(name, name)
                sizes[table] = sizes.get(table, 0) + int(size)
            return sizes
    engine = create_engine(url.set(drivername="postgresql+psycopg"))
    try:
        with engine.connect() as conn:
            rows = conn.execute(text(
                "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r'"
            )).all()
        return {name: int(size) for name, size in rows}
    finally:
        engine.dispose()


def document_object_bytes(database_url: str) -> int:
    """Bytes of the document objects the embedded store keeps (blob rows of area `documents`),
    or of the old `document_content` rows; what an S3 store would hold instead."""
    engine = create_engine(make_url(database_url).set(
        drivername="postgresql+psycopg" if database_url.startswith("postgres") else "sqlite"))
    try:
        with engine.connect() as conn:
            tables = set(conn.execute(text(
                "SELECT name FROM sqlite_master WHERE type='table'" if engine.dialect.name == "sqlite"
                else "SELECT tablename FROM pg_tables WHERE schemaname='public'")).scalars())
            total = 0
            if "blob" in tables:
                total += int(conn.execute(text("SELECT COALESCE(SUM(size), 0) FROM blob WHERE area = 'documents'")).scalar_one())
            total += int(conn.execute(text(
                "SELECT COALESCE(SUM(LENGTH(html_enc) + LENGTH(pdf_enc)), 0) FROM document_content")).scalar_one())
            return total
    finally:
        engine.dispose()


def folder_object_bytes(settings: Settings) -> int:
    """Bytes of the document objects the files store keeps (the embedded default's folder)."""
    if settings.resolved_storage != "files":
        return 0
    folder = settings.resolved_objects_dir / "documents"
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else 0


def object_bytes(sim: Simulation) -> int:
    return document_object_bytes(sim.deps.settings.resolved_database_url) + folder_object_bytes(sim.deps.settings)


def _growth(before: dict[str, int], after: dict[str, int], cases: int) -> dict[str, float]:
    grown = {name: (after.get(name, 0) - before.get(name, 0)) / cases for name in after}
    return dict(sorted(((n, b) for n, b in grown.items() if b), key=lambda item: -item[1]))


def _split(before: dict[str, int], after: dict[str, int], objects: float, cases: int) -> dict[str, Any]:
    """Growth per case: all tables; the document objects' bytes; and the tables without those that
    hold the objects (`blob`, and `document_content` before the object store), i.e. the database's
    growth when the objects are in an S3 bucket."""
    tables = _growth(before, after, cases)
    total = sum(tables.values())
    return {"database_bytes": total, "document_object_bytes": objects,
            "database_bytes_without_objects": total - sum(tables.get(name, 0) for name in OBJECT_TABLES),
            "tables": tables}


async def _documents(sim: Simulation) -> int:
    async with sim.db.session() as session:
        return int((await session.exec(select(func.count()).select_from(StoredDocument))).one())


async def _settled(sim: Simulation, timeout: float = 300) -> None:
    """Wait until no new document has been stored for 3 s (the intake documents are rendered)."""
    deadline, last, since = time.monotonic() + timeout, -1, time.monotonic()
    while time.monotonic() < deadline:
        count = await _documents(sim)
        if count != last:
            last, since = count, time.monotonic()
        elif time.monotonic() - since > 3:
            return
        await asyncio.sleep(0.3)
    raise TimeoutError("the intake documents were not all stored in time")


async def intake(database_url: str | None, cases: int) -> dict[str, Any]:
    """Database bytes per case at intake: `cases` cases filed on a fresh database."""
    with tempfile.TemporaryDirectory(prefix="labourflow-casesize-") as tmp:
        async with AsyncExitStack() as stack:
            sim = await open_simulation(stack, Path(tmp), database_url=database_url)
            url = sim.deps.settings.resolved_database_url
            today = await sim.env_today()
            await sim.file(wage_arrears(), today)  # warm-up: first pages of every table
            await _settled(sim)
            before, objects_before, docs_before = table_bytes(url), object_bytes(sim), await _documents(sim)
            for _ in range(cases):
                await sim.file(wage_arrears(), today)
            await _settled(sim)
            after, objects_after, docs_after = table_bytes(url), object_bytes(sim), await _documents(sim)
    return {"cases": cases, "documents_per_case": (docs_after - docs_before) / cases,
            **_split(before, after, (objects_after - objects_before) / cases, cases)}


async def closed(database_url: str | None, cases: int) -> dict[str, Any]:
    """Bytes at rest per case taken to closure (database, and the document objects within): one
    warm-up case, then `cases` more, one after the other."""
    scenario = Scenario.load(SCENARIO)
    with tempfile.TemporaryDirectory(prefix="labourflow-casesize-") as tmp:
        async with AsyncExitStack() as stack:
            sim = await open_simulation(stack, Path(tmp), database_url=database_url)
            url = sim.deps.settings.resolved_database_url
            await play(sim, scenario)
            await _settled(sim)
            before, objects_before, docs_before = table_bytes(url), object_bytes(sim), await _documents(sim)
            stages = set()
            for _ in range(cases):
                case, _ = await play(sim, scenario)
                stages.add((await case.case_row()).stage)
            await _settled(sim)
            after, objects_after, docs_after = table_bytes(url), object_bytes(sim), await _documents(sim)
    return {"cases": cases, "stages": sorted(stages), "documents_per_case": (docs_after - docs_before) / cases,
            **_split(before, after, (objects_after - objects_before) / cases, cases)}


async def run(cases: int, closed_cases: int, postgres: str | None) -> dict[str, Any]:
    """Intake and closed-case sizes on SQLite, and on PostgreSQL when `postgres` is given."""
    results: dict[str, Any] = {"sqlite": {"intake": await intake(None, cases), "closed": await closed(None, closed_cases)}}
    if postgres:
        with postgres_database(postgres) as url:
            results["postgresql"] = {"intake": await intake(url, cases)}
        with postgres_database(postgres) as url:
            results["postgresql"]["closed"] = await closed(url, closed_cases)
    return results

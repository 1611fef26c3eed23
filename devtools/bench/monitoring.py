"""The monitoring scenario: a province-sized data set (1,000,000 closed cases and 50,000 open, by
default) generated in PostgreSQL with generate_series, then the monitoring pages timed through the
real app (sign-in, report, template), p50 and p99 per page.

The set is what the projections would have written: each case's dimensions (`monitoring_case`) and
the figures it adds (`monitoring_row`: received, employer, a claim, and for closed cases resolved,
days, a deadline and the amount agreed or awarded); the cells are then computed by the same
fan-out query a rebuild uses (infrastructure.monitoring_cells.rebuild_cells)."""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from domain.monitoring import GROUPS

# 2 provinces, 11 + 10 cities, 8 counties each: 168 counties (Zhejiang and Guangdong codes).
COUNTIES = "(ARRAY['33','44'])[1 + (i % 2)] || lpad((1 + (i / 2) % 10)::text, 2, '0') || lpad((1 + (i / 20) % 8)::text, 2, '0')"
CHANNELS = (
    "(ARRAY['union_mediation','enterprise_committee','peoples_mediation','negotiation','arbitration','litigation','court_mediation'])"
)
LEVELS = "(ARRAY['union','enterprise','peoples','negotiation','arbitration','court','court_mediation'])"
DAYS = "(1 + (i * 31) % 120)"
# A complaint meeting the repeated-complaints rule (the third or later within 90 days): a quarter
# of the pool's complaints, about 10 % of all.
REPEATS = "(i % 5 >= 3 AND i % 4 = 0)"
# Most employers meet one complaint; a pool of 30,000 gets the other 40 % (about 14 each over two years).
EMPLOYER = "CASE WHEN i % 5 < 3 THEN 'employer-' || i ELSE 'employer-pool-' || abs(hashtext(i::text) % 30000) END"
OUTCOMES = "(ARRAY['agreement_performed','agreement','withdrawn','award_final','award_nonfinal','judgment','out_of_scope'])"


def _sql(cases: int, open_: int) -> list[str]:
    total = cases + open_
    groups = ", ".join(f"(hashtext(i::text || '{g}') % 7 = 0)" for g in GROUPS)
    # month of filing spread over 24 months; a case i < cases is closed 1 to 120 days later
    filed = "(date '2025-01-01' + ((i * 7919) % 700)::int)"
    closed = f"({filed} + (1 + (i * 31) % 120)::int)"
    return [
        "TRUNCATE monitoring_case, monitoring_row, monitoring_cell",
        f"""INSERT INTO monitoring_case (case_no, region, agency, workers, {", ".join(f"g_{g}" for g in GROUPS)})
            SELECT 'B' || i, {COUNTIES}, 'agency-' || (i % 40), 1 + (i % 3 = 0)::int * (i % 11), {groups}
            FROM generate_series(1::bigint, {total}) i""",  # noqa: S608 (constants and integers only)
        f"""INSERT INTO monitoring_row (case_no, measure, month, agency, grouped, d1, d2, d3, n, amount)
            SELECT 'B' || i, m.measure, to_char(CASE WHEN m.at_close THEN {closed} ELSE {filed} END, 'YYYY-MM'), '', m.grouped,
                   CASE m.measure WHEN 'received' THEN {CHANNELS}[1 + i % 7] WHEN 'resolved' THEN {CHANNELS}[1 + i % 7]
                        WHEN 'days' THEN {CHANNELS}[1 + i % 7] WHEN 'employer' THEN {EMPLOYER}
                        WHEN 'deadline' THEN 'D' || lpad((3 + i % 60)::text, 2, '0') ELSE 'wages' END,
                   CASE m.measure WHEN 'resolved' THEN {LEVELS}[1 + i % 7]
                        WHEN 'days' THEN lpad((CASE WHEN {DAYS} <= 60 THEN {DAYS} ELSE 60 + (({DAYS} - 51) / 10) * 10 END)::text, 4, '0')
                        WHEN 'deadline' THEN CASE WHEN i % 9 = 0 THEN 'missed' ELSE 'met' END ELSE '' END,
                   CASE m.measure WHEN 'resolved' THEN {OUTCOMES}[1 + i % 7] ELSE '' END,
                   1,
                   CASE m.measure WHEN 'resolved' THEN 1 + (i * 31) % 120 WHEN 'claimed' THEN 1000 + i % 50000
                        WHEN 'agreed' THEN 800 + i % 40000 ELSE 0 END
            FROM generate_series(1::bigint, {total}) i
            CROSS JOIN (VALUES ('received', false, true), ('employer', false, false), ('claimed', false, false),
                               ('resolved', true, true), ('days', true, true), ('deadline', true, false), ('agreed', true, false))
                 AS m(measure, at_close, grouped)
            WHERE (NOT m.at_close OR i <= {cases}) AND (m.measure <> 'employer' OR {REPEATS})""",  # noqa: S608 (constants and integers only)
        "ANALYZE monitoring_case", "ANALYZE monitoring_row",
    ]


def seed(url: str, cases: int = 1_000_000, open_: int = 50_000) -> dict[str, float]:
    """Create the database (if missing), migrate it, and fill it; returns seconds per step."""
    from infrastructure.db import migrate

    timings: dict[str, float] = {}
    target = make_url(url)
    admin = create_engine(target.set(drivername="postgresql+psycopg", database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database}).first():
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()
    migrate(url)
    engine = create_engine(target.set(drivername="postgresql+psycopg"))
    with engine.begin() as conn:
        for step, statement in enumerate(_sql(cases, open_)):
            started = time.perf_counter()
            conn.execute(text(statement))
            timings[f"step {step}"] = time.perf_counter() - started
    from infrastructure.monitoring_cells import REBUILD

    started = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(text("SET LOCAL work_mem = '256MB'"))
        conn.execute(text(REBUILD), {"sign": 1})
        conn.execute(text("ANALYZE monitoring_cell"))
    timings["cells"] = time.perf_counter() - started
    engine.dispose()
    return timings


PAGES = {
    "whole country, 12 months": "/monitoring?start=2026-01&end=2026-12",
    "province, 12 months": "/monitoring?start=2026-01&end=2026-12&region=330000",
    "city, 24 months": "/monitoring?start=2025-01&end=2026-12&region=330300",
    "county, 3 months": "/monitoring?start=2026-04&end=2026-06&region=440305",
    "one agency, 12 months": "/monitoring?start=2026-01&end=2026-12&agency=agency-7",
    "export CSV, province": "/monitoring/export.csv?start=2026-01&end=2026-12&region=330000",
    "export XLSX, province": "/monitoring/export.xlsx?start=2026-01&end=2026-12&region=330000",
}


async def measure(
    url: str, data_dir: Path, rounds: int = 100, only: str = "", cache_seconds: float | None = None
) -> dict[str, dict[str, float]]:
    """p50 and p99 (ms) of each monitoring page (those whose name contains `only`), through the app,
    signed in as the administrator, with the machine's 1-minute load average before and after.
    `cache_seconds` 0 reads every request afresh (None: the setting's default)."""
    from api.app import create_app
    from infrastructure.db import Database
    from infrastructure.settings import Environment, Settings
    from services.accounts import seed_demo

    cache = {} if cache_seconds is None else {"monitoring_cache_seconds": cache_seconds}
    settings = Settings(env=Environment.development, data_dir=data_dir, database_url=url, **cache)  # type: ignore[call-arg]
    db = Database(url)
    await seed_demo(db, "bench-password-123")
    app = create_app(settings, db=db, start_pending=False)
    results: dict[str, dict[str, float]] = {}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver", timeout=60) as client:
        login = await client.get("/login")
        token = login.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        await client.post("/login", data={"csrf_token": token, "username": "admin", "password": "bench-password-123"})
        for name, path in PAGES.items():
            if only not in name:
                continue
            load_before = os.getloadavg()[0]
            assert (await client.get(path)).status_code == 200, path  # warm-up
            samples = []
            for _ in range(rounds):
                started = time.perf_counter()
                response = await client.get(path)
                samples.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200
            samples.sort()
            results[name] = {"p50": statistics.median(samples), "p99": samples[min(len(samples) - 1, int(0.99 * len(samples)))],
                             "load_before": load_before, "load_after": os.getloadavg()[0]}
    await db.dispose()
    return results


def run(
    url: str, data_dir: Path, cases: int, open_: int, reseed: bool, rounds: int = 100, only: str = "", cache_seconds: float | None = None
) -> dict[str, Any]:
    """Seed (unless `reseed` is false: re-time the data set already there), then time the pages."""
    timings = seed(url, cases, open_) if reseed else {}
    return {"seed_seconds": timings, "pages": asyncio.run(measure(url, data_dir, rounds, only, cache_seconds))}

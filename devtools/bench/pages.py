"""Pages: server time of the staff inbox, the case search and the administrator's dashboard (their
JSON twins, through the ASGI app in this process: no network, no client) with N cases in the
database, next to `/healthz` on the same app as the baseline.

Seeding: one case is registered through the real intake code, then copied N-1 times with its own
number, employer, filing date and stage (60 % closed, 30 % mediation, 10 % arbitration); every open
case has one open task, spread over 20 mediation teams (the demo mediator's team is one of them)."""

from __future__ import annotations

import random
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert, select

from devtools.bench.common import DEMO_PASSWORD, metric, percentile, prepare_database, progress
from devtools.bench.procs import Stack
from devtools.stories import wage_arrears
from domain.intake import IntakeRequest
from infrastructure.crypto import Keyring
from infrastructure.db import Database
from infrastructure.tables import Case, Task
from services.intake import register_case

TEAMS = 20


async def seed(db: Database, keyring: Keyring, count: int) -> None:
    registered = await register_case(
        db, keyring, IntakeRequest.model_validate(wage_arrears()), None
    )
    async with db.session() as session:
        template = dict(
            (
                await session.exec(
                    select(Case.__table__).where(Case.__table__.c.case_no == registered.case_no)
                )
            )
            .mappings()
            .one()
        )  # type: ignore[attr-defined]
    template.pop("id")
    rng = random.Random(9)
    today = date.today()
    cases, tasks = [], []
    for serial in range(2, count + 1):
        case_no = f"LD-2025-{serial:06d}"
        filed = today - timedelta(days=rng.randint(0, 365))
        roll = rng.random()
        stage = "closed_resolved" if roll < 0.6 else ("mediation" if roll < 0.9 else "arbitration")
        cases.append(
            template
            | {
                "case_no": case_no,
                "workflow_id": f"case/{case_no}",
                "filed_on": filed,
                "employer_name": f"上海第{serial % 997}建筑劳务有限公司",
                "stage": stage,
                "channel": None if stage.startswith("closed") else ("union_mediation" if stage == "mediation" else stage),
                "closed_on": filed + timedelta(days=40) if stage.startswith("closed") else None,
                "next_deadline_on": None
                if stage.startswith("closed")
                else today + timedelta(days=rng.randint(-5, 30)),
            }
        )
        if not stage.startswith("closed"):
            team = "union-med-1" if serial % TEAMS == 0 else f"union-med-x{serial % TEAMS}"
            due = today + timedelta(days=rng.randint(-5, 15))
            tasks.append(
                {
                    "task_id": f"case:{case_no}/mediate#1",
                    "subject": f"case:{case_no}",
                    "workflow_id": f"case/{case_no}/mediation",
                    "kind": "mediate",
                    "role": "mediator",
                    "team_code": team,
                    "assignee": None,
                    "region": "shanghai-pudong",
                    "status": "open",
                    "due_on": due,
                    "deadline_rule": "D03",
                    "title_zh": "主持调解并记录结果",
                    "title_en": "Conduct mediation and record the outcome",
                    "actions": ["record_session", "record_failure"],
                    "reminders_sent": [],
                    "escalated": False,
                    "outcome": None,
                    "completed_by": None,
                    "created_at": datetime.now(UTC),
                    "updated_at": datetime.now(UTC),
                    "data": {},
                }
            )
    async with db.session() as session:
        for start in range(0, len(cases), 1000):
            await session.exec(insert(Case.__table__), params=cases[start : start + 1000])  # type: ignore[call-overload,attr-defined]
        for start in range(0, len(tasks), 1000):
            await session.exec(insert(Task.__table__), params=tasks[start : start + 1000])  # type: ignore[call-overload,attr-defined]
        await session.commit()


async def time_route(http: httpx.AsyncClient, path: str, token: str, rounds: int) -> list[float]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    times = []
    for round_no in range(rounds + 1):
        started = time.perf_counter()
        response = await http.get(path, headers=headers)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code}: {response.text[:200]}")
        if round_no:
            times.append((time.perf_counter() - started) * 1000)
    return times


async def run(*, cases: int, rounds: int, repeat: int) -> dict[str, Any]:
    from api.app import create_app

    with tempfile.TemporaryDirectory(prefix="labourflow-bench-pages-") as tmp:
        stack = Stack(Path(tmp))
        settings = stack.settings
        await prepare_database(settings.resolved_database_url)
        db = Database(settings.resolved_database_url)
        try:
            started = time.perf_counter()
            await seed(db, Keyring.from_settings(settings), cases)
            progress(f"pages: seeded {cases} cases in {time.perf_counter() - started:.1f} s")
            app = create_app(settings, db=db, start_pending=False)
            routes = {
                "inbox (mediator)": ("/api/v1/tasks", "mediator"),
                "search (admin)": ("/api/v1/cases?employer=建筑", "admin"),
                "dashboard (admin)": ("/api/v1/dashboard", "admin"),
            }
            figures: dict[str, dict[str, list[float]]] = {
                name: {"p50": [], "p99": []} for name in [*routes, "healthz"]
            }
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://bench"
            ) as http:
                tokens = {}
                for user in ("mediator", "admin"):
                    response = await http.post(
                        "/api/v1/auth/token", data={"username": user, "password": DEMO_PASSWORD}
                    )
                    if response.status_code != 200:
                        raise RuntimeError(f"sign-in as {user}: {response.status_code}")
                    tokens[user] = response.json()["access_token"]
                for _ in range(repeat):
                    for name, (path, user) in [*routes.items(), ("healthz", ("/healthz", ""))]:
                        times = await time_route(http, path, tokens.get(user, ""), rounds)
                        figures[name]["p50"].append(percentile(times, 50))
                        figures[name]["p99"].append(percentile(times, 99))
                    progress(
                        "pages: "
                        + ", ".join(f"{n} p99 {f['p99'][-1]:.0f} ms" for n, f in figures.items())
                    )
        finally:
            await db.dispose()
    metrics = []
    for name in routes:
        metrics.append(
            metric(
                f"pages: {name} p99",
                "ms",
                figures[name]["p99"],
                figures["healthz"]["p99"],
                target="< 200 ms",
                met=lambda m, _r: m < 200,
                note="baseline: /healthz on the same app",
            )
        )
        metrics.append(
            metric(f"pages: {name} p50", "ms", figures[name]["p50"], figures["healthz"]["p50"])
        )
    return {"cases": cases, "requests_per_route": rounds, "metrics": metrics}

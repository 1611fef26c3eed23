"""Page and API tests without a browser: the app over httpx on a migrated SQLite database with the
demo accounts. Temporal is down here (a closed port), as it may be in production: intake still
works and every page reads projections; flows through Temporal run in tests/ui/test_live_api.py."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlmodel import select

from api.app import create_app
from domain.actions import WorkerActionKind
from domain.case import Stage
from domain.catalogue import open_worker_actions, worker_option
from domain.deadlines import compute_deadline
from domain.intake import IntakeRequest
from infrastructure.crypto import Keyring
from infrastructure.db import Database, migrate_async
from infrastructure.settings import Settings
from infrastructure.tables import Case, Deadline, Task, TimelineEvent
from services.accounts import seed_demo
from services.intake import register_case
from tests.conftest import make_settings
from tests.stories import wage_arrears
from tests.support import free_port

PASSWORD = "demo-password-2026"


@dataclass
class World:
    settings: Settings
    db: Database
    keyring: Keyring
    app: Any


@pytest.fixture
async def world(tmp_path: Path, database_url: str) -> AsyncIterator[World]:
    """The app on SQLite, and on PostgreSQL too when LABOURFLOW_TEST_POSTGRES_URL is set."""
    settings = make_settings(
        tmp_path, temporal_address=f"127.0.0.1:{free_port()}", database_url=database_url
    )
    await migrate_async(settings.resolved_database_url)
    db = Database(settings.resolved_database_url)
    await seed_demo(db, PASSWORD)
    yield World(
        settings,
        db,
        Keyring.from_settings(settings),
        create_app(settings, db=db, start_pending=False),
    )
    await db.dispose()


def client_for(world: World, base_url: str = "http://testserver") -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=world.app), base_url=base_url)


@pytest.fixture
async def http(world: World) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(world) as client:
        yield client


async def csrf(client: httpx.AsyncClient, url: str = "/login") -> str:
    """The CSRF token of a page's form (the cookie is kept by the client)."""
    page = await client.get(url)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match, f"no form on {url}"
    return match.group(1)


async def sign_in(
    client: httpx.AsyncClient, username: str, password: str = PASSWORD
) -> httpx.Response:
    return await client.post(
        "/login",
        data={"csrf_token": await csrf(client), "username": username, "password": password},
    )


def recent_wage_arrears(**overrides: Any) -> dict[str, Any]:
    """Story 1 moved to now (left 25 days ago), so the limitation is not the point."""
    left = (date.today() - timedelta(days=25)).isoformat()
    return wage_arrears(knew_on=left, employment_ended_on=left, **overrides)


async def file_case(world: World, **overrides: Any) -> tuple[str, str]:
    """Register story 1 through the real intake code; add the projections its workflow would write
    (mediation stage, the D03 deadline with its explanation, a timeline event, the mediator's
    task)."""
    registered = await register_case(
        world.db,
        world.keyring,
        IntakeRequest.model_validate(recent_wage_arrears(**overrides)),
        None,
    )
    case_no, today = registered.case_no, date.today()
    # what the workflow records: the computed deadline with its explanation (domain.deadlines)
    explanation = compute_deadline("D03", today).model_dump(mode="json", by_alias=True)
    async with world.db.session() as session:
        case = (await session.exec(select(Case).where(Case.case_no == case_no))).one()
        case.stage, case.channel, case.next_deadline_on, case.next_deadline_rule = (
            "mediation",
            "union_mediation",
            date.fromisoformat(explanation["due"]),
            "D03",
        )
        case.guidance_zh, case.guidance_en = "调解进行中", "Mediation under way"
        offered = [worker_option(WorkerActionKind.refuse_mediation, "不愿调解，改为申请仲裁", "Decline mediation")]
        # what the case workflow records: the open actions, decided by the catalogue's one rule
        case.worker_options = [
            o.model_dump(mode="json") for o in open_worker_actions(Stage.mediation, offered, legal_aid_applied=False)
        ]
        session.add(case)

        session.add(
            Deadline(
                subject=f"case:{case_no}",
                deadline_key=f"case/{case_no}/mediation/1#period",
                workflow_id=f"case/{case_no}/mediation/1",
                rule_id="D03",
                start_on=today,
                due_on=date.fromisoformat(explanation["due"]),
                explanation=explanation,
            )
        )
        session.add(
            TimelineEvent(
                subject=f"case:{case_no}",
                event_key=f"case/{case_no}#1:case_opened",
                on_date=today,
                actor="system",
                kind="case_opened",
                summary_zh=f"案件{case_no}已受理登记",
                summary_en=f"Case {case_no} registered",
            )
        )
        session.add(
            Task(
                task_id=f"case/{case_no}/mediation/1#3:task-mediate",
                subject=f"case:{case_no}",
                workflow_id=f"case/{case_no}/mediation/1",
                kind="mediate",
                role="mediator",
                team_code="union-med-1",
                assignee="mediator",
                due_on=today + timedelta(days=15),
                deadline_rule="D03",
                title_zh="主持调解并记录结果",
                title_en="Hold the mediation and record its outcome",
                actions=["record_session", "record_agreement", "record_failure", "extend_period"],
            )
        )
        await session.commit()
    return case_no, registered.access_code

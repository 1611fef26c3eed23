"""Supervision tests: a worker with every workflow and activity on a fresh time-skipping server."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from temporalio.testing import WorkflowEnvironment

from activities.deps import ActivityDeps
from api.app import create_app
from infrastructure.db import Database
from infrastructure.settings import Settings
from infrastructure.tables import Team, User
from infrastructure.temporal import data_converter
from infrastructure.temporal_gateway import TemporalGateway
from labourflow.worker import build_worker
from services.accounts import DEMO_TEAMS, DEMO_USERS, PASSWORDS
from services.demo_agencies import seed_demo_agencies
from tests.conftest import TEST_SERVER
from tests.supervision.harness import Console, SupervisionHarness


@pytest.fixture
async def workflow_env(session_settings: Settings) -> AsyncIterator[WorkflowEnvironment]:
    """A fresh time-skipping server per test: its clock and workflow ids are its own."""
    env = await WorkflowEnvironment.start_time_skipping(
        data_converter=data_converter(session_settings), test_server_existing_path=TEST_SERVER
    )
    yield env
    await env.shutdown()


PASSWORD = "demo-password-123"
_HASH: list[str] = []


async def seed_staff(db: Database) -> None:
    """The demo teams and accounts (PASSWORD), with the organisations of every agency and their staff,
    hashed once per session to keep tests fast."""
    if not _HASH:
        _HASH.append(PASSWORDS.hash(PASSWORD))
    async with db.session() as session:
        for team in DEMO_TEAMS:
            session.add(Team.model_validate(team.model_dump()))
        for username, role, name, team_code, region in DEMO_USERS:
            session.add(
                User(
                    username=username,
                    role=role.value,
                    display_name=name,
                    team_code=team_code,
                    region=region,
                    password_hash=_HASH[0],
                )
            )
        await session.commit()
    await seed_demo_agencies(db, _HASH[0])


@pytest.fixture
async def harness(
    workflow_env: WorkflowEnvironment, deps: ActivityDeps, task_queue: str
) -> AsyncIterator[SupervisionHarness]:
    await seed_staff(deps.db)
    async with build_worker(workflow_env.client, deps, task_queue=task_queue):
        yield SupervisionHarness(workflow_env, deps, task_queue)


@pytest.fixture
async def console(harness: SupervisionHarness) -> AsyncIterator[Console]:
    """The web app on the harness's database and Temporal, with a client per staff member."""
    settings = harness.settings.model_copy(update={"task_queue": harness.task_queue})
    app = create_app(
        settings,
        db=harness.deps.db,
        temporal=TemporalGateway(settings, client=harness.env.client),
        start_pending=False,
        search_attributes=False,
    )
    yield Console(app, harness)

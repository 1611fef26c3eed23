"""An escalation (a `supervisor` notification of an overdue task) reaches the team's supervisors and
the head of its organisation; with neither, the administrators, never nobody. Every demo
organisation with staff names a head from its own accounts."""

from __future__ import annotations

import pytest
import structlog
from sqlmodel import col, select
from temporalio.testing import ActivityEnvironment

from activities.deps import ActivityDeps
from activities.notifications import NotificationActivities
from domain.records import NotificationRequest
from infrastructure.crypto import Keyring
from infrastructure.db import Database
from infrastructure.settings import Settings
from infrastructure.tables import Notification, Organisation, Team, User
from services.accounts import seed_demo
from services.demo_agencies import STAFF, demo_plan


@pytest.fixture
async def deps(db: Database, settings: Settings) -> ActivityDeps:
    await seed_demo(db, "demo-password-123")
    return ActivityDeps(settings=settings, db=db, keyring=Keyring.from_settings(settings))


async def _escalate(deps: ActivityDeps, team_code: str, key: str) -> list[str]:
    """Send an escalation for a task of `team_code`; the usernames whose inbox received it."""
    params = {"task": "受理", "task_en": "accept", "due": "2026-12-01", "previous": "clerk", "assignee": "clerk2"}
    request = NotificationRequest(subject=f"case:{key}", event_key=key, template="task_escalated", recipient_kind="supervisor",
                                  team_code=team_code, params=params)
    await ActivityEnvironment().run(NotificationActivities(deps).notify, request)
    async with deps.db.session() as session:
        rows = (await session.exec(select(Notification).where(Notification.subject == f"case:{key}"))).all()
    return sorted(deps.keyring.decrypt_text(row.recipient_enc) for row in rows)


async def test_an_escalation_goes_to_the_head_of_the_organisation(deps: ActivityDeps) -> None:
    # The court of Pudong has no user with the supervisor role; its head is the demo judge.
    assert await _escalate(deps, "court-pd-1", "esc-court") == ["judge"]
    # The union's mediation centre: its supervisor (also the centre's head), once.
    assert await _escalate(deps, "union-med-1", "esc-union") == ["supervisor"]


async def test_a_deactivated_head_receives_nothing(deps: ActivityDeps) -> None:
    async with deps.db.write_session() as session:
        judge = (await session.exec(select(User).where(User.username == "judge"))).one()
        judge.is_active = False
        session.add(judge)
        await session.commit()
    assert await _escalate(deps, "court-pd-1", "esc-gone") == ["admin"]


async def test_an_escalation_with_no_supervisor_and_no_head_goes_to_the_administrators(deps: ActivityDeps) -> None:
    async with deps.db.write_session() as session:
        org = (await session.exec(select(Organisation).where(Organisation.code == "court-pd"))).one()
        org.supervisor = None
        session.add(org)
        await session.commit()
    with structlog.testing.capture_logs() as logs:
        assert await _escalate(deps, "court-pd-1", "esc-nobody") == ["admin"]
    assert any(entry["event"] == "escalation_without_supervisor" and entry["team"] == "court-pd-1" for entry in logs)


async def test_every_demo_organisation_with_staff_names_a_head_of_its_own(deps: ActivityDeps) -> None:
    async with deps.db.session() as session:
        teams = {team.code: team.organisation_code for team in (await session.exec(select(Team))).all()}
        active = (await session.exec(select(User).where(col(User.is_active)))).all()
        members = {user.username: teams.get(user.team_code or "") for user in active}
        organisations = (await session.exec(select(Organisation))).all()
    staffed = {org.code for org, _team, users in demo_plan() if users} | {org for org in members.values() if org}
    headless = [org.code for org in organisations if org.code in staffed and not org.supervisor]
    assert not headless, f"demo organisations with staff but no head: {headless}"
    foreign = [(org.code, org.supervisor) for org in organisations if org.supervisor and members.get(org.supervisor) != org.code]
    assert not foreign, f"heads who are not accounts of their organisation: {foreign}"
    assert {org.kind for org in organisations if org.supervisor} >= {kind.value for kind in STAFF}  # every staffed kind has heads

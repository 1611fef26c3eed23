"""Driving real supervision matters on the time-skipping server: open a matter through the real
service code (as if on a story date: the matter's clock is shifted), wait for union tasks in the
inbox projection, act as union staff, let days pass."""

from __future__ import annotations

import asyncio
import secrets
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI
from itsdangerous import Signer
from sqlmodel import col, select
from starlette.requests import Request
from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from activities.deps import ActivityDeps
from api.auth import SESSION_COOKIE, issue_staff_token
from api.csrf import CSRF_COOKIE, CSRF_FIELD
from domain.actions import ActionResult, Actor, TaskAction
from domain.china_time import CHINA_TZ
from domain.intake import IntakeRequest
from domain.supervision import EmployerReply, MatterOpening, MatterView, SupervisionResult
from infrastructure.settings import Settings
from infrastructure.tables import (
    Case,
    Deadline,
    StoredDocument,
    SupervisionMatter,
    SupervisionRung,
    Task,
    TimelineEvent,
    User,
)
from services.intake import register_case
from services.supervision.matters import Opener, open_matter, start_matter

UNION = {
    "union": Actor(
        kind="staff",
        username="union",
        role="union_legal",
        team_code="union-fed-1",
        display_name="工会法律工作者 王磊",
    ),
    "union2": Actor(
        kind="staff",
        username="union2",
        role="union_legal",
        team_code="union-fed-1",
        display_name="工会法律工作者 孙丽",
    ),
    "mediator": Actor(
        kind="staff",
        username="mediator",
        role="mediator",
        team_code="union-med-1",
        display_name="调解员 张敏",
    ),
}
OPENER = Opener(username="union", team_code="union-fed-1", region="shanghai-pudong")


@dataclass
class MatterRun:
    """One opened matter and its running workflow."""

    harness: SupervisionHarness
    matter_no: str
    handle: WorkflowHandle[Any, Any]
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def subject(self) -> str:
        return f"matter:{self.matter_no}"

    async def task(self, kind: str, within: float = 15) -> Task:
        """Wait (real time) until an open task of `kind` (of the matter or its children) appears."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            async with self.harness.deps.db.session() as session:
                row = (
                    await session.exec(
                        select(Task).where(
                            Task.subject == self.subject, Task.kind == kind, Task.status == "open"
                        )
                    )
                ).first()
            if row is not None:
                return row
            await asyncio.sleep(0.05)
        raise AssertionError(
            f"no open task '{kind}' on {self.matter_no}; events: {await self.events()}"
        )

    async def act(
        self, kind: str, action: str, payload: dict[str, Any], who: str = "union", within: float = 15
    ) -> ActionResult:
        task = await self.task(kind, within)
        return await self.harness.env.client.get_workflow_handle(task.workflow_id).execute_update(
            "act",
            TaskAction(task_id=task.task_id, action=action, actor=UNION[who], payload=payload),
            result_type=ActionResult,
        )

    async def employer_reply(self, document_id: str, kind: str, text: str) -> ActionResult:
        return await self.handle.execute_update(
            "employer-reply",
            EmployerReply.model_validate({"document_id": document_id, "kind": kind, "text": text}),
            result_type=ActionResult,
        )

    async def view(self) -> MatterView:
        return await self.handle.query("matter", result_type=MatterView)

    async def events(self) -> list[str]:
        async with self.harness.deps.db.session() as session:
            rows = (
                await session.exec(
                    select(TimelineEvent.kind)
                    .where(TimelineEvent.subject == self.subject)
                    .order_by(col(TimelineEvent.id))
                )
            ).all()
        return list(rows)

    async def wait_event(self, kind: str, within: float = 15) -> None:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if kind in await self.events():
                return
            await asyncio.sleep(0.05)
        raise AssertionError(
            f"event '{kind}' did not happen on {self.matter_no}: {await self.events()}"
        )

    async def deadline(self, key: str, within: float = 15) -> Deadline:
        """The deadline `key` (`reply-2`, `filing`, ...) of the matter or its children."""
        end = time.monotonic() + within
        while time.monotonic() < end:
            async with self.harness.deps.db.session() as session:
                rows = (
                    await session.exec(select(Deadline).where(Deadline.subject == self.subject))
                ).all()
            found = {row.deadline_key.split("#", 1)[1]: row for row in rows}
            if key in found:
                return found[key]
            await asyncio.sleep(0.05)
        raise AssertionError(f"no deadline '{key}' on {self.matter_no}")

    async def rungs(self) -> list[SupervisionRung]:
        async with self.harness.deps.db.session() as session:
            return list(
                (
                    await session.exec(
                        select(SupervisionRung)
                        .where(SupervisionRung.matter_no == self.matter_no)
                        .order_by(col(SupervisionRung.seq))
                    )
                ).all()
            )

    async def documents(self) -> list[StoredDocument]:
        async with self.harness.deps.db.session() as session:
            return list(
                (
                    await session.exec(
                        select(StoredDocument)
                        .where(StoredDocument.subject == self.subject)
                        .order_by(col(StoredDocument.created_at))
                    )
                ).all()
            )

    async def row(self) -> SupervisionMatter:
        async with self.harness.deps.db.session() as session:
            return (
                await session.exec(
                    select(SupervisionMatter).where(SupervisionMatter.matter_no == self.matter_no)
                )
            ).one()

    async def result(self) -> SupervisionResult:
        return await asyncio.wait_for(self.handle.result(), timeout=60)


@dataclass
class SupervisionHarness:
    env: WorkflowEnvironment
    deps: ActivityDeps
    task_queue: str
    shift_days: int = 0
    today: date = date(2026, 1, 1)

    @property
    def settings(self) -> Settings:
        return self.deps.settings

    async def env_today(self) -> date:
        now: datetime = await self.env.get_current_time()
        return now.astimezone(CHINA_TZ).date()

    async def file_case(self, body: dict[str, Any], filed_on: date) -> str:
        """A complaint through the real intake code, dated `filed_on` (no case workflow)."""
        registered = await register_case(
            self.deps.db, self.deps.keyring, IntakeRequest.model_validate(body), None
        )
        async with self.deps.db.session() as session:
            case = (
                await session.exec(select(Case).where(Case.case_no == registered.case_no))
            ).one()
            case.filed_on = filed_on
            session.add(case)
            await session.commit()
        return registered.case_no

    async def open(self, opening: dict[str, Any], opened_on: date) -> MatterRun:
        """Open a matter through the real service code as if on `opened_on`, and start it."""
        self.shift_days = (opened_on - await self.env_today()).days
        settings = self.settings.model_copy(update={"task_queue": self.task_queue})
        matter_no = await open_matter(
            self.deps.db, MatterOpening.model_validate(opening), OPENER, opened_on
        )
        await start_matter(
            self.env.client, settings, self.deps.db, matter_no, shift_days=self.shift_days
        )
        self.today = opened_on
        handle = self.env.client.get_workflow_handle(
            f"supervision/{matter_no}", result_type=SupervisionResult
        )
        return MatterRun(self, matter_no, handle)

    def matter(self, matter_no: str) -> MatterRun:
        handle = self.env.client.get_workflow_handle(
            f"supervision/{matter_no}", result_type=SupervisionResult
        )
        return MatterRun(self, matter_no, handle)

    async def sleep(self, days: float) -> None:
        """Let `days` pass on the server clock (timers fire), then let the workflows settle."""
        await self.env.sleep(timedelta(days=days))
        self.today = await self.env_today() + timedelta(days=self.shift_days)
        await asyncio.sleep(0.3)


@dataclass
class Console:
    """The app and a signed-in browser-like client per staff member (session cookie)."""

    app: FastAPI
    harness: SupervisionHarness

    async def cookie(self, username: str) -> str:
        async with self.harness.deps.db.session() as session:
            user = (await session.exec(select(User).where(User.username == username))).one()
        return issue_staff_token(Request({"type": "http", "app": self.app, "headers": []}), user)

    async def client(self, username: str | None = None, *, csrf: bool = True) -> httpx.AsyncClient:
        """A browser-like client (signed in as `username`); its form posts carry the CSRF token a
        page would have given it, unless `csrf` is False (to see the refusal)."""
        cookies = {SESSION_COOKIE: await self.cookie(username)} if username else {}
        value = secrets.token_urlsafe(24)
        token = Signer(self.app.state.services.settings.session_secret, salt="csrf").sign(value).decode()
        return FormClient(
            token if csrf else None,
            transport=httpx.ASGITransport(app=self.app),
            base_url="http://testserver",
            cookies={**cookies, CSRF_COOKIE: value},
            timeout=60,
        )


class FormClient(httpx.AsyncClient):
    """Adds the CSRF field to every form post, as the page's hidden input would."""

    def __init__(self, token: str | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.csrf_token = token

    async def post(self, url: Any, **kwargs: Any) -> httpx.Response:  # type: ignore[override]
        if self.csrf_token is not None and "json" not in kwargs and "content" not in kwargs:
            kwargs["data"] = {**(kwargs.get("data") or {}), CSRF_FIELD: self.csrf_token}
        return await super().post(url, **kwargs)

"""What-if simulation: run the real case workflows on Temporal's time-skipping test server, with
scripted staff and worker actions on given days, and report the timeline that results.

Everything is real except the clock: the intake code, the workflows, the activities (on a
throw-away SQLite database) and the documents. Scenario files are TOML (see `scenarios/`).
"""

from __future__ import annotations

import asyncio
import base64
import secrets
import sys
import tempfile
import time
import tomllib
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import col, select
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHandle
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from activities.deps import ActivityDeps
from domain.actions import ActionResult, Actor, TaskAction, WorkerAction
from domain.china_time import CHINA_TZ
from domain.intake import IntakeRequest
from domain.workflow_models import DisputeResult
from infrastructure.crypto import Keyring
from infrastructure.db import Database, migrate_async
from infrastructure.settings import Environment, Settings
from infrastructure.tables import Case, Deadline, Task, TimelineEvent, User
from infrastructure.tables.documents import StoredDocument as Document
from infrastructure.temporal import data_converter
from labourflow.worker import build_worker
from services.accounts import seed_demo
from services.intake import StartRow, register_case, workflow_input

POLL = 0.05
QUIET_WAIT = 5.0  # the longest wait for a workflow to finish its work in hand before an action (CaseRun.quiet)

SLEEP_STEP_DAYS = 2.0  # the longest single time skip (see Simulation.sleep)
SLEEP_TIMEOUTS_ALLOWED = 3  # test-server calls that may time out within one Simulation.sleep


class ScenarioError(ValueError):
    """The scenario file is wrong; the message names the step and the problem."""


class Step(BaseModel):
    """One scripted action on a given day: a staff action on a task, or a worker action."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    on: date
    task: str | None = None
    action: str
    by: str | None = Field(default=None, alias="as")  # default: whoever the task is assigned to
    team: str | None = None  # the team whose task it is, when two agencies have one of that kind open
    payload: dict[str, Any] = Field(default_factory=dict)
    note: str = ""


class Expect(BaseModel):
    """What the scenario should end in: the case's stage and events that must have happened."""

    model_config = ConfigDict(extra="forbid")

    stage: str | None = None
    events: list[str] = Field(default_factory=list)
    deadlines: dict[str, date] = Field(default_factory=dict)  # deadline key -> due date


class Scenario(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str
    filed_on: date
    until: date
    story: str | None = None  # a built-in intake from devtools/stories.py, changed by `intake`
    intake: dict[str, Any] = Field(default_factory=dict)
    steps: list[Step] = Field(default_factory=list)
    expect: Expect = Field(default_factory=Expect)

    def intake_body(self) -> dict[str, Any]:
        from devtools.stories import STORIES

        if self.story is None:
            return self.intake
        if self.story not in STORIES:
            raise ScenarioError(f"unknown story '{self.story}'; known: {', '.join(sorted(STORIES))}")
        return STORIES[self.story](**self.intake)

    @classmethod
    def load(cls, path: Path) -> Scenario:
        try:
            scenario = cls.model_validate(tomllib.loads(path.read_text("utf-8")))
        except (tomllib.TOMLDecodeError, ValueError) as exc:
            raise ScenarioError(f"{path}: {exc}") from None
        last = scenario.filed_on
        for number, step in enumerate(scenario.steps, start=1):
            if step.on < last:
                raise ScenarioError(f"{path}: step {number} ({step.action}) is on {step.on}, before the previous step ({last})")
            last = step.on
        if scenario.until < last:
            raise ScenarioError(f"{path}: until ({scenario.until}) is before the last step ({last})")
        return scenario


@dataclass
class CaseRun:
    """One filed case and its running workflow, with helpers to read its projections."""

    sim: Simulation
    case_no: str
    handle: WorkflowHandle[Any, Any]

    @property
    def subject(self) -> str:
        return f"case:{self.case_no}"

    async def _poll(self, probe: Any, what: str, timeout: float) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = await probe()
            if found:
                return found
            await asyncio.sleep(POLL)
        raise TimeoutError(f"{self.case_no}: {what} did not happen; events so far: {await self.events()}")

    async def task(self, kind: str, timeout: float = 15, team: str | None = None) -> Task:
        """Wait until an open task of `kind` (of `team`, when two agencies have one) is in the inbox projection."""

        async def probe() -> Task | None:
            query = select(Task).where(Task.subject == self.subject, Task.kind == kind, Task.status == "open")
            if team is not None:
                query = query.where(Task.team_code == team)
            async with self.sim.db.session() as session:
                return (await session.exec(query)).first()

        task: Task = await self._poll(probe, f"an open task '{kind}'", timeout)
        return task

    async def act(self, kind: str, action: str, payload: dict[str, Any], who: str | None = None, team: str | None = None) -> ActionResult:
        """Act on the open task of `kind` (of `team`) as `who`, by default as the staff member the task is assigned
        to (or one of its team with its role): the commission's clerk for an acceptance, the judge for a judgment."""
        task = await self.task(kind, team=team)
        actor = await self.sim.actor(who) if who else await self.sim.actor_for(task)
        request = TaskAction(task_id=task.task_id, action=action, actor=actor, payload=payload)
        handle = self.sim.env.client.get_workflow_handle(task.workflow_id)
        if self.sim.act_when_quiet:
            await self.quiet(handle)
        result: ActionResult = await handle.execute_update("act", request, result_type=ActionResult)
        return result

    async def worker(self, action: str, payload: dict[str, Any] | None = None) -> ActionResult:
        request = WorkerAction.model_validate({"action": action, "payload": payload or {}})
        if self.sim.act_when_quiet:
            await self.quiet(self.handle)
        result: ActionResult = await self.handle.execute_update("worker-act", request, result_type=ActionResult)
        return result

    async def quiet(self, handle: WorkflowHandle[Any, Any], timeout: float = QUIET_WAIT) -> None:
        """Wait (up to `timeout`, then go on) until the workflow has no activity and no workflow task
        in hand, as a person acting on a page seconds later finds it.

        The time-skipping test server can wedge a workflow for good when an update lands while the
        workflow's own commands race it: a completion it refuses (a cancel of a timer or activity it
        no longer holds) leaves the workflow task STARTED in its history, never timed out or sent
        again (temporalio/sdk-java#3088, #2606; seen in CI as an update that never returned after
        "ACTIVITY_UNKNOWN"). The real server fails such a task and the worker replays; the API and
        browser tests, on the dev server, keep acting at any moment."""
        busy = {EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED}
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            description = await handle.describe()
            if description.status is not None and description.status.name != "RUNNING":
                return
            if not description.raw_description.pending_activities:
                history = await handle.fetch_history()
                if not history.events or history.events[-1].event_type not in busy:
                    return
            await asyncio.sleep(POLL)

    async def events(self) -> list[str]:
        return [event.kind for event in await self.timeline()]

    async def timeline(self) -> list[TimelineEvent]:
        async with self.sim.db.session() as session:
            return list(
                (
                    await session.exec(
                        select(TimelineEvent)
                        .where(TimelineEvent.subject == self.subject)
                        .order_by(col(TimelineEvent.on_date), col(TimelineEvent.id))
                    )
                ).all()
            )

    async def wait_event(self, kind: str, timeout: float = 15) -> None:
        async def probe() -> bool:
            return kind in await self.events()

        await self._poll(probe, f"event '{kind}'", timeout)

    async def deadlines(self) -> dict[str, Deadline]:
        async with self.sim.db.session() as session:
            rows = (await session.exec(select(Deadline).where(Deadline.subject == self.subject))).all()
        return {row.deadline_key.split("#", 1)[1]: row for row in rows}

    async def deadline(self, key: str, timeout: float = 15) -> Deadline:
        async def probe() -> Deadline | None:
            return (await self.deadlines()).get(key)

        found: Deadline = await self._poll(probe, f"deadline '{key}'", timeout)
        return found

    async def case_row(self) -> Case:
        async with self.sim.db.session() as session:
            return (await session.exec(select(Case).where(Case.case_no == self.case_no))).one()

    async def wait_stage(self, stage: str, timeout: float = 15) -> Case:
        async def probe() -> Case | None:
            row = await self.case_row()
            return row if row.stage == stage else None

        found: Case = await self._poll(probe, f"stage '{stage}'", timeout)
        return found

    async def wait_option(self, action: str, timeout: float = 15) -> dict[str, Any]:
        """The worker's option `action` once the case record offers it (the stage may be projected first)."""

        async def probe() -> dict[str, Any] | None:
            row = await self.case_row()
            return next((o for o in row.worker_options if o["action"] == action), None)

        found: dict[str, Any] = await self._poll(probe, f"worker option '{action}'", timeout)
        return found

    async def result(self, timeout: float = 60) -> DisputeResult:
        return await asyncio.wait_for(self.handle.result(), timeout=timeout)


@dataclass
class Simulation:
    """A worker with every workflow and activity on a time-skipping server and a throw-away database."""

    env: WorkflowEnvironment
    deps: ActivityDeps
    task_queue: str
    today: date = date(2026, 1, 1)
    shift_days: int = 0
    # Act only once the workflow is quiet (CaseRun.quiet): on the time-skipping test server, not in
    # the bench's case-cost run, whose CPU figures must not include the probing.
    act_when_quiet: bool = False
    _actors: dict[str, Actor] = field(default_factory=dict)

    @property
    def db(self) -> Database:
        return self.deps.db

    async def env_today(self) -> date:
        now: datetime = await self.env.get_current_time()
        return now.astimezone(CHINA_TZ).date()

    async def actor(self, username: str) -> Actor:
        if username not in self._actors:
            async with self.db.session() as session:
                user = (await session.exec(select(User).where(User.username == username))).first()
            if user is None:
                raise ScenarioError(f"no staff account '{username}' (demo accounts: see README, \"Demo accounts\")")
            self._actors[username] = Actor(
                kind="staff", username=user.username, role=user.role, team_code=user.team_code, display_name=user.display_name
            )
        return self._actors[username]

    async def actor_for(self, task: Task) -> Actor:
        """The task's assignee, else an active member of its team with its role."""
        if task.assignee:
            return await self.actor(task.assignee)
        async with self.db.session() as session:
            query = select(User.username).where(User.role == task.role, User.is_active == True)  # noqa: E712
            found = (await session.exec(query.where(User.team_code == task.team_code) if task.team_code else query)).first()
        if found is None:
            raise ScenarioError(f"nobody may act on task '{task.kind}' (role {task.role}, team {task.team_code})")
        return await self.actor(found)

    async def file(self, body: dict[str, Any], filed_on: date) -> CaseRun:
        """File through the real intake code as if on `filed_on` (the case's clock is shifted)."""
        registered = await register_case(self.db, self.deps.keyring, IntakeRequest.model_validate(body), None)
        async with self.db.session() as session:
            case = (await session.exec(select(Case).where(Case.case_no == registered.case_no))).one()
            case.filed_on = filed_on
            case.facts = {**case.facts, "filed_on": filed_on.isoformat()}
            session.add(case)
            await session.commit()
            await session.refresh(case)
        self.shift_days = (filed_on - await self.env_today()).days
        inp = await workflow_input(self.db, self.deps.settings, StartRow.of(case, self.deps.keyring),
                                   search_attributes=False)
        inp = inp.model_copy(update={"shift_days": self.shift_days})
        handle = await self.env.client.start_workflow(
            "dispute", inp, id=case.workflow_id, task_queue=self.task_queue, result_type=DisputeResult
        )
        self.today = filed_on
        return CaseRun(self, registered.case_no, handle)

    async def sleep(self, days: float) -> None:
        """Let `days` pass on the server clock (timers fire), then let the workflows settle."""
        # In steps of at most two days, up to the target time on the server's clock: one long skip
        # makes the test server fire every timer of the span (reminders, escalations, invitations)
        # inside one call, and on a loaded machine a call can still end in "Timeout expired" (seen in
        # CI) after the clock moved; the rest of the span is then slept, a few times at most.
        if days > 0:
            target = await self.env.get_current_time() + timedelta(days=days)
            timeouts = 0
            while (now := await self.env.get_current_time()) < target:
                try:
                    await self.env.sleep(min(target - now, timedelta(days=SLEEP_STEP_DAYS)))
                except RPCError as exc:
                    timeouts += 1
                    if "Timeout expired" not in str(exc) or timeouts > SLEEP_TIMEOUTS_ALLOWED:
                        raise
        self.today = await self.env_today() + timedelta(days=self.shift_days)
        await asyncio.sleep(0.3)

    async def advance_to(self, day: date) -> None:
        await self.sleep((day - self.today).days)


def simulation_settings(data_dir: Path, key: bytes | None = None, database_url: str | None = None) -> Settings:
    """Throw-away settings: a SQLite file under `data_dir` (or `database_url`), fresh keys (or `key`), no real Temporal."""
    return Settings(
        env=Environment.test,
        data_dir=data_dir,
        database_url=database_url or f"sqlite:///{data_dir / 'simulation.db'}",
        session_secret=secrets.token_urlsafe(16),
        encryption_keys={"sim": base64.b64encode(key or secrets.token_bytes(32)).decode()},
        encryption_key_id="sim",
        lookup_hash_key=secrets.token_urlsafe(16),
        log_level="WARNING",
    )


async def open_simulation(stack: AsyncExitStack, data_dir: Path, key: bytes | None = None,
                          database_url: str | None = None) -> Simulation:
    """Migrate a fresh database, seed demo accounts, start the test server and a worker."""
    settings = simulation_settings(data_dir, key, database_url)
    await migrate_async(settings.resolved_database_url)
    db = Database(settings.resolved_database_url)
    stack.push_async_callback(db.dispose)
    await seed_demo(db, secrets.token_urlsafe(12))
    env = await WorkflowEnvironment.start_time_skipping(
        data_converter=data_converter(settings), test_server_existing_path=str(Path(sys.executable).parent / "temporal-test-server")
    )
    stack.push_async_callback(env.shutdown)
    deps = ActivityDeps(settings=settings, db=db, keyring=Keyring.from_settings(settings))
    task_queue = "simulation"
    await stack.enter_async_context(build_worker(env.client, deps, task_queue=task_queue))
    return Simulation(env, deps, task_queue, act_when_quiet=True)


async def run_scenario(scenario: Scenario, *, key: bytes | None = None, keep: Any = None) -> dict[str, Any]:
    """Play the scenario and return the resulting timeline, deadlines, tasks and documents.

    `keep(sim, workflow_ids)` is awaited before the simulation is torn down (tests use it to
    export workflow histories); `key` fixes the payload encryption key."""
    with tempfile.TemporaryDirectory(prefix="labourflow-sim-") as tmp:
        async with AsyncExitStack() as stack:
            sim = await open_simulation(stack, Path(tmp), key)
            case, results = await play(sim, scenario)
            result = await report(sim, case, scenario, results)
            result["workflow_ids"] = await workflow_ids(sim, case)
            result["expectations"] = check_expectations(scenario.expect, result)
            if keep is not None:
                await keep(sim, result["workflow_ids"])
            return result


async def play(sim: Simulation, scenario: Scenario) -> tuple[CaseRun, list[dict[str, Any]]]:
    """File the scenario's case and take its steps on their days, up to its last day."""
    case = await sim.file(scenario.intake_body(), scenario.filed_on)
    results = []
    for number, step in enumerate(scenario.steps, start=1):
        await sim.advance_to(step.on)
        try:
            if step.task:
                outcome = await case.act(step.task, step.action, step.payload, step.by, step.team)
            else:
                outcome = await case.worker(step.action, step.payload)
        except Exception as exc:
            raise ScenarioError(
                f"step {number} on {step.on} ({step.task or 'worker'}: {step.action}) failed: "
                f"{getattr(getattr(exc, 'cause', None), 'message', None) or exc}"
            ) from None
        results.append({"step": number, "on": step.on.isoformat(), "action": step.action, "result": outcome.message_zh})
    await sim.advance_to(scenario.until)
    return case, results


async def workflow_ids(sim: Simulation, case: CaseRun) -> list[str]:
    """The case workflow and every child that kept a deadline or a task."""
    async with sim.db.session() as session:
        from_deadlines = (await session.exec(select(Deadline.workflow_id).where(Deadline.subject == case.subject))).all()
        from_tasks = (await session.exec(select(Task.workflow_id).where(Task.subject == case.subject))).all()
    return sorted({case.handle.id, *from_deadlines, *from_tasks})


def check_expectations(expect: Expect, result: dict[str, Any]) -> list[str]:
    """What the scenario expected but did not get (empty when every expectation held)."""
    problems = []
    if expect.stage and result["stage"] != expect.stage:
        problems.append(f"stage is {result['stage']}, expected {expect.stage}")
    kinds = [event["kind"] for event in result["timeline"]]
    problems += [f"event '{kind}' did not happen" for kind in expect.events if kind not in kinds]
    dues = {d["key"]: d["due"] for d in result["deadlines"]}
    problems += [
        f"deadline '{key}' is due {dues.get(key)}, expected {due}"
        for key, due in expect.deadlines.items()
        if dues.get(key) != due.isoformat()
    ]
    return problems


async def report(sim: Simulation, case: CaseRun, scenario: Scenario, steps: list[dict[str, Any]]) -> dict[str, Any]:
    async with sim.db.session() as session:
        tasks = (await session.exec(select(Task).where(Task.subject == case.subject).order_by(col(Task.created_at)))).all()
        documents = (await session.exec(select(Document).where(Document.subject == case.subject))).all()
    row = await case.case_row()
    return {
        "title": scenario.title,
        "case_no": case.case_no,
        "filed_on": scenario.filed_on.isoformat(),
        "until": scenario.until.isoformat(),
        "stage": row.stage,
        "closing_state": row.closing_state,
        "steps": steps,
        "timeline": [
            {"on": e.on_date.isoformat(), "kind": e.kind, "zh": e.summary_zh, "en": e.summary_en, "citation": e.citation}
            for e in await case.timeline()
        ],
        "deadlines": [
            {
                "key": key,
                "rule": d.rule_id,
                "start": d.start_on.isoformat(),
                "due": d.due_on.isoformat(),
                "status": d.status,
                "why_zh": d.explanation.get("explanation_zh"),
                "why_en": d.explanation.get("explanation_en"),
            }
            for key, d in sorted((await case.deadlines()).items(), key=lambda item: item[1].due_on)
        ],
        "tasks": [
            {
                "kind": t.kind,
                "title_zh": t.title_zh,
                "due": t.due_on.isoformat() if t.due_on else None,
                "status": t.status,
                "outcome": t.outcome,
                "escalated": t.escalated,
                "reminders": t.reminders_sent,
            }
            for t in tasks
        ],
        "documents": [{"type": d.doc_type, "document_no": d.document_no, "issued_on": d.issued_on.isoformat()} for d in documents],
    }


def format_report(data: dict[str, Any], lang: str = "zh") -> str:
    """The report as readable text (Chinese first, English with lang='en')."""
    zh = lang == "zh"
    lines = [
        f"{data['title']}  —  {data['case_no']}  ({data['filed_on']} → {data['until']})",
        f"{'当前阶段' if zh else 'Stage'}: {data['stage']}",
        "",
        "== " + ("时间线" if zh else "Timeline"),
    ]
    lines += [f"  {e['on']}  {e['zh'] if zh else e['en']}" + (f"  [{e['citation']}]" if e["citation"] else "") for e in data["timeline"]]
    lines += ["", "== " + ("期限" if zh else "Deadlines")]
    lines += [f"  {d['due']}  {d['rule']:>6}  {d['status']:<9} {d['why_zh'] if zh else d['why_en']}" for d in data["deadlines"]]
    lines += ["", "== " + ("任务" if zh else "Tasks")]
    lines += [
        f"  {t['due'] or '—':<10}  {t['status']:<9} {t['title_zh']}" + (" (逾期上报)" if t["escalated"] else "") for t in data["tasks"]
    ]
    lines += ["", "== " + ("文书" if zh else "Documents")]
    lines += [f"  {d['issued_on']}  {d['type']}" + (f"  {d['document_no']}" if d["document_no"] else "") for d in data["documents"]]
    if data.get("expectations"):
        lines += ["", "== " + ("与预期不符" if zh else "Expectations not met")] + [f"  {p}" for p in data["expectations"]]
    return "\n".join(lines)

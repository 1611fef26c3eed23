"""`StatutoryWorkflow`: the base of every workflow that runs statutory clocks and human tasks.

It gives each workflow the same vocabulary: `event` (timeline), `set_deadline` / `until` (durable
timers from the pure rules), `open_task` / `close_task` (inbox with reminders and escalation),
`document` and `notify`; staff act through the `act` Update, checked by its validator first.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, ClassVar

from temporalio import workflow
from temporalio.exceptions import ApplicationError

from workflows.kit import options
from workflows.kit.clock import Clock
from workflows.kit.tasks import OFFICE_OPENS, OpenTask, reminder_days

with workflow.unsafe.imports_passed_through():
    from pydantic import BaseModel, ValidationError

    from domain.actions import ActionResult, Actor, TaskAction
    from domain.calendar import CalendarYear
    from domain.catalogue import StaffAction
    from domain.deadlines import Deadline
    from domain.documents import DocumentRef, DocumentType, RenderDocumentInput
    from domain.fact_dates import future_fact_problem
    from domain.records import (
        AssignmentRequest,
        DeadlineRecord,
        DeadlineStatus,
        NotificationRequest,
        TaskStatus,
        TimelineEventRecord,
    )
    from domain.workflow_models import DeadlineView, TaskView, WorkflowView

Handler = Callable[[Any, OpenTask, Any, Actor], Awaitable[ActionResult]]


@dataclass(frozen=True)
class ActionSpec:
    name: str
    payload: type[BaseModel]
    roles: tuple[str, ...]
    closes: bool
    handler: Handler


def action(entry: StaffAction) -> Callable[[Handler], Handler]:
    """Declare a workflow method as the handler of a catalogue action (`@action(Mediation.record_session)`)."""

    def mark(fn: Handler) -> Handler:
        fn.__action__ = entry  # type: ignore[attr-defined]
        return fn

    return mark


@dataclass
class DeadlineEntry:
    key: str
    rule: str
    start: date
    options: dict[str, Any]
    deadline: Deadline
    status: DeadlineStatus = DeadlineStatus.pending


@dataclass
class Kit:
    subject: str
    workflow_id: str
    clock: Clock
    region: str
    team_code: str | None
    seq: int = 0
    deadlines: dict[str, DeadlineEntry] = field(default_factory=dict)
    tasks: dict[str, OpenTask] = field(default_factory=dict)
    epoch: int = 0
    watchers: list[asyncio.Future[None]] = field(default_factory=list)


class StatutoryWorkflow:
    """Base class; subclasses call `self.setup(...)` first thing in their run method."""

    ACTIONS: ClassVar[dict[str, ActionSpec]] = {}
    status: str = "starting"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        found = dict(getattr(cls, "ACTIONS", {}))
        for attr in vars(cls).values():
            entry = getattr(attr, "__action__", None)
            if isinstance(entry, StaffAction):
                found[entry.name] = ActionSpec(entry.name, entry.payload, tuple(entry.roles), entry.closes, attr)
        cls.ACTIONS = found

    def setup(self, subject: str, clock: Clock, region: str, team_code: str | None) -> None:
        self.kit = Kit(subject, workflow.info().workflow_id, clock, region, team_code)

    @property
    def clock(self) -> Clock:
        return self.kit.clock

    def next_key(self, label: str) -> str:
        self.kit.seq += 1
        return f"{self.kit.workflow_id}~{self.kit.seq}:{label}"  # URL-safe: task ids travel in URLs

    # ---- timeline and side effects -------------------------------------------------------
    async def event(
        self,
        kind: str,
        zh: str,
        en: str,
        *,
        citation: str | None = None,
        actor: Actor | None = None,
        on: date | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        record = TimelineEventRecord(
            subject=self.kit.subject,
            event_key=self.next_key(kind),
            on_date=on or self.clock.today(),
            actor=actor.label if actor else "系统 / system",
            kind=kind,
            summary_zh=zh,
            summary_en=en,
            citation=citation,
            data=data or {},
        )
        await workflow.execute_activity("record-timeline-event", record, **options.PROJECTION)

    async def document(
        self, doc_type: DocumentType, facts: dict[str, Any], *, series: str | None = None, issued_by: str = "system"
    ) -> DocumentRef:
        request = RenderDocumentInput(
            doc_type=doc_type,
            subject=self.kit.subject,
            idempotency_key=self.next_key(doc_type.value),
            facts=facts,
            number_series=series,
            issued_by=issued_by,
            issued_on=self.clock.today(),
        )
        ref: DocumentRef = await workflow.execute_activity(
            "render-document", request, result_type=DocumentRef, **options.DOCUMENT, **options.document_queue()
        )
        return ref

    async def notify(
        self, template: str, recipient_kind: str, *, recipient: str | None = None, params: dict[str, Any] | None = None
    ) -> None:
        request = NotificationRequest(
            subject=self.kit.subject,
            event_key=self.next_key(template),
            template=template,
            recipient_kind=recipient_kind,
            recipient=recipient,
            team_code=self.kit.team_code,
            params=params or {},
        )
        await workflow.execute_activity("notify", request, **options.NOTIFY)

    # ---- deadlines -----------------------------------------------------------------------
    async def set_deadline(self, key: str, rule: str, start: date, **rule_options: Any) -> Deadline:
        """Compute a deadline with the pure rules, keep it, and record it with its explanation."""
        deadline = self.clock.compute(rule, start, **rule_options)
        self.kit.deadlines[key] = DeadlineEntry(key, rule, start, rule_options, deadline)
        await self._record_deadline(self.kit.deadlines[key])
        return deadline

    async def set_agreed_deadline(self, key: str, start: date, due: date, zh: str, en: str) -> Deadline:
        """A date the parties agreed (performance of an agreement): tracked like a deadline, not law."""
        basis = self.clock.compute("D03", start)  # any calendar-day rule gives the shape
        deadline = basis.model_copy(
            update={
                "rule": "agreed",
                "title_zh": "约定期限",
                "title_en": "agreed date",
                "due": due,
                "length": (due - start).days,
                "basis": "当事人约定 / agreed by the parties",
                "basis_text": "",
                "provisional": False,
                "confidence": "H",
                "skipped": (),
                "makeup_workdays": (),
                "explanation_zh": zh.format(due=due),
                "explanation_en": en.format(due=due),
            }
        )
        self.kit.deadlines[key] = DeadlineEntry(key, "agreed", start, {}, deadline)
        await self._record_deadline(self.kit.deadlines[key])
        return deadline

    async def set_service_deadline(self, key: str, start: date, days: int, zh: str, en: str) -> Deadline:
        """A service level where the law sets no period (e.g. a referral's acknowledgement): not law."""
        return await self.set_agreed_deadline(
            key,
            start,
            start + timedelta(days=days),
            f"{zh}：服务时限{days}日至{{due}}（非法定期限）",
            f"{en}: service level of {days} days, to {{due}} (not a statutory period)",
        )

    async def extend_deadline(self, key: str, new_due: date, zh: str, en: str) -> Deadline:
        """Move a deadline by agreement (not by law): the explanation says so; rest days roll forward."""
        while self.clock.calendar.is_rest_day(new_due):
            new_due += timedelta(days=1)
        entry = self.kit.deadlines[key]
        entry.deadline = entry.deadline.model_copy(
            update={"due": new_due, "explanation_zh": zh.format(due=new_due), "explanation_en": en.format(due=new_due)}
        )
        await self._record_deadline(entry)
        for task in self.kit.tasks.values():
            if task.deadline_key == key and task.is_open:
                task.due_on = new_due
                await self._record_task(task)
        self.kit.epoch += 1
        return entry.deadline

    async def close_deadline(self, key: str, status: DeadlineStatus) -> None:
        entry = self.kit.deadlines.get(key)
        if entry is not None and entry.status is DeadlineStatus.pending:
            entry.status = status
            await self._record_deadline(entry)

    async def _record_deadline(self, entry: DeadlineEntry) -> None:
        deadline = entry.deadline
        record = DeadlineRecord(
            subject=self.kit.subject,
            deadline_key=f"{self.kit.workflow_id}#{entry.key}",
            workflow_id=self.kit.workflow_id,
            rule_id=entry.rule,
            start_on=entry.start,
            due_on=deadline.due or entry.start,
            status=entry.status,
            provisional=deadline.provisional,
            explanation=deadline.model_dump(mode="json", by_alias=True),
        )
        await workflow.execute_activity("record-deadline", record, **options.PROJECTION)

    def due(self, key: str) -> date | None:
        return self.kit.deadlines[key].deadline.due

    async def until(self, key: str, done: Callable[[], bool]) -> bool:
        """Wait until `done()` or until deadline `key` has fully passed; True when `done()`.

        Survives recomputation: when an official calendar year arrives the wait restarts
        with the new due date.
        """
        while not done():
            epoch = self.kit.epoch
            due = self.due(key)
            timeout = None if due is None else self.clock.until_end_of(due)
            if timeout is not None and timeout.total_seconds() <= 0:
                return done()
            try:
                await workflow.wait_condition(lambda: done() or self.kit.epoch != epoch, timeout=timeout)  # noqa: B023 (awaited in this iteration)
            except TimeoutError:
                return done()
        return True

    @workflow.signal(name="calendar-updated")
    async def calendar_updated(self, year: CalendarYear) -> None:
        """An official calendar year was added: recompute provisional deadlines, record changes."""
        # A signal can be delivered in the first activation, before run() has set up the kit.
        await workflow.wait_condition(lambda: getattr(self, "kit", None) is not None)
        if not self.clock.add_year(year):
            return
        for entry in self.kit.deadlines.values():
            if entry.status is not DeadlineStatus.pending or not entry.deadline.provisional:
                continue
            old, new = entry.deadline, self.clock.compute(entry.rule, entry.start, **entry.options)
            entry.deadline = new
            await self._record_deadline(entry)
            for task in self.kit.tasks.values():
                if task.deadline_key == entry.key and task.is_open:
                    task.due_on = new.due
                    await self._record_task(task)
            await self.event(
                "deadline_recomputed",
                f"官方{year.year}年节假日安排已发布，期限{entry.rule}由{old.due}重新计算为{new.due}",
                f"Official {year.year} calendar published: deadline {entry.rule} recomputed from {old.due} to {new.due}",
                citation=new.basis,
            )
        self.kit.epoch += 1

    # ---- tasks ---------------------------------------------------------------------------
    async def open_task(
        self,
        kind: str,
        zh: str,
        en: str,
        actions: Sequence[StaffAction],
        *,
        deadline_key: str | None = None,
        role: str = "mediator",
        team_code: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> OpenTask:
        """Create a task, assign it by team and load, and watch its SLA in the background."""
        entry = self.kit.deadlines.get(deadline_key) if deadline_key else None
        task = OpenTask(
            task_id=self.next_key(f"task-{kind}"),
            kind=kind,
            title_zh=zh,
            title_en=en,
            role=role,
            actions=tuple(entry.name for entry in actions),
            team_code=team_code or self.kit.team_code,
            due_on=entry.deadline.due if entry else None,
            deadline_key=deadline_key,
            deadline_rule=entry.rule if entry else None,
            data=data or {},
        )
        task.assignee = await self._assign(task, exclude=())
        self.kit.tasks[task.task_id] = task
        await self._record_task(task)
        if task.due_on is not None:
            self.kit.watchers.append(asyncio.ensure_future(self._watch_sla(task)))
        return task

    async def settle(self) -> None:
        """Before completing: stop SLA watchers (none may leave an activity behind), stop tracking
        deadlines nobody reported on, and let update and signal handlers finish."""
        for entry in self.kit.deadlines.values():
            if entry.status is DeadlineStatus.pending:
                await self.close_deadline(entry.key, DeadlineStatus.cancelled)
        for watcher in self.kit.watchers:
            watcher.cancel()
        if self.kit.watchers:
            await asyncio.gather(*self.kit.watchers, return_exceptions=True)
        await workflow.wait_condition(workflow.all_handlers_finished)

    async def close_task(self, task: OpenTask, outcome: str, actor: Actor | None = None, status: TaskStatus = TaskStatus.done) -> None:
        if not task.is_open:
            return
        task.status, task.outcome = status, outcome
        task.completed_by = actor.username if actor else None
        await self._record_task(task)

    async def cancel_open_tasks(self, reason: str) -> None:
        for task in list(self.kit.tasks.values()):
            await self.close_task(task, reason, status=TaskStatus.cancelled)

    async def _assign(self, task: OpenTask, exclude: tuple[str, ...]) -> str | None:
        request = AssignmentRequest(role=task.role, team_code=task.team_code, region=self.kit.region, exclude=exclude)
        result: str | None = await workflow.execute_activity("assign-task", request, result_type=str | None, **options.ASSIGN)  # type: ignore[arg-type]
        return result

    async def _record_task(self, task: OpenTask) -> None:
        await workflow.execute_activity(
            "record-task", task.record(self.kit.subject, self.kit.workflow_id, self.kit.region), **options.PROJECTION
        )

    async def _watch_sla(self, task: OpenTask) -> None:
        """Remind at 3 days and 1 day before due; when overdue, escalate and reassign (once)."""
        for label, day in reminder_days(task.due_on) if task.due_on else []:
            if await self._task_settles_before(task, self.clock.until_time(day, OFFICE_OPENS)):
                return
            if day >= self.clock.today():
                task.reminders_sent.append(label)
                await self._record_task(task)
                await self.notify(
                    "task_reminder",
                    "staff",
                    recipient=task.assignee,
                    params={"task": task.title_zh, "task_en": task.title_en, "due": str(task.due_on), "when": label},
                )
        overdue = task.due_on + timedelta(days=1) if task.due_on else None
        if overdue is None or await self._task_settles_before(task, self.clock.until_time(overdue, OFFICE_OPENS)):
            return
        previous = task.assignee
        task.escalated = True
        task.assignee = await self._assign(task, exclude=(previous,) if previous else ())
        await self._record_task(task)
        await self.notify(
            "task_escalated",
            "supervisor",
            params={
                "task": task.title_zh,
                "task_en": task.title_en,
                "due": str(task.due_on),
                "previous": previous or "-",
                "assignee": task.assignee or "-",
            },
        )
        await self.event(
            "task_escalated",
            f"任务“{task.title_zh}”逾期未办，已上报主管并改派给{task.assignee or '待分配'}",
            f"Task '{task.title_en}' overdue: escalated to the supervisor and reassigned to {task.assignee or 'nobody yet'}",
            data={"task_id": task.task_id, "previous": previous, "assignee": task.assignee},
        )

    async def _task_settles_before(self, task: OpenTask, delay: Any) -> bool:
        if delay.total_seconds() > 0:
            with contextlib.suppress(TimeoutError):
                await workflow.wait_condition(lambda: not task.is_open, timeout=delay)
        return not task.is_open

    # ---- actions -------------------------------------------------------------------------
    def _check_action(self, request: TaskAction, *, business_rules: bool = True) -> tuple[ActionSpec, OpenTask, BaseModel]:
        """Everything the validator checks. The handler repeats only the time-independent part:
        on replay a handler runs without its validator, and clock-based rules must not be re-judged."""
        task = self.kit.tasks.get(request.task_id)
        if task is None or not task.is_open:
            raise ApplicationError(
                f"任务不存在或已办结 / task {request.task_id} is not open (already done or cancelled)", non_retryable=True
            )
        spec = self.ACTIONS.get(request.action)
        if spec is None or request.action not in task.actions:
            raise ApplicationError(
                f"此任务不能执行“{request.action}” / action '{request.action}' is not available here; available: {', '.join(task.actions)}",
                non_retryable=True,
            )
        if request.actor.kind != "staff" or (request.actor.role not in spec.roles and request.actor.role != "admin"):
            raise ApplicationError(
                f"您的角色不能执行此操作 / role '{request.actor.role}' may not do '{request.action}'", non_retryable=True
            )
        try:
            payload = spec.payload.model_validate(request.payload)
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'payload'}: {e['msg']}" for e in exc.errors())
            raise ApplicationError(f"填写有误 / invalid input: {problems}", non_retryable=True) from None
        problem = self.guard(task, request.action, payload) if business_rules else None
        if problem:
            raise ApplicationError(problem, non_retryable=True)
        return spec, task, payload

    def guard(self, task: OpenTask, action_name: str, payload: object) -> str | None:
        """Business checks of an action before it is accepted (subclasses refine); None means fine.
        Here: no fact may be dated after today (the payload models mark which dates are facts)."""
        return future_fact_problem(payload, self.clock.today())

    @workflow.update(name="act")
    async def act(self, request: TaskAction) -> ActionResult:
        """A staff member acts on one of this workflow's tasks."""
        spec, task, payload = self._check_action(request, business_rules=False)
        if spec.closes:
            task.status = TaskStatus.done  # claimed before any await: a concurrent repeat is refused
        result = await spec.handler(self, task, payload, request.actor)
        if spec.closes:
            task.outcome, task.completed_by = request.action, request.actor.username
            await self._record_task(task)
        return result

    @act.validator
    def _validate_act(self, request: TaskAction) -> None:
        self._check_action(request)

    # ---- live state ----------------------------------------------------------------------
    @workflow.query(name="view")
    def view(self) -> WorkflowView:
        """Live state of this workflow: status, deadlines with explanations, open tasks."""
        return WorkflowView(
            workflow_id=self.kit.workflow_id,
            workflow_type=workflow.info().workflow_type,
            status=self.status,
            deadlines=tuple(DeadlineView(key=e.key, status=e.status, deadline=e.deadline) for e in self.kit.deadlines.values()),
            tasks=tuple(
                TaskView(
                    task_id=t.task_id,
                    kind=t.kind,
                    title_zh=t.title_zh,
                    title_en=t.title_en,
                    actions=t.actions,
                    due_on=t.due_on,
                    assignee=t.assignee,
                    status=t.status,
                )
                for t in self.kit.tasks.values()
            ),
        )

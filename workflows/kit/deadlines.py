"""Deadlines: computed by the pure rules of `domain/`, recorded with their explanation, waited on as
durable timers that end when the due day has fully passed, moved by agreement, and recomputed when
an official calendar year arrives (the `calendar-updated` signal)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from temporalio import workflow

from workflows.kit import options
from workflows.kit.core import DeadlineEntry, WorkflowKit

with workflow.unsafe.imports_passed_through():

    from domain.calendar import CalendarYear
    from domain.deadlines import Deadline
    from domain.records import (
        DeadlineRecord,
        DeadlineStatus,
    )




class DeadlineKeeping(WorkflowKit):
    """Deadlines of a statutory workflow."""

    async def set_deadline(self, key: str, rule: str, start: date, **rule_options: Any) -> Deadline:
        """Compute a deadline with the pure rules, keep it, and record it with its explanation."""
        deadline = self.clock.compute(rule, start, **rule_options)
        self.kit.deadlines[key] = DeadlineEntry(key, rule, start, rule_options, deadline)
        await self._record_deadline(self.kit.deadlines[key])
        return deadline

    async def set_agreed_deadline(
        self, key: str, start: date, due: date, zh: str, en: str, *,
        basis: str = "当事人约定 / agreed by the parties", title: tuple[str, str] = ("约定期限", "agreed date"), rule: str = "agreed",
    ) -> Deadline:
        """A date the parties agreed (performance of an agreement): tracked like a deadline. Also a
        period outside the rule table (D01-D72) computed by a pure rule of `domain/`, with its basis."""
        shape = self.clock.compute("D03", start)  # any calendar-day rule gives the shape
        deadline = shape.model_copy(
            update={
                "rule": rule,
                "title_zh": title[0],
                "title_en": title[1],
                "due": due,
                "length": (due - start).days,
                "basis": basis,
                "basis_text": "",
                "provisional": False,
                "confidence": "H",
                "skipped": (),
                "makeup_workdays": (),
                "explanation_zh": zh.format(due=due),
                "explanation_en": en.format(due=due),
            }
        )
        self.kit.deadlines[key] = DeadlineEntry(key, rule, start, {}, deadline)
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
        for task in list(self.kit.tasks.values()):
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
        await options.run_quick("record-deadline", record, options.PROJECTION)

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
        # Snapshots: the activities below yield, and the workflow's other coroutines may open a
        # deadline or a task meanwhile (a dict changing size under the loop fails the workflow task).
        for entry in list(self.kit.deadlines.values()):
            if entry.status is not DeadlineStatus.pending or not entry.deadline.provisional:
                continue
            old, new = entry.deadline, self.clock.compute(entry.rule, entry.start, **entry.options)
            entry.deadline = new
            await self._record_deadline(entry)
            for task in list(self.kit.tasks.values()):
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

"""State and side effects of a supervision matter: its clock, the rungs it entered, issuing a notice
(numbered and rendered), the reply clock, telling linked cases, the projections, closing.
Staff actions are in `supervision_actions` and `supervision_replies`, the steps in
`supervision_ladder`, issuing notices in `supervision_notices`; `supervision` composes them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from temporalio import workflow
from temporalio.exceptions import FailureError

from workflows.kit import options
from workflows.kit.base import StatutoryWorkflow
from workflows.kit.clock import Clock

with workflow.unsafe.imports_passed_through():
    from domain import supervision as sv
    from domain.calendar import CalendarYear
    from domain.catalogue import StaffAction
    from domain.deadlines import Deadline
    from domain.ids import case_workflow_id
    from domain.organisations import TASK_HOLDERS
    from domain.records import DeadlineStatus, TaskStatus, matter_subject
    from domain.supervision import MatterPhase
    from domain.supervision_rules import LEVEL, LadderState, supervision_deadline
    from domain.workflow_models import Milestone



class SupervisionClock(Clock):
    """The matter's clock: D49 falls back to the default profile when the home one has none."""

    def __init__(self, jurisdiction: str, years: Sequence[CalendarYear], shift: int, default: str) -> None:
        super().__init__(jurisdiction, years, shift)
        self.default_profile = default

    def compute(self, rule: str, start: date, **rule_options: Any) -> Deadline:
        return supervision_deadline(
            rule, start, home=self.jurisdiction, calendar=self.calendar, default_profile=self.default_profile, **rule_options
        )


class SupervisionCase(StatutoryWorkflow):
    """The matter's state and plumbing."""

    inp: sv.SupervisionInput

    def __init__(self) -> None:
        self.phase = MatterPhase.decide
        self.rungs: list[sv.RungRecord] = []
        self.investigation: sv.InvestigationRecord | None = None
        self.draft: sv.Draft | None = None
        self.signatory: sv.Signatory | None = None
        self.closing: tuple[sv.MatterOutcome, str, str] | None = None
        self.outcome: sv.MatterOutcome | None = None
        self.reply: tuple[sv.ReplyRecord, str] | None = None
        self.decision: sv.ReplyDecision | None = None
        self.escalation: sv.GovernmentEscalation | None = None
        self.response: sv.AgencyResponse | None = None
        self.issued_seq = 0
        self.served = False
        self.withdrawn = False
        self.children = 0
        self.untold: set[str] = set()  # linked cases whose workflow has ended: not signalled again

    def start(self, inp: sv.SupervisionInput) -> None:
        self.inp, self.signatory = inp, inp.signatory
        clock = SupervisionClock(inp.jurisdiction, inp.calendar_years, inp.shift_days, inp.reply_default_profile)
        self.setup(matter_subject(inp.matter_no), clock, inp.region, inp.team_code, inp.teams)
        progress = inp.progress
        if progress is not None:
            self.phase, self.kit.seq = progress.phase, progress.seq
            self.rungs = list(progress.rungs)
            self.investigation, self.draft = progress.investigation, progress.draft
            self.children, self.escalation = progress.children, progress.escalation
            self.issued_seq, self.signatory = len(self.rungs), progress.signatory or inp.signatory
            if progress.reply is not None:
                self.reply = (progress.reply, progress.reply_source or "staff")

    def progress(self) -> sv.MatterProgress:
        """State at a phase boundary (no task open), carried across continue-as-new."""
        reply, source = self.reply if self.reply else (None, None)
        return sv.MatterProgress(
            phase=self.phase,
            seq=self.kit.seq,
            rungs=tuple(self.rungs),
            draft=self.draft,
            investigation=self.investigation,
            children=self.children,
            reply=reply,
            reply_source=source,
            escalation=self.escalation,
            signatory=self.signatory,
        )

    @property
    def current(self) -> sv.RungRecord:
        return self.rungs[-1]

    def ladder(self) -> LadderState:
        entered = [r.rung for r in self.rungs]
        entered += [sv.Rung.investigation] if self.investigation else []
        return LadderState(
            investigated=self.investigation is not None,
            highest=max(entered, key=lambda r: LEVEL[r]) if entered else None,
            opinion_served=any(r.rung is sv.Rung.opinion_notice and r.served_on for r in self.rungs),
            notice_served=any(r.rung in sv.NOTICE_RUNGS and r.served_on for r in self.rungs),
        )

    async def update_current(self, **changes: Any) -> sv.RungRecord:
        self.rungs[-1] = self.current.model_copy(update=changes)
        await self.record_rung(self.current)
        return self.current

    async def record_rung(self, record: sv.RungRecord) -> None:
        projection = sv.RungProjection(matter_no=self.inp.matter_no, team_code=self.inp.team_code, region=self.inp.region, record=record)
        await options.run_quick("record-supervision-rung", projection, options.PROJECTION)

    async def record_status(self) -> None:
        pending = [(e.deadline.due, e.rule) for e in self.kit.deadlines.values() if e.status is DeadlineStatus.pending and e.deadline.due]
        due, rule = min(pending) if pending else (None, None)
        awaiting = self.phase == "await_reply"
        record = sv.MatterStatusRecord(
            matter_no=self.inp.matter_no,
            phase=self.phase,
            rung=self.ladder().highest,
            status="closed" if self.outcome else "open",
            outcome=self.outcome,
            next_deadline_on=due,
            next_deadline_rule=rule,
            awaiting_reply=awaiting,
            reply_due_on=self.current.reply_due_on if awaiting else None,
            closed_on=self.clock.today() if self.outcome else None,
        )
        await options.run_quick("record-matter-status", record, options.PROJECTION)

    async def tell_cases(self, kind: str, zh: str, en: str) -> None:
        """Tell each linked case (signal `supervision-update`); a closed case is only noted."""
        for case_no in (no for no in self.inp.case_nos if no not in self.untold):
            try:
                handle = workflow.get_external_workflow_handle(case_workflow_id(case_no))
                await handle.signal("supervision-update", Milestone(kind=kind, zh=zh, en=en))
            except FailureError as exc:
                self.untold.add(case_no)
                await self.event(
                    "case_not_told",
                    f"未能通知案件{case_no}（案件流程已结束或不存在）",
                    f"Case {case_no} could not be told (its workflow has ended or does not exist)",
                    data={"case_no": case_no, "error": str(exc)[:200]},
                )

    async def wait_task(
        self,
        kind: str,
        zh: str,
        en: str,
        actions: tuple[StaffAction, ...],
        done: Callable[[], bool],
        deadline_key: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> bool:
        """Open a union task (or, for a kind another agency holds, that agency's: the procuratorate records
        what it does with a lead); wait until `done()`, the matter closes or the deadline passes."""
        role = None if kind in TASK_HOLDERS else "union_legal"
        task = await self.open_task(kind, zh, en, actions, deadline_key=deadline_key, role=role, data=data)

        def finished() -> bool:
            return done() or self.closing is not None

        if deadline_key:
            met = await self.until(deadline_key, finished)
        else:
            await workflow.wait_condition(finished)
            met = True
        await self.close_task(task, "moved_on", status=TaskStatus.cancelled)
        return met

    async def finish(self) -> sv.SupervisionResult:
        assert self.closing is not None
        outcome, zh, en = self.closing
        await self.cancel_open_tasks(outcome.value)
        for key, entry in list(self.kit.deadlines.items()):
            if entry.status is DeadlineStatus.pending:
                await self.close_deadline(key, DeadlineStatus.cancelled)
        self.outcome, self.phase = outcome, MatterPhase.closed
        await self.event("matter_closed", f"监督事项办结：{zh}", f"Supervision matter closed: {en}")
        await self.record_status()
        await self.tell_cases("supervision_closed", f"工会劳动法律监督事项已办结：{zh}", f"The union's supervision matter was closed: {en}")
        await self.settle()
        return sv.SupervisionResult(
            matter_no=self.inp.matter_no, outcome=outcome, closed_on=self.clock.today(), highest_rung=self.ladder().highest
        )

    def matter_view(self) -> sv.MatterView:
        awaiting = self.phase == "await_reply" and bool(self.rungs)
        return sv.MatterView(
            matter_no=self.inp.matter_no,
            phase=self.phase,
            status="closed" if self.outcome else "open",
            highest_rung=self.ladder().highest,
            draft=self.draft,
            investigation=self.investigation,
            rungs=tuple(self.rungs),
            outcome=self.outcome,
            awaiting_document_id=self.current.document_id if awaiting else None,
            reply_due_on=self.current.reply_due_on if awaiting else None,
        )

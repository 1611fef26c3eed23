"""The case workflow's own state and side effects: stage changes with guidance for the worker,
children, legal aid alongside, closing. What follows what is in the
step modules (`dispute_opening`, `dispute_lower`, `dispute_court`), the worker's own actions in
`dispute_worker`; `dispute` ties them together."""

from __future__ import annotations

import asyncio
from datetime import date
from types import MappingProxyType
from typing import Any

from temporalio import workflow
from temporalio.workflow import ParentClosePolicy

from workflows.kit import options as activity_options
from workflows.kit.base import StatutoryWorkflow
from workflows.kit.search import stage_search_attributes

with workflow.unsafe.imports_passed_through():
    from domain import paperwork
    from domain.actions import WorkerActionKind
    from domain.case import CaseFacts, Channel, Stage
    from domain.catalogue import open_worker_actions
    from domain.ids import channel_workflow_id
    from domain.organisations import holding_agency
    from domain.records import CaseStatusRecord
    from domain.routing import Plan
    from domain.workflow_models import (
        Carry,
        CaseContext,
        DisputeInput,
        DisputeProgress,
        DisputeResult,
        DisputeStep,
        LegalAidInput,
        LegalAidResult,
        MediationHistory,
        WorkerOption,
    )

PROCEEDING_ZH = MappingProxyType({
    Stage.mediation: "劳动争议调解",
    Stage.arbitration: "劳动争议仲裁",
    Stage.litigation: "劳动争议诉讼",
    Stage.enforcement: "强制执行",
})


class DisputeCase(StatutoryWorkflow):
    """State and plumbing of the case workflow."""

    inp: DisputeInput
    facts: CaseFacts
    ctx: CaseContext

    def __init__(self) -> None:
        self.stage = Stage.intake
        self.channel: Channel | None = None
        self.options: list[WorkerOption] = []
        self.guidance: tuple[str, str] = ("", "")
        self.carry = Carry()
        self.choice: tuple[str, Any] | None = None
        self.withdrawn = False
        self.closing: DisputeResult | None = None
        self.child_ids: list[str] = []
        self.watchers: list[asyncio.Future[None]] = []  # children running alongside, watched to their end
        self.child_seq: dict[str, int] = {}
        self.current_child: str | None = None
        self.legal_aid_id: str | None = None
        self.legal_aid_running = False
        self.plan: Plan | None = None
        self.mediation: MediationHistory | None = None
        self.limitation_warning = False
        self.holder: tuple[Any, str | None, date | None] = (None, None, None)
        self.handed: tuple[Any, str | None] | None = None  # handed within the stage (the court's invited mediators)

    def resume(self, progress: DisputeProgress) -> DisputeStep:
        self.stage, self.channel, self.carry = progress.stage, progress.channel, progress.carry
        self.kit.seq, self.child_seq, self.legal_aid_id = progress.seq, dict(progress.children), progress.legal_aid_id
        self.mediation = progress.mediation
        self.legal_aid_running = progress.legal_aid_id is not None  # a finished one is noticed on first signal
        return progress.step

    def progress(self, step: DisputeStep) -> DisputeProgress:
        return DisputeProgress(
            stage=self.stage,
            channel=self.channel,
            step=step,
            seq=self.kit.seq,
            carry=self.carry,
            children=self.child_seq,
            legal_aid_id=self.legal_aid_id,
            mediation=self.mediation,
        )

    # ---- where the case stands, and what the worker may do -------------------------------------
    async def enter(
        self, stage: Stage, channel: Channel | None, zh: str = "", en: str = "", options: tuple[WorkerOption, ...] = ()
    ) -> None:
        """Move to a stage; record it, index it, and tell the worker what they may do now."""
        self.stage, self.channel, self.handed = stage, channel, None
        if self.inp.search_attributes:
            workflow.upsert_search_attributes(stage_search_attributes(stage.value, channel.value if channel else ""))
        await self.advise(zh, en, options, notify=bool(zh))

    async def advise(self, zh: str, en: str, options: tuple[WorkerOption, ...], *, notify: bool = True) -> None:
        self.guidance, self.options = (zh, en), list(options)
        await self.record_status()
        if notify and zh:
            await self.notify(
                "case_update",
                "worker",
                params={
                    "stage": self.stage.value,
                    "guidance_zh": zh,
                    "guidance_en": en,
                    "options": [o.model_dump(mode="json") for o in options],
                },
            )
        await self.tell_legal_aid()

    async def record_status(self) -> None:
        pending = [(e.deadline.due, e.rule) for e in self.kit.deadlines.values() if e.status.value == "pending" and e.deadline.due]
        next_due = min(pending) if pending else (None, None)
        closed_on = self.closing.closed_on if self.closing else None
        record = CaseStatusRecord(
            case_no=self.facts.case_no,
            stage=self.stage.value,
            channel=self.channel.value if self.channel else None,
            team_code=self.kit.team_code,
            limitation_warning=self.limitation_warning,
            next_deadline_on=next_due[0],
            next_deadline_rule=next_due[1],
            closed_on=closed_on,
            closing_state=self.stage.value if self.stage.is_closed else None,
            guidance_zh=self.guidance[0],
            guidance_en=self.guidance[1],
            worker_options=tuple(o.model_dump(mode="json") for o in self.open_actions()),
            **self._holder(),
        )
        await activity_options.run_quick("record-case-status", record, activity_options.PROJECTION)

    def current_holder(self) -> tuple[Any, str | None]:
        """The agency holding the case (its stage's, in the case's region, unless handed on) and its team."""
        agency = holding_agency(self.stage, self.channel)
        return self.handed or (agency, (self.inp.teams.get(agency) or self.kit.team_code) if agency else None)

    def _holder(self) -> dict[str, Any]:
        agency, team = self.current_holder()
        if (agency, team) != self.holder[:2]:
            self.holder = (agency, team, self.clock.today())
        name = self.inp.team_names.get(team or "", "") if agency else ""
        return {"holder_team": team, "holder_name": name, "holder_since": self.holder[2] if agency else None}

    def open_actions(self) -> tuple[WorkerOption, ...]:
        """What the worker may do now, decided by the one rule the pages read back (domain.catalogue)."""
        return open_worker_actions(self.stage, self.options, legal_aid_applied=self.legal_aid_id is not None)

    async def tell_legal_aid(self) -> None:
        """Keep a running legal-aid application informed of the worker's nearest deadline (D58)."""
        if self.legal_aid_id is None or not self.legal_aid_running:
            return
        days = [option.last_day for option in self.options if option.last_day is not None]
        try:
            await workflow.get_external_workflow_handle(self.legal_aid_id).signal("worker-deadline", min(days) if days else None)
        except Exception:  # it finished meanwhile (recorded in history, so replay takes the same branch)
            self.legal_aid_running = False

    # ---- children ----------------------------------------------------------------------------
    async def child(self, name: str, arg: Any, result_type: type, *, alongside: bool = False, current: bool = True) -> Any:
        """Start a channel as a child workflow; await its result unless it runs alongside (then its
        id is returned and `alongside_finished` runs when it ends). A child that is not `current`
        (a referral) is not the one the worker's signals go to."""
        self.child_seq[name] = self.child_seq.get(name, 0) + 1
        child_id = channel_workflow_id(self.facts.case_no, name, self.child_seq[name])
        self.child_ids.append(child_id)
        handle = await workflow.start_child_workflow(
            name, arg, id=child_id, result_type=result_type, parent_close_policy=ParentClosePolicy.ABANDON
        )
        if alongside:
            self.watchers.append(asyncio.ensure_future(self._watch_alongside(name, handle)))
            return child_id
        if not current:
            return await handle
        self.current_child = child_id
        try:
            return await handle
        finally:
            self.current_child = None

    async def _watch_alongside(self, name: str, handle: Any) -> None:
        try:
            await handle
        except Exception as exc:
            await self.event(f"{name}_failed", f"{name} 未正常结束", f"{name} ended abnormally: {type(exc).__name__}")
        if name == "legal-aid":
            self.legal_aid_running = False

    async def signal_current(self, name: str, arg: Any) -> None:
        """Tell the channel running now; if it finished meanwhile, its result already decides."""
        if self.current_child is not None:
            try:
                await workflow.get_external_workflow_handle(self.current_child).signal(name, arg)
            except Exception:
                workflow.logger.info("channel %s finished before signal %s", self.current_child, name)

    async def start_legal_aid(self) -> None:
        exempt = self.plan.legal_aid_without_means_test if self.plan else False
        self.legal_aid_running = True
        self.legal_aid_id = await self.child(
            "legal-aid",
            LegalAidInput(ctx=self.ctx, applied_on=self.clock.today(), without_means_test=exempt, proceeding_zh=self.proceeding_zh()),
            LegalAidResult,
            alongside=True,
        )
        await self.tell_legal_aid()

    def organisation(self, channel: Channel | None) -> str:
        """The name printed on documents for the body handling `channel` now."""
        names, teams = self.inp.team_names, self.inp.teams
        if channel is Channel.union_mediation:
            return names.get(teams.get(channel.value) or self.inp.team_code or "", "工会劳动争议调解组织")
        if channel is Channel.peoples_mediation:
            return names.get(teams.get(channel.value, ""), "人民调解委员会")
        if channel is Channel.enterprise_committee:
            return f"{self.facts.employer_name}劳动争议调解委员会"
        kinds = {Channel.arbitration: "arbitration_commission", Channel.inspection: "inspection", None: "arbitration_commission"}
        kind = kinds.get(channel, "basic_court")
        return str(paperwork.agency(self.facts.region, kind)["name"])

    def proceeding_zh(self) -> str:
        """The proceeding under way, as documents name it."""
        return PROCEEDING_ZH.get(self.stage, "劳动争议调解、仲裁")

    async def close(self, stage: Stage, zh: str, en: str) -> None:
        today = self.clock.today()
        self.closing = DisputeResult(case_no=self.facts.case_no, stage=stage, closed_on=today, summary_zh=zh, summary_en=en)
        await self.cancel_open_tasks(stage.value)
        await self.event("case_closed", f"结案：{zh}", f"Case closed: {en}")
        await self.enter(stage, self.channel, zh, en, ())

    def withdrawn_or(self, step: DisputeStep | None) -> DisputeStep | None:
        """The next step, unless the worker withdrew meanwhile."""
        return DisputeStep.withdrawn if self.withdrawn else step

    finish = close
    def take_option(self, action: WorkerActionKind) -> None:
        """An option once taken is gone at once (before any await): a double click cannot count twice."""
        self.options = [o for o in self.options if o.action != action.value]

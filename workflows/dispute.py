"""The case: one durable workflow per labour dispute, from intake to closure.

It checks scope (LDMAL Art. 2) and limitation (Art. 27, a warning only), triages, and runs the
channels one after another as child workflows, lowest level first; legal aid and other help run
alongside. The worker acts through the `worker-act` Update; children report milestones back.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from types import MappingProxyType
from typing import Any

from temporalio import workflow
from temporalio.common import VersioningBehavior
from temporalio.exceptions import ApplicationError

from workflows import dispute_court, dispute_lower, dispute_referrals, dispute_worker
from workflows.dispute_case import DisputeCase
from workflows.dispute_opening import open_case
from workflows.kit.clock import Clock

with workflow.unsafe.imports_passed_through():
    from pydantic import ValidationError

    from domain.actions import ActionResult, AttachedFile, WorkerAction, WorkerActionKind
    from domain.agents import BASIS as AGENT_BASIS
    from domain.catalogue import WORKER_PAYLOADS
    from domain.fact_dates import future_fact_problem
    from domain.records import case_subject
    from domain.referrals import ReferralRequest
    from domain.workflow_models import CaseContext, CaseView, DisputeInput, DisputeResult, DisputeStep, HandOver, Milestone

Step = Callable[[DisputeCase], Awaitable[DisputeStep | None]]
WorkerHandler = Callable[[DisputeCase, Any], Awaitable[ActionResult]]

# What follows what: every step by its name. A step without a function fails here, at import (and in
# the unit tests), never in the middle of a case.
STEPS: Mapping[DisputeStep, Step] = MappingProxyType({
    DisputeStep.mediation: dispute_lower.mediation,
    DisputeStep.agreement: dispute_lower.agreement,
    DisputeStep.payment_order: dispute_lower.payment_order,
    DisputeStep.choose_arbitration: dispute_lower.choose_arbitration,
    DisputeStep.inspection: dispute_lower.inspection,
    DisputeStep.work_injury: dispute_lower.work_injury,
    DisputeStep.withdrawn: dispute_lower.withdrawn,
    DisputeStep.arbitration: dispute_court.arbitration,
    DisputeStep.post_award: dispute_court.post_award,
    DisputeStep.choose_suit: dispute_court.choose_suit,
    DisputeStep.litigation: dispute_court.litigation,
    DisputeStep.enforcement: dispute_court.enforcement,
})
WORKER_HANDLERS: Mapping[WorkerActionKind, WorkerHandler] = MappingProxyType({
    WorkerActionKind.refuse_mediation: dispute_worker.refuse_mediation,
    WorkerActionKind.choose_arbitration: dispute_worker.choose_arbitration,
    WorkerActionKind.sue: dispute_worker.sue,
    WorkerActionKind.apply_legal_aid: dispute_worker.apply_legal_aid,
    WorkerActionKind.add_evidence: dispute_worker.add_evidence,
    WorkerActionKind.withdraw: dispute_worker.withdraw,
    WorkerActionKind.apply_enforcement: dispute_worker.apply_enforcement,
})
if missing := set(DisputeStep) - STEPS.keys():
    raise TypeError(f"dispute steps without a function: {sorted(missing)}")


@workflow.defn(name="dispute", versioning_behavior=VersioningBehavior.AUTO_UPGRADE)
class DisputeWorkflow(DisputeCase):
    """A labour dispute case from intake to its closing state."""

    @workflow.run
    async def run(self, inp: DisputeInput) -> DisputeResult:
        facts = inp.facts
        self.inp, self.facts = inp, facts
        self.setup(
            case_subject(facts.case_no),
            Clock(facts.jurisdiction, inp.calendar_years, inp.shift_days, inp.shift_seconds),
            facts.region,
            inp.team_code,
        )
        self.ctx = CaseContext(
            case_no=facts.case_no,
            region=facts.region,
            jurisdiction=facts.jurisdiction,
            team_code=inp.team_code,
            calendar_years=inp.calendar_years,
            shift_days=inp.shift_days,
            shift_seconds=inp.shift_seconds,
            team_names=inp.team_names,
            teams=inp.teams,
        )
        step: DisputeStep | None = self.resume(inp.progress) if inp.progress else await open_case(self)
        while step is not None:
            step = await STEPS[step](self)
            if step is not None and workflow.info().is_continue_as_new_suggested():
                await self.settle()
                workflow.continue_as_new(inp.model_copy(update={"progress": self.progress(step)}))
        await self.settle()
        assert self.closing is not None
        return self.closing

    # ---- the worker's own actions -------------------------------------------------------------
    def _check_worker(self, request: WorkerAction, *, business_rules: bool = True) -> object:
        if self.stage.is_closed:
            raise ApplicationError("案件已结案 / the case is closed", non_retryable=True)
        allowed = sorted(option.action for option in self.open_actions())
        if request.action.value not in allowed:
            raise ApplicationError(
                f"现在不能“{request.action.value}” / '{request.action.value}' is not open now; open: {', '.join(allowed)}",
                non_retryable=True,
            )
        model = WORKER_PAYLOADS.get(request.action)
        if model is None:
            return None
        try:
            payload = model.model_validate(request.payload)
        except ValidationError as exc:
            raise ApplicationError(f"填写有误 / invalid input: {exc.errors()[0]['msg']}", non_retryable=True) from None
        problem = future_fact_problem(payload, self.clock.today()) if business_rules else None
        if problem:
            raise ApplicationError(problem, non_retryable=True)
        return payload

    @workflow.update(name="worker-act")
    async def worker_act(self, request: WorkerAction) -> ActionResult:
        """The worker acts on their case: choose arbitration, sue, apply for legal aid, add evidence, withdraw."""
        payload = self._check_worker(request, business_rules=False)
        if request.acted_by and workflow.patched("agent-acts"):
            await self.event("agent_acted", f"{request.acted_by}代劳动者办理：{request.action.value}",
                             f"{request.acted_by} acted for the worker: {request.action.value}", citation=AGENT_BASIS)
        return await WORKER_HANDLERS[request.action](self, payload)

    @worker_act.validator
    def _validate_worker_act(self, request: WorkerAction) -> None:
        self._check_worker(request)

    @workflow.update(name="attach-document")
    async def attach_document(self, request: AttachedFile) -> ActionResult:
        """An agency (its staff or its own system) adds a file to the case: it joins the timeline."""
        await self.event("document_attached", f"{request.actor.label}提交文件", f"{request.actor.label} attached a file",
                         actor=request.actor, data={"evidence_id": request.evidence_id, "task_id": request.task_id})
        return ActionResult(message_zh="文件已附卷", message_en="File attached to the case")

    @attach_document.validator
    def _validate_attach_document(self, request: AttachedFile) -> None:
        if self.stage.is_closed:
            raise ApplicationError("案件已结案 / the case is closed", non_retryable=True)
        if request.actor.kind != "staff":
            raise ApplicationError("只有办案机构可以附卷 / only an agency may attach files here", non_retryable=True)

    @workflow.signal(name="milestone")
    async def milestone(self, news: Milestone) -> None:
        """A child reports something the worker must hear, and what they may now do."""
        keep = [option for option in self.options if option.action not in {o.action for o in news.options}]
        await self.advise(news.zh, news.en, tuple(keep) + news.options)

    @workflow.signal(name="refer")
    async def refer(self, request: ReferralRequest) -> None:
        """A channel refers something on while the case goes on (a suspected violation to labour inspection)."""
        if not self.stage.is_closed:
            self.watchers.append(asyncio.ensure_future(dispute_referrals.alongside(self, request)))

    @workflow.signal(name="hand-over")
    async def hand_over(self, news: HandOver) -> None:
        """A channel handed the case to another agency within its stage, or took it back."""
        await dispute_referrals.hand_over(self, news)

    @workflow.signal(name="supervision-update")
    async def supervision_update(self, news: Milestone) -> None:
        """Union supervision of this case's employer moved on (a notice issued, a reply, a referral)."""
        if not self.stage.is_closed:
            await self.event(f"supervision_{news.kind}", news.zh, news.en, citation="《工会法》第二十三条 / Trade Union Law Art. 23")

    @workflow.query(name="case")
    def case_view(self) -> CaseView:
        """Live state of the case for pages and the API."""
        return CaseView(
            case_no=self.facts.case_no,
            stage=self.stage,
            channel=self.channel,
            worker_options=self.open_actions(),
            guidance_zh=self.guidance[0],
            guidance_en=self.guidance[1],
            workflow=self.view(),
            children=tuple(self.child_ids),
        )

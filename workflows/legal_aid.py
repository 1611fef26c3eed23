"""Legal aid from the justice bureau (Legal Aid Law Art. 43-44, 49): a decision within 7 days
(D56), a lawyer within 3 days of granting (D57), and aid at once when any of the worker's deadlines
is less than 7 days away (D58). Migrant workers claiming pay skip the means test (Art. 42)."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import date, timedelta

from temporalio import workflow
from temporalio.common import VersioningBehavior

from workflows.kit import options
from workflows.kit.actions import action
from workflows.kit.base import StatutoryWorkflow
from workflows.kit.tasks import OpenTask

with workflow.unsafe.imports_passed_through():
    from domain import paperwork
    from domain.actions import ActionResult, Actor, LawyerAssignment, Ruling
    from domain.catalogue import LegalAid
    from domain.documents import DocumentType
    from domain.records import CaseAccessGrant, DeadlineStatus
    from domain.workflow_models import LegalAidInput, LegalAidResult

ADVANCE_AID_DAYS = 7  # Legal Aid Law Art. 44(1): fewer than 7 days before a limitation or deadline


@workflow.defn(name="legal-aid", versioning_behavior=VersioningBehavior.AUTO_UPGRADE)
class LegalAidWorkflow(StatutoryWorkflow):
    """One legal-aid application, with advance aid when the worker is close to a deadline."""

    def __init__(self) -> None:
        self.decision: Ruling | None = None
        self.lawyer: LawyerAssignment | None = None
        self.worker_deadline: date | None = None
        self.advance = False

    @workflow.run
    async def run(self, inp: LegalAidInput) -> LegalAidResult:
        ctx = inp.ctx
        self.setup_case(ctx)
        self.case_no = ctx.case_no
        self.status = "applied"
        decide = await self.set_deadline("decision", "D56", inp.applied_on)
        means = "（农民工追索劳动报酬，免予核查经济困难状况）" if inp.without_means_test else ""
        await self.document(
            DocumentType.legal_aid_application, paperwork.legal_aid_application(ctx.region, inp.proceeding_zh, inp.without_means_test)
        )
        await self.event(
            "legal_aid_applied",
            f"申请法律援助{means}，决定期限至{decide.due}",
            f"Legal aid applied for; decision due by {decide.due}",
            on=inp.applied_on,
            citation=decide.basis,
        )
        await self.open_task(
            "decide_legal_aid",
            "记录法律援助机构的决定",
            "Record the legal-aid body's decision",
            (LegalAid.record_decision,),
            deadline_key="decision",
        )
        advance_watch = asyncio.ensure_future(self._advance_aid_watch())
        await workflow.wait_condition(lambda: self.decision is not None)
        advance_watch.cancel()
        assert self.decision is not None
        if self.decision.granted:
            await self.set_deadline("assignment", "D57", self.decision.decided_on)
            await self.open_task(
                "assign_lawyer", "记录指派的律师", "Record the assigned lawyer", (LegalAid.record_lawyer,), deadline_key="assignment"
            )
            await workflow.wait_condition(lambda: self.lawyer is not None)
        await self.settle()
        self.status = "granted" if self.decision.granted else "refused"
        return LegalAidResult(
            granted=self.decision.granted,
            noted_on=self.clock.today(),
            lawyer=self.lawyer.lawyer if self.lawyer else None,
            advance=self.advance,
        )

    def _near(self) -> bool:
        return self.worker_deadline is not None and (self.worker_deadline - self.clock.today()).days < ADVANCE_AID_DAYS

    async def _advance_aid_watch(self) -> None:
        """Give advance aid as soon as a worker deadline is less than 7 days away (D58)."""
        while self.decision is None and not self.advance:
            if self._near():
                self.advance = True
                await self.event(
                    "advance_legal_aid",
                    f"距期限{self.worker_deadline}不足7日，先行提供法律援助，事后补充材料",
                    f"Less than 7 days to {self.worker_deadline}: legal aid given at once, formalities afterwards",
                    citation="《法律援助法》第四十四条 / Legal Aid Law Art. 44",
                )
                await self.notify("advance_legal_aid", "worker", params={"deadline": str(self.worker_deadline)})
                return
            wake = (
                None
                if self.worker_deadline is None
                else self.clock.until_start_of(self.worker_deadline - timedelta(days=ADVANCE_AID_DAYS - 1))
            )
            seen = self.worker_deadline
            with contextlib.suppress(TimeoutError):
                await workflow.wait_condition(lambda: self.worker_deadline != seen or self.decision is not None, timeout=wake)  # noqa: B023 (awaited in this iteration)

    @workflow.signal(name="worker-deadline")
    def worker_deadline_changed(self, due: date | None) -> None:
        """The case workflow reports the worker's nearest deadline (to sue, to arbitrate...)."""
        self.worker_deadline = due

    @action(LegalAid.record_decision)
    async def record_decision(self, task: OpenTask, ruling: Ruling, actor: Actor) -> ActionResult:
        await self.close_deadline("decision", DeadlineStatus.met)
        zh = "决定给予法律援助" if ruling.granted else f"决定不予法律援助：{ruling.reason}；可向司法行政部门提出异议"
        await self.event(
            "legal_aid_decision",
            zh,
            "Legal aid granted" if ruling.granted else "Legal aid refused; an objection may be made",
            actor=actor,
            on=ruling.decided_on,
            citation="《法律援助法》第四十三条、第四十九条 / Legal Aid Law Art. 43, 49",
        )
        self.decision = ruling
        return ActionResult(message_zh=zh, message_en="Decision recorded")

    @action(LegalAid.record_lawyer)
    async def record_lawyer(self, task: OpenTask, assignment: LawyerAssignment, actor: Actor) -> ActionResult:
        await self.close_deadline("assignment", DeadlineStatus.met)
        if assignment.lawyer_username:  # the assigned lawyer may read this case, and only through this grant
            grant = CaseAccessGrant(case_no=self.case_no, username=assignment.lawyer_username, reason="legal_aid_lawyer",
                                    granted_on=assignment.assigned_on)
            await workflow.execute_activity("grant-case-access", grant, **options.PROJECTION)
        await self.event(
            "lawyer_assigned",
            f"指派{assignment.firm}{assignment.lawyer}律师",
            f"Lawyer {assignment.lawyer} assigned",
            actor=actor,
            on=assignment.assigned_on,
        )
        self.lawyer = assignment
        return ActionResult(message_zh="已记录指派律师", message_en="Lawyer recorded")

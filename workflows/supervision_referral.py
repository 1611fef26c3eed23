"""The department's handling of a recommendation notice (建议书): it decides whether to open a case
within the jurisdiction's filing period (D52, a parameter), then investigates (D46: 60 working
days, Regulation on Labour Security Supervision Art. 17) and reports back (Zhejiang P18 Art. 24).
A child of the supervision matter; its tasks go to the union's legal staff, who record each step."""

from __future__ import annotations

from temporalio import workflow
from temporalio.common import VersioningBehavior

from workflows.kit.actions import action
from workflows.kit.base import StatutoryWorkflow
from workflows.kit.tasks import OpenTask
from workflows.supervision_case import SupervisionClock

with workflow.unsafe.imports_passed_through():
    from domain import supervision as sv
    from domain.actions import ActionResult, Actor, Ruling
    from domain.catalogue import SupervisionReferral
    from domain.records import DeadlineStatus, matter_subject


@workflow.defn(name="supervision-referral", versioning_behavior=VersioningBehavior.AUTO_UPGRADE)
class SupervisionReferralWorkflow(StatutoryWorkflow):
    """From the department's receipt of the recommendation notice to its result."""

    def __init__(self) -> None:
        self.filing: Ruling | None = None
        self.finding: sv.InspectionFinding | None = None

    @workflow.run
    async def run(self, inp: sv.ReferralInput) -> sv.ReferralResult:
        clock = SupervisionClock(inp.jurisdiction, inp.calendar_years, inp.shift_days, inp.jurisdiction)
        self.setup(matter_subject(inp.matter_no), clock, inp.region, inp.team_code)
        self.status = "awaiting_filing"
        filing = await self.set_deadline("filing", "D52", inp.served_on)
        if inp.printed_due and filing.due and filing.due < inp.printed_due:
            filing = await self.extend_deadline(
                "filing", inp.printed_due, "以建议书载明的日期{due}为准", "The date printed on the notice, {due}, applies"
            )
        await self.event(
            "referral_opened",
            f"{inp.department}收到建议书（{inp.notice_no}），应于{filing.due}前决定是否立案",
            f"{inp.department} received {inp.notice_no}: filing decision due by {filing.due}",
            on=inp.served_on,
            citation=filing.basis,
        )
        await self.open_task(
            "record_department_filing",
            "记录有关部门是否立案",
            "Record the filing decision",
            (SupervisionReferral.record_filing,),
            deadline_key="filing",
            role="union_legal",
        )
        if not await self.until("filing", lambda: self.filing is not None):
            await self.event(
                "filing_overdue",
                f"有关部门逾期（{filing.due}）未作立案决定，请跟进并要求书面说明",
                f"No filing decision by {filing.due}: follow up, ask for reasons",
                citation=filing.basis,
            )
            await workflow.wait_condition(lambda: self.filing is not None)
        assert self.filing is not None
        await self.close_deadline("filing", DeadlineStatus.met)
        if not self.filing.granted:
            return await self._finish(sv.ReferralOutcome.not_filed, self.filing.reason)
        await self.set_deadline("investigation", "D46", self.filing.decided_on)
        await self.open_task(
            "record_inspection_result",
            "记录劳动保障监察的调查处理结果",
            "Record the inspection's result",
            (SupervisionReferral.record_result,),
            deadline_key="investigation",
            role="union_legal",
        )
        await workflow.wait_condition(lambda: self.finding is not None)
        assert self.finding is not None
        outcome = sv.ReferralOutcome.not_rectified
        if self.finding.rectified:
            outcome = sv.ReferralOutcome.rectified
        return await self._finish(outcome, self.finding.remarks, self.finding.order)

    async def _finish(self, outcome: sv.ReferralOutcome, remarks: str, order: sv.OrderToPay | None = None) -> sv.ReferralResult:
        await self.close_deadline("investigation", DeadlineStatus.met)
        await self.cancel_open_tasks(outcome.value)
        await self.settle()
        self.status = outcome.value
        return sv.ReferralResult(outcome=outcome, noted_on=self.clock.today(), order=order, remarks=remarks)

    @action(SupervisionReferral.record_filing)
    async def record_filing(self, task: OpenTask, ruling: Ruling, actor: Actor) -> ActionResult:
        zh = "有关部门决定立案调查" if ruling.granted else f"有关部门决定不予立案：{ruling.reason}"
        await self.event(
            "department_filed" if ruling.granted else "department_declined",
            zh,
            "Department opened a case" if ruling.granted else "Department declined",
            actor=actor,
            on=ruling.decided_on,
        )
        self.filing = ruling
        return ActionResult(message_zh=zh, message_en="Recorded")

    @action(SupervisionReferral.record_result)
    async def record_result(self, task: OpenTask, finding: sv.InspectionFinding, actor: Actor) -> ActionResult:
        order = finding.order
        ordered = f"，责令于{order.due_on}前改正（{order.document_no}）" if order else ""
        zh = f"用人单位仍未改正{ordered}"
        if finding.rectified:
            zh = "经劳动保障监察处理，用人单位已改正"
        await self.event(
            "inspection_result",
            zh,
            "Rectified" if finding.rectified else "Not rectified",
            actor=actor,
            on=finding.decided_on,
            citation="《劳动保障监察条例》第十八条 / Regulation Art. 18",
        )
        self.finding = finding
        return ActionResult(message_zh=zh, message_en="Recorded")

"""Litigation in the people's court (CPL Art. 126-183): filing in 7 days (D34), first instance in 6
months under the ordinary procedure (D36), appeal within 15 days of service (D37), second instance
in 3 months (D38). A supported suit (procuratorate) is marked as such."""

from __future__ import annotations

from temporalio import workflow

from workflows.kit.actions import action
from workflows.kit.base import StatutoryWorkflow
from workflows.kit.tasks import OpenTask

with workflow.unsafe.imports_passed_through():
    from domain.actions import ActionResult, Actor, Judgment, MediationEntrustment, Ruling, SuitFiled
    from domain.case import Channel
    from domain.catalogue import Litigation
    from domain.organisations import Agency
    from domain.records import DeadlineStatus
    from domain.referrals import ReferralInput, ReferralKind, ReferralResult, ReferralStatus
    from domain.workflow_models import (
        LitigationInput,
        LitigationOutcome,
        LitigationResult,
        MediationInput,
        MediationOutcome,
        MediationResult,
    )


@workflow.defn(name="litigation")
class LitigationWorkflow(StatutoryWorkflow):
    """A labour suit through first instance and, if appealed, second instance."""

    def __init__(self) -> None:
        self.filing: Ruling | None = None
        self.judgment: Judgment | None = None
        self.appeal: SuitFiled | None = None
        self.final_judgment: Judgment | None = None
        self.entrusted: MediationEntrustment | None = None
        self.settlement: MediationResult | None = None
        self.mediations = 0

    @workflow.run
    async def run(self, inp: LitigationInput) -> LitigationResult:
        ctx = inp.ctx
        self.setup_case(ctx)
        self.status = "filed"
        filing = await self.set_deadline("filing", "D34", inp.filed_on)
        supported = "（检察机关支持起诉）" if inp.procuratorate_support else ""
        await self.event(
            "suit",
            f"向人民法院起诉{supported}，立案审查期限至{filing.due}",
            f"Suit filed; the court decides on filing by {filing.due}",
            on=inp.filed_on,
            citation=filing.basis,
        )
        await self.open_task(
            "record_filing",
            "记录法院立案或不予受理",
            "Record the court's filing decision",
            (Litigation.record_filing,),
            deadline_key="filing",
        )
        await workflow.wait_condition(lambda: self.filing is not None)
        assert self.filing is not None
        if not self.filing.granted:
            return await self._finish(LitigationOutcome.for_employer, self.filing.decided_on)
        await self.set_deadline("first_instance", "D36", self.filing.decided_on, variant="ordinary")
        await self.open_task(
            "record_judgment",
            "记录一审判决",
            "Record the first-instance judgment",
            (Litigation.record_judgment, Litigation.entrust_mediation),
            deadline_key="first_instance",
        )
        while self.judgment is None:  # the judge may entrust mediation to the court's invited mediators first
            await workflow.wait_condition(lambda: self.judgment is not None or self.entrusted is not None)
            if self.entrusted is not None and await self._entrusted_mediation(inp, self.entrusted):
                assert self.settlement is not None
                return await self._finish(LitigationOutcome.settled, self.settlement.ended_on)
        appeal = await self.set_deadline("appeal", "D37", self.judgment.served_on, variant="judgment")
        await self.open_task(
            "record_appeal", "记录是否上诉", "Record an appeal, if any", (Litigation.record_appeal,), deadline_key="appeal"
        )
        if not await self.until("appeal", lambda: self.appeal is not None):
            await self.event(
                "judgment_effective", "上诉期届满无人上诉，一审判决生效", "No appeal in time: the judgment is final", citation=appeal.basis
            )
            return await self._finish(self._side(self.judgment), appeal.due or self.judgment.served_on)
        assert self.appeal is not None
        await self.set_deadline("second_instance", "D38", self.appeal.filed_on)
        await self.open_task(
            "record_second_judgment",
            "记录二审判决",
            "Record the appeal judgment",
            (Litigation.record_second_judgment,),
            deadline_key="second_instance",
        )
        await workflow.wait_condition(lambda: self.final_judgment is not None)
        assert self.final_judgment is not None
        return await self._finish(self._side(self.final_judgment), self.final_judgment.served_on)

    async def _entrusted_mediation(self, inp: LitigationInput, entrustment: MediationEntrustment) -> bool:
        """委托调解 (after filing): refer the case to the court's invited mediators, who mediate within
        15 days (D40, ordinary procedure); an agreement ends the suit (the court confirms it), otherwise
        the case comes back to the judge and the trial goes on. True when settled."""
        ctx, self.mediations = inp.ctx, self.mediations + 1
        own = workflow.info().workflow_id
        receiver = ctx.teams.get(Agency.court_mediation)
        names = ctx.team_names
        court_name = names.get(self.kit.team_code or "", "人民法院")
        mediators = names.get(receiver or "", "特邀调解组织")
        referral = ReferralInput(
            ctx=ctx,
            kind=ReferralKind.court_mediation,
            sent_on=entrustment.on,
            sender_team=self.kit.team_code,
            sender_name=court_name,
            receiver_team=receiver,
            receiver_name=mediators,
            reason_zh="经双方当事人同意，本院委托特邀调解组织进行调解。",
            sender_role="judge",
        )
        answer: ReferralResult = await workflow.execute_child_workflow(
            "referral", referral, id=f"{own}/referral/{self.mediations}", result_type=ReferralResult
        )
        self.entrusted = None
        if answer.status is not ReferralStatus.accepted:
            return False
        result: MediationResult = await workflow.execute_child_workflow(
            "mediation",
            MediationInput(
                ctx=ctx,
                channel=Channel.court_mediation,
                received_on=answer.decided_on,
                court_variant="ordinary",
                team_code=receiver,
                organisation=mediators,
            ),
            id=f"{own}/mediation/{self.mediations}",
            result_type=MediationResult,
        )
        if result.outcome is MediationOutcome.agreement:
            self.settlement = result
            await self.event(
                "court_mediation_settled",
                f"委托调解达成协议，由{court_name}依法确认",
                "Settled in the entrusted mediation",
                on=result.ended_on,
            )
            return True
        await self.event(
            "court_mediation_returned",
            f"委托调解未达成协议，退回{court_name}继续审理",
            "No agreement in the entrusted mediation: back to the judge",
            on=result.ended_on,
        )
        return False

    @staticmethod
    def _side(judgment: Judgment) -> LitigationOutcome:
        return LitigationOutcome.for_worker if judgment.for_worker else LitigationOutcome.for_employer

    async def _finish(self, outcome: LitigationOutcome, effective_on: object) -> LitigationResult:
        for key in ("filing", "first_instance", "appeal", "second_instance"):
            await self.close_deadline(key, DeadlineStatus.met)
        await self.cancel_open_tasks(outcome.value)
        await self.settle()
        self.status = outcome.value
        return LitigationResult(outcome=outcome, effective_on=effective_on, judgment=self.final_judgment or self.judgment)

    @action(Litigation.record_filing)
    async def record_filing(self, task: OpenTask, ruling: Ruling, actor: Actor) -> ActionResult:
        zh = "法院立案受理" if ruling.granted else f"法院裁定不予受理：{ruling.reason}"
        await self.event(
            "suit_filed_by_court" if ruling.granted else "suit_refused",
            zh,
            "Court filed the case" if ruling.granted else "Court refused the suit",
            actor=actor,
            on=ruling.decided_on,
            citation="《民事诉讼法》第一百二十六条 / CPL Art. 126",
        )
        self.filing = ruling
        return ActionResult(message_zh=zh, message_en="Recorded")

    @action(Litigation.record_judgment)
    async def record_judgment(self, task: OpenTask, judgment: Judgment, actor: Actor) -> ActionResult:
        side = "支持劳动者" if judgment.for_worker else "驳回劳动者请求"
        await self.event(
            "judgment",
            f"一审判决：{side}",
            f"First-instance judgment: {'for the worker' if judgment.for_worker else 'against the worker'}",
            actor=actor,
            on=judgment.judged_on,
            citation="《民事诉讼法》第一百五十二条 / CPL Art. 152",
        )
        self.judgment = judgment
        return ActionResult(message_zh=f"已记录一审判决（{side}）", message_en="Judgment recorded")

    @action(Litigation.record_appeal)
    async def record_appeal(self, task: OpenTask, appeal: SuitFiled, actor: Actor) -> ActionResult:
        await self.event(
            "appeal",
            f"{'劳动者' if appeal.by == 'worker' else '用人单位'}提起上诉",
            f"The {appeal.by} appealed",
            actor=actor,
            on=appeal.filed_on,
            citation="《民事诉讼法》第一百七十一条 / CPL Art. 171",
        )
        self.appeal = appeal
        return ActionResult(message_zh="已记录上诉", message_en="Appeal recorded")

    @action(Litigation.entrust_mediation)
    async def entrust_mediation(self, task: OpenTask, entrustment: MediationEntrustment, actor: Actor) -> ActionResult:
        self.entrusted = entrustment
        await self.event(
            "court_mediation_entrusted",
            "法院委托特邀调解组织调解",
            "The court entrusted the case to invited mediators",
            actor=actor,
            on=entrustment.on,
            citation="《最高人民法院关于人民法院特邀调解的规定》 / SPC invited-mediation rules",
        )
        return ActionResult(message_zh="已委托调解", message_en="Mediation entrusted")

    @action(Litigation.record_second_judgment)
    async def record_second_judgment(self, task: OpenTask, judgment: Judgment, actor: Actor) -> ActionResult:
        await self.event(
            "final_judgment",
            "二审判决，为终审判决",
            "Appeal judgment: final",
            actor=actor,
            on=judgment.judged_on,
            citation="《民事诉讼法》第一百八十三条 / CPL Art. 183",
        )
        self.final_judgment = judgment
        return ActionResult(message_zh="已记录二审判决", message_en="Appeal judgment recorded")

"""Litigation in the people's court (CPL Art. 126-183): filing in 7 days (D34), first instance in 6
months under the ordinary procedure (D36), appeal within 15 days of service (D37), second instance
in 3 months (D38). A supported suit (procuratorate) is marked as such."""

from __future__ import annotations

from temporalio import workflow
from temporalio.common import VersioningBehavior

from workflows import litigation_handovers as handovers
from workflows import sittings
from workflows.kit.actions import action
from workflows.kit.tasks import OpenTask
from workflows.mediation_within import DELEGATED, ENTRUSTED, Within, mediate_within

with workflow.unsafe.imports_passed_through():
    from domain.actions import (
        ActionResult,
        Actor,
        Judgment,
        MediationEntrustment,
        Ruling,
        SuitFiled,
    )
    from domain.catalogue import Litigation
    from domain.parties import Respondent
    from domain.records import DeadlineStatus
    from domain.sittings import SittingKind
    from domain.workflow_models import (
        LitigationInput,
        LitigationOutcome,
        LitigationResult,
        MediationOutcome,
        MediationResult,
    )


@workflow.defn(name="litigation", versioning_behavior=VersioningBehavior.AUTO_UPGRADE)
class LitigationWorkflow(handovers.CourtCase):
    """A labour suit through first instance and, if appealed, second instance; the court's hearings."""

    SITTING_KIND, CONFIRMS_CONSEQUENCES = SittingKind.court_hearing, False
    respondents: tuple[Respondent, ...] = ()
    set_court_hearing, change_court_hearing = sittings.set_court_hearing, sittings.change_court_hearing
    record_court_attendance = sittings.record_court_attendance
    entrust_mediation, delegate_mediation = handovers.entrust_mediation, handovers.delegate_mediation
    refer_to_legal_aid, refer_to_procuratorate = handovers.refer_to_legal_aid, handovers.refer_to_procuratorate

    def sitting_parties(self) -> tuple[Respondent, ...]:
        return self.respondents

    def sitting_organisation(self) -> str:
        return "人民法院"

    def __init__(self) -> None:
        self.filing: Ruling | None = None
        self.judgment: Judgment | None = None
        self.appeal: SuitFiled | None = None
        self.final_judgment: Judgment | None = None
        self.entrusted: MediationEntrustment | None = None
        self.delegated: MediationEntrustment | None = None
        self.settlement: MediationResult | None = None
        self.mediations = 0
        self.support_asked = False

    @workflow.run
    async def run(self, inp: LitigationInput) -> LitigationResult:
        ctx = inp.ctx
        self.setup_case(ctx)
        self.status, self.respondents = "filed", inp.respondents
        self.support_asked = inp.procuratorate_support
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
            (Litigation.record_filing, Litigation.delegate_mediation),
            deadline_key="filing",
        )
        await workflow.wait_condition(lambda: self.filing is not None or self.delegated is not None)
        if self.delegated is not None:  # 委派: mediation before filing; without agreement the case is filed
            if await self._mediate(inp, DELEGATED, self.delegated):
                assert self.settlement is not None
                return await self._finish(LitigationOutcome.settled, self.settlement.ended_on)
            await self._filing_again()
        assert self.filing is not None
        if not self.filing.granted:
            return await self._finish(LitigationOutcome.for_employer, self.filing.decided_on)
        await self.set_deadline("first_instance", "D36", self.filing.decided_on, variant="ordinary")
        await self.open_task(
            "record_judgment",
            "记录一审判决",
            "Record the first-instance judgment",
            (Litigation.record_judgment, Litigation.entrust_mediation, Litigation.refer_to_legal_aid,
             Litigation.refer_to_procuratorate, Litigation.set_court_hearing, Litigation.change_court_hearing,
             Litigation.record_court_attendance),
            deadline_key="first_instance",
        )
        while self.judgment is None:  # the judge may entrust mediation to the court's invited mediators first
            await workflow.wait_condition(lambda: self.judgment is not None or self.entrusted is not None)
            if self.entrusted is not None and await self._mediate(inp, ENTRUSTED, self.entrusted):
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

    async def _mediate(self, inp: LitigationInput, how: Within, entrustment: MediationEntrustment) -> bool:
        """Put the case to the court's invited mediators (before filing, D39; after, D40). True when settled."""
        self.mediations += 1
        result = await mediate_within(self, inp.ctx, how, entrustment.on, self.mediations)
        self.entrusted = self.delegated = None
        if result is not None and result.outcome is MediationOutcome.agreement:
            self.settlement = result
            return True
        return False

    async def _filing_again(self) -> None:
        """Back from the delegated mediation without agreement: the court decides on filing in 7 days."""
        await self.set_deadline("filing", "D34", self.clock.today())
        await self.open_task(
            "record_filing",
            "记录法院立案或不予受理",
            "Record the court's filing decision",
            (Litigation.record_filing,),
            deadline_key="filing",
        )
        await workflow.wait_condition(lambda: self.filing is not None)

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
            data={"for_worker": judgment.for_worker},  # read by monitoring
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

"""Labour dispute arbitration at the HR-social-security arbitration commission (LDMAL Art. 29-50):
acceptance in 5 days (D13), service (D15), defence 10 days (D16), tribunal notice (D18), hearing
notice at least 5 days ahead (Art. 35), award within 45 days of acceptance (D22) plus at most 15
(D23); suspension time is excluded and a change of claims restarts the period. Late decisions let
the worker sue, except in the situations of SPC Interpretation I Art. 12."""

from __future__ import annotations

from temporalio import workflow
from temporalio.common import VersioningBehavior

from workflows import arbitration_course as course
from workflows import arbitration_parties, sittings
from workflows.kit.actions import action
from workflows.kit.tasks import OpenTask

with workflow.unsafe.imports_passed_through():
    from domain import paperwork
    from domain.actions import ActionResult, Actor, AwardRecord, Note, Ruling
    from domain.catalogue import Arbitration
    from domain.documents import DocumentType
    from domain.final_award import classify_award
    from domain.monitoring import amounts_by_kind
    from domain.records import DeadlineStatus
    from domain.workflow_models import ArbitrationInput, ArbitrationOutcome, ArbitrationResult, Milestone, WorkerOption

AWARD_ACTIONS = (
    Arbitration.record_application_service,
    Arbitration.schedule_hearing,
    Arbitration.suspend,
    Arbitration.resume,
    Arbitration.change_claims,
    Arbitration.extend_award_period,
    Arbitration.record_advance_execution,
    Arbitration.record_award,
    Arbitration.record_settlement,
    Arbitration.refer_to_inspection,
    Arbitration.entrust_pre_hearing_mediation,
    Arbitration.refer_to_legal_aid,
    Arbitration.set_hearing,
    Arbitration.change_hearing,
    Arbitration.record_hearing_attendance,
    Arbitration.serve_electronically,
)
MAY_SUE = WorkerOption(action="sue", label_zh="向人民法院起诉", label_en="Sue in the people's court")


@workflow.defn(name="arbitration", versioning_behavior=VersioningBehavior.AUTO_UPGRADE)
class ArbitrationWorkflow(course.ArbitrationCase):
    """One arbitration case from application to award (or settlement)."""

    # Handlers of the course between acceptance and award (`arbitration_course`).
    schedule_hearing = course.schedule_hearing
    suspend = course.suspend
    resume = course.resume
    change_claims = course.change_claims
    extend_award_period = course.extend_award_period
    refer_to_inspection = course.refer_to_inspection
    entrust_pre_hearing_mediation = course.entrust_pre_hearing_mediation
    refer_to_legal_aid = course.refer_to_legal_aid
    set_hearing, change_hearing = sittings.set_hearing, sittings.change_hearing
    record_hearing_attendance = sittings.record_hearing_attendance
    confirm_consequence = course.confirm_consequence
    serve_electronically = arbitration_parties.serve_electronically

    @workflow.run
    async def run(self, inp: ArbitrationInput) -> ArbitrationResult:
        ctx = self.ctx = inp.ctx
        self.respondents = inp.respondents
        self.setup_case(ctx)
        self.status = "applied"
        acceptance = await self.set_deadline("acceptance", "D13", inp.applied_on)
        history = inp.mediation
        doc = await self.document(
            DocumentType.arbitration_application,
            paperwork.arbitration_application(
                ctx.region, (history.organisation, history.received_on, history.ended_on, history.outcome) if history else None
            ),
        )
        await self.event(
            "arbitration_applied",
            f"向劳动人事争议仲裁委员会申请仲裁，受理决定期限至{acceptance.due}",
            f"Applied for arbitration; acceptance decision due by {acceptance.due}",
            on=inp.applied_on,
            citation=acceptance.basis,
            data={"document_id": doc.document_id},
        )
        await self.open_task(
            "record_arbitration_acceptance",
            "记录仲裁委受理或不予受理",
            "Record the commission's acceptance decision",
            (Arbitration.record_acceptance,),
            deadline_key="acceptance",
        )
        if not await self.until("acceptance", lambda: self.acceptance is not None or self.result is not None):
            await self.close_deadline("acceptance", DeadlineStatus.missed)
            await self._may_sue(
                "no_decision",
                "仲裁委员会逾期未作出受理决定，可以就该劳动争议事项向人民法院提起诉讼（有最高法解释（一）第十二条情形的除外）",
                "The commission did not decide on acceptance within 5 days: the worker may sue (unless SPC Interp. I Art. 12 applies)",
                "《劳动争议调解仲裁法》第二十九条 / LDMAL Art. 29",
            )
            await workflow.wait_condition(lambda: self.acceptance is not None or self.result is not None)
        if self.result is None and self.acceptance is not None and self.acceptance.granted:
            await self._proceed(self.acceptance)
        if self.result is None:
            self.result = ArbitrationResult(outcome=ArbitrationOutcome.refused, noted_on=self.clock.today())
        await self.cancel_open_tasks(self.result.outcome.value)
        await self.settle()
        self.status = self.result.outcome.value
        return self.result

    async def _proceed(self, acceptance: Ruling) -> None:
        accepted_on = acceptance.decided_on
        self.accepted_on = accepted_on
        self.status = "accepted"
        await self.set_deadline("service", "D15", accepted_on)
        await self.set_deadline("tribunal_notice", "D18", accepted_on)
        award = await self.set_deadline("award", "D22", accepted_on)
        await self.event(
            "arbitration_accepted",
            f"仲裁委员会受理，裁决期限至{award.due}",
            f"Accepted; award due by {award.due}",
            on=accepted_on,
            citation=award.basis,
        )
        await self.open_task(
            "record_award", "跟进仲裁审理并记录裁决", "Follow the hearing and record the award", AWARD_ACTIONS, deadline_key="award"
        )
        if not await self.until("award", lambda: self.result is not None):
            await self.close_deadline("award", DeadlineStatus.missed)
            await self._may_sue(
                "late_award",
                "仲裁庭逾期未作出裁决，可以就该劳动争议事项向人民法院提起诉讼（有最高法解释（一）第十二条情形的除外）",
                "No award within the period: the worker may sue (unless SPC Interp. I Art. 12 applies)",
                "《劳动争议调解仲裁法》第四十三条 / LDMAL Art. 43",
            )
            await workflow.wait_condition(lambda: self.result is not None)

    async def _may_sue(self, kind: str, zh: str, en: str, citation: str) -> None:
        await self.event(kind, zh, en, citation=citation)
        parent = workflow.info().parent
        if parent is not None:
            await workflow.get_external_workflow_handle(parent.workflow_id).signal(
                "milestone", Milestone(kind=kind, zh=zh, en=en, options=(MAY_SUE,))
            )

    @workflow.signal(name="end-arbitration")
    def end_arbitration(self, outcome: ArbitrationOutcome) -> None:
        """The worker withdrew, or sued because the commission was late."""
        if self.result is None:
            self.result = ArbitrationResult(outcome=outcome, noted_on=self.clock.today())

    @action(Arbitration.record_acceptance)
    async def record_acceptance(self, task: OpenTask, ruling: Ruling, actor: Actor) -> ActionResult:
        await self.close_deadline("acceptance", DeadlineStatus.met)
        if not ruling.granted:
            await self._may_sue(
                "arbitration_refused",
                f"仲裁委员会决定不予受理：{ruling.reason}；可以向人民法院起诉",
                f"The commission refused the case ({ruling.reason}): the worker may sue",
                "《劳动争议调解仲裁法》第二十九条 / LDMAL Art. 29",
            )
        self.acceptance = ruling
        return ActionResult(message_zh="已记录受理决定", message_en="Acceptance decision recorded")

    @action(Arbitration.record_application_service)
    async def record_application_service(self, task: OpenTask, note: Note, actor: Actor) -> ActionResult:
        await self.close_deadline("service", DeadlineStatus.met)
        defence = await self.set_deadline("defence", "D16", note.on)
        await self.event(
            "application_served",
            f"申请书副本已送达被申请人，答辩期至{defence.due}",
            f"Served on the respondent; defence due by {defence.due}",
            actor=actor,
            on=note.on,
            citation=defence.basis,
        )
        return ActionResult(message_zh=f"答辩期至{defence.due}", message_en=f"Defence due by {defence.due}")

    @action(Arbitration.record_advance_execution)
    async def record_advance_execution(self, task: OpenTask, ruling: Ruling, actor: Actor) -> ActionResult:
        zh = "裁决先予执行，移送人民法院执行" if ruling.granted else f"先予执行申请未准许：{ruling.reason}"
        await self.event(
            "advance_execution",
            zh,
            "Advance execution granted and sent to the court" if ruling.granted else "Advance execution refused",
            actor=actor,
            on=ruling.decided_on,
            citation="《劳动争议调解仲裁法》第四十四条 / LDMAL Art. 44",
        )
        return ActionResult(message_zh=zh, message_en="Recorded")

    @action(Arbitration.record_award)
    async def record_award(self, task: OpenTask, award: AwardRecord, actor: Actor) -> ActionResult:
        # Awards recorded before the region's own final kinds were applied replay as they ran.
        local = workflow.patched("final-award-local-kinds")
        classification = classify_award(award.items, award.statement, self.kit.region, award.awarded_on, local_kinds=local)
        await self.close_deadline("award", DeadlineStatus.met)
        label = "终局裁决" if classification.award_class.value == "final" else "非终局裁决"
        await self.event(
            "award",
            f"仲裁庭作出裁决（{label}）：{classification.explanation_zh}",
            f"Award made ({classification.award_class.value}): {classification.explanation_en}",
            actor=actor,
            on=award.awarded_on,
            citation=classification.basis,
            data={"final": classification.award_class.value == "final",  # read by monitoring
                  "items": amounts_by_kind((item.kind.value, item.granted) for item in award.items)},
        )
        self.result = ArbitrationResult(
            outcome=ArbitrationOutcome.award, noted_on=award.received_on, award=award, classification=classification
        )
        return ActionResult(message_zh=f"已记录裁决（{label}）", message_en=f"Award recorded ({classification.award_class.value})")

    @action(Arbitration.record_settlement)
    async def record_settlement(self, task: OpenTask, note: Note, actor: Actor) -> ActionResult:
        await self.close_deadline("award", DeadlineStatus.met)
        await self.event(
            "arbitral_settlement",
            "双方签收仲裁调解书，发生法律效力",
            "Both parties signed the arbitral mediation statement: it is binding",
            actor=actor,
            on=note.on,
            citation="《劳动争议调解仲裁法》第四十二条 / LDMAL Art. 42",
        )
        self.result = ArbitrationResult(outcome=ArbitrationOutcome.settled, noted_on=note.on)
        return ActionResult(message_zh="已记录仲裁调解书", message_en="Arbitral settlement recorded")

    def guard(self, task: OpenTask, action_name: str, payload: object) -> str | None:
        if action_name == "resume" and self.suspended_since is None:
            return "仲裁未中止 / arbitration is not suspended"
        if action_name == "suspend" and self.suspended_since is not None:
            return "仲裁已中止 / arbitration is already suspended"
        if action_name == "entrust_pre_hearing_mediation" and self.pre_hearing_running:
            return "庭前调解正在进行 / a pre-hearing mediation is already under way"
        if action_name == "extend_award_period" and self.extended:
            return "裁决期限已延长过一次（最多15日） / the award period was already extended (at most 15 days)"
        return super().guard(task, action_name, payload)

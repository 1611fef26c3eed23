"""The arbitration's course between acceptance and award: service of the application, the hearing
notice (at least 5 days ahead, LDMAL Art. 35), suspension (time excluded, SPC Interp. I Art. 10),
changed claims (the period restarts), the one extension of up to 15 days (LDMAL Art. 43, D23), and
the award period recomputed from all of them. Handlers of `ArbitrationCase`'s `act` Update."""

from __future__ import annotations

import asyncio
from datetime import date

from temporalio import workflow

from workflows.arbitration_parties import RespondentService
from workflows.kit.actions import action
from workflows.kit.tasks import OpenTask
from workflows.mediation_within import PRE_HEARING, mediate_within

with workflow.unsafe.imports_passed_through():
    from domain.actions import (
        ActionResult,
        Actor,
        HearingSchedule,
        InspectionRequest,
        LegalAidReferral,
        MediationEntrustment,
        Note,
        Ruling,
        Suspension,
    )
    from domain.catalogue import Arbitration
    from domain.organisations import Agency
    from domain.parties import Respondent
    from domain.records import DeadlineStatus
    from domain.referrals import REFERRALS, ReferralKind, ReferralRequest
    from domain.sittings import ConsequenceDecision, SittingKind
    from domain.workflow_models import ArbitrationOutcome, ArbitrationResult, CaseContext, MediationOutcome


class ArbitrationCase(RespondentService):
    """The arbitration's state: acceptance, result, suspensions, restarts, the extension, hearings."""

    SITTING_KIND = SittingKind.arbitration_hearing
    accepted_on: date
    ctx: CaseContext
    def sitting_parties(self) -> tuple[Respondent, ...]:
        return self.respondents

    def sitting_organisation(self) -> str:
        return "劳动人事争议仲裁委员会"

    def __init__(self) -> None:
        self.acceptance: Ruling | None = None
        self.result: ArbitrationResult | None = None
        self.suspensions: list[tuple[object, object]] = []
        self.suspended_since: Suspension | None = None
        self.restarts: list[date] = []
        self.extended = False
        self.pre_hearing = 0  # mediations entrusted before the hearing (D21)
        self.pre_hearing_running = False


async def award_deadline(arb: ArbitrationCase) -> None:
    """Recompute the award period: suspensions excluded, restart on changed claims, extension."""
    entry = arb.kit.deadlines["award"]
    start = max([arb.accepted_on, *arb.restarts])
    entry.start = start
    entry.options = {"suspensions": tuple(arb.suspensions), "extended": arb.extended}
    entry.deadline = arb.clock.compute("D22", start, **entry.options)
    await arb._record_deadline(entry)
    for task in list(arb.kit.tasks.values()):
        if task.deadline_key == "award" and task.is_open:
            task.due_on = entry.deadline.due
            await arb._record_task(task)
    arb.kit.epoch += 1


@action(Arbitration.schedule_hearing)
async def schedule_hearing(arb: ArbitrationCase, task: OpenTask, hearing: HearingSchedule, actor: Actor) -> ActionResult:
    await arb.close_deadline("tribunal_notice", DeadlineStatus.met)
    notice_days = (hearing.hearing_on - hearing.notice_served_on).days
    ok = notice_days >= 5
    zh = f"开庭日期{hearing.hearing_on}" + ("" if ok else f"；开庭通知仅提前{notice_days}日，少于法定5日")
    await arb.event(
        "hearing_scheduled",
        zh,
        f"Hearing on {hearing.hearing_on}" + ("" if ok else f"; notice only {notice_days} days ahead (law: 5)"),
        actor=actor,
        on=hearing.notice_served_on,
        citation="《劳动争议调解仲裁法》第三十五条 / LDMAL Art. 35",
    )
    return ActionResult(message_zh=zh, message_en="Hearing recorded")


@action(Arbitration.suspend)
async def suspend(arb: ArbitrationCase, task: OpenTask, suspension: Suspension, actor: Actor) -> ActionResult:
    arb.suspended_since = suspension
    arb.status = "suspended"
    await arb.event(
        "arbitration_suspended",
        f"仲裁中止：{suspension.reason}（中止期间不计入审理期限）",
        f"Arbitration suspended: {suspension.reason}",
        actor=actor,
        on=suspension.start_on,
        citation="办案规则第四十七条 / Arbitration Rules Art. 47",
    )
    return ActionResult(message_zh="已中止，期限暂停计算", message_en="Suspended; the award period is paused")


@action(Arbitration.resume)
async def resume(arb: ArbitrationCase, task: OpenTask, note: Note, actor: Actor) -> ActionResult:
    assert arb.suspended_since is not None
    arb.suspensions.append((arb.suspended_since.start_on, note.on))
    arb.suspended_since, arb.status = None, "accepted"
    await award_deadline(arb)
    await arb.event(
        "arbitration_resumed",
        f"恢复审理，裁决期限顺延至{arb.due('award')}",
        f"Resumed; award now due by {arb.due('award')}",
        actor=actor,
        on=note.on,
    )
    return ActionResult(message_zh=f"裁决期限至{arb.due('award')}", message_en=f"Award due by {arb.due('award')}")


@action(Arbitration.change_claims)
async def change_claims(arb: ArbitrationCase, task: OpenTask, note: Note, actor: Actor) -> ActionResult:
    arb.restarts.append(note.on)
    await award_deadline(arb)
    await arb.event(
        "claims_changed",
        f"仲裁请求变更，审理期限重新计算至{arb.due('award')}",
        f"Claims changed: the period restarts, award due by {arb.due('award')}",
        actor=actor,
        on=note.on,
        citation="办案规则第四十六条 / Arbitration Rules Art. 46",
    )
    return ActionResult(message_zh=f"裁决期限至{arb.due('award')}", message_en=f"Award due by {arb.due('award')}")


@action(Arbitration.extend_award_period)
async def extend_award_period(arb: ArbitrationCase, task: OpenTask, note: Note, actor: Actor) -> ActionResult:
    arb.extended = True
    await award_deadline(arb)
    await arb.event(
        "award_extended",
        f"经仲裁委员会主任批准延长，裁决期限至{arb.due('award')}",
        f"Extension approved: award due by {arb.due('award')}",
        actor=actor,
        on=note.on,
        citation="《劳动争议调解仲裁法》第四十三条 / LDMAL Art. 43",
    )
    return ActionResult(message_zh=f"裁决期限至{arb.due('award')}", message_en=f"Award due by {arb.due('award')}")


@action(Arbitration.refer_to_inspection)
async def refer_to_inspection(arb: ArbitrationCase, task: OpenTask, request: InspectionRequest, actor: Actor) -> ActionResult:
    """A suspected violation found in arbitration goes to labour inspection; the arbitration goes on."""
    reason = f"仲裁审理中发现用人单位涉嫌{request.suspicion}，仲裁继续进行。"
    await arb.refer_alongside(
        ReferralRequest(kind=ReferralKind.inspection, sender=Agency.arbitration, on=request.on, reason_zh=reason),
        "inspection_requested",
        f"仲裁中发现用人单位涉嫌违法：{request.suspicion}，移送劳动保障监察",
        "A suspected violation is referred to labour inspection",
        actor,
    )
    return ActionResult(message_zh="已移送劳动保障监察，仲裁继续", message_en="Referred to labour inspection; arbitration goes on")


@action(Arbitration.refer_to_legal_aid)
async def refer_to_legal_aid(arb: ArbitrationCase, task: OpenTask, request: LegalAidReferral, actor: Actor) -> ActionResult:
    """The commission refers the worker to the legal-aid centre; the arbitration goes on."""
    return await arb.refer_for_legal_aid(Agency.arbitration, request, actor, "仲裁委员会", ("仲裁", "arbitration"))


@action(Arbitration.entrust_pre_hearing_mediation)
async def entrust_pre_hearing_mediation(
    arb: ArbitrationCase, task: OpenTask, entrustment: MediationEntrustment, actor: Actor
) -> ActionResult:
    """Before the hearing, with both parties' consent, a mediation organisation mediates (D21); the
    award period runs on. An agreement ends the arbitration (the tribunal makes a mediation statement,
    LDMAL Art. 42); without one the hearing proceeds."""
    arb.pre_hearing, arb.pre_hearing_running = arb.pre_hearing + 1, True
    await arb.event(
        "pre_hearing_entrusted",
        "经双方当事人同意，开庭前委托调解组织调解",
        "With both parties' consent, a mediation organisation mediates before the hearing",
        actor=actor,
        on=entrustment.on,
        citation=REFERRALS[ReferralKind.pre_hearing_mediation].basis,
    )
    arb.kit.watchers.append(asyncio.ensure_future(_pre_hearing(arb, entrustment, arb.pre_hearing)))
    return ActionResult(message_zh="已委托庭前调解，仲裁期限继续计算", message_en="Pre-hearing mediation entrusted; the period runs on")


async def _pre_hearing(arb: ArbitrationCase, entrustment: MediationEntrustment, seq: int) -> None:
    result = await mediate_within(arb, arb.ctx, PRE_HEARING, entrustment.on, seq)
    arb.pre_hearing_running = False
    if result is not None and result.outcome is MediationOutcome.agreement and arb.result is None:
        await arb.close_deadline("award", DeadlineStatus.met)
        arb.result = ArbitrationResult(outcome=ArbitrationOutcome.settled, noted_on=result.ended_on)


@action(Arbitration.confirm_consequence)
async def confirm_consequence(arb: ArbitrationCase, task: OpenTask, decision: ConsequenceDecision, actor: Actor) -> ActionResult:
    """The arbitrator decides whether the consequence of an absence applies (LDMAL Art. 36: "may")."""
    kind, basis = str(task.data.get("consequence")), str(task.data.get("basis", ""))
    if not decision.confirm:
        await arb.event("absence_excused", f"仲裁庭决定不适用缺席后果：{decision.note or '有正当理由'}",
                        "The tribunal did not apply the consequence of the absence", actor=actor, citation=basis)
        return ActionResult(message_zh="已记录：不适用", message_en="Recorded: not applied")
    if kind == "deemed_withdrawal":
        await arb.event("deemed_withdrawal", "申请人经书面通知无正当理由拒不到庭，仲裁庭确认视为撤回仲裁申请",
                        "The applicant did not attend without good reason: treated as having withdrawn", actor=actor, citation=basis)
        arb.result = ArbitrationResult(outcome=ArbitrationOutcome.withdrawn, noted_on=arb.clock.today())
        return ActionResult(message_zh="已确认视为撤回仲裁申请", message_en="Treated as withdrawn")
    await arb.event("award_in_absence", "被申请人经书面通知无正当理由拒不到庭，仲裁庭确认缺席裁决",
                    "The respondent did not attend without good reason: the award will be made in its absence", actor=actor, citation=basis)
    return ActionResult(message_zh="已确认缺席裁决", message_en="Award in absence confirmed")

"""The higher rungs of a case: arbitration, what follows an award (suit or revocation), the choice
to sue, litigation (with the procuratorate's support for vulnerable workers alongside) and
enforcement. Each step returns the next step (None: the case is closed)."""

from __future__ import annotations

import asyncio

from temporalio import workflow

from workflows.dispute_case import DisputeCase
from workflows.dispute_referrals import refer

with workflow.unsafe.imports_passed_through():
    from domain.actions import WorkerActionKind
    from domain.case import Channel, Stage, VulnerableGroup
    from domain.catalogue import worker_option
    from domain.final_award import AwardClass
    from domain.organisations import Agency, mediation_agency
    from domain.referrals import ReferralKind, ReferralStatus
    from domain.workflow_models import (
        ArbitrationInput,
        ArbitrationOutcome,
        ArbitrationResult,
        DisputeStep,
        EnforcementInput,
        EnforcementOutcome,
        EnforcementResult,
        LitigationInput,
        LitigationOutcome,
        LitigationResult,
        PostAwardInput,
        PostAwardOutcome,
        PostAwardResult,
        ProcuratorateInput,
        ProcuratorateResult,
    )

SUPPORT_GROUPS = frozenset(
    {
        VulnerableGroup.migrant_worker,
        VulnerableGroup.platform_worker,
        VulnerableGroup.woman,
        VulnerableGroup.minor,
        VulnerableGroup.disabled,
        VulnerableGroup.older,
    }
)


async def arbitration(case: DisputeCase) -> DisputeStep | None:
    await case.enter(Stage.arbitration, Channel.arbitration, "仲裁申请已提交，等待仲裁委员会受理", "Arbitration applied for")
    applied = case.carry.arbitration_applied_on or case.facts.filed_on
    mediated = case.mediation
    if mediated is not None and not case.carry.direct_application and workflow.patched("referral-to-arbitration"):
        # The mediation organisation hands the file to the commission; the commission's clerk takes it.
        sender = mediation_agency(mediated.channel)
        reason = f"经{mediated.organisation}调解，双方未能达成调解协议，申请人申请劳动争议仲裁。"
        referral = await refer(case, ReferralKind.arbitration, sender, reason)
        if case.withdrawn:
            return DisputeStep.withdrawn
        if referral is not None and referral.status is not ReferralStatus.accepted:
            case.carry = case.carry.model_copy(update={"direct_application": True})
            return case.withdrawn_or(DisputeStep.choose_arbitration)
        applied = referral.decided_on if referral is not None else applied  # the commission has the file from then
    result: ArbitrationResult = await case.child(
        "arbitration", ArbitrationInput(ctx=case.ctx, applied_on=applied, mediation=case.mediation,
                                      respondents=case.facts.respondents), ArbitrationResult
    )
    if case.withdrawn or result.outcome is ArbitrationOutcome.withdrawn:  # withdrawn, or treated so (LDMAL Art. 36)
        return DisputeStep.withdrawn
    if result.outcome is ArbitrationOutcome.award:
        case.carry = case.carry.model_copy(update={"award": result.award, "classification": result.classification})
        return DisputeStep.post_award
    if result.outcome is ArbitrationOutcome.settled:
        case.carry = case.carry.model_copy(
            update={"title_zh": "仲裁调解书", "title_en": "The arbitral settlement", "effective_on": result.noted_on}
        )
        return DisputeStep.enforcement
    if case.choice is not None:  # the worker sued after a refusal or a late decision
        return DisputeStep.litigation
    case.carry = case.carry.model_copy(update={"suit_origin": "late_arbitration"})
    return DisputeStep.choose_suit


async def post_award(case: DisputeCase) -> DisputeStep | None:
    award, classification = case.carry.award, case.carry.classification
    assert award is not None and classification is not None
    await case.enter(Stage.post_award, Channel.arbitration)
    result: PostAwardResult = await case.child(
        "post-award", PostAwardInput(ctx=case.ctx, award=award, classification=classification), PostAwardResult
    )
    if result.outcome is PostAwardOutcome.suit:
        case.carry = case.carry.model_copy(update={"suit_filed_on": result.suit_filed_on, "suit_origin": "award"})
        return DisputeStep.litigation
    if result.outcome is PostAwardOutcome.revoked:
        case.carry = case.carry.model_copy(update={"suit_origin": "revocation"})
        return DisputeStep.choose_suit
    if sum(item.granted for item in award.items) == 0:
        await case.finish(Stage.closed_resolved, "仲裁裁决生效（请求未获支持）", "The award is binding (claims dismissed)")
        return None
    label = "终局裁决" if classification.award_class is AwardClass.final else "仲裁裁决"
    case.carry = case.carry.model_copy(update={"title_zh": label, "title_en": "The award", "effective_on": result.noted_on})
    return DisputeStep.enforcement


async def choose_suit(case: DisputeCase) -> DisputeStep | None:
    offered = [o for o in case.options if o.action == WorkerActionKind.sue.value]
    sue = offered[0] if offered else worker_option(WorkerActionKind.sue, "向人民法院起诉", "Sue in the people's court")
    await case.enter(
        Stage.suit_eligible, None, case.guidance[0] or "可以向人民法院起诉", case.guidance[1] or "You may sue in court", (sue,)
    )
    await workflow.wait_condition(lambda: case.choice is not None or case.withdrawn)
    if case.withdrawn:
        return DisputeStep.withdrawn
    return DisputeStep.litigation


async def litigation(case: DisputeCase) -> DisputeStep | None:
    filed = case.carry.suit_filed_on or (case.choice[1] if case.choice else None) or case.clock.today()
    case.choice = None
    await case.enter(Stage.litigation, Channel.litigation, "案件已进入诉讼程序", "The case is in court")
    origin = case.carry.suit_origin or "award"
    if origin == "award" and not case.carry.direct_application and workflow.patched("referral-to-court"):
        # After an award the commission hands its file to the court; the court's filing clerk takes it.
        referral = await refer(case, ReferralKind.court, Agency.arbitration, "当事人不服仲裁裁决，依法向人民法院提起诉讼，现移送仲裁案卷。")
        if referral is not None and referral.status is not ReferralStatus.accepted:
            case.carry = case.carry.model_copy(update={"direct_application": True, "suit_origin": origin})
            return case.withdrawn_or(DisputeStep.choose_suit)
    support = bool(SUPPORT_GROUPS & set(case.facts.vulnerable_groups))
    if support:
        support_input = ProcuratorateInput(ctx=case.ctx, requested_on=filed, groups=tuple(g.value for g in case.facts.vulnerable_groups))
        if workflow.patched("referral-to-procuratorate"):  # the union asks the procuratorate to support the suit
            case.watchers.append(asyncio.ensure_future(_procuratorate_support(case, support_input)))
        else:
            await case.child("procuratorate-support", support_input, ProcuratorateResult, alongside=True)
    result: LitigationResult = await case.child(
        "litigation",
        LitigationInput(ctx=case.ctx, filed_on=filed, origin=origin, procuratorate_support=support,
                        respondents=case.facts.respondents),
        LitigationResult,
    )
    if result.outcome is LitigationOutcome.for_worker:
        case.carry = case.carry.model_copy(update={"title_zh": "生效判决", "title_en": "The judgment", "effective_on": result.effective_on})
        return DisputeStep.enforcement
    if result.outcome is LitigationOutcome.settled:
        case.carry = case.carry.model_copy(
            update={"title_zh": "人民法院确认的调解协议", "title_en": "The court-confirmed settlement", "effective_on": result.effective_on}
        )
        return DisputeStep.enforcement
    await case.finish(Stage.closed_resolved, "判决生效，劳动者请求未获支持", "Judgment final; the claims were not upheld")
    return None


async def _procuratorate_support(case: DisputeCase, support: ProcuratorateInput) -> None:
    """Refer the suit of a vulnerable worker to the procuratorate; once it takes the case, its decision
    on supporting the suit runs alongside the litigation."""
    referral = await refer(
        case, ReferralKind.procuratorate, Agency.union_mediation, "劳动者属于需要重点保护的群体，本会商请贵院依法支持起诉。"
    )
    if referral is None or referral.status is ReferralStatus.accepted:
        await case.child("procuratorate-support", support, ProcuratorateResult, alongside=True)


async def enforcement(case: DisputeCase) -> DisputeStep | None:
    await case.enter(
        Stage.enforcement,
        Channel.enforcement,
        f"{case.carry.title_zh}已生效；用人单位不履行的，可申请强制执行",
        f"{case.carry.title_en} is binding; if unpaid, apply for enforcement",
        (worker_option(WorkerActionKind.apply_enforcement, "已申请强制执行", "I applied for enforcement"),),
    )
    result: EnforcementResult = await case.child(
        "enforcement",
        EnforcementInput(
            ctx=case.ctx,
            title_zh=case.carry.title_zh or "",
            title_en=case.carry.title_en or "",
            effective_on=case.carry.effective_on or case.clock.today(),
        ),
        EnforcementResult,
    )
    if result.outcome in (EnforcementOutcome.performed, EnforcementOutcome.satisfied):
        await case.finish(Stage.closed_resolved, "已履行 / 执行完毕", "Performed or enforced")
        return None
    if result.outcome is EnforcementOutcome.refused:
        case.carry = case.carry.model_copy(update={"suit_origin": "non_enforcement"})
        return DisputeStep.choose_suit
    await case.finish(Stage.closed_other_route, "申请执行期间届满", "The period to apply for enforcement passed")
    return None

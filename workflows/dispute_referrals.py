"""Hand-overs of a case between agencies (`referral` child workflows): the case's sending and
receiving teams and their names, from the holder table the case started with."""

from __future__ import annotations

from temporalio import workflow

from workflows.dispute_case import DisputeCase

with workflow.unsafe.imports_passed_through():
    from domain import paperwork
    from domain.organisations import Agency
    from domain.referrals import REFERRALS, SENDER_ROLES, ReferralInput, ReferralKind, ReferralRequest, ReferralResult, ReferralStatus
    from domain.workflow_models import (
        CriminalReferralInput,
        CriminalReferralResult,
        HandOver,
        InspectionInput,
        InspectionResult,
        ProcuratorateInput,
        ProcuratorateResult,
    )


async def refer(case: DisputeCase, kind: ReferralKind, sender: Agency, reason_zh: str) -> ReferralResult | None:
    """Refer the case; None when the case's region has no such agency (the worker applies directly,
    as before agencies had their own staff)."""
    rule = REFERRALS[kind]
    receiver_team = case.inp.teams.get(rule.receiver)
    if receiver_team is None:
        return None
    sender_team = case.inp.teams.get(sender) or case.kit.team_code
    names = case.inp.team_names
    inp = ReferralInput(
        ctx=case.ctx,
        kind=kind,
        sent_on=case.clock.today(),
        sender_team=sender_team,
        sender_name=names.get(sender_team or "", "") or case.organisation(None),
        receiver_team=receiver_team,
        receiver_name=names.get(receiver_team, "") or str(paperwork.agency(case.facts.region, "arbitration_commission")["name"]),
        reason_zh=reason_zh,
        sender_role=SENDER_ROLES[sender].value,
    )
    result: ReferralResult = await case.child("referral", inp, ReferralResult, current=False)
    return result


async def alongside(case: DisputeCase, request: ReferralRequest) -> None:
    """A referral the dispute does not wait for (labour inspection for a suspected violation): once the
    receiver takes it, its channel runs alongside the case (legal aid: the centre decides, D56; the
    procuratorate: its decision on supporting the suit)."""
    if request.kind is ReferralKind.legal_aid and case.legal_aid_id is not None:
        await case.event("legal_aid_already", "劳动者已申请法律援助，无需转请", "The worker has already applied for legal aid")
        return
    referral = await refer(case, request.kind, request.sender, request.reason_zh)
    if referral is not None and request.kind is ReferralKind.public_security:
        await police_decided(case, referral)
        return
    if request.kind is ReferralKind.procuratorate:
        # The court asked for support of the suit: once the procuratorate takes it (or where the region
        # has no procuratorate staff), its decision runs alongside the suit, as for the union's request.
        if (referral is None or referral.status is ReferralStatus.accepted) and not case.stage.is_closed:
            groups = tuple(group.value for group in case.facts.vulnerable_groups)
            on = referral.decided_on if referral is not None else request.on
            support = ProcuratorateInput(ctx=case.ctx, requested_on=on, groups=groups)
            await case.child("procuratorate-support", support, ProcuratorateResult, alongside=True)
        return
    if referral is None or referral.status is not ReferralStatus.accepted:
        return
    if request.kind is ReferralKind.inspection:
        total, workers = case.facts.total_claimed, case.facts.worker_count
        complaint = InspectionInput(ctx=case.ctx, complained_on=referral.decided_on, amount=total, worker_count=workers)
        await case.child("inspection", complaint, InspectionResult, alongside=True)
    elif request.kind is ReferralKind.legal_aid and case.legal_aid_id is None and not case.stage.is_closed:
        await case.start_legal_aid()


async def hand_over(case: DisputeCase, news: HandOver) -> None:
    """Who holds the case changes within its stage (the court's invited mediators take it, then give it
    back): recorded with the day it happened, so the pages show each holder in turn."""
    if case.stage.is_closed:
        return
    case.handed = (news.agency, news.team) if news.agency is not None else None
    case.holder = (*case.current_holder(), news.on)
    await case.record_status()


async def police_decided(case: DisputeCase, decision: ReferralResult) -> None:
    """Labour inspection's transfer answered by the police (State Council transfer provisions Art. 8):
    accepted, a criminal case is open; returned, a non-filing, after which `criminal-referral` offers
    what may follow (filing supervision, reconsideration, review), alongside the worker's own claim."""
    if decision.status is ReferralStatus.accepted:
        basis = REFERRALS[ReferralKind.public_security].basis
        await case.event("police_filed", "公安机关立案侦查", "The police opened a criminal case", on=decision.decided_on, citation=basis)
        return
    after = CriminalReferralInput(ctx=case.ctx, declined_on=decision.decided_on, reason=decision.reason)
    await case.child("criminal-referral", after, CriminalReferralResult, current=False)

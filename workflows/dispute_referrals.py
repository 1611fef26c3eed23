"""Hand-overs of a case between agencies (`referral` child workflows): the case's sending and
receiving teams and their names, from the holder table the case started with."""

from __future__ import annotations

from temporalio import workflow

from workflows.dispute_case import DisputeCase

with workflow.unsafe.imports_passed_through():
    from domain import paperwork
    from domain.organisations import Agency
    from domain.referrals import REFERRALS, SENDER_ROLES, ReferralInput, ReferralKind, ReferralRequest, ReferralResult, ReferralStatus
    from domain.workflow_models import HandOver, InspectionInput, InspectionResult


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
    receiver takes it, its channel runs alongside the case."""
    referral = await refer(case, request.kind, request.sender, request.reason_zh)
    if referral is None or referral.status is not ReferralStatus.accepted:
        return
    if request.kind is ReferralKind.inspection:
        total, workers = case.facts.total_claimed, case.facts.worker_count
        complaint = InspectionInput(ctx=case.ctx, complained_on=referral.decided_on, amount=total, worker_count=workers)
        await case.child("inspection", complaint, InspectionResult, alongside=True)


async def hand_over(case: DisputeCase, news: HandOver) -> None:
    """Who holds the case changes within its stage (the court's invited mediators take it, then give it
    back): recorded with the day it happened, so the pages show each holder in turn."""
    if case.stage.is_closed:
        return
    case.handed = (news.agency, news.team) if news.agency is not None else None
    case.holder = (*case.current_holder(), news.on)
    await case.record_status()

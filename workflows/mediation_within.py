"""Mediation within a proceeding, by another organisation: the court's invited mediators before filing
(委派, 30 days, D39) or after it (委托, 15 days, D40), and mediation before the arbitration hearing
(D21, a jurisdiction parameter: 10 days in the national profile). Each is a referral (transfer letter,
acknowledgement, accept or return) followed by the mediation child workflow; while it runs the case is
held by the mediators, then handed back. An agreement ends the proceeding; otherwise it goes on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from temporalio import workflow

from workflows.kit.base import StatutoryWorkflow

with workflow.unsafe.imports_passed_through():
    from domain.case import Channel
    from domain.organisations import Agency
    from domain.referrals import REFERRALS, ReferralInput, ReferralKind, ReferralResult, ReferralStatus
    from domain.workflow_models import CaseContext, HandOver, MediationInput, MediationOutcome, MediationResult


@dataclass(frozen=True)
class Within:
    """One way of putting a proceeding's case to mediators."""

    kind: ReferralKind
    sender: Agency
    channel: Channel
    court_variant: str | None
    period_rule: str | None
    sender_role: str
    sender_zh: str  # printed when the sending team has no name
    reason_zh: str
    settled: tuple[str, str, str]  # timeline kind, zh, en
    back: tuple[str, str, str]


DELEGATED = Within(
    ReferralKind.court_mediation,
    Agency.court,
    Channel.court_mediation,
    "pre_filing",
    None,
    "court_clerk",
    "人民法院",
    "经当事人同意，本院在立案前委派特邀调解组织进行调解；调解不成的，依法登记立案。",
    ("court_mediation_settled", "委派调解达成协议，可申请司法确认", "Settled in the court-delegated mediation"),
    ("court_mediation_returned", "委派调解未达成协议，退回人民法院依法登记立案", "No agreement: back to the court for filing"),
)
ENTRUSTED = Within(
    ReferralKind.court_mediation,
    Agency.court,
    Channel.court_mediation,
    "ordinary",
    None,
    "judge",
    "人民法院",
    "经双方当事人同意，本院委托特邀调解组织进行调解。",
    ("court_mediation_settled", "委托调解达成协议，由人民法院依法确认", "Settled in the entrusted mediation"),
    ("court_mediation_returned", "委托调解未达成协议，退回人民法院继续审理", "No agreement in the entrusted mediation: back to the judge"),
)
PRE_HEARING = Within(
    ReferralKind.pre_hearing_mediation,
    Agency.arbitration,
    Channel.union_mediation,
    None,
    "D21",
    "arbitrator",
    "劳动人事争议仲裁委员会",
    "经双方当事人同意，本委在开庭前委托调解组织进行调解；调解不成的，及时开庭审理。",
    ("pre_hearing_settled", "庭前调解达成协议，仲裁庭据此制作调解书", "Settled before the hearing: a mediation statement follows"),
    ("pre_hearing_returned", "庭前调解未达成协议，仲裁庭及时开庭审理", "No agreement before the hearing: the hearing proceeds"),
)


async def mediate_within(wf: StatutoryWorkflow, ctx: CaseContext, how: Within, on: date, seq: int) -> MediationResult | None:
    """Refer the case to the mediators and, once they take it, run the mediation; None when they return
    it. The case workflow hears who holds the case (the mediators, then the sender again)."""
    own = workflow.info().workflow_id
    receiver_agency = REFERRALS[how.kind].receiver
    receiver = ctx.teams.get(receiver_agency)
    sender_team = ctx.teams.get(how.sender)
    sender_name = ctx.team_names.get(sender_team or "", how.sender_zh)
    mediators = ctx.team_names.get(receiver or "", REFERRALS[how.kind].title_zh)
    referral = ReferralInput(
        ctx=ctx,
        kind=how.kind,
        sent_on=on,
        sender_team=sender_team,
        sender_name=sender_name,
        receiver_team=receiver,
        receiver_name=mediators,
        reason_zh=how.reason_zh,
        sender_role=how.sender_role,
    )
    answer: ReferralResult = await workflow.execute_child_workflow(
        "referral", referral, id=f"{own}/referral/{seq}", result_type=ReferralResult
    )
    if answer.status is not ReferralStatus.accepted:
        return None
    handing = workflow.patched("hand-over")
    if handing:
        await wf.tell_parent("hand-over", HandOver(agency=receiver_agency, team=receiver, on=answer.decided_on))
    result: MediationResult = await workflow.execute_child_workflow(
        "mediation",
        MediationInput(
            ctx=ctx,
            channel=how.channel,
            received_on=answer.decided_on,
            court_variant=how.court_variant,
            period_rule=how.period_rule,
            team_code=receiver,
            organisation=mediators,
        ),
        id=f"{own}/mediation/{seq}",
        result_type=MediationResult,
    )
    kind, zh, en = how.settled if result.outcome is MediationOutcome.agreement else how.back
    await wf.event(kind, zh, en, on=result.ended_on)
    if handing and result.outcome is not MediationOutcome.agreement:
        await wf.tell_parent("hand-over", HandOver(agency=None, on=result.ended_on))
    return result

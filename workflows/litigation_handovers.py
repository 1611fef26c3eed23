"""The court's hand-overs on a suit: to its invited mediators (委派 before filing, 委托 after), to the
legal-aid centre for the worker, and to the procuratorate for support of the suit (CPL Art. 15). The
litigation workflow declares them as its handlers; the suit goes on meanwhile, or waits for the
mediators (workflows.mediation_within)."""

from __future__ import annotations

from temporalio import workflow

from workflows import sittings
from workflows.kit.actions import action
from workflows.kit.tasks import OpenTask

with workflow.unsafe.imports_passed_through():
    from domain.actions import ActionResult, Actor, LegalAidReferral, MediationEntrustment, SupportReferral
    from domain.catalogue import Litigation
    from domain.organisations import Agency
    from domain.records import DeadlineStatus
    from domain.referrals import ReferralKind, ReferralRequest


class CourtCase(sittings.Sittings):
    """What the court's hand-overs read and set on a suit (the litigation workflow sets them up)."""

    entrusted: MediationEntrustment | None
    delegated: MediationEntrustment | None
    support_asked: bool  # the procuratorate has been asked to support this suit (by the union or the court)

    def guard(self, task: OpenTask, action_name: str, payload: object) -> str | None:
        if action_name == Litigation.refer_to_procuratorate.name and self.support_asked:
            return "已商请人民检察院支持起诉，不能重复商请 / the procuratorate has already been asked to support this suit"
        return super().guard(task, action_name, payload)


@action(Litigation.entrust_mediation)
async def entrust_mediation(court: CourtCase, task: OpenTask, entrustment: MediationEntrustment, actor: Actor) -> ActionResult:
    court.entrusted = entrustment
    await court.event(
        "court_mediation_entrusted",
        "法院委托特邀调解组织调解",
        "The court entrusted the case to invited mediators",
        actor=actor,
        on=entrustment.on,
        citation="《最高人民法院关于人民法院特邀调解的规定》 / SPC invited-mediation rules",
    )
    return ActionResult(message_zh="已委托调解", message_en="Mediation entrusted")


@action(Litigation.delegate_mediation)
async def delegate_mediation(court: CourtCase, task: OpenTask, delegation: MediationEntrustment, actor: Actor) -> ActionResult:
    await court.close_deadline("filing", DeadlineStatus.met)
    court.delegated = delegation
    await court.event(
        "court_mediation_delegated",
        "法院在立案前委派特邀调解组织调解",
        "The court delegated the case to invited mediators before filing",
        actor=actor,
        on=delegation.on,
        citation="《最高人民法院关于人民法院特邀调解的规定》第二十七条 / SPC invited-mediation provisions Art. 27",
    )
    return ActionResult(message_zh="已委派调解", message_en="Mediation delegated")


@action(Litigation.refer_to_legal_aid)
async def refer_to_legal_aid(court: CourtCase, task: OpenTask, request: LegalAidReferral, actor: Actor) -> ActionResult:
    return await court.refer_for_legal_aid(Agency.court, request, actor, "人民法院", ("诉讼", "the suit"))


@action(Litigation.refer_to_procuratorate)
async def refer_to_procuratorate(court: CourtCase, task: OpenTask, request: SupportReferral, actor: Actor) -> ActionResult:
    """The court asks the procuratorate to support the worker's suit (CPL Art. 15); the suit goes on,
    and the procuratorate's decision runs alongside it once it takes the referral."""
    court.support_asked = True
    await court.refer_alongside(
        ReferralRequest(kind=ReferralKind.procuratorate, sender=Agency.court, on=request.on, reason_zh=request.reason),
        "procuratorate_support_requested",
        f"人民法院商请人民检察院支持起诉：{request.reason}",
        "The court asks the procuratorate to support the suit",
        actor,
    )
    return ActionResult(
        message_zh="已商请人民检察院支持起诉，诉讼继续", message_en="The procuratorate is asked to support the suit; the suit goes on"
    )

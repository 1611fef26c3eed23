"""The agencies of the joint mechanism ("trade union + court + procuratorate + HR and social security +
justice bureau", 2024 reform), which roles work in each, and which agency holds each step of a case.

One home for the question "who does this?": a channel's tasks go to the organisation of the kind
named here in the case's region (LDMAL Art. 21: the commission where the contract is performed; the
court by territorial jurisdiction), to staff of the role named here."""

from __future__ import annotations

from enum import StrEnum

from domain.case import Channel, Stage
from domain.roles import Role


class OrgKind(StrEnum):
    """The kinds of organisation, by the body they belong to."""

    union_federation = "union_federation"  # 工会（法律工作部）: labour-law supervision
    union_mediation_centre = "union_mediation_centre"  # 工会劳动争议调解中心
    enterprise_committee = "enterprise_committee"  # 企业劳动争议调解委员会
    peoples_mediation = "peoples_mediation"  # 人民调解委员会 (justice bureau)
    legal_aid = "legal_aid"  # 法律援助中心 (justice bureau)
    arbitration_commission = "arbitration_commission"  # 劳动人事争议仲裁委员会 (HR and social security)
    labour_inspection = "labour_inspection"  # 劳动保障监察机构 (HR and social security)
    court = "court"  # 人民法院
    procuratorate = "procuratorate"  # 人民检察院
    public_security = "public_security"  # 公安机关: receives criminal referrals


ORG_NAMES: dict[OrgKind, tuple[str, str]] = {
    OrgKind.union_federation: ("总工会", "Federation of trade unions"),
    OrgKind.union_mediation_centre: ("工会劳动争议调解中心", "Union labour dispute mediation centre"),
    OrgKind.enterprise_committee: ("企业劳动争议调解委员会", "Enterprise labour dispute mediation committee"),
    OrgKind.peoples_mediation: ("人民调解委员会", "People's mediation committee"),
    OrgKind.legal_aid: ("法律援助中心", "Legal aid centre"),
    OrgKind.arbitration_commission: ("劳动人事争议仲裁委员会", "Labour and personnel dispute arbitration commission"),
    OrgKind.labour_inspection: ("劳动保障监察支队", "Labour inspection brigade"),
    OrgKind.court: ("人民法院", "People's court"),
    OrgKind.procuratorate: ("人民检察院", "People's procuratorate"),
    OrgKind.public_security: ("公安分局", "Public security bureau"),
}

# Where each role may work. Administrators and supervisors belong to any organisation (a supervisor
# is the head who receives escalations); everyone else only to the kinds whose work they do.
ROLE_KINDS: dict[Role, frozenset[OrgKind]] = {
    Role.mediator: frozenset({OrgKind.union_mediation_centre, OrgKind.enterprise_committee, OrgKind.peoples_mediation}),
    Role.union_legal: frozenset({OrgKind.union_federation}),
    Role.arbitration_clerk: frozenset({OrgKind.arbitration_commission}),
    Role.arbitrator: frozenset({OrgKind.arbitration_commission}),
    Role.commission_head: frozenset({OrgKind.arbitration_commission}),
    Role.court_clerk: frozenset({OrgKind.court}),
    Role.judge: frozenset({OrgKind.court}),
    Role.enforcement_officer: frozenset({OrgKind.court}),
    Role.inspector: frozenset({OrgKind.labour_inspection}),
    Role.procurator: frozenset({OrgKind.procuratorate}),
    Role.legal_aid_reviewer: frozenset({OrgKind.legal_aid}),
    Role.legal_aid_lawyer: frozenset({OrgKind.legal_aid}),
    Role.police_officer: frozenset({OrgKind.public_security}),
    Role.supervisor: frozenset(OrgKind),
    Role.admin: frozenset(OrgKind),
}


def role_fits(role: Role, kind: OrgKind | None) -> bool:
    """May a staff member of `role` belong to an organisation of `kind` (None: no organisation)?"""
    if kind is None:
        return role is Role.admin
    return kind in ROLE_KINDS[role]


class Agency(StrEnum):
    """Who holds a step of a case: the keys of a case's holder table (`CaseContext.teams`)."""

    union_mediation = "union_mediation"
    enterprise_committee = "enterprise_committee"
    peoples_mediation = "peoples_mediation"
    court_mediation = "court_mediation"  # the court's invited mediators (特邀调解), a people's mediation committee
    arbitration = "arbitration"
    court = "court"
    enforcement = "enforcement"
    inspection = "inspection"
    legal_aid = "legal_aid"
    procuratorate = "procuratorate"
    public_security = "public_security"


# The organisation kind that holds each agency role in a case's region.
AGENCY_KIND: dict[Agency, OrgKind] = {
    Agency.union_mediation: OrgKind.union_mediation_centre,
    Agency.enterprise_committee: OrgKind.enterprise_committee,
    Agency.peoples_mediation: OrgKind.peoples_mediation,
    Agency.court_mediation: OrgKind.peoples_mediation,
    Agency.arbitration: OrgKind.arbitration_commission,
    Agency.court: OrgKind.court,
    Agency.enforcement: OrgKind.court,
    Agency.inspection: OrgKind.labour_inspection,
    Agency.legal_aid: OrgKind.legal_aid,
    Agency.procuratorate: OrgKind.procuratorate,
    Agency.public_security: OrgKind.public_security,
}


# Who holds each task of a case, by the task's kind: the agency whose team gets it and the role it is
# assigned to. A kind not listed stays with the team that runs the channel (e.g. the mediators).
TASK_HOLDERS: dict[str, tuple[Agency, Role]] = {
    "record_confirmation_ruling": (Agency.court, Role.judge),
    "payment_order_acceptance": (Agency.court, Role.court_clerk),
    "payment_order_issue": (Agency.court, Role.judge),
    "payment_order_response": (Agency.court, Role.judge),
    "record_arbitration_acceptance": (Agency.arbitration, Role.arbitration_clerk),
    "record_award": (Agency.arbitration, Role.arbitrator),
    "confirm_deemed_withdrawal": (Agency.arbitration, Role.arbitrator),  # LDMAL Art. 36 para 1, offered to confirm
    "confirm_award_in_absence": (Agency.arbitration, Role.arbitrator),  # LDMAL Art. 36 para 2
    "record_award_challenge": (Agency.court, Role.court_clerk),
    "record_revocation_ruling": (Agency.court, Role.judge),
    "record_filing": (Agency.court, Role.court_clerk),
    "record_judgment": (Agency.court, Role.judge),
    "record_appeal": (Agency.court, Role.court_clerk),
    "record_second_judgment": (Agency.court, Role.judge),
    "record_performance": (Agency.enforcement, Role.enforcement_officer),
    "record_inspection_acceptance": (Agency.inspection, Role.inspector),
    "record_inspection_result": (Agency.inspection, Role.inspector),
    "record_order_outcome": (Agency.inspection, Role.inspector),
    "record_police_decision": (Agency.public_security, Role.police_officer),
    "decide_legal_aid": (Agency.legal_aid, Role.legal_aid_reviewer),
    "assign_lawyer": (Agency.legal_aid, Role.legal_aid_reviewer),
    "record_procuratorate_decision": (Agency.procuratorate, Role.procurator),
    "pursue_criminal_referral": (Agency.inspection, Role.inspector),
    "supervise_filing": (Agency.procuratorate, Role.procurator),
    "police_explanation": (Agency.procuratorate, Role.procurator),
    "assess_explanation": (Agency.procuratorate, Role.procurator),
    "police_filing": (Agency.procuratorate, Role.procurator),
}


def mediation_agency(channel: str | None) -> Agency:
    """The mediation organisation of a mediation channel (enterprise committee, people's mediation...);
    the union's mediation centre for any other (the lowest level first)."""
    return Agency(channel) if channel is not None and channel in Agency.__members__ else Agency.union_mediation


def holding_agency(stage: Stage, channel: Channel | None) -> Agency | None:
    """Who holds a case at this stage (None: nobody but the worker, who has a choice to make, or closed)."""
    if stage in (Stage.mediation, Stage.agreement):
        return mediation_agency(channel.value if channel is not None else None)
    return _STAGE_HOLDERS.get(stage)


_STAGE_HOLDERS: dict[Stage, Agency] = {
    Stage.intake: Agency.union_mediation,
    Stage.payment_order: Agency.court,
    Stage.arbitration: Agency.arbitration,
    Stage.post_award: Agency.arbitration,
    Stage.litigation: Agency.court,
    Stage.enforcement: Agency.enforcement,
    Stage.inspection: Agency.inspection,
}

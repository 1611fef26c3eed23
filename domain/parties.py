"""The parties a worker names: several respondents per case, each in a role the law makes answer
for the worker's claims (the employer; the platform and its partner or outsourcing firm; the dispatch
agency and the unit using the worker; a guarantor of wages; the contractor chain of a construction
site), with its unified social credit code (GB 32100, checked by `domain.identifiers`).

Pure rules and contracts only: the role table with the provision behind each role, the checks
across the list (no credit code twice; a contractor chain only for wages), and the facts the
workflow keeps about each respondent (no contact details)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from domain.identifiers import IdentifierError, normalise_mobile

EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[A-Za-z]{2,}$")
MAX_RESPONDENTS = 10


class RespondentRole(StrEnum):
    """Why a respondent answers for the worker's claims."""

    employer = "employer"  # 用人单位
    platform = "platform"  # 平台企业
    partner = "partner"  # 合作用工企业 / 劳务外包企业
    dispatch_agency = "dispatch_agency"  # 劳务派遣单位
    using_unit = "using_unit"  # 用工单位
    wage_guarantor = "wage_guarantor"  # 工资支付担保人
    contractor = "contractor"  # 施工总承包单位 / 分包单位


@dataclass(frozen=True)
class RoleRule:
    """A role's names and the provision that makes a party in that role answer."""

    zh: str
    en: str
    basis: str
    wages_only: bool = False  # only a party to a claim for pay


ROLES: dict[RespondentRole, RoleRule] = {
    RespondentRole.employer: RoleRule("用人单位", "Employer", "《劳动争议调解仲裁法》第二条 / LDMAL Art. 2"),
    RespondentRole.platform: RoleRule(
        "平台企业", "Platform", "《关于维护新就业形态劳动者劳动保障权益的指导意见》（人社部发〔2021〕56号）第二条 / "
        "Guidance on new forms of employment (2021) s. 2"),
    RespondentRole.partner: RoleRule(
        "合作用工企业（劳务外包）", "Partner or outsourcing firm",
        "《最高人民法院关于审理劳动争议案件适用法律问题的解释（二）》（2025）第一条至第三条 / SPC Interpretation (II) 2025 Art. 1-3"),
    RespondentRole.dispatch_agency: RoleRule(
        "劳务派遣单位", "Dispatch agency", "《劳动争议调解仲裁法》第二十二条第二款 / LDMAL Art. 22 para 2"),
    RespondentRole.using_unit: RoleRule(
        "用工单位", "Unit using the worker", "《劳动争议调解仲裁法》第二十二条第二款 / LDMAL Art. 22 para 2"),
    RespondentRole.wage_guarantor: RoleRule(
        "工资支付担保人", "Guarantor of wages", "《保障农民工工资支付条例》第三十二条 / Migrant Workers' Wages Regulation Art. 32",
        wages_only=True),
    RespondentRole.contractor: RoleRule(
        "施工总承包单位或分包单位", "Contractor chain (construction)",
        "《保障农民工工资支付条例》第二十九条、第三十条 / Migrant Workers' Wages Regulation Art. 29-30", wages_only=True),
}


def role_label(role: RespondentRole | str) -> tuple[str, str]:
    """The role's Chinese and English names."""
    rule = ROLES[RespondentRole(role)]
    return rule.zh, rule.en


def normalise_contact(value: str) -> str:
    """A respondent's contact for notices: a mainland mobile number or an e-mail address."""
    text = value.strip()
    if "@" in text:
        if not EMAIL.match(text):
            raise IdentifierError(
                "电子邮箱格式不正确 / the e-mail address is not valid", "contact.email",
                "填写完整的电子邮箱，如 hr@example.com / give a full e-mail address, e.g. hr@example.com")
        return text.lower()
    try:
        return normalise_mobile(text)
    except IdentifierError:
        raise IdentifierError(
            "联系方式应为手机号码或电子邮箱 / the contact is a mobile number or an e-mail address", "contact.format",
            "填写11位手机号码或电子邮箱 / give an 11-digit mobile number or an e-mail address") from None


def contact_channel(contact: str) -> str:
    """How a notice reaches this contact: `email` for an address, `sms` for a mobile."""
    return "email" if "@" in contact else "sms"


@dataclass(frozen=True)
class ListProblem:
    """What is wrong with the list of respondents, and how to fix it."""

    code: str
    message: str
    fix: str


def check_respondents(parties: Sequence[tuple[RespondentRole, str, str | None]], wage_claim: bool) -> ListProblem | None:
    """(role, name, credit code) of every respondent, the first being the one named as employer:
    no credit code twice, no name twice, and roles that answer only for pay only in a claim for pay."""
    codes = [uscc for _, _, uscc in parties if uscc]
    if len(codes) != len(set(codes)):
        return ListProblem("respondents.duplicate_uscc", "同一统一社会信用代码填写了两次 / the same credit code is given twice",
                           "每个被申请人只填写一次 / name each respondent once")
    names = [name.strip() for _, name, _ in parties]
    if len(names) != len(set(names)):
        return ListProblem("respondents.duplicate_name", "同一被申请人填写了两次 / the same respondent is named twice",
                           "每个被申请人只填写一次 / name each respondent once")
    for role, _, _ in parties:
        rule = ROLES[role]
        if rule.wages_only and not wage_claim:
            return ListProblem(
                "respondents.role_needs_wage_claim",
                f"“{rule.zh}”只对拖欠工资承担责任（{rule.basis}） / a {rule.en.lower()} answers only for unpaid pay",
                "请求支付工资时才列为被申请人，或改选其他身份 / name it only with a claim for wages, or choose another role")
    return None


class Respondent(BaseModel):
    """A respondent as the workflow knows it: its place in the list, role and identity, no contact."""

    model_config = ConfigDict(frozen=True)

    seq: int
    role: RespondentRole = RespondentRole.employer
    name: str
    uscc: str | None = None

    @property
    def label_zh(self) -> str:
        return f"{self.name}（{ROLES[self.role].zh}）"


# ---- the invitation to mediate and electronic service --------------------------------------------

# The case's documents a respondent receives (served on it): the worker's applications and the
# records, agreements and decisions of the proceedings it is a party to.
SERVED_ON_RESPONDENTS = frozenset({
    "mediation_application", "mediation_record", "mediation_agreement", "mediation_termination_notice",
    "arbitration_application", "evidence_list", "sitting_notice",
})


class InvitationAnswer(StrEnum):
    """A respondent's answer to the invitation to mediate (mediation is voluntary: LDMAL Art. 5)."""

    agreed = "agreed"
    refused = "refused"


class InvitationOutcome(StrEnum):
    """Where the invitation leaves the mediation."""

    open = "open"  # answers outstanding, period running
    agreed = "agreed"  # every respondent agreed
    partly = "partly"  # the period ended: some agreed, the others did not answer; mediation goes on with those who came
    refused = "refused"  # a respondent refused: mediation ends (People's Mediation Law Art. 17)
    no_answer = "no_answer"  # the period ended and nobody agreed: deemed unwilling, mediation ends


@dataclass(frozen=True)
class AnswerRule:
    """How long a respondent has to answer the invitation, counted from the day it was served."""

    working_days: int
    basis: str


# The mediation organisation accepts within 3 working days where both parties agree to mediate, and
# writes to the applicant where one does not (Enterprise Labour Dispute Consultation and Mediation
# Provisions, MOHRSS Order 17, Art. 22): the respondent's answer is awaited for those 3 working days.
INVITATION_ANSWER = AnswerRule(
    3, "《企业劳动争议协商调解规定》第二十二条 / Enterprise Labour Dispute Consultation and Mediation Provisions Art. 22")
REFUSAL_BASIS = "《人民调解法》第十七条 / People's Mediation Law Art. 17; 《劳动争议调解仲裁法》第五条 / LDMAL Art. 5"
ELECTRONIC_SERVICE_BASIS = "《民事诉讼法》第九十条 / Civil Procedure Law Art. 90"


def answer_due(served_on: date, is_workday: Callable[[date], bool], rule: AnswerRule = INVITATION_ANSWER) -> date:
    """The last day to answer: `rule.working_days` working days after the day of service (that day not counted)."""
    day, left = served_on, rule.working_days
    while left:
        day += timedelta(days=1)
        if is_workday(day):
            left -= 1
    return day


def invitation_outcome(invited: Sequence[int], answers: Mapping[int, InvitationAnswer], period_over: bool) -> InvitationOutcome:
    """Where the answers leave mediation: one refusal ends it; all agreeing opens it; at the end of the
    period, silence counts as unwillingness unless someone agreed (mediation goes on with them)."""
    if any(answers.get(seq) is InvitationAnswer.refused for seq in invited):
        return InvitationOutcome.refused
    agreed = [seq for seq in invited if answers.get(seq) is InvitationAnswer.agreed]
    if len(agreed) == len(invited):
        return InvitationOutcome.agreed
    if not period_over:
        return InvitationOutcome.open
    return InvitationOutcome.partly if agreed else InvitationOutcome.no_answer


class RespondentAnswer(BaseModel):
    """A respondent's answer through its link (the `respondent-answer` Update)."""

    model_config = ConfigDict(frozen=True)

    seq: int
    answer: InvitationAnswer
    proposed_times: tuple[datetime, ...] = ()
    reason: str = ""


class RespondentServed(BaseModel):
    """A document reached a respondent that agreed to electronic service (its link was opened)."""

    model_config = ConfigDict(frozen=True)

    seq: int
    served_at: datetime  # aware; its China date is the date of service
    purpose: str = "mediation_invitation"


class InviteRespondents(BaseModel):
    """What the `invite-respondents` activity needs: whom to invite, by whom, until when."""

    model_config = ConfigDict(frozen=True)

    subject: str
    case_no: str
    workflow_id: str
    respondents: tuple[Respondent, ...]
    organisation: str
    invited_on: date
    answer_due: date
    purpose: str = "mediation_invitation"  # or arbitration_service: the application's copy served for a defence (D16)
    template: str = "respondent_invitation"


class RespondentDefence(BaseModel):
    """A respondent's defence in arbitration, filed through its link (LDMAL Art. 30)."""

    model_config = ConfigDict(frozen=True)

    seq: int
    text: str = Field(min_length=10, max_length=4000)
    evidence_ids: tuple[str, ...] = ()

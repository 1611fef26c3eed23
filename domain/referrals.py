"""Referrals: every hand-over of a case between agencies. Each kind names who receives it, the role
that acknowledges it, how soon (a service level: the law sets the decision period that follows, not
the acknowledgement), and the statutory period the receiver then runs. The receiver accepts, or
returns it with a reason, which goes back to the sender."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from domain.fact_dates import PastDate
from domain.organisations import Agency
from domain.roles import Role
from domain.workflow_models import CaseContext


class ReferralKind(StrEnum):
    arbitration = "arbitration"  # union (or enterprise, people's) mediation -> the arbitration commission
    court = "court"  # the arbitration commission -> the court, when a party sues after the award
    court_mediation = "court_mediation"  # the court -> its invited mediators (委派 before filing, 委托 after), and back
    legal_aid = "legal_aid"  # any channel -> the legal-aid centre
    inspection = "inspection"  # mediation or arbitration -> labour inspection, for a suspected violation
    public_security = "public_security"  # labour inspection -> the police (refusal to pay wages)
    procuratorate = "procuratorate"  # the court or the union -> the procuratorate (support for a suit)
    pre_hearing_mediation = "pre_hearing_mediation"  # the arbitration commission -> a mediation organisation, and back


@dataclass(frozen=True)
class ReferralRule:
    receiver: Agency
    receiver_role: Role
    acknowledge_days: int  # service level, not law
    decision_rule: str | None  # the receiver's own period once it has the case
    decision_zh: str | None  # that period in words, printed on the transfer letter
    title_zh: str
    title_en: str
    basis: str


REFERRALS: dict[ReferralKind, ReferralRule] = {
    ReferralKind.arbitration: ReferralRule(
        Agency.arbitration,
        Role.arbitration_clerk,
        2,
        "D13",
        "自收到仲裁申请之日起五日内决定是否受理（第二十九条）",
        "移送劳动人事争议仲裁委员会",
        "Referred to the arbitration commission",
        "《劳动争议调解仲裁法》第十四条、第二十九条 / LDMAL Art. 14, 29",
    ),
    ReferralKind.court: ReferralRule(
        Agency.court,
        Role.court_clerk,
        2,
        "D34",
        "在七日内决定是否立案（《民事诉讼法》第一百二十六条）",
        "移送人民法院",
        "Referred to the people's court",
        "《劳动争议调解仲裁法》第五十条；《民事诉讼法》第一百二十六条 / LDMAL Art. 50; CPL Art. 126",
    ),
    ReferralKind.court_mediation: ReferralRule(
        Agency.court_mediation,
        Role.mediator,
        2,
        "D40",
        "在十五日内调解完毕，未达成协议的退回人民法院审理",
        "委托特邀调解组织调解",
        "Entrusted to the court's invited mediators",
        "《最高人民法院关于人民法院特邀调解的规定》第二十七条 / SPC invited-mediation provisions Art. 27",
    ),
    ReferralKind.legal_aid: ReferralRule(
        Agency.legal_aid,
        Role.legal_aid_reviewer,
        1,
        "D56",
        "自收到申请之日起七日内作出是否给予法律援助的决定（《法律援助法》第四十三条）",
        "转请法律援助",
        "Referred for legal aid",
        "《法律援助法》第四十三条 / Legal Aid Law Art. 43",
    ),
    ReferralKind.inspection: ReferralRule(
        Agency.inspection,
        Role.inspector,
        2,
        "D45",
        "在五个工作日内决定是否立案",
        "移送劳动保障监察机构",
        "Referred to labour inspection",
        "《劳动保障监察条例》第十四条 / Labour Inspection Regulation Art. 14",
    ),
    ReferralKind.public_security: ReferralRule(
        Agency.public_security,
        Role.police_officer,
        3,
        None,
        "自接受移送之日起三日内作出立案或者不予立案的决定",
        "移送公安机关",
        "Referred to the police",
        "《行政执法机关移送涉嫌犯罪案件的规定》第八条 / Provisions on transferring suspected crimes Art. 8",
    ),
    ReferralKind.procuratorate: ReferralRule(
        Agency.procuratorate,
        Role.procurator,
        3,
        None,
        None,
        "商请检察机关支持起诉",
        "Referred to the procuratorate for support",
        "《民事诉讼法》第十五条 / CPL Art. 15",
    ),
    ReferralKind.pre_hearing_mediation: ReferralRule(
        Agency.union_mediation,
        Role.mediator,
        1,
        "D21",
        "经双方当事人同意，在开庭前委托调解，调解不成的及时开庭",
        "委托调解组织开庭前调解",
        "Entrusted to a mediation organisation before the hearing",
        "《劳动争议调解仲裁法》第四十二条；仲裁办案规则（条号待核实） / LDMAL Art. 42; Case-Handling Rules",
    ),
}


class ReferralStatus(StrEnum):
    sent = "sent"
    accepted = "accepted"
    returned = "returned"  # the receiver gave it back with a reason; the sender decides what next
    withdrawn = "withdrawn"  # the sender gave up after a return


class ReferralInput(BaseModel):
    """One hand-over: from the sending team to the receiving team of this case."""

    model_config = ConfigDict(frozen=True)

    ctx: CaseContext
    kind: ReferralKind
    sent_on: date
    sender_team: str | None
    sender_name: str
    receiver_team: str | None
    receiver_name: str
    reason_zh: str = ""  # why it is referred (shown on the transfer letter)
    sender_role: str = "mediator"  # who deals with a return on the sender's side


class ReferralResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    status: ReferralStatus
    decided_on: date
    reason: str = ""


class ReferralRecord(BaseModel):
    """The projection row both sides read (activity `record-referral`)."""

    model_config = ConfigDict(frozen=True)

    referral_key: str
    case_no: str
    kind: ReferralKind
    sender_team: str | None
    sender_name: str
    receiver_team: str | None
    receiver_name: str
    sent_on: date
    acknowledge_by: date | None = None
    status: ReferralStatus = ReferralStatus.sent
    decided_on: date | None = None
    reason: str = ""
    document_id: str | None = None


class ReferralAnswer(BaseModel):
    """The receiver takes the case (收件): its own statutory period starts."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    on: PastDate
    remarks: str = Field(default="", max_length=1000)


class ReferralReturn(BaseModel):
    """The receiver gives the case back, saying why (e.g. not in its territory, materials missing)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    on: PastDate
    reason: str = Field(min_length=1, max_length=1000)


class ReferralResend(BaseModel):
    """The sender sends it again (corrected), or gives up."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    on: PastDate
    remarks: str = Field(default="", max_length=1000)


# Who deals with a returned referral on the sending side.
SENDER_ROLES: dict[Agency, Role] = {
    Agency.union_mediation: Role.mediator,
    Agency.enterprise_committee: Role.mediator,
    Agency.peoples_mediation: Role.mediator,
    Agency.court_mediation: Role.mediator,
    Agency.arbitration: Role.arbitration_clerk,
    Agency.court: Role.judge,
    Agency.enforcement: Role.enforcement_officer,
    Agency.inspection: Role.inspector,
    Agency.legal_aid: Role.legal_aid_reviewer,
    Agency.procuratorate: Role.procurator,
    Agency.public_security: Role.police_officer,
}


class ReferralRequest(BaseModel):
    """A channel asks the case to refer it on (signal `refer`): e.g. a mediator who finds a suspected
    violation refers it to labour inspection while the dispute goes on."""

    model_config = ConfigDict(frozen=True)

    kind: ReferralKind
    sender: Agency
    on: date
    reason_zh: str

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
    # After the police decline to file a case labour inspection transferred (what may follow: REFUSALS)
    filing_supervision = "filing_supervision"  # labour inspection -> the procuratorate: supervise the police's non-filing
    supervision_reconsideration = "supervision_reconsideration"  # ... reconsider refusing it (D68, decided in D69)
    supervision_review = "supervision_review"  # ... the higher procuratorate reviews that (D68 review, D69 review)


SUPERVISION_BASIS = (
    "《刑事诉讼法》第一百一十三条；《人民检察院办理行政执法机关移送涉嫌犯罪案件的规定》第九条、第十条"
    " / CPL Art. 113; SPP Provisions on Transferred Criminal Cases Art. 9, 10"
)
TRANSFER_BASIS = "《人民检察院办理行政执法机关移送涉嫌犯罪案件的规定》第七条 / SPP Provisions on Transferred Criminal Cases Art. 7"


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
    # Where the receiver's answer is itself its decision (a reconsideration), the law's period for it
    # (rule, variant) replaces the acknowledgement's service level.
    answer_rule: tuple[str, str | None] | None = None
    # A return is the receiver's decision (the police's non-filing), not a file to correct and send
    # again: the referral ends there, and what may follow is in REFUSALS.
    return_is_decision: bool = False
    ask_zh: str = "请确认收案或退回"  # what the receiver's task asks, i.e. what its two answers mean
    ask_en: str = "acknowledge or return"


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
        return_is_decision=True,
        ask_zh="立案的请确认收案；不予立案的请退回并说明理由",
        ask_en="acknowledge to open a criminal case; return with the reasons not to",
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
    # P20 §7 sets the 5/7 and 5/15 days for a procuratorate's decision not to open a case transferred to
    # it; the legal reference's "Referral" row, and this table, apply them to its refusal to supervise.
    ReferralKind.filing_supervision: ReferralRule(
        Agency.procuratorate,
        Role.procurator,
        3,
        None,
        "依法进行立案监督；需要公安机关说明不立案理由的，要求其在收到通知书后七日内书面说明（第十条）",
        "建议人民检察院依法进行立案监督",
        "Filing supervision requested from the procuratorate",
        SUPERVISION_BASIS,
        return_is_decision=True,
        ask_zh="受理立案监督建议的请确认收案；不予立案监督的请退回并说明理由",
        ask_en="acknowledge to supervise the police's non-filing; return with the reasons not to",
    ),
    ReferralKind.supervision_reconsideration: ReferralRule(
        Agency.procuratorate,
        Role.procurator,
        7,  # answer_rule below sets the due date
        "D69",
        "自收到要求复议意见书之日起七日内作出复议决定（第七条）",
        "要求人民检察院复议不予立案监督的决定",
        "Reconsideration of the refusal to supervise requested",
        TRANSFER_BASIS,
        answer_rule=("D69", "reconsideration"),
        return_is_decision=True,
        ask_zh="作出复议决定：撤销原决定、开展立案监督的请确认收案；维持的请退回并说明理由",
        ask_en="decide: acknowledge to revoke the refusal and supervise; return with the reasons to uphold it",
    ),
    ReferralKind.supervision_review: ReferralRule(
        Agency.procuratorate,  # the higher procuratorate has no staff here: the region's relays its decision
        Role.procurator,
        15,  # answer_rule below sets the due date
        "D69",
        "自收到提请复核意见书之日起十五日内作出复核决定（第七条）",
        "提请上一级人民检察院复核",
        "Review by the higher procuratorate requested",
        TRANSFER_BASIS,
        answer_rule=("D69", "review"),
        return_is_decision=True,
        ask_zh="记录上一级人民检察院的复核决定：撤销原决定的请确认收案；维持的请退回并说明理由",
        ask_en="record the higher procuratorate's review: acknowledge if it revoked the refusal; return if it upheld it",
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


@dataclass(frozen=True)
class Refusal:
    """A refused referral whose refusal is the receiver's decision: what it means, and what the sender
    may do next (send the referral `then`, by the last day of rule `last_day` where the law sets one)."""

    zh: str
    en: str
    then: ReferralKind | None = None  # None: the refusal is final
    action: str = ""  # the sender's catalogue action (domain.catalogue.CriminalReferral) that sends `then`
    last_day: tuple[str, str | None] | None = None  # (rule, variant) counted from the refusal's receipt
    offer_zh: str = ""  # what the sender may do now; "{due}" is the last day
    offer_en: str = ""
    lapsed_zh: str = ""  # the timeline once the last day has passed unused
    lapsed_en: str = ""
    letter_zh: str = ""  # why, printed on the transfer letter of `then`
    addressee_zh: str = "{name}"  # whom `then` is addressed to ("{name}": the receiving team's name)
    basis: str = ""


# What may follow which refusal: the police's non-filing -> ask the procuratorate to supervise it
# (no period set) -> its refusal -> reconsideration within 5 days (D68), decided in 7 (D69) -> its
# refusal -> review by the higher procuratorate within 5 days (D68 review), decided in 15 (D69 review).
REFUSALS: dict[ReferralKind, Refusal] = {
    ReferralKind.public_security: Refusal(
        "公安机关决定不予立案",
        "The police decided not to open a criminal case",
        then=ReferralKind.filing_supervision,
        action="request_filing_supervision",
        offer_zh="可以建议人民检察院依法进行立案监督，或者结案",
        offer_en="the procuratorate may be asked to supervise the non-filing, or the matter closed",
        letter_zh="本机关移送的涉嫌拒不支付劳动报酬罪案件，公安机关决定不予立案。本机关认为应当立案，建议依法进行立案监督。",
        basis=SUPERVISION_BASIS,
    ),
    ReferralKind.filing_supervision: Refusal(
        "人民检察院决定不予立案监督",
        "The procuratorate refused to supervise the police's non-filing",
        then=ReferralKind.supervision_reconsideration,
        action="request_reconsideration",
        last_day=("D68", "reconsideration"),
        offer_zh="可以在{due}前要求复议，或者结案",
        offer_en="reconsideration may be requested by {due}, or the matter closed",
        lapsed_zh="要求复议的期限已于{due}届满，未要求复议，不能再要求复议",
        lapsed_en="The last day to request reconsideration ({due}) passed unused: it can no longer be requested",
        letter_zh="本机关对贵院不予立案监督的决定有异议，要求复议。",
        basis=TRANSFER_BASIS,
    ),
    ReferralKind.supervision_reconsideration: Refusal(
        "人民检察院复议维持不予立案监督的决定",
        "On reconsideration, the procuratorate upheld its refusal",
        then=ReferralKind.supervision_review,
        action="request_review",
        last_day=("D68", "review"),
        offer_zh="可以在{due}前提请上一级人民检察院复核，或者结案",
        offer_en="review by the higher procuratorate may be requested by {due}, or the matter closed",
        lapsed_zh="提请复核的期限已于{due}届满，未提请复核，不能再提请复核",
        lapsed_en="The last day to request a review ({due}) passed unused: it can no longer be requested",
        letter_zh="本机关对复议决定不服，提请上一级人民检察院复核。",
        addressee_zh="上一级人民检察院（经{name}转）",
        basis=TRANSFER_BASIS,
    ),
    ReferralKind.supervision_review: Refusal(
        "上一级人民检察院复核维持不予立案监督的决定",
        "On review, the higher procuratorate upheld the refusal: it is final",
        basis=TRANSFER_BASIS,
    ),
}

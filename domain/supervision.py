"""Union labour-law supervision (工会劳动法律监督, "one letter, two notices" 一函两书):
the payloads of the matter workflow, its staff actions, the employer's reply and live views.

A matter concerns one employer, identified by its unified social credit code (GB 32100, checked).
The ladder (rules section 7.3 and 15.3): investigation -> 提示函 reminder letter -> 意见书 opinion
notice -> 建议书 recommendation notice (opens a labour-inspection referral) -> escalation to the
local people's government (Trade Union Law Art. 23) or transfer of the lead to the procuratorate
(SPP-ACFTU 2024 notice). Pure: safe inside the workflow sandbox.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from domain.calendar import CalendarYear
from domain.case import VulnerableGroup
from domain.documents import DocumentType
from domain.fact_dates import PastDate, PlannedDate
from domain.statutes import UnknownArticle, article_key, article_text, get_law
from domain.validation import UsccCode

Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Uscc = UsccCode


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Rung(StrEnum):
    """The steps of the supervision ladder, lowest first."""

    investigation = "investigation"  # 调查 (>= 2 supervisors; Zhejiang P18 Art. 20)
    reminder_letter = "reminder_letter"  # 提示函 (preventive)
    opinion_notice = "opinion_notice"  # 意见书 (Zhejiang P18 Art. 21-22)
    recommendation_notice = "recommendation_notice"  # 建议书 (Zhejiang P18 Art. 23-24)
    inspection_referral = "inspection_referral"  # the department's handling of the 建议书
    government_escalation = "government_escalation"  # 提请当地人民政府依法处理 (TUL Art. 23)
    lead_transfer = "lead_transfer"  # 线索移送检察院 (SPP-ACFTU 2024)

    @property
    def zh(self) -> str:
        return RUNG_ZH[self]


RUNG_ZH = {
    Rung.investigation: "调查",
    Rung.reminder_letter: "提示函",
    Rung.opinion_notice: "意见书",
    Rung.recommendation_notice: "建议书",
    Rung.inspection_referral: "劳动保障监察处理",
    Rung.government_escalation: "提请人民政府处理",
    Rung.lead_transfer: "线索移送检察院",
}
NOTICE_RUNGS = (
    Rung.reminder_letter,
    Rung.opinion_notice,
    Rung.recommendation_notice,
    Rung.lead_transfer,
)
NOTICE_DOCUMENTS: dict[Rung, DocumentType] = {
    Rung.reminder_letter: DocumentType.reminder_letter,
    Rung.opinion_notice: DocumentType.opinion_notice,
    Rung.recommendation_notice: DocumentType.recommendation_notice,
    Rung.lead_transfer: DocumentType.lead_transfer_letter,
}


class MatterOrigin(StrEnum):
    dispute_case = "dispute_case"  # opened from a complaint (dispute case)
    inspection = "inspection"  # the union's own inspection (Zhejiang P18 Art. 17 ¶3)
    suggestion = "suggestion"  # the system's suggestion (repeated or collective complaints)


class EmployerKind(StrEnum):
    """Platforms and their partner firms are employers like any other, each by its own code."""

    ordinary = "ordinary"
    platform = "platform"
    platform_partner = "platform_partner"


class ReplyKind(StrEnum):
    rectified = "rectified"  # 已整改 (with proof)
    disputed = "disputed"  # 有异议 (with reasons; Zhejiang P18 Art. 22)
    refused = "refused"  # 拒不改正


class ServiceMethod(StrEnum):
    direct = "direct"  # 直接送达
    post = "post"  # 邮寄送达
    electronic = "electronic"  # 电子送达
    left_at_premises = "left_at_premises"  # 留置送达
    refused = "refused"  # 拒绝接收 (Zhejiang P18 Art. 23 (1))


class Trigger(StrEnum):
    """Why a rung was entered."""

    staff = "staff"
    no_reply = "no_reply"  # reply period ran out (Zhejiang P18 Art. 23 (2))
    refused_receipt = "refused_receipt"  # Art. 23 (1)
    refused = "refused"  # the employer refused to correct (Art. 23 (3))
    reply_rejected = "reply_rejected"  # union found the reply's reasons not valid (Art. 23 (3))
    not_rectified = "not_rectified"  # still not corrected after the department or government acted


ESCALATION_TRIGGERS = frozenset(
    {
        Trigger.no_reply,
        Trigger.refused_receipt,
        Trigger.refused,
        Trigger.reply_rejected,
        Trigger.not_rectified,
    }
)


class MatterOutcome(StrEnum):
    rectified = "rectified"  # the employer corrected (reply with proof)
    reply_accepted = "reply_accepted"  # the union accepted the employer's reasons
    rectified_after_inspection = "rectified_after_inspection"
    government_handled = "government_handled"
    transferred = "transferred"  # the lead went to the procuratorate
    no_violation = "no_violation"  # investigation found none (Zhejiang P18 Art. 19)
    closed_other = "closed_other"

    @property
    def rectified_outcome(self) -> bool:
        return self in (
            MatterOutcome.rectified,
            MatterOutcome.rectified_after_inspection,
            MatterOutcome.government_handled,
        )


class ArrearsKind(StrEnum):
    collective_migrant_wages = "collective_migrant_wages"  # 集体欠薪 of migrant workers
    social_insurance = "social_insurance"  # 欠缴社会保险费
    wages = "wages"  # other wage arrears


# ---- parties and input --------------------------------------------


class MatterEmployer(Frozen):
    """The supervised employer; `platform_uscc` names the platform a partner firm works for."""

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=200)]
    uscc: Uscc
    address: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] = ""
    kind: EmployerKind = EmployerKind.ordinary
    platform_uscc: Uscc | None = None

    @model_validator(mode="after")
    def _platform_named_for_partners(self) -> MatterEmployer:
        if self.platform_uscc is not None and self.platform_uscc == self.uscc:
            raise ValueError("platform_uscc: a partner firm and its platform have different codes")
        return self


class Signatory(Frozen):
    """Who signs the notice: the union chair or vice-chair (Zhejiang P18 Art. 21)."""

    name: Short
    title: Short = "主席"


class Issuer(Frozen):
    """The union issuing the notices: name and the 机关代字 printed in the 文号."""

    name: Short
    abbr: str | None = Field(default=None, max_length=12)


class SupervisionInput(Frozen):
    """What the matter workflow starts with (no personal data: an employer is an organisation)."""

    matter_no: str
    team_code: str
    region: str
    jurisdiction: str
    issuer: Issuer
    employer: MatterEmployer
    origin: MatterOrigin
    opened_on: date
    opened_by: str
    case_nos: tuple[str, ...] = ()
    origin_note: str = Field(default="", max_length=1000)
    signatory: Signatory | None = None
    reply_channel_zh: str = Field(default="", max_length=1000)
    reply_default_profile: str = "zhejiang"  # D49 when the matter's own profile sets no period
    joint_mechanism: bool = False  # court-union joint mechanism: the court gets a copy of lead transfers
    teams: dict[str, str] = Field(default_factory=dict)  # Agency -> the team holding its work in the region (the procuratorate's)
    calendar_years: tuple[CalendarYear, ...] = ()
    shift_days: int = 0  # simulations and tests only
    progress: MatterProgress | None = None


class MatterOpening(Frozen):
    """Union staff open a matter: from dispute cases, a proactive inspection or a suggestion."""

    employer: MatterEmployer
    origin: MatterOrigin
    case_nos: tuple[Annotated[str, StringConstraints(pattern=r"^LD-\d{4}-\d{6}$")], ...] = Field(default=(), max_length=50)
    origin_note: str = Field(default="", max_length=1000)
    signatory: Signatory | None = None
    joint_mechanism: bool = False

    @model_validator(mode="after")
    def _origin_has_its_facts(self) -> MatterOpening:
        if self.origin is not MatterOrigin.inspection and not self.case_nos:
            raise ValueError("case_nos: 请至少关联一件案件 / link at least one case")
        if self.origin is MatterOrigin.inspection and not self.origin_note.strip():
            raise ValueError("origin_note: 请说明检查中发现的情况 / say what the inspection found")
        return self


class SupervisionResult(Frozen):
    matter_no: str
    outcome: MatterOutcome
    closed_on: date
    highest_rung: Rung | None = None


# ---- staff action payloads ----------------------------------------


class ViolatedArticle(Frozen):
    """A provision the employer breached, by law code (or name) and article; checked against the
    shipped statute texts so the notice can quote it."""

    law: Short
    article: Short
    note: str = Field(default="", max_length=1000)

    @model_validator(mode="before")
    @classmethod
    def _known_article(cls, data: object) -> object:
        if not isinstance(data, dict) or not isinstance(data.get("law"), str) or not isinstance(data.get("article"), str):
            return data
        try:
            law = get_law(data["law"])
            key = article_key(data["article"])
            article_text(law.code, key)
        except UnknownArticle as exc:
            raise ValueError(f"{exc}; 请选择本产品收录条文的法律和条号 / choose a law and article whose text is shipped") from None
        return {**data, "law": law.code, "article": key}


class InvestigationRecord(Frozen):
    """调查: two or more supervisors showing their cards (Zhejiang P18 Art. 20) and findings."""

    completed_on: PastDate
    supervisors: tuple[Short, ...] = Field(min_length=2, max_length=10)
    findings: tuple[Line, ...] = Field(min_length=1, max_length=20)
    violations: tuple[ViolatedArticle, ...] = Field(default=(), max_length=20)
    record_no: str = Field(default="", max_length=60)
    employer_cooperated: bool = True
    non_cooperation_note: str = Field(default="", max_length=1000)

    @field_validator("supervisors")
    @classmethod
    def _distinct(cls, names: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(names)) < 2:
            raise ValueError(
                "调查须由两名以上不同的工会劳动法律监督员实施 / "
                "two different supervisors are required "
                "(Zhejiang Union Supervision Regulation Art. 20)"
            )
        return names


class LeadTransferDetails(Frozen):
    """What a lead transfer to the procuratorate needs (SPP-ACFTU 2024 notice)."""

    workers_affected: int = Field(ge=1, le=100_000)
    arrears_total: Decimal = Field(ge=0, max_digits=14, decimal_places=2)
    arrears_period_zh: Short
    order_issued_by: Short
    order_issued_on: PastDate
    order_due_on: PlannedDate
    order_document_no: str = Field(default="", max_length=60)
    groups: tuple[VulnerableGroup, ...] = ()
    arrears: tuple[ArrearsKind, ...] = ()
    employer_cooperating: bool = True
    copy_court: bool | None = None  # None: as the region's joint mechanism says


class NoticeDraft(Frozen):
    """A notice drafted for approval; empty findings/violations are taken from the investigation."""

    rung: Rung
    requests: tuple[Line, ...] = Field(min_length=1, max_length=20)
    findings: tuple[Line, ...] = Field(default=(), max_length=20)
    violations: tuple[ViolatedArticle, ...] = Field(default=(), max_length=20)
    addressee: str = Field(default="", max_length=200)
    reason: str = Field(default="", max_length=1000)  # why a rung is entered directly
    signatory: Signatory | None = None
    transfer: LeadTransferDetails | None = None
    cc: tuple[Short, ...] = ()

    @model_validator(mode="after")
    def _notice_rung(self) -> NoticeDraft:
        if self.rung not in NOTICE_RUNGS:
            raise ValueError(f"rung: '{self.rung.value}' is not a notice; notices: " + ", ".join(r.value for r in NOTICE_RUNGS))
        if self.rung is Rung.lead_transfer and self.transfer is None:
            raise ValueError("transfer: a lead transfer needs the arrears and the order to pay it ignored")
        return self


class Approval(Frozen):
    """The second staff member approves the draft for issue (two-person rule)."""

    remarks: str = Field(default="", max_length=1000)


class DraftWithdrawal(Frozen):
    reason: str = Field(min_length=1, max_length=1000)


class ServiceRecord(Frozen):
    """送达: the date and method; it starts the reply clock."""

    served_on: PastDate
    method: ServiceMethod = ServiceMethod.direct
    remarks: str = Field(default="", max_length=1000)


class ReplyRecord(Frozen):
    """The employer's reply as staff record it (or as submitted through the reply link)."""

    received_on: PastDate
    kind: ReplyKind
    text: str = Field(min_length=1, max_length=4000)
    attachment_ids: tuple[str, ...] = Field(default=(), max_length=10)


class EmployerReply(Frozen):
    """The employer's own reply through the one-time link (Update `employer-reply`)."""

    document_id: str = Field(min_length=1, max_length=36)
    kind: ReplyKind
    text: str = Field(min_length=1, max_length=4000)
    attachment_ids: tuple[str, ...] = Field(default=(), max_length=10)


class ReplyDecision(Frozen):
    """Staff decide a disputed (or employer-submitted) reply: accept it, or find it not valid."""

    decided_on: PastDate
    accept: bool
    reason: str = Field(min_length=1, max_length=1000)


class GovernmentEscalation(Frozen):
    """提请当地人民政府依法作出处理 (TUL Art. 23) when the employer refuses to correct."""

    on: PastDate
    grounds: str = Field(min_length=1, max_length=2000)
    reason: str = Field(default="", max_length=1000)  # why, when entered directly


class AgencyResponse(Frozen):
    """What the government (or procuratorate) did, as recorded by staff."""

    decided_on: PastDate
    rectified: bool = False
    accepted: bool = True
    remarks: str = Field(default="", max_length=1000)


class CloseMatter(Frozen):
    on: PastDate
    outcome: MatterOutcome
    reason: str = Field(min_length=1, max_length=1000)


# ---- referral child (the department's handling of the 建议书) --------


class ReferralOutcome(StrEnum):
    rectified = "rectified"  # inspection made the employer correct
    not_rectified = "not_rectified"  # ordered, still not corrected
    not_filed = "not_filed"  # the department declined to open a case


class OrderToPay(Frozen):
    issued_on: PastDate
    due_on: PlannedDate
    document_no: str = Field(default="", max_length=60)
    amount: Decimal | None = Field(default=None, ge=0, max_digits=14, decimal_places=2)


class InspectionFinding(Frozen):
    """The department's result: corrected, or an order (责令改正/支付) that was ignored."""

    decided_on: PastDate
    rectified: bool
    order: OrderToPay | None = None
    remarks: str = Field(default="", max_length=1000)


class ReferralInput(Frozen):
    matter_no: str
    team_code: str
    region: str
    jurisdiction: str
    department: str
    notice_no: str
    served_on: date
    printed_due: date | None = None  # the filing date printed on the notice (honoured when later)
    calendar_years: tuple[CalendarYear, ...] = ()
    shift_days: int = 0


class ReferralResult(Frozen):
    outcome: ReferralOutcome
    noted_on: date
    order: OrderToPay | None = None
    remarks: str = ""


# ---- state and views ----------------------------------------------


class RungRecord(Frozen):
    """One rung entered by the matter: its notice, service, reply and how it ended."""

    seq: int
    rung: Rung
    trigger: Trigger = Trigger.staff
    direct: bool = False
    reason: str = ""
    drafted_by: str = ""
    approved_by: str = ""
    document_id: str | None = None
    document_no: str | None = None
    issued_on: date | None = None
    served_on: date | None = None
    service_method: ServiceMethod | None = None
    reply_rule: str | None = None
    reply_due_on: date | None = None
    replied_on: date | None = None
    reply_kind: ReplyKind | None = None
    reply_source: str | None = None  # "staff" | "employer"
    reply_accepted: bool | None = None
    addressee: str = ""


class Draft(Frozen):
    """A notice waiting for approval; `drafted_by` is "system" when the system pre-drafted it."""

    notice: NoticeDraft
    drafted_by: str
    trigger: Trigger = Trigger.staff
    direct: bool = False


class MatterPhase(StrEnum):
    """Where a matter stands on the ladder: each phase opens one union task and names the next."""

    decide = "decide"
    approve = "approve"
    serve = "serve"
    await_reply = "await_reply"
    review_reply = "review_reply"
    referral = "referral"
    government = "government"
    procuratorate = "procuratorate"
    closed = "closed"


class MatterProgress(Frozen):
    """State carried across continue-as-new (at a phase boundary, with no task open)."""

    phase: MatterPhase
    seq: int
    rungs: tuple[RungRecord, ...] = ()
    investigation: InvestigationRecord | None = None
    draft: Draft | None = None
    children: int = 0
    reply: ReplyRecord | None = None
    reply_source: str | None = None
    escalation: GovernmentEscalation | None = None
    signatory: Signatory | None = None


class MatterStatusRecord(Frozen):
    """The matter row's summary as the workflow sees it now (projection)."""

    matter_no: str
    phase: str
    rung: Rung | None
    status: str  # open | closed
    outcome: MatterOutcome | None = None
    next_deadline_on: date | None = None
    next_deadline_rule: str | None = None
    awaiting_reply: bool = False
    reply_due_on: date | None = None
    closed_on: date | None = None


class RungProjection(Frozen):
    """A rung as the statistics and the matter page read it (one row per matter and seq)."""

    matter_no: str
    team_code: str
    region: str
    record: RungRecord


class MatterView(Frozen):
    """Live state of a matter for pages and the API (query `matter`)."""

    matter_no: str
    phase: str
    status: str
    highest_rung: Rung | None
    draft: Draft | None
    investigation: InvestigationRecord | None
    rungs: tuple[RungRecord, ...]
    outcome: MatterOutcome | None = None
    awaiting_document_id: str | None = None
    reply_due_on: date | None = None


SupervisionInput.model_rebuild()

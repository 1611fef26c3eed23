"""The intake: a complaint as the worker files it (the intake form or another agency's system),
the guidance shown while it is filled in, and the case facts the workflow routes on.

One contract for every layer: the API validates requests with `IntakeRequest`, the services
register it, the pages compute `intake_guidance` from a partly filled form, and both the
registered case and the draft guidance build their `CaseFacts` with `case_facts`. Strict types:
`false` is not a number, `0` is not a date; every message says what is wrong and how to fix it,
in Chinese and English."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
    field_validator,
    model_validator,
)

from domain.calendar import Calendar
from domain.case import CaseFacts, Category, Channel, ClaimKind, VulnerableGroup
from domain.china_time import china_today
from domain.identifiers import IdentifierError, normalise_id_number, normalise_mobile, normalise_uscc
from domain.limitation import assess_limitation
from domain.regions import regions
from domain.routing import triage
from domain.scope import ScopeIssue, check_scope

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
EARLIEST = date(2004, 1, 1)


def _iso_date(value: Any) -> Any:
    """Dates only as 'YYYY-MM-DD' text (or date objects): a number such as 0 is not a date."""
    if isinstance(value, date) or (isinstance(value, str) and len(value) == 10):
        return value
    raise ValueError("日期请写成 YYYY-MM-DD / write dates as YYYY-MM-DD, e.g. 2026-03-02")


def _amount(value: Any) -> Any:
    """Amounts as numbers or numeric text, never true/false."""
    if isinstance(value, bool):
        raise ValueError("金额应为数字，例如 12000.50 / an amount is a number such as 12000.50, not true/false")
    return value


JsonDate = Annotated[date, BeforeValidator(_iso_date)]
Amount = Annotated[Decimal, BeforeValidator(_amount)]
INTAKE_CHANNELS = {Channel.union_mediation, Channel.enterprise_committee, Channel.peoples_mediation, Channel.arbitration,
                   Channel.inspection}


class Strict(BaseModel):
    """Unknown fields are refused; booleans, integers, dates and amounts accept only their own type."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _identifier(check: Any, value: str) -> str:
    try:
        return str(check(value))
    except IdentifierError as exc:
        raise ValueError(str(exc)) from None


class WorkerIn(Strict):
    name: Name
    id_number: str = Field(description="18-character resident ID number (GB 11643)")
    mobile: str = Field(description="mainland mobile number, 11 digits")
    groups: tuple[VulnerableGroup, ...] = ()

    @field_validator("id_number")
    @classmethod
    def _id(cls, value: str) -> str:
        return _identifier(normalise_id_number, value)

    @field_validator("mobile")
    @classmethod
    def _mobile(cls, value: str) -> str:
        return _identifier(normalise_mobile, value)


class EmployerIn(Strict):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=200)]
    uscc: str | None = Field(default=None, description="unified social credit code (GB 32100), if known")
    address: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] = ""

    @field_validator("uscc")
    @classmethod
    def _uscc(cls, value: str | None) -> str | None:
        return _identifier(normalise_uscc, value) if value else None


class ClaimIn(Strict):
    kind: ClaimKind
    amount: Amount | None = Field(default=None, ge=0, le=Decimal("999999999.99"), decimal_places=2,
                                   description="yuan with at most 2 decimals (fen)")
    months: StrictInt | None = Field(default=None, ge=0, le=600)
    description: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = ""


class RepresentativeIn(Strict):
    name: Name
    mobile: str

    @field_validator("mobile")
    @classmethod
    def _mobile(cls, value: str) -> str:
        return _identifier(normalise_mobile, value)


class IntakeRequest(Strict):
    """A complaint as the worker files it (intake form or another agency's system)."""

    worker: WorkerIn
    employer: EmployerIn
    category: Category
    description: Annotated[str, StringConstraints(strip_whitespace=True, min_length=10, max_length=4000)]
    claims: tuple[ClaimIn, ...] = Field(min_length=1, max_length=20)
    knew_on: JsonDate = Field(description="the day you knew, or should have known, of the problem")
    still_employed: StrictBool
    employment_ended_on: JsonDate | None = None
    injured_on: JsonDate | None = None
    region: str
    preferred_channel: Channel | None = None
    wants_legal_aid: StrictBool = False
    worker_count: StrictInt = Field(default=1, ge=1, le=100_000)
    representatives: tuple[RepresentativeIn, ...] = Field(default=(), max_length=5)
    scope_issue: ScopeIssue = ScopeIssue.none
    wage_iou_only: StrictBool = False
    consent_personal_information: StrictBool
    consent_sensitive_information: StrictBool = Field(description="separate consent for sensitive personal information (PIPL Art. 29)")
    evidence_ids: tuple[str, ...] = Field(default=(), max_length=20)

    @field_validator("region")
    @classmethod
    def _region(cls, value: str) -> str:
        if value not in regions():
            raise ValueError(f"未知地区 / unknown region '{value}'; valid: {', '.join(sorted(regions()))}")
        return value

    @field_validator("preferred_channel")
    @classmethod
    def _channel(cls, value: Channel | None) -> Channel | None:
        if value is not None and value not in INTAKE_CHANNELS:
            raise ValueError(f"can be one of: {', '.join(sorted(c.value for c in INTAKE_CHANNELS))}")
        return value

    @field_validator("knew_on", "employment_ended_on", "injured_on")
    @classmethod
    def _not_future(cls, value: date | None) -> date | None:
        if value is not None and value < EARLIEST:
            raise ValueError(f"日期不能早于{EARLIEST} / the date cannot be before {EARLIEST}")
        if value is not None and value > china_today():
            raise ValueError(f"日期不能晚于今天 / the date {value} is in the future; "
                             "give a past date or today")
        return value

    @field_validator("consent_personal_information")
    @classmethod
    def _consent(cls, value: bool) -> bool:
        if not value:
            raise ValueError("需要您同意处理个人信息，才能受理申请 / "
                             "your consent to processing your personal information is needed")
        return value

    @field_validator("consent_sensitive_information")
    @classmethod
    def _sensitive_consent(cls, value: bool) -> bool:
        if not value:
            raise ValueError("需要您单独同意处理身份证号码等敏感个人信息（《个人信息保护法》第二十九条） / "
                             "separate consent to processing sensitive personal information "
                             "such as your ID number is needed (PIPL Art. 29)")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> IntakeRequest:
        if not self.still_employed and self.employment_ended_on is None:
            raise ValueError("employment_ended_on: 已离职请填写离职日期 / give the day your employment ended")
        if self.worker_count >= 10 and not self.representatives:
            raise ValueError("representatives: 10人以上的集体争议请推举代表（《劳动争议调解仲裁法》第七条） / "
                             "a collective dispute of 10 or more workers names its representatives (LDMAL Art. 7)")
        if self.category is Category.work_injury and self.injured_on is None:
            raise ValueError("injured_on: 工伤请填写受伤或确诊日期 / give the day of the injury or diagnosis")
        return self


class GuidanceRequest(BaseModel):
    """What the worker has entered so far; every field optional."""

    model_config = ConfigDict(extra="ignore")

    category: Category | None = None
    knew_on: date | None = None
    still_employed: bool | None = None
    employment_ended_on: date | None = None
    injured_on: date | None = None
    region: str | None = None
    preferred_channel: Channel | None = None
    worker_count: int = Field(default=1, ge=1)
    scope_issue: ScopeIssue = ScopeIssue.none
    wage_iou_only: bool = False
    wants_legal_aid: bool = False
    groups: tuple[VulnerableGroup, ...] = ()


class Advice(BaseModel):
    zh: str
    en: str
    citation: str = ""


class Guidance(BaseModel):
    """Plain-language advice while filling in: each part present once its inputs are known."""

    out_of_scope: Advice | None = None
    limitation: Advice | None = None
    time_barred: bool = False
    limitation_last_day: date | None = None
    channel: Channel | None = None
    route: list[Advice] = []
    legal_aid_without_means_test: bool = False


def intake_guidance(entered: GuidanceRequest, today: date, calendar: Calendar | None) -> Guidance:
    """Scope first (an out-of-scope matter is pointed to its agency), then limitation and route."""
    scope = check_scope(entered.scope_issue)
    if not scope.in_scope:
        return Guidance(
            out_of_scope=Advice(zh=scope.advice_zh, en=scope.advice_en, citation=scope.basis)
        )
    guidance = Guidance()
    if entered.category is None or entered.knew_on is None:
        return guidance
    still = entered.still_employed if entered.still_employed is not None else entered.employment_ended_on is None
    ended = None if still else (entered.employment_ended_on or entered.knew_on)
    facts = case_facts(
        "draft",
        today,
        category=entered.category,
        knew_on=entered.knew_on,
        still_employed=still,
        employment_ended_on=ended,
        region=entered.region or "default",
        worker_count=entered.worker_count,
        groups=entered.groups,
        preferred_channel=entered.preferred_channel,
        wants_legal_aid=entered.wants_legal_aid,
        wage_iou_only=entered.wage_iou_only,
        injured_on=entered.injured_on,
    )
    assessment = assess_limitation(
        facts.category.value,
        facts.knew_on,
        still_employed=facts.still_employed,
        employment_ended_on=facts.employment_ended_on,
        today=today,
        jurisdiction=facts.jurisdiction,
        calendar=calendar,
    )
    guidance.limitation = Advice(
        zh=assessment.message_zh,
        en=assessment.message_en,
        citation="《劳动争议调解仲裁法》第二十七条 / LDMAL Art. 27",
    )
    guidance.time_barred = assessment.time_barred
    guidance.limitation_last_day = assessment.deadline.due if assessment.deadline else None
    plan = triage(facts)
    guidance.channel = plan.first
    guidance.route = [Advice(zh=r.zh, en=r.en, citation=r.citation) for r in plan.reasons]
    guidance.legal_aid_without_means_test = plan.legal_aid_without_means_test
    return guidance


def jurisdiction_of(region_code: str | None) -> str:
    """The jurisdiction profile of a region (national where the region is unknown)."""
    area = regions().get(region_code or "")
    return area.jurisdiction if area else "national"


def case_facts(
    case_no: str,
    filed_on: date,
    *,
    category: Category,
    knew_on: date,
    still_employed: bool,
    employment_ended_on: date | None,
    region: str,
    worker_count: int = 1,
    groups: tuple[VulnerableGroup, ...] = (),
    preferred_channel: Channel | None = None,
    wants_legal_aid: bool = False,
    wage_iou_only: bool = False,
    scope_issue: ScopeIssue = ScopeIssue.none,
    injured_on: date | None = None,
    claims: tuple[dict[str, Any], ...] = (),
    employer_name: str = "",
    employer_uscc: str | None = None,
) -> CaseFacts:
    """The workflow's view of an intake (no names, ID numbers or phone numbers): the one place that
    turns intake answers into routing facts, for registered cases and for the draft guidance alike."""
    return CaseFacts.model_validate(
        {
            "case_no": case_no,
            "category": category,
            "claims": claims,
            "knew_on": knew_on,
            "employment_ended_on": employment_ended_on,
            "still_employed": still_employed,
            "filed_on": filed_on,
            "region": region,
            "jurisdiction": jurisdiction_of(region),
            "worker_count": worker_count,
            "vulnerable_groups": groups,
            "employer_name": employer_name,
            "employer_uscc": employer_uscc,
            "preferred_channel": preferred_channel,
            "wants_legal_aid": wants_legal_aid,
            "wage_iou_only": wage_iou_only,
            "scope_issue": scope_issue,
            "injured_on": injured_on,
        }
    )


def registered_facts(case_no: str, request: IntakeRequest, filed_on: date) -> CaseFacts:
    """The facts of a registered case."""
    return case_facts(
        case_no,
        filed_on,
        category=request.category,
        knew_on=request.knew_on,
        still_employed=request.still_employed,
        employment_ended_on=request.employment_ended_on,
        region=request.region,
        worker_count=request.worker_count,
        groups=request.worker.groups,
        preferred_channel=request.preferred_channel,
        wants_legal_aid=request.wants_legal_aid,
        wage_iou_only=request.wage_iou_only,
        scope_issue=request.scope_issue,
        injured_on=request.injured_on,
        claims=tuple(claim.model_dump() for claim in request.claims),
        employer_name=request.employer.name,
        employer_uscc=request.employer.uscc,
    )

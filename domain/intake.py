"""The intake: a complaint as the worker files it (the intake form or another agency's system),
the guidance shown while it is filled in, and the case facts the workflow routes on.

One contract for every layer: the API validates requests with `IntakeRequest`, the services
register it, the pages compute `intake_guidance` from a partly filled form, and both the
registered case and the draft guidance build their `CaseFacts` with `case_facts`. Strict types:
`false` is not a number, `0` is not a date; every message says what is wrong and how to fix it,
in Chinese and English."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from domain.calendar import Calendar
from domain.case import CaseFacts, Category, Channel, ClaimKind, VulnerableGroup
from domain.china_time import china_today
from domain.identifiers import normalise_id_number, normalise_mobile, normalise_uscc
from domain.limitation import assess_limitation
from domain.parties import MAX_RESPONDENTS, Respondent, RespondentRole, check_respondents, normalise_contact
from domain.regions import region_codes, region_slug, regions
from domain.routing import triage
from domain.scope import ScopeIssue, check_scope
from domain.validation import ID_NUMBER_PATTERN, MOBILE_PATTERN, USCC_PATTERN, identifier_check, invalid

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
EARLIEST = date(2004, 1, 1)


AMOUNT_PATTERN = r"^[0-9]{1,9}(\.[0-9]{1,2})?$"
MAX_AMOUNT = Decimal("999999999.99")
DATE_FIX = "日期请写成 YYYY-MM-DD，例如 2026-03-02 / write the date as YYYY-MM-DD, e.g. 2026-03-02"
AMOUNT_FIX = "写成元，最多两位小数，例如 \"12000.50\" 或 12000.5 / give yuan with at most two decimals, e.g. \"12000.50\" or 12000.5"


def _iso_date(value: Any) -> Any:
    """Dates only as 'YYYY-MM-DD' text (or date objects): a number such as 0 is not a date."""
    if isinstance(value, date) or (isinstance(value, str) and len(value) == 10):
        return value
    raise invalid("date.format", "日期请写成 YYYY-MM-DD / write dates as YYYY-MM-DD, e.g. 2026-03-02", DATE_FIX)


def _amount(value: Any) -> Any:
    """Amounts as numbers or decimal text (yuan, at most two decimals), never true/false."""
    if isinstance(value, bool):
        raise invalid("amount.type", "金额应为数字，例如 12000.50 / an amount is a number such as 12000.50, not true/false", AMOUNT_FIX)
    if isinstance(value, str) and not re.fullmatch(AMOUNT_PATTERN, value):
        raise invalid("amount.format", "金额应为元，最多两位小数，例如 12000.50 / an amount is yuan with at most two decimals, "
                      "e.g. 12000.50", AMOUNT_FIX)
    return value


def _amount_range(value: Decimal) -> Decimal:
    """Yuan from 0 to 999,999,999.99, at most two decimals (fen)."""
    if not value.is_finite() or value < 0 or value > MAX_AMOUNT:
        raise invalid("amount.range", f"金额应在0至{MAX_AMOUNT}元之间 / an amount is between 0 and {MAX_AMOUNT} yuan", AMOUNT_FIX)
    if value != value.quantize(Decimal("0.01")):
        raise invalid("amount.places", "金额最多两位小数（角、分） / an amount has at most two decimals (jiao and fen)", AMOUNT_FIX)
    return value


JsonDate = Annotated[date, BeforeValidator(_iso_date)]
Amount = Annotated[
    Decimal,
    BeforeValidator(_amount),
    AfterValidator(_amount_range),
    WithJsonSchema({"anyOf": [{"type": "string", "pattern": AMOUNT_PATTERN},
                              {"type": "number", "minimum": 0, "maximum": float(MAX_AMOUNT)}],
                    "description": "yuan with at most 2 decimals (fen): a decimal string such as \"12000.50\" (preferred), "
                                   "or a number", "examples": ["12000.00"]}),
]
INTAKE_CHANNELS = {Channel.union_mediation, Channel.enterprise_committee, Channel.peoples_mediation, Channel.arbitration,
                   Channel.inspection}
IntakeChannel = Annotated[
    Channel,
    WithJsonSchema({"type": "string", "enum": sorted(c.value for c in INTAKE_CHANNELS),
                    "description": "the channel the worker prefers to start with (intake accepts these five)"}),
]
RegionCode = Annotated[
    str,
    WithJsonSchema({"type": "string", "enum": list(region_codes()),
                    "description": "GB/T 2260 administrative division code (e.g. 310115 for 浦东新区) or the region's slug "
                                   "(shanghai-pudong); `GET /api/v1/regions` lists them. Stored and answered as the slug.",
                    "examples": ["310115"]}),
]


class Strict(BaseModel):
    """Unknown fields are refused; booleans, integers, dates and amounts accept only their own type."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _identifier(check: Any, value: str) -> str:
    return identifier_check(check)(value)


class WorkerIn(Strict):
    name: Name
    id_number: str = Field(json_schema_extra={"pattern": ID_NUMBER_PATTERN}, examples=["341221198003120031"],
                           description="18-character resident ID number (GB 11643): check character and birth date checked, "
                                       "and the first 6 digits must be a GB/T 2260 division code")
    mobile: str = Field(json_schema_extra={"pattern": MOBILE_PATTERN}, examples=["13812345678"],
                        description="mainland mobile number, 11 digits starting 13-19 (spaces, dashes and +86 are ignored)")
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
    uscc: str | None = Field(default=None, json_schema_extra={"pattern": f"^$|{USCC_PATTERN}"}, examples=["91310115MA1K4B2C3J"],
                             description="unified social credit code (GB 32100, check character checked), if known")
    address: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] = ""
    role: RespondentRole = Field(default=RespondentRole.employer, description="why this party answers for the claims "
                                 "(employer, platform, partner firm, dispatch agency, using unit, wage guarantor, contractor)")
    contact: str = Field(default="", max_length=120, examples=["13912345678"],
                         description="mobile number or e-mail address for notices and the respondent's link, if known")

    @field_validator("uscc")
    @classmethod
    def _uscc(cls, value: str | None) -> str | None:
        return _identifier(normalise_uscc, value) if value else None

    @field_validator("contact")
    @classmethod
    def _contact(cls, value: str) -> str:
        return _identifier(normalise_contact, value) if value.strip() else ""


class ClaimIn(Strict):
    kind: ClaimKind
    amount: Amount | None = None
    months: StrictInt | None = Field(default=None, ge=0, le=600)
    description: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = ""


class RepresentativeIn(Strict):
    name: Name
    mobile: str = Field(json_schema_extra={"pattern": MOBILE_PATTERN}, description="mainland mobile number, 11 digits starting 13-19")

    @field_validator("mobile")
    @classmethod
    def _mobile(cls, value: str) -> str:
        return _identifier(normalise_mobile, value)


class IntakeRequest(Strict):
    """A complaint as the worker files it (intake form or another agency's system)."""

    worker: WorkerIn
    employer: EmployerIn = Field(description="the first respondent (the employer, unless `role` says otherwise)")
    respondents: tuple[EmployerIn, ...] = Field(default=(), max_length=MAX_RESPONDENTS - 1,
                                                description="further respondents: the platform, a partner firm, the unit using a "
                                                            "dispatched worker, a guarantor, the contractor chain...")
    category: Category
    description: Annotated[str, StringConstraints(strip_whitespace=True, min_length=10, max_length=4000)]
    claims: tuple[ClaimIn, ...] = Field(min_length=1, max_length=20)
    knew_on: JsonDate = Field(description="the day you knew, or should have known, of the problem (ISO 8601 date, not in the future)")
    still_employed: StrictBool
    employment_ended_on: JsonDate | None = None
    injured_on: JsonDate | None = None
    region: RegionCode
    preferred_channel: IntakeChannel | None = None
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
        slug = region_slug(value)
        if slug is None:
            valid = ", ".join(region_codes())
            raise invalid("region.unknown", f"未知地区 / unknown region '{value}'; valid: {valid}",
                          f"填写 GET /api/v1/regions 列出的行政区划代码或名称之一 / give one of the codes listed by "
                          f"GET /api/v1/regions: {valid}")
        return slug

    @field_validator("preferred_channel")
    @classmethod
    def _channel(cls, value: Channel | None) -> Channel | None:
        if value is not None and value not in INTAKE_CHANNELS:
            valid = ", ".join(sorted(c.value for c in INTAKE_CHANNELS))
            raise invalid("preferred_channel.not_at_intake", f"申请时不能选择此途径 / this channel cannot be chosen at intake; "
                          f"can be one of: {valid}", f"选择其一，或不填 / choose one of {valid}, or leave it out")
        return value

    @field_validator("knew_on", "employment_ended_on", "injured_on")
    @classmethod
    def _not_future(cls, value: date | None) -> date | None:
        return fact_date(value)

    @field_validator("consent_personal_information")
    @classmethod
    def _consent(cls, value: bool) -> bool:
        if not value:
            raise invalid("consent.missing", "需要您同意处理个人信息，才能受理申请 / "
                          "your consent to processing your personal information is needed",
                          "征得劳动者同意后填 true / ask the worker and send true once they agree")
        return value

    @field_validator("consent_sensitive_information")
    @classmethod
    def _sensitive_consent(cls, value: bool) -> bool:
        if not value:
            raise invalid("consent.sensitive_missing", "需要您单独同意处理身份证号码等敏感个人信息（《个人信息保护法》第二十九条） / "
                          "separate consent to processing sensitive personal information such as your ID number is needed (PIPL Art. 29)",
                          "单独征得劳动者同意后填 true / ask the worker separately and send true once they agree")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> IntakeRequest:
        if not self.still_employed and self.employment_ended_on is None:
            raise invalid("employment_ended_on.missing", "employment_ended_on: 已离职请填写离职日期 / give the day your employment ended",
                          "填写离职日期，或把 still_employed 设为 true / give employment_ended_on, or set still_employed to true")
        if self.worker_count >= 10 and not self.representatives:
            raise invalid("representatives.missing", "representatives: 10人以上的集体争议请推举代表（《劳动争议调解仲裁法》第七条） / "
                          "a collective dispute of 10 or more workers names its representatives (LDMAL Art. 7)",
                          "填写1至5名代表的姓名和手机 / name 1 to 5 representatives with their mobiles")
        wage_claim = self.category is Category.wage_arrears or any(c.kind.value in ("wages", "overtime_pay") for c in self.claims)
        problem = check_respondents([(r.role, r.name, r.uscc) for r in self.parties], wage_claim)
        if problem:
            raise invalid(problem.code, f"respondents: {problem.message}", problem.fix)
        if self.category is Category.work_injury and self.injured_on is None:
            raise invalid("injured_on.missing", "injured_on: 工伤请填写受伤或确诊日期 / give the day of the injury or diagnosis",
                          "填写 injured_on（受伤或确诊日期） / give injured_on, the day of the injury or diagnosis")
        return self

    @property
    def parties(self) -> tuple[EmployerIn, ...]:
        """Every respondent, the one given as `employer` first."""
        return (self.employer, *self.respondents)


def fact_date(value: date | None) -> date | None:
    """A date of the facts: from 2004-01-01 (the official calendar's first year) up to today."""
    if value is not None and value < EARLIEST:
        raise invalid("date.too_early", f"日期不能早于{EARLIEST} / the date cannot be before {EARLIEST}",
                      f"填写{EARLIEST}以后的日期 / give a date from {EARLIEST} on")
    if value is not None and value > china_today():
        raise invalid("date.future", f"日期不能晚于今天 / the date {value} is in the future; give a past date or today",
                      "填写已经发生的日期（中国时间今天或以前） / give a day that has passed (today or earlier, China time)")
    return value


class GuidanceRequest(BaseModel):
    """What the worker has entered so far; every field optional (dates as the intake takes them)."""

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

    @field_validator("knew_on", "employment_ended_on", "injured_on")
    @classmethod
    def _fact_dates(cls, value: date | None) -> date | None:
        return fact_date(value)


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
        region=region_slug(entered.region or "") or entered.region or "default",
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
    """The jurisdiction profile of a region, by slug or division code (national where the region is unknown)."""
    area = regions().get(region_slug(region_code or "") or "")
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
    respondents: tuple[Respondent, ...] = (),
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
            "respondents": respondents,
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
        respondents=tuple(
            Respondent(seq=seq, role=party.role, name=party.name, uscc=party.uscc) for seq, party in enumerate(request.parties, start=1)
        ),
    )

"""Request and response models of the JSON API. Strict types: `false` is not a number, `0` is not a
date; every validation message says what is wrong and how to fix it, in Chinese and English."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
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

from domain.case import Category, Channel, ClaimKind, VulnerableGroup
from domain.identifiers import IdentifierError, normalise_id_number, normalise_mobile, normalise_uscc
from domain.regions import regions
from domain.scope import ScopeIssue

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


def china_today() -> date:
    """Today in China (UTC+8): filing just after midnight Beijing time is not 'in the future'."""
    return datetime.now(timezone(timedelta(hours=8))).date()


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


class IntakeAccepted(BaseModel):
    case_no: str
    access_code: str = Field(description="secret: shown once, needed to follow the case")
    status_url: str
    receipt_url: str
    workflow_started: bool
    warnings: list[str] = []

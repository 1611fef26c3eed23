"""The intake form as data: posted fields to an `IntakeRequest` payload, and the guidance shown
while
the worker fills it in (limitation warning, the channel that fits, out-of-scope referral), computed
by the pure rules in `domain/` from whatever has been entered so far."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from api.forms import nest
from domain.calendar import Calendar
from domain.case import CaseFacts, Category, Channel, VulnerableGroup
from domain.limitation import assess_limitation
from domain.regions import regions
from domain.routing import triage
from domain.scope import ScopeIssue, check_scope

CLAIM_ROWS = 3
REPRESENTATIVE_ROWS = 5
CHECKBOXES = (
    "wants_legal_aid",
    "wage_iou_only",
    "consent_personal_information",
    "consent_sensitive_information",
)
MULTI = ("worker.groups",)


def _int_or_text(value: str) -> int | str:
    return int(value) if value.isdigit() else value


def intake_payload(items: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """The posted intake form as the JSON the API takes (blank optional answers left out)."""
    pairs = [(k, v) for k, v in items if isinstance(v, str)]
    data = nest((k, v) for k, v in pairs if k not in MULTI and k not in CHECKBOXES)
    worker = data.setdefault("worker", {})
    worker["groups"] = [v for k, v in pairs if k == "worker.groups" and v]
    for name in CHECKBOXES:
        data[name] = any(k == name and v for k, v in pairs)
    employer = data.setdefault("employer", {})
    if not employer.get("uscc"):
        employer.pop("uscc", None)
    for optional in ("employment_ended_on", "injured_on", "preferred_channel"):
        if not data.get(optional):
            data.pop(optional, None)
    if data.get("still_employed") in ("true", "false"):
        data["still_employed"] = data["still_employed"] == "true"
    else:
        data.pop("still_employed", None)
    data["worker_count"] = _int_or_text(data.get("worker_count") or "1")
    data["scope_issue"] = data.get("scope_issue") or ScopeIssue.none.value
    data["claims"] = [_claim(row) for row in data.get("claims", [])]
    data["representatives"] = data.get("representatives", [])
    for transport in ("form_token", "csrf_token", "form_started", "website"):
        data.pop(transport, None)
    return data


def _claim(row: dict[str, Any]) -> dict[str, Any]:
    claim = {k: v for k, v in row.items() if v != ""}
    if "months" in claim:
        claim["months"] = _int_or_text(claim["months"])
    return claim


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


def guidance_request(items: Iterable[tuple[str, Any]]) -> GuidanceRequest:
    """The guidance inputs from a (partly filled) posted intake form; unreadable values are
    ignored."""
    raw = intake_payload(items)
    values: dict[str, Any] = {"groups": raw.get("worker", {}).get("groups", [])}
    for name in GuidanceRequest.model_fields:
        if name in raw and raw[name] not in ("", None):
            values[name] = raw[name]
    try:
        return GuidanceRequest.model_validate(values)
    except ValueError:
        clean = {}
        for name, value in values.items():
            try:
                GuidanceRequest.model_validate({name: value})
                clean[name] = value
            except ValueError:
                continue
        return GuidanceRequest.model_validate(clean)


def intake_guidance(entered: GuidanceRequest, today: date, calendar: Calendar | None) -> Guidance:
    """Scope first (an out-of-scope matter is pointed to its agency), then limitation and route."""
    scope = check_scope(entered.scope_issue)
    if not scope.in_scope:
        return Guidance(
            out_of_scope=Advice(
                zh=f"请向{scope.agency_zh}申请。{scope.guidance_zh}",
                en=f"Apply to {scope.agency_en}. {scope.guidance_en}",
                citation=scope.basis,
            )
        )
    guidance = Guidance()
    if entered.category is None or entered.knew_on is None:
        return guidance
    area = regions().get(entered.region or "")
    jurisdiction = area.jurisdiction if area else "national"
    still = (
        entered.still_employed
        if entered.still_employed is not None
        else entered.employment_ended_on is None
    )
    ended = entered.employment_ended_on if not still else None
    if not still and ended is None:
        ended = entered.knew_on
    assessment = assess_limitation(
        entered.category.value,
        entered.knew_on,
        still_employed=still,
        employment_ended_on=ended,
        today=today,
        jurisdiction=jurisdiction,
        calendar=calendar,
    )
    guidance.limitation = Advice(
        zh=assessment.message_zh,
        en=assessment.message_en,
        citation="《劳动争议调解仲裁法》第二十七条 / LDMAL Art. 27",
    )
    guidance.time_barred = assessment.time_barred
    guidance.limitation_last_day = assessment.deadline.due if assessment.deadline else None
    facts = CaseFacts(
        case_no="draft",
        category=entered.category,
        knew_on=entered.knew_on,
        still_employed=still,
        employment_ended_on=ended,
        filed_on=today,
        region=entered.region or "default",
        jurisdiction=jurisdiction,
        worker_count=entered.worker_count,
        vulnerable_groups=entered.groups,
        preferred_channel=entered.preferred_channel,
        wants_legal_aid=entered.wants_legal_aid,
        wage_iou_only=entered.wage_iou_only,
        injured_on=entered.injured_on,
        claims=(),
        employer_name="",
    )
    plan = triage(facts)
    guidance.channel = plan.first
    guidance.route = [Advice(zh=r.zh, en=r.en, citation=r.citation) for r in plan.reasons]
    guidance.legal_aid_without_means_test = plan.legal_aid_without_means_test
    return guidance

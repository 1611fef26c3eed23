"""The intake form as data: posted fields to the JSON an `IntakeRequest` takes, and a partly filled
form to the `GuidanceRequest` the guidance is computed from (`domain.intake.intake_guidance`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from api.forms import nest
from domain.intake import GuidanceRequest
from domain.scope import ScopeIssue

CLAIM_ROWS = 3
REPRESENTATIVE_ROWS = 5
RESPONDENT_ROWS = 2  # further respondents besides the employer (the API takes up to nine)
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
    data["employer"] = _party(data.get("employer", {}))
    data["respondents"] = [_party(row) for row in data.get("respondents", []) if any(row.get(k) for k in ("name", "uscc"))]
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


def _party(row: dict[str, Any]) -> dict[str, Any]:
    """A respondent's fields with blank optional answers left out."""
    return {k: v for k, v in row.items() if v != "" or k == "name"}


def _claim(row: dict[str, Any]) -> dict[str, Any]:
    claim = {k: v for k, v in row.items() if v != ""}
    if "months" in claim:
        claim["months"] = _int_or_text(claim["months"])
    return claim


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

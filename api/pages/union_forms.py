"""Turning the union console's HTML forms into action payloads (the workflow validates them).

Multi-line fields give lists (one item per line); violated provisions are written one per line as
"law article [note]", e.g. "劳动合同法 30 拖欠劳动报酬"; empty optional fields are left out so the
payload model's defaults apply and a missing required field is reported by name.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

Form = dict[str, str]
SEPARATORS = re.compile(r"[,，、;；\s]+")


def lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def names(text: str | None) -> list[str]:
    return [name for name in SEPARATORS.split(text or "") if name]


def violations(text: str | None) -> list[dict[str, str]]:
    found = []
    for line in lines(text):
        parts = [p for p in re.split(r"[|｜\s]+", line, maxsplit=2) if p]
        found.append(
            {
                "law": parts[0],
                "article": parts[1] if len(parts) > 1 else "",
                "note": parts[2] if len(parts) > 2 else "",
            }
        )
    return found


def _flag(form: Form, name: str) -> bool:
    return form.get(name, "") in ("yes", "on", "true", "1")


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v not in ("", None, [])}


def _pick(form: Form, *names_: str) -> dict[str, Any]:
    return _clean({name: form.get(name, "").strip() for name in names_})


def _investigation(form: Form) -> dict[str, Any]:
    return _clean(
        {
            **_pick(form, "completed_on", "record_no", "non_cooperation_note"),
            "supervisors": names(form.get("supervisors")),
            "findings": lines(form.get("findings")),
            "violations": violations(form.get("violations")),
            "employer_cooperated": form.get("employer_cooperated", "yes") != "no",
        }
    )


def _transfer(form: Form) -> dict[str, Any]:
    return _clean(
        {
            **_pick(
                form,
                "workers_affected",
                "arrears_total",
                "arrears_period_zh",
                "order_issued_by",
                "order_issued_on",
                "order_due_on",
                "order_document_no",
            ),
            "groups": names(form.get("groups")),
            "arrears": names(form.get("arrears")),
            "employer_cooperating": form.get("employer_cooperating", "yes") != "no",
            "copy_court": _flag(form, "copy_court") or None,
        }
    )


def _draft(form: Form) -> dict[str, Any]:
    signatory = _pick(form, "signatory_name", "signatory_title")
    values = {
        **_pick(form, "rung", "addressee", "reason"),
        "requests": lines(form.get("requests")),
        "findings": lines(form.get("findings")),
        "violations": violations(form.get("violations")),
        "cc": lines(form.get("cc")),
    }
    if "signatory_name" in signatory:
        values["signatory"] = {
            "name": signatory["signatory_name"],
            "title": signatory.get("signatory_title", "主席"),
        }
    if form.get("rung") == "lead_transfer":
        values["transfer"] = _transfer(form)
    return _clean(values)


def _result(form: Form) -> dict[str, Any]:
    order = _pick(form, "order_issued_on", "order_due_on", "order_document_no")
    values: dict[str, Any] = {
        **_pick(form, "decided_on", "remarks"),
        "rectified": _flag(form, "rectified"),
    }
    if order:
        values["order"] = {key.removeprefix("order_"): value for key, value in order.items()}
    return values


PAYLOADS: dict[str, Callable[[Form], dict[str, Any]]] = {
    "record_investigation": _investigation,
    "draft_notice": _draft,
    "revise_draft": _draft,
    "approve_notice": lambda f: _pick(f, "remarks"),
    "withdraw_draft": lambda f: _pick(f, "reason"),
    "record_service": lambda f: _pick(f, "served_on", "method", "remarks"),
    "record_reply": lambda f: _pick(f, "received_on", "kind", "text"),
    "decide_reply": lambda f: {**_pick(f, "decided_on", "reason"), "accept": _flag(f, "accept")},
    "escalate_government": lambda f: _pick(f, "on", "grounds", "reason"),
    "record_response": lambda f: {
        **_pick(f, "decided_on", "remarks"),
        "rectified": _flag(f, "rectified"),
        "accepted": f.get("accepted", "yes") != "no",
    },
    "close_matter": lambda f: _pick(f, "on", "outcome", "reason"),
    "record_filing": lambda f: {**_pick(f, "decided_on", "reason"), "granted": _flag(f, "granted")},
    "record_result": _result,
}


def payload_for(action: str, form: Form) -> dict[str, Any]:
    """The action's payload from its form; unknown actions give an empty payload (the workflow
    then refuses them with the list of actions open now)."""
    builder = PAYLOADS.get(action)
    return builder(form) if builder else {}

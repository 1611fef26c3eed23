"""Reading a case: what its page and its JSON show, built from the database projections (not from
Temporal, so it answers while Temporal is down), and the road ahead from the dates it reached."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlmodel import col, select

from domain.calendar import Calendar
from domain.privacy import mask_id_number, mask_mobile
from domain.referrals import REFERRALS, ReferralKind
from domain.roles import Principal, StaffPrincipal
from domain.whatif import WhatIfChain, WhatIfInput, whatif
from infrastructure.crypto import Keyring
from infrastructure.db import Database
from infrastructure.tables import Case, CaseClaim, Deadline, Referral, Task, TimelineEvent
from services.errors import NotFound


async def case_detail(db: Database, keyring: Keyring, case_no: str, principal: Principal) -> dict[str, Any]:
    """Everything one case page shows; tasks only for staff, identifiers always masked."""
    subject = f"case:{case_no}"
    async with db.session() as session:
        case = (await session.exec(select(Case).where(Case.case_no == case_no))).first()
        if case is None:
            raise NotFound()
        claims = (await session.exec(select(CaseClaim).where(CaseClaim.case_no == case_no).order_by(col(CaseClaim.seq)))).all()
        events = (await session.exec(select(TimelineEvent).where(TimelineEvent.subject == subject)
                                     .order_by(col(TimelineEvent.on_date), col(TimelineEvent.id)))).all()
        deadlines = (await session.exec(select(Deadline).where(Deadline.subject == subject).order_by(col(Deadline.due_on)))).all()
        all_tasks = (await session.exec(select(Task).where(Task.subject == subject).order_by(col(Task.created_at)))).all()
        referrals = (await session.exec(select(Referral).where(Referral.case_no == case_no).order_by(col(Referral.id)))).all()
    tasks = all_tasks if isinstance(principal, StaffPrincipal) else []
    deadline_rows = [_deadline_row(d) for d in deadlines]
    return {
        "case_no": case.case_no,
        "stage": case.stage,
        "channel": case.channel,
        "category": case.category,
        "region": case.region,
        "filed_on": case.filed_on.isoformat(),
        "knew_on": case.knew_on.isoformat(),
        "jurisdiction": case.jurisdiction,
        "employment_ended_on": case.facts.get("employment_ended_on"),
        "still_employed": case.facts.get("still_employed"),
        "collective": case.collective,
        "worker_count": case.worker_count,
        "worker": {
            "name": keyring.decrypt_text(case.worker_name_enc),
            "id_number": mask_id_number(keyring.decrypt_text(case.worker_id_enc)) if case.worker_id_enc else None,
            "mobile": mask_mobile(keyring.decrypt_text(case.worker_phone_enc)) if case.worker_phone_enc else None,
        },
        "employer": {"name": case.employer_name, "uscc": case.employer_uscc},
        "claims": [{"kind": c.kind, "amount": str(c.amount) if c.amount is not None else None, "months": c.months,
                    "description": c.description} for c in claims],
        "limitation_warning": case.limitation_warning,
        "guidance": {"zh": case.guidance_zh, "en": case.guidance_en},
        "worker_options": case.worker_options,
        "next_deadline": {"on": case.next_deadline_on.isoformat(), "rule": case.next_deadline_rule} if case.next_deadline_on else None,
        "timeline": [{"on": e.on_date.isoformat(), "kind": e.kind, "actor": e.actor, "zh": e.summary_zh, "en": e.summary_en,
                      "citation": e.citation} for e in events],
        "deadlines": deadline_rows,
        "holder": _holder(case, all_tasks, deadlines, deadline_rows),
        "referrals": [_referral_row(r) for r in referrals],
        "tasks": [{"task_id": t.task_id, "kind": t.kind, "title_zh": t.title_zh, "title_en": t.title_en, "status": t.status,
                   "due_on": t.due_on.isoformat() if t.due_on else None, "assignee": t.assignee, "actions": t.actions,
                   "escalated": t.escalated} for t in tasks],
        "closed_on": case.closed_on.isoformat() if case.closed_on else None,
        "closing_state": case.closing_state,
        "workflow_started": case.workflow_started,
    }


def _deadline_row(d: Deadline) -> dict[str, Any]:
    return {"key": d.deadline_key.split("#", 1)[-1], "rule": d.rule_id, "start": d.start_on.isoformat(),
            "due": d.due_on.isoformat(), "status": d.status, "provisional": d.provisional, "explanation": d.explanation}


def _holder(case: Case, tasks: Sequence[Task], deadlines: Sequence[Deadline], rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Who holds the case now, since when, and what it must do by when: the pending deadlines its open
    tasks answer to (each with "why this date"), soonest first."""
    if not case.holder_team:
        return None
    owed = {(t.workflow_id, t.deadline_rule) for t in tasks if t.status == "open" and t.team_code == case.holder_team and t.deadline_rule}
    duties = [row for d, row in zip(deadlines, rows, strict=True) if (d.workflow_id, d.rule_id) in owed and d.status == "pending"]
    return {
        "team": case.holder_team,
        "name": case.holder_name,
        "since": case.holder_since.isoformat() if case.holder_since else None,
        "duties": sorted(duties, key=lambda row: row["due"]),
    }


def _referral_row(r: Referral) -> dict[str, Any]:
    rule = REFERRALS[ReferralKind(r.kind)]
    return {
        "kind": r.kind, "title_zh": rule.title_zh, "title_en": rule.title_en, "basis": rule.basis,
        "sender": r.sender_name, "receiver": r.receiver_name, "sent_on": r.sent_on.isoformat(),
        "acknowledge_by": r.acknowledge_by.isoformat() if r.acknowledge_by else None, "status": r.status,
        "decided_on": r.decided_on.isoformat() if r.decided_on else None, "reason": r.reason,
    }


# Deadline rules whose start day is a key date of the road ahead (what-if chain).
_KEY_DATES = {
    "D03": "mediation_applied_on", "D39": "mediation_applied_on", "D40": "mediation_applied_on",
    "D13": "arbitration_applied_on", "D22": "accepted_on", "D30": "award_received_on",
    "D25": "award_received_on",
}


def road_ahead(detail: dict[str, Any], today: date, calendar: Calendar | None) -> WhatIfChain:
    """The case's road ahead from the key dates it has reached (its recorded deadlines)."""
    values: dict[str, Any] = {
        "knew_on": detail["knew_on"], "category": detail["category"], "as_of": today,
        "employment_ended_on": detail.get("employment_ended_on"),
        "still_employed": detail.get("still_employed"),
    }
    for deadline in detail["deadlines"]:
        key = _KEY_DATES.get(deadline["rule"])
        if key and key not in values:
            values[key] = deadline["start"]
    facts = WhatIfInput.model_validate(values)
    return whatif(facts, jurisdiction=detail["jurisdiction"], calendar=calendar)


def next_deadline(detail: dict[str, Any]) -> dict[str, Any] | None:
    """The case's next pending deadline with its explanation ('why this date')."""
    nxt = detail.get("next_deadline")
    pending = [d for d in detail["deadlines"] if d["status"] == "pending"]
    if nxt:
        same = [d for d in pending if d["due"] == nxt["on"] and d["rule"] == nxt["rule"]]
        pending = same or pending
    return min(pending, key=lambda d: d["due"]) if pending else None


def worker_actions(detail: dict[str, Any]) -> list[dict[str, Any]]:
    """What the worker may do now: the case workflow records it with each status change, decided by
    `domain.catalogue.open_worker_actions`, the same rule its validator applies."""
    return list(detail["worker_options"])

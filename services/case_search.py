"""The administrator's case search: filters on the case projection, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import literal
from sqlmodel import col, select

from infrastructure.db import Database
from infrastructure.tables import Case, Task

SEARCH_LIMIT = 100


@dataclass(frozen=True)
class CaseFilters:
    """Administrator's case search; every filter optional."""

    case_no: str = ""
    stage: str = ""
    channel: str = ""
    region: str = ""
    employer: str = ""
    overdue: bool = False


async def search_cases(db: Database, filters: CaseFilters, today: date) -> list[dict[str, Any]]:
    """Cases matching the filters, newest first (at most 100)."""
    query = select(Case)
    if filters.case_no:
        query = query.where(col(Case.case_no).contains(filters.case_no.strip().upper()))
    for name in ("stage", "channel", "region"):
        if value := getattr(filters, name):
            query = query.where(getattr(Case, name) == value)
    if filters.employer:
        query = query.where(col(Case.employer_name).contains(filters.employer.strip()))
    overdue_subjects = select(Task.subject).where(Task.status == "open", col(Task.due_on) < today)
    if filters.overdue:
        query = query.where(literal("case:").op("||")(Case.case_no).in_(overdue_subjects))
    async with db.session() as session:
        cases = (await session.exec(query.order_by(col(Case.id).desc()).limit(SEARCH_LIMIT))).all()
        late = set((await session.exec(overdue_subjects)).all())
    return [
        {
            "case_no": c.case_no,
            "filed_on": c.filed_on.isoformat(),
            "stage": c.stage,
            "channel": c.channel,
            "category": c.category,
            "region": c.region,
            "employer": c.employer_name,
            "next_deadline_on": c.next_deadline_on.isoformat() if c.next_deadline_on else None,
            "overdue": f"case:{c.case_no}" in late,
            "collective": c.collective,
        }
        for c in cases
    ]


"""The administrator's case search: filters on the case projection, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pydantic import Field
from sqlalchemy import literal
from sqlmodel import col, select

from domain.case import Category, Channel, Stage
from infrastructure.db import Database
from infrastructure.tables import Case, Task
from services.read_models import Page, PageRequest, ReadModel, page_fields, paged_rows


@dataclass(frozen=True)
class CaseFilters:
    """Administrator's case search; every filter optional."""

    case_no: str = ""
    stage: str = ""
    channel: str = ""
    region: str = ""
    employer: str = ""
    overdue: bool = False


class CaseSummary(ReadModel):
    """One line of the case search."""

    case_no: str
    filed_on: date
    stage: Stage
    channel: Channel | None
    category: Category
    region: str
    employer: str
    next_deadline_on: date | None
    overdue: bool = Field(description="the case has an open task past its due date")
    collective: bool


class CasePage(Page[CaseSummary]):
    """One page of the case search, newest first."""


async def search_cases(db: Database, filters: CaseFilters, today: date, paging: PageRequest | None = None) -> CasePage:
    """Cases matching the filters, newest first, one page (the first 50 unless asked) with the total."""
    paging = paging or PageRequest()
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
        cases, total = await paged_rows(session, query.order_by(col(Case.id).desc()), paging)
        subjects = [f"case:{c.case_no}" for c in cases]
        late = set((await session.exec(overdue_subjects.where(col(Task.subject).in_(subjects)))).all()) if subjects else set()
    items = [
        CaseSummary(
            case_no=c.case_no,
            filed_on=c.filed_on,
            stage=Stage(c.stage),
            channel=Channel(c.channel) if c.channel else None,
            category=Category(c.category),
            region=c.region,
            employer=c.employer_name,
            next_deadline_on=c.next_deadline_on,
            overdue=f"case:{c.case_no}" in late,
            collective=c.collective,
        )
        for c in cases
    ]
    return CasePage(items=items, **page_fields(total, paging))

"""Suggestions to open a supervision matter: a query over dispute cases not yet linked to a matter
(and not dismissed), judged by the pure rule `domain.supervision_rules.suggestions` with the
thresholds from settings (LABOURFLOW_SUPERVISION_SUGGEST_COMPLAINTS / _WINDOW_DAYS)."""

from __future__ import annotations

from sqlmodel import col, or_, select

from domain.supervision_rules import Complaint, Suggestion, suggestions
from infrastructure.db import Database
from infrastructure.settings import Settings
from infrastructure.tables import Case, CaseRespondent, SupervisionCaseLink, SupervisionDismissal


async def complaints_in(db: Database, region: str | None) -> list[Complaint]:
    """One complaint per respondent named by credit code (a rider's case counts against the platform
    and its partner firm alike), and one per collective case naming none, among the region's cases
    that no matter concerns yet and no one dismissed."""
    linked = select(SupervisionCaseLink.case_no)
    dismissed = select(SupervisionDismissal.case_no)
    query = (
        select(Case.case_no, CaseRespondent.seq, CaseRespondent.name, CaseRespondent.uscc, Case.filed_on, Case.collective)
        .join(CaseRespondent, col(CaseRespondent.case_no) == col(Case.case_no))
        .where(
            or_(col(CaseRespondent.uscc).is_not(None), col(Case.collective).is_(True)),
            col(Case.case_no).not_in(linked),
            col(Case.case_no).not_in(dismissed),
        )
        .order_by(col(Case.case_no), col(CaseRespondent.seq))
    )
    if region is not None:
        query = query.where(Case.region == region)
    async with db.session() as session:
        rows = (await session.exec(query)).all()
    found: list[Complaint] = []
    for no, _seq, name, uscc, filed, collective in rows:
        if uscc is None and any(c.case_no == no for c in found):
            continue  # a collective case is suggested once when it names no credit code
        found.append(Complaint(case_no=no, employer_name=name, employer_uscc=uscc, filed_on=filed, collective=collective))
    return [c for c in found if c.employer_uscc or not any(o.case_no == c.case_no and o.employer_uscc for o in found)]


async def list_suggestions(
    db: Database, settings: Settings, region: str | None
) -> list[Suggestion]:
    """Open suggestions for the region, newest first."""
    return suggestions(
        await complaints_in(db, region),
        threshold=settings.supervision_suggest_complaints,
        window_days=settings.supervision_suggest_window_days,
    )


async def find_suggestion(
    db: Database, settings: Settings, region: str | None, key: str
) -> Suggestion | None:
    return next((s for s in await list_suggestions(db, settings, region) if s.key == key), None)


async def dismiss(db: Database, suggestion: Suggestion, reason: str, username: str) -> None:
    """Staff decided no matter is needed: these cases are not suggested again."""
    async with db.session() as session:
        for case_no in suggestion.case_nos:
            session.add(
                SupervisionDismissal(case_no=case_no, reason=reason[:500], dismissed_by=username)
            )
        await session.commit()

"""The administrator's live dashboard: open cases by stage and channel, overdue tasks by team, median
days per stage, the mediation success rate and supervision figures, each a set-based query."""

from __future__ import annotations

import statistics
from datetime import date

from pydantic import BaseModel
from sqlalchemy import func
from sqlmodel import col, select

from infrastructure.db import Database
from infrastructure.tables import Case, CaseRespondent, CaseStageVisit, StoredDocument, Task, TimelineEvent

MEDIATION_SUCCESS = ("mediation_agreement",)


MEDIATION_FAILURE = ("mediation_failed", "mediation_period_expired", "mediation_refused")


SUPERVISION_DOCUMENTS = (
    "reminder_letter",
    "opinion_notice",
    "recommendation_notice",
    "lead_transfer_letter",
)


class Dashboard(BaseModel):
    """The live system at a glance."""

    as_of: date
    open_by_stage: dict[str, int]
    open_by_channel: dict[str, int]
    overdue_tasks_by_team: dict[str, int]
    open_tasks: int
    median_days_by_stage: dict[str, float]
    mediation_agreements: int
    mediation_failures: int
    mediation_success_rate: float | None
    supervision_documents: dict[str, int]
    supervision_open_tasks: int
    cases_total: int
    open_respondents_by_role: dict[str, int] = {}  # every respondent of the open cases, by role


async def dashboard(db: Database, today: date) -> Dashboard:
    """Open cases by stage and channel, overdue tasks by team, median days per stage, mediation
    success rate, supervision statistics (notices issued, open supervision tasks)."""
    open_case = col(Case.closed_on).is_(None)
    async with db.session() as session:
        by_stage = dict(
            (
                await session.exec(
                    select(Case.stage, func.count()).where(open_case).group_by(Case.stage)
                )
            ).all()
        )
        by_channel = dict(
            (
                await session.exec(
                    select(func.coalesce(Case.channel, "none"), func.count())
                    .where(open_case)
                    .group_by(Case.channel)
                )
            ).all()
        )
        overdue = dict(
            (
                await session.exec(
                    select(func.coalesce(Task.team_code, "none"), func.count())
                    .where(Task.status == "open", col(Task.due_on) < today)
                    .group_by(Task.team_code)
                )
            ).all()
        )
        open_tasks = (
            await session.exec(select(func.count()).select_from(Task).where(Task.status == "open"))
        ).one()
        visits = (
            await session.exec(
                select(
                    CaseStageVisit.stage, CaseStageVisit.entered_at, CaseStageVisit.left_at
                ).where(col(CaseStageVisit.left_at).is_not(None))
            )
        ).all()
        outcomes = dict(
            (
                await session.exec(
                    select(TimelineEvent.kind, func.count())
                    .where(col(TimelineEvent.kind).in_(MEDIATION_SUCCESS + MEDIATION_FAILURE))
                    .group_by(TimelineEvent.kind)
                )
            ).all()
        )
        notices = dict(
            (
                await session.exec(
                    select(StoredDocument.doc_type, func.count())
                    .where(col(StoredDocument.doc_type).in_(SUPERVISION_DOCUMENTS))
                    .group_by(StoredDocument.doc_type)
                )
            ).all()
        )
        supervision_tasks = (
            await session.exec(
                select(func.count())
                .select_from(Task)
                .where(Task.status == "open", col(Task.subject).startswith("matter:"))
            )
        ).one()
        total = (await session.exec(select(func.count()).select_from(Case))).one()
        respondents = dict(
            (
                await session.exec(
                    select(CaseRespondent.role, func.count())
                    .join(Case, col(Case.case_no) == col(CaseRespondent.case_no))
                    .where(open_case)
                    .group_by(CaseRespondent.role)
                )
            ).all()
        )
    durations: dict[str, list[float]] = {}
    for stage, entered, left in visits:
        durations.setdefault(stage, []).append((left - entered).total_seconds() / 86400)
    agreements = sum(outcomes.get(k, 0) for k in MEDIATION_SUCCESS)
    failures = sum(outcomes.get(k, 0) for k in MEDIATION_FAILURE)
    return Dashboard(
        as_of=today,
        open_by_stage=by_stage,
        open_by_channel=by_channel,
        overdue_tasks_by_team=overdue,
        open_tasks=open_tasks,
        median_days_by_stage={
            s: round(statistics.median(d), 1) for s, d in sorted(durations.items())
        },
        mediation_agreements=agreements,
        mediation_failures=failures,
        mediation_success_rate=round(agreements / (agreements + failures), 3)
        if agreements + failures
        else None,
        supervision_documents={k: notices.get(k, 0) for k in SUPERVISION_DOCUMENTS},
        supervision_open_tasks=supervision_tasks,
        cases_total=total,
        open_respondents_by_role=respondents,
    )


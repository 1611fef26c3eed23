"""Read models of the staff pages and their JSON twins: the inbox, case search, the dashboard, users
and the notification outbox. Each is a few set-based queries on the projections (no N+1)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import case as sql_case
from sqlalchemy import func, literal, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.privacy import mask_mobile
from domain.roles import StaffPrincipal
from infrastructure.crypto import Keyring
from infrastructure.db import Database
from infrastructure.tables import (
    Case,
    CaseStageVisit,
    Deadline,
    Notification,
    StoredDocument,
    Task,
    TimelineEvent,
    User,
)

MEDIATION_SUCCESS = ("mediation_agreement",)
MEDIATION_FAILURE = ("mediation_failed", "mediation_period_expired", "mediation_refused")
SUPERVISION_DOCUMENTS = (
    "reminder_letter",
    "opinion_notice",
    "recommendation_notice",
    "lead_transfer_letter",
)
SEARCH_LIMIT = 100


def _case_no(subject: str) -> str | None:
    return subject.removeprefix("case:") if subject.startswith("case:") else None


def task_row(task: Task, case: Case | None, today: date) -> dict[str, Any]:
    """One inbox line: the task, its due date and whether it is overdue, and its case in brief."""
    return {
        "task_id": task.task_id,
        "kind": task.kind,
        "title_zh": task.title_zh,
        "title_en": task.title_en,
        "status": task.status,
        "due_on": task.due_on.isoformat() if task.due_on else None,
        "overdue": bool(task.due_on and task.due_on < today and task.status == "open"),
        "deadline_rule": task.deadline_rule,
        "assignee": task.assignee,
        "team_code": task.team_code,
        "escalated": task.escalated,
        "actions": list(task.actions),
        "subject": task.subject,
        "case_no": _case_no(task.subject),
        "employer": case.employer_name if case else None,
        "category": case.category if case else None,
        "stage": case.stage if case else None,
    }


INBOX_PER_PAGE = 50  # tasks per page of each inbox list
INBOX_MAX_PER_PAGE = 200
INBOX_MAX_PAGE = 100_000  # a bound for the API's validation, far beyond any real inbox

# Dated tasks first by due date (so overdue ones lead), undated last, then the task id: a total
# order, so consecutive pages neither overlap nor skip a task.
INBOX_ORDER = (
    sql_case((col(Task.due_on).is_(None), 1), else_=0),
    col(Task.due_on).asc(),
    col(Task.task_id).asc(),
)


class Inbox(BaseModel):
    """My open tasks and my team's other open tasks (administrators: everyone else's), one page of
    each. `mine` and `team` hold the same row dicts as before paging; `*_total` counts the whole
    list, `*_page` is the page shown (1-based), `*_pages` how many pages there are (at least 1)."""

    mine: list[dict[str, Any]]
    team: list[dict[str, Any]]
    mine_total: int
    team_total: int
    mine_page: int
    team_page: int
    mine_pages: int
    team_pages: int
    per_page: int


def _page_count(total: int, per_page: int) -> int:
    return max(1, -(-total // per_page))


async def _inbox_list(
    session: AsyncSession, where: list[Any] | None, page: int, per_page: int, clamp: bool
) -> tuple[list[Task], int, int, int]:
    """One COUNT and one page of tasks in inbox order; `where` None means the list is empty
    by definition (a mediator without a team has no team list). Returns (tasks, total, page,
    pages); with `clamp` a page past the end is the last page."""
    if where is None:
        return [], 0, 1 if clamp else page, 1
    total = (await session.exec(select(func.count()).select_from(Task).where(*where))).one()
    pages = _page_count(total, per_page)
    if clamp:
        page = min(max(page, 1), pages)
    query = (
        select(Task)
        .where(*where)
        .order_by(*INBOX_ORDER)
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    return list((await session.exec(query)).all()), total, page, pages


async def inbox(
    db: Database,
    staff: StaffPrincipal,
    today: date,
    *,
    mine_page: int = 1,
    team_page: int = 1,
    per_page: int = INBOX_PER_PAGE,
    clamp: bool = False,
) -> Inbox:
    """Open tasks: mine, then the rest of my team's (administrators: every other open task), each
    list paged on its own in the database (dated first by due date, so overdue first; undated last;
    then by task id). Five queries whatever the size: a COUNT and a page per list, then their cases.

    A page past the end is empty (its totals still say how many there are) unless `clamp`, which
    shows the last page instead (the HTML page clamps; the JSON API answers what was asked)."""
    per_page = min(max(per_page, 1), INBOX_MAX_PER_PAGE)
    mine_where: list[Any] = [Task.status == "open", Task.assignee == staff.username]
    not_mine = or_(col(Task.assignee).is_(None), col(Task.assignee) != staff.username)
    team_where: list[Any] | None
    if staff.is_admin:
        team_where = [Task.status == "open", not_mine]
    elif staff.team_code:
        team_where = [Task.status == "open", Task.team_code == staff.team_code, not_mine]
    else:
        team_where = None
    async with db.session() as session:
        mine, mine_total, mine_page, mine_pages = await _inbox_list(
            session, mine_where, mine_page, per_page, clamp
        )
        team, team_total, team_page, team_pages = await _inbox_list(
            session, team_where, team_page, per_page, clamp
        )
        case_nos = {n for t in mine + team if (n := _case_no(t.subject))}
        cases = (
            {
                c.case_no: c
                for c in (
                    await session.exec(select(Case).where(col(Case.case_no).in_(case_nos)))
                ).all()
            }
            if case_nos
            else {}
        )

    def rows(tasks: list[Task]) -> list[dict[str, Any]]:
        return [task_row(t, cases.get(_case_no(t.subject) or ""), today) for t in tasks]

    return Inbox(
        mine=rows(mine),
        team=rows(team),
        mine_total=mine_total,
        team_total=team_total,
        mine_page=mine_page,
        team_page=team_page,
        mine_pages=mine_pages,
        team_pages=team_pages,
        per_page=per_page,
    )


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
    )


def mask_recipient(kind: str, value: str) -> str:
    """Phones and e-mail addresses masked; staff usernames shown (they are not personal data
    here)."""
    if "@" in value:
        name, _, domain = value.partition("@")
        return f"{name[:1]}***@{domain}"
    if value.isdigit() or value.startswith("+"):
        return mask_mobile(value)
    return value if kind in ("staff", "supervisor") else f"{value[:1]}***"


async def outbox(
    db: Database, keyring: Keyring, status: str = "", limit: int = 100
) -> list[dict[str, Any]]:
    """The newest notifications with their bodies; recipients masked."""
    query = select(Notification).order_by(col(Notification.id).desc()).limit(limit)
    if status:
        query = query.where(Notification.status == status)
    async with db.session() as session:
        rows = (await session.exec(query)).all()
    return [
        {
            "id": n.id,
            "subject": n.subject,
            "channel": n.channel,
            "recipient_kind": n.recipient_kind,
            "recipient": mask_recipient(n.recipient_kind, keyring.decrypt_text(n.recipient_enc)),
            "template": n.template,
            "body_zh": n.body_zh,
            "body_en": n.body_en,
            "status": n.status,
            "attempts": n.attempts,
            "created_at": n.created_at.isoformat(),
            "sent_at": n.sent_at.isoformat() if n.sent_at else None,
        }
        for n in rows
    ]


async def list_users(db: Database) -> list[dict[str, Any]]:
    """Every staff account with its role, team, state and lockout."""
    now = datetime.now(UTC)
    async with db.session() as session:
        users = (await session.exec(select(User).order_by(User.username))).all()
    return [
        {
            "username": u.username,
            "display_name": u.display_name,
            "role": u.role,
            "team_code": u.team_code,
            "region": u.region,
            "is_active": u.is_active,
            "failed_logins": u.failed_logins,
            "locked": bool(
                u.locked_until and u.locked_until.replace(tzinfo=u.locked_until.tzinfo or UTC) > now
            ),
        }
        for u in users
    ]


async def task_deadline(db: Database, task: Task) -> dict[str, Any] | None:
    """The deadline a task runs against, with its explanation ('why this date')."""
    if not task.deadline_rule:
        return None
    async with db.session() as session:
        rows = (
            await session.exec(
                select(Deadline)
                .where(
                    Deadline.workflow_id == task.workflow_id, Deadline.rule_id == task.deadline_rule
                )
                .order_by(col(Deadline.id).desc())
            )
        ).all()
    row = next((r for r in rows if r.status == "pending"), rows[0] if rows else None)
    if row is None:
        return None
    return {
        "rule": row.rule_id,
        "due": row.due_on.isoformat(),
        "status": row.status,
        "provisional": row.provisional,
        "explanation": row.explanation,
    }

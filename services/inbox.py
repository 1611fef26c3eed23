"""The inbox: my open tasks and my team's, dated first (overdue first), each list paged in the database;
and the deadline a task runs against, with its explanation."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import case as sql_case
from sqlalchemy import func, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.case import Category, Stage
from domain.roles import Role, StaffPrincipal
from infrastructure.db import Database
from infrastructure.tables import Case, Deadline, Task
from services.case_view import DeadlineExplanation, TaskDeadline, TaskStatus
from services.read_models import Page, PageRequest, ReadModel, page_fields


def _case_no(subject: str) -> str | None:
    return subject.removeprefix("case:") if subject.startswith("case:") else None


class TaskRow(ReadModel):
    """One inbox line: the task, its due date and whether it is overdue, and its case in brief."""

    task_id: str
    kind: str
    title_zh: str
    title_en: str
    status: TaskStatus
    due_on: date | None
    overdue: bool
    deadline_rule: str | None
    assignee: str | None
    team_code: str | None
    escalated: bool
    actions: list[str] = Field(description="what can be done on it (`POST /api/v1/tasks/{task_id}/actions`)")
    subject: str = Field(description="`case:<case_no>` or `matter:<matter_no>`")
    case_no: str | None
    employer: str | None
    category: Category | None
    stage: Stage | None


class TaskDetail(TaskRow):
    """One task with the deadline it runs against and the JSON Schema of each action's payload."""

    deadline: TaskDeadline | None
    action_schemas: dict[str, dict[str, Any]] = Field(description="action name -> JSON Schema of its `payload`")


class TaskPage(Page[TaskRow]):
    """One page of tasks, overdue first."""


class TaskScope(StrEnum):
    """Which tasks a list holds: mine, my team's others (administrators: everyone else's), or both."""

    all = "all"
    mine = "mine"
    team = "team"


def task_row(task: Task, case: Case | None, today: date) -> TaskRow:
    """One inbox line: the task, its due date and whether it is overdue, and its case in brief."""
    return TaskRow(
        task_id=task.task_id,
        kind=task.kind,
        title_zh=task.title_zh,
        title_en=task.title_en,
        status=task.status,  # type: ignore[arg-type]
        due_on=task.due_on,
        overdue=bool(task.due_on and task.due_on < today and task.status == "open"),
        deadline_rule=task.deadline_rule,
        assignee=task.assignee,
        team_code=task.team_code,
        escalated=task.escalated,
        actions=list(task.actions),
        subject=task.subject,
        case_no=_case_no(task.subject),
        employer=case.employer_name if case else None,
        category=Category(case.category) if case else None,
        stage=Stage(case.stage) if case else None,
    )


INBOX_PER_PAGE = 50  # tasks per page of each inbox list


INBOX_MAX_PER_PAGE = 200


INBOX_MAX_PAGE = 100_000  # a bound for the API's validation, far beyond any real inbox


INBOX_ORDER = (
    sql_case((col(Task.due_on).is_(None), 1), else_=0),
    col(Task.due_on).asc(),
    col(Task.task_id).asc(),
)


class Inbox(BaseModel):
    """My open tasks and my team's other open tasks (administrators: everyone else's), one page of
    each (the inbox page shows both). `*_total` counts the whole list, `*_page` is the page shown
    (1-based), `*_pages` how many pages there are (at least 1)."""

    mine: list[TaskRow]
    team: list[TaskRow]
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
    mine_where, team_where = _scope_where(staff, TaskScope.mine), _scope_where(staff, TaskScope.team)
    async with db.session() as session:
        mine, mine_total, mine_page, mine_pages = await _inbox_list(
            session, mine_where, mine_page, per_page, clamp
        )
        team, team_total, team_page, team_pages = await _inbox_list(
            session, team_where, team_page, per_page, clamp
        )
        cases = await _cases_of(session, mine + team)

    def rows(tasks: list[Task]) -> list[TaskRow]:
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


def _scope_where(staff: StaffPrincipal, scope: TaskScope) -> list[Any] | None:
    """The conditions of a task list; None when the list is empty by definition (no team)."""
    mine = Task.assignee == staff.username
    not_mine = or_(col(Task.assignee).is_(None), col(Task.assignee) != staff.username)
    if scope is TaskScope.mine:
        return [Task.status == "open", mine]
    if staff.is_admin:
        return [Task.status == "open"] if scope is TaskScope.all else [Task.status == "open", not_mine]
    if not staff.team_code or staff.role is Role.legal_aid_lawyer:  # a lawyer has only their own tasks
        return None if scope is TaskScope.team else [Task.status == "open", mine]
    team = Task.team_code == staff.team_code
    return [Task.status == "open", or_(mine, team)] if scope is TaskScope.all else [Task.status == "open", team, not_mine]


async def _cases_of(session: AsyncSession, tasks: list[Task]) -> dict[str, Case]:
    case_nos = {n for t in tasks if (n := _case_no(t.subject))}
    if not case_nos:
        return {}
    return {c.case_no: c for c in (await session.exec(select(Case).where(col(Case.case_no).in_(case_nos)))).all()}


async def task_list(db: Database, staff: StaffPrincipal, today: date, scope: TaskScope, paging: PageRequest) -> TaskPage:
    """One page of open tasks in inbox order (dated first by due date, so overdue first; undated
    last; then by task id): mine, my team's others, or both. Three queries whatever the size."""
    return await _task_page(db, _scope_where(staff, scope), today, paging)


async def organisation_task_list(db: Database, team_codes: tuple[str, ...], today: date, paging: PageRequest) -> TaskPage:
    """An organisation's open tasks (every team's), in inbox order: what its agency system sees."""
    return await _task_page(db, [Task.status == "open", col(Task.team_code).in_(team_codes)] if team_codes else None, today, paging)


async def _task_page(db: Database, where: list[Any] | None, today: date, paging: PageRequest) -> TaskPage:
    async with db.session() as session:
        tasks, total, _, _ = await _inbox_list(session, where, paging.page, paging.per_page, clamp=False)
        cases = await _cases_of(session, tasks)
    items = [task_row(t, cases.get(_case_no(t.subject) or ""), today) for t in tasks]
    return TaskPage(items=items, **page_fields(total, paging))


async def task_deadline(db: Database, task: Task) -> TaskDeadline | None:
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
    return TaskDeadline(rule=row.rule_id, due=row.due_on, status=row.status, provisional=row.provisional,  # type: ignore[arg-type]
                        explanation=DeadlineExplanation.model_validate(row.explanation))


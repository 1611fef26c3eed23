"""Staff JSON endpoints: the inbox and one task with the JSON schema of each action's payload
(act on
it with `POST /api/v1/tasks/{task_id}/actions`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.deps import CurrentStaff, Services
from domain.catalogue import STAFF_PAYLOADS
from domain.china_time import china_today
from services.casework import visible_task
from services.inbox import INBOX_MAX_PAGE, INBOX_MAX_PER_PAGE, INBOX_PER_PAGE, Inbox, inbox, task_deadline, task_row

router = APIRouter(prefix="/api/v1", tags=["staff"])


@router.get("/tasks")
async def list_tasks(
    ctx: Services,
    staff: CurrentStaff,
    mine_page: Annotated[
        int, Query(ge=1, le=INBOX_MAX_PAGE, description="page of `mine`, 1-based")
    ] = 1,
    team_page: Annotated[
        int, Query(ge=1, le=INBOX_MAX_PAGE, description="page of `team`, 1-based")
    ] = 1,
    per_page: Annotated[
        int, Query(ge=1, le=INBOX_MAX_PER_PAGE, description="tasks per page of each list")
    ] = INBOX_PER_PAGE,
) -> Inbox:
    """My open tasks and my team's (administrators: all), overdue first, then by due date; undated
    tasks last, ties by task id. Each list is paged on its own: `mine_page` and `team_page`
    (1-based, default 1), `per_page` tasks each (default 50, at most 200).

    The answer keeps `mine` and `team` (one page of task rows each) and adds `mine_total` and
    `team_total` (tasks in the whole list), `mine_page` and `team_page` (the page returned),
    `mine_pages` and `team_pages` (how many pages, at least 1) and `per_page`. A page past the
    end is an empty list with the same totals; fetch pages until `*_page` equals `*_pages`. A
    page number below 1, above 100000 or not a number is refused with 422 naming the parameter."""
    return await inbox(
        ctx.db,
        staff,
        china_today(),
        mine_page=mine_page,
        team_page=team_page,
        per_page=per_page,
    )


@router.get("/tasks/{task_id:path}", responses={404: {"description": "no such task, or not yours"}})
async def get_task(ctx: Services, task_id: str, staff: CurrentStaff) -> dict[str, Any]:
    """One task: its case, deadline with explanation, and each action's payload schema."""
    task = await visible_task(ctx, task_id, staff)
    row = task_row(task, None, china_today())
    row["deadline"] = await task_deadline(ctx.db, task)
    row["action_schemas"] = {name: STAFF_PAYLOADS[name].model_json_schema() for name in task.actions if name in STAFF_PAYLOADS}
    return row

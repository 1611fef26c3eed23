"""Staff JSON endpoints: the inbox and one task with the JSON schema of each action's payload
(act on it with `POST /api/v1/tasks/{task_id}/actions`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import CurrentStaff, Paging, Services
from api.problems import problems
from domain.catalogue import STAFF_PAYLOADS
from domain.china_time import china_today
from services.casework import visible_task
from services.inbox import TaskDetail, TaskPage, TaskScope, task_deadline, task_list, task_row

router = APIRouter(prefix="/api/v1", tags=["staff"])


@router.get("/tasks", response_model=TaskPage)
async def list_tasks(
    ctx: Services,
    staff: CurrentStaff,
    paging: Paging,
    scope: Annotated[TaskScope, Query(description="`all`: mine and my team's (administrators: every open task); "
                                                  "`mine`: assigned to me; `team`: my team's others")] = TaskScope.all,
) -> TaskPage:
    """My open tasks and my team's (administrators: all), overdue first, then by due date; undated
    tasks last, ties by task id. One page at a time (`page`, `per_page`) with the total."""
    return await task_list(ctx.db, staff, china_today(), scope, paging)


@router.get("/tasks/{task_id:path}", response_model=TaskDetail, responses=problems(404, d404="no such task, or not yours"))
async def get_task(ctx: Services, task_id: str, staff: CurrentStaff) -> TaskDetail:
    """One task: its case, deadline with explanation, and each action's payload schema."""
    task = await visible_task(ctx, task_id, staff)
    row = task_row(task, None, china_today())
    schemas = {name: STAFF_PAYLOADS[name].model_json_schema() for name in task.actions if name in STAFF_PAYLOADS}
    return TaskDetail(**row.model_dump(), deadline=await task_deadline(ctx.db, task), action_schemas=schemas)

"""Staff JSON endpoints: the inbox and one task with the JSON schema of each action's payload
(act on it with `POST /api/v1/tasks/{task_id}/actions`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import Paging, Services, TaskReader
from api.problems import problems
from domain.agency_systems import AgencySystemPrincipal, Scope
from domain.catalogue import STAFF_PAYLOADS
from domain.china_time import china_today
from domain.roles import StaffPrincipal
from infrastructure.tables import Task
from services.agency_work import require_scope, system_task
from services.casework import visible_task
from services.context import ServiceContext
from services.inbox import TaskDetail, TaskPage, TaskScope, organisation_task_list, task_deadline, task_list, task_row

router = APIRouter(prefix="/api/v1", tags=["staff"])


@router.get("/tasks", response_model=TaskPage, responses=problems(403, d403="the agency system's token lacks tasks:read"))
async def list_tasks(
    ctx: Services,
    staff: TaskReader,
    paging: Paging,
    scope: Annotated[TaskScope, Query(description="`all`: mine and my team's (administrators: every open task); "
                                                  "`mine`: assigned to me; `team`: my team's others")] = TaskScope.all,
) -> TaskPage:
    """My open tasks and my team's (administrators: all), overdue first, then by due date; undated
    tasks last, ties by task id. One page at a time (`page`, `per_page`) with the total. An agency
    system (scope tasks:read) gets its organisation's open tasks, whatever the `scope`."""
    if isinstance(staff, AgencySystemPrincipal):
        require_scope(staff, Scope.tasks_read)
        return await organisation_task_list(ctx.db, staff.team_codes, china_today(), paging)
    return await task_list(ctx.db, staff, china_today(), scope, paging)


async def _readable_task(ctx: ServiceContext, task_id: str, reader: StaffPrincipal | AgencySystemPrincipal) -> Task:
    if isinstance(reader, AgencySystemPrincipal):
        require_scope(reader, Scope.tasks_read)
        return await system_task(ctx.db, task_id, reader)
    return await visible_task(ctx, task_id, reader)


@router.get("/tasks/{task_id:path}", response_model=TaskDetail,
            responses=problems(403, 404, d403="the agency system's token lacks tasks:read", d404="no such task, or not yours"))
async def get_task(ctx: Services, task_id: str, staff: TaskReader) -> TaskDetail:
    """One task: its case, deadline with explanation, and each action's payload schema."""
    task = await _readable_task(ctx, task_id, staff)
    row = task_row(task, None, china_today())
    schemas = {name: STAFF_PAYLOADS[name].model_json_schema() for name in task.actions if name in STAFF_PAYLOADS}
    return TaskDetail(**row.model_dump(), deadline=await task_deadline(ctx.db, task), action_schemas=schemas)

"""Staff JSON endpoints: the inbox and one task with the JSON schema of each action's payload
(act on
it with `POST /api/v1/tasks/{task_id}/actions`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from api.auth import CurrentStaff
from api.casework import TASK_PAYLOADS, visible_task
from api.schemas import china_today
from api.staff_views import inbox, task_deadline, task_row

router = APIRouter(prefix="/api/v1", tags=["staff"])


@router.get("/tasks")
async def list_tasks(request: Request, staff: CurrentStaff) -> dict[str, list[dict[str, Any]]]:
    """My open tasks and my team's (administrators: all), overdue first, then by due date."""
    return await inbox(request.app.state.db, staff, china_today())


@router.get("/tasks/{task_id:path}", responses={404: {"description": "no such task, or not yours"}})
async def get_task(request: Request, task_id: str, staff: CurrentStaff) -> dict[str, Any]:
    """One task: its case, deadline with explanation, and each action's payload schema."""
    task = await visible_task(request, task_id, staff)
    row = task_row(task, None, china_today())
    row["deadline"] = await task_deadline(request.app.state.db, task)
    row["action_schemas"] = {
        name: TASK_PAYLOADS[name].model_json_schema()
        for name in task.actions
        if name in TASK_PAYLOADS
    }
    return row

"""Cases: intake (`POST /api/v1/cases`), the case as its worker or staff see it, and actions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from temporalio.client import WorkflowUpdateFailedError
from temporalio.service import RPCError

from api.ratelimit import rate_limit
from api.auth import CurrentStaff, StaffPrincipal, WorkerPrincipal, case_principal
from api.schemas import IntakeAccepted, IntakeRequest
from api.temporal_gateway import TemporalUnavailable
from api.views import case_detail
from domain.actions import ActionResult, Actor, TaskAction, WorkerAction
from labourflow import audit
from labourflow.cases import IdempotencyConflict, register_case, start_workflow
from labourflow.tables import Task

router = APIRouter(prefix="/api/v1", tags=["cases"])


@router.post("/cases", status_code=201, response_model=IntakeAccepted, dependencies=[Depends(rate_limit("intake"))],
             responses={409: {"description": "Idempotency-Key reused for a different request"}, 429: {"description": "too many requests"}})
async def file_case(request: Request, intake: IntakeRequest,
                    idempotency_key: Annotated[str | None, Header(max_length=128)] = None) -> JSONResponse:
    """File a complaint. The same Idempotency-Key always yields the same case (201 then 200)."""
    app = request.app.state
    try:
        registered = await register_case(app.db, app.keyring, intake, idempotency_key)
    except IdempotencyConflict as exc:
        raise HTTPException(status_code=409, detail=str(exc)) from None
    started = await _try_start(request, registered.case_no) if registered.created else True
    body = IntakeAccepted(case_no=registered.case_no, access_code=registered.access_code,
                          status_url=f"/status/{registered.case_no}", receipt_url=f"/api/v1/cases/{registered.case_no}/documents",
                          workflow_started=started)
    return JSONResponse(status_code=201 if registered.created else 200, content=body.model_dump(mode="json"))


async def _try_start(request: Request, case_no: str) -> bool:
    """Start the workflow now; if Temporal is down the case waits for the retry loop (nothing lost)."""
    app = request.app.state
    try:
        client = await app.temporal.client()
        await start_workflow(client, app.settings, app.db, app.keyring, case_no, app.calendar_years(),
                             search_attributes=app.search_attributes)
        return True
    except (TemporalUnavailable, RPCError, ConnectionError):
        return False


@router.get("/cases/{case_no}", dependencies=[Depends(rate_limit("access"))])
async def get_case(request: Request, case_no: str) -> dict[str, Any]:
    """The case: stage, timeline, deadlines with explanations, documents, the worker's options.

    The worker sends the access code in `X-Access-Code`; staff a bearer token. An unknown case
    number and a wrong access code give the same 404."""
    principal = await case_principal(request, case_no)
    if isinstance(principal, StaffPrincipal):  # staff reading personal data is itself recorded
        await audit.record(request.app.state.db, actor=principal.username, action="case.view", object_type="case", object_id=case_no)
    return await case_detail(request, case_no, principal)


class ActionRejected(BaseModel):
    detail: str


def _rejection(exc: WorkflowUpdateFailedError) -> HTTPException:
    cause = exc.cause
    message = getattr(cause, "message", None) or str(cause)
    return HTTPException(status_code=409, detail=message)


@router.post("/cases/{case_no}/actions", response_model=ActionResult, responses={409: {"model": ActionRejected}})
async def worker_action(request: Request, case_no: str, action: WorkerAction) -> ActionResult:
    """The worker acts on their case (choose arbitration, sue, apply for legal aid, withdraw...)."""
    principal = await case_principal(request, case_no)
    if not isinstance(principal, WorkerPrincipal):
        raise HTTPException(status_code=403, detail="只有劳动者本人可以办理 / only the worker may do this")
    return await _update(request, f"case/{case_no}", "worker-act", action)


class TaskActionIn(BaseModel):
    action: str
    payload: dict[str, Any] = {}


@router.post("/tasks/{task_id:path}/actions", response_model=ActionResult, responses={409: {"model": ActionRejected}})
async def task_action(request: Request, task_id: str, body: TaskActionIn, staff: CurrentStaff) -> ActionResult:
    """A staff member acts on a task; a rejected action says why and changes nothing."""
    task = await _visible_task(request, task_id, staff)
    actor = Actor(kind="staff", username=staff.username, role=staff.role.value, team_code=staff.team_code,
                  display_name=staff.display_name)
    before = {"status": task.status, "assignee": task.assignee, "due_on": task.due_on}
    result = await _update(request, task.workflow_id, "act", TaskAction(task_id=task_id, action=body.action, actor=actor,
                                                                          payload=body.payload))
    await audit.record(request.app.state.db, actor=staff.username, action=f"task.{body.action}", object_type="task",
                       object_id=task_id, before=before, after={"payload": body.payload, "documents": list(result.document_ids)})
    return result


async def _visible_task(request: Request, task_id: str, staff: StaffPrincipal) -> Task:
    async with request.app.state.db.session() as session:
        task = await session.get(Task, task_id)
    if task is None or not (staff.is_admin or task.team_code == staff.team_code or task.assignee == staff.username):
        raise HTTPException(status_code=404, detail="未找到 / not found")
    return task


async def _update(request: Request, workflow_id: str, update: str, arg: Any) -> ActionResult:
    try:
        client = await request.app.state.temporal.client()
        handle = client.get_workflow_handle(workflow_id)
        return await handle.execute_update(update, arg, result_type=ActionResult)
    except WorkflowUpdateFailedError as exc:
        raise _rejection(exc) from None
    except TemporalUnavailable:
        raise HTTPException(status_code=503, detail="工作流服务暂不可用，请稍后重试 / the workflow service is unavailable; retry shortly") from None

"""Cases: intake (`POST /api/v1/cases`), the case as its worker or staff see it, and actions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from api.deps import CaseReader, CaseWorker, CurrentStaff, Services
from api.ratelimit import rate_limit
from api.schemas import IntakeAccepted
from domain.actions import ActionResult, WorkerAction
from domain.intake import IntakeRequest
from domain.roles import StaffPrincipal
from infrastructure import audit
from services import casework
from services.case_view import case_detail
from services.intake import file_intake

router = APIRouter(prefix="/api/v1", tags=["cases"])


@router.post("/cases", status_code=201, response_model=IntakeAccepted, dependencies=[Depends(rate_limit("intake"))],
             responses={409: {"description": "Idempotency-Key reused for a different request"}, 429: {"description": "too many requests"}})
async def file_case(ctx: Services, intake: IntakeRequest,
                    idempotency_key: Annotated[str | None, Header(max_length=128)] = None) -> JSONResponse:
    """File a complaint. The same Idempotency-Key always yields the same case (201 then 200)."""
    filed = await file_intake(ctx, intake, idempotency_key)
    body = IntakeAccepted(
        case_no=filed.case_no, access_code=filed.access_code, status_url=f"/status/{filed.case_no}",
        receipt_url=f"/api/v1/cases/{filed.case_no}/documents", workflow_started=filed.started)
    status = 201 if filed.created else 200
    return JSONResponse(status_code=status, content=body.model_dump(mode="json"))


@router.get("/cases/{case_no}", dependencies=[Depends(rate_limit("access"))])
async def get_case(ctx: Services, case_no: str, principal: CaseReader) -> dict[str, Any]:
    """The case: stage, timeline, deadlines with explanations, documents, the worker's options.

    The worker sends the access code in `X-Access-Code`; staff a bearer token. An unknown case
    number and a wrong access code give the same 404."""
    if isinstance(principal, StaffPrincipal):  # staff reading personal data is itself recorded
        await audit.record(ctx.db, actor=principal.username, action="case.view", object_type="case", object_id=case_no)
    return await case_detail(ctx.db, ctx.keyring, case_no, principal)


class ActionRejected(BaseModel):
    detail: str


@router.post("/cases/{case_no}/actions", response_model=ActionResult, responses={409: {"model": ActionRejected}})
async def worker_action(ctx: Services, case_no: str, action: WorkerAction, worker: CaseWorker) -> ActionResult:
    """The worker acts on their case (choose arbitration, sue, apply for legal aid, withdraw...)."""
    return await casework.run_worker_action(ctx, case_no, action)


class TaskActionIn(BaseModel):
    action: str
    payload: dict[str, Any] = {}


@router.post("/tasks/{task_id:path}/actions", response_model=ActionResult, responses={409: {"model": ActionRejected}})
async def task_action(ctx: Services, task_id: str, body: TaskActionIn, staff: CurrentStaff) -> ActionResult:
    """A staff member acts on a task; a rejected action says why and changes nothing."""
    task = await casework.visible_task(ctx, task_id, staff)
    return await casework.run_task_action(ctx, task, staff, body.action, body.payload)

"""Cases: intake (`POST /api/v1/cases`), the case as its worker or staff see it, and actions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Header, Response
from pydantic import BaseModel, Field

from api import examples
from api.deps import CaseReader, CaseWorker, Services, TaskActor
from api.errors import check_payload
from api.problems import problems
from api.ratelimit import rate_limit
from api.schemas import IntakeAccepted
from domain.actions import ActionResult, WorkerAction
from domain.agency_systems import AgencySystemPrincipal
from domain.catalogue import STAFF_PAYLOADS, WORKER_PAYLOADS
from domain.intake import IntakeRequest
from domain.roles import StaffPrincipal
from infrastructure import audit
from services import casework
from services.agency_work import act_as_system
from services.case_view import CaseDetail, case_detail
from services.intake import file_intake

router = APIRouter(prefix="/api/v1", tags=["cases"])
IdempotencyKey = Annotated[str | None, Header(
    alias="Idempotency-Key", max_length=128, examples=["intake-7f3a9c"],
    description="any unique string; the same key and body always give the same case (retry safely)")]


@router.post(
    "/cases", status_code=201, response_model=IntakeAccepted, dependencies=[Depends(rate_limit("intake"))],
    responses={200: {"model": IntakeAccepted, "description": "the same Idempotency-Key and body again: the case filed the "
                                                           "first time, with the same access code"},
               **problems(409, d409="the Idempotency-Key was used for a different request")},
)
async def file_case(ctx: Services, response: Response, intake: Annotated[IntakeRequest, Body(openapi_examples=examples.FILE_CASE)],
                    idempotency_key: IdempotencyKey = None) -> IntakeAccepted:
    """File a complaint. The same Idempotency-Key always yields the same case: 201 the first time,
    200 after; `workflow_started` says whether the case's workflow is running now (a case accepted
    while the workflow service is down starts by itself when it is back)."""
    filed = await file_intake(ctx, intake, idempotency_key)
    response.status_code = 201 if filed.created else 200
    return IntakeAccepted(
        case_no=filed.case_no, access_code=filed.access_code, status_url=f"/status/{filed.case_no}",
        receipt_url=f"/api/v1/cases/{filed.case_no}/documents", workflow_started=filed.started)


@router.get("/cases/{case_no}", response_model=CaseDetail, dependencies=[Depends(rate_limit("access"))])
async def get_case(ctx: Services, case_no: str, principal: CaseReader) -> CaseDetail:
    """The case: stage, timeline, deadlines with explanations, documents, the worker's options.

    The worker sends the access code in `X-Access-Code`; staff a bearer token. An unknown case
    number and a wrong access code give the same 404."""
    if isinstance(principal, StaffPrincipal):  # staff reading personal data is itself recorded
        await audit.record(ctx.db, actor=principal.username, action="case.view", object_type="case", object_id=case_no)
    return await case_detail(ctx.db, ctx.keyring, case_no, principal)


@router.post("/cases/{case_no}/actions", response_model=ActionResult,
             responses=problems(409, 503, d409="the case workflow refused: `detail` says why; nothing changed"))
async def act_on_case(ctx: Services, case_no: str, action: Annotated[WorkerAction, Body(openapi_examples=examples.WORKER_ACTION)],
                      worker: CaseWorker) -> ActionResult:
    """The worker acts on their case (choose arbitration, sue, apply for legal aid, withdraw...)."""
    check_payload(WORKER_PAYLOADS.get(action.action), action.payload)
    return await casework.run_worker_action(ctx, case_no, action.model_copy(update={"acted_by": ""}), worker)


class TaskActionIn(BaseModel):
    """An action on a task: its name and its payload (`GET /api/v1/tasks/{task_id}` gives each payload's schema)."""

    action: str = Field(min_length=1, max_length=60, description="one of the task's `actions`")
    payload: dict[str, Any] = Field(default_factory=dict, description="the action's input, as its `action_schemas` entry says")


ActionKey = Annotated[str | None, Header(
    alias="Idempotency-Key", min_length=1, max_length=128, examples=["cms-7f3a9c-accept"],
    description="required from an agency system (any unique string): the same key and body have their effect once, "
                "and a retry gets the first answer (`Idempotent-Replayed: true`); not used for staff")]


@router.post("/tasks/{task_id:path}/actions", response_model=ActionResult,
             responses=problems(400, 403, 404, 409, 422, 503, d400="an agency system sent no Idempotency-Key",
                                d403="the agency system's token lacks the scope of this action",
                                d404="no such task, or not yours",
                                d409="the workflow refused (`detail` says why; nothing changed), or the Idempotency-Key was "
                                     "used for another request"))
async def act_on_task(ctx: Services, response: Response, task_id: str,
                      body: Annotated[TaskActionIn, Body(openapi_examples=examples.TASK_ACTION)],
                      actor: TaskActor, idempotency_key: ActionKey = None) -> ActionResult:
    """A staff member, or an agency system for its organisation's team, acts on a task; a refused
    action says why and changes nothing."""
    payload_model = STAFF_PAYLOADS.get(body.action)  # a wrong payload: 422 field by field, before the workflow
    if isinstance(actor, AgencySystemPrincipal):
        check_payload(payload_model, body.payload)
        done = await act_as_system(ctx, task_id, actor, body.action, body.payload, idempotency_key)
        response.headers["Idempotent-Replayed"] = "true" if done.replayed else "false"
        return done.result
    task = await casework.visible_task(ctx, task_id, actor)
    check_payload(payload_model, body.payload)
    return await casework.run_task_action(ctx, task, actor, body.action, body.payload)

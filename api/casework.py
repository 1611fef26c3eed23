"""What the JSON API and the pages both do to cases, in one place: file an intake, start its
workflow,
run a worker's or a staff member's action as a Workflow Update, add evidence, find a visible
task."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import HTTPException, Request
from pydantic import BaseModel
from temporalio.client import WorkflowUpdateFailedError
from temporalio.service import RPCError

from api.auth import NOT_FOUND
from domain.actions import ActionResult, Actor, TaskAction, WorkerAction, WorkerActionKind
from domain.intake import IntakeRequest
from domain.roles import StaffPrincipal
from infrastructure import audit
from infrastructure.tables import Task
from infrastructure.temporal_gateway import TemporalUnavailable
from services.evidence import EvidenceFile, store_evidence
from services.intake import Registered, register_case, start_workflow
from workflows.dispute import PAYLOADS as WORKER_PAYLOADS
from workflows.registry import ALL_WORKFLOWS

UNAVAILABLE = "工作流服务暂不可用，请稍后重试 / the workflow service is unavailable; retry shortly"


class ActionRefused(Exception):
    """The workflow refused the action (its validator said why) or could not be reached."""

    def __init__(self, message: str, status_code: int = 409) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code

    def http(self) -> HTTPException:
        return HTTPException(status_code=self.status_code, detail=self.message)


@dataclass(frozen=True)
class Filed:
    case_no: str
    access_code: str
    created: bool
    started: bool


def _task_payloads() -> dict[str, type[BaseModel]]:
    found: dict[str, type[BaseModel]] = {}
    for definition in ALL_WORKFLOWS:
        for name, spec in getattr(definition, "ACTIONS", {}).items():
            found.setdefault(name, spec.payload)
    return found


# Every staff action by name with its payload model (same-named actions share one model: tested).
TASK_PAYLOADS: dict[str, type[BaseModel]] = _task_payloads()


def worker_payload(action: WorkerActionKind) -> type[BaseModel] | None:
    """The payload model of a worker action (None: the action takes no input)."""
    return WORKER_PAYLOADS.get(action)


async def try_start(request: Request, case_no: str) -> bool:
    """Start the workflow now; if Temporal is down the case waits for the retry loop (nothing
    lost)."""
    app = request.app.state
    try:
        client = await app.temporal.client()
        await start_workflow(
            client,
            app.settings,
            app.db,
            app.keyring,
            case_no,
            app.calendar_years(),
            search_attributes=app.search_attributes,
        )
        return True
    except (TemporalUnavailable, RPCError, ConnectionError):
        return False


async def file_intake(
    request: Request,
    intake: IntakeRequest,
    idempotency_key: str | None,
    uploads: tuple[EvidenceFile, ...] = (),
) -> Filed:
    """Register the case (idempotent by key), store its evidence files, then start its workflow.

    Evidence is stored before the start, so the first documents already list it."""
    app = request.app.state
    registered: Registered = await register_case(app.db, app.keyring, intake, idempotency_key)
    if not registered.created:
        return Filed(registered.case_no, registered.access_code, False, True)
    for upload in uploads:
        await store_evidence(app.settings, app.db, app.keyring, registered.case_no, upload)
    started = await try_start(request, registered.case_no)
    return Filed(registered.case_no, registered.access_code, True, started)


async def _update(request: Request, workflow_id: str, update: str, arg: Any) -> ActionResult:
    try:
        client = await request.app.state.temporal.client()
        handle = client.get_workflow_handle(workflow_id)
        return await handle.execute_update(update, arg, result_type=ActionResult)
    except WorkflowUpdateFailedError as exc:
        cause = exc.cause
        raise ActionRefused(getattr(cause, "message", None) or str(cause)) from None
    except (TemporalUnavailable, ConnectionError):
        raise ActionRefused(UNAVAILABLE, 503) from None
    except RPCError as exc:
        raise ActionRefused(f"工作流未运行 / the workflow is not running: {exc.message}") from None


async def run_worker_action(request: Request, case_no: str, action: WorkerAction) -> ActionResult:
    """The worker's action on their case, as the `worker-act` update (refusal: ActionRefused)."""
    return await _update(request, f"case/{case_no}", "worker-act", action)


async def run_task_action(
    request: Request, task: Task, staff: StaffPrincipal, action: str, payload: dict[str, Any]
) -> ActionResult:
    """A staff member's action on a task, as the `act` update of the task's workflow."""
    actor = Actor(
        kind="staff",
        username=staff.username,
        role=staff.role.value,
        team_code=staff.team_code,
        display_name=staff.display_name,
    )
    request_ = TaskAction(task_id=task.task_id, action=action, actor=actor, payload=payload)
    before = {"status": task.status, "assignee": task.assignee, "due_on": task.due_on}
    result = await _update(request, task.workflow_id, "act", request_)
    await audit.record(request.app.state.db, actor=staff.username, action=f"task.{action}", object_type="task",
                       object_id=task.task_id, before=before, after={"payload": payload, "documents": list(result.document_ids)})
    return result


async def add_evidence(
    request: Request,
    case_no: str,
    upload: EvidenceFile,
    description: str,
    uploaded_by: str = "worker",
) -> tuple[str, ActionResult]:
    """Store the file outside Temporal, then tell the case workflow its id (never the bytes)."""
    app = request.app.state
    row = await store_evidence(
        app.settings,
        app.db,
        app.keyring,
        case_no,
        upload,
        description=description,
        uploaded_by=uploaded_by,
    )
    action = WorkerAction(action=WorkerActionKind.add_evidence, payload={"evidence_id": row.id})
    return row.id, await run_worker_action(request, case_no, action)


def may_see_task(staff: StaffPrincipal, task: Task) -> bool:
    return (
        staff.is_admin
        or (staff.team_code is not None and task.team_code == staff.team_code)
        or task.assignee == staff.username
    )


async def visible_task(request: Request, task_id: str, staff: StaffPrincipal) -> Task:
    """The task, if this staff member may see it; the same 404 for missing and not theirs."""
    async with request.app.state.db.session() as session:
        task = await session.get(Task, task_id)
    if task is None or not may_see_task(staff, task):
        raise NOT_FOUND
    return task

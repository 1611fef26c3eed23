"""Acting on a case: a worker's own action and a staff member's action on a task, each a Workflow
Update checked by the workflow's validator first (a refused action leaves no trace), and adding
evidence (the file stays outside Temporal; the workflow hears of its id)."""

from __future__ import annotations

from typing import Any

from temporalio.client import WorkflowUpdateFailedError
from temporalio.service import RPCError

from domain.actions import ActionResult, Actor, TaskAction, WorkerAction, WorkerActionKind
from domain.agents import scope_problem
from domain.catalogue import STAFF_PAYLOADS, WORKER_PAYLOADS, LegalAid
from domain.ids import case_workflow_id
from domain.roles import Role, StaffPrincipal, WorkerPrincipal
from infrastructure import audit
from infrastructure.tables import Task
from infrastructure.temporal_gateway import TemporalUnavailable
from services.context import ServiceContext
from services.errors import NotFound, Refused, Unavailable
from services.evidence import EvidenceFile, store_evidence
from services.organisations import check_assigned_lawyer


class ActionRefused(Refused):
    """The workflow refused the action (its validator said why), or the input could not be read."""

    def __init__(self, message: str, status: int = 409) -> None:
        super().__init__(message)
        self.status = status


def worker_payload(action: WorkerActionKind) -> type[Any] | None:
    """The payload model of a worker action (None: the action takes no input)."""
    return WORKER_PAYLOADS.get(action)


def staff_payload(action: str) -> type[Any] | None:
    """The payload model of a staff action by its name (None: no such action)."""
    return STAFF_PAYLOADS.get(action)


def actor_of(staff: StaffPrincipal) -> Actor:
    """The workflow's record of who acts."""
    return Actor(kind="staff", username=staff.username, role=staff.role.value, team_code=staff.team_code, display_name=staff.display_name)


async def run_update(ctx: ServiceContext, workflow_id: str, update: str, arg: Any, update_id: str | None = None) -> ActionResult:
    """Run a Workflow Update; a validator's refusal becomes `ActionRefused` with its reason. With an
    `update_id`, Temporal runs it once: the same id again returns the first run's result."""
    try:
        client = await ctx.client()
        handle = client.get_workflow_handle(workflow_id)
        return await handle.execute_update(update, arg, id=update_id, result_type=ActionResult)
    except WorkflowUpdateFailedError as exc:
        cause = exc.cause
        raise ActionRefused(getattr(cause, "message", None) or str(cause)) from None
    except (TemporalUnavailable, ConnectionError):
        raise Unavailable() from None
    except RPCError as exc:
        raise ActionRefused(f"工作流未运行 / the workflow is not running: {exc.message}") from None


def on_behalf(worker: WorkerPrincipal | None, action: WorkerAction) -> WorkerAction:
    """An agent's act: refused outside its authorisation (403), else labelled with who acted for the worker."""
    if worker is None or worker.agent is None:
        return action
    problem = scope_problem(worker.powers, action.action.value)
    if problem:
        raise ActionRefused(problem, 403)
    return action.model_copy(update={"acted_by": worker.agent_label})


async def run_worker_action(ctx: ServiceContext, case_no: str, action: WorkerAction, worker: WorkerPrincipal | None = None) -> ActionResult:
    """The worker's action on their case (or their agent's, within its scope), as the `worker-act` update."""
    action = on_behalf(worker, action)
    result = await run_update(ctx, case_workflow_id(case_no), "worker-act", action)
    if worker is not None and worker.agent is not None:
        await audit.record(ctx.db, actor=f"agent:{worker.agent}", action=f"worker.{action.action.value}", object_type="case",
                           object_id=case_no, after={"for": "worker", "acted_by": action.acted_by, "payload": action.payload})
    return result


async def run_task_action(ctx: ServiceContext, task: Task, staff: StaffPrincipal, action: str, payload: dict[str, Any]) -> ActionResult:
    """A staff member's action on a task, as the `act` update of the task's workflow, then audited."""
    return await run_task_action_as(ctx, task, actor_of(staff), action, payload)


async def run_task_action_as(ctx: ServiceContext, task: Task, actor: Actor, action: str, payload: dict[str, Any],
                             update_id: str | None = None) -> ActionResult:
    """An action on a task by `actor` (a person, or an agency system acting for its team), as the
    `act` update of the task's workflow, then audited."""
    if action == LegalAid.record_lawyer.name and payload.get("lawyer_username"):  # the assignment opens the case to them
        await check_assigned_lawyer(ctx.db, str(payload["lawyer_username"]), task.team_code)
    request = TaskAction(task_id=task.task_id, action=action, actor=actor, payload=payload)
    before = {"status": task.status, "assignee": task.assignee, "due_on": task.due_on}
    result = await run_update(ctx, task.workflow_id, "act", request, update_id)
    await audit.record(ctx.db, actor=actor.username or actor.kind, action=f"task.{action}", object_type="task",
                       object_id=task.task_id, before=before, after={"payload": payload, "documents": list(result.document_ids)})
    return result


async def add_evidence(
    ctx: ServiceContext, case_no: str, upload: EvidenceFile, description: str, uploaded_by: str = "worker",
    worker: WorkerPrincipal | None = None,
) -> tuple[str, ActionResult]:
    """Store the file outside Temporal, then tell the case workflow its id (never the bytes)."""
    action = on_behalf(worker, WorkerAction(action=WorkerActionKind.add_evidence))  # an agent's scope first
    if worker is not None and worker.agent is not None:
        uploaded_by = f"agent:{worker.agent}"
    row = await store_evidence(ctx.storage, ctx.db, ctx.keyring, case_no, upload, description=description, uploaded_by=uploaded_by)
    action = WorkerAction(action=WorkerActionKind.add_evidence, payload={"evidence_id": row.id})
    return row.id, await run_worker_action(ctx, case_no, action, worker)


def may_see_task(staff: StaffPrincipal, task: Task) -> bool:
    """Administrators see every task; others their team's and their own (a legal-aid lawyer: their own)."""
    team_work = staff.team_code is not None and task.team_code == staff.team_code and staff.role is not Role.legal_aid_lawyer
    return staff.is_admin or team_work or task.assignee == staff.username


async def visible_task(ctx: ServiceContext, task_id: str, staff: StaffPrincipal) -> Task:
    """The task, if this staff member may see it; the same `NotFound` for missing and not theirs."""
    async with ctx.db.session() as session:
        task = await session.get(Task, task_id)
    if task is None or not may_see_task(staff, task):
        raise NotFound()
    return task

"""Union supervision for the API and the pages: who may see a matter (its union's legal staff and
administrators; others get the same 404 as for a missing one), read models built from the
projections, and acting on a matter through its workflow's Updates (a rejection is a 409 with the
workflow's reason)."""

from __future__ import annotations

import asyncio
import time
from datetime import date, timedelta
from typing import Any

from fastapi import HTTPException, Request
from sqlmodel import col, select
from temporalio.client import WorkflowUpdateFailedError
from temporalio.service import RPCError

from api.auth import NOT_FOUND
from domain.actions import ActionResult, Actor, TaskAction
from domain.china_time import china_today
from domain.roles import StaffPrincipal
from domain.supervision import NOTICE_RUNGS, EmployerReply, MatterView
from infrastructure.tables import (
    Deadline,
    StoredDocument,
    SupervisionAttachment,
    SupervisionCaseLink,
    SupervisionMatter,
    SupervisionRung,
    Task,
    TimelineEvent,
)
from infrastructure.temporal_gateway import TemporalUnavailable
from services.supervision.matters import start_matter

UNAVAILABLE = HTTPException(
    status_code=503,
    detail="工作流服务暂不可用，请稍后重试 / the workflow service is unavailable; retry shortly",
)
REPLY_RUNGS = {r.value for r in NOTICE_RUNGS}
STAYS_OPEN = {"record_investigation", "revise_draft"}  # actions that leave their task open
SETTLE_SECONDS = 5.0


def actor_of(staff: StaffPrincipal) -> Actor:
    return Actor(
        kind="staff",
        username=staff.username,
        role=staff.role.value,
        team_code=staff.team_code,
        display_name=staff.display_name,
    )


async def visible_matter(
    request: Request, matter_no: str, staff: StaffPrincipal
) -> SupervisionMatter:
    """The matter if the staff member's union holds it (or they are an administrator); else 404."""
    async with request.app.state.db.session() as session:
        row = (
            await session.exec(
                select(SupervisionMatter).where(SupervisionMatter.matter_no == matter_no)
            )
        ).first()
    if row is None or not (staff.is_admin or row.team_code == staff.team_code):
        raise NOT_FOUND
    return row


async def ensure_started(request: Request, row: SupervisionMatter) -> bool:
    """Start the workflow of a matter committed while Temporal was down; False if still down."""
    if row.workflow_started:
        return True
    app = request.app.state
    try:
        await start_matter(await app.temporal.client(), app.settings, app.db, row.matter_no)
    except (TemporalUnavailable, RPCError, ConnectionError):
        return False
    return True


def _overdue(rung: SupervisionRung | None, today: date) -> bool:
    return bool(
        rung
        and rung.rung in REPLY_RUNGS
        and rung.reply_due_on
        and rung.replied_on is None
        and rung.reply_due_on < today
    )


async def matter_summaries(
    request: Request, staff: StaffPrincipal, status: str = "open"
) -> list[dict[str, Any]]:
    """The union's matters: overdue replies first, then by the next deadline."""
    today = china_today()
    async with request.app.state.db.session() as session:
        query = select(SupervisionMatter).where(SupervisionMatter.status == status)
        if not staff.is_admin:
            query = query.where(SupervisionMatter.team_code == staff.team_code)
        matters = (await session.exec(query)).all()
        numbers = [m.matter_no for m in matters]
        rungs = (
            await session.exec(
                select(SupervisionRung)
                .where(col(SupervisionRung.matter_no).in_(numbers))
                .order_by(col(SupervisionRung.seq))
            )
        ).all()
    latest = {r.matter_no: r for r in rungs if r.rung in REPLY_RUNGS}
    items = [
        {
            "matter_no": m.matter_no,
            "employer_name": m.employer_name,
            "employer_uscc": m.employer_uscc,
            "region": m.region,
            "status": m.status,
            "phase": m.phase,
            "rung": m.rung,
            "outcome": m.outcome,
            "opened_on": m.opened_on,
            "next_deadline_on": m.next_deadline_on,
            "next_deadline_rule": m.next_deadline_rule,
            "awaiting_reply": m.awaiting_reply,
            "reply_due_on": m.reply_due_on,
            "overdue_reply": _overdue(latest.get(m.matter_no), today),
            "workflow_started": m.workflow_started,
        }
        for m in matters
    ]
    return sorted(
        items,
        key=lambda i: (not i["overdue_reply"], i["next_deadline_on"] or date.max, i["matter_no"]),
    )


async def matter_detail(request: Request, row: SupervisionMatter) -> dict[str, Any]:
    """Everything the matter page shows, from the projections (answers while Temporal is down)."""
    subject = f"matter:{row.matter_no}"
    async with request.app.state.db.session() as session:

        def by_subject(model: Any) -> Any:
            return select(model).where(model.subject == subject)

        events = (
            await session.exec(
                by_subject(TimelineEvent).order_by(
                    col(TimelineEvent.on_date), col(TimelineEvent.id)
                )
            )
        ).all()
        deadlines = (await session.exec(by_subject(Deadline).order_by(col(Deadline.due_on)))).all()
        documents = (
            await session.exec(by_subject(StoredDocument).order_by(col(StoredDocument.created_at)))
        ).all()
        tasks = (
            await session.exec(
                by_subject(Task).where(Task.status == "open").order_by(col(Task.created_at))
            )
        ).all()
        rungs = (
            await session.exec(
                select(SupervisionRung)
                .where(SupervisionRung.matter_no == row.matter_no)
                .order_by(col(SupervisionRung.seq))
            )
        ).all()
        cases = (
            await session.exec(
                select(SupervisionCaseLink.case_no).where(
                    SupervisionCaseLink.matter_no == row.matter_no
                )
            )
        ).all()
        attachments = (
            await session.exec(
                select(SupervisionAttachment).where(
                    SupervisionAttachment.matter_no == row.matter_no
                )
            )
        ).all()
    keyring = request.app.state.keyring
    return {
        "matter": row,
        "cases": list(cases),
        "events": events,
        "deadlines": deadlines,
        "documents": documents,
        "tasks": tasks,
        "rungs": rungs,
        "attachments": [
            {
                "id": a.id,
                "filename": keyring.decrypt_text(a.filename_enc),
                "size": a.size,
                "document_id": a.document_id,
            }
            for a in attachments
        ],
    }


async def open_task_for(request: Request, matter_no: str, action: str) -> Task:
    """The matter's open task (or its child's) that offers `action`."""
    async with request.app.state.db.session() as session:
        tasks = (
            await session.exec(
                select(Task).where(Task.subject == f"matter:{matter_no}", Task.status == "open")
            )
        ).all()
    for task in tasks:
        if action in task.actions:
            return task
    open_actions = sorted({a for t in tasks for a in t.actions})
    raise HTTPException(
        status_code=409,
        detail=f"现在不能“{action}” / '{action}' is not open now; "
        f"open: {', '.join(open_actions) or 'none'}",
    )


async def run_update(request: Request, workflow_id: str, update: str, arg: Any) -> ActionResult:
    try:
        client = await request.app.state.temporal.client()
        return await client.get_workflow_handle(workflow_id).execute_update(
            update, arg, result_type=ActionResult
        )
    except WorkflowUpdateFailedError as exc:
        message = getattr(exc.cause, "message", None) or str(exc.cause)
        raise HTTPException(status_code=409, detail=message) from None
    except (TemporalUnavailable, RPCError):
        raise UNAVAILABLE from None


async def _open_tasks(request: Request, matter_no: str) -> tuple[set[str], bool]:
    async with request.app.state.db.session() as session:
        tasks = (
            await session.exec(
                select(Task.task_id).where(
                    Task.subject == f"matter:{matter_no}", Task.status == "open"
                )
            )
        ).all()
        status = (
            await session.exec(
                select(SupervisionMatter.status).where(SupervisionMatter.matter_no == matter_no)
            )
        ).one()
    return set(tasks), status == "closed"


async def settle(
    request: Request, matter_no: str, before: set[str], within: float = SETTLE_SECONDS
) -> None:
    """Wait (briefly) until the workflow has opened its next task, so the page shows it."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        tasks, closed = await _open_tasks(request, matter_no)
        if closed or (tasks and tasks != before):
            return
        await asyncio.sleep(0.05)


async def act_on_matter(
    request: Request,
    row: SupervisionMatter,
    staff: StaffPrincipal,
    action: str,
    payload: dict[str, Any],
) -> ActionResult:
    """A union staff action on the matter: the `act` Update of the task that offers it."""
    task = await open_task_for(request, row.matter_no, action)
    before, _ = await _open_tasks(request, row.matter_no)
    result = await run_update(
        request,
        task.workflow_id,
        "act",
        TaskAction(task_id=task.task_id, action=action, actor=actor_of(staff), payload=payload),
    )
    if action not in STAYS_OPEN:
        await settle(request, row.matter_no, before)
    return result


async def live_view(request: Request, row: SupervisionMatter) -> MatterView | None:
    """The workflow's own view (query `matter`), or None while Temporal is away."""
    try:
        client = await request.app.state.temporal.client()
        return await client.get_workflow_handle(row.workflow_id).query(
            "matter", result_type=MatterView
        )
    except (TemporalUnavailable, RPCError):
        return None


async def employer_reply(
    request: Request, row: SupervisionMatter, reply: EmployerReply
) -> ActionResult:
    before, _ = await _open_tasks(request, row.matter_no)
    result = await run_update(request, row.workflow_id, "employer-reply", reply)
    await settle(request, row.matter_no, before)
    return result


def period(start: date | None, end: date | None) -> tuple[date, date]:
    """Default period: the last 12 months up to today."""
    end = end or china_today()
    return start or end - timedelta(days=365), end

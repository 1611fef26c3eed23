"""The union's supervision console: who may see a matter (its union's legal staff and
administrators; others are refused as for a missing one), read models built from the projections,
and acting on a matter through its workflow's Updates (a refusal carries the workflow's reason)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlmodel import col, select
from temporalio.service import RPCError

from domain.actions import ActionResult, TaskAction
from domain.bulk_letters import LetterContent, RowProblem, parse_employers_csv
from domain.china_time import china_today
from domain.roles import StaffPrincipal
from domain.supervision import NOTICE_RUNGS, EmployerReply, MatterOpening, MatterView
from infrastructure.crypto import Keyring
from infrastructure.db import Database
from infrastructure.tables import (
    Deadline,
    StoredDocument,
    SupervisionAttachment,
    SupervisionBatch,
    SupervisionCaseLink,
    SupervisionMatter,
    SupervisionRung,
    Task,
    TimelineEvent,
)
from infrastructure.temporal_gateway import TemporalUnavailable
from services.casework import actor_of, run_update
from services.context import ServiceContext
from services.errors import Forbidden, NotFound, Refused, Unavailable
from services.supervision import batches, replies
from services.supervision.matters import Opener, open_matter, start_matter
from services.supervision.views import MatterSummary, matter_summary

REPLY_RUNGS = {r.value for r in NOTICE_RUNGS}
STAYS_OPEN = {"record_investigation", "revise_draft"}  # actions that leave their task open
SETTLE_SECONDS = 5.0


async def visible_matter(db: Database, matter_no: str, staff: StaffPrincipal) -> SupervisionMatter:
    """The matter if the staff member's union holds it (or they are an administrator); else `NotFound`."""
    async with db.session() as session:
        row = (
            await session.exec(
                select(SupervisionMatter).where(SupervisionMatter.matter_no == matter_no)
            )
        ).first()
    if row is None or not (staff.is_admin or row.team_code == staff.team_code):
        raise NotFound()
    return row


async def ensure_started(ctx: ServiceContext, row: SupervisionMatter) -> bool:
    """Start the workflow of a matter committed while Temporal was down; False if still down."""
    if row.workflow_started:
        return True
    try:
        await start_matter(await ctx.client(), ctx.settings, ctx.db, row.matter_no)
    except (Unavailable, TemporalUnavailable, RPCError, ConnectionError):
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


async def matter_summaries(db: Database, staff: StaffPrincipal, status: str = "open") -> list[MatterSummary]:
    """The union's matters: overdue replies first, then by the next deadline."""
    today = china_today()
    async with db.session() as session:
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
    items = [matter_summary(m, _overdue(latest.get(m.matter_no), today)) for m in matters]
    return sorted(items, key=lambda i: (not i.overdue_reply, i.next_deadline_on or date.max, i.matter_no))


async def matter_detail(db: Database, keyring: Keyring, row: SupervisionMatter) -> dict[str, Any]:
    """Everything the matter page shows, from the projections (answers while Temporal is down)."""
    subject = f"matter:{row.matter_no}"
    async with db.session() as session:

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


async def open_task_for(db: Database, matter_no: str, action: str) -> Task:
    """The matter's open task (or its child's) that offers `action`; `Refused` naming the open ones."""
    async with db.session() as session:
        tasks = (
            await session.exec(
                select(Task).where(Task.subject == f"matter:{matter_no}", Task.status == "open")
            )
        ).all()
    for task in tasks:
        if action in task.actions:
            return task
    open_actions = sorted({a for t in tasks for a in t.actions})
    raise Refused(f"现在不能“{action}” / '{action}' is not open now; open: {', '.join(open_actions) or 'none'}")


async def _open_tasks(db: Database, matter_no: str) -> tuple[set[str], bool]:
    async with db.session() as session:
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


async def settle(db: Database, matter_no: str, before: set[str], within: float = SETTLE_SECONDS) -> None:
    """Wait (briefly) until the workflow has opened its next task, so the page shows it."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        tasks, closed = await _open_tasks(db, matter_no)
        if closed or (tasks and tasks != before):
            return
        await asyncio.sleep(0.05)


async def act_on_matter(
    ctx: ServiceContext, row: SupervisionMatter, staff: StaffPrincipal, action: str, payload: dict[str, Any]
) -> ActionResult:
    """A union staff action on the matter: the `act` Update of the task that offers it."""
    task = await open_task_for(ctx.db, row.matter_no, action)
    before, _ = await _open_tasks(ctx.db, row.matter_no)
    result = await run_update(
        ctx, task.workflow_id, "act", TaskAction(task_id=task.task_id, action=action, actor=actor_of(staff), payload=payload)
    )
    if action not in STAYS_OPEN:
        await settle(ctx.db, row.matter_no, before)
    return result


async def live_view(ctx: ServiceContext, row: SupervisionMatter) -> MatterView | None:
    """The workflow's own view (query `matter`), or None while Temporal is away."""
    try:
        client = await ctx.client()
        return await client.get_workflow_handle(row.workflow_id).query(
            "matter", result_type=MatterView
        )
    except (Unavailable, TemporalUnavailable, RPCError):
        return None


async def employer_reply(ctx: ServiceContext, row: SupervisionMatter, reply: EmployerReply) -> ActionResult:
    """The employer's reply through its link, as the matter's `employer-reply` Update."""
    before, _ = await _open_tasks(ctx.db, row.matter_no)
    result = await run_update(ctx, row.workflow_id, "employer-reply", reply)
    await settle(ctx.db, row.matter_no, before)
    return result


def period(start: date | None, end: date | None) -> tuple[date, date]:
    """Default period: the last 12 months up to today."""
    end = end or china_today()
    return start or end - timedelta(days=365), end


def opener(staff: StaffPrincipal) -> Opener:
    """The union staff member opening a matter or a batch; they must belong to a union team."""
    if not staff.team_code:
        raise Forbidden("须属于一个工会 / you must belong to a union team")
    return Opener(username=staff.username, team_code=staff.team_code, region=staff.region)


async def create_matter(ctx: ServiceContext, opening: MatterOpening, staff: StaffPrincipal) -> str:
    """Commit the matter and start its workflow; the page then shows its first task."""
    matter_no = await open_matter(ctx.db, opening, opener(staff), china_today(), await ctx.calendar_years())
    if await ensure_started(ctx, await visible_matter(ctx.db, matter_no, staff)):
        await settle(ctx.db, matter_no, set())
    return matter_no


@dataclass(frozen=True)
class ReplyLinkIssued:
    """A new one-time reply link (shown once) for the served notice awaiting a reply."""

    url: str
    document_id: str
    expires_on: date | None


async def new_reply_link(ctx: ServiceContext, matter_no: str, staff: StaffPrincipal) -> ReplyLinkIssued:
    """A one-time link for the employer to reply to the served notice; older links stop working."""
    row = await visible_matter(ctx.db, matter_no, staff)
    view = await live_view(ctx, row)
    if view is None or view.awaiting_document_id is None:
        raise Refused("没有等待答复的已送达文书 / no served notice awaits a reply")
    token = await replies.create_link(
        ctx.db, ctx.keyring, matter_no=matter_no, document_id=view.awaiting_document_id, expires_on=view.reply_due_on,
        created_by=staff.username,
    )
    return ReplyLinkIssued(f"{ctx.settings.base_url}/reply/{token}", view.awaiting_document_id, view.reply_due_on)


async def visible_batch(db: Database, batch_no: str, staff: StaffPrincipal) -> SupervisionBatch:
    """A bulk-letter batch of the staff member's union (administrators: any); else `NotFound`."""
    batch = await batches.batch_row(db, batch_no)
    if batch is None or not (staff.is_admin or batch.team_code == staff.team_code):
        raise NotFound()
    return batch


async def union_batches(db: Database, staff: StaffPrincipal) -> list[SupervisionBatch]:
    """The union's batches, newest first (administrators: every union's)."""
    async with db.session() as session:
        query = select(SupervisionBatch).order_by(col(SupervisionBatch.created_at).desc())
        if not staff.is_admin:
            query = query.where(SupervisionBatch.team_code == staff.team_code)
        return list((await session.exec(query)).all())


async def create_batch_from_csv(
    ctx: ServiceContext, staff: StaffPrincipal, data: bytes, content: LetterContent, issued_on: date
) -> str | list[RowProblem]:
    """Validate every row; commit and start the batch, or return the problems by line."""
    limit = ctx.settings.max_upload_bytes
    if len(data) > limit:
        return [
            RowProblem(line=1, column="file", zh=f"文件超过{limit // 1_048_576}MB，请拆分后分批上传",
                       en=f"the file is larger than {limit // 1_048_576} MB: split it")
        ]
    report = parse_employers_csv(data)
    if not report.ok:
        return list(report.problems)
    batch_no = await batches.create_batch(ctx.db, opener(staff), report.rows, content, issued_on)
    with contextlib.suppress(Unavailable, TemporalUnavailable):  # the batch waits; "resume" starts it
        await batches.start_batch(await ctx.client(), ctx.settings, ctx.db, batch_no)
    return batch_no


async def resume_batch(ctx: ServiceContext, batch_no: str, staff: StaffPrincipal) -> None:
    """Run an interrupted batch again: issued rows are skipped, no number is issued twice."""
    await visible_batch(ctx.db, batch_no, staff)
    await batches.start_batch(await ctx.client(), ctx.settings, ctx.db, batch_no)


async def reply_attachment(ctx: ServiceContext, attachment_id: str, staff: StaffPrincipal) -> tuple[bytes, str]:
    """A file the employer sent with a reply (decrypted) and its type, for the matter's union staff."""
    found = await replies.attachment_row(ctx.db, attachment_id)
    if found is None:
        raise NotFound()
    await visible_matter(ctx.db, found.matter_no, staff)
    return await replies.read_attachment(ctx.keyring, ctx.storage, attachment_id), found.content_type

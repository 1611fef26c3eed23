"""Union labour-law supervision ("one letter, two notices") for union legal staff: suggestions,
matters and their actions, the employer's reply link, bulk reminder letters, statistics."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Response, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.deps import NOT_FOUND, Services, UnionStaff
from domain.actions import ActionResult
from domain.bulk_letters import RowProblem, holiday_wages_content
from domain.china_time import china_today
from domain.supervision import MatterOpening, MatterView
from domain.supervision_rules import Suggestion
from services.supervision import batches, console, suggestions
from services.supervision.statistics import statistics_rows

router = APIRouter(prefix="/api/v1/supervision", tags=["supervision"])
REJECTED = {
    409: {"description": "refused: the workflow's reason"},
    404: {"description": "no such matter, or not yours"},
}


class MatterOpened(BaseModel):
    matter_no: str
    workflow_started: bool
    url: str


class ActionIn(BaseModel):
    action: str = Field(description="e.g. record_investigation, draft_notice, approve_notice, record_service")
    payload: dict[str, Any] = Field(default_factory=dict)


class Dismissal(BaseModel):
    key: str = Field(description="the suggestion's key (credit code, or case:<no>)")
    reason: str = Field(min_length=1, max_length=500)


class ReplyLink(BaseModel):
    url: str = Field(description="shown once: give it to the employer with the served notice")
    document_id: str
    expires_on: date | None


class BatchCreated(BaseModel):
    batch_no: str
    total: int


class CsvRejected(BaseModel):
    detail: str
    problems: list[RowProblem]


@router.get("/suggestions", response_model=list[Suggestion])
async def list_suggestions(ctx: Services, staff: UnionStaff) -> list[Suggestion]:
    """Employers named by enough complaints within the window, or by a collective complaint."""
    return await suggestions.list_suggestions(ctx.db, ctx.settings, None if staff.is_admin else staff.region)


@router.post("/suggestions/dismiss", status_code=204, responses={404: {"description": "no such suggestion"}})
async def dismiss_suggestion(ctx: Services, body: Dismissal, staff: UnionStaff) -> Response:
    """No matter is needed: its cases are not suggested again."""
    found = await suggestions.find_suggestion(ctx.db, ctx.settings, None if staff.is_admin else staff.region, body.key)
    if found is None:
        raise NOT_FOUND
    await suggestions.dismiss(ctx.db, found, body.reason, staff.username)
    return Response(status_code=204)


@router.post("/matters", status_code=201, response_model=MatterOpened, responses=REJECTED)
async def post_matter(ctx: Services, opening: MatterOpening, staff: UnionStaff) -> MatterOpened:
    """Open a matter on one employer (by credit code): from cases, an inspection or a suggestion."""
    matter_no = await console.create_matter(ctx, opening, staff)
    row = await console.visible_matter(ctx.db, matter_no, staff)
    return MatterOpened(matter_no=matter_no, workflow_started=row.workflow_started, url=f"/union/matters/{matter_no}")


@router.get("/matters")
async def list_matters(
    ctx: Services, staff: UnionStaff, status: Annotated[str, Query(pattern="^(open|closed)$")] = "open"
) -> list[dict[str, Any]]:
    """The union's matters, overdue replies first, then by next deadline."""
    return await console.matter_summaries(ctx.db, staff, status)


@router.get("/matters/{matter_no}", responses=REJECTED)
async def get_matter(ctx: Services, matter_no: str, staff: UnionStaff) -> dict[str, Any]:
    """A matter: employer, cases, rungs, timeline, deadlines explained, documents, tasks."""
    row = await console.visible_matter(ctx.db, matter_no, staff)
    await console.ensure_started(ctx, row)
    detail = await console.matter_detail(ctx.db, ctx.keyring, row)
    view: MatterView | None = await console.live_view(ctx, row)
    return {
        **{k: v for k, v in detail.items() if k != "matter"},
        "matter": row.model_dump(exclude={"start_input"}),
        "live": view.model_dump(mode="json") if view else None,
    }


@router.post("/matters/{matter_no}/actions", response_model=ActionResult, responses=REJECTED)
async def matter_action(ctx: Services, matter_no: str, body: ActionIn, staff: UnionStaff) -> ActionResult:
    """Act on the matter (a Workflow Update); a refused action says why and changes nothing."""
    row = await console.visible_matter(ctx.db, matter_no, staff)
    return await console.act_on_matter(ctx, row, staff, body.action, body.payload)


@router.post("/matters/{matter_no}/reply-link", status_code=201, response_model=ReplyLink, responses=REJECTED)
async def post_reply_link(ctx: Services, matter_no: str, staff: UnionStaff) -> ReplyLink:
    """A one-time link for the employer to reply to the served notice; older links stop."""
    link = await console.new_reply_link(ctx, matter_no, staff)
    return ReplyLink(url=link.url, document_id=link.document_id, expires_on=link.expires_on)


@router.get("/statistics")
async def get_statistics(
    ctx: Services, staff: UnionStaff, start: date | None = None, end: date | None = None, region: str | None = None
) -> dict[str, Any]:
    """Letters and notices issued, reply and rectification rates, escalations and lead transfers."""
    first, last = console.period(start, end)
    rows = await statistics_rows(ctx.db, first, last, region=region, team_code=None if staff.is_admin else staff.team_code)
    return {"start": first, "end": last, "rows": rows}


@router.post(
    "/bulk-letters",
    status_code=201,
    response_model=BatchCreated,
    responses={422: {"model": CsvRejected, "description": "bad rows, by line, with how to fix them"}},
)
async def post_bulk_letters(
    ctx: Services, staff: UnionStaff, file: Annotated[UploadFile, File()], topic: Annotated[str, Form(max_length=100)] = ""
) -> Any:
    """Issue one numbered reminder letter per employer of the CSV (columns 单位名称/name,
    统一社会信用代码/uscc, optional 地址/address): the standard pre-holiday letter on wages and
    overtime."""
    data = await file.read(ctx.settings.max_upload_bytes + 1)
    content = holiday_wages_content()
    if topic:
        content = content.model_copy(update={"topic": topic})
    created = await console.create_batch_from_csv(ctx, staff, data, content, china_today())
    if isinstance(created, list):
        return JSONResponse(
            status_code=422,
            content=CsvRejected(
                detail=f"{len(created)}处错误，未发出任何提示函 / {len(created)} problems: nothing was issued", problems=created
            ).model_dump(),
        )
    batch = await batches.batch_row(ctx.db, created)
    return BatchCreated(batch_no=created, total=batch.total if batch else 0)


@router.get("/bulk-letters/{batch_no}")
async def get_bulk_letters(ctx: Services, batch_no: str, staff: UnionStaff) -> dict[str, Any]:
    """Progress of a batch and its letters (文号 per employer row)."""
    batch = await console.visible_batch(ctx.db, batch_no, staff)
    letters = await batches.batch_letters(ctx.db, batch_no)
    return {"batch": batch.model_dump(), "letters": [letter.model_dump() for letter in letters]}


@router.post("/bulk-letters/{batch_no}/resume", status_code=202, responses={503: {"description": "Temporal away"}})
async def resume_bulk_letters(ctx: Services, batch_no: str, staff: UnionStaff) -> dict[str, str]:
    """Run an interrupted batch again: issued rows are skipped, no number is issued twice."""
    await console.resume_batch(ctx, batch_no, staff)
    return {"batch_no": batch_no, "status": "running"}


@router.get("/attachments/{attachment_id}", responses={404: {"description": "no such file, or not yours"}})
async def get_attachment(ctx: Services, attachment_id: str, staff: UnionStaff) -> Response:
    """A file the employer sent with a reply (decrypted), for the matter's union staff."""
    data, content_type = await console.reply_attachment(ctx, attachment_id, staff)
    return Response(
        content=data,
        media_type=content_type,
        headers={"Content-Disposition": f"attachment; filename={attachment_id}", "X-Content-Type-Options": "nosniff"},
    )

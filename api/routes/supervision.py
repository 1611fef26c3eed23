"""Union labour-law supervision ("one letter, two notices") for union legal staff: suggestions,
matters and their actions, the employer's reply link, bulk reminder letters, statistics."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, File, Form, Response, UploadFile
from pydantic import BaseModel, Field

from api import examples
from api.deps import NOT_FOUND, Paging, Services, UnionStaff
from api.errors import ProblemError, check_payload
from api.problems import FieldError, problems
from domain.actions import ActionResult
from domain.bulk_letters import RowProblem, holiday_wages_content
from domain.catalogue import STAFF_PAYLOADS
from domain.china_time import china_today
from domain.supervision import MatterOpening
from domain.supervision_rules import Suggestion
from services.read_models import Page, page_of
from services.supervision import batches, console, suggestions
from services.supervision.statistics import StatisticsReport, statistics_report
from services.supervision.views import BatchProgress, MatterDetail, MatterPage, batch_progress, matter_view

router = APIRouter(prefix="/api/v1/supervision", tags=["supervision"])
MATTER = problems(404, d404="no such matter, or not your union's")
REFUSED = problems(404, 409, 503, d404="no such matter, or not your union's", d409="refused: the workflow's reason; nothing changed")


class MatterOpened(BaseModel):
    matter_no: str = Field(examples=["SV-2026-000007"])
    workflow_started: bool
    url: str = Field(description="the matter's page")


class ActionIn(BaseModel):
    """An action on a matter: its name and payload (see the catalogue of supervision actions)."""

    action: str = Field(min_length=1, max_length=60,
                        description="e.g. record_investigation, draft_notice, approve_notice, record_service")
    payload: dict[str, Any] = Field(default_factory=dict, description="the action's input")


class Dismissal(BaseModel):
    key: str = Field(min_length=1, max_length=40, description="the suggestion's key (credit code, or case:<no>)")
    reason: str = Field(min_length=1, max_length=500)


class ReplyLink(BaseModel):
    url: str = Field(description="shown once: give it to the employer with the served notice")
    document_id: str
    expires_on: date | None


class BatchCreated(BaseModel):
    batch_no: str = Field(examples=["BL-2026-000001"])
    total: int = Field(description="letters to issue, one per employer row")


class BatchResumed(BaseModel):
    batch_no: str
    status: str = Field(description="`running`")


class SuggestionPage(Page[Suggestion]):
    """One page of suggestions, newest first."""


def _csv_problems(found: list[RowProblem]) -> ProblemError:
    """The CSV's bad rows as field errors (`file:line 3:uscc`), nothing issued."""
    errors = [FieldError(field=f"file:line {p.line}:{p.column}", code=f"csv.{p.column}", message=f"{p.zh} / {p.en}",
                         fix=f"改正第{p.line}行后重新上传整个文件 / correct line {p.line} and upload the whole file again")
              for p in found]
    return ProblemError(422, f"{len(found)}处错误，未发出任何提示函 / {len(found)} problems: nothing was issued", errors)


@router.get("/suggestions", response_model=SuggestionPage)
async def list_suggestions(ctx: Services, staff: UnionStaff, paging: Paging) -> SuggestionPage:
    """Employers named by enough complaints within the window, or by a collective complaint; one page with the total."""
    found = await suggestions.list_suggestions(ctx.db, ctx.settings, None if staff.is_admin else staff.region)
    return SuggestionPage(**page_of(found, paging))


@router.post("/suggestions/dismiss", status_code=204, responses=problems(404, d404="no such suggestion"))
async def dismiss_suggestion(ctx: Services, body: Annotated[Dismissal, Body(openapi_examples=examples.DISMISSAL)],
                             staff: UnionStaff) -> Response:
    """No matter is needed: its cases are not suggested again."""
    found = await suggestions.find_suggestion(ctx.db, ctx.settings, None if staff.is_admin else staff.region, body.key)
    if found is None:
        raise NOT_FOUND
    await suggestions.dismiss(ctx.db, found, body.reason, staff.username)
    return Response(status_code=204)


@router.post("/matters", status_code=201, response_model=MatterOpened,
             responses=problems(403, 404, 409, d403="you do not belong to a union team", d404="a linked case does not exist"))
async def open_matter(ctx: Services, opening: Annotated[MatterOpening, Body(openapi_examples=examples.MATTER_OPENING)],
                      staff: UnionStaff) -> MatterOpened:
    """Open a matter on one employer (by credit code): from cases, an inspection or a suggestion."""
    matter_no = await console.create_matter(ctx, opening, staff)
    row = await console.visible_matter(ctx.db, matter_no, staff)
    return MatterOpened(matter_no=matter_no, workflow_started=row.workflow_started, url=f"/union/matters/{matter_no}")


@router.get("/matters", response_model=MatterPage)
async def list_matters(ctx: Services, staff: UnionStaff, paging: Paging,
                       status: Literal["open", "closed"] = "open") -> MatterPage:
    """The union's matters, overdue replies first, then by next deadline; one page with the total."""
    return MatterPage(**page_of(await console.matter_summaries(ctx.db, staff, status), paging))


@router.get("/matters/{matter_no}", response_model=MatterDetail, responses=MATTER)
async def get_matter(ctx: Services, matter_no: str, staff: UnionStaff) -> MatterDetail:
    """A matter: employer, cases, rungs, timeline, deadlines explained, documents, tasks."""
    row = await console.visible_matter(ctx.db, matter_no, staff)
    await console.ensure_started(ctx, row)
    detail = await console.matter_detail(ctx.db, ctx.keyring, row)
    return matter_view(detail, await console.live_view(ctx, row), china_today())


@router.post("/matters/{matter_no}/actions", response_model=ActionResult, responses=REFUSED)
async def act_on_matter(ctx: Services, matter_no: str, body: Annotated[ActionIn, Body(openapi_examples=examples.MATTER_ACTION)],
                        staff: UnionStaff) -> ActionResult:
    """Act on the matter (a Workflow Update); a refused action says why and changes nothing."""
    row = await console.visible_matter(ctx.db, matter_no, staff)
    check_payload(STAFF_PAYLOADS.get(body.action), body.payload)  # a wrong payload: 422 field by field
    return await console.act_on_matter(ctx, row, staff, body.action, body.payload)


@router.post("/matters/{matter_no}/reply-link", status_code=201, response_model=ReplyLink,
             responses=problems(404, 409, d404="no such matter, or not your union's", d409="no served notice awaits a reply"))
async def create_reply_link(ctx: Services, matter_no: str, staff: UnionStaff) -> ReplyLink:
    """A one-time link for the employer to reply to the served notice; older links stop."""
    link = await console.new_reply_link(ctx, matter_no, staff)
    return ReplyLink(url=link.url, document_id=link.document_id, expires_on=link.expires_on)


@router.get("/statistics", response_model=StatisticsReport)
async def get_supervision_statistics(
    ctx: Services, staff: UnionStaff, start: date | None = None, end: date | None = None, region: str | None = None
) -> StatisticsReport:
    """Letters and notices issued, reply and rectification rates, escalations and lead transfers
    (default period: the 12 months up to `end`, or up to today)."""
    bad = [FieldError(field=name, code="date.range", message=f"{name}: {day} 不在2004-01-01至2099-12-31之间 / {day} is outside "
                      "2004-01-01 to 2099-12-31", fix="给出这段时间内的日期 / give a date in that range")
           for name, day in (("start", start), ("end", end)) if day is not None and not STATS_FIRST <= day <= STATS_LAST]
    if bad:
        raise ProblemError(422, "; ".join(e.message for e in bad), bad)
    first, last = console.period(start, end)
    return await statistics_report(ctx.db, first, last, region=region, team_code=None if staff.is_admin else staff.team_code)


@router.post("/bulk-letters", status_code=201, response_model=BatchCreated,
             responses=problems(403, 422, d403="you do not belong to a union team",
                                d422="bad rows, by line, each with how to fix it (`errors`); nothing was issued"),
             openapi_extra=examples.BULK_LETTERS)
async def issue_bulk_letters(
    ctx: Services, staff: UnionStaff, file: Annotated[UploadFile, File(description="CSV, UTF-8")],
    topic: Annotated[str, Form(max_length=100)] = "",
) -> BatchCreated:
    """Issue one numbered reminder letter per employer of the CSV (columns 单位名称/name,
    统一社会信用代码/uscc, optional 地址/address): the standard pre-holiday letter on wages and
    overtime."""
    data = await file.read(ctx.settings.max_upload_bytes + 1)
    content = holiday_wages_content()
    if topic:
        content = content.model_copy(update={"topic": topic})
    created = await console.create_batch_from_csv(ctx, staff, data, content, china_today())
    if isinstance(created, list):
        raise _csv_problems(created)
    batch = await batches.batch_row(ctx.db, created)
    return BatchCreated(batch_no=created, total=batch.total if batch else 0)


@router.get("/bulk-letters/{batch_no}", response_model=BatchProgress, responses=problems(404, d404="no such batch, or not your union's"))
async def get_bulk_letters(ctx: Services, batch_no: str, staff: UnionStaff) -> BatchProgress:
    """Progress of a batch and its letters (文号 per employer row)."""
    batch = await console.visible_batch(ctx.db, batch_no, staff)
    return batch_progress(batch, await batches.batch_letters(ctx.db, batch_no))


@router.post("/bulk-letters/{batch_no}/resume", status_code=202, response_model=BatchResumed,
             responses=problems(404, 503, d404="no such batch, or not your union's"))
async def resume_bulk_letters(ctx: Services, batch_no: str, staff: UnionStaff) -> BatchResumed:
    """Run an interrupted batch again: issued rows are skipped, no number is issued twice."""
    await console.resume_batch(ctx, batch_no, staff)
    return BatchResumed(batch_no=batch_no, status="running")


STATS_FIRST, STATS_LAST = date(2004, 1, 1), date(2099, 12, 31)  # the calendar's years
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


@router.get("/attachments/{attachment_id}", response_class=Response,
            responses={200: {"description": "the file as the employer sent it (a PDF, JPEG or PNG: the file name's extension says which)",
                             "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
                       **problems(404, d404="no such file, or not your union's")})
async def get_reply_attachment(ctx: Services, attachment_id: str, staff: UnionStaff) -> Response:
    """A file the employer sent with a reply (decrypted), for the matter's union staff: a download
    (`application/octet-stream`, never shown inline: it came from outside)."""
    data, content_type = await console.reply_attachment(ctx, attachment_id, staff)
    name = f"{attachment_id}.{EXTENSIONS.get(content_type, 'bin')}"
    return Response(
        content=data,
        media_type="application/octet-stream",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "X-Content-Type-Options": "nosniff"},
    )

"""Union labour-law supervision ("one letter, two notices") for union legal staff: suggestions,
matters and their actions, the employer's reply link, bulk reminder letters, statistics."""

from __future__ import annotations

import contextlib
from datetime import date
from typing import Annotated, Any

from fastapi import (
    APIRouter,
    Depends,
    File,
    Form,
    HTTPException,
    Query,
    Request,
    Response,
    UploadFile,
)
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.auth import NOT_FOUND, require_role
from api.supervision_views import (
    act_on_matter,
    ensure_started,
    live_view,
    matter_detail,
    matter_summaries,
    period,
    settle,
    visible_matter,
)
from domain.actions import ActionResult
from domain.bulk_letters import (
    LetterContent,
    RowProblem,
    holiday_wages_content,
    parse_employers_csv,
)
from domain.china_time import china_today
from domain.roles import Role, StaffPrincipal
from domain.supervision import MatterOpening, MatterView
from domain.supervision_rules import Suggestion
from infrastructure.temporal_gateway import TemporalUnavailable
from services.supervision import batches, replies, suggestions
from services.supervision.matters import MatterRefused, Opener, open_matter
from services.supervision.statistics import statistics

router = APIRouter(prefix="/api/v1/supervision", tags=["supervision"])
UnionStaff = Annotated[StaffPrincipal, Depends(require_role(Role.union_legal))]
REJECTED = {
    409: {"description": "refused: the workflow's reason"},
    404: {"description": "no such matter, or not yours"},
}


class MatterOpened(BaseModel):
    matter_no: str
    workflow_started: bool
    url: str


class ActionIn(BaseModel):
    action: str = Field(
        description="e.g. record_investigation, draft_notice, approve_notice, record_service"
    )
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


def opener(staff: StaffPrincipal) -> Opener:
    if not staff.team_code:
        raise HTTPException(
            status_code=403, detail="须属于一个工会 / you must belong to a union team"
        )
    return Opener(username=staff.username, team_code=staff.team_code, region=staff.region)


@router.get("/suggestions", response_model=list[Suggestion])
async def list_suggestions(request: Request, staff: UnionStaff) -> list[Suggestion]:
    """Employers named by enough complaints within the window, or by a collective complaint."""
    region = None if staff.is_admin else staff.region
    return await suggestions.list_suggestions(
        request.app.state.db, request.app.state.settings, region
    )


@router.post(
    "/suggestions/dismiss", status_code=204, responses={404: {"description": "no such suggestion"}}
)
async def dismiss_suggestion(request: Request, body: Dismissal, staff: UnionStaff) -> Response:
    """No matter is needed: its cases are not suggested again."""
    app = request.app.state
    found = await suggestions.find_suggestion(
        app.db, app.settings, None if staff.is_admin else staff.region, body.key
    )
    if found is None:
        raise NOT_FOUND
    await suggestions.dismiss(app.db, found, body.reason, staff.username)
    return Response(status_code=204)


async def create_matter(request: Request, opening: MatterOpening, staff: StaffPrincipal) -> str:
    """Commit the matter and start its workflow (pages use this too)."""
    app = request.app.state
    try:
        matter_no = await open_matter(
            app.db, opening, opener(staff), china_today(), app.calendar_years()
        )
    except MatterRefused as exc:
        raise HTTPException(status_code=409, detail=str(exc)) from None
    if await ensure_started(request, await visible_matter(request, matter_no, staff)):
        await settle(request, matter_no, set())
    return matter_no


@router.post("/matters", status_code=201, response_model=MatterOpened, responses=REJECTED)
async def post_matter(request: Request, opening: MatterOpening, staff: UnionStaff) -> MatterOpened:
    """Open a matter on one employer (by credit code): from cases, an inspection or a suggestion."""
    matter_no = await create_matter(request, opening, staff)
    row = await visible_matter(request, matter_no, staff)
    return MatterOpened(
        matter_no=matter_no,
        workflow_started=row.workflow_started,
        url=f"/union/matters/{matter_no}",
    )


@router.get("/matters")
async def list_matters(
    request: Request,
    staff: UnionStaff,
    status: Annotated[str, Query(pattern="^(open|closed)$")] = "open",
) -> list[dict[str, Any]]:
    """The union's matters, overdue replies first, then by next deadline."""
    return await matter_summaries(request, staff, status)


@router.get("/matters/{matter_no}", responses=REJECTED)
async def get_matter(request: Request, matter_no: str, staff: UnionStaff) -> dict[str, Any]:
    """A matter: employer, cases, rungs, timeline, deadlines explained, documents, tasks."""
    row = await visible_matter(request, matter_no, staff)
    await ensure_started(request, row)
    detail = await matter_detail(request, row)
    view: MatterView | None = await live_view(request, row)
    return {
        **{k: v for k, v in detail.items() if k != "matter"},
        "matter": row.model_dump(exclude={"start_input"}),
        "live": view.model_dump(mode="json") if view else None,
    }


@router.post("/matters/{matter_no}/actions", response_model=ActionResult, responses=REJECTED)
async def matter_action(
    request: Request, matter_no: str, body: ActionIn, staff: UnionStaff
) -> ActionResult:
    """Act on the matter (a Workflow Update); a refused action says why and changes nothing."""
    row = await visible_matter(request, matter_no, staff)
    return await act_on_matter(request, row, staff, body.action, body.payload)


async def new_reply_link(request: Request, matter_no: str, staff: StaffPrincipal) -> ReplyLink:
    row = await visible_matter(request, matter_no, staff)
    view = await live_view(request, row)
    if view is None or view.awaiting_document_id is None:
        raise HTTPException(
            status_code=409, detail="没有等待答复的已送达文书 / no served notice awaits a reply"
        )
    app = request.app.state
    token = await replies.create_link(
        app.db,
        app.keyring,
        matter_no=matter_no,
        document_id=view.awaiting_document_id,
        expires_on=view.reply_due_on,
        created_by=staff.username,
    )
    return ReplyLink(
        url=f"{app.settings.base_url}/reply/{token}",
        document_id=view.awaiting_document_id,
        expires_on=view.reply_due_on,
    )


@router.post(
    "/matters/{matter_no}/reply-link", status_code=201, response_model=ReplyLink, responses=REJECTED
)
async def post_reply_link(request: Request, matter_no: str, staff: UnionStaff) -> ReplyLink:
    """A one-time link for the employer to reply to the served notice; older links stop."""
    return await new_reply_link(request, matter_no, staff)


@router.get("/statistics")
async def get_statistics(
    request: Request,
    staff: UnionStaff,
    start: date | None = None,
    end: date | None = None,
    region: str | None = None,
) -> dict[str, Any]:
    """Letters and notices issued, reply and rectification rates, escalations and lead transfers."""
    first, last = period(start, end)
    stats = await statistics(
        request.app.state.db,
        first,
        last,
        region=region,
        team_code=None if staff.is_admin else staff.team_code,
    )
    rows = [*stats.rows, stats.total]
    return {
        "start": first,
        "end": last,
        "rows": [
            {
                **{k: getattr(c, k) for k in c.__dataclass_fields__},
                "letters": c.letters,
                "reply_rate": c.reply_rate,
                "rectification_rate": c.rectification_rate,
            }
            for c in rows
        ],
    }


async def create_batch_from_csv(
    request: Request, staff: StaffPrincipal, data: bytes, content: LetterContent, issued_on: date
) -> str | list[RowProblem]:
    """Validate every row; commit and start the batch, or return the problems by line."""
    limit = request.app.state.settings.max_upload_bytes
    if len(data) > limit:
        return [
            RowProblem(
                line=1,
                column="file",
                zh=f"文件超过{limit // 1_048_576}MB，请拆分后分批上传",
                en=f"the file is larger than {limit // 1_048_576} MB: split it",
            )
        ]
    report = parse_employers_csv(data)
    if not report.ok:
        return list(report.problems)
    app = request.app.state
    batch_no = await batches.create_batch(app.db, opener(staff), report.rows, content, issued_on)
    with contextlib.suppress(TemporalUnavailable):  # the batch waits; "resume" starts it
        await batches.start_batch(await app.temporal.client(), app.settings, app.db, batch_no)
    return batch_no


@router.post(
    "/bulk-letters",
    status_code=201,
    response_model=BatchCreated,
    responses={
        422: {"model": CsvRejected, "description": "bad rows, by line, with how to fix them"}
    },
)
async def post_bulk_letters(
    request: Request,
    staff: UnionStaff,
    file: Annotated[UploadFile, File()],
    topic: Annotated[str, Form(max_length=100)] = "",
) -> Any:
    """Issue one numbered reminder letter per employer of the CSV (columns 单位名称/name,
    统一社会信用代码/uscc, optional 地址/address): the standard pre-holiday letter on wages and
    overtime."""
    data = await file.read(request.app.state.settings.max_upload_bytes + 1)
    content = holiday_wages_content()
    if topic:
        content = content.model_copy(update={"topic": topic})
    created = await create_batch_from_csv(request, staff, data, content, china_today())
    if isinstance(created, list):
        return JSONResponse(
            status_code=422,
            content=CsvRejected(
                detail=f"{len(created)}处错误，未发出任何提示函 / "
                f"{len(created)} problems: nothing was issued",
                problems=created,
            ).model_dump(),
        )
    batch = await batches.batch_row(request.app.state.db, created)
    return BatchCreated(batch_no=created, total=batch.total if batch else 0)


async def visible_batch(request: Request, batch_no: str, staff: StaffPrincipal) -> Any:
    batch = await batches.batch_row(request.app.state.db, batch_no)
    if batch is None or not (staff.is_admin or batch.team_code == staff.team_code):
        raise NOT_FOUND
    return batch


@router.get("/bulk-letters/{batch_no}")
async def get_bulk_letters(request: Request, batch_no: str, staff: UnionStaff) -> dict[str, Any]:
    """Progress of a batch and its letters (文号 per employer row)."""
    batch = await visible_batch(request, batch_no, staff)
    letters = await batches.batch_letters(request.app.state.db, batch_no)
    return {"batch": batch.model_dump(), "letters": [letter.model_dump() for letter in letters]}


@router.post(
    "/bulk-letters/{batch_no}/resume",
    status_code=202,
    responses={503: {"description": "Temporal away"}},
)
async def resume_bulk_letters(request: Request, batch_no: str, staff: UnionStaff) -> dict[str, str]:
    """Run an interrupted batch again: issued rows are skipped, no number is issued twice."""
    await visible_batch(request, batch_no, staff)
    app = request.app.state
    try:
        await batches.start_batch(await app.temporal.client(), app.settings, app.db, batch_no)
    except TemporalUnavailable:
        raise HTTPException(
            status_code=503, detail="工作流服务暂不可用 / Temporal is unavailable"
        ) from None
    return {"batch_no": batch_no, "status": "running"}


@router.get(
    "/attachments/{attachment_id}", responses={404: {"description": "no such file, or not yours"}}
)
async def get_attachment(request: Request, attachment_id: str, staff: UnionStaff) -> Response:
    """A file the employer sent with a reply (decrypted), for the matter's union staff."""
    app = request.app.state
    found = await replies.attachment_row(app.db, attachment_id)
    if found is None:
        raise NOT_FOUND
    await visible_matter(request, found.matter_no, staff)
    data = replies.read_attachment(app.keyring, app.settings.resolved_evidence_dir, attachment_id)
    return Response(
        content=data,
        media_type=found.content_type,
        headers={
            "Content-Disposition": f"attachment; filename={attachment_id}",
            "X-Content-Type-Options": "nosniff",
        },
    )

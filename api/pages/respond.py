"""A respondent's one-time link page (no account): its invitation to mediate, electronic service,
its answer (agree with proposed times, or refuse), evidence; nothing else of the case
(`services.respondents`)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData, UploadFile

from api.csrf import checked_form
from api.deps import Services
from api.pages.rendering import render_page, translator
from services import respondents
from services.errors import NotFound, Refused, ServiceError
from services.evidence import EvidenceFile, EvidenceRejected, check_evidence
from services.sittings import upcoming

router = APIRouter(include_in_schema=False)


def _closed(request: Request, exc: ServiceError) -> HTMLResponse:
    return render_page(request, "respond_closed.html", exc.status, message=exc.message)


async def _resolve(request: Request, ctx: Services, token: str) -> respondents.RespondentView | HTMLResponse:
    """The link's view, or the page saying it is replaced, expired or unknown."""
    try:
        return await respondents.respondent_view(ctx, token)
    except (NotFound, respondents.LinkClosed) as exc:
        return _closed(request, exc)


async def _page(request: Request, ctx: Services, token: str, status: int = 200, error: str = "", done: str = "") -> HTMLResponse:
    view = await _resolve(request, ctx, token)
    if not isinstance(view, respondents.RespondentView):
        return view
    sittings = await upcoming(ctx.db, view.case_no, f"respondent:{view.respondent.seq}")
    return render_page(request, "respond.html", status, token=token, view=view, error=error, done=done,
                       sittings=sittings, ics_base=f"/respond/{token}", documents=await respondents.served_documents(ctx, view),
                       max_mb=ctx.settings.max_upload_bytes // 1_048_576)


async def _file(request: Request, ctx: Services, form: FormData) -> EvidenceFile | None:
    """The uploaded file, checked (type by content, size); None when none was chosen."""
    upload, limit = form.get("file"), ctx.settings.max_upload_bytes
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None
    try:
        return check_evidence(upload.filename, await upload.read(limit + 1), limit)
    except EvidenceRejected as exc:
        refused = Refused(translator(request)(exc.code, name=upload.filename, mb=limit // 1_048_576))
        refused.status = 422
        raise refused from None


@router.get("/respond/{respondent_token}", response_class=HTMLResponse)
async def respond_page(request: Request, ctx: Services, respondent_token: str) -> HTMLResponse:
    """The invitation for this respondent; opening it is the service once electronic service is agreed."""
    view = await _resolve(request, ctx, respondent_token)
    if not isinstance(view, respondents.RespondentView):
        return view
    await respondents.opened(ctx, view)
    return await _page(request, ctx, respondent_token, done=request.query_params.get("done", ""))


def _after(token: str, done: str) -> Response:
    return RedirectResponse(f"/respond/{token}?done={done}", status_code=303)


@router.post("/respond/{respondent_token}/service", response_class=HTMLResponse)
async def agree_service(request: Request, ctx: Services, respondent_token: str) -> Response:
    """The respondent agrees to be served through this link (Civil Procedure Law Art. 90)."""
    await checked_form(request)
    view = await _resolve(request, ctx, respondent_token)
    if not isinstance(view, respondents.RespondentView):
        return view
    await respondents.agree_to_electronic_service(ctx, view)
    return _after(respondent_token, "service")


def _times(values: list[str]) -> list[datetime]:
    return [datetime.fromisoformat(v) for v in values if v.strip()]


@router.post("/respond/{respondent_token}/answer", response_class=HTMLResponse)
async def answer(request: Request, ctx: Services, respondent_token: str) -> Response:
    """Agree to mediate (with proposed times) or refuse, once."""
    form = await checked_form(request)
    view = await _resolve(request, ctx, respondent_token)
    if not isinstance(view, respondents.RespondentView):
        return view
    try:
        times = _times([str(v) for v in form.getlist("proposed_time")])
    except ValueError:
        return await _page(request, ctx, respondent_token, 422, error="时间格式有误 / a proposed time is not a valid date and time")
    try:
        await respondents.answer(ctx, view, str(form.get("answer", "")), times, str(form.get("reason", "")))
    except ServiceError as exc:
        return await _page(request, ctx, respondent_token, exc.status, error=exc.message)
    return _after(respondent_token, "answer")


@router.post("/respond/{respondent_token}/evidence", response_class=HTMLResponse)
async def evidence(request: Request, ctx: Services, respondent_token: str) -> Response:
    """A file the respondent sends for the case (PDF, PNG or JPEG)."""
    form = await checked_form(request)
    view = await _resolve(request, ctx, respondent_token)
    if not isinstance(view, respondents.RespondentView):
        return view
    try:
        checked = await _file(request, ctx, form)
    except ServiceError as exc:
        return await _page(request, ctx, respondent_token, 422, error=exc.message)
    if checked is None:
        return await _page(request, ctx, respondent_token, 422, error="请选择文件 / choose a file")
    await respondents.add_respondent_evidence(ctx, view, checked, str(form.get("description", ""))[:300])
    return _after(respondent_token, "evidence")


@router.get("/respond/{respondent_token}/documents/{document_id}")
async def served_document(request: Request, ctx: Services, respondent_token: str, document_id: str) -> Response:
    """A document served on this respondent (PDF); its first download is its service, once electronic service is agreed."""
    view = await _resolve(request, ctx, respondent_token)
    if not isinstance(view, respondents.RespondentView):
        return view
    try:
        pdf = await respondents.served_pdf(ctx, view, document_id)
    except NotFound as exc:
        return _closed(request, exc)
    return Response(content=pdf, media_type="application/pdf", headers={"X-Content-Type-Options": "nosniff"})


@router.post("/respond/{respondent_token}/defence", response_class=HTMLResponse)
async def defence(request: Request, ctx: Services, respondent_token: str) -> Response:
    """The respondent's defence in arbitration (LDMAL Art. 30), with an optional file."""
    form = await checked_form(request)
    view = await _resolve(request, ctx, respondent_token)
    if not isinstance(view, respondents.RespondentView):
        return view
    try:
        await respondents.file_defence(ctx, view, str(form.get("text", "")), await _file(request, ctx, form))
    except ServiceError as exc:
        return await _page(request, ctx, respondent_token, exc.status, error=exc.message)
    return _after(respondent_token, "defence")

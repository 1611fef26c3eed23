"""A respondent's one-time link page (no account): its invitation to mediate, electronic service,
its answer (agree with proposed times, or refuse), evidence; nothing else of the case
(`services.respondents`)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from api.csrf import checked_form
from api.deps import Services
from api.pages.rendering import render_page, translator
from services import respondents
from services.errors import NotFound, ServiceError
from services.evidence import EvidenceRejected, check_evidence
from services.sittings import upcoming

router = APIRouter(include_in_schema=False)


def _closed(request: Request, exc: ServiceError) -> HTMLResponse:
    return render_page(request, "respond_closed.html", exc.status, message=exc.message)


async def _page(request: Request, ctx: Services, token: str, status: int = 200, error: str = "", done: str = "") -> HTMLResponse:
    try:
        view = await respondents.respondent_view(ctx, token)
    except (NotFound, respondents.LinkClosed) as exc:
        return _closed(request, exc)
    sittings = await upcoming(ctx.db, view.case_no, f"respondent:{view.respondent.seq}")
    return render_page(request, "respond.html", status, token=token, view=view, error=error, done=done,
                       sittings=sittings, ics_base=f"/respond/{token}", documents=await respondents.served_documents(ctx, view),
                       max_mb=ctx.settings.max_upload_bytes // 1_048_576)


@router.get("/respond/{respondent_token}", response_class=HTMLResponse)
async def respond_page(request: Request, ctx: Services, respondent_token: str) -> HTMLResponse:
    """The invitation for this respondent; opening it is the service once electronic service is agreed."""
    try:
        view = await respondents.respondent_view(ctx, respondent_token)
        await respondents.opened(ctx, view)
    except (NotFound, respondents.LinkClosed) as exc:
        return _closed(request, exc)
    return await _page(request, ctx, respondent_token, done=request.query_params.get("done", ""))


def _after(token: str, done: str) -> Response:
    return RedirectResponse(f"/respond/{token}?done={done}", status_code=303)


@router.post("/respond/{respondent_token}/service", response_class=HTMLResponse)
async def agree_service(request: Request, ctx: Services, respondent_token: str) -> Response:
    """The respondent agrees to be served through this link (Civil Procedure Law Art. 90)."""
    await checked_form(request)
    try:
        view = await respondents.respondent_view(ctx, respondent_token)
        await respondents.agree_to_electronic_service(ctx, view)
    except (NotFound, respondents.LinkClosed) as exc:
        return _closed(request, exc)
    return _after(respondent_token, "service")


def _times(values: list[str]) -> list[datetime]:
    return [datetime.fromisoformat(v) for v in values if v.strip()]


@router.post("/respond/{respondent_token}/answer", response_class=HTMLResponse)
async def answer(request: Request, ctx: Services, respondent_token: str) -> Response:
    """Agree to mediate (with proposed times) or refuse, once."""
    form = await checked_form(request)
    try:
        view = await respondents.respondent_view(ctx, respondent_token)
    except (NotFound, respondents.LinkClosed) as exc:
        return _closed(request, exc)
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
    try:
        view = await respondents.respondent_view(ctx, respondent_token)
    except (NotFound, respondents.LinkClosed) as exc:
        return _closed(request, exc)
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return await _page(request, ctx, respondent_token, 422, error="请选择文件 / choose a file")
    limit = ctx.settings.max_upload_bytes
    try:
        checked = check_evidence(upload.filename, await upload.read(limit + 1), limit)
    except EvidenceRejected as exc:
        message = translator(request)(exc.code, name=upload.filename, mb=limit // 1_048_576)
        return await _page(request, ctx, respondent_token, 422, error=message)
    await respondents.add_respondent_evidence(ctx, view, checked, str(form.get("description", ""))[:300])
    return _after(respondent_token, "evidence")


@router.get("/respond/{respondent_token}/documents/{document_id}")
async def served_document(request: Request, ctx: Services, respondent_token: str, document_id: str) -> Response:
    """A document served on this respondent (PDF); its first download is its service, once electronic service is agreed."""
    try:
        view = await respondents.respondent_view(ctx, respondent_token)
        pdf = await respondents.served_pdf(ctx, view, document_id)
    except (NotFound, respondents.LinkClosed) as exc:
        return _closed(request, exc)
    return Response(content=pdf, media_type="application/pdf", headers={"X-Content-Type-Options": "nosniff"})


@router.post("/respond/{respondent_token}/defence", response_class=HTMLResponse)
async def defence(request: Request, ctx: Services, respondent_token: str) -> Response:
    """The respondent's defence in arbitration (LDMAL Art. 30), with an optional file."""
    form = await checked_form(request)
    try:
        view = await respondents.respondent_view(ctx, respondent_token)
    except (NotFound, respondents.LinkClosed) as exc:
        return _closed(request, exc)
    upload, limit = form.get("file"), ctx.settings.max_upload_bytes
    try:
        checked = check_evidence(upload.filename, await upload.read(limit + 1), limit) \
            if isinstance(upload, UploadFile) and upload.filename else None
        await respondents.file_defence(ctx, view, str(form.get("text", "")), checked)
    except EvidenceRejected as exc:
        name = upload.filename if isinstance(upload, UploadFile) else ""
        return await _page(request, ctx, respondent_token, 422, error=translator(request)(exc.code, name=name, mb=limit // 1_048_576))
    except ServiceError as exc:
        return await _page(request, ctx, respondent_token, exc.status, error=exc.message)
    return _after(respondent_token, "defence")

"""The employer's one-time reply page (no account): it shows only the one notice the link was
made for, and accepts one reply with attachments until the reply deadline (see
`services.supervision.employer_reply`)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.csrf import checked_form
from api.deps import Services
from api.pages.rendering import render_page
from services.errors import NotFound, ServiceError
from services.supervision import replies
from services.supervision.employer_reply import GONE, ReplyTarget, notice_pdf, reply_target, submit_reply

router = APIRouter(include_in_schema=False)


def _gone(request: Request) -> HTMLResponse:
    return render_page(request, "union/reply_done.html", 404, ok=False, message=GONE)


def _form(request: Request, ctx: Services, token: str, target: ReplyTarget, status: int = 200, error: str = "") -> HTMLResponse:
    return render_page(
        request,
        "union/reply.html",
        status,
        token=token,
        link=target.link,
        employer=target.matter.employer_name,
        document=target.document,
        error=error,
        max_mb=ctx.settings.max_upload_bytes // 1_048_576,
    )


@router.get("/reply/{token}", response_class=HTMLResponse)
async def reply_page(request: Request, ctx: Services, token: str) -> HTMLResponse:
    """The notice (title, number, dates) and the reply form; nothing else of the matter."""
    try:
        target = await reply_target(ctx, token)
    except NotFound:
        return _gone(request)
    return _form(request, ctx, token, target)


@router.get("/reply/{token}/notice.pdf")
async def reply_notice_pdf(request: Request, ctx: Services, token: str) -> Response:
    """The PDF of the one notice this link is for."""
    try:
        target = await reply_target(ctx, token)
    except NotFound:
        return _gone(request)
    return Response(content=await notice_pdf(ctx, target), media_type="application/pdf", headers={"X-Content-Type-Options": "nosniff"})


@router.post("/reply/{token}", response_class=HTMLResponse)
async def submit_reply_form(request: Request, ctx: Services, token: str) -> HTMLResponse:
    """Send the reply with its files; a refusal shows the form again with the reason."""
    try:
        target = await reply_target(ctx, token)
    except NotFound:
        return _gone(request)
    form = await checked_form(request)
    uploads = [
        replies.Upload(filename=str(f.filename or "file"), data=await f.read(ctx.settings.max_upload_bytes + 1))
        for f in form.getlist("files")
        if hasattr(f, "read") and f.filename
    ]
    try:
        await submit_reply(ctx, target, str(form.get("kind", "")), str(form.get("text", "")), uploads)
    except ServiceError as exc:
        return _form(request, ctx, token, target, exc.status, exc.message)
    return render_page(request, "union/reply_done.html", ok=True, message="")

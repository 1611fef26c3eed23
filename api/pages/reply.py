"""The employer's one-time reply page (no account): it shows only the one notice the link was
made for, and accepts one reply with attachments until the reply deadline. The reply becomes the
`employer-reply` Update of the matter workflow; union staff then decide on it."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlmodel import select

from api.csrf import checked_form
from api.pages.rendering import render_page
from api.supervision_views import employer_reply
from domain.china_time import china_today
from domain.supervision import EmployerReply
from infrastructure.documents import store
from infrastructure.documents.store import ContentFormat
from infrastructure.tables import StoredDocument, SupervisionMatter, SupervisionReplyLink
from services.supervision import replies

router = APIRouter(include_in_schema=False)
GONE = "此链接无效、已使用或已过答复期限 / this link is invalid, used, or past the reply deadline"


async def _link(
    request: Request, token: str
) -> tuple[SupervisionReplyLink, SupervisionMatter, StoredDocument]:
    app = request.app.state
    link = await replies.find_link(app.db, app.keyring, token, china_today())
    if link is None:
        raise HTTPException(status_code=404, detail=GONE)
    async with app.db.session() as session:
        matter = (
            await session.exec(
                select(SupervisionMatter).where(SupervisionMatter.matter_no == link.matter_no)
            )
        ).one()
        document = await session.get(StoredDocument, link.document_id)
    if document is None:
        raise HTTPException(status_code=404, detail=GONE)
    return link, matter, document


def _gone(request: Request) -> HTMLResponse:
    return render_page(request, "union/reply_done.html", 404, ok=False, message=GONE)


@router.get("/reply/{token}", response_class=HTMLResponse)
async def reply_page(request: Request, token: str) -> HTMLResponse:
    """The notice (title, number, dates) and the reply form; nothing else of the matter."""
    try:
        link, matter, document = await _link(request, token)
    except HTTPException:
        return _gone(request)
    return render_page(
        request,
        "union/reply.html",
        token=token,
        link=link,
        employer=matter.employer_name,
        document=document,
        error="",
        max_mb=request.app.state.settings.max_upload_bytes // 1_048_576,
    )


@router.get("/reply/{token}/notice.pdf")
async def reply_notice_pdf(request: Request, token: str) -> Response:
    """The PDF of the one notice this link is for."""
    try:
        _, _, document = await _link(request, token)
    except HTTPException:
        return _gone(request)
    app = request.app.state
    pdf = await store.read_content(app.db, app.keyring, document, ContentFormat.pdf)
    return Response(
        content=pdf, media_type="application/pdf", headers={"X-Content-Type-Options": "nosniff"}
    )


@router.post("/reply/{token}", response_class=HTMLResponse)
async def submit_reply(request: Request, token: str) -> HTMLResponse:
    """Check the files, store them encrypted, send the reply to the workflow, spend the link."""
    try:
        link, matter, document = await _link(request, token)
    except HTTPException:
        return _gone(request)
    app = request.app.state
    form = await checked_form(request)
    uploads = [
        replies.Upload(
            filename=str(f.filename or "file"), data=await f.read(app.settings.max_upload_bytes + 1)
        )
        for f in form.getlist("files")
        if hasattr(f, "read") and f.filename
    ]

    def again(status: int, error: str) -> HTMLResponse:
        return render_page(
            request,
            "union/reply.html",
            status,
            token=token,
            link=link,
            employer=matter.employer_name,
            document=document,
            error=error,
            max_mb=app.settings.max_upload_bytes // 1_048_576,
        )

    try:
        replies.check_uploads(uploads, app.settings.max_upload_bytes)
        reply = EmployerReply(
            document_id=document.id, kind=str(form.get("kind", "")), text=str(form.get("text", ""))
        )
    except (replies.AttachmentRefused, ValidationError) as exc:
        if isinstance(exc, ValidationError):
            fields = ", ".join(str(e["loc"][0]) for e in exc.errors())
            return again(
                422,
                f"请选择答复类型并填写答复内容 / choose the kind of reply and write it ({fields})",
            )
        return again(422, str(exc))
    folder = app.settings.resolved_evidence_dir
    ids = await replies.store_attachments(
        app.db,
        app.keyring,
        folder,
        matter_no=matter.matter_no,
        document_id=document.id,
        uploads=uploads,
    )
    try:
        await employer_reply(request, matter, reply.model_copy(update={"attachment_ids": ids}))
    except HTTPException as exc:
        await replies.discard_attachments(app.db, folder, ids)
        return again(exc.status_code, str(exc.detail))
    assert link.id is not None
    await replies.mark_used(app.db, link.id)
    return render_page(request, "union/reply_done.html", ok=True, message="")

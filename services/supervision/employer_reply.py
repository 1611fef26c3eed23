"""The employer's one-time reply link (no account): it reaches only the one notice it was made for
and accepts one reply with attachments until the reply deadline. The reply becomes the matter
workflow's `employer-reply` Update; union staff then decide on it."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError
from sqlmodel import select

from domain.china_time import china_today
from domain.supervision import EmployerReply
from infrastructure.tables import StoredDocument, SupervisionMatter, SupervisionReplyLink
from services.context import ServiceContext
from services.errors import NotFound, Refused, ServiceError
from services.receipts import serve_with_receipt
from services.supervision import replies
from services.supervision.console import employer_reply

GONE = "此链接无效、已使用或已过答复期限 / this link is invalid, used, or past the reply deadline"


@dataclass(frozen=True)
class ReplyTarget:
    """What a valid link reaches: itself, its matter and the one notice."""

    link: SupervisionReplyLink
    matter: SupervisionMatter
    document: StoredDocument


async def reply_target(ctx: ServiceContext, token: str) -> ReplyTarget:
    """The link's notice, or `NotFound` (unknown, used, replaced or past its deadline: one answer)."""
    link = await replies.find_link(ctx.db, ctx.keyring, token, china_today())
    if link is None:
        raise NotFound(GONE)
    async with ctx.db.session() as session:
        matter = (await session.exec(select(SupervisionMatter).where(SupervisionMatter.matter_no == link.matter_no))).one()
        document = await session.get(StoredDocument, link.document_id)
    if document is None:
        raise NotFound(GONE)
    return ReplyTarget(link, matter, document)


RECEIPT_CHANNEL = "supervision-reply"


async def notice_pdf(ctx: ServiceContext, target: ReplyTarget) -> bytes:
    """The signed PDF of the notice the link is for; each opening is recorded as a receipt."""
    return await serve_with_receipt(ctx.db, ctx.storage, ctx.keyring, target.document,
                                    channel=RECEIPT_CHANNEL, reference=target.matter.matter_no)


async def submit_reply(ctx: ServiceContext, target: ReplyTarget, kind: str, text: str, uploads: list[replies.Upload]) -> None:
    """Check the files, store them encrypted, send the reply to the workflow, then spend the link.

    Refused input raises `Refused` (422) saying how to fix it; a workflow refusal removes the files
    again, so nothing is half-done."""
    try:
        replies.check_uploads(uploads, ctx.settings.max_upload_bytes)
        reply = EmployerReply(document_id=target.document.id, kind=kind, text=text)  # type: ignore[arg-type]
    except replies.AttachmentRefused as exc:
        raise _unprocessable(str(exc)) from None
    except ValidationError as exc:
        fields = ", ".join(str(e["loc"][0]) for e in exc.errors())
        raise _unprocessable(f"请选择答复类型并填写答复内容 / choose the kind of reply and write it ({fields})") from None
    ids = await replies.store_attachments(
        ctx.db, ctx.keyring, ctx.storage, matter_no=target.matter.matter_no, document_id=target.document.id, uploads=uploads
    )
    try:
        await employer_reply(ctx, target.matter, reply.model_copy(update={"attachment_ids": ids}))
    except ServiceError:
        await replies.discard_attachments(ctx.db, ctx.storage, ids)
        raise
    assert target.link.id is not None
    await replies.mark_used(ctx.db, target.link.id)


def _unprocessable(message: str) -> Refused:
    refused = Refused(message)
    refused.status = 422
    return refused

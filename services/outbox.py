"""The notification outbox as administrators read it: newest first, recipients masked."""

from __future__ import annotations

from enum import StrEnum

from pydantic import AwareDatetime, Field
from sqlmodel import col, select

from domain.privacy import mask_mobile
from infrastructure.crypto import Keyring
from infrastructure.db import Database
from infrastructure.tables import Notification
from services.read_models import Page, PageRequest, ReadModel, aware, page_fields, paged_rows


class NotificationStatus(StrEnum):
    pending = "pending"
    sent = "sent"
    failed = "failed"


class NotificationPublic(ReadModel):
    """One notification of the outbox, recipient masked."""

    id: int
    subject: str = Field(description="`case:<case_no>` or `matter:<matter_no>`")
    channel: str = Field(description="sms, email or inbox")
    recipient_kind: str
    recipient: str = Field(description="masked")
    template: str
    body_zh: str
    body_en: str
    status: NotificationStatus
    attempts: int
    created_at: AwareDatetime
    sent_at: AwareDatetime | None


class NotificationPage(Page[NotificationPublic]):
    """One page of the outbox, newest first."""


def mask_recipient(kind: str, value: str) -> str:
    """Phones and e-mail addresses masked; staff usernames shown (they are not personal data
    here)."""
    if "@" in value:
        name, _, domain = value.partition("@")
        return f"{name[:1]}***@{domain}"
    if value.isdigit() or value.startswith("+"):
        return mask_mobile(value)
    return value if kind in ("staff", "supervisor") else f"{value[:1]}***"


async def outbox(
    db: Database, keyring: Keyring, status: NotificationStatus | None = None, paging: PageRequest | None = None
) -> NotificationPage:
    """The newest notifications with their bodies, one page (the first 50 unless asked); recipients masked."""
    paging = paging or PageRequest()
    query = select(Notification).order_by(col(Notification.id).desc())
    if status:
        query = query.where(Notification.status == status.value)
    async with db.session() as session:
        rows, total = await paged_rows(session, query, paging)
    items = [
        NotificationPublic(
            id=n.id or 0,
            subject=n.subject,
            channel=n.channel,
            recipient_kind=n.recipient_kind,
            recipient=mask_recipient(n.recipient_kind, keyring.decrypt_text(n.recipient_enc)),
            template=n.template,
            body_zh=n.body_zh,
            body_en=n.body_en,
            status=NotificationStatus(n.status),
            attempts=n.attempts,
            created_at=aware(n.created_at),
            sent_at=aware(n.sent_at) if n.sent_at else None,
        )
        for n in rows
    ]
    return NotificationPage(items=items, **page_fields(total, paging))

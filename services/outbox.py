"""The notification outbox as administrators read it: newest first, recipients masked."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from domain.privacy import mask_mobile
from infrastructure.crypto import Keyring
from infrastructure.db import Database
from infrastructure.tables import Notification


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
    db: Database, keyring: Keyring, status: str = "", limit: int = 100
) -> list[dict[str, Any]]:
    """The newest notifications with their bodies; recipients masked."""
    query = select(Notification).order_by(col(Notification.id).desc()).limit(limit)
    if status:
        query = query.where(Notification.status == status)
    async with db.session() as session:
        rows = (await session.exec(query)).all()
    return [
        {
            "id": n.id,
            "subject": n.subject,
            "channel": n.channel,
            "recipient_kind": n.recipient_kind,
            "recipient": mask_recipient(n.recipient_kind, keyring.decrypt_text(n.recipient_enc)),
            "template": n.template,
            "body_zh": n.body_zh,
            "body_en": n.body_en,
            "status": n.status,
            "attempts": n.attempts,
            "created_at": n.created_at.isoformat(),
            "sent_at": n.sent_at.isoformat() if n.sent_at else None,
        }
        for n in rows
    ]


"""The employer's one-time reply link and its attachments.

A link is a random token shown once to union staff (to hand over with the served notice); only its
keyed hash is stored. It shows one notice and accepts one reply until the reply deadline. Files
are checked (type by content, size, count) and stored encrypted in the object store
(`infrastructure.storage`), never in Temporal.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlmodel import select

from infrastructure.crypto import Keyring
from infrastructure.db import Database
from infrastructure.links import link_hash, new_link_token
from infrastructure.storage import BlobStore
from infrastructure.tables import SupervisionAttachment, SupervisionReplyLink

MAX_FILES = 5
SIGNATURES = {
    b"%PDF-": "application/pdf",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
}


class AttachmentRefused(ValueError):
    """A file cannot be accepted; the message says why and what is accepted."""


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


def token_hash(keyring: Keyring, token: str) -> str:
    return link_hash(keyring, "supervision-reply", token)


async def create_link(
    db: Database,
    keyring: Keyring,
    *,
    matter_no: str,
    document_id: str,
    expires_on: date | None,
    created_by: str,
) -> str:
    """A new link for the notice awaiting a reply; earlier links of the matter stop working."""
    token = new_link_token()
    async with db.session() as session:
        earlier = (
            await session.exec(
                select(SupervisionReplyLink).where(
                    SupervisionReplyLink.matter_no == matter_no,
                    SupervisionReplyLink.revoked == False,  # noqa: E712 (SQL comparison)
                )
            )
        ).all()
        for link in earlier:
            link.revoked = True
            session.add(link)
        session.add(
            SupervisionReplyLink(
                token_hash=token_hash(keyring, token),
                matter_no=matter_no,
                document_id=document_id,
                expires_on=expires_on,
                created_by=created_by,
            )
        )
        await session.commit()
    return token


async def find_link(
    db: Database, keyring: Keyring, token: str, today: date
) -> SupervisionReplyLink | None:
    """The link for a token if it is still usable (not revoked, not used, not past its deadline)."""
    async with db.session() as session:
        link = (
            await session.exec(
                select(SupervisionReplyLink).where(
                    SupervisionReplyLink.token_hash == token_hash(keyring, token)
                )
            )
        ).first()
    if link is None or link.revoked or link.used_at is not None:
        return None
    if link.expires_on is not None and today > link.expires_on:
        return None
    return link


async def mark_used(db: Database, link_id: int) -> None:
    async with db.session() as session:
        link = await session.get(SupervisionReplyLink, link_id)
        if link is not None:
            link.used_at = datetime.now(UTC)
            session.add(link)
            await session.commit()


def content_type(data: bytes) -> str | None:
    """PDF, PNG or JPEG, judged by the file's first bytes (not by its name)."""
    return next((kind for magic, kind in SIGNATURES.items() if data.startswith(magic)), None)


def check_uploads(uploads: list[Upload], max_bytes: int) -> None:
    if len(uploads) > MAX_FILES:
        raise AttachmentRefused(f"最多上传{MAX_FILES}个文件 / at most {MAX_FILES} files")
    for upload in uploads:
        if len(upload.data) > max_bytes:
            megabytes = max_bytes // 1_048_576
            raise AttachmentRefused(
                f"文件“{upload.filename}”超过{megabytes}MB / "
                f"'{upload.filename}' is larger than {megabytes} MB"
            )
        if content_type(upload.data) is None:
            raise AttachmentRefused(
                f"文件“{upload.filename}”不是PDF、PNG或JPEG / "
                f"'{upload.filename}' is not a PDF, PNG or JPEG file"
            )


def attachment_key(attachment_id: str) -> str:
    """The object key; the same relative path as the file under LABOURFLOW_EVIDENCE_DIR had."""
    return f"evidence/supervision/{attachment_id}.bin"


async def store_attachments(
    db: Database,
    keyring: Keyring,
    storage: BlobStore,
    *,
    matter_no: str,
    document_id: str,
    uploads: list[Upload],
) -> tuple[str, ...]:
    """Encrypt each file into the store (bound to its id) and record it; returns the attachment ids."""
    ids: list[str] = []
    async with db.session() as session:
        for upload in uploads:
            attachment_id = str(uuid.uuid4())
            kid, blob = keyring.encrypt(upload.data, associated=attachment_id.encode())
            await storage.put(attachment_key(attachment_id), kid.encode() + b":" + blob)
            session.add(
                SupervisionAttachment(
                    id=attachment_id,
                    matter_no=matter_no,
                    document_id=document_id,
                    filename_enc=keyring.encrypt_text(upload.filename[:200]),
                    content_type=content_type(upload.data) or "",
                    size=len(upload.data),
                    sha256=hashlib.sha256(upload.data).hexdigest(),
                )
            )
            ids.append(attachment_id)
        await session.commit()
    return tuple(ids)


async def read_attachment(keyring: Keyring, storage: BlobStore, attachment_id: str) -> bytes:
    """The decrypted content of a stored attachment."""
    stored = await storage.get(attachment_key(attachment_id))
    kid, _, blob = stored.partition(b":")
    return keyring.decrypt(kid.decode(), blob, associated=attachment_id.encode())


async def attachment_row(db: Database, attachment_id: str) -> SupervisionAttachment | None:
    async with db.session() as session:
        return await session.get(SupervisionAttachment, attachment_id)


async def discard_attachments(db: Database, storage: BlobStore, ids: tuple[str, ...]) -> None:
    """Remove files stored for a reply the workflow then refused."""
    async with db.session() as session:
        for attachment_id in ids:
            row = await session.get(SupervisionAttachment, attachment_id)
            if row is not None:
                await session.delete(row)
        await session.commit()
    for attachment_id in ids:
        await storage.delete(attachment_key(attachment_id))

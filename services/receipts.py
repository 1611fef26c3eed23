"""Records of receipt: a signed document served through a link (the employer's reply link of union
supervision, a respondent's link) is recorded with the hash of the bytes served and when.

One small function for every link that serves a document: call `serve_with_receipt` where the
link hands out the PDF, with the link's channel and its business id (e.g. the matter number).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from sqlmodel import col, select

from infrastructure.crypto import Keyring
from infrastructure.db import Database
from infrastructure.documents import store
from infrastructure.documents.store import ContentFormat
from infrastructure.storage import BlobStore
from infrastructure.tables import DocumentReceipt, StoredDocument


async def record_receipt(db: Database, document: StoredDocument, served: bytes, *, channel: str, reference: str) -> DocumentReceipt:
    """Record that `served` (the document's PDF) was opened through `channel` for `reference`, now."""
    receipt = DocumentReceipt(
        document_id=document.id,
        signed_sha256=hashlib.sha256(served).hexdigest(),
        channel=channel,
        reference=reference,
        opened_at=datetime.now(UTC),
    )
    async with db.write_session() as session:
        session.add(receipt)
        await session.commit()
        await session.refresh(receipt)
    return receipt


async def serve_with_receipt(db: Database, storage: BlobStore, keyring: Keyring, document: StoredDocument, *,
                             channel: str, reference: str) -> bytes:
    """The stored (signed) PDF of `document`, with its receipt recorded: what a link hands out."""
    pdf = await store.read_content(db, storage, keyring, document, ContentFormat.pdf)
    await record_receipt(db, document, pdf, channel=channel, reference=reference)
    return pdf


async def receipts_of(db: Database, document_id: str) -> list[DocumentReceipt]:
    """Every receipt of a document, first opened first."""
    async with db.session() as session:
        query = select(DocumentReceipt).where(DocumentReceipt.document_id == document_id).order_by(col(DocumentReceipt.opened_at))
        return list((await session.exec(query)).all())

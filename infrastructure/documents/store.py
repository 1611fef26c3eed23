"""Stored documents: insert once (append-only), look up, list, and read the decrypted content.

Content and context are encrypted with AES-GCM bound to the document id and the part
("html", "pdf", "context"), so a blob copied onto another row does not decrypt.
"""

from __future__ import annotations

import base64
from enum import StrEnum

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from domain.documents import DocumentRef, DocumentType
from infrastructure.crypto import Keyring
from infrastructure.db import Database
from infrastructure.tables import DocumentContent, StoredDocument


class ContentFormat(StrEnum):
    pdf = "pdf"
    html = "html"


class DocumentConflictError(ValueError):
    """The document cannot be stored as asked (e.g. the corrected version was corrected already)."""


def _aad(document_id: str, part: str) -> bytes:
    return f"document:{document_id}:{part}".encode()


def encrypt_part(
    keyring: Keyring, document_id: str, part: str, plaintext: bytes
) -> tuple[str, bytes]:
    """(key id, nonce + ciphertext) of one part of a document."""
    return keyring.encrypt(plaintext, _aad(document_id, part))


def encrypt_context(keyring: Keyring, document_id: str, context_json: str) -> str:
    kid, blob = encrypt_part(keyring, document_id, "context", context_json.encode())
    return f"{kid}:{base64.b64encode(blob).decode()}"


def decrypt_context(keyring: Keyring, row: StoredDocument) -> str:
    kid, _, data = row.context_enc.partition(":")
    return keyring.decrypt(kid, base64.b64decode(data), _aad(row.id, "context")).decode()


def to_ref(row: StoredDocument) -> DocumentRef:
    """The workflow-facing reference of a stored document."""
    return DocumentRef(
        document_id=row.id,
        doc_type=DocumentType(row.doc_type),
        subject=row.subject,
        version=row.version,
        document_no=row.document_no,
        title_zh=row.title_zh,
        html_sha256=row.html_sha256,
        pdf_sha256=row.pdf_sha256,
        issued_on=row.issued_on,
        supersedes=row.supersedes_id,
    )


async def find_by_key(db: Database, idempotency_key: str) -> StoredDocument | None:
    async with db.session() as session:
        return (
            await session.exec(
                select(StoredDocument).where(StoredDocument.idempotency_key == idempotency_key)
            )
        ).first()


async def get_document(db: Database, document_id: str) -> StoredDocument | None:
    async with db.session() as session:
        return await session.get(StoredDocument, document_id)


async def successor_of(db: Database, document_id: str) -> StoredDocument | None:
    """The version that corrects `document_id`, if one was issued."""
    async with db.session() as session:
        return (
            await session.exec(
                select(StoredDocument).where(StoredDocument.supersedes_id == document_id)
            )
        ).first()


async def list_documents(db: Database, subject: str) -> list[StoredDocument]:
    """Every version of every document of a subject, oldest first."""
    async with db.session() as session:
        rows = await session.exec(
            select(StoredDocument)
            .where(StoredDocument.subject == subject)
            .order_by(
                col(StoredDocument.issued_on),
                col(StoredDocument.created_at),
                col(StoredDocument.version),
            )
        )
        return list(rows.all())


async def save(db: Database, row: StoredDocument, content: DocumentContent) -> StoredDocument:
    """Insert the document and its content in one transaction; a retry gets the row stored first."""
    async with db.write_session() as session:
        try:
            session.add(row)
            await session.flush()  # the content row references the document row
            session.add(content)
            await session.commit()
            await session.refresh(row)
            return row
        except IntegrityError:
            await session.rollback()
    stored = await find_by_key(db, row.idempotency_key)
    if stored is not None:
        return stored
    raise DocumentConflictError(
        f"document {row.supersedes_id} was corrected concurrently by another version;"
        " correct the latest version"
    )


async def read_content(
    db: Database, keyring: Keyring, row: StoredDocument, fmt: ContentFormat
) -> bytes:
    """The decrypted HTML or PDF of a stored document."""
    async with db.session() as session:
        content = await session.get(DocumentContent, row.id)
    if content is None:
        raise LookupError(f"document {row.id} has no stored content")
    blob = content.pdf_enc if fmt is ContentFormat.pdf else content.html_enc
    return keyring.decrypt(row.content_key_id, blob, _aad(row.id, fmt.value))

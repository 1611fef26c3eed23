"""Stored documents: insert once (append-only), look up, list, and read the decrypted content.

Content and context are encrypted with AES-GCM bound to the document id and the part
("html", "pdf", "context"), so a blob copied onto another row does not decrypt.

Where the content lives: the `document` row holds the metadata and hashes; the signed PDF and the
HTML (gzip-compressed before encryption: about 2.5 times smaller; the PDF, compressed inside, is not) are objects in the
object store (`infrastructure.storage`: S3 when configured, else the database's `blob` table) under
`documents/<id>/<sha256>.pdf` and `documents/<id>/<sha256>.html.gz`. The objects are written first
and the row is the commit point: a process that dies in between leaves an orphan object that no
row names (harmless; `labourflow storage check` reports it), and two attempts at the same document
never overwrite each other's bytes because the key carries the hash the row records. Documents
stored before this kept both parts in `document_content`; they are read from there until
`labourflow storage import` moves them.
"""

from __future__ import annotations

import asyncio
import base64
import gzip
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from domain.documents import DocumentRef, DocumentType
from infrastructure.crypto import Keyring
from infrastructure.db import Database
from infrastructure.storage import BlobNotFound, BlobStore
from infrastructure.tables import DocumentContent, StoredDocument

AREA = "documents/"
HTML_GZ = "html.gz"  # the AAD part and key suffix of compressed HTML ("html" is the old, plain part)


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


CONTEXT_GZ = "context.gz"  # the part of a gzip-compressed context ("context": plain, earlier documents)


def encrypt_context(keyring: Keyring, document_id: str, context_json: str) -> str:
    """`kid:gz:base64` of the compressed, encrypted rendering input (about half the uncompressed form)."""
    packed = gzip.compress(context_json.encode(), 9, mtime=0)
    kid, blob = encrypt_part(keyring, document_id, CONTEXT_GZ, packed)
    return f"{kid}:gz:{base64.b64encode(blob).decode()}"


def decrypt_context(keyring: Keyring, row: StoredDocument) -> str:
    """The rendering input as JSON; `kid:base64` (earlier, uncompressed) or `kid:gz:base64`."""
    kid, _, data = row.context_enc.partition(":")
    if data.startswith("gz:"):  # base64 has no ':', so an earlier value never starts so
        plain = keyring.decrypt(kid, base64.b64decode(data[3:]), _aad(row.id, CONTEXT_GZ))
        return gzip.decompress(plain).decode()
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


@dataclass(frozen=True)
class Content:
    """The plaintext parts of a document as stored: the (signed) PDF and the HTML."""

    pdf: bytes
    html: bytes


def content_keys(row: StoredDocument) -> dict[ContentFormat, str]:
    """The object keys of a document's parts, from the hashes its row records."""
    pdf_hash = row.signed_sha256 or row.pdf_sha256
    return {
        ContentFormat.pdf: f"{AREA}{row.id}/{pdf_hash}.pdf",
        ContentFormat.html: f"{AREA}{row.id}/{row.html_sha256}.{HTML_GZ}",
    }


def _seal(keyring: Keyring, row: StoredDocument, fmt: ContentFormat, plaintext: bytes) -> bytes:
    # With the key the row names (the active one for a new document; an older one on import).
    part, data = (HTML_GZ, gzip.compress(plaintext, 9, mtime=0)) if fmt is ContentFormat.html else (fmt.value, plaintext)
    return keyring.encrypt(data, _aad(row.id, part), key_id=row.content_key_id)[1]


def _open(keyring: Keyring, row: StoredDocument, fmt: ContentFormat, blob: bytes) -> bytes:
    if fmt is ContentFormat.html:
        return gzip.decompress(keyring.decrypt(row.content_key_id, blob, _aad(row.id, HTML_GZ)))
    return keyring.decrypt(row.content_key_id, blob, _aad(row.id, fmt.value))


async def put_content(storage: BlobStore, keyring: Keyring, row: StoredDocument, content: Content) -> None:
    """Write a document's parts to the object store, before its row (which is the commit point)."""
    keys = content_keys(row)
    for fmt, plaintext in ((ContentFormat.pdf, content.pdf), (ContentFormat.html, content.html)):
        sealed = await asyncio.to_thread(_seal, keyring, row, fmt, plaintext)
        await storage.put(keys[fmt], sealed)


async def save(
    db: Database, storage: BlobStore, keyring: Keyring, row: StoredDocument, content: Content
) -> StoredDocument:
    """Store the content objects, then insert the row; a retry gets the row stored first."""
    await put_content(storage, keyring, row, content)
    async with db.write_session() as session:
        try:
            session.add(row)
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


async def legacy_content(db: Database, document_id: str) -> DocumentContent | None:
    """The `document_content` row of a document stored before the object store held documents."""
    async with db.session() as session:
        return await session.get(DocumentContent, document_id)


async def read_content(
    db: Database, storage: BlobStore, keyring: Keyring, row: StoredDocument, fmt: ContentFormat
) -> bytes:
    """The decrypted HTML or PDF of a stored document."""
    legacy = await legacy_content(db, row.id)
    if legacy is not None:
        blob = legacy.pdf_enc if fmt is ContentFormat.pdf else legacy.html_enc
        return keyring.decrypt(row.content_key_id, blob, _aad(row.id, fmt.value))
    try:
        blob = await storage.get(content_keys(row)[fmt])
    except BlobNotFound:
        raise LookupError(f"document {row.id} has no stored {fmt.value}") from None
    return await asyncio.to_thread(_open, keyring, row, fmt, blob)


async def orphan_keys(db: Database, storage: BlobStore) -> list[str]:
    """Document objects that no document row names (left by a process that died before its row)."""
    async with db.session() as session:
        rows = (await session.exec(select(StoredDocument))).all()
        named = {key for row in rows for key in content_keys(row).values()}
    return [key for key in await storage.keys(AREA) if key not in named]


async def import_legacy(db: Database, storage: BlobStore, keyring: Keyring) -> int:
    """Move the content of documents stored before the object store held documents out of
    `document_content` (`labourflow storage import`); returns how many were moved. Idempotent:
    the objects are written and read back before the row is deleted."""
    async with db.session() as session:
        ids = list((await session.exec(select(DocumentContent.document_id))).all())
    for document_id in ids:
        row = await get_document(db, document_id)
        if row is None:
            continue
        content = Content(
            pdf=await read_content(db, storage, keyring, row, ContentFormat.pdf),
            html=await read_content(db, storage, keyring, row, ContentFormat.html),
        )
        await put_content(storage, keyring, row, content)
        for key in content_keys(row).values():
            await storage.get(key)  # BlobNotFound, and the row stays, if a write did not land
        async with db.write_session() as session:
            legacy = await session.get(DocumentContent, document_id)
            if legacy is not None:
                await session.delete(legacy)
                await session.commit()
    return len(ids)

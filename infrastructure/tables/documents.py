"""Generated documents: append-only rows with their inputs and hashes, encrypted content, and the
counters and reservations that give gap-free document numbers (文号).

A stored document is never updated: a correction is a new row (`version` + 1) whose
`supersedes_id` points at the corrected one; `lineage_id` is the id of the first version.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import LargeBinary, UniqueConstraint, event
from sqlmodel import Field, SQLModel

from infrastructure.tables._common import timestamp


class DocumentCounter(SQLModel, table=True):
    """Last serial issued per number series and year (row-locked while allocating)."""

    __tablename__ = "document_counter"

    series: str = Field(primary_key=True, max_length=80)
    year: int = Field(primary_key=True)
    last_serial: int = 0


class DocumentNumber(SQLModel, table=True):
    """A reserved 文号, keyed by the activity's idempotency key so a retry reuses it."""

    __tablename__ = "document_number"
    __table_args__ = (UniqueConstraint("series", "year", "serial"),)

    idempotency_key: str = Field(primary_key=True, max_length=200)
    series: str = Field(max_length=80)
    year: int
    serial: int
    document_no: str = Field(max_length=60)
    reserved_at: datetime = timestamp()


class StoredDocument(SQLModel, table=True):
    """One rendered document version: what was rendered, with which template, and its hashes."""

    __tablename__ = "document"
    __table_args__ = (UniqueConstraint("lineage_id", "version"),)

    id: str = Field(primary_key=True, max_length=36)
    idempotency_key: str = Field(max_length=200, unique=True)
    lineage_id: str = Field(max_length=36, index=True)
    version: int = 1
    supersedes_id: str | None = Field(
        default=None, foreign_key="document.id", max_length=36, unique=True
    )
    subject: str = Field(max_length=40, index=True)
    doc_type: str = Field(max_length=40, index=True)
    title_zh: str = Field(max_length=100)
    document_no: str | None = Field(default=None, max_length=60, index=True)
    issued_on: date
    issued_by: str = Field(max_length=64)
    template_name: str = Field(max_length=80)
    template_version: int
    template_sha256: str = Field(max_length=64)  # template and everything it includes
    renderer: str = Field(max_length=200)  # WeasyPrint, pydyf and font versions
    context_enc: str  # the full rendering input (facts and parties), AES-GCM encrypted
    html_sha256: str = Field(max_length=64)
    pdf_sha256: str = Field(max_length=64)
    pdf_size: int
    page_count: int
    content_key_id: str = Field(max_length=32)
    created_at: datetime = timestamp()
    # The signature (README "Signed documents"): the stored and served PDF is the signed one; the
    # hashes above stay those of the unsigned render, a byte-for-byte prefix of the signed file.
    # None on documents issued before signing existed.
    signed_sha256: str | None = Field(default=None, max_length=64, index=True)
    signed_size: int | None = None
    signer_org: str | None = Field(default=None, max_length=64)  # organisation (or team) code
    signer_name: str | None = Field(default=None, max_length=200)
    signer_serial: str | None = Field(default=None, max_length=64)  # certificate serial, hex
    signed_at: datetime | None = timestamp(nullable=True, default_now=False)


class DocumentContent(SQLModel, table=True):
    """The rendered HTML and PDF, AES-GCM encrypted and bound to the document id: documents stored
    before their content moved to the object store only (read as they are; `labourflow storage
    import` moves them). New documents write no row here."""

    __tablename__ = "document_content"

    document_id: str = Field(primary_key=True, foreign_key="document.id", max_length=36)
    html_enc: bytes = Field(sa_type=LargeBinary)
    pdf_enc: bytes = Field(sa_type=LargeBinary)


class DocumentReceipt(SQLModel, table=True):
    """A record of receipt: a signed document opened through a link (which one, when, its hash)."""

    __tablename__ = "document_receipt"

    id: int | None = Field(default=None, primary_key=True)
    document_id: str = Field(foreign_key="document.id", max_length=36, index=True)
    signed_sha256: str = Field(max_length=64)  # the bytes that were served
    channel: str = Field(max_length=40)  # e.g. "supervision-reply" (the employer's reply link)
    reference: str = Field(max_length=80, index=True)  # the link's business id, e.g. the matter number
    opened_at: datetime = timestamp()


class ImmutableDocumentError(RuntimeError):
    """Stored documents are never changed: issue a correction (a new version) instead."""


@event.listens_for(StoredDocument, "before_update")
@event.listens_for(DocumentContent, "before_update")
def _refuse_update(_mapper: Any, _connection: Any, target: SQLModel) -> None:
    raise ImmutableDocumentError(
        f"{type(target).__name__} rows are immutable; issue a correction with `supersedes`"
    )

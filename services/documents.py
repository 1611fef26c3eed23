"""Generated documents as people reach them: the versions of a case's or a matter's documents the
asker may see, one document's content, and the administrator's case summary report.

A worker sees the documents meant for them (not the union's letters or internal reports); staff who
may see the case see all of them; matter and bulk-batch documents are for the holding union's legal
staff and administrators. Missing and not theirs are refused alike."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from pydantic import BaseModel
from sqlmodel import col, select
from temporalio.common import WorkflowIDConflictPolicy

from domain.china_time import china_today
from domain.documents import CATALOGUE, DocumentRef, DocumentType, RenderDocumentInput, document_idempotency_key
from domain.ids import document_workflow_id
from domain.roles import Principal, Role, StaffPrincipal, WorkerPrincipal
from infrastructure.crypto import Keyring
from infrastructure.db import Database
from infrastructure.documents import store
from infrastructure.tables import Case, StoredDocument
from services.context import ServiceContext
from services.errors import NotFound
from services.read_models import Page
from services.supervision.console import visible_batch, visible_matter

MATTER_ROLES = frozenset({Role.union_legal, Role.admin})


class DocumentPublic(BaseModel):
    """One stored document version, as listed to people allowed to see it."""

    document_id: str
    doc_type: DocumentType
    title_zh: str
    title_en: str
    version: int
    document_no: str | None
    issued_on: date
    supersedes: str | None
    superseded_by: str | None
    page_count: int
    pdf_size: int
    html_sha256: str
    pdf_sha256: str  # of the unsigned render (reproducible), a prefix of the served file
    signed_sha256: str | None = None  # of the served, signed PDF (None: issued before signing)
    signed_by: str | None = None  # the organisation that signed it
    pdf_url: str
    html_url: str


class DocumentPage(Page[DocumentPublic]):
    """One page of documents, oldest first."""


def public(rows: list[StoredDocument]) -> list[DocumentPublic]:
    """The listing of stored versions, each with the version that replaced it, if any."""
    successors = {row.supersedes_id: row.id for row in rows if row.supersedes_id}
    return [
        DocumentPublic(
            document_id=row.id,
            doc_type=DocumentType(row.doc_type),
            title_zh=row.title_zh,
            title_en=CATALOGUE[DocumentType(row.doc_type)].title_en,
            version=row.version,
            document_no=row.document_no,
            issued_on=row.issued_on,
            supersedes=row.supersedes_id,
            superseded_by=successors.get(row.id),
            page_count=row.page_count,
            pdf_size=row.pdf_size,
            html_sha256=row.html_sha256,
            pdf_sha256=row.pdf_sha256,
            signed_sha256=row.signed_sha256,
            signed_by=row.signer_name,
            pdf_url=f"/api/v1/documents/{row.id}?format=pdf",
            html_url=f"/api/v1/documents/{row.id}?format=html",
        )
        for row in rows
    ]


def visible_to(principal: Principal, row: StoredDocument) -> bool:
    """Workers see the documents meant for them; staff who may see the case see all of them."""
    return not isinstance(principal, WorkerPrincipal) or CATALOGUE[DocumentType(row.doc_type)].worker_visible


async def case_documents(db: Database, principal: Principal, case_no: str) -> list[DocumentPublic]:
    """The documents of `case_no` that `principal` (already allowed to see the case) may see."""
    rows = await store.list_documents(db, f"case:{case_no}")
    return public([row for row in rows if visible_to(principal, row)])


async def check_matter_reader(db: Database, staff: StaffPrincipal | None, ident: str) -> None:
    """Whoever may see the matter (or bulk batch) itself: its union's legal staff, or an administrator."""
    if staff is None or staff.role not in MATTER_ROLES:
        raise NotFound()
    if ident.startswith("BL-"):
        await visible_batch(db, ident, staff)
    else:
        await visible_matter(db, ident, staff)


async def matter_documents(db: Database, staff: StaffPrincipal | None, matter_no: str) -> list[DocumentPublic]:
    """Documents of a union supervision matter (union legal staff and administrators)."""
    await check_matter_reader(db, staff, matter_no)
    return public(await store.list_documents(db, f"matter:{matter_no}"))


async def find_document(db: Database, document_id: str) -> StoredDocument:
    """A stored document version (`NotFound` if there is none; the caller authorises)."""
    row = await store.get_document(db, document_id)
    if row is None:
        raise NotFound()
    return row


async def issue_case_summary_report(ctx: ServiceContext, case_no: str, staff: StaffPrincipal) -> DocumentPublic:
    """Issue today's case summary report (once per case and day) through its workflow, and return it."""
    async with ctx.db.session() as session:
        if (await session.exec(select(Case.id).where(Case.case_no == case_no))).first() is None:
            raise NotFound()
    today = china_today()
    key = document_idempotency_key(f"admin/{case_no}/{today.isoformat()}", DocumentType.case_summary_report)
    order = RenderDocumentInput(
        doc_type=DocumentType.case_summary_report, subject=f"case:{case_no}", idempotency_key=key, issued_on=today, issued_by=staff.username
    )
    client = await ctx.client()
    ref: DocumentRef = await client.execute_workflow(
        "issue-document",
        order,
        id=document_workflow_id(key),
        task_queue=ctx.settings.task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        result_type=DocumentRef,
    )
    return public([await find_document(ctx.db, ref.document_id)])[0]


async def bench_items(db: Database, keyring: Keyring, limit: int) -> list[tuple[str, str, dict[str, Any], str]]:
    """Stored documents to time (label, template, context, id): the newest of each type first, then older ones."""
    async with db.session() as session:
        rows = list((await session.exec(select(StoredDocument).order_by(col(StoredDocument.created_at).desc()).limit(limit * 4))).all())
    seen: set[str] = set()
    firsts = [row for row in rows if not (row.doc_type in seen or seen.add(row.doc_type))]  # type: ignore[func-returns-value]
    chosen = (firsts + [row for row in rows if row not in firsts])[:limit]
    return [
        (f"{row.doc_type} v{row.version} {row.id[:8]}", row.template_name, json.loads(store.decrypt_context(keyring, row)), row.id)
        for row in chosen
    ]

"""Generated documents: list a case's (or a matter's) documents and download one as PDF or HTML.

Authorisation is the case's own: its worker (access code or status-page cookie) or staff who may
see the case. Workers see the documents meant for them, not the union's letters or internal
reports. Matter documents: union legal staff and administrators. Missing and forbidden: same 404.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from pydantic import BaseModel
from sqlmodel import select
from temporalio.common import WorkflowIDConflictPolicy

from api.auth import NOT_FOUND, case_principal, optional_staff, require_role
from api.routes.supervision import visible_batch
from api.supervision_views import visible_matter
from domain.china_time import china_today
from domain.documents import (
    CATALOGUE,
    DocumentRef,
    DocumentType,
    RenderDocumentInput,
    document_idempotency_key,
    split_subject,
)
from domain.ids import document_workflow_id
from domain.roles import Principal, Role, StaffPrincipal, WorkerPrincipal
from infrastructure.db import Database
from infrastructure.documents import store
from infrastructure.documents.store import ContentFormat
from infrastructure.tables import Case, StoredDocument
from infrastructure.temporal_gateway import TemporalUnavailable
from workflows.issue_document import IssueDocumentWorkflow

router = APIRouter(prefix="/api/v1", tags=["documents"])

MATTER_ROLES = frozenset({Role.union_legal, Role.admin})
# Served HTML carries personal data from our own templates only; still, nothing may run or load.
HTML_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'"
)


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
    pdf_sha256: str
    pdf_url: str
    html_url: str


def _db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def _public(rows: list[StoredDocument]) -> list[DocumentPublic]:
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
            pdf_url=f"/api/v1/documents/{row.id}?format=pdf",
            html_url=f"/api/v1/documents/{row.id}?format=html",
        )
        for row in rows
    ]


def visible_to(principal: Principal, row: StoredDocument) -> bool:
    """Workers see the documents meant for them; staff who may see the case see all of them."""
    return (
        not isinstance(principal, WorkerPrincipal)
        or CATALOGUE[DocumentType(row.doc_type)].worker_visible
    )


async def case_documents_for(request: Request, case_no: str) -> list[DocumentPublic]:
    """The documents of `case_no` the caller may see (404 if not theirs); also for status pages."""
    principal = await case_principal(request, case_no)
    rows = await store.list_documents(_db(request), f"case:{case_no}")
    return _public([row for row in rows if visible_to(principal, row)])


async def _require_matter_staff(request: Request, ident: str) -> None:
    """Whoever may see the matter (or bulk batch) itself: its union's legal staff, or an administrator; else 404."""
    staff = await optional_staff(request)
    if staff is None or staff.role not in MATTER_ROLES:
        raise NOT_FOUND
    if ident.startswith("BL-"):
        await visible_batch(request, ident, staff)
    else:
        await visible_matter(request, ident, staff)


@router.get(
    "/cases/{case_no}/documents",
    response_model=list[DocumentPublic],
    responses={404: {"description": "no such case, or not yours"}},
)
async def list_case_documents(request: Request, case_no: str) -> list[DocumentPublic]:
    """Documents of a case, every version, oldest first (worker: with X-Access-Code)."""
    return await case_documents_for(request, case_no)


@router.get(
    "/matters/{matter_no}/documents",
    response_model=list[DocumentPublic],
    responses={404: {"description": "no such matter, or not for your role"}},
)
async def list_matter_documents(request: Request, matter_no: str) -> list[DocumentPublic]:
    """Documents of a union supervision matter (union legal staff and administrators)."""
    await _require_matter_staff(request, matter_no)
    return _public(await store.list_documents(_db(request), f"matter:{matter_no}"))


async def _authorise(request: Request, row: StoredDocument) -> None:
    kind, ident = split_subject(row.subject)
    if kind == "case":
        if not visible_to(await case_principal(request, ident), row):
            raise NOT_FOUND
    else:
        await _require_matter_staff(request, ident)


@router.get(
    "/documents/{document_id}",
    response_class=Response,
    responses={
        200: {"content": {"application/pdf": {}, "text/html": {}}},
        404: {"description": "no such document, or not yours"},
    },
)
async def download_document(
    request: Request,
    document_id: str,
    format: Annotated[
        ContentFormat, Query(description="pdf (default) or html")
    ] = ContentFormat.pdf,
) -> Response:
    """One stored document, exactly as issued: the PDF, or the HTML preview."""
    row = await store.get_document(_db(request), document_id)
    if row is None:
        raise NOT_FOUND
    await _authorise(request, row)
    body = await store.read_content(_db(request), request.app.state.keyring, row, format)
    number = f"-{row.document_no}" if row.document_no else ""
    name = f"{row.title_zh}{number}-v{row.version}.{format.value}"
    headers = {
        "Content-Disposition": (
            f"inline; filename=\"document.{format.value}\"; filename*=UTF-8''{quote(name)}"
        ),
        "Cache-Control": "private, no-store",
        "ETag": f'"{row.pdf_sha256 if format is ContentFormat.pdf else row.html_sha256}"',
        "X-Content-Type-Options": "nosniff",
    }
    if format is ContentFormat.html:
        headers["Content-Security-Policy"] = HTML_CSP
        return Response(body, media_type="text/html; charset=utf-8", headers=headers)
    return Response(body, media_type="application/pdf", headers=headers)


AdminStaff = Annotated[StaffPrincipal, Depends(require_role(Role.admin))]


@router.post(
    "/cases/{case_no}/summary-report",
    response_model=DocumentPublic,
    responses={
        403: {"description": "administrators only"},
        404: {"description": "no such case"},
        503: {"description": "Temporal is not reachable; retry later"},
    },
)
async def issue_case_summary_report(
    request: Request, case_no: str, staff: AdminStaff
) -> DocumentPublic:
    """Issue today's case summary report (once per case and day) and return it."""
    async with _db(request).session() as session:
        if (await session.exec(select(Case.id).where(Case.case_no == case_no))).first() is None:
            raise NOT_FOUND
    today = china_today()
    key = document_idempotency_key(
        f"admin/{case_no}/{today.isoformat()}", DocumentType.case_summary_report
    )
    order = RenderDocumentInput(
        doc_type=DocumentType.case_summary_report,
        subject=f"case:{case_no}",
        idempotency_key=key,
        issued_on=today,
        issued_by=staff.username,
    )
    try:
        client = await request.app.state.temporal.client()
        ref: DocumentRef = await client.execute_workflow(
            IssueDocumentWorkflow.run,
            order,
            id=document_workflow_id(key),
            task_queue=request.app.state.settings.task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        )
    except TemporalUnavailable as exc:
        raise HTTPException(
            status_code=503, detail="工作流服务暂不可用 / Temporal is unavailable; retry"
        ) from exc
    row = await store.get_document(_db(request), ref.document_id)
    assert row is not None
    return _public([row])[0]

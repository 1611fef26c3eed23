"""Generated documents: list a case's (or a matter's) documents and download one as PDF or HTML.

Authorisation is the case's own: its worker (access code or status-page cookie) or staff who may
see the case. Workers see the documents meant for them, not the union's letters or internal
reports. Matter documents: union legal staff and administrators. Missing and forbidden: same 404.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request, Response

from api.deps import NOT_FOUND, AdminStaff, CaseReader, OptionalStaff, Services, case_principal
from domain.documents import split_subject
from infrastructure.documents import store
from infrastructure.documents.store import ContentFormat
from infrastructure.tables import StoredDocument
from services import documents
from services.documents import DocumentPublic

router = APIRouter(prefix="/api/v1", tags=["documents"])

# Served HTML carries personal data from our own templates only; still, nothing may run or load.
HTML_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"


@router.get(
    "/cases/{case_no}/documents", response_model=list[DocumentPublic], responses={404: {"description": "no such case, or not yours"}}
)
async def list_case_documents(ctx: Services, case_no: str, principal: CaseReader) -> list[DocumentPublic]:
    """Documents of a case, every version, oldest first (worker: with X-Access-Code)."""
    return await documents.case_documents(ctx.db, principal, case_no)


@router.get(
    "/matters/{matter_no}/documents",
    response_model=list[DocumentPublic],
    responses={404: {"description": "no such matter, or not for your role"}},
)
async def list_matter_documents(ctx: Services, matter_no: str, staff: OptionalStaff) -> list[DocumentPublic]:
    """Documents of a union supervision matter (union legal staff and administrators)."""
    return await documents.matter_documents(ctx.db, staff, matter_no)


async def _authorise(request: Request, ctx: Services, staff: OptionalStaff, row: StoredDocument) -> None:
    kind, ident = split_subject(row.subject)
    if kind == "case":
        if not documents.visible_to(await case_principal(request, ident), row):
            raise NOT_FOUND
    else:
        await documents.check_matter_reader(ctx.db, staff, ident)


@router.get(
    "/documents/{document_id}",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}, "text/html": {}}}, 404: {"description": "no such document, or not yours"}},
)
async def download_document(
    request: Request,
    ctx: Services,
    staff: OptionalStaff,
    document_id: str,
    format: Annotated[ContentFormat, Query(description="pdf (default) or html")] = ContentFormat.pdf,
) -> Response:
    """One stored document, exactly as issued: the PDF, or the HTML preview."""
    row = await documents.find_document(ctx.db, document_id)
    await _authorise(request, ctx, staff, row)
    body = await store.read_content(ctx.db, ctx.keyring, row, format)
    number = f"-{row.document_no}" if row.document_no else ""
    name = f"{row.title_zh}{number}-v{row.version}.{format.value}"
    headers = {
        "Content-Disposition": f"inline; filename=\"document.{format.value}\"; filename*=UTF-8''{quote(name)}",
        "Cache-Control": "private, no-store",
        "ETag": f'"{row.pdf_sha256 if format is ContentFormat.pdf else row.html_sha256}"',
        "X-Content-Type-Options": "nosniff",
    }
    if format is ContentFormat.html:
        headers["Content-Security-Policy"] = HTML_CSP
        return Response(body, media_type="text/html; charset=utf-8", headers=headers)
    return Response(body, media_type="application/pdf", headers=headers)


@router.post(
    "/cases/{case_no}/summary-report",
    response_model=DocumentPublic,
    responses={
        403: {"description": "administrators only"},
        404: {"description": "no such case"},
        503: {"description": "Temporal is not reachable; retry later"},
    },
)
async def issue_case_summary_report(ctx: Services, case_no: str, staff: AdminStaff) -> DocumentPublic:
    """Issue today's case summary report (once per case and day) and return it."""
    return await documents.issue_case_summary_report(ctx, case_no, staff)

"""Generated documents: list a case's (or a matter's) documents and download one as PDF or HTML.

Authorisation is the case's own: its worker (access code or status-page cookie) or staff who may
see the case. Workers see the documents meant for them, not the union's letters or internal
reports. Matter documents: union legal staff and administrators. Missing and forbidden: same 404.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, HTTPException, Query, Request, Response, UploadFile

from api import examples
from api.deps import NOT_FOUND, AccessCode, AdminStaff, CaseReader, OptionalStaff, Paging, Services, principal_for_case
from api.problems import problems
from api.ratelimit import rate_limit
from domain.documents import split_subject
from domain.roles import StaffPrincipal
from infrastructure.documents import store
from infrastructure.documents.store import ContentFormat
from infrastructure.tables import StoredDocument
from services import document_verification, documents
from services.document_verification import CheckStatus, DocumentCheck
from services.documents import DocumentPage, DocumentPublic
from services.read_models import page_of

router = APIRouter(prefix="/api/v1", tags=["documents"])

# Served HTML carries personal data from our own templates only; still, nothing may run or load.
HTML_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"


@router.get("/cases/{case_no}/documents", response_model=DocumentPage)
async def list_case_documents(ctx: Services, case_no: str, principal: CaseReader, paging: Paging) -> DocumentPage:
    """Documents of a case, every version, oldest first, one page with the total (worker: with X-Access-Code)."""
    return DocumentPage(**page_of(await documents.case_documents(ctx.db, principal, case_no), paging))


@router.get("/matters/{matter_no}/documents", response_model=DocumentPage,
            responses=problems(404, d404="no such matter, or not for your role"))
async def list_matter_documents(ctx: Services, matter_no: str, staff: OptionalStaff, paging: Paging) -> DocumentPage:
    """Documents of a union supervision matter (union legal staff and administrators), oldest first, one page with the total."""
    return DocumentPage(**page_of(await documents.matter_documents(ctx.db, staff, matter_no), paging))


async def _authorise(request: Request, ctx: Services, staff: StaffPrincipal | None, code: str | None, row: StoredDocument) -> None:
    kind, ident = split_subject(row.subject)
    if kind == "case":
        if not documents.visible_to(await principal_for_case(request, ident, staff, code), row):
            raise NOT_FOUND
    else:
        await documents.check_matter_reader(ctx.db, staff, ident)


@router.get(
    "/documents/{document_id}",
    response_class=Response,
    responses={200: {"description": "the document", "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}},
                                                                "text/html": {"schema": {"type": "string"}}}},
               **problems(404, 429, d404="no such document, or not yours",
                          d429="five wrong access codes: the case answers nothing for 15 minutes")},
)
async def download_document(
    request: Request,
    ctx: Services,
    staff: OptionalStaff,
    document_id: str,
    format: Annotated[ContentFormat, Query(description="pdf (default) or html")] = ContentFormat.pdf,
    code: AccessCode = None,
) -> Response:
    """One stored document, exactly as issued: the PDF, or the HTML preview (worker: with X-Access-Code)."""
    row = await documents.find_document(ctx.db, document_id)
    await _authorise(request, ctx, staff, code, row)
    body = await store.read_content(ctx.db, ctx.storage, ctx.keyring, row, format)
    number = f"-{row.document_no}" if row.document_no else ""
    name = f"{row.title_zh}{number}-v{row.version}.{format.value}"
    headers = {
        "Content-Disposition": f"inline; filename=\"document.{format.value}\"; filename*=UTF-8''{quote(name)}",
        "Cache-Control": "private, no-store",
        "ETag": f'"{(row.signed_sha256 or row.pdf_sha256) if format is ContentFormat.pdf else row.html_sha256}"',
        "X-Content-Type-Options": "nosniff",
    }
    if format is ContentFormat.html:
        headers["Content-Security-Policy"] = HTML_CSP
        return Response(body, media_type="text/html; charset=utf-8", headers=headers)
    return Response(body, media_type="application/pdf", headers=headers)


@router.post("/cases/{case_no}/summary-report", response_model=DocumentPublic, responses=problems(404, 503, d404="no such case"))
async def issue_case_summary_report(ctx: Services, case_no: str, staff: AdminStaff) -> DocumentPublic:
    """Issue today's case summary report (once per case and day) and return it."""
    return await documents.issue_case_summary_report(ctx, case_no, staff)


@router.post("/documents/verify", response_model=DocumentCheck, dependencies=[Depends(rate_limit("verify"))],
             responses=problems(413, 429, d413="the file is larger than the upload limit", d429="too many checks from this address"),
             openapi_extra=examples.SIGNED_PDF)
async def verify_document_file(
    ctx: Services, file: Annotated[UploadFile, File(description="the signed PDF, as received")]
) -> DocumentCheck:
    """Anyone: is this PDF a genuine, unaltered document issued here, by whom, and was it superseded? (no sign-in)"""
    limit = ctx.settings.max_upload_bytes
    pdf = await file.read(limit + 1)
    if len(pdf) > limit:
        raise HTTPException(status_code=413, detail=f"文件超过 {limit} 字节 / the file is larger than {limit} bytes")
    return await document_verification.verify_upload(ctx.db, ctx.settings, pdf)


@router.get("/documents/{document_id}/check", response_model=DocumentCheck, dependencies=[Depends(rate_limit("verify"))],
            responses=problems(404, 429, d404="no document with this id and check value", d429="too many checks from this address"))
async def check_document_code(
    ctx: Services, document_id: str, c: Annotated[str, Query(max_length=64, description="the check value printed in the QR code")]
) -> DocumentCheck:
    """Anyone: what the QR code on a document names (document, issuer, case or matter) and whether it is current."""
    check = await document_verification.check_code(ctx.db, ctx.keyring, ctx.settings, document_id, c)
    if check.status is CheckStatus.unknown_document:
        raise NOT_FOUND
    return check

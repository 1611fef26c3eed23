"""The public verification page (no sign-in): upload a signed PDF, or arrive from the QR code in its
seal; and the development CA's revocation list and root certificate, which verifiers fetch."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile

from api.csrf import checked_form
from api.deps import Services
from api.pages.rendering import render_page
from api.ratelimit import rate_limit
from infrastructure.signing import keystore
from services import document_verification
from services.document_verification import CheckStatus, DocumentCheck, local_time

router = APIRouter(include_in_schema=False)


def _page(request: Request, check: DocumentCheck | None = None, status: int = 200, error: str = "", code: str = "") -> HTMLResponse:
    return render_page(request, "verify.html", status, check=check, error=error, local_time=local_time, code=code)


@router.get("/verify", response_class=HTMLResponse, dependencies=[Depends(rate_limit("verify"))])
async def verify_page(request: Request, ctx: Services, code: str = Query("", max_length=40)) -> HTMLResponse:
    """The upload form; with `code`, what the check code printed in a document's footer names."""
    if not code:
        return _page(request)
    check = await document_verification.check_printed_code(ctx.db, ctx.settings, code)
    return _page(request, check, 404 if check.status is CheckStatus.unknown_document else 200, code=code)


@router.post("/verify", response_class=HTMLResponse, dependencies=[Depends(rate_limit("verify"))])
async def verify_upload(request: Request, ctx: Services) -> HTMLResponse:
    """Check the uploaded PDF and show the answer."""
    form = await checked_form(request)
    upload = form.get("pdf")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _page(request, status=422, error="verify.choose_file")
    limit = ctx.settings.max_upload_bytes
    pdf = await upload.read(limit + 1)
    if len(pdf) > limit:
        return _page(request, status=413, error="verify.too_large")
    return _page(request, await document_verification.verify_upload(ctx.db, ctx.settings, pdf))


@router.get("/verify/{document_id}", response_class=HTMLResponse, dependencies=[Depends(rate_limit("verify"))])
async def verify_code(request: Request, ctx: Services, document_id: str, c: str = Query("", max_length=64)) -> HTMLResponse:
    """Where the QR code leads: the document it names, and the upload form to check a file."""
    check = await document_verification.check_code(ctx.db, ctx.keyring, ctx.settings, document_id, c)
    return _page(request, check, 404 if check.status is CheckStatus.unknown_document else 200)


@router.get("/pki/dev-ca.crl")
async def dev_crl(ctx: Services) -> Response:
    """The development CA's certificate revocation list (DER), named in its certificates."""
    if not ctx.settings.uses_dev_ca:
        return Response(status_code=404)
    return Response(keystore.dev_ca(ctx.settings).crl(), media_type="application/pkix-crl", headers={"Cache-Control": "max-age=300"})


@router.get("/pki/ca.crt")
async def dev_root(ctx: Services) -> Response:
    """The development CA's root certificate (DER), for whoever wants to check TEST signatures themselves."""
    if not ctx.settings.uses_dev_ca:
        return Response(status_code=404)
    return Response((keystore.dev_ca(ctx.settings).folder / "ca.crt").read_bytes(), media_type="application/pkix-cert")

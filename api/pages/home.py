"""The worker's intake form at `/` (with guidance while filling in and evidence upload), and the
receipt shown once after filing: case number, access code, and the PDF receipt when it is ready."""

from __future__ import annotations

import time
import uuid

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from pydantic import ValidationError
from starlette.datastructures import FormData, UploadFile

from api.auth import WORKER_COOKIE_MAX_AGE, WORKER_COOKIE_PREFIX, issue_worker_cookie
from api.csrf import checked_form, secure_cookies
from api.deps import Services, get_services, worker_for_case
from api.forms import errors_by_field, flat_values
from api.intake import guidance_request, intake_payload
from api.pages.intake_context import intake_context
from api.pages.rendering import redirect, render_page, translator
from domain.china_time import china_today
from domain.identifiers import birthplace_table
from domain.intake import IntakeRequest, intake_guidance
from domain.roles import WorkerPrincipal
from services.case_view import case_detail
from services.documents import DocumentPublic, case_documents
from services.evidence import MAX_FILES, EvidenceFile, EvidenceRejected, check_evidence
from services.intake import IdempotencyConflict, file_intake

router = APIRouter(include_in_schema=False)


@router.get("/intake/birthplaces.json")
async def birthplaces() -> Response:
    """The GB/T 2260 codes an ID number may begin with (and the last year each was in use), for
    the intake form's own check (templates/static/checks.js); the same table the server checks."""
    return JSONResponse(birthplace_table(), headers={"Cache-Control": "public, max-age=86400"})
RECEIPT_COOKIE = "lf_receipt"
RECEIPT_MAX_AGE = 600


def _receipts(request: Request) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(request.app.state.services.settings.session_secret, salt="receipt")


def _form_page(
    request: Request,
    values: dict[str, str],
    errors: dict[str, str],
    status: int = 200,
    conflict: str | None = None,
    form: FormData | None = None,
) -> HTMLResponse:
    groups = [str(g) for g in form.getlist("worker.groups")] if form is not None else []
    return render_page(
        request,
        "intake.html",
        status_code=status,
        **intake_context(request, values, errors, conflict=conflict, checked_groups=groups),
    )


def _started_stamp(request: Request) -> str:
    return URLSafeTimedSerializer(request.app.state.services.settings.session_secret, salt="form-started").dumps(time.time())


def _looks_automated(request: Request, values: dict[str, str]) -> bool:
    """A filled honeypot field, or a form sent back sooner than a person could fill it in."""
    if values.get("website"):
        return True
    try:
        started = URLSafeTimedSerializer(request.app.state.services.settings.session_secret, salt="form-started").loads(
            values.get("form_started", ""), max_age=86400)
    except BadSignature:
        return True
    # Nobody fills in a complaint in a few seconds: a quicker post is a robot.
    return time.time() - float(started) < request.app.state.services.settings.intake_min_fill_seconds


@router.get("/", response_class=HTMLResponse)
async def intake_form(request: Request) -> HTMLResponse:
    """The intake form (one worker or a group), with a fresh one-time form token."""
    return _form_page(request, {"form_token": uuid.uuid4().hex, "form_started": _started_stamp(request),
                                "worker_count": "1", "region": request.app.state.services.settings.region}, {})


async def _uploads(request: Request, form: FormData) -> tuple[tuple[EvidenceFile, ...], str | None]:
    files = [f for f in form.getlist("evidence") if isinstance(f, UploadFile) and f.filename]
    t, limit = translator(request), request.app.state.services.settings.max_upload_bytes
    if len(files) > MAX_FILES:
        return (), t("evidence.too_many", n=MAX_FILES)
    checked = []
    for upload in files:
        try:
            checked.append(
                check_evidence(upload.filename or "", await upload.read(limit + 1), limit)
            )
        except EvidenceRejected as exc:
            return (), t(exc.code, name=upload.filename or "", mb=limit // 1_048_576)
    return tuple(checked), None


@router.post("/", response_class=HTMLResponse)
async def submit_intake(request: Request, ctx: Services) -> Response:
    """File the complaint: validate, store evidence, register (once per form token), start."""
    limit = request.app.state.services.settings.max_upload_bytes
    if int(request.headers.get("content-length") or 0) > limit * MAX_FILES + 1_048_576:
        t = translator(request)
        return render_page(
            request,
            "error.html",
            status_code=413,
            status=413,
            message=t("evidence.too_large", name="", mb=limit // 1_048_576),
        )
    form = await checked_form(request)
    values = flat_values(form.multi_items())
    if _looks_automated(request, values):
        values = {**values, "form_started": _started_stamp(request), "website": ""}
        return _form_page(request, values, {"_form": translator(request)("intake.too_fast")}, 422, form=form)
    token = values.get("form_token", "")
    errors: dict[str, str] = {}
    intake = None
    try:
        intake = IntakeRequest.model_validate(intake_payload(form.multi_items()))
    except ValidationError as exc:
        errors = errors_by_field(translator(request), exc)
    uploads, file_error = await _uploads(request, form)
    if file_error:
        errors["evidence"] = file_error
    if errors or intake is None or len(token) != 32:
        return _form_page(
            request,
            values,
            errors or {"_form": translator(request)("intake.reload")},
            422,
            form=form,
        )
    try:
        filed = await file_intake(ctx, intake, f"form:{token}", uploads)
    except IdempotencyConflict:
        return _form_page(
            request,
            values | {"form_token": uuid.uuid4().hex},
            {},
            409,
            conflict=translator(request)("intake.already_filed"),
            form=form,
        )
    return _receipt_redirect(request, filed.case_no, filed.access_code)


def _receipt_redirect(request: Request, case_no: str, access_code: str) -> Response:
    response = redirect(f"/receipt/{case_no}")
    secure = secure_cookies(request)
    response.set_cookie(
        WORKER_COOKIE_PREFIX + case_no,
        issue_worker_cookie(request, case_no),
        max_age=WORKER_COOKIE_MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=secure,
    )
    sealed = get_services(request).keyring.encrypt_text(access_code)
    response.set_cookie(
        RECEIPT_COOKIE,
        _receipts(request).dumps({"case": case_no, "code": sealed}),
        max_age=RECEIPT_MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=secure,
        path="/receipt",
    )
    return response


@router.post("/intake/guidance", response_class=HTMLResponse)
async def guidance_fragment(request: Request, ctx: Services) -> HTMLResponse:
    """Advice for what has been entered so far (called by the form as the worker types)."""
    form = await request.form()
    entered = guidance_request(form.multi_items())
    advice = intake_guidance(entered, china_today(), await ctx.calendar())
    return render_page(request, "_guidance.html", guidance=advice)


def _access_code(request: Request, case_no: str) -> str | None:
    raw = request.cookies.get(RECEIPT_COOKIE)
    if not raw:
        return None
    try:
        data = _receipts(request).loads(raw, max_age=RECEIPT_MAX_AGE)
    except BadSignature:
        return None
    if data.get("case") != case_no:
        return None
    code: str = get_services(request).keyring.decrypt_text(data["code"])
    return code


async def _receipt_documents(ctx: Services, worker: WorkerPrincipal) -> list[DocumentPublic]:
    return [d for d in await case_documents(ctx.db, worker, worker.case_no) if d.doc_type.value == "case_receipt"]


@router.get("/receipt/{case_no}", response_class=HTMLResponse)
async def receipt(request: Request, ctx: Services, case_no: str) -> Response:
    """The receipt: case number and access code (shown this once), and the PDF receipt."""
    worker = await worker_for_case(request, case_no)
    if worker is None:
        return redirect(f"/status?case_no={case_no}")
    code = _access_code(request, case_no)
    detail = await case_detail(ctx.db, ctx.keyring, case_no, worker)
    response = render_page(request, "receipt.html", case=detail, access_code=code, receipts=await _receipt_documents(ctx, worker))
    if code:
        response.delete_cookie(RECEIPT_COOKIE, path="/receipt")
    return response


@router.get("/receipt/{case_no}/document", response_class=HTMLResponse)
async def receipt_document(request: Request, ctx: Services, case_no: str) -> Response:
    """The PDF receipt's links once it exists, else 'being prepared' (polled by the page)."""
    worker = await worker_for_case(request, case_no)
    if worker is None:
        return HTMLResponse(status_code=404)
    return render_page(request, "_receipt_document.html", case_no=case_no, receipts=await _receipt_documents(ctx, worker))

"""The worker's status page: sign in with case number + access code (lockout after repeated wrong
codes), then the stage in plain words, timeline, next deadline and why, the road ahead, documents,
and the actions open to the worker, each a Workflow Update whose refusal is shown."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData, UploadFile

from api.auth import WORKER_COOKIE_MAX_AGE, WORKER_COOKIE_PREFIX, issue_worker_cookie
from api.csrf import checked_form, secure_cookies, set_flash
from api.deps import Services, worker_for_case
from api.forms import drop_blanks, errors_by_field, form_fields, nest, split_bilingual
from api.i18n import Translator, catalogue
from api.pages.rendering import both, redirect, render_page, translator
from domain.actions import WorkerAction, WorkerActionKind
from domain.china_time import china_today
from domain.ids import is_case_no
from services.access import AccessLocked, verify_access_code
from services.case_view import case_detail, next_deadline, road_ahead, worker_actions
from services.casework import ActionRefused, add_evidence, run_worker_action, worker_payload
from services.context import ServiceContext
from services.documents import case_documents
from services.errors import ServiceError
from services.evidence import EvidenceRejected, check_evidence
from services.sittings import upcoming

router = APIRouter(include_in_schema=False)


@router.get("/status", response_class=HTMLResponse)
async def status_login(request: Request, case_no: str = "") -> HTMLResponse:
    """Case number + access code form."""
    return render_page(request, "status_login.html", case_no=case_no[:20], error=None)


@router.post("/status", response_class=HTMLResponse)
async def status_enter(request: Request, ctx: Services) -> Response:
    """Check the access code (same answer for an unknown case), then open the case's page."""
    form = await checked_form(request)
    case_no = str(form.get("case_no", "")).strip().upper()[:20]
    code = str(form.get("access_code", ""))
    t = translator(request)
    try:
        ok = is_case_no(case_no) and await verify_access_code(ctx.db, ctx.keyring, case_no, code)
    except AccessLocked:
        return render_page(
            request, "status_login.html", status_code=429, case_no=case_no, error=t("status.locked")
        )
    if not ok:
        return render_page(
            request, "status_login.html", status_code=404, case_no=case_no, error=t("status.wrong")
        )
    response = redirect(f"/status/{case_no}")
    response.set_cookie(
        WORKER_COOKIE_PREFIX + case_no,
        issue_worker_cookie(request, case_no),
        max_age=WORKER_COOKIE_MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request),
    )
    return response


def _action_forms(actions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    forms = []
    for option in actions:
        kind = WorkerActionKind(option["action"])
        model = worker_payload(kind) if kind is not WorkerActionKind.add_evidence else None
        forms.append(option | {"fields": form_fields(model, prefix="payload.") if model else []})
    return forms


@router.get("/status/{case_no}", response_class=HTMLResponse)
async def status_page(request: Request, ctx: Services, case_no: str) -> Response:
    """Everything the worker needs about their case, and what they may do now."""
    worker = await worker_for_case(request, case_no)
    if worker is None:
        return redirect(f"/status?case_no={case_no}")
    detail = await case_detail(ctx.db, ctx.keyring, case_no, worker)
    settings = ctx.settings
    road = road_ahead(detail, china_today(), await ctx.calendar())
    return render_page(
        request,
        "status.html",
        case=detail,
        next=next_deadline(detail),
        road=road,
        documents=await case_documents(ctx.db, worker, case_no),
        sittings=await upcoming(ctx.db, case_no, "applicant"),
        ics_base=f"/status/{case_no}",
        actions=_action_forms(worker_actions(detail)),
        max_upload_mb=settings.max_upload_bytes // 1_048_576,
        max_upload_bytes=settings.max_upload_bytes,
    )


async def _evidence_action(request: Request, ctx: ServiceContext, case_no: str, form: FormData) -> tuple[str, str]:
    upload = form.get("evidence")
    limit = ctx.settings.max_upload_bytes
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise ActionRefused(" / ".join(both(request, "evidence.missing")), 422)
    try:
        checked = check_evidence(upload.filename, await upload.read(limit + 1), limit)
    except EvidenceRejected as exc:
        text = both(request, exc.code, name=upload.filename, mb=limit // 1_048_576)
        raise ActionRefused(" / ".join(text), 422) from None
    _, result = await add_evidence(ctx, case_no, checked, str(form.get("description", "")))
    return result.message_zh, result.message_en


async def _payload_action(
    request: Request, ctx: ServiceContext, case_no: str, kind: WorkerActionKind, form: FormData
) -> tuple[str, str]:
    model = worker_payload(kind)
    payload = drop_blanks(nest(form.multi_items(), prefix="payload."))
    if model is not None:
        try:
            model.model_validate(payload)
        except ValidationError as exc:
            zh = "；".join(errors_by_field(Translator(_messages(request), "zh"), exc).values())
            en = "; ".join(errors_by_field(Translator(_messages(request), "en"), exc).values())
            raise ActionRefused(f"{zh} / {en}", 422) from None
    result = await run_worker_action(ctx, case_no, WorkerAction(action=kind, payload=payload))
    return result.message_zh, result.message_en


def _messages(request: Request) -> dict[str, dict[str, str]]:
    return catalogue(request.app.state.services.settings.templates_dir)


@router.post("/status/{case_no}", response_class=HTMLResponse)
async def status_action(request: Request, ctx: Services, case_no: str) -> Response:
    """Run one of the worker's actions; the outcome (or the reason it was refused) is shown."""
    form = await checked_form(request)
    if await worker_for_case(request, case_no) is None:
        return redirect(f"/status?case_no={case_no}")
    response = redirect(f"/status/{case_no}#actions")
    try:
        kind = WorkerActionKind(str(form.get("action", "")))
        handler = _evidence_action if kind is WorkerActionKind.add_evidence else None
        zh, en = await (handler(request, ctx, case_no, form) if handler else _payload_action(request, ctx, case_no, kind, form))
        set_flash(request, response, "ok", zh, en)
    except ValueError:
        set_flash(request, response, "error", *both(request, "status.bad_action"))
    except ServiceError as exc:
        zh, en = split_bilingual(exc.message)
        set_flash(
            request,
            response,
            "error",
            both(request, "status.refused", reason=zh)[0],
            both(request, "status.refused", reason=en)[1],
        )
    return response

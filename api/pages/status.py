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
from domain.agents import BASIS as AGENT_BASIS
from domain.agents import GRANTABLE, SPECIAL_BASIS, AgentAuthorisation, AgentKind
from domain.china_time import china_today
from domain.ids import is_case_no
from domain.roles import WorkerPrincipal
from services.access import AccessLocked, verify_access_code
from services.agents import agent_by_code, agents_of, authorise, issue_power_of_attorney, revoke
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
    agent = await agent_by_code(ctx.db, ctx.keyring, case_no, code) if is_case_no(case_no) else None
    try:
        ok = agent is not None or (is_case_no(case_no) and await verify_access_code(ctx.db, ctx.keyring, case_no, code))
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
        issue_worker_cookie(request, case_no, agent.agent if agent else None),
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
        actions=_action_forms([a for a in worker_actions(detail) if worker.agent is None or a["action"] in worker.powers]),
        worker=worker,
        agents=await agents_of(ctx.db, ctx.keyring, case_no) if worker.agent is None else [],
        agent_kinds=list(AgentKind),
        grantable=[k.value for k in GRANTABLE],
        max_upload_mb=settings.max_upload_bytes // 1_048_576,
        max_upload_bytes=settings.max_upload_bytes,
    )


async def _evidence_action(request: Request, ctx: ServiceContext, case_no: str, form: FormData,
                           worker: WorkerPrincipal | None = None) -> tuple[str, str]:
    upload = form.get("evidence")
    limit = ctx.settings.max_upload_bytes
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise ActionRefused(" / ".join(both(request, "evidence.missing")), 422)
    try:
        checked = check_evidence(upload.filename, await upload.read(limit + 1), limit)
    except EvidenceRejected as exc:
        text = both(request, exc.code, name=upload.filename, mb=limit // 1_048_576)
        raise ActionRefused(" / ".join(text), 422) from None
    _, result = await add_evidence(ctx, case_no, checked, str(form.get("description", "")), worker=worker)
    return result.message_zh, result.message_en


async def _payload_action(
    request: Request, ctx: ServiceContext, case_no: str, kind: WorkerActionKind, form: FormData, worker: WorkerPrincipal | None = None
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
    result = await run_worker_action(ctx, case_no, WorkerAction(action=kind, payload=payload), worker)
    return result.message_zh, result.message_en


def _messages(request: Request) -> dict[str, dict[str, str]]:
    return catalogue(request.app.state.services.settings.templates_dir)


@router.post("/status/{case_no}", response_class=HTMLResponse)
async def status_action(request: Request, ctx: Services, case_no: str) -> Response:
    """Run one of the worker's actions; the outcome (or the reason it was refused) is shown."""
    form = await checked_form(request)
    worker = await worker_for_case(request, case_no)
    if worker is None:
        return redirect(f"/status?case_no={case_no}")
    response = redirect(f"/status/{case_no}#actions")
    try:
        kind = WorkerActionKind(str(form.get("action", "")))
        if kind is WorkerActionKind.add_evidence:
            zh, en = await _evidence_action(request, ctx, case_no, form, worker)
        else:
            zh, en = await _payload_action(request, ctx, case_no, kind, form, worker)
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


@router.get("/status/{case_no}/agents", response_class=HTMLResponse)
async def agents_page(request: Request, ctx: Services, case_no: str) -> Response:
    """The powers of attorney: the worker sees every agent they authorised; an agent only its own."""
    worker = await worker_for_case(request, case_no)
    if worker is None:
        return redirect(f"/status?case_no={case_no}")
    shown = [a for a in await agents_of(ctx.db, ctx.keyring, case_no) if worker.agent in (None, a.agent_no)]
    detail = await case_detail(ctx.db, ctx.keyring, case_no, worker)
    return render_page(request, "power_of_attorney.html", case=detail, agents=shown, basis=AGENT_BASIS, special_basis=SPECIAL_BASIS)


@router.post("/status/{case_no}/agents", response_class=HTMLResponse)
async def agents_change(request: Request, ctx: Services, case_no: str) -> Response:
    """The worker authorises an agent (its code shown once) or revokes one; an agent may do neither."""
    form = await checked_form(request)
    worker = await worker_for_case(request, case_no)
    if worker is None:
        return redirect(f"/status?case_no={case_no}")
    response = redirect(f"/status/{case_no}#agents")
    try:
        if form.get("op") == "revoke":
            await revoke(ctx.db, worker, str(form.get("agent", "")))
            set_flash(request, response, "ok", *both(request, "agents.revoked"))
            return response
        request_model = AgentAuthorisation(kind=str(form.get("kind", "")), name=str(form.get("name", "")),  # type: ignore[arg-type]
                                           mobile=str(form.get("mobile", "")), special=form.get("special") == "true",
                                           powers=tuple(str(p) for p in form.getlist("powers")))  # type: ignore[arg-type]
        made = await authorise(ctx.db, ctx.keyring, worker, request_model)
        await issue_power_of_attorney(ctx, worker, made.agent_no)
    except ValidationError as exc:
        set_flash(request, response, "error", *both(request, "agents.invalid", fields=", ".join(str(e["loc"][0]) for e in exc.errors())))
        return response
    except ServiceError:
        set_flash(request, response, "error", *both(request, "agents.not_yours"))
        return response
    set_flash(request, response, "ok", *both(request, "agents.authorised", code=made.access_code, agent=made.agent_no))
    return response

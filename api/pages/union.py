"""The union legal staff console (server-rendered): matters (overdue replies and next deadlines
first), suggestions, one matter with its timeline, deadlines, documents and actions, bulk reminder
letters, statistics. Signed-in union legal staff or administrators only (session cookie)."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from api.csrf import checked_form
from api.deps import Services, UnionPage
from api.pages.rendering import render_page
from api.pages.union_forms import lines, payload_for
from domain.bulk_letters import holiday_wages_content
from domain.china_time import china_today
from domain.roles import StaffPrincipal
from domain.supervision import MatterOpening
from domain.supervision_rules import Suggestion
from services.context import ServiceContext
from services.errors import ServiceError
from services.supervision import batches, console, suggestions
from services.supervision.statistics import statistics

router = APIRouter(prefix="/union", include_in_schema=False)
Page = Response  # HTMLResponse or RedirectResponse


def _page(
    request: Request, template: str, staff: StaffPrincipal, status_code: int = 200, **context: Any
) -> Page:
    return render_page(
        request, f"union/{template}", status_code, staff=staff, today=china_today(), **context
    )


def _validation_text(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'form'}: {e['msg'].removeprefix('Value error, ')}"
        for e in exc.errors()
    )


@router.get("", response_class=HTMLResponse)
async def console_home(request: Request) -> Response:
    """The console starts at the matters list."""
    return RedirectResponse("/union/matters", status_code=303)


@router.get("/matters", response_class=HTMLResponse)
async def matters(request: Request, ctx: Services, staff: UnionPage, status: str = "open") -> Page:
    """Open matters: overdue replies first, then the next deadline."""
    status = status if status in ("open", "closed") else "open"
    return _page(
        request,
        "matters.html",
        staff,
        items=await console.matter_summaries(ctx.db, staff, status),
        status=status,
    )


@router.get("/suggestions", response_class=HTMLResponse)
async def suggestion_list(request: Request, ctx: Services, staff: UnionPage) -> Page:
    """Employers named by repeated or collective complaints, with the cases."""
    found = await suggestions.list_suggestions(ctx.db, ctx.settings, None if staff.is_admin else staff.region)
    return _page(
        request,
        "suggestions.html",
        staff,
        suggestions=found,
        settings=ctx.settings,
        error=request.query_params.get("error", ""),
    )


async def _suggestion(ctx: ServiceContext, staff: StaffPrincipal, key: str) -> Suggestion:
    found = await suggestions.find_suggestion(ctx.db, ctx.settings, None if staff.is_admin else staff.region, key)
    if found is None:
        raise HTTPException(status_code=404, detail="建议已处理 / the suggestion is gone")
    return found


@router.post("/suggestions/open", response_class=HTMLResponse)
async def open_from_suggestion(request: Request, ctx: Services, staff: UnionPage) -> Page:
    """Open a matter on the suggested employer, linked to the suggestion's cases."""
    form = {k: str(v) for k, v in (await checked_form(request)).items()}
    found = await _suggestion(ctx, staff, form.get("key", ""))
    if found.employer_uscc is None:
        query = urlencode({"cases": ",".join(found.case_nos), "name": found.employer_name})
        return RedirectResponse(f"/union/matters/new?{query}", status_code=303)
    body = {
        "employer": {"name": found.employer_name, "uscc": found.employer_uscc},
        "origin": "suggestion",
        "case_nos": list(found.case_nos),
    }
    if form.get("signatory_name"):
        body["signatory"] = {
            "name": form["signatory_name"],
            "title": form.get("signatory_title") or "主席",
        }
    try:
        matter_no = await console.create_matter(ctx, MatterOpening.model_validate(body), staff)
    except (ServiceError, ValidationError) as exc:
        message = exc.message if isinstance(exc, ServiceError) else _validation_text(exc)
        return RedirectResponse(
            f"/union/suggestions?{urlencode({'error': message})}", status_code=303
        )
    return RedirectResponse(f"/union/matters/{matter_no}", status_code=303)


@router.post("/suggestions/dismiss", response_class=HTMLResponse)
async def dismiss_suggestion(request: Request, ctx: Services, staff: UnionPage) -> Page:
    form = {k: str(v) for k, v in (await checked_form(request)).items()}
    found = await _suggestion(ctx, staff, form.get("key", ""))
    await suggestions.dismiss(ctx.db, found, form.get("reason") or "无需立项", staff.username)
    return RedirectResponse("/union/suggestions", status_code=303)


@router.get("/matters/new", response_class=HTMLResponse)
async def new_matter(request: Request, ctx: Services, staff: UnionPage) -> Page:
    """Open a matter by hand: from cases, or from the union's own inspection."""
    return _page(request, "new_matter.html", staff, form=dict(request.query_params), error="")


def _opening(form: dict[str, str]) -> dict[str, Any]:
    body: dict[str, Any] = {
        "employer": {
            "name": form.get("name", ""),
            "uscc": form.get("uscc", ""),
            "address": form.get("address", ""),
            "kind": form.get("kind") or "ordinary",
        },
        "origin": form.get("origin") or "dispute_case",
        "origin_note": form.get("origin_note", ""),
        "case_nos": [c for c in lines(form.get("cases", "").replace(",", "\n"))],
        "joint_mechanism": form.get("joint_mechanism") == "yes",
    }
    if form.get("platform_uscc"):
        body["employer"]["platform_uscc"] = form["platform_uscc"]
    if form.get("signatory_name"):
        body["signatory"] = {
            "name": form["signatory_name"],
            "title": form.get("signatory_title") or "主席",
        }
    return body


@router.post("/matters/new", response_class=HTMLResponse)
async def create_new_matter(request: Request, ctx: Services, staff: UnionPage) -> Page:
    form = {k: str(v) for k, v in (await checked_form(request)).items()}
    try:
        matter_no = await console.create_matter(ctx, MatterOpening.model_validate(_opening(form)), staff)
    except ValidationError as exc:
        return _page(request, "new_matter.html", staff, 422, form=form, error=_validation_text(exc))
    except ServiceError as exc:
        return _page(request, "new_matter.html", staff, exc.status, form=form, error=exc.message)
    return RedirectResponse(f"/union/matters/{matter_no}", status_code=303)


async def _matter_page(
    request: Request, ctx: ServiceContext, staff: StaffPrincipal, matter_no: str, status_code: int = 200, **extra: Any
) -> Page:
    row = await console.visible_matter(ctx.db, matter_no, staff)
    await console.ensure_started(ctx, row)
    detail = await console.matter_detail(ctx.db, ctx.keyring, row)
    context = {
        "error": "",
        "message": request.query_params.get("msg", ""),
        "reply_link": None,
        **extra,
    }
    return _page(request, "matter.html", staff, status_code, **detail, **context)


@router.get("/matters/{matter_no}", response_class=HTMLResponse)
async def matter_page(request: Request, ctx: Services, staff: UnionPage, matter_no: str) -> Page:
    """One matter: employer, cases, ladder, tasks with forms, deadlines, documents, timeline."""
    return await _matter_page(request, ctx, staff, matter_no)


@router.post("/matters/{matter_no}/act", response_class=HTMLResponse)
async def matter_act(request: Request, ctx: Services, staff: UnionPage, matter_no: str) -> Page:
    """One action (a Workflow Update); a refusal is shown with the workflow's reason."""
    form = {k: str(v) for k, v in (await checked_form(request)).items()}
    action = form.get("action", "")
    row = await console.visible_matter(ctx.db, matter_no, staff)
    try:
        result = await console.act_on_matter(ctx, row, staff, action, payload_for(action, form))
    except ServiceError as exc:
        if exc.status == 404:
            raise
        return await _matter_page(request, ctx, staff, matter_no, exc.status, error=exc.message, failed_action=action)
    message = result.message_zh if request.cookies.get("lang", "zh") == "zh" else result.message_en
    return RedirectResponse(
        f"/union/matters/{matter_no}?{urlencode({'msg': message})}", status_code=303
    )


@router.post("/matters/{matter_no}/reply-link", response_class=HTMLResponse)
async def reply_link(request: Request, ctx: Services, staff: UnionPage, matter_no: str) -> Page:
    """A one-time reply link for the employer, shown once on the page."""
    await checked_form(request)
    try:
        link = await console.new_reply_link(ctx, matter_no, staff)
    except ServiceError as exc:
        if exc.status == 404:
            raise
        return await _matter_page(request, ctx, staff, matter_no, exc.status, error=exc.message)
    return await _matter_page(request, ctx, staff, matter_no, reply_link=link)


@router.get("/bulk-letters", response_class=HTMLResponse)
async def bulk_letters(request: Request, ctx: Services, staff: UnionPage) -> Page:
    """Upload a CSV of employers; earlier batches and their progress."""
    return _page(
        request,
        "bulk.html",
        staff,
        batches=await console.union_batches(ctx.db, staff),
        problems=[],
        content=holiday_wages_content(),
        error="",
    )


@router.post("/bulk-letters", response_class=HTMLResponse)
async def upload_bulk_letters(request: Request, ctx: Services, staff: UnionPage) -> Page:
    """Every row is checked first; any problem: nothing is issued and each is listed by line."""
    form = await checked_form(request)
    upload = form.get("file")
    limit = ctx.settings.max_upload_bytes
    data = await upload.read(limit + 1) if hasattr(upload, "read") else b""
    content = holiday_wages_content()
    topic = str(form.get("topic") or "").strip()[:100]
    if topic:
        content = content.model_copy(update={"topic": topic})
    created = await console.create_batch_from_csv(ctx, staff, data, content, china_today())
    if isinstance(created, list):
        return _page(
            request,
            "bulk.html",
            staff,
            422,
            batches=await console.union_batches(ctx.db, staff),
            problems=created,
            content=content,
            error="",
        )
    return RedirectResponse(f"/union/bulk-letters/{created}", status_code=303)


@router.get("/bulk-letters/{batch_no}", response_class=HTMLResponse)
async def batch_page(request: Request, ctx: Services, staff: UnionPage, batch_no: str) -> Page:
    """A batch's progress (refreshing while it runs), its letters and the resume button."""
    batch = await console.visible_batch(ctx.db, batch_no, staff)
    letters = await batches.batch_letters(ctx.db, batch_no)
    return _page(request, "batch.html", staff, batch=batch, letters=letters, error="")


@router.post("/bulk-letters/{batch_no}/resume", response_class=HTMLResponse)
async def resume_batch(request: Request, ctx: Services, staff: UnionPage, batch_no: str) -> Page:
    await checked_form(request)
    await console.resume_batch(ctx, batch_no, staff)
    return RedirectResponse(f"/union/bulk-letters/{batch_no}", status_code=303)


@router.get("/statistics", response_class=HTMLResponse)
async def statistics_page(
    request: Request, ctx: Services, staff: UnionPage, start: date | None = None, end: date | None = None, region: str | None = None
) -> Page:
    """Counts by region for a period, computed from the records."""
    first, last = console.period(start, end)
    stats = await statistics(
        ctx.db,
        first,
        last,
        region=region or None,
        team_code=None if staff.is_admin else staff.team_code,
    )
    return _page(request, "statistics.html", staff, stats=stats, region=region or "")

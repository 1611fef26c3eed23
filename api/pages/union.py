"""The union legal staff console (server-rendered): matters (overdue replies and next deadlines
first), suggestions, one matter with its timeline, deadlines, documents and actions, bulk reminder
letters, statistics. Signed-in union legal staff or administrators only (session cookie)."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import col, select

from api.auth import optional_staff
from api.csrf import checked_form
from api.pages.rendering import render_page
from api.pages.union_forms import lines, payload_for
from api.routes.supervision import (
    create_batch_from_csv,
    create_matter,
    new_reply_link,
    visible_batch,
)
from api.supervision_views import (
    act_on_matter,
    ensure_started,
    matter_detail,
    matter_summaries,
    period,
    visible_matter,
)
from domain.bulk_letters import holiday_wages_content
from domain.china_time import china_today
from domain.roles import Role, StaffPrincipal
from domain.supervision import MatterOpening
from domain.supervision_rules import Suggestion
from infrastructure.tables import SupervisionBatch
from services.supervision import batches, suggestions
from services.supervision.statistics import statistics

router = APIRouter(prefix="/union", include_in_schema=False)
Page = Response  # HTMLResponse or RedirectResponse


async def _staff(request: Request) -> StaffPrincipal | RedirectResponse:
    staff = await optional_staff(request)
    if staff is None:
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
    if staff.role not in (Role.union_legal, Role.admin):
        raise HTTPException(status_code=403, detail="仅限工会法律工作者 / union legal staff only")
    return staff


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
async def console(request: Request) -> Response:
    """The console starts at the matters list."""
    return RedirectResponse("/union/matters", status_code=303)


@router.get("/matters", response_class=HTMLResponse)
async def matters(request: Request, status: str = "open") -> Page:
    """Open matters: overdue replies first, then the next deadline."""
    staff = await _staff(request)
    if isinstance(staff, RedirectResponse):
        return staff
    status = status if status in ("open", "closed") else "open"
    return _page(
        request,
        "matters.html",
        staff,
        items=await matter_summaries(request, staff, status),
        status=status,
    )


@router.get("/suggestions", response_class=HTMLResponse)
async def suggestion_list(request: Request) -> Page:
    """Employers named by repeated or collective complaints, with the cases."""
    staff = await _staff(request)
    if isinstance(staff, RedirectResponse):
        return staff
    app = request.app.state
    found = await suggestions.list_suggestions(
        app.db, app.settings, None if staff.is_admin else staff.region
    )
    return _page(
        request,
        "suggestions.html",
        staff,
        suggestions=found,
        settings=app.settings,
        error=request.query_params.get("error", ""),
    )


async def _suggestion(request: Request, staff: StaffPrincipal, key: str) -> Suggestion:
    app = request.app.state
    found = await suggestions.find_suggestion(
        app.db, app.settings, None if staff.is_admin else staff.region, key
    )
    if found is None:
        raise HTTPException(status_code=404, detail="建议已处理 / the suggestion is gone")
    return found


@router.post("/suggestions/open", response_class=HTMLResponse)
async def open_from_suggestion(request: Request) -> Page:
    """Open a matter on the suggested employer, linked to the suggestion's cases."""
    staff = await _staff(request)
    if isinstance(staff, RedirectResponse):
        return staff
    form = {k: str(v) for k, v in (await checked_form(request)).items()}
    found = await _suggestion(request, staff, form.get("key", ""))
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
        matter_no = await create_matter(request, MatterOpening.model_validate(body), staff)
    except (HTTPException, ValidationError) as exc:
        message = exc.detail if isinstance(exc, HTTPException) else _validation_text(exc)
        return RedirectResponse(
            f"/union/suggestions?{urlencode({'error': message})}", status_code=303
        )
    return RedirectResponse(f"/union/matters/{matter_no}", status_code=303)


@router.post("/suggestions/dismiss", response_class=HTMLResponse)
async def dismiss_suggestion(request: Request) -> Page:
    staff = await _staff(request)
    if isinstance(staff, RedirectResponse):
        return staff
    form = {k: str(v) for k, v in (await checked_form(request)).items()}
    found = await _suggestion(request, staff, form.get("key", ""))
    await suggestions.dismiss(
        request.app.state.db, found, form.get("reason") or "无需立项", staff.username
    )
    return RedirectResponse("/union/suggestions", status_code=303)


@router.get("/matters/new", response_class=HTMLResponse)
async def new_matter(request: Request) -> Page:
    """Open a matter by hand: from cases, or from the union's own inspection."""
    staff = await _staff(request)
    if isinstance(staff, RedirectResponse):
        return staff
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
async def create_new_matter(request: Request) -> Page:
    staff = await _staff(request)
    if isinstance(staff, RedirectResponse):
        return staff
    form = {k: str(v) for k, v in (await checked_form(request)).items()}
    try:
        matter_no = await create_matter(
            request, MatterOpening.model_validate(_opening(form)), staff
        )
    except ValidationError as exc:
        return _page(request, "new_matter.html", staff, 422, form=form, error=_validation_text(exc))
    except HTTPException as exc:
        return _page(
            request, "new_matter.html", staff, exc.status_code, form=form, error=str(exc.detail)
        )
    return RedirectResponse(f"/union/matters/{matter_no}", status_code=303)


async def _matter_page(
    request: Request, staff: StaffPrincipal, matter_no: str, status_code: int = 200, **extra: Any
) -> Page:
    row = await visible_matter(request, matter_no, staff)
    await ensure_started(request, row)
    detail = await matter_detail(request, row)
    context = {
        "error": "",
        "message": request.query_params.get("msg", ""),
        "reply_link": None,
        **extra,
    }
    return _page(request, "matter.html", staff, status_code, **detail, **context)


@router.get("/matters/{matter_no}", response_class=HTMLResponse)
async def matter_page(request: Request, matter_no: str) -> Page:
    """One matter: employer, cases, ladder, tasks with forms, deadlines, documents, timeline."""
    staff = await _staff(request)
    if isinstance(staff, RedirectResponse):
        return staff
    return await _matter_page(request, staff, matter_no)


@router.post("/matters/{matter_no}/act", response_class=HTMLResponse)
async def matter_act(request: Request, matter_no: str) -> Page:
    """One action (a Workflow Update); a refusal is shown with the workflow's reason."""
    staff = await _staff(request)
    if isinstance(staff, RedirectResponse):
        return staff
    form = {k: str(v) for k, v in (await checked_form(request)).items()}
    action = form.get("action", "")
    row = await visible_matter(request, matter_no, staff)
    try:
        result = await act_on_matter(request, row, staff, action, payload_for(action, form))
    except HTTPException as exc:
        if exc.status_code == 404:
            raise
        return await _matter_page(
            request, staff, matter_no, exc.status_code, error=str(exc.detail), failed_action=action
        )
    message = result.message_zh if request.cookies.get("lang", "zh") == "zh" else result.message_en
    return RedirectResponse(
        f"/union/matters/{matter_no}?{urlencode({'msg': message})}", status_code=303
    )


@router.post("/matters/{matter_no}/reply-link", response_class=HTMLResponse)
async def reply_link(request: Request, matter_no: str) -> Page:
    """A one-time reply link for the employer, shown once on the page."""
    staff = await _staff(request)
    if isinstance(staff, RedirectResponse):
        return staff
    await checked_form(request)
    try:
        link = await new_reply_link(request, matter_no, staff)
    except HTTPException as exc:
        if exc.status_code == 404:
            raise
        return await _matter_page(request, staff, matter_no, exc.status_code, error=str(exc.detail))
    return await _matter_page(request, staff, matter_no, reply_link=link)


@router.get("/bulk-letters", response_class=HTMLResponse)
async def bulk_letters(request: Request) -> Page:
    """Upload a CSV of employers; earlier batches and their progress."""
    staff = await _staff(request)
    if isinstance(staff, RedirectResponse):
        return staff
    return _page(
        request,
        "bulk.html",
        staff,
        batches=await _batches(request, staff),
        problems=[],
        content=holiday_wages_content(),
        error="",
    )


async def _batches(request: Request, staff: StaffPrincipal) -> list[SupervisionBatch]:
    async with request.app.state.db.session() as session:
        query = select(SupervisionBatch).order_by(col(SupervisionBatch.created_at).desc())
        if not staff.is_admin:
            query = query.where(SupervisionBatch.team_code == staff.team_code)
        return list((await session.exec(query)).all())


@router.post("/bulk-letters", response_class=HTMLResponse)
async def upload_bulk_letters(request: Request) -> Page:
    """Every row is checked first; any problem: nothing is issued and each is listed by line."""
    staff = await _staff(request)
    if isinstance(staff, RedirectResponse):
        return staff
    form = await checked_form(request)
    upload = form.get("file")
    limit = request.app.state.settings.max_upload_bytes
    data = await upload.read(limit + 1) if hasattr(upload, "read") else b""
    content = holiday_wages_content()
    topic = str(form.get("topic") or "").strip()[:100]
    if topic:
        content = content.model_copy(update={"topic": topic})
    created = await create_batch_from_csv(request, staff, data, content, china_today())
    if isinstance(created, list):
        return _page(
            request,
            "bulk.html",
            staff,
            422,
            batches=await _batches(request, staff),
            problems=created,
            content=content,
            error="",
        )
    return RedirectResponse(f"/union/bulk-letters/{created}", status_code=303)


@router.get("/bulk-letters/{batch_no}", response_class=HTMLResponse)
async def batch_page(request: Request, batch_no: str) -> Page:
    """A batch's progress (refreshing while it runs), its letters and the resume button."""
    staff = await _staff(request)
    if isinstance(staff, RedirectResponse):
        return staff
    batch = await visible_batch(request, batch_no, staff)
    letters = await batches.batch_letters(request.app.state.db, batch_no)
    return _page(request, "batch.html", staff, batch=batch, letters=letters, error="")


@router.post("/bulk-letters/{batch_no}/resume", response_class=HTMLResponse)
async def resume_batch(request: Request, batch_no: str) -> Page:
    staff = await _staff(request)
    if isinstance(staff, RedirectResponse):
        return staff
    await checked_form(request)
    await visible_batch(request, batch_no, staff)
    app = request.app.state
    await batches.start_batch(await app.temporal.client(), app.settings, app.db, batch_no)
    return RedirectResponse(f"/union/bulk-letters/{batch_no}", status_code=303)


@router.get("/statistics", response_class=HTMLResponse)
async def statistics_page(
    request: Request, start: date | None = None, end: date | None = None, region: str | None = None
) -> Page:
    """Counts by region for a period, computed from the records."""
    staff = await _staff(request)
    if isinstance(staff, RedirectResponse):
        return staff
    first, last = period(start, end)
    stats = await statistics(
        request.app.state.db,
        first,
        last,
        region=region or None,
        team_code=None if staff.is_admin else staff.team_code,
    )
    return _page(request, "statistics.html", staff, stats=stats, region=region or "")

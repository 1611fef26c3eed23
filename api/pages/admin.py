"""Administrator pages: case search, the live dashboard, one case's full history (projections and
the Temporal event history, with a link to the Temporal UI), user management, the outbox."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import select

from api.auth import NOT_FOUND
from api.csrf import checked_form, set_flash
from api.history import case_history, temporal_ui_url
from api.pages.access import AdminPage
from api.pages.rendering import both, redirect, render_page
from api.routes.documents import case_documents_for
from api.staff_views import CaseFilters, dashboard, list_users, outbox, search_cases
from api.views import case_detail
from domain.case import Channel, Stage
from domain.china_time import china_today
from domain.regions import regions
from domain.roles import Role
from infrastructure.tables import Case, Team
from infrastructure.temporal_gateway import TemporalUnavailable
from services.accounts import (
    AccountError,
    create_user,
    set_user_active,
    set_user_password,
    unlock_user,
)

router = APIRouter(prefix="/admin", include_in_schema=False)


@router.get("/cases", response_class=HTMLResponse)
async def cases_page(
    request: Request,
    staff: AdminPage,
    case_no: str = "",
    stage: str = "",
    channel: str = "",
    region: str = "",
    employer: str = "",
    overdue: bool = False,
) -> HTMLResponse:
    """Search cases by number, stage, channel, region, employer, overdue."""
    filters = CaseFilters(case_no, stage, channel, region, employer, overdue)
    searched = any((case_no, stage, channel, region, employer, overdue))
    return render_page(
        request,
        "admin_cases.html",
        staff=staff,
        filters=filters,
        searched=searched,
        results=await search_cases(request.app.state.db, filters, china_today()),
        stages=[s.value for s in Stage],
        channels=[c.value for c in Channel],
        regions=list(regions().values()),
    )


@router.get("/cases/{case_no}", response_class=HTMLResponse)
async def case_page(request: Request, case_no: str, staff: AdminPage) -> HTMLResponse:
    """One case: summary, deadlines, tasks, documents, timeline; the Temporal history loads
    after."""
    async with request.app.state.db.session() as session:
        case = (await session.exec(select(Case).where(Case.case_no == case_no))).first()
    if case is None:
        raise NOT_FOUND
    settings = request.app.state.settings
    return render_page(
        request,
        "admin_case.html",
        staff=staff,
        case=await case_detail(request, case_no, staff),
        documents=await case_documents_for(request, case_no),
        temporal_url=temporal_ui_url(settings, case.workflow_id),
    )


@router.get("/cases/{case_no}/history", response_class=HTMLResponse)
async def case_history_fragment(request: Request, case_no: str, staff: AdminPage) -> HTMLResponse:
    """The readable Temporal event history of the case and its children (loaded by the case
    page)."""
    async with request.app.state.db.session() as session:
        case = (await session.exec(select(Case).where(Case.case_no == case_no))).first()
    if case is None:
        raise NOT_FOUND
    try:
        client = await request.app.state.temporal.client()
        histories = await case_history(client, request.app.state.settings, case.workflow_id)
        error = None
    except (TemporalUnavailable, ConnectionError, RuntimeError) as exc:
        histories, error = [], str(exc)
    return render_page(request, "_history.html", staff=staff, histories=histories, error=error)


@router.get("/dashboard", response_class=HTMLResponse)
async def dashboard_page(request: Request, staff: AdminPage) -> HTMLResponse:
    """Open cases by stage and channel, overdue tasks by team, median days per stage, mediation
    success, supervision statistics."""
    return render_page(
        request,
        "admin_dashboard.html",
        staff=staff,
        board=await dashboard(request.app.state.db, china_today()),
    )


@router.get("/outbox", response_class=HTMLResponse)
async def outbox_page(request: Request, staff: AdminPage, status: str = "") -> HTMLResponse:
    """The notification outbox: newest first, bodies shown, recipients masked."""
    rows = await outbox(request.app.state.db, request.app.state.keyring, status)
    return render_page(request, "admin_outbox.html", staff=staff, rows=rows, status=status)


@router.get("/users", response_class=HTMLResponse)
async def users_page(request: Request, staff: AdminPage) -> HTMLResponse:
    """Staff accounts: create, deactivate or reactivate, reset a password, unlock."""
    async with request.app.state.db.session() as session:
        teams = (await session.exec(select(Team).order_by(Team.code))).all()
    return render_page(
        request,
        "admin_users.html",
        staff=staff,
        users=await list_users(request.app.state.db),
        teams=teams,
        roles=[r.value for r in Role],
        regions=list(regions().values()),
    )


@router.post("/users")
async def users_action(request: Request, staff: AdminPage) -> Response:
    """One change to one account; the outcome is shown on the users page."""
    form = await checked_form(request)
    op, username = str(form.get("op", "")), str(form.get("username", "")).strip()
    db = request.app.state.db
    response = redirect("/admin/users")
    try:
        if op == "create":
            await create_user(
                db,
                username=username,
                role=Role(str(form.get("role"))),
                password=str(form.get("password", "")),
                display_name=str(form.get("display_name", "")),
                team_code=str(form.get("team_code") or "") or None,
                region=str(form.get("region") or "default"),
            )
        elif op == "password":
            await set_user_password(db, username, str(form.get("password", "")))
        elif op in ("deactivate", "activate"):
            if username == staff.username:
                raise AccountError("you cannot deactivate your own account")
            await set_user_active(db, username, op == "activate")
        elif op == "unlock":
            await unlock_user(db, username)
        else:
            raise AccountError(f"unknown operation '{op}'")
    except (AccountError, ValueError) as exc:
        set_flash(request, response, "error", *both(request, "users.failed", reason=str(exc)))
        return response
    set_flash(request, response, "ok", *both(request, f"users.done.{op}", username=username))
    return response

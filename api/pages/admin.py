"""Administrator pages: case search, the live dashboard, one case's full history (projections and
the Temporal event history, with a link to the Temporal UI), user management, the outbox."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.csrf import checked_form, set_flash
from api.deps import AdminPage, Services
from api.pages.rendering import both, redirect, render_page
from domain.case import Channel, Stage
from domain.china_time import china_today
from domain.ids import case_workflow_id
from domain.regions import regions
from domain.roles import Role
from services.accounts import all_users, create_user, list_teams, update_user
from services.case_search import CaseFilters, search_cases
from services.case_view import case_detail
from services.dashboard import dashboard
from services.documents import case_documents
from services.errors import ServiceError
from services.history import history_of_case, temporal_ui_url
from services.outbox import NotificationStatus, outbox
from services.read_models import PageRequest

router = APIRouter(prefix="/admin", include_in_schema=False)
SEARCH_PAGE = 100  # cases the search page lists (the newest; the heading gives the total)
OUTBOX_PAGE = 100  # notifications the outbox page shows, newest first


@router.get("/cases", response_class=HTMLResponse)
async def cases_page(
    request: Request,
    ctx: Services,
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
    found = await search_cases(ctx.db, filters, china_today(), PageRequest(per_page=SEARCH_PAGE))
    return render_page(
        request,
        "admin_cases.html",
        staff=staff,
        filters=filters,
        searched=searched,
        results=found.items,
        total=found.total,
        stages=[s.value for s in Stage],
        channels=[c.value for c in Channel],
        regions=list(regions().values()),
    )


@router.get("/cases/{case_no}", response_class=HTMLResponse)
async def case_page(request: Request, ctx: Services, case_no: str, staff: AdminPage) -> HTMLResponse:
    """One case: summary, deadlines, tasks, documents, timeline; the Temporal history loads after."""
    detail = await case_detail(ctx.db, ctx.keyring, case_no, staff)
    return render_page(
        request,
        "admin_case.html",
        staff=staff,
        case=detail,
        documents=await case_documents(ctx.db, staff, case_no),
        temporal_url=temporal_ui_url(ctx.settings, case_workflow_id(case_no)),
    )


@router.get("/cases/{case_no}/history", response_class=HTMLResponse)
async def case_history_fragment(request: Request, ctx: Services, case_no: str, staff: AdminPage) -> HTMLResponse:
    """The readable Temporal event history of the case and its children (loaded by the case page)."""
    try:
        histories, error = await history_of_case(ctx, case_no), None
    except ServiceError as exc:
        if exc.status == 404:
            raise
        histories, error = [], exc.message
    return render_page(request, "_history.html", staff=staff, histories=histories, error=error)


@router.get("/dashboard", response_class=HTMLResponse)
async def dashboard_page(request: Request, ctx: Services, staff: AdminPage) -> HTMLResponse:
    """Open cases by stage and channel, overdue tasks by team, median days per stage, mediation
    success, supervision statistics."""
    return render_page(
        request,
        "admin_dashboard.html",
        staff=staff,
        board=await dashboard(ctx.db, china_today()),
    )


@router.get("/outbox", response_class=HTMLResponse)
async def outbox_page(request: Request, ctx: Services, staff: AdminPage, status: str = "") -> HTMLResponse:
    """The notification outbox: newest first, bodies shown, recipients masked."""
    chosen = NotificationStatus(status) if status in NotificationStatus.__members__ else None
    rows = (await outbox(ctx.db, ctx.keyring, chosen, PageRequest(per_page=OUTBOX_PAGE))).items
    return render_page(request, "admin_outbox.html", staff=staff, rows=rows, status=status)


@router.get("/users", response_class=HTMLResponse)
async def users_page(request: Request, ctx: Services, staff: AdminPage) -> HTMLResponse:
    """Staff accounts: create, deactivate or reactivate, reset a password, unlock."""
    return render_page(
        request,
        "admin_users.html",
        staff=staff,
        users=await all_users(ctx.db),
        teams=await list_teams(ctx.db),
        roles=[r.value for r in Role],
        regions=list(regions().values()),
    )


@router.post("/users")
async def users_action(request: Request, ctx: Services, staff: AdminPage) -> Response:
    """One change to one account; the outcome is shown on the users page."""
    form = await checked_form(request)
    op, username = str(form.get("op", "")), str(form.get("username", "")).strip()
    response = redirect("/admin/users")
    try:
        if op == "create":
            await create_user(
                ctx.db,
                username=username,
                role=Role(str(form.get("role"))),
                password=str(form.get("password", "")),
                display_name=str(form.get("display_name", "")),
                team_code=str(form.get("team_code") or "") or None,
                region=str(form.get("region") or "default"),
                created_by=staff.username,
            )
        elif op == "password":
            await update_user(ctx.db, username, by=staff.username, password=str(form.get("password", "")))
        elif op in ("deactivate", "activate"):
            await update_user(ctx.db, username, by=staff.username, is_active=op == "activate")
        elif op == "unlock":
            await update_user(ctx.db, username, by=staff.username, unlock=True)
        else:
            raise ValueError(f"unknown operation '{op}'")
    except (ServiceError, ValueError) as exc:
        set_flash(request, response, "error", *both(request, "users.failed", reason=str(exc)))
        return response
    set_flash(request, response, "ok", *both(request, f"users.done.{op}", username=username))
    return response

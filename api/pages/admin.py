"""Administrator pages: case search, the live dashboard, one case's full history (projections and
the Temporal event history, with a link to the Temporal UI), user management, organisations and
their teams, the outbox."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.csrf import checked_form, set_flash
from api.deps import AdminPage, Services
from api.forms import split_bilingual
from api.pages.rendering import both, redirect, render_page
from domain.agency_systems import Scope
from domain.case import Channel, Stage
from domain.china_time import china_today
from domain.ids import case_workflow_id
from domain.organisations import ORG_NAMES, OrgKind
from domain.regions import regions
from domain.roles import Role
from services import agency_systems
from services.accounts import all_users, create_user, update_user
from services.case_search import CaseFilters, search_cases
from services.case_view import case_detail
from services.dashboard import dashboard
from services.documents import case_documents
from services.errors import ServiceError
from services.history import history_of_case, temporal_ui_url
from services.organisations import (
    CODE_PATTERN,
    create_organisation,
    create_team,
    list_organisations,
    organisation_detail,
    team_choices,
    update_organisation,
)
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
    """Staff accounts: create, deactivate or reactivate, reset a password, unlock, change role or team."""
    teams = await team_choices(ctx.db)
    return render_page(
        request,
        "admin_users.html",
        staff=staff,
        users=await all_users(ctx.db),
        teams=teams,
        team_labels={team["code"]: team for team in teams},
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
        elif op == "assign":
            await update_user(ctx.db, username, by=staff.username, role=Role(str(form.get("role"))),
                              team_code=str(form.get("team_code") or ""))
        else:
            raise ValueError(f"unknown operation '{op}'")
    except (ServiceError, ValueError) as exc:
        set_flash(request, response, "error", *both(request, "users.failed", reason=str(exc)))
        return response
    set_flash(request, response, "ok", *both(request, f"users.done.{op}", username=username))
    return response


def _flash_refusal(request: Request, response: Response, key: str, exc: Exception, **extra: Any) -> None:
    """A refusal after the redirect: the Chinese half of a service's message on the Chinese page, the
    English half on the English one."""
    zh, en = split_bilingual(exc.message if isinstance(exc, ServiceError) else str(exc))
    set_flash(request, response, "error", both(request, key, reason=zh)[0], both(request, key, reason=en)[1], **extra)


# The organisation forms' fields, kept across the redirect after a refusal (the flash cookie is small).
ORG_FIELDS = ("code", "kind", "name_zh", "name_en", "region", "supervisor", "is_active", "team_code", "team_name_zh", "team_name_en")
KEPT_MAX = 200


@router.get("/organisations", response_class=HTMLResponse)
async def organisations_page(request: Request, ctx: Services, staff: AdminPage) -> HTMLResponse:
    """Organisations by region (kind, supervisor, teams, staff), with forms to create and edit them and add teams."""
    organisations, users = await list_organisations(ctx.db), await all_users(ctx.db)
    known = regions()
    by_region: dict[str, list[dict[str, Any]]] = {}
    for org in organisations:
        by_region.setdefault(org["region"], []).append(org)
    admins = [u for u in users if u.role is Role.admin and u.is_active]
    candidates = {org["code"]: [u for u in users if u.organisation_code == org["code"] and u.is_active] + admins for org in organisations}
    return render_page(
        request,
        "admin_organisations.html",
        staff=staff,
        groups=[(known.get(code), code, orgs) for code, orgs in by_region.items()],
        candidates=candidates,
        kinds=[(kind.value, *ORG_NAMES[kind]) for kind in OrgKind],
        regions=list(known.values()),
        # The browser's check (the server checks too): HTML patterns use the `v` flag, where a literal '-' is escaped.
        html_code_pattern=CODE_PATTERN.strip("^$").replace("-]", "\\-]"),
    )


@router.post("/organisations")
async def organisations_action(request: Request, ctx: Services, staff: AdminPage) -> Response:
    """Create an organisation, edit one, or add a team to one; a refusal comes back with the input kept."""
    form = await checked_form(request)
    op = str(form.get("op", ""))
    values = {name: str(form.get(name, "")).strip() for name in ORG_FIELDS if name in form}
    code = values.get("code", "")
    try:
        if op == "create":
            await create_organisation(ctx.db, code=code, kind=_kind(values.get("kind", "")), name_zh=values.get("name_zh", ""),
                                      name_en=values.get("name_en", ""), region=values.get("region", ""), by=staff.username)
        elif op == "update":
            await update_organisation(ctx.db, code, by=staff.username, name_zh=values.get("name_zh"), name_en=values.get("name_en"),
                                      region=values.get("region"), supervisor=values.get("supervisor"), is_active="is_active" in values)
        elif op == "team":
            await create_team(ctx.db, organisation_code=code, code=values.get("team_code", ""), name_zh=values.get("team_name_zh", ""),
                              name_en=values.get("team_name_en", ""), by=staff.username)
        else:
            raise ValueError(f"未知操作 / unknown operation '{op[:20]}'")
    except (ServiceError, ValueError) as exc:
        response = redirect("/admin/organisations")
        kept = {"op": op, **{name: value[:KEPT_MAX] for name, value in values.items()}}
        _flash_refusal(request, response, "orgs.failed", exc, form=kept)
        return response
    done = values.get("team_code", "") if op == "team" else code
    anchor = f"#org-{code}" if re.fullmatch(CODE_PATTERN, code) else ""
    response = redirect(f"/admin/organisations{anchor}")
    set_flash(request, response, "ok", *both(request, f"orgs.done.{op}", code=done))
    return response


async def _systems_page(request: Request, ctx: Services, staff: AdminPage, code: str, status_code: int = 200,
                        shown: agency_systems.AgencyCredentials | None = None,
                        signing: agency_systems.WebhookSecret | None = None) -> HTMLResponse:
    organisation = await organisation_detail(ctx.db, code)  # 404 for an unknown organisation
    page = render_page(request, "admin_systems.html", status_code, staff=staff, org=organisation,
                       systems=await agency_systems.list_systems(ctx.db, code), shown=shown, signing=signing,
                       scopes=[scope.value for scope in Scope])
    if shown is not None or signing is not None:
        page.headers["Cache-Control"] = "no-store"  # the secrets are in this answer only
    return page


@router.get("/organisations/{code}/systems", response_class=HTMLResponse)
async def systems_page(request: Request, ctx: Services, staff: AdminPage, code: str) -> HTMLResponse:
    """An organisation's agency systems: scopes, webhook and where its delivery stands; register, rotate, revoke."""
    return await _systems_page(request, ctx, staff, code)


@router.post("/organisations/{code}/systems", response_class=HTMLResponse)
async def systems_action(request: Request, ctx: Services, staff: AdminPage, code: str) -> Response:
    """Register a system or rotate its secret (the answer shows the secrets once, never in a cookie), or revoke it."""
    form = await checked_form(request)
    op, client_id = str(form.get("op", "")), str(form.get("client_id", ""))[:40]
    try:
        if op == "register":
            chosen = [Scope(value) for value in form.getlist("scopes") if value in set(Scope)]
            shown = await agency_systems.register_system(
                ctx.db, ctx.keyring, code, str(form.get("name", "")).strip()[:200] or code, chosen,
                str(form.get("webhook_url", "")).strip() or None, by=staff.username, production=ctx.settings.is_production)
            return await _systems_page(request, ctx, staff, code, 201, shown)
        if op == "rotate":
            shown = await agency_systems.rotate_secret(ctx.db, code, client_id, by=staff.username)
            return await _systems_page(request, ctx, staff, code, 200, shown)
        if op == "rotate_webhook":
            signing = await agency_systems.rotate_webhook_secret(ctx.db, ctx.keyring, code, client_id, by=staff.username,
                                                                 grace_seconds=ctx.settings.webhook_secret_grace_seconds)
            return await _systems_page(request, ctx, staff, code, 200, signing=signing)
        if op == "webhook":
            await agency_systems.change_webhook(ctx.db, code, client_id, str(form.get("webhook_url", "")).strip() or None,
                                                by=staff.username, production=ctx.settings.is_production)
        elif op == "revoke":
            await agency_systems.revoke_system(ctx.db, code, client_id, by=staff.username)
        else:
            raise ValueError(f"未知操作 / unknown operation '{op[:20]}'")
    except (ServiceError, ValueError) as exc:
        if isinstance(exc, ServiceError) and exc.status == 404:
            raise
        response = redirect(f"/admin/organisations/{code}/systems")
        _flash_refusal(request, response, "systems.failed", exc)
        return response
    response = redirect(f"/admin/organisations/{code}/systems")
    set_flash(request, response, "ok", *both(request, f"systems.done.{op}", client_id=client_id))
    return response


def _kind(value: str) -> OrgKind:
    try:
        return OrgKind(value)
    except ValueError:
        names = ", ".join(kind.value for kind in OrgKind)
        raise ValueError(f"请选择机构类型 / choose the kind of organisation ('{value[:40]}' is none of: {names})") from None

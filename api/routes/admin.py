"""Administrator JSON endpoints: case search, the dashboard, a case's Temporal history, users,
organisations and their teams, and the notification outbox (the pages' twins, for other agencies'
systems)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from api.deps import AdminStaff, Services
from domain.china_time import china_today
from domain.organisations import OrgKind
from domain.roles import Role
from services.accounts import create_user, list_users, update_user
from services.case_search import CaseFilters, search_cases
from services.dashboard import Dashboard, dashboard
from services.history import history_of_case
from services.organisations import (
    CODE_PATTERN,
    NAME_MAX,
    create_organisation,
    create_team,
    list_organisations,
    organisation_detail,
    update_organisation,
    update_team,
)
from services.outbox import outbox

router = APIRouter(prefix="/api/v1", tags=["admin"])


@router.get("/cases")
async def find_cases(
    ctx: Services,
    _: AdminStaff,
    case_no: str = "",
    stage: str = "",
    channel: str = "",
    region: str = "",
    employer: str = "",
    overdue: bool = False,
) -> list[dict[str, Any]]:
    """Search cases by number (part of it), stage, channel, region, employer, overdue tasks."""
    filters = CaseFilters(case_no, stage, channel, region, employer, overdue)
    return await search_cases(ctx.db, filters, china_today())


@router.get("/dashboard", response_model=Dashboard)
async def get_dashboard(ctx: Services, _: AdminStaff) -> Dashboard:
    """Open cases by stage and channel, overdue tasks by team, median days per stage, mediation
    success rate, supervision statistics."""
    return await dashboard(ctx.db, china_today())


@router.get("/cases/{case_no}/history", responses={404: {"description": "no such case"}, 503: {"description": "Temporal is unavailable"}})
async def get_history(ctx: Services, case_no: str, _: AdminStaff) -> list[dict[str, Any]]:
    """The case's Temporal event history (case workflow and children) in words, with UI links."""
    return [asdict(h) for h in await history_of_case(ctx, case_no)]


@router.get("/users")
async def get_users(
    ctx: Services, _: AdminStaff, organisation: Annotated[str | None, Query(max_length=64)] = None
) -> list[dict[str, Any]]:
    """Every staff account, or those of one organisation's teams (no password hashes)."""
    return await list_users(ctx.db, organisation)


class UserIn(BaseModel):
    username: str = Field(min_length=2, max_length=64, pattern=r"^[a-z0-9][a-z0-9._-]*$")
    display_name: str = Field(min_length=1, max_length=100)
    role: Role
    password: str = Field(min_length=10, max_length=200)
    team_code: str | None = Field(default=None, max_length=64)
    region: str = Field(default="default", min_length=1, max_length=64)


class UserChange(BaseModel):
    """Only the fields sent change; `team_code: null` takes the account out of its team."""

    model_config = ConfigDict(extra="forbid")

    is_active: bool | None = None
    unlock: bool = False
    password: str | None = Field(default=None, min_length=10, max_length=200)
    role: Role | None = None
    team_code: str | None = Field(default=None, max_length=64)


REFUSED: dict[int | str, dict[str, Any]] = {
    422: {"description": "refused: the message (Chinese, then English) names the bad value and what would be valid"}
}


@router.post(
    "/users",
    status_code=201,
    responses={409: {"description": "username taken or unknown team"}, **REFUSED},
)
async def post_user(ctx: Services, body: UserIn, staff: AdminStaff) -> dict[str, Any]:
    """Create a staff account."""
    user = await create_user(ctx.db, **body.model_dump(), created_by=staff.username)
    return {"username": user.username, "role": user.role, "team_code": user.team_code}


@router.patch(
    "/users/{username}",
    responses={
        404: {"description": "no such account"},
        409: {"description": "deactivating yourself, or taking away your own administrator role"},
        **REFUSED,
    },
)
async def patch_user(ctx: Services, username: str, body: UserChange, staff: AdminStaff) -> dict[str, str]:
    """Deactivate or reactivate, unlock, set a new password, or change the role or team (checked against
    the team's organisation)."""
    team_code = (body.team_code or "") if "team_code" in body.model_fields_set else None
    await update_user(ctx.db, username, by=staff.username, is_active=body.is_active, unlock=body.unlock, password=body.password,
                      role=body.role, team_code=team_code)
    return {"username": username, "status": "updated"}


Code = Annotated[str, Field(pattern=CODE_PATTERN, min_length=2, max_length=64)]
# One line of printable text: control characters would break documents and PostgreSQL refuses NUL.
Name = Annotated[str, Field(min_length=1, max_length=NAME_MAX, pattern=r"^[^\x00-\x1f\x7f]*\S[^\x00-\x1f\x7f]*$")]
Username = Annotated[str, Field(min_length=1, max_length=64)]


class OrganisationIn(BaseModel):
    """A new organisation; its kind is fixed once created."""

    model_config = ConfigDict(extra="forbid")

    code: Code
    kind: OrgKind
    name_zh: Name
    name_en: Name
    region: str = Field(min_length=1, max_length=64)
    supervisor: Username | None = None


class OrganisationChange(BaseModel):
    """Only the fields sent change; `supervisor: null` leaves it without one."""

    model_config = ConfigDict(extra="forbid")

    name_zh: Name | None = None
    name_en: Name | None = None
    region: str | None = Field(default=None, min_length=1, max_length=64)
    supervisor: Username | None = None
    is_active: bool | None = None


class TeamIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: Code
    name_zh: Name
    name_en: Name


class TeamChange(BaseModel):
    """Rename, or move to another organisation of the same kind."""

    model_config = ConfigDict(extra="forbid")

    name_zh: Name | None = None
    name_en: Name | None = None
    organisation_code: Code | None = None


@router.get("/organisations")
async def get_organisations(ctx: Services, _: AdminStaff) -> list[dict[str, Any]]:
    """Every organisation by region: kind, supervisor (and whether still valid), teams with staff counts."""
    return await list_organisations(ctx.db)


@router.post("/organisations", status_code=201, responses=REFUSED)
async def post_organisation(ctx: Services, body: OrganisationIn, staff: AdminStaff) -> dict[str, Any]:
    """Create an organisation (code, kind, names, region; a supervisor only once it has staff, or an administrator)."""
    row = await create_organisation(ctx.db, **body.model_dump(), by=staff.username)
    return await organisation_detail(ctx.db, row.code)


@router.get("/organisations/{code}", responses={404: {"description": "no such organisation"}})
async def get_organisation(ctx: Services, code: str, _: AdminStaff) -> dict[str, Any]:
    """One organisation with its teams and every account of its teams."""
    return await organisation_detail(ctx.db, code)


@router.patch("/organisations/{code}", responses={404: {"description": "no such organisation"}, **REFUSED})
async def patch_organisation(ctx: Services, code: str, body: OrganisationChange, staff: AdminStaff) -> dict[str, Any]:
    """Rename, move to another region (teams and staff follow), change the supervisor, deactivate or reactivate."""
    changes = body.model_dump(exclude_unset=True)
    if "supervisor" in changes:
        changes["supervisor"] = changes["supervisor"] or ""
    await update_organisation(ctx.db, code, by=staff.username, **changes)
    return await organisation_detail(ctx.db, code)


@router.post("/organisations/{code}/teams", status_code=201, responses={404: {"description": "no such organisation"}, **REFUSED})
async def post_team(ctx: Services, code: str, body: TeamIn, staff: AdminStaff) -> dict[str, Any]:
    """Add a team to an organisation (it takes the organisation's kind and region)."""
    team = await create_team(ctx.db, organisation_code=code, **body.model_dump(), by=staff.username)
    return team.model_dump(mode="json")


@router.patch("/teams/{code}", responses={404: {"description": "no such team"}, **REFUSED})
async def patch_team(ctx: Services, code: str, body: TeamChange, staff: AdminStaff) -> dict[str, Any]:
    """Rename a team, or move it with its staff to another organisation of the same kind."""
    team = await update_team(ctx.db, code, by=staff.username, **body.model_dump(exclude_unset=True))
    return team.model_dump(mode="json")


@router.get("/outbox")
async def get_outbox(
    ctx: Services, _: AdminStaff, status: str = "", limit: Annotated[int, Query(ge=1, le=500)] = 100
) -> list[dict[str, Any]]:
    """The notification outbox, newest first; recipients masked."""
    return await outbox(ctx.db, ctx.keyring, status, limit)

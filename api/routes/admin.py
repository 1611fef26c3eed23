"""Administrator JSON endpoints: case search, the dashboard, a case's Temporal history, users,
organisations and their teams, and the notification outbox (the pages' twins, for other agencies'
systems)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query
from pydantic import BaseModel, ConfigDict, Field

from api import examples
from api.deps import AdminStaff, Paging, Services
from api.problems import problems
from domain.case import Channel, Stage
from domain.china_time import china_today
from domain.organisations import OrgKind
from domain.regions import region_slug
from domain.roles import Role
from services import accounts, organisations
from services.case_search import CaseFilters, CasePage
from services.case_search import search_cases as search
from services.dashboard import Dashboard, dashboard
from services.history import WorkflowHistory, history_of_case
from services.organisations import CODE_PATTERN, NAME_MAX, OrganisationDetail, OrganisationSummary, TeamPublic
from services.outbox import NotificationPage, NotificationStatus, outbox

router = APIRouter(prefix="/api/v1", tags=["admin"])


@router.get("/cases", response_model=CasePage)
async def search_cases(
    ctx: Services,
    _: AdminStaff,
    paging: Paging,
    case_no: Annotated[str, Query(max_length=20, description="part of the case number")] = "",
    stage: Stage | None = None,
    channel: Channel | None = None,
    region: Annotated[str, Query(max_length=64, description="slug or GB/T 2260 code (`GET /api/v1/regions`)")] = "",
    employer: Annotated[str, Query(max_length=200, description="part of the employer's name")] = "",
    overdue: Annotated[bool, Query(description="only cases with an open task past its due date")] = False,
) -> CasePage:
    """Search cases by number (part of it), stage, channel, region, employer, overdue tasks; newest
    first, one page with the total."""
    filters = CaseFilters(case_no, stage.value if stage else "", channel.value if channel else "",
                          region_slug(region) or region, employer, overdue)
    return await search(ctx.db, filters, china_today(), paging)


@router.get("/dashboard", response_model=Dashboard)
async def get_dashboard(ctx: Services, _: AdminStaff) -> Dashboard:
    """Open cases by stage and channel, overdue tasks by team, median days per stage, mediation
    success rate, supervision statistics."""
    return await dashboard(ctx.db, china_today())


@router.get("/cases/{case_no}/history", response_model=list[WorkflowHistory], responses=problems(404, 503, d404="no such case"))
async def get_case_history(ctx: Services, case_no: str, _: AdminStaff) -> list[WorkflowHistory]:
    """The case's Temporal event history (case workflow and children, at most 20) in words, with UI links."""
    return await history_of_case(ctx, case_no)


@router.get("/users", response_model=accounts.UserPage)
async def list_users(
    ctx: Services,
    _: AdminStaff,
    paging: Paging,
    organisation: Annotated[str | None, Query(max_length=64, description="only the accounts of this organisation's teams")] = None,
) -> accounts.UserPage:
    """Staff accounts (or one organisation's) by username (no password hashes), one page with the total."""
    return await accounts.list_users(ctx.db, paging, organisation)


class UserIn(BaseModel):
    """A new staff account."""

    username: str = Field(min_length=2, max_length=64, pattern=r"^[a-z0-9][a-z0-9._-]*$")
    display_name: str = Field(min_length=1, max_length=100)
    role: Role
    password: str = Field(min_length=10, max_length=200)
    team_code: str | None = Field(default=None, max_length=64)
    region: str = Field(default="default", min_length=1, max_length=64)


class UserChange(BaseModel):
    """What to change on an account; fields left out stay as they are (`team_code: null` takes the
    account out of its team). A new role or team is checked against the team's organisation."""

    model_config = ConfigDict(extra="forbid")

    is_active: bool | None = None
    unlock: bool = False
    password: str | None = Field(default=None, min_length=10, max_length=200)
    role: Role | None = None
    team_code: str | None = Field(default=None, max_length=64)


@router.post("/users", status_code=201, response_model=accounts.UserPublic,
             responses=problems(409, d409="the username is taken, or the team does not exist"))
async def create_user(ctx: Services, body: Annotated[UserIn, Body(openapi_examples=examples.NEW_USER)],
                      staff: AdminStaff) -> accounts.UserPublic:
    """Create a staff account."""
    user = await accounts.create_user(ctx.db, **body.model_dump(), created_by=staff.username)
    return accounts.user_public(user)


@router.patch("/users/{username}", response_model=accounts.UserPublic,
              responses=problems(404, 409, d404="no such account",
                                 d409="deactivating your own account, or taking away your own administrator role"))
async def update_user(ctx: Services, username: str, body: Annotated[UserChange, Body(openapi_examples=examples.USER_CHANGE)],
                      staff: AdminStaff) -> accounts.UserPublic:
    """Deactivate or reactivate, unlock, set a new password, or change the role or team; the account as it is now."""
    team_code = (body.team_code or "") if "team_code" in body.model_fields_set else None
    await accounts.update_user(ctx.db, username, by=staff.username, is_active=body.is_active, unlock=body.unlock,
                               password=body.password, role=body.role, team_code=team_code)
    return await accounts.get_user(ctx.db, username)


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
    region: str = Field(min_length=1, max_length=64, description="slug or GB/T 2260 code (`GET /api/v1/regions`)")
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
    """A new team of an organisation."""

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


REFUSED = "refused: the message (Chinese, then English) names the bad value and what would be valid"


@router.get("/organisations", response_model=list[OrganisationSummary])
async def list_organisations(ctx: Services, _: AdminStaff) -> list[OrganisationSummary]:
    """Every organisation by region: kind, supervisor (and whether still valid), teams with staff counts."""
    return [OrganisationSummary.model_validate(org) for org in await organisations.list_organisations(ctx.db)]


@router.post("/organisations", status_code=201, response_model=OrganisationDetail, responses=problems(422, d422=REFUSED))
async def create_organisation(ctx: Services, body: Annotated[OrganisationIn, Body(openapi_examples=examples.NEW_ORGANISATION)],
                                  staff: AdminStaff) -> OrganisationDetail:
    """Create an organisation (code, kind, names, region; a supervisor once it has staff, or an administrator)."""
    values = body.model_dump()
    values["region"] = region_slug(values["region"]) or values["region"]
    row = await organisations.create_organisation(ctx.db, **values, by=staff.username)
    return OrganisationDetail.model_validate(await organisations.organisation_detail(ctx.db, row.code))


@router.get("/organisations/{code}", response_model=OrganisationDetail, responses=problems(404, d404="no such organisation"))
async def get_organisation(ctx: Services, code: str, _: AdminStaff) -> OrganisationDetail:
    """One organisation with its teams and every account of its teams."""
    return OrganisationDetail.model_validate(await organisations.organisation_detail(ctx.db, code))


@router.patch("/organisations/{code}", response_model=OrganisationDetail,
              responses=problems(404, 422, d404="no such organisation", d422=REFUSED))
async def update_organisation(ctx: Services, code: str,
                                  body: Annotated[OrganisationChange, Body(openapi_examples=examples.ORGANISATION_CHANGE)],
                                  staff: AdminStaff) -> OrganisationDetail:
    """Rename, move to another region (teams and staff follow), change the supervisor, deactivate or reactivate."""
    changes = body.model_dump(exclude_unset=True)
    if "supervisor" in changes:
        changes["supervisor"] = changes["supervisor"] or ""
    if changes.get("region"):
        changes["region"] = region_slug(changes["region"]) or changes["region"]
    await organisations.update_organisation(ctx.db, code, by=staff.username, **changes)
    return OrganisationDetail.model_validate(await organisations.organisation_detail(ctx.db, code))


@router.post("/organisations/{code}/teams", status_code=201, response_model=TeamPublic,
             responses=problems(404, 422, d404="no such organisation", d422=REFUSED))
async def create_team(ctx: Services, code: str, body: Annotated[TeamIn, Body(openapi_examples=examples.NEW_TEAM)],
                          staff: AdminStaff) -> TeamPublic:
    """Add a team to an organisation (it takes the organisation's kind and region)."""
    team = await organisations.create_team(ctx.db, organisation_code=code, **body.model_dump(), by=staff.username)
    return TeamPublic.model_validate(team.model_dump())


@router.patch("/teams/{code}", response_model=TeamPublic, responses=problems(404, 422, d404="no such team", d422=REFUSED))
async def update_team(ctx: Services, code: str, body: Annotated[TeamChange, Body(openapi_examples=examples.TEAM_CHANGE)],
                          staff: AdminStaff) -> TeamPublic:
    """Rename a team, or move it with its staff to another organisation of the same kind."""
    team = await organisations.update_team(ctx.db, code, by=staff.username, **body.model_dump(exclude_unset=True))
    return TeamPublic.model_validate(team.model_dump())


@router.get("/outbox", response_model=NotificationPage)
async def list_outbox(ctx: Services, _: AdminStaff, paging: Paging, status: NotificationStatus | None = None) -> NotificationPage:
    """The notification outbox, newest first, one page with the total; recipients masked."""
    return await outbox(ctx.db, ctx.keyring, status, paging)

"""Administrator JSON endpoints: case search, the dashboard, a case's Temporal history, users, and
the notification outbox (the pages' twins, for other agencies' systems)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query
from pydantic import BaseModel, Field

from api import examples
from api.deps import AdminStaff, Paging, Services
from api.problems import problems
from domain.case import Channel, Stage
from domain.china_time import china_today
from domain.regions import region_slug
from domain.roles import Role
from services import accounts
from services.case_search import CaseFilters, CasePage
from services.case_search import search_cases as search
from services.dashboard import Dashboard, dashboard
from services.history import WorkflowHistory, history_of_case
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
async def list_users(ctx: Services, _: AdminStaff, paging: Paging) -> accounts.UserPage:
    """Staff accounts by username (no password hashes), one page with the total."""
    return await accounts.list_users(ctx.db, paging)


class UserIn(BaseModel):
    """A new staff account."""

    username: str = Field(min_length=2, max_length=64, pattern=r"^[a-z0-9][a-z0-9._-]*$")
    display_name: str = Field(min_length=1, max_length=100)
    role: Role
    password: str = Field(min_length=10, max_length=200)
    team_code: str | None = Field(default=None, max_length=64)
    region: str = Field(default="default", min_length=1, max_length=64)


class UserChange(BaseModel):
    """What to change on an account; fields left out stay as they are."""

    is_active: bool | None = None
    unlock: bool = False
    password: str | None = Field(default=None, min_length=10, max_length=200)


@router.post("/users", status_code=201, response_model=accounts.UserPublic,
             responses=problems(409, d409="the username is taken, or the team does not exist"))
async def create_user(ctx: Services, body: Annotated[UserIn, Body(openapi_examples=examples.NEW_USER)],
                      staff: AdminStaff) -> accounts.UserPublic:
    """Create a staff account."""
    user = await accounts.create_user(ctx.db, **body.model_dump(), created_by=staff.username)
    return accounts.user_public(user)


@router.patch("/users/{username}", response_model=accounts.UserPublic,
              responses=problems(404, 409, d404="no such account", d409="you cannot deactivate your own account"))
async def update_user(ctx: Services, username: str, body: Annotated[UserChange, Body(openapi_examples=examples.USER_CHANGE)],
                      staff: AdminStaff) -> accounts.UserPublic:
    """Deactivate or reactivate, unlock, or set a new password; the account as it is now."""
    await accounts.update_user(ctx.db, username, by=staff.username, is_active=body.is_active, unlock=body.unlock,
                               password=body.password)
    return await accounts.get_user(ctx.db, username)


@router.get("/outbox", response_model=NotificationPage)
async def list_outbox(ctx: Services, _: AdminStaff, paging: Paging, status: NotificationStatus | None = None) -> NotificationPage:
    """The notification outbox, newest first, one page with the total; recipients masked."""
    return await outbox(ctx.db, ctx.keyring, status, paging)

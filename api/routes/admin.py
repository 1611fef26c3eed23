"""Administrator JSON endpoints: case search, the dashboard, a case's Temporal history, users, and
the notification outbox (the pages' twins, for other agencies' systems)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.deps import AdminStaff, Services
from domain.china_time import china_today
from domain.roles import Role
from services.accounts import create_user, list_users, update_user
from services.case_search import CaseFilters, search_cases
from services.dashboard import Dashboard, dashboard
from services.history import history_of_case
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
async def get_users(ctx: Services, _: AdminStaff) -> list[dict[str, Any]]:
    """Every staff account (no password hashes)."""
    return await list_users(ctx.db)


class UserIn(BaseModel):
    username: str = Field(min_length=2, max_length=64, pattern=r"^[a-z0-9][a-z0-9._-]*$")
    display_name: str = Field(min_length=1, max_length=100)
    role: Role
    password: str = Field(min_length=10, max_length=200)
    team_code: str | None = Field(default=None, max_length=64)
    region: str = Field(default="default", min_length=1, max_length=64)


class UserChange(BaseModel):
    is_active: bool | None = None
    unlock: bool = False
    password: str | None = Field(default=None, min_length=10, max_length=200)


@router.post(
    "/users", status_code=201, responses={409: {"description": "username taken or unknown team"}}
)
async def post_user(ctx: Services, body: UserIn, staff: AdminStaff) -> dict[str, Any]:
    """Create a staff account."""
    user = await create_user(ctx.db, **body.model_dump(), created_by=staff.username)
    return {"username": user.username, "role": user.role, "team_code": user.team_code}


@router.patch("/users/{username}", responses={404: {"description": "no such account"}, 409: {"description": "deactivating yourself"}})
async def patch_user(ctx: Services, username: str, body: UserChange, staff: AdminStaff) -> dict[str, str]:
    """Deactivate or reactivate, unlock, or set a new password."""
    await update_user(ctx.db, username, by=staff.username, is_active=body.is_active, unlock=body.unlock, password=body.password)
    return {"username": username, "status": "updated"}


@router.get("/outbox")
async def get_outbox(
    ctx: Services, _: AdminStaff, status: str = "", limit: Annotated[int, Query(ge=1, le=500)] = 100
) -> list[dict[str, Any]]:
    """The notification outbox, newest first; recipients masked."""
    return await outbox(ctx.db, ctx.keyring, status, limit)

"""Administrator JSON endpoints: case search, the dashboard, a case's Temporal history, users, and
the notification outbox (the pages' twins, for other agencies' systems)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel, Field
from sqlmodel import select

from api.auth import NOT_FOUND, require_role
from api.history import case_history
from api.staff_views import CaseFilters, Dashboard, dashboard, list_users, outbox, search_cases
from domain.china_time import china_today
from domain.roles import Role, StaffPrincipal
from infrastructure.tables import Case
from infrastructure.temporal_gateway import TemporalUnavailable
from services.accounts import (
    AccountError,
    create_user,
    set_user_active,
    set_user_password,
    unlock_user,
)

router = APIRouter(prefix="/api/v1", tags=["admin"])
Admin = Annotated[StaffPrincipal, Depends(require_role())]


@router.get("/cases")
async def find_cases(
    request: Request,
    _: Admin,
    case_no: str = "",
    stage: str = "",
    channel: str = "",
    region: str = "",
    employer: str = "",
    overdue: bool = False,
) -> list[dict[str, Any]]:
    """Search cases by number (part of it), stage, channel, region, employer, overdue tasks."""
    filters = CaseFilters(case_no, stage, channel, region, employer, overdue)
    return await search_cases(request.app.state.db, filters, china_today())


@router.get("/dashboard", response_model=Dashboard)
async def get_dashboard(request: Request, _: Admin) -> Dashboard:
    """Open cases by stage and channel, overdue tasks by team, median days per stage, mediation
    success rate, supervision statistics."""
    return await dashboard(request.app.state.db, china_today())


@router.get("/cases/{case_no}/history", responses={503: {"description": "Temporal is unavailable"}})
async def get_history(request: Request, case_no: str, _: Admin) -> list[dict[str, Any]]:
    """The case's Temporal event history (case workflow and children) in words, with UI links."""
    async with request.app.state.db.session() as session:
        case = (await session.exec(select(Case).where(Case.case_no == case_no))).first()
    if case is None:
        raise NOT_FOUND
    try:
        client = await request.app.state.temporal.client()
        return [
            asdict(h)
            for h in await case_history(client, request.app.state.settings, case.workflow_id)
        ]
    except TemporalUnavailable:
        raise HTTPException(
            status_code=503, detail="工作流服务暂不可用 / Temporal is unavailable"
        ) from None


@router.get("/users")
async def get_users(request: Request, _: Admin) -> list[dict[str, Any]]:
    """Every staff account (no password hashes)."""
    return await list_users(request.app.state.db)


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
async def post_user(request: Request, body: UserIn, _: Admin) -> dict[str, Any]:
    """Create a staff account."""
    try:
        user = await create_user(request.app.state.db, **body.model_dump())
    except AccountError as exc:
        raise HTTPException(status_code=409, detail=str(exc)) from None
    return {"username": user.username, "role": user.role, "team_code": user.team_code}


@router.patch("/users/{username}", responses={404: {"description": "no such account"}})
async def patch_user(
    request: Request, username: str, body: UserChange, staff: Admin
) -> dict[str, str]:
    """Deactivate or reactivate, unlock, or set a new password."""
    db = request.app.state.db
    try:
        if body.is_active is not None:
            if username == staff.username and not body.is_active:
                raise HTTPException(
                    status_code=409, detail="you cannot deactivate your own account"
                )
            await set_user_active(db, username, body.is_active)
        if body.unlock:
            await unlock_user(db, username)
        if body.password:
            await set_user_password(db, username, body.password)
    except AccountError as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from None
    return {"username": username, "status": "updated"}


@router.get("/outbox")
async def get_outbox(
    request: Request, _: Admin, status: str = "", limit: Annotated[int, Query(ge=1, le=500)] = 100
) -> list[dict[str, Any]]:
    """The notification outbox, newest first; recipients masked."""
    return await outbox(request.app.state.db, request.app.state.keyring, status, limit)

"""Staff sign-in for the JSON API (OAuth2 password flow)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from api.auth import issue_staff_token
from api.deps import CurrentStaff, Services
from api.ratelimit import rate_limit
from services.accounts import authenticate

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 (the OAuth2 token type, not a secret)
    expires_in: int


class Me(BaseModel):
    username: str
    display_name: str
    role: str
    team_code: str | None
    region: str


@router.post("/token", response_model=Token, dependencies=[Depends(rate_limit("login"))],
             responses={401: {"description": "wrong username or password"}, 423: {"description": "account locked"},
                        429: {"description": "too many attempts from this address"}})
async def token(request: Request, ctx: Services, form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> Token:
    """Exchange a staff username and password for a bearer token (valid 8 hours)."""
    result = await authenticate(ctx.db, form.username, form.password)
    if result.locked:
        raise HTTPException(
            status_code=423, detail="账户已锁定15分钟（多次密码错误） / account locked for 15 minutes after repeated failures"
        )
    if result.user is None:
        raise HTTPException(status_code=401, detail="用户名或密码错误 / wrong username or password",
                            headers={"WWW-Authenticate": "Bearer"})
    return Token(access_token=issue_staff_token(request, result.user), expires_in=8 * 3600)


@router.get("/me", response_model=Me)
async def me(staff: CurrentStaff) -> Me:
    """The signed-in staff member."""
    return Me(username=staff.username, display_name=staff.display_name, role=staff.role.value,
              team_code=staff.team_code, region=staff.region)

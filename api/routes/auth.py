"""Staff sign-in for the JSON API (OAuth2 password flow)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel, Field

from api import examples
from api.auth import issue_staff_token
from api.deps import CurrentStaff, Services
from api.problems import problems
from api.ratelimit import rate_limit
from domain.roles import Role
from services.accounts import authenticate

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


class Token(BaseModel):
    """An OAuth2 bearer token (RFC 6749 section 5.1)."""

    access_token: str = Field(description="send as `Authorization: Bearer <access_token>`")
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 (the OAuth2 token type, not a secret)
    expires_in: int = Field(description="seconds")


class Me(BaseModel):
    username: str
    display_name: str
    role: Role
    team_code: str | None
    region: str


@router.post("/token", response_model=Token, dependencies=[Depends(rate_limit("login"))], openapi_extra=examples.SIGN_IN,
             responses=problems(401, 423, d401="wrong username or password",
                                d423="the account is locked for 15 minutes after repeated wrong passwords"))
async def issue_token(request: Request, ctx: Services, form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> Token:
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
async def get_me(staff: CurrentStaff) -> Me:
    """The signed-in staff member."""
    return Me(username=staff.username, display_name=staff.display_name, role=staff.role,
              team_code=staff.team_code, region=staff.region)

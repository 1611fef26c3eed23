"""Staff sign-in and sign-out for the pages: the same signed token as the API, in a secure
cookie."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.auth import SESSION_COOKIE, TOKEN_MAX_AGE, issue_staff_token
from api.csrf import checked_form, secure_cookies
from api.deps import Services, optional_staff
from api.pages.rendering import HOME_BY_ROLE, redirect, render_page, safe_next, translator
from domain.roles import Role
from services.accounts import authenticate

router = APIRouter(include_in_schema=False)


@router.get("/login", response_class=HTMLResponse)
async def login_form(request: Request, next: str = "") -> Response:
    """The sign-in form (already signed in: straight to your start page)."""
    staff = await optional_staff(request)
    if staff is not None:
        return redirect(safe_next(next, HOME_BY_ROLE[staff.role]))
    return render_page(request, "login.html", next=safe_next(next, ""), error=None, username="")


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request, ctx: Services) -> Response:
    """Check the password (5 failures lock the account for 15 minutes) and set the session
    cookie."""
    form = await checked_form(request)
    username, password = str(form.get("username", "")).strip(), str(form.get("password", ""))
    next_path = safe_next(str(form.get("next", "")), "")
    result = await authenticate(ctx.db, username, password)
    if result.user is None:
        t = translator(request)
        return render_page(
            request,
            "login.html",
            status_code=423 if result.locked else 401,
            next=next_path,
            username=username,
            error=t("login.locked") if result.locked else t("login.wrong"),
        )
    response = redirect(next_path or HOME_BY_ROLE[Role(result.user.role)])
    response.set_cookie(
        SESSION_COOKIE,
        issue_staff_token(request, result.user),
        max_age=TOKEN_MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request),
        path="/",
    )
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    """Sign out: the session cookie is removed."""
    await checked_form(request)
    response = redirect("/login")
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=secure_cookies(request)
    )
    return response

"""CSRF protection for every page form (signed double-submit cookie) and one-shot flash messages.

A random value lives in the `lf_csrf` cookie (HttpOnly, SameSite=Lax); each form carries that value
signed with the session secret. A forged cross-site post has neither, a stolen form token is useless
without the cookie. Flash messages carry an action's outcome across the redirect after a POST.
"""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import HTTPException, Request, Response
from itsdangerous import BadSignature, Signer, URLSafeTimedSerializer
from starlette.datastructures import FormData

CSRF_COOKIE = "lf_csrf"
CSRF_FIELD = "csrf_token"
FLASH_COOKIE = "lf_flash"
FLASH_MAX_AGE = 120


class CsrfFailed(HTTPException):
    def __init__(self) -> None:
        super().__init__(
            status_code=403,
            detail="表单已过期，请刷新页面后重试 / the form expired; reload the page and try again",
        )


def secure_cookies(request: Request) -> bool:
    """Cookies are Secure when the public address is https."""
    return str(request.app.state.services.settings.public_url).startswith("https://")


def _signer(request: Request) -> Signer:
    return Signer(request.app.state.services.settings.session_secret, salt="csrf")


def csrf_value(request: Request) -> str:
    """This browser's CSRF value (from its cookie, or a new one set on the response)."""
    value: str | None = getattr(request.state, "csrf_value", None) or request.cookies.get(
        CSRF_COOKIE
    )
    if not value or len(value) > 64:
        value = secrets.token_urlsafe(24)
        request.state.csrf_new = True
    request.state.csrf_value = value
    return value


def csrf_token(request: Request) -> str:
    """The hidden form field's value: the cookie's value, signed."""
    return _signer(request).sign(csrf_value(request)).decode()


def set_csrf_cookie(request: Request, response: Response) -> None:
    if getattr(request.state, "csrf_new", False):
        response.set_cookie(
            CSRF_COOKIE,
            request.state.csrf_value,
            httponly=True,
            samesite="lax",
            secure=secure_cookies(request),
            path="/",
        )


async def checked_form(request: Request) -> FormData:
    """The posted form, after checking its CSRF token against the cookie (403 otherwise)."""
    form = await request.form()
    token, cookie = form.get(CSRF_FIELD), request.cookies.get(CSRF_COOKIE)
    if not isinstance(token, str) or not cookie:
        raise CsrfFailed()
    try:
        signed = _signer(request).unsign(token).decode()
    except BadSignature:
        raise CsrfFailed() from None
    if not secrets.compare_digest(signed, cookie):
        raise CsrfFailed()
    return form


def _flash_serializer(request: Request) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(request.app.state.services.settings.session_secret, salt="flash")


def set_flash(
    request: Request, response: Response, kind: str, zh: str, en: str, **extra: Any
) -> None:
    """Leave a message for the next page this browser opens (an action's result or rejection)."""
    value = _flash_serializer(request).dumps({"kind": kind, "zh": zh, "en": en, **extra})
    response.set_cookie(
        FLASH_COOKIE,
        value,
        max_age=FLASH_MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request),
        path="/",
    )


def take_flash(request: Request) -> dict[str, Any] | None:
    """The waiting message, once (the caller's response deletes the cookie)."""
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return None
    request.state.flash_taken = True
    try:
        data: dict[str, Any] = _flash_serializer(request).loads(raw, max_age=FLASH_MAX_AGE)
    except BadSignature:
        return None
    return data

"""Rendering a page template with the language, translator, CSRF token, flash message and the
staff navigation; the shared redirects of the page routers."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse

from api.csrf import FLASH_COOKIE, csrf_token, set_csrf_cookie, take_flash
from api.forms import message_in
from api.i18n import Translator, catalogue, request_language
from domain.roles import INBOX_ROLES, Role, StaffPrincipal

ALL_STAFF = frozenset(Role)
# The staff navigation: (path, message key, roles that see it). Admins see everything.
STAFF_NAV: tuple[tuple[str, str, frozenset[Role]], ...] = (
    ("/inbox", "nav.inbox", INBOX_ROLES),
    ("/calendar", "nav.calendar", INBOX_ROLES),
    ("/union", "nav.union", frozenset({Role.union_legal, Role.admin})),
    ("/admin/cases", "nav.admin_cases", frozenset({Role.admin})),
    ("/admin/dashboard", "nav.dashboard", frozenset({Role.admin})),
    ("/monitoring", "nav.monitoring", frozenset({Role.admin, Role.union_legal, Role.supervisor, Role.commission_head})),
    ("/admin/users", "nav.users", frozenset({Role.admin})),
    ("/admin/organisations", "nav.organisations", frozenset({Role.admin})),
    ("/admin/outbox", "nav.outbox", frozenset({Role.admin})),
)
# Pages load only their own script and style; nothing may frame them.
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
    "form-action 'self'; base-uri 'none'; object-src 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
HOME_BY_ROLE: dict[Role, str] = {role: "/inbox" for role in INBOX_ROLES} | {Role.admin: "/admin/dashboard", Role.union_legal: "/union"}


def staff_nav(staff: StaffPrincipal | None) -> list[tuple[str, str]]:
    """The navigation entries this staff member's role opens."""
    if staff is None:
        return []
    return [(href, key) for href, key, roles in STAFF_NAV if staff.role in roles]


def translator(request: Request) -> Translator:
    return Translator(
        catalogue(request.app.state.services.settings.templates_dir), request_language(request)
    )


def both(request: Request, key: str, **values: Any) -> tuple[str, str]:
    """A UI message in Chinese and in English (for flash messages, shown after a redirect)."""
    messages = catalogue(request.app.state.services.settings.templates_dir)
    return Translator(messages, "zh")(key, **values), Translator(messages, "en")(key, **values)


def lang_url(request: Request, lang: str) -> str:
    """The current page in another language (other query parameters kept)."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"] + [
        ("lang", lang)
    ]
    return f"{request.url.path}?{urlencode(params)}"


def render_page(
    request: Request,
    template: str,
    status_code: int = 200,
    *,
    staff: StaffPrincipal | None = None,
    **context: Any,
) -> HTMLResponse:
    """Render `templates/pages/<template>` in the visitor's language; sets the CSRF cookie when
    new."""
    t = translator(request)
    flash = take_flash(request)
    html = request.app.state.pages.get_template(template).render(
        request=request,
        lang=t.lang,
        t=t,
        path=request.url.path,
        csrf_token=csrf_token(request),
        flash=flash,
        staff=staff,
        nav=staff_nav(staff),
        lang_url=lambda code: lang_url(request, code),
        bi=lambda text: message_in(t, text or ""),
        **context,
    )
    response = HTMLResponse(html, status_code=status_code, headers=PAGE_HEADERS)
    set_csrf_cookie(request, response)
    if flash is not None or getattr(request.state, "flash_taken", False):
        response.delete_cookie(FLASH_COOKIE, path="/")
    if request.query_params.get("lang") in ("zh", "en"):
        response.set_cookie("lang", t.lang, max_age=365 * 86400, samesite="lax", httponly=True)
    return response


def redirect(url: str) -> RedirectResponse:
    """See-other redirect: after a POST the browser GETs the result page (no resubmission)."""
    return RedirectResponse(url, status_code=303)


def safe_next(value: str | None, default: str) -> str:
    """Only local paths are followed after sign-in (no open redirect)."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return default

"""Rendering a page template with the language, translator and common context."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from api.i18n import Translator, catalogue, request_language


def render_page(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    settings = request.app.state.settings
    lang = request_language(request)
    t = Translator(catalogue(settings.templates_dir), lang)
    html = request.app.state.pages.get_template(template).render(
        request=request, lang=lang, t=t, path=request.url.path, **context
    )
    response = HTMLResponse(html, status_code=status_code)
    if request.query_params.get("lang") in ("zh", "en"):
        response.set_cookie("lang", lang, max_age=365 * 86400, samesite="lax", httponly=True)
    return response

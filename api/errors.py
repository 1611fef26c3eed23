"""Uniform error answers: what was wrong and how to fix it, never a traceback."""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.deps import LoginRequired, login_url
from domain.privacy import redact_text
from services.errors import ServiceError

log = structlog.get_logger("api.errors")


def _field(loc: tuple[Any, ...]) -> str:
    parts = [str(part) for part in loc if part not in ("body", "query", "path", "header")]
    return ".".join(parts) or "request"


def _validation_message(error: dict[str, Any]) -> str:
    message = str(error.get("msg", "invalid value"))
    message = message.removeprefix("Value error, ")
    return f"{_field(tuple(error.get('loc', ())))}: {message}"


NOT_PAGES = ("/api/", "/static/", "/healthz", "/readyz", "/docs", "/openapi", "/redoc")


def is_page(request: Request) -> bool:
    """A browser page (HTML errors), not the JSON API, the probes or static files."""
    path = request.url.path
    return not path.startswith(NOT_PAGES)


def _error_page(request: Request, status: int, detail: str) -> Response:
    from api.forms import message_in
    from api.pages.rendering import render_page, translator

    message = message_in(translator(request), detail)
    return render_page(request, "error.html", status_code=status, status=status, message=message)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"field": _field(tuple(err.get("loc", ()))), "message": redact_text(_validation_message(err))}
            for err in exc.errors()
        ]
        detail = "; ".join(f"{e['field']}: {e['message'].split(': ', 1)[-1]}" for e in errors)
        return JSONResponse(status_code=422, content={"detail": detail, "errors": errors})

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if is_page(request):
            return _error_page(request, exc.status_code, str(exc.detail))
        return JSONResponse(
            status_code=exc.status_code,
            content={"detail": exc.detail},
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(ServiceError)
    async def _service(request: Request, exc: ServiceError) -> Response:
        """A service's refusal, answered like an HTTP error of its status (404, 409, 503...)."""
        if is_page(request):
            return _error_page(request, exc.status, exc.message)
        return JSONResponse(status_code=exc.status, content={"detail": exc.message})

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(login_url(exc.next_path), status_code=303)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled error", path=request.url.path, error_type=type(exc).__name__, exc_info=exc)
        return JSONResponse(
            status_code=500,
            content={"detail": "内部错误，已记录，请稍后重试 / internal error, logged; please retry later"},
        )

"""The FastAPI application factory: JSON API, pages, probes, error handling, request context."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import structlog
from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles

from api.errors import install_error_handlers
from api.routes import auth, deadlines, health
from api.templating import page_environment
from api.temporal_gateway import TemporalGateway
from labourflow import __version__
from labourflow.crypto import Keyring
from labourflow.db import Database
from labourflow.settings import Settings, get_settings

ReadinessCheck = Callable[[], Awaitable[None]]


def create_app(
    settings: Settings | None = None,
    *,
    db: Database | None = None,
    temporal: TemporalGateway | None = None,
) -> FastAPI:
    """Build the app; tests pass their own settings, database and Temporal gateway."""
    settings = settings or get_settings()
    database = db or Database(settings.resolved_database_url)
    gateway = temporal or TemporalGateway(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        if db is None:
            await database.dispose()

    app = FastAPI(
        title="labourflow",
        version=__version__,
        summary="劳动争议多元化解工作流 / labour dispute resolution workflows",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.db = database
    app.state.temporal = gateway
    app.state.keyring = Keyring.from_settings(settings)
    app.state.pages = page_environment(settings.templates_dir)
    app.state.readiness_checks = {"database": database.ping, "temporal": gateway.check}

    install_error_handlers(app)
    app.middleware("http")(_request_context)
    app.include_router(health.router)
    app.include_router(auth.router)
    app.include_router(deadlines.router)
    from api.pages import home

    app.include_router(home.router)
    static_dir = settings.templates_dir / "static"
    if static_dir.is_dir():
        app.mount("/static", StaticFiles(directory=static_dir), name="static")
    return app


async def _request_context(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    """Bind a request id to every log line of this request and echo it back."""
    request_id = request.headers.get("x-request-id") or uuid.uuid4().hex[:16]
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(request_id=request_id)
    response = await call_next(request)
    response.headers["X-Request-ID"] = request_id
    return response

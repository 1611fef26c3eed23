"""The FastAPI application factory: JSON API, pages, probes, error handling, request context."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

import structlog
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from api.errors import install_error_handlers
from api.metrics import install_metrics
from api.middleware import BodySizeLimit, RequestContext
from api.openapi import install_openapi, operation_id
from api.routes import agency, auth, cases, codec, deadlines, documents, health, reference
from api.routes import supervision as supervision_routes
from api.templating import page_environment
from infrastructure import __version__
from infrastructure.db import Database
from infrastructure.documents.fonts import fonts_ready
from infrastructure.rate_limits import RateLimiter
from infrastructure.settings import Settings, get_settings
from infrastructure.temporal_gateway import TemporalGateway
from services.context import ServiceContext
from services.intake import start_pending
from services.started_marks import drain as drain_started_marks

if TYPE_CHECKING:
    from infrastructure.tracing import Tracing

ReadinessCheck = Callable[[], Awaitable[None]]
PENDING_START_INTERVAL = 5.0
log = structlog.get_logger("api")


async def start_pending_loop(ctx: ServiceContext) -> None:
    """Start the workflows of cases accepted while Temporal was down, as soon as it is back."""
    while True:
        await asyncio.sleep(PENDING_START_INTERVAL)
        with contextlib.suppress(Exception):
            await start_pending(ctx)


def create_app(
    settings: Settings | None = None,
    *,
    db: Database | None = None,
    temporal: TemporalGateway | None = None,
    start_pending: bool = True,
    search_attributes: bool = True,
    tracing: Tracing | None = None,
) -> FastAPI:
    """Build the app; tests pass their own settings, database and Temporal gateway. With `tracing`,
    each request is a span, and so is each SQL statement when the spans are exported
    (infrastructure/tracing.py)."""
    settings = settings or get_settings()
    ctx = ServiceContext.from_settings(settings, db=db, temporal=temporal, search_attributes=search_attributes)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        starter = asyncio.create_task(start_pending_loop(ctx)) if start_pending else None
        yield
        if starter is not None:
            starter.cancel()
        await drain_started_marks(ctx.db)  # the intakes answered before their mark was written
        if db is None:
            await ctx.db.dispose()

    app = FastAPI(
        title="labourflow",
        version=__version__,
        summary="劳动争议多元化解工作流 / labour dispute resolution workflows",
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
        docs_url=None,  # served by install_openapi, from our own copy of Swagger UI
    )
    app.state.services = ctx
    app.state.pages = page_environment(settings.templates_dir)
    app.state.readiness_checks = {"database": ctx.db.ping, "temporal": ctx.temporal.check}
    app.state.readiness_checks["fonts"] = fonts_ready  # documents print boxes without CJK fonts
    app.state.readiness_checks["storage"] = ctx.storage.check  # evidence and calendar years live there

    app.state.rate_limits = RateLimiter(settings.rate_limit_storage)
    if settings.is_production and settings.rate_limit_storage.startswith("memory"):
        log.warning("rate limits are counted per API process: with several replicas set LABOURFLOW_RATE_LIMIT_STORAGE=redis://...")
    app.add_middleware(BodySizeLimit, max_body=settings.max_body_bytes, max_upload=settings.max_upload_bytes)
    install_error_handlers(app)
    app.add_middleware(RequestContext)
    app.include_router(health.router)
    app.include_router(auth.router)
    app.include_router(agency.auth_router)
    app.include_router(cases.router)
    app.include_router(codec.router)
    app.include_router(deadlines.router)
    app.include_router(documents.router)
    app.include_router(supervision_routes.router)
    app.include_router(reference.router)
    from api.pages import admin, calendar, home, monitoring, reply, respond, staff, status, tasks, union, verify
    from api.routes import admin as admin_api
    from api.routes import intake as intake_api
    from api.routes import parties as parties_api
    from api.routes import staff as staff_api

    for router in (intake_api.router, staff_api.router, admin_api.router, agency.router, parties_api.router):
        app.include_router(router)
    for router in (home.router, status.router, staff.router, tasks.router, admin.router, union.router, reply.router,
                   verify.router, respond.router, calendar.router, monitoring.router):
        app.include_router(router)
    install_metrics(app)
    if tracing is not None:
        tracing.instrument_app(app)
        if tracing.exporting:
            tracing.instrument_database(ctx.db)
    install_openapi(app)
    static_dir = settings.templates_dir / "static"
    if static_dir.is_dir():
        app.mount("/static", StaticFiles(directory=static_dir), name="static")
    if settings.trusted_proxies:
        # Added last, so it runs first: the rate limits, logs and cookies see the real client
        # (the first address in X-Forwarded-For, from the right, that is not a trusted proxy).
        # A peer outside these networks is the client itself, whatever header it sends.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
    return app



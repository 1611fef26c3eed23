"""Running the product: `run` (everything), `worker`, `api`, `migrate`."""

from __future__ import annotations

import asyncio

import typer

from infrastructure.settings import SettingsError, get_settings
from labourflow.cli.base import app, fail
from labourflow.worker_role import WorkerRole


def _settings():  # type: ignore[no-untyped-def]
    try:
        return get_settings()
    except SettingsError as exc:
        fail(str(exc), code=1)


@app.command()
def run() -> None:
    """Start everything in the foreground: Temporal dev server (unless one answers), migrations,
    worker and web app; Ctrl-C stops them all."""
    from infrastructure.logs import configure_logging
    from labourflow.runner import run_all

    settings = _settings()
    configure_logging(settings.log_level, settings.log_format)
    raise typer.Exit(asyncio.run(run_all(settings)))


def _require_cjk_fonts() -> None:
    """Refuse to start without the fonts documents are set in (one line naming the fix)."""
    from infrastructure.documents.fonts import FontMissingError, check_cjk_fonts

    try:
        check_cjk_fonts()
    except FontMissingError as exc:
        fail(f"worker refused to start: {exc}", code=1)


@app.command()
def worker(
    role: WorkerRole = typer.Option(
        WorkerRole.all,
        "--role",
        help="workflows (every workflow and the quick activities), documents (PDF rendering, on "
        "<task queue>-documents) or all (both in this process)",
    ),
    nice: int = typer.Option(0, "--nice", min=0, max=19, help="lower this process's CPU priority"),
    metrics_port: int = typer.Option(
        None, "--metrics-port", min=0, max=65535,
        help="Prometheus port of this worker (default LABOURFLOW_WORKER_METRICS_PORT, +1 for the document role; 0: none)",
    ),
) -> None:
    """Run a Temporal worker until interrupted (`labourflow run` starts one per role)."""
    from infrastructure.logs import configure_logging
    from infrastructure.priority import lower_priority
    from labourflow.runner import serve_worker

    if role is not WorkerRole.workflows:
        _require_cjk_fonts()
    settings = _settings()
    configure_logging(settings.log_level, settings.log_format)
    if nice:
        lower_priority(nice)
    asyncio.run(serve_worker(settings, role, metrics_port=metrics_port))


@app.command("worker-health")
def worker_health(
    role: WorkerRole = typer.Option(WorkerRole.workflows, "--role", help="the role of the worker on this host to check"),
    max_age: float = typer.Option(150, "--max-age", help="seconds since its last poll that still count as alive"),
) -> None:
    """Exit 0 when a worker of this role on this host polls Temporal (compose HEALTHCHECK, Kubernetes probe)."""
    import os
    import sys

    from labourflow.runner import worker_polling

    problem = asyncio.run(worker_polling(_settings(), role, max_age=max_age))
    typer.echo(f"unhealthy: {problem}" if problem else "healthy: polling", err=bool(problem))
    sys.stdout.flush()
    sys.stderr.flush()
    # Leave without interpreter finalisation: the Temporal client's Rust threads, still alive then,
    # sometimes abort it (PyGILState_Release, exit -6), and a probe must not fail on its way out.
    os._exit(1 if problem else 0)


@app.command()
def api(
    host: str = typer.Option(None, help="bind address (default LABOURFLOW_API_HOST)"),
    port: int = typer.Option(None, help="port (default LABOURFLOW_API_PORT)"),
) -> None:
    """Run the FastAPI web app (JSON API and pages)."""
    from infrastructure.logs import configure_logging
    from labourflow.runner import serve_api

    settings = _settings()
    configure_logging(settings.log_level, settings.log_format)
    asyncio.run(serve_api(settings, host=host or settings.api_host, port=port or settings.api_port))


@app.command()
def migrate(revision: str = typer.Argument("head", help="Alembic revision to upgrade to")) -> None:
    """Apply the database migrations (SQLite or PostgreSQL per LABOURFLOW_DATABASE_URL), then the
    data migration of running cases: each open task moves to the organisation that now holds its
    kind of work in the task's region (idempotent; run again, or `labourflow organisations
    move-tasks`, after creating organisations)."""
    from infrastructure.db import Database
    from infrastructure.db import migrate as apply
    from infrastructure.logs import configure_logging
    from services.organisations import move_open_tasks_to_holders

    settings = _settings()
    configure_logging(settings.log_level, settings.log_format)
    apply(settings.resolved_database_url, revision)
    typer.echo(f"database migrated to {revision}")
    if revision != "head":
        return  # an older schema may lack the tables the data migration reads

    async def move() -> int:
        db = Database(settings.resolved_database_url)
        try:
            return await move_open_tasks_to_holders(db, by="labourflow migrate")
        finally:
            await db.dispose()

    moved = asyncio.run(move())
    typer.echo(f"open tasks moved to the organisations that hold them: {moved}")

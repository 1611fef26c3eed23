"""The whole product started for real on free ports, in this process: a Temporal dev server
(`temporal server start-dev` from the venv), migrations, demo accounts, the worker with every
workflow and activity, and uvicorn serving `create_app(...)`. Browser tests share one per module."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from activities.deps import ActivityDeps
from api.app import create_app
from infrastructure.crypto import Keyring
from infrastructure.db import Database, migrate_async
from infrastructure.settings import Settings
from infrastructure.temporal import SEARCH_ATTRIBUTES, data_converter
from infrastructure.temporal_gateway import TemporalGateway
from labourflow.worker import build_worker
from services.accounts import seed_demo
from tests.conftest import make_settings
from tests.support import free_port

DEMO_PASSWORD = "demo-password-2026"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass
class Product:
    base_url: str
    settings: Settings
    db: Database
    client: Client
    task_queue: str


def ensure_chromium() -> str:
    """Debian's Chromium; installed with apt-get when missing and running as root
    (never `playwright install`, which downloads a browser build of its own)."""
    if Path(CHROMIUM).exists():
        return CHROMIUM
    if shutil.which("apt-get") and os.geteuid() == 0:
        subprocess.run(["apt-get", "update", "-qq"], check=False)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium"], check=True
        )
    if not Path(CHROMIUM).exists():
        raise RuntimeError(
            "Chromium is missing: run `apt-get install chromium` (or `make install-test` as root)"
        )
    return CHROMIUM


async def _serve(server: uvicorn.Server) -> None:
    with contextlib.suppress(asyncio.CancelledError):
        await server.serve()


@contextlib.asynccontextmanager
async def running_product(data_dir: Path) -> AsyncIterator[Product]:
    """Start everything; stop it all (web app, worker, Temporal) on exit."""
    port = free_port()
    settings = make_settings(
        data_dir, api_port=port, temporal_ui_port=free_port(), task_queue="labourflow-browser"
    )
    env = await WorkflowEnvironment.start_local(
        data_converter=data_converter(settings),
        port=free_port(),
        search_attributes=SEARCH_ATTRIBUTES,
        dev_server_existing_path=str(Path(sys.executable).parent / "temporal"),
        dev_server_log_level="error",
    )
    settings = settings.model_copy(
        update={"temporal_address": env.client.service_client.config.target_host}
    )
    await migrate_async(settings.resolved_database_url)
    db = Database(settings.resolved_database_url)
    await seed_demo(db, DEMO_PASSWORD)
    deps = ActivityDeps(settings=settings, db=db, keyring=Keyring.from_settings(settings))
    worker = build_worker(env.client, deps, task_queue=settings.task_queue)
    app = create_app(
        settings, db=db, temporal=TemporalGateway(settings, env.client), start_pending=False
    )
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="on")
    )
    try:
        async with worker:
            serving = asyncio.create_task(_serve(server))
            base = f"http://127.0.0.1:{port}"
            await _wait_ready(base)
            yield Product(base, settings, db, env.client, settings.task_queue)
            server.should_exit = True
            await asyncio.wait_for(serving, 15)
    finally:
        await db.dispose()
        await env.shutdown()


async def _wait_ready(base: str, within: float = 30) -> None:
    deadline = time.monotonic() + within
    async with httpx.AsyncClient() as http:
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if (await http.get(base + "/healthz")).status_code == 200:
                    return
            await asyncio.sleep(0.2)
    raise TimeoutError(f"{base} did not answer")

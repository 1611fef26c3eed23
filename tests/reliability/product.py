"""The product as real processes for reliability tests: a Temporal dev server persisting to SQLite
(killable and restartable), worker processes (killable), and direct access to the database."""

from __future__ import annotations

import asyncio
import base64
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import select
from temporalio.client import Client

from domain.intake import IntakeRequest
from infrastructure.crypto import Keyring
from infrastructure.db import Database, migrate_async
from infrastructure.settings import Environment, Settings
from infrastructure.tables import Case
from infrastructure.temporal import connect, dev_server_persistence_args, dev_server_search_attribute_args
from services.accounts import seed_demo
from services.intake import register_case, start_workflow
from tests.support import free_port

BIN = Path(sys.executable).parent


@dataclass
class Product:
    data: Path
    grpc: int = field(default_factory=free_port)
    key: str = field(default_factory=lambda: base64.b64encode(secrets.token_bytes(32)).decode())
    lookup: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    server: subprocess.Popen[bytes] | None = None
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def env(self) -> dict[str, str]:
        return os.environ | {
            "LABOURFLOW_ENV": "test", "LABOURFLOW_DATA_DIR": str(self.data),
            "LABOURFLOW_DATABASE_URL": f"sqlite:///{self.data / 'infrastructure.db'}",
            "LABOURFLOW_TEMPORAL_ADDRESS": f"127.0.0.1:{self.grpc}", "LABOURFLOW_ENCRYPTION_KEYS": f"k1:{self.key}",
            "LABOURFLOW_ENCRYPTION_KEY_ID": "k1", "LABOURFLOW_LOOKUP_HASH_KEY": self.lookup,
            "LABOURFLOW_SESSION_SECRET": "reliability", "LABOURFLOW_LOG_FORMAT": "json",
        }

    @property
    def settings(self) -> Settings:
        return Settings(env=Environment.test, data_dir=self.data, database_url=f"sqlite:///{self.data / 'infrastructure.db'}",
                        temporal_address=f"127.0.0.1:{self.grpc}", encryption_keys={"k1": self.key}, encryption_key_id="k1",
                        lookup_hash_key=self.lookup, session_secret="reliability")

    async def prepare(self) -> None:
        await migrate_async(self.settings.resolved_database_url)
        self.db = Database(self.settings.resolved_database_url)
        self.keyring = Keyring.from_settings(self.settings)
        await seed_demo(self.db, "demo-password-123")

    async def start_server(self) -> Client:
        # As `labourflow run` starts it (WAL mode): the crash tests kill it and find everything still there.
        args = [str(BIN / "temporal"), "server", "start-dev", *dev_server_persistence_args(self.data / "temporal.db"), "--ip", "127.0.0.1",
                "--port", str(self.grpc), "--headless", "--log-level", "error", *dev_server_search_attribute_args()]
        self.server = subprocess.Popen(args, stdout=(self.data / "temporal.log").open("ab"), stderr=subprocess.STDOUT)  # noqa: ASYNC220
        self.client = await connect(self.settings, attempts=120, delay=0.25)
        return self.client

    def stop_server(self, sig: int = signal.SIGTERM) -> None:
        assert self.server is not None
        self.server.send_signal(sig)
        self.server.wait(timeout=30)

    def start_worker(self, kill_after: str = "", env: dict[str, str] | None = None, **settings: str) -> subprocess.Popen[bytes]:
        """A worker process (both roles); `env` are extra variables, `settings` extra LABOURFLOW_* ones (e.g. BUILD_ID)."""
        env = self.env | ({"LABOURFLOW_FAULT_KILL_AFTER": kill_after} if kill_after else {}) | (env or {})
        env |= {f"LABOURFLOW_{name.upper()}": value for name, value in settings.items()}
        log = (self.data / f"worker-{len(self.workers)}.log").open("ab")
        worker = subprocess.Popen([sys.executable, "-m", "devtools", "faulty-worker"], env=env, stdout=log, stderr=subprocess.STDOUT)
        self.workers.append(worker)
        return worker

    def stop_workers(self) -> None:
        for worker in self.workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
                try:
                    worker.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    worker.kill()

    async def file(self, bodies: Iterable[dict], shift_seconds: int = 0) -> list[str]:
        """Register cases through the real intake code and start their workflows (at most 8 starts
        in flight: hundreds at once make a SQLite-backed dev server time out some start calls)."""
        numbers = []
        limit = asyncio.Semaphore(8)

        async def start(*args, **kwargs):  # type: ignore[no-untyped-def]
            async with limit:
                return await start_workflow(*args, **kwargs)

        for body in bodies:
            registered = await register_case(self.db, self.keyring, IntakeRequest.model_validate(body), None)
            numbers.append(registered.case_no)
        if shift_seconds:
            from services import intake as case_module

            original = case_module.workflow_input

            async def shifted(*args, **kwargs):  # type: ignore[no-untyped-def]
                inp = await original(*args, **kwargs)
                return inp.model_copy(update={"shift_seconds": shift_seconds})

            case_module.workflow_input = shifted  # type: ignore[assignment]
            try:
                await asyncio.gather(*[start(self.client, self.settings, self.db, self.keyring, n) for n in numbers])
            finally:
                case_module.workflow_input = original  # type: ignore[assignment]
        else:
            await asyncio.gather(*[start(self.client, self.settings, self.db, self.keyring, n) for n in numbers])
        return numbers

    async def stages(self) -> dict[str, str]:
        async with self.db.session() as session:
            return dict((await session.exec(select(Case.case_no, Case.stage))).all())

    async def wait(self, predicate, what: str, timeout: float = 120) -> None:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if await predicate():
                return
            await asyncio.sleep(0.5)
        raise AssertionError(f"timed out waiting for {what}")

    def logs(self) -> str:
        return "\n".join(path.read_text(errors="replace") for path in self.data.glob("*.log"))

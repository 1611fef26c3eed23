"""The processes a bench run starts (Temporal server, worker, API), their CPU and memory from /proc,
and a stack that stops every one of them on exit, Ctrl-C included (no strays)."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from infrastructure.settings import Environment, Settings
from infrastructure.temporal import dev_server_persistence_args, dev_server_search_attribute_args
from labourflow.runner import _die_with_parent, temporal_binary

CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")
BIN = Path(sys.executable).parent


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its reaped children, from /proc/<pid>/stat."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = raw.rsplit(")", 1)[1].split()
    utime, stime, cutime, cstime = (int(fields[i]) for i in (11, 12, 13, 14))
    return (utime + stime + cutime + cstime) / CLK_TCK


def rss_bytes(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    except OSError:
        return 0


def _tail(log: Path, lines: int = 25) -> str:
    """The end of a process's log, for the error (the bench's folder is removed when it stops)."""
    try:
        text = log.read_text(errors="replace").splitlines()[-lines:]
    except OSError:
        return f" ({log} could not be read)"
    return f"; the end of {log.name}:\n" + "\n".join(text)


@dataclass
class Proc:
    name: str
    popen: subprocess.Popen[bytes]

    @property
    def pid(self) -> int:
        return self.popen.pid

    def cpu(self) -> float:
        return cpu_seconds(self.pid)

    def rss(self) -> int:
        return rss_bytes(self.pid)

    def alive(self) -> bool:
        return self.popen.poll() is None

    def stop(self, timeout: float = 20) -> None:
        if not self.alive():
            return
        with contextlib.suppress(ProcessLookupError):
            self.popen.send_signal(signal.SIGTERM)
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                self.popen.kill()
            self.popen.wait()


def _spawn(name: str, args: list[str], log: Path, env: dict[str, str] | None = None) -> Proc:
    out = log.open("ab")
    popen = subprocess.Popen(
        args,
        stdout=out,
        stderr=subprocess.STDOUT,
        env=env,
        preexec_fn=_die_with_parent,
        start_new_session=True,
    )
    out.close()
    return Proc(name, popen)


def _nice(name: str) -> int:
    """A worker's CPU priority from `LABOURFLOW_<NAME>` (as `labourflow run` reads it), else the
    product's default."""
    given = os.environ.get(f"LABOURFLOW_{name.upper()}")
    return int(given) if given else int(Settings.model_fields[name].default)


@dataclass
class Stack:
    """One server (dev in memory, dev with SQLite, or time-skipping), the bench's workflow worker,
    its document worker (as `labourflow run` starts them: two processes, documents at a lower CPU
    priority) and the API, all on free ports under `data`."""

    data: Path
    server_kind: str = "dev-memory"  # dev-memory | dev-sqlite | time-skipping
    grpc: int = field(default_factory=free_port)
    http: int = field(default_factory=free_port)
    key: str = field(default_factory=lambda: base64.b64encode(secrets.token_bytes(32)).decode())
    lookup: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    task_queue: str = "labourflow"
    server: Proc | None = None
    worker: Proc | None = None
    documents: Proc | None = None
    api: Proc | None = None
    # As `labourflow run` starts them: the product's defaults, or the same variables it reads.
    document_nice: int = field(default_factory=lambda: _nice("document_worker_nice"))
    workflow_nice: int = field(default_factory=lambda: _nice("workflow_worker_nice"))
    max_cached_workflows: int | None = None
    database: str | None = None  # a PostgreSQL URL; None: SQLite under `data`

    def __post_init__(self) -> None:
        self.data.mkdir(parents=True, exist_ok=True)

    @property
    def database_url(self) -> str:
        return self.database or f"sqlite:///{self.data / 'infrastructure.db'}"

    @property
    def temporal_db(self) -> Path:
        return self.data / "temporal.db"

    @property
    def env(self) -> dict[str, str]:
        env = dict(os.environ) | {
            "LABOURFLOW_ENV": "test",
            "LABOURFLOW_DATA_DIR": str(self.data),
            "LABOURFLOW_DATABASE_URL": self.database_url,
            "LABOURFLOW_TEMPORAL_ADDRESS": f"127.0.0.1:{self.grpc}",
            "LABOURFLOW_ENCRYPTION_KEYS": f"k1:{self.key}",
            "LABOURFLOW_ENCRYPTION_KEY_ID": "k1",
            "LABOURFLOW_LOOKUP_HASH_KEY": self.lookup,
            "LABOURFLOW_SESSION_SECRET": "bench-session-secret",
            "LABOURFLOW_LOG_FORMAT": "json",
            "LABOURFLOW_LOG_LEVEL": "WARNING",
            "LABOURFLOW_TASK_QUEUE": self.task_queue,
            "LABOURFLOW_RATE_LIMIT_INTAKE": "1000000/1",
            "LABOURFLOW_API_PORT": str(self.http),
            "LABOURFLOW_INTAKE_MIN_FILL_SECONDS": "0",
            "LABOURFLOW_STRICT_SANDBOX": "false",  # the production sandbox, whoever runs the bench
        }
        if self.server_kind == "time-skipping":
            env["LABOURFLOW_BENCH_SEARCH_ATTRIBUTES"] = "0"
        if self.max_cached_workflows is not None:
            env["LABOURFLOW_BENCH_MAX_CACHED"] = str(self.max_cached_workflows)
        return env

    @property
    def settings(self) -> Settings:
        return Settings(
            env=Environment.test,
            data_dir=self.data,
            database_url=self.database_url,
            temporal_address=f"127.0.0.1:{self.grpc}",
            encryption_keys={"k1": self.key},
            encryption_key_id="k1",
            lookup_hash_key=self.lookup,
            session_secret="bench-session-secret",  # noqa: S106
            task_queue=self.task_queue,
            log_level="WARNING",
            intake_min_fill_seconds=0,
        )

    async def start_server(self) -> Proc:
        log = self.data / "temporal.log"
        if self.server_kind == "time-skipping":
            args = [str(BIN / "temporal-test-server"), str(self.grpc)]
        else:
            args = [
                temporal_binary(),
                "server",
                "start-dev",
                "--ip",
                "127.0.0.1",
                "--port",
                str(self.grpc),
                "--headless",
                "--log-level",
                "error",
                *dev_server_search_attribute_args(),
            ]
            if self.server_kind == "dev-sqlite":
                args += dev_server_persistence_args(self.temporal_db)
        self.server = _spawn("temporal", args, log)
        await self._wait_temporal()
        return self.server

    async def _wait_temporal(self, within: float = 90) -> None:
        from temporalio.client import Client

        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            assert self.server is not None
            if not self.server.alive():
                raise RuntimeError(f"the Temporal server exited{_tail(self.data / 'temporal.log')}")
            try:
                client = await asyncio.wait_for(Client.connect(f"127.0.0.1:{self.grpc}"), timeout=3)
                if self.server_kind == "time-skipping":
                    return
                await asyncio.wait_for(client.service_client.check_health(), timeout=3)
                return
            except Exception:
                await asyncio.sleep(0.3)
        raise RuntimeError("the Temporal server did not answer within 90 s")

    def start_worker(self) -> Proc:
        """The workflow worker (with the raw baseline) and the document worker."""
        self.worker = _spawn(
            "worker",
            [sys.executable, "-m", "devtools.bench.worker", "workflows", str(self.workflow_nice)],
            self.data / "worker.log",
            self.env,
        )
        self.documents = _spawn(
            "documents",
            [sys.executable, "-m", "devtools.bench.worker", "documents", str(self.document_nice)],
            self.data / "documents.log",
            self.env,
        )
        return self.worker

    async def start_api(self, profile: Path | None = None) -> Proc:
        import httpx

        env = self.env | ({"LABOURFLOW_BENCH_PROFILE": str(profile)} if profile else {})
        self.api = _spawn(
            "api",
            [sys.executable, "-m", "devtools.bench.api", str(self.http)],
            self.data / "api.log",
            env,
        )
        deadline = time.monotonic() + 60
        async with httpx.AsyncClient(timeout=2) as http:
            while time.monotonic() < deadline:
                if not self.api.alive():
                    raise RuntimeError(f"the API exited{_tail(self.data / 'api.log')}")
                with contextlib.suppress(httpx.HTTPError):
                    if (await http.get(f"http://127.0.0.1:{self.http}/healthz")).status_code == 200:
                        return self.api
                await asyncio.sleep(0.3)
        raise RuntimeError("the API did not answer within 60 s")

    async def wait_worker_ready(self, within: float = 60) -> None:
        """Each worker writes `<name>.ready` in the data folder once it polls."""
        deadline = time.monotonic() + within
        for proc in (self.worker, self.documents):
            assert proc is not None
            while not (self.data / f"{proc.name}.ready").exists():
                if not proc.alive():
                    raise RuntimeError(f"the {proc.name} worker exited{_tail(self.data / f'{proc.name}.log')}")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the {proc.name} worker did not start within {within:.0f} s")
                await asyncio.sleep(0.2)

    def stop_workers(self) -> None:
        for proc in (self.worker, self.documents):
            if proc is not None:
                proc.stop()
                (self.data / f"{proc.name}.ready").unlink(missing_ok=True)

    def stop_all(self) -> None:
        if self.api is not None:
            self.api.stop()
        self.stop_workers()
        if self.server is not None:
            self.server.stop()

    def procs(self) -> list[Proc]:
        return [p for p in (self.server, self.worker, self.documents, self.api) if p is not None]

    def cpu(self) -> dict[str, float]:
        """CPU seconds so far: temporal, worker (workflows), documents and api."""
        return {p.name: p.cpu() for p in self.procs()}


async def settle(
    stack: Stack, quiet: float = 0.05, window: float = 1.0, limit: float = 120
) -> float:
    """Wait until server and worker are idle (CPU below `quiet` cores over `window` s); seconds
    waited."""
    started = time.monotonic()
    procs = [p for p in (stack.server, stack.worker, stack.documents) if p is not None]
    while time.monotonic() - started < limit:
        before = sum(p.cpu() for p in procs)
        await asyncio.sleep(window)
        if sum(p.cpu() for p in procs) - before < quiet * window * len(procs) + 0.02:
            break
    return time.monotonic() - started

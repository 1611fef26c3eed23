"""The Temporal worker: every workflow and activity of the product on one task queue."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from temporalio.client import Client
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from activities import build_activities
from activities.deps import ActivityDeps
from labourflow.faults import fault_interceptors
from workflows.registry import ALL_WORKFLOWS

# Passing `domain` (pure, deterministic) and its data dependency through the sandbox keeps each
# workflow replay cheap: they are imported once per process instead of once per workflow run.
SANDBOX_PASSTHROUGH = ("domain", "chinese_calendar", "pydantic", "pydantic_core", "annotated_types")

# Sticky cache: how many workflow executions the worker keeps in memory between tasks. Each cached
# workflow holds its own sandboxed copy of its workflow modules: `labourflow bench` measured 4.9 MB
# per cached workflow while the package `__init__` imported every workflow module; size the cache to
# the replica's memory (deploy/README.md, "Worker tuning"), workflows waiting on timers need no cache.
MAX_CACHED_WORKFLOWS = 2000


def sandbox_runner() -> SandboxedWorkflowRunner:
    """The production sandbox, with our pure modules passed through."""
    restrictions = SandboxRestrictions.default.with_passthrough_modules(*SANDBOX_PASSTHROUGH)
    return SandboxedWorkflowRunner(restrictions=restrictions)


def build_worker(
    client: Client,
    deps: ActivityDeps,
    *,
    task_queue: str,
    max_cached_workflows: int = MAX_CACHED_WORKFLOWS,
    activity_threads: int = 16,
) -> Worker:
    """A worker with every workflow and activity registered, using the production sandbox."""
    return Worker(
        client,
        task_queue=task_queue,
        workflows=ALL_WORKFLOWS,
        activities=build_activities(deps),
        activity_executor=ThreadPoolExecutor(max_workers=activity_threads, thread_name_prefix="activity"),
        workflow_runner=sandbox_runner(),
        max_cached_workflows=max_cached_workflows,
        interceptors=fault_interceptors(),
        max_concurrent_activities=activity_threads,
    )

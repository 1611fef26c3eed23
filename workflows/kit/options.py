"""One table of activity timeouts and retry policies, by kind of side effect, and how the quick
activities run.

The quick activities (a projection row, a notification row, a task assignment: one database
transaction each, idempotent by its key) run in the workflow worker, which hosts them anyway, as
local activities (`run_quick`): the server records a marker when the workflow task completes
instead of scheduling, dispatching, starting and completing an activity task, and then a workflow
task, for each. A case's path runs about fifty of them. Their retries and timeouts are the same
(without limit, 10 s per attempt); a worker that dies mid-way loses the workflow task and the next
worker runs the activity again (its key makes that harmless). Workflows that began before this (no
`local-quick-activities` marker in their history) keep activity tasks to the end: `workflow.patched`
answers once per run.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from types import MappingProxyType
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from domain.documents import document_task_queue

# Projections and notifications must eventually land: retry without limit, backing off to a minute.
_FOREVER = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=1))
# The start-to-close timeout is also how long a case waits when a worker dies mid-activity (nothing
# else tells the server): projections take milliseconds, so 10 s is both generous and a quick recovery.
_QUICK = timedelta(seconds=10)

PROJECTION: Mapping[str, Any] = MappingProxyType({"start_to_close_timeout": _QUICK, "retry_policy": _FOREVER})
NOTIFY: Mapping[str, Any] = MappingProxyType({"start_to_close_timeout": _QUICK, "retry_policy": _FOREVER})
ASSIGN: Mapping[str, Any] = MappingProxyType({"start_to_close_timeout": _QUICK, "retry_policy": _FOREVER})
# Rendering is deterministic: a template or input error will not heal by retrying.
DOCUMENT: Mapping[str, Any] = MappingProxyType({
    "start_to_close_timeout": timedelta(seconds=30),  # a PDF takes 0.2-1.5 s
    "retry_policy": RetryPolicy(
        initial_interval=timedelta(seconds=2),
        maximum_interval=timedelta(minutes=5),
        non_retryable_error_types=("DocumentInputError", "UndefinedError", "TemplateNotFound"),
    ),
})


def document_queue() -> dict[str, Any]:
    """The document activity's task queue, next to the calling workflow's own (domain.documents)."""
    return {"task_queue": document_task_queue(workflow.info().task_queue)}


LOCAL_QUICK = "local-quick-activities"


async def run_quick(activity: str, arg: Any, opts: Mapping[str, Any], result_type: Any = None) -> Any:
    """Run the quick activity `activity` with `opts` (PROJECTION, NOTIFY, ASSIGN): local, unless this
    run began with activity tasks."""
    if workflow.patched(LOCAL_QUICK):
        return await workflow.execute_local_activity(activity, arg, result_type=result_type, **opts)
    return await workflow.execute_activity(activity, arg, result_type=result_type, **opts)

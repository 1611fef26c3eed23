"""What a worker process serves (kept apart from labourflow/worker.py so that the command line can
name the roles without importing Temporal, the activities and every workflow)."""

from __future__ import annotations

from enum import StrEnum


class WorkerRole(StrEnum):
    """`workflows`: every workflow and the quick activities (projections, tasks, notifications);
    `documents`: PDF rendering, on `<task queue>-documents`; `all`: both in one process."""

    all = "all"
    workflows = "workflows"
    documents = "documents"

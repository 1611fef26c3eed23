"""Sandbox: worker CPU per workflow task when replaying the dispute path's histories (the case
and its
children, recorded by the case-cost scenario) with the production sandbox runner and with the
unsandboxed runner, next to the same for the raw workflow's histories. Replay is what a worker does
after an eviction from the sticky cache, and it exercises exactly the workflow code; production
itself always runs sandboxed."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Sequence
from typing import Any

from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer, UnsandboxedWorkflowRunner, WorkflowRunner

from devtools.bench.common import count_steps, metric, progress
from devtools.bench.raw import RawChild, RawWorkflow
from infrastructure.settings import Settings
from infrastructure.temporal import data_converter
from labourflow.worker import precompile_workflows, sandbox_runner
from workflows.registry import ALL_WORKFLOWS


async def _aiter(histories: Sequence[WorkflowHistory]) -> AsyncIterator[WorkflowHistory]:
    for history in histories:
        yield history


async def replay_cpu(
    workflows: Sequence[type],
    histories: Sequence[WorkflowHistory],
    runner: WorkflowRunner,
    settings: Settings,
    rounds: int,
) -> float:
    """CPU ms per workflow task over `rounds` replays of every history (this process's CPU)."""
    replayer = Replayer(
        workflows=workflows, workflow_runner=runner, data_converter=data_converter(settings)
    )
    tasks = count_steps(histories).workflow_tasks * rounds
    started = time.process_time()
    for _ in range(rounds):
        await replayer.replay_workflows(_aiter(histories), raise_on_replay_failure=True)
    return (time.process_time() - started) / max(tasks, 1) * 1000


async def run(
    settings: Settings, histories: dict[str, list[WorkflowHistory]], *, repeat: int, rounds: int
) -> dict[str, Any]:
    precompile_workflows()  # as the production worker does when it starts
    sets = {
        "product": (list(ALL_WORKFLOWS), histories["product"]),
        "raw": ([RawWorkflow, RawChild], histories["raw"]),
    }
    figures: dict[str, dict[str, list[float]]] = {
        kind: {"sandboxed": [], "unsandboxed": []} for kind in sets
    }
    for workflows, hist in sets.values():  # warm-up: imports, first sandbox
        await replay_cpu(workflows, hist, sandbox_runner(), settings, 1)
        await replay_cpu(workflows, hist, UnsandboxedWorkflowRunner(), settings, 1)
    for rep in range(repeat):
        for kind, (workflows, hist) in sets.items():
            figures[kind]["sandboxed"].append(
                await replay_cpu(workflows, hist, sandbox_runner(), settings, rounds)
            )
            figures[kind]["unsandboxed"].append(
                await replay_cpu(workflows, hist, UnsandboxedWorkflowRunner(), settings, rounds)
            )
        progress(
            f"sandbox run {rep + 1}/{repeat}: product "
            f"{figures['product']['sandboxed'][-1]:.1f} ms sandboxed, "
            f"{figures['product']['unsandboxed'][-1]:.1f} ms unsandboxed per workflow task"
        )
    ratio = {
        kind: [s / u for s, u in zip(f["sandboxed"], f["unsandboxed"], strict=True)]
        for kind, f in figures.items()
    }
    metrics = [
        metric(
            "sandbox: sandboxed / unsandboxed CPU per workflow task",
            "×",
            ratio["product"],
            ratio["raw"],
            note="product: the dispute path replayed; baseline: the raw workflow replayed",
        ),
        metric(
            "sandbox: CPU per workflow task, sandboxed",
            "ms",
            figures["product"]["sandboxed"],
            figures["raw"]["sandboxed"],
            target="≤ 1.2 × raw",
            met=lambda _m, r: r is not None and r <= 1.2,
        ),
        metric(
            "sandbox: CPU per workflow task, unsandboxed",
            "ms",
            figures["product"]["unsandboxed"],
            figures["raw"]["unsandboxed"],
        ),
    ]
    steps = {kind: count_steps(hist).asdict() for kind, (_, hist) in sets.items()}
    return {"histories": steps, "rounds": rounds, "metrics": metrics}

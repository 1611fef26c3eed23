"""Replay gate: every committed history of every workflow type replays against today's workflow code
in the production sandbox. A change that would break a running case fails here; put it behind
`workflow.patched("...")`, or, if it is meant to change history, re-record with
`python -m tests.workflows.replay record` and say why in the commit."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.worker import Replayer

from labourflow.worker import sandbox_runner
from tests.workflows.replay import HISTORIES, load_history, replay_converter
from workflows.registry import ALL_WORKFLOWS

FILES = sorted(HISTORIES.glob("*.json"))


def test_every_workflow_type_has_a_committed_history() -> None:
    supervision = HISTORIES.parents[1] / "supervision" / "histories"  # recorded by tests/supervision/test_replay.py
    recorded = {path.stem.split("--")[0] for path in [*FILES, *supervision.glob("*.json")]}
    registered = {defn.__temporal_workflow_definition.name for defn in ALL_WORKFLOWS}  # type: ignore[attr-defined]
    assert registered <= recorded, f"no committed history for: {sorted(registered - recorded)}"


@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
async def test_history_replays(path: Path) -> None:
    history = load_history(path)
    replayer = Replayer(workflows=ALL_WORKFLOWS, data_converter=replay_converter(), workflow_runner=sandbox_runner(strict=True))
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is None, f"{path.name} no longer replays: {result.replay_failure}"

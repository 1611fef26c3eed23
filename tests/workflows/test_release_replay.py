"""The release gate (deploy/README.md, "Upgrading"): histories recorded with every earlier release
(`tests/workflows/histories/release-<version>/`, by `python -m tests.workflows.replay record-release`)
replay against today's workflow code in the production sandbox.

Long-lived cases are AUTO_UPGRADE: when a new build is made current, cases started on an older
release continue on the new code from their recorded history. A change that would break one of them
fails here; put it behind `workflow.patched("...")`. A release folder is removed only when no case
started on that release can still be open, together with the patches it needed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from temporalio.worker import Replayer

from labourflow.release import package_version
from labourflow.worker import sandbox_runner
from tests.workflows.replay import HISTORIES, load_history, release_folder, replay_converter
from workflows.registry import ALL_WORKFLOWS

RELEASES = sorted(path for path in HISTORIES.glob("release-*") if path.is_dir())
FILES = sorted(path for folder in RELEASES for path in folder.glob("*.json") if path.name != "release.json")


def test_this_release_is_recorded() -> None:
    """Releasing means recording: the folder of the version in pyproject.toml exists and holds a
    history of every workflow type, and the note of the build it was recorded with."""
    folder = release_folder(package_version())
    assert folder.is_dir(), f"no histories for release {package_version()}: run `python -m tests.workflows.replay record-release`"
    recorded = {path.stem.split("--")[0] for path in folder.glob("*.json")}
    registered = {defn.__temporal_workflow_definition.name for defn in ALL_WORKFLOWS}  # type: ignore[attr-defined]
    assert registered <= recorded, f"release {package_version()} has no history for: {sorted(registered - recorded)}"
    note = json.loads((folder / "release.json").read_text())
    assert note["version"] == package_version() and note["build_id"].startswith(f"{package_version()}-")


@pytest.mark.parametrize("path", FILES, ids=[f"{path.parent.name}/{path.stem}" for path in FILES])
async def test_release_history_replays(path: Path) -> None:
    history = load_history(path)
    replayer = Replayer(workflows=ALL_WORKFLOWS, data_converter=replay_converter(), workflow_runner=sandbox_runner())
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is None, f"{path.parent.name}/{path.name} no longer replays: {result.replay_failure}"

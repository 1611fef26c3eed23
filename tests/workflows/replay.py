"""Committed workflow histories and their replay: a change to workflow code that would break a
running case fails CI unless it is behind `workflow.patched(...)`.

`python -m tests.workflows.replay record` re-plays every scenario in `scenarios/` and stores the
history of each workflow it ran under `tests/workflows/histories/`. `record --add NAME` keeps every
committed history (they prove that running cases of earlier releases still replay) and adds only
what is new: workflow types without a history yet, a type's history as `<type>--NAME.json` when it
takes a patched branch (`workflow.patched("...")`) that no committed history of that type has, and
each scenario's case history as `dispute--<scenario>--NAME.json`. The payloads are encrypted
with the fixed TEST-ONLY key below (never used outside these files).

`python -m tests.workflows.replay record-release` is the release step (deploy/README.md, "Upgrading"):
with the code being released, it records the scenarios and the supervision matter, its referral and
a letter batch into `histories/release-<version>/`, once per release; every later build must replay
every release folder (tests/workflows/test_release_replay.py), because cases started on that release
move to the new code when it is made current."""

from __future__ import annotations

import asyncio
import hashlib
import json
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from infrastructure.settings import Environment, Settings
from infrastructure.temporal import data_converter

HISTORIES = Path(__file__).resolve().parent / "histories"
SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
TEST_ONLY_KEY = hashlib.sha256(b"labourflow test-only history key").digest()


def replay_settings() -> Settings:
    """Decrypts the scenario histories (key `sim`) and the supervision ones (key `replay`, tests/supervision/test_replay.py)."""
    import base64

    from tests.supervision.test_replay import FIXED_KEY

    return Settings(env=Environment.test, encryption_keys={"sim": base64.b64encode(TEST_ONLY_KEY).decode(), "replay": FIXED_KEY},
                    encryption_key_id="sim", session_secret="test", lookup_hash_key="test")


def release_folder(version: str) -> Path:
    """Where the histories recorded with release `version` are kept."""
    return HISTORIES / f"release-{version}"


def replay_converter() -> Any:
    return data_converter(replay_settings())


def load_history(path: Path) -> Any:
    """A committed history with the workflow id it ran under (ids are part of its state)."""
    from temporalio.client import WorkflowHistory

    record = json.loads(path.read_text())
    return WorkflowHistory.from_json(record["workflow_id"], record["history"])


def patches(history: Any) -> set[str]:
    """The ids of the `workflow.patched(...)` branches a history took (its core_patch markers)."""
    found = set()
    for event in history.events:
        if event.HasField("marker_recorded_event_attributes") and event.marker_recorded_event_attributes.marker_name == "core_patch":
            for payload in event.marker_recorded_event_attributes.details["patch-data"].payloads:
                found.add(json.loads(payload.data)["id"])
    return found


def committed_patches(kind: str) -> set[str]:
    """Every patch id taken by a committed history of workflow type `kind`."""
    paths = [HISTORIES / f"{kind}.json", *HISTORIES.glob(f"{kind}--*.json")]
    return set().union(*(patches(load_history(path)) for path in paths if path.exists()))


async def record(add: str | None = None, folder: Path = HISTORIES) -> None:
    """Re-play every scenario and store the histories in `folder` (one per workflow type, one per scenario
    for the case); with `add`, keep what is committed and add only what is new (module docstring)."""
    from devtools.simulate import Scenario, run_scenario

    seen: set[str] = set()

    for path in sorted(SCENARIOS.glob("*.toml")):
        async def keep(sim: Any, workflow_ids: list[str], name: str = path.stem) -> None:
            for workflow_id in workflow_ids:
                handle = sim.env.client.get_workflow_handle(workflow_id)
                kind = (await handle.describe()).workflow_type
                if kind != "dispute" and kind in seen:
                    continue
                seen.add(kind)
                history = await handle.fetch_history()
                target = folder / (f"dispute--{name}{'--' + add if add else ''}.json" if kind == "dispute" else f"{kind}.json")
                if add and kind != "dispute" and target.exists():
                    if not patches(history) - committed_patches(kind):
                        continue
                    target = folder / f"{kind}--{add}.json"  # a new branch of a recorded type
                record = {"workflow_id": workflow_id, "history": json.loads(history.to_json())}
                target.write_text(json.dumps(record, separators=(",", ":")))
                print(f"recorded {target.name} ({len(history.events)} events)")

        async def keep_with_report(sim: Any, workflow_ids: list[str], keep: Any = keep) -> None:
            if "issue-document" not in seen:  # the administrators' report has a workflow of its own
                from domain.documents import DocumentType, RenderDocumentInput
                from domain.ids import document_workflow_id

                request = RenderDocumentInput(doc_type=DocumentType.case_summary_report, subject=f"case:{workflow_ids[0][5:]}",
                                              idempotency_key="replay-report", facts={})
                await sim.env.client.execute_workflow("issue-document", request, id=document_workflow_id("replay-report"),
                                                      task_queue=sim.task_queue)
                workflow_ids = [*workflow_ids, document_workflow_id("replay-report")]
            await keep(sim, workflow_ids)

        result = await run_scenario(Scenario.load(path), key=TEST_ONLY_KEY, keep=keep_with_report)
        if result["expectations"]:
            raise SystemExit(f"{path.name}: {result['expectations']}")


async def record_release() -> Path:
    """Record this release's histories into `histories/release-<version>/`, with a note of the build."""
    import temporalio

    from labourflow.release import default_build_id, package_version
    from tests.supervision.test_replay import record_histories

    folder = release_folder(package_version())
    if folder.exists():
        raise SystemExit(f"{folder} exists: a release is recorded once, with its own code (bump the version in pyproject.toml first)")
    folder.mkdir()
    await record(folder=folder)
    with tempfile.TemporaryDirectory(prefix="labourflow-release-") as tmp:
        await record_histories(Path(tmp), folder)
    note = {"version": package_version(), "build_id": default_build_id(), "temporalio": temporalio.__version__,
            "recorded_at": datetime.now(UTC).isoformat(timespec="seconds")}
    (folder / "release.json").write_text(json.dumps(note, indent=1) + "\n")
    return folder


if __name__ == "__main__":
    args = sys.argv[1:]
    if args == ["record"] or (len(args) == 3 and args[:2] == ["record", "--add"]):
        HISTORIES.mkdir(exist_ok=True)
        asyncio.run(record(args[2] if len(args) == 3 else None))
    elif args == ["record-release"]:
        print(f"recorded {asyncio.run(record_release())}")
    else:
        raise SystemExit("usage: python -m tests.workflows.replay record [--add NAME] | record-release")

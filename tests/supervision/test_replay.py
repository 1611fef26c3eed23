"""Determinism of the supervision workflows: a committed history of a whole matter (investigation,
reminder letter, opinion notice, missed reply, pre-drafted recommendation notice, referral child,
government, lead transfer) replays with today's code under the production sandbox.

The history's payloads are encrypted with a fixed test key, committed with it. To record it again
after a deliberate, versioned change, run this file with LABOURFLOW_RECORD_HISTORIES=1.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer

from activities.deps import ActivityDeps
from infrastructure.crypto import Keyring
from infrastructure.db import Database, migrate_async
from infrastructure.settings import Settings
from infrastructure.temporal import data_converter
from labourflow.worker import build_worker, sandbox_runner
from services.supervision.batches import start_batch
from tests.conftest import TEST_SERVER, make_settings
from tests.supervision.bulk_support import new_batch
from tests.supervision.conftest import seed_staff
from tests.supervision.harness import SupervisionHarness
from tests.supervision.stories import INVESTIGATION, OPINION, REMINDER, complaint, opening
from tests.supervision.test_escalation import LEAD
from workflows.registry import ALL_WORKFLOWS

pytestmark = pytest.mark.slow
HISTORY = Path(__file__).parent / "histories" / "supervision-matter.json"
FIXED_KEY = base64.b64encode(bytes(range(32))).decode()  # test data only


def fixed_settings(data_dir: Path) -> Settings:
    return make_settings(
        data_dir,
        encryption_keys={"replay": FIXED_KEY},
        encryption_key_id="replay",
        lookup_hash_key="replay-test",
        session_secret="replay-test",
    )


async def record_histories(tmp_path: Path, folder: Path) -> None:
    """Run a whole matter, its referral and a letter batch on the time-skipping server and store their
    histories in `folder` (also used to record a release: `python -m tests.workflows.replay record-release`)."""
    settings = fixed_settings(tmp_path)
    await migrate_async(settings.resolved_database_url)
    db = Database(settings.resolved_database_url)
    deps = ActivityDeps(settings=settings, db=db, keyring=Keyring.from_settings(settings))
    await seed_staff(db)
    env = await WorkflowEnvironment.start_time_skipping(
        data_converter=data_converter(settings), test_server_existing_path=TEST_SERVER
    )
    try:
        async with build_worker(env.client, deps, task_queue="replay"):
            harness = SupervisionHarness(env, deps, "replay")
            case = await harness.file_case(complaint(), date(2026, 8, 3))
            matter = await harness.open(opening([case]), date(2026, 9, 10))
            await matter.act("decide_next", "record_investigation", INVESTIGATION)
            await matter.act("decide_next", "draft_notice", REMINDER)
            await matter.act("approve_notice", "approve_notice", {}, who="union2")
            await matter.act("record_service", "record_service", {"served_on": "2026-09-10"})
            await matter.act("await_reply", "draft_notice", OPINION)
            await matter.act("approve_notice", "approve_notice", {}, who="union2")
            await matter.act("record_service", "record_service", {"served_on": "2026-09-10"})
            await harness.sleep(40)  # no reply within 15 working days (National Day not counted)
            await matter.act("approve_notice", "approve_notice", {}, who="union")
            day = harness.today.isoformat()
            await matter.act("record_service", "record_service", {"served_on": day})
            await matter.act(
                "record_department_filing", "record_filing", {"decided_on": day, "granted": True}
            )
            await matter.act(
                "record_inspection_result", "record_result", {"decided_on": day, "rectified": False}
            )
            await matter.act(
                "decide_next", "escalate_government", {"on": day, "grounds": "仍拒不支付"}
            )
            await matter.act("record_government_response", "record_response", {"decided_on": day})
            order = {**LEAD["transfer"], "order_issued_on": day, "order_due_on": day}  # type: ignore[dict-item]
            await matter.act(
                "decide_next", "draft_notice", {**LEAD, "transfer": order}, who="union2"
            )
            await matter.act("approve_notice", "approve_notice", {}, who="union")
            await matter.act("record_service", "record_service", {"served_on": day})
            await matter.act(
                "record_procuratorate_decision", "record_response", {"decided_on": day}
            )
            await matter.result()
            history = await matter.handle.fetch_history()
            referral = await env.client.get_workflow_handle(f"{matter.handle.id}/referral/1").fetch_history()
            _store(folder, "supervision-matter", history)
            _store(folder, "supervision-referral", referral)
            batch_no = await new_batch(db, 3)
            await start_batch(env.client, settings.model_copy(update={"task_queue": "replay"}), db, batch_no,
                              letters_per_run=10, chunk=3)
            bulk = env.client.get_workflow_handle(f"bulk-letters/{batch_no}")
            await bulk.result()
            _store(folder, "bulk-letters", await bulk.fetch_history())
    finally:
        await env.shutdown()
        await db.dispose()


def _store(folder: Path, kind: str, history: WorkflowHistory) -> None:
    record = {"workflow_id": history.workflow_id, "history": history.to_json_dict()}
    (folder / f"{kind}.json").write_text(json.dumps(record, ensure_ascii=False, indent=1))


@pytest.fixture
async def committed(tmp_path: Path) -> AsyncIterator[dict[str, object]]:
    if os.environ.get("LABOURFLOW_RECORD_HISTORIES") == "1" or not HISTORY.exists():
        HISTORY.parent.mkdir(exist_ok=True)
        await record_histories(tmp_path, HISTORY.parent)
    yield json.loads(HISTORY.read_text())


async def test_committed_matter_history_replays(
    committed: dict[str, object], tmp_path: Path
) -> None:
    history = WorkflowHistory.from_json(str(committed["workflow_id"]), committed["history"])
    event_types = {event.event_type for event in history.events}
    assert len(history.events) > 200 and len(event_types) > 10, "a whole ladder, not a stub"
    replayer = Replayer(
        workflows=ALL_WORKFLOWS,
        workflow_runner=sandbox_runner(),
        data_converter=data_converter(fixed_settings(tmp_path)),
    )
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is None, (
        f"the supervision workflow no longer replays: {result.replay_failure}"
    )


@pytest.mark.parametrize("kind", ["supervision-referral", "bulk-letters"])
async def test_committed_child_and_batch_histories_replay(committed: dict[str, object], tmp_path: Path, kind: str) -> None:
    record = json.loads((HISTORY.parent / f"{kind}.json").read_text())
    history = WorkflowHistory.from_json(str(record["workflow_id"]), record["history"])
    replayer = Replayer(workflows=ALL_WORKFLOWS, workflow_runner=sandbox_runner(),
                        data_converter=data_converter(fixed_settings(tmp_path)))
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is None, f"{kind} no longer replays: {result.replay_failure}"

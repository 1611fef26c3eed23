"""Bulk reminder letters on the time-skipping server: one numbered letter per employer row, in
chunks with continue-as-new, progress as a query and a projection, and a batch interrupted
mid-way (its workflow terminated) resumed without a gap or a duplicate number."""

from __future__ import annotations

import asyncio
import time

import pytest
from temporalio.api.enums.v1 import EventType

from domain.bulk_letters import BulkProgress, BulkResult
from services.supervision.batches import batch_row, start_batch
from tests.supervision.bulk_support import assert_gap_free, issued_numbers, new_batch
from tests.supervision.harness import SupervisionHarness

pytestmark = pytest.mark.slow
COUNT = 16


async def _issued(harness: SupervisionHarness, batch_no: str) -> int:
    return sum(no is not None for no in await issued_numbers(harness.deps.db, batch_no))


async def _runs(harness: SupervisionHarness, batch_no: str) -> list[int]:
    """Letters rendered by each run of the batch's workflow, first run first."""
    counts: list[int] = []
    run_id: str | None = None
    while True:
        history = await harness.env.client.get_workflow_handle(
            f"bulk-letters/{batch_no}", run_id=run_id
        ).fetch_history()
        counts.insert(
            0,
            sum(
                1
                for e in history.events
                if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
                and e.activity_task_scheduled_event_attributes.activity_type.name
                == "render-document"
            ),
        )
        run_id = history.events[
            0
        ].workflow_execution_started_event_attributes.continued_execution_run_id
        if not run_id:
            return counts


async def test_batch_issues_one_numbered_letter_per_row_across_continue_as_new(
    harness: SupervisionHarness,
) -> None:
    batch_no = await new_batch(harness.deps.db, COUNT)
    settings = harness.settings.model_copy(update={"task_queue": harness.task_queue})
    await start_batch(
        harness.env.client, settings, harness.deps.db, batch_no, letters_per_run=6, chunk=3
    )
    handle = harness.env.client.get_workflow_handle(
        f"bulk-letters/{batch_no}", result_type=BulkResult
    )
    result = await asyncio.wait_for(handle.result(), timeout=120)
    assert (result.issued, result.failed) == (COUNT, 0)
    progress = await handle.query("progress", result_type=BulkProgress)
    assert (
        progress.issued == COUNT
        and progress.status == "done"
        and progress.last_document_no == "〔2026〕浦工监提字第16号"
    )
    numbers = await issued_numbers(harness.deps.db, batch_no)
    assert (
        numbers[0] == "〔2026〕浦工监提字第1号" and numbers[-1] == "〔2026〕浦工监提字第16号"
    )  # in file order
    batch = await batch_row(harness.deps.db, batch_no)
    assert batch is not None and (batch.status, batch.issued, batch.failed) == ("done", COUNT, 0)
    await assert_gap_free(harness.deps.db, batch_no, COUNT)
    assert await _runs(harness, batch_no) == [6, 6, 4], (
        "letters per run: continued as new every 6 letters"
    )


async def test_interrupted_batch_resumes_without_gap_or_duplicate(
    harness: SupervisionHarness,
) -> None:
    batch_no = await new_batch(harness.deps.db, COUNT)
    settings = harness.settings.model_copy(update={"task_queue": harness.task_queue})
    await start_batch(harness.env.client, settings, harness.deps.db, batch_no)
    handle = harness.env.client.get_workflow_handle(f"bulk-letters/{batch_no}")
    deadline = time.monotonic() + 60
    while await _issued(harness, batch_no) < 5 and time.monotonic() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.05)
    await handle.terminate("operator interrupted the batch")
    interrupted_at = await _issued(harness, batch_no)
    assert 5 <= interrupted_at < COUNT

    await start_batch(
        harness.env.client, settings, harness.deps.db, batch_no
    )  # the page's "resume"
    resumed = harness.env.client.get_workflow_handle(
        f"bulk-letters/{batch_no}", result_type=BulkResult
    )
    result = await asyncio.wait_for(resumed.result(), timeout=120)
    assert (result.issued, result.failed) == (COUNT, 0), (
        "the resumed run counts the letters issued before"
    )
    await assert_gap_free(harness.deps.db, batch_no, COUNT)

"""Documents: one PDF rendered through the real rendering code (median over N, after a warm-up, as a
running worker is warm), and a batch of bulk reminder letters (批量提示函) end to end through the
real batch service, workflow and document activity, against the raw workflow with as many
activities."""

from __future__ import annotations

import time
import uuid
from datetime import date
from typing import Any

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client

from devtools.bench.common import metric, progress
from devtools.bench.procs import Stack, settle
from devtools.bench.raw import RAW_TASK_QUEUE_SUFFIX, RawInput
from devtools.stories import uscc
from domain.bulk_letters import holiday_wages_content, parse_employers_csv
from domain.documents import CATALOGUE, DocumentType
from infrastructure.db import Database
from services.supervision.batches import create_batch, start_batch
from services.supervision.matters import Opener

OPENER = Opener(username="union", team_code="union-fed-1", region="shanghai-pudong")
ONE_PDF = DocumentType.case_receipt


def render_times(rounds: int) -> list[float]:
    """Seconds per HTML + PDF render of one catalogue sample (the case receipt), after one
    warm-up."""
    from devtools.document_samples import sample_for, validated_facts
    from infrastructure.documents.issue import render_from_parts
    from infrastructure.settings import PROJECT_ROOT

    item = sample_for(ONE_PDF)
    times = []
    for round_no in range(rounds + 1):
        started = time.perf_counter()
        render_from_parts(
            PROJECT_ROOT / "templates",
            CATALOGUE[ONE_PDF],
            validated_facts(item),
            item.parties,
            item.meta(),
        )
        if round_no:
            times.append(time.perf_counter() - started)
    return times


def employers_csv(count: int) -> bytes:
    tag = uuid.uuid4().int % 10000
    rows = [
        f"上海第{i}服装有限公司,{uscc(f'91310115M{tag:04d}{i:04d}')},浦东新区第{i}号"
        for i in range(1, count + 1)
    ]
    return ("单位名称,统一社会信用代码,地址\n" + "\n".join(rows) + "\n").encode()


async def activities_of_all_runs(client: Client, workflow_id: str) -> int:
    total, run_id = 0, None
    while True:
        history = await client.get_workflow_handle(workflow_id, run_id=run_id).fetch_history()
        total += sum(
            e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED for e in history.events
        )
        run_id = history.events[
            0
        ].workflow_execution_started_event_attributes.continued_execution_run_id
        if not run_id:
            return total


async def bulk_letters(stack: Stack, client: Client, count: int) -> tuple[float, float, int]:
    """(seconds end to end, CPU s of server + both workers, activities) for one batch of `count`
    letters."""
    db = Database(stack.settings.resolved_database_url)
    try:
        report = parse_employers_csv(employers_csv(count))
        if not report.ok:
            raise RuntimeError(f"bench CSV refused: {report.problems[:3]}")
        before, started = stack.cpu(), time.perf_counter()
        batch_no = await create_batch(
            db, OPENER, report.rows, holiday_wages_content(), date.today()
        )
        await start_batch(client, stack.settings, db, batch_no)
        await client.get_workflow_handle(f"bulk-letters/{batch_no}").result()
        elapsed = time.perf_counter() - started
        after = stack.cpu()
    finally:
        await db.dispose()
    used = sum(after[n] - before[n] for n in ("temporal", "worker", "documents"))
    return elapsed, used, await activities_of_all_runs(client, f"bulk-letters/{batch_no}")


async def raw_batch(stack: Stack, client: Client, activities: int) -> tuple[float, float]:
    before, started = stack.cpu(), time.perf_counter()
    await client.execute_workflow(
        "raw",
        RawInput(activities=activities),
        id=f"raw-bulk-{uuid.uuid4().hex[:8]}",
        task_queue=stack.task_queue + RAW_TASK_QUEUE_SUFFIX,
    )
    elapsed = time.perf_counter() - started
    after = stack.cpu()
    return elapsed, sum(after[n] - before[n] for n in ("temporal", "worker", "documents"))


async def run(stack: Stack, client: Client, *, renders: int, letters: int) -> dict[str, Any]:
    progress(f"documents: rendering one PDF ({ONE_PDF.value}) {renders} times")
    times = [t * 1000 for t in render_times(renders)]
    progress(
        f"documents: one PDF median {sorted(times)[len(times) // 2]:.0f} ms; bulk batch of "
        f"{letters} letters"
    )
    await settle(stack)
    elapsed, used, activities = await bulk_letters(stack, client, letters)
    progress(
        f"documents: {letters} letters in {elapsed:.1f} s ({activities} activities); raw "
        "workflow with as many activities"
    )
    await settle(stack)
    raw_elapsed, raw_used = await raw_batch(stack, client, activities)
    return {
        "document": ONE_PDF.value,
        "letters": letters,
        "activities": activities,
        "metrics": [
            metric(
                "documents: one PDF render",
                "ms",
                times,
                target="median ≤ 500 ms",
                met=lambda m, _r: m <= 500,
            ),
            metric(
                f"documents: {letters} bulk letters end to end",
                "s",
                [elapsed],
                [raw_elapsed],
                note=f"baseline: raw workflow with the same {activities} activities",
            ),
            metric(f"documents: {letters} bulk letters server+workers CPU", "s", [used], [raw_used]),
        ],
    }

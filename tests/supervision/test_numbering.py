"""文号 of supervision notices: unique and gap-free per union, series and year, even when fifty
staff approvals issue at the same moment on fifty matters."""

from __future__ import annotations

import asyncio
import time
from datetime import date

import pytest

from domain.documents import format_document_no
from tests.stories import uscc
from tests.supervision.harness import MatterRun, SupervisionHarness
from tests.supervision.stories import REMINDER

pytestmark = pytest.mark.slow
COUNT = 50


async def _drafted(harness: SupervisionHarness, index: int) -> MatterRun:
    employer = {"name": f"上海第{index}建筑劳务有限公司", "uscc": uscc(f"91310115MA1K{index:05d}")}
    matter = await harness.open(
        {"employer": employer, "origin": "inspection", "origin_note": "节前专项检查发现欠薪风险"},
        date(2026, 12, 20),
    )
    await matter.act(
        "decide_next",
        "draft_notice",
        {**REMINDER, "findings": ["节前检查发现该单位有拖欠工资的风险"]},
        within=60,  # fifty matters open at once: their first tasks take a while on 2 busy cores
    )
    await matter.task("approve_notice", within=60)
    return matter


async def test_fifty_concurrent_approvals_get_fifty_consecutive_numbers(
    harness: SupervisionHarness,
) -> None:
    matters = await asyncio.gather(*(_drafted(harness, i) for i in range(COUNT)))
    started = time.perf_counter()
    results = await asyncio.gather(
        *(m.act("approve_notice", "approve_notice", {}, who="union2") for m in matters)
    )
    print(f"{COUNT} concurrent approvals issued in {time.perf_counter() - started:.1f} s")
    numbers = [r.message_en.removeprefix("Issued as ") for r in results]
    expected = {format_document_no("工监提", 2026, serial, "浦") for serial in range(1, COUNT + 1)}
    assert len(set(numbers)) == COUNT and set(numbers) == expected
    issued = [(await m.rungs())[0].document_no for m in matters]
    assert sorted(issued) == sorted(numbers)

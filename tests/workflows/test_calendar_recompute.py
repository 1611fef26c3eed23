"""A case whose deadline falls in a year with no official calendar yet is provisional (weekends
only); when an administrator adds the year, the running case recomputes it and records why."""

from __future__ import annotations

from datetime import date

from domain.calendar import CalendarYear
from services.calendars import notify_workflows, provisional_workflow_ids
from tests.stories import wage_arrears
from tests.workflows.harness import Harness

# A made-up official year: 2027-01-04 (Monday) declared a rest day, so a period ending then rolls on.
YEAR_2027 = CalendarYear(year=2027, rest_days=(date(2027, 1, 1), date(2027, 1, 4)), makeup_workdays=(),
                         source="test fixture (not the real 2027 schedule)")


async def test_provisional_deadline_recomputed_when_the_official_year_arrives(harness: Harness) -> None:
    case = await harness.file(wage_arrears(), date(2026, 12, 20))
    period = await case.deadline("period")
    assert period.due_on == date(2027, 1, 4) and period.provisional  # D03: 15 days, 2027 unknown
    assert "暂定" in period.explanation["explanation_zh"]

    ids = await provisional_workflow_ids(harness.db)
    assert (await case.task("mediate")).workflow_id in ids
    await notify_workflows(harness.env.client, ids, [YEAR_2027])

    await case.wait_event("deadline_recomputed")
    recomputed = await case.deadline("period")
    assert recomputed.due_on == date(2027, 1, 5) and not recomputed.provisional
    assert (await case.task("mediate")).due_on == date(2027, 1, 5)
    await harness.sleep(16)  # 2027-01-05 has not passed: the period is still running
    assert "mediation_period_expired" not in await case.events()
    await harness.sleep(1)
    await case.wait_event("mediation_period_expired")

"""The monitoring figures of cases run by the real workflows (time-skipping server, real activities
on SQLite): what the projections record is what the monitoring report counts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlmodel import select

from domain.monitoring import day_bucket
from infrastructure.tables import Case
from services.monitoring_report import Filters, Report, monitoring_report
from tests.workflows.harness import Harness
from tests.workflows.test_dispute_paths import (
    test_story1_mediation_expires_then_final_award_then_performed as story1,
)
from tests.workflows.test_dispute_paths import test_story2_agreement_confirmed_and_performed as story2

pytestmark = pytest.mark.slow
YEAR = Filters("2026-01", "2026-12")


def _figure(report: Report, table: str, label: str, column: str) -> object:
    return next(t for t in report.tables if t.key == table).value(label, column)


async def _days(harness: Harness) -> int:
    async with harness.deps.db.session() as session:
        case = (await session.exec(select(Case))).one()
    assert case.closed_on is not None
    return (case.closed_on - case.filed_on).days


async def test_final_award_counts_at_arbitration(harness: Harness) -> None:
    """Story 1: mediation expires, the final award grants 3 x 12,000 of wages."""
    await story1(harness)
    report = await monitoring_report(harness.deps.db, YEAR, threshold=1)
    assert _figure(report, "outcomes", "monitoring.outcome.award_final", "cases") == 1
    assert _figure(report, "levels", "monitoring.level.arbitration", "resolved") == 1
    assert _figure(report, "money", "monitoring.category.wages", "claimed") == Decimal("36000")
    assert _figure(report, "money", "monitoring.category.wages", "awarded") == Decimal("36000")
    assert _figure(report, "groups", "group.migrant_worker", "awards") == 1
    assert _figure(report, "deadlines_rule", "D13", "met") == 1  # acceptance within 5 days
    assert _figure(report, "time", "monitoring.total", "median_days") == day_bucket(await _days(harness))  # 93 days: the band to 100


async def test_agreement_performed_counts_at_the_enterprise_committee(harness: Harness) -> None:
    """Story 2: an agreement in the enterprise committee, confirmed by the court, paid in two instalments."""
    await story2(harness)
    report = await monitoring_report(harness.deps.db, YEAR, threshold=1)
    assert _figure(report, "outcomes", "monitoring.outcome.agreement_performed", "cases") == 1
    assert _figure(report, "levels", "monitoring.level.enterprise", "resolved") == 1  # not the confirming court
    assert _figure(report, "fengqiao", "2026-07", "share") == Decimal("100.0")
    assert _figure(report, "money", "monitoring.category.compensation", "agreed") == Decimal("84000")
    assert _figure(report, "money", "monitoring.paid", "agreed") == Decimal("84000")
    assert _figure(report, "groups", "group.woman", "agreements") == 1

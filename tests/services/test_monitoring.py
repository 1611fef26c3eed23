"""The monitoring report: cases with known outcomes across regions, months, groups and agencies go
through the real projection activities; every figure of the report is compared with what the cases
say; an incremental update and a full rebuild give the same aggregates; small groups are suppressed.
On SQLite, and on PostgreSQL when LABOURFLOW_TEST_POSTGRES_URL is set."""

from __future__ import annotations

import asyncio
import os
import sys
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, text, update
from sqlmodel import select
from temporalio.testing import ActivityEnvironment

from activities.agencies import AgencyActivities
from activities.deps import ActivityDeps
from activities.projections import ProjectionActivities
from domain.intake import IntakeRequest
from domain.records import CaseStatusRecord, DeadlineRecord, DeadlineStatus, TimelineEventRecord
from domain.referrals import ReferralKind, ReferralRecord, ReferralStatus
from infrastructure.crypto import Keyring
from infrastructure.db import Database
from infrastructure.monitoring_cells import rebuild
from infrastructure.settings import Settings
from infrastructure.tables import Case, MonitoringCase, MonitoringCell, MonitoringRow
from services.accounts import seed_demo
from services.intake import register_case
from services.monitoring_report import Filters, Report, monitoring_report
from tests.stories import dismissal, limitation_trap, wage_arrears

ENV = ActivityEnvironment()


@dataclass
class Spec:
    """One case: where and when, how it ends, and what the figures must count it as."""

    story: dict[str, Any]
    filed: date
    channel: str
    team: str  # the holder's team
    closed: date | None = None
    closing: str | None = None
    events: list[tuple[str, date, dict[str, Any]]] = field(default_factory=list)
    deadlines: list[tuple[str, date, str]] = field(default_factory=list)
    level: str = ""  # expected
    outcome: str = ""  # expected


SPECS = [
    Spec(
        wage_arrears(),
        date(2026, 1, 5),
        "union_mediation",
        "union-med-1",
        date(2026, 1, 20),
        "closed_resolved",
        [
            ("mediation_agreement", date(2026, 1, 20), {"items": {"wages": "30000.00"}}),
            ("agreement_payment", date(2026, 1, 25), {"amount": "30000.00"}),
            ("performed", date(2026, 1, 25), {}),
        ],
        [("D03", date(2026, 1, 20), "met")],
        "union",
        "agreement_performed",
    ),
    Spec(
        wage_arrears(),
        date(2026, 1, 10),
        "arbitration",
        "arb-pd-1",
        date(2026, 3, 1),
        "closed_resolved",
        [("award", date(2026, 3, 1), {"final": True, "items": {"wages": "20000.00", "damages": "5000.00"}})],
        [("D13", date(2026, 1, 17), "met"), ("D22", date(2026, 2, 28), "missed")],
        "arbitration",
        "award_final",
    ),
    Spec(
        dismissal(),
        date(2026, 2, 3),
        "enterprise_committee",
        "ent-med-hz-1",
        date(2026, 2, 10),
        "closed_withdrawn",
        level="enterprise",
        outcome="withdrawn",
    ),
    Spec(dismissal(), date(2026, 2, 5), "enterprise_committee", "ent-med-hz-1"),
    Spec(
        limitation_trap(region="dongguan"),
        date(2026, 3, 2),
        "litigation",
        "court-dg-1",
        date(2026, 6, 1),
        "closed_resolved",
        [("judgment", date(2026, 6, 1), {"for_worker": True})],
        level="court",
        outcome="judgment",
    ),
    Spec(
        limitation_trap(),
        date(2026, 3, 3),
        "negotiation",
        "union-med-1",
        date(2026, 3, 4),
        "closed_out_of_scope",
        level="negotiation",
        outcome="out_of_scope",
    ),
]
ALL = Filters(start="2026-01", end="2026-12")


async def _team_org(db: Database) -> dict[str, str]:
    async with db.session() as session:
        return dict((await session.exec(text("SELECT code, organisation_code FROM team"))).all())  # type: ignore[call-overload]


async def _file(deps: ActivityDeps, spec: Spec) -> str:
    registered = await register_case(deps.db, deps.keyring, IntakeRequest.model_validate(spec.story), None)
    async with deps.db.session() as session:
        await session.exec(update(Case).where(Case.case_no == registered.case_no).values(filed_on=spec.filed))  # type: ignore[call-overload]
        await session.commit()
    return registered.case_no


async def _drive(deps: ActivityDeps, spec: Spec, case_no: str) -> None:
    """What the workflows would write: the status, the outcome events, the deadlines, the close."""
    projections = ProjectionActivities(deps)
    subject = f"case:{case_no}"
    await ENV.run(
        projections.record_case_status, CaseStatusRecord(case_no=case_no, stage="mediation", channel=spec.channel, holder_team=spec.team)
    )
    for i, (kind, on, data) in enumerate(spec.events):
        await ENV.run(
            projections.record_timeline_event,
            TimelineEventRecord(
                subject=subject,
                event_key=f"wf~{i}:{kind}",
                on_date=on,
                actor="system",
                kind=kind,
                summary_zh=kind,
                summary_en=kind,
                data=data,
            ),
        )
    for rule, due, status in spec.deadlines:
        record = DeadlineRecord(subject=subject, deadline_key=f"wf~{rule}", workflow_id="wf", rule_id=rule, start_on=spec.filed, due_on=due)
        await ENV.run(projections.record_deadline, record)
        await ENV.run(projections.record_deadline, record.model_copy(update={"status": DeadlineStatus(status)}))
    if spec.closed:
        await ENV.run(
            projections.record_case_status,
            CaseStatusRecord(
                case_no=case_no,
                stage=spec.closing or "",
                channel=spec.channel,
                holder_team=spec.team,
                closed_on=spec.closed,
                closing_state=spec.closing,
            ),
        )


@pytest.fixture
async def world(db: Database, settings: Settings) -> tuple[ActivityDeps, list[str]]:
    deps = ActivityDeps(settings=settings, db=db, keyring=Keyring.from_settings(settings))
    await seed_demo(db, "demo-password-123")
    case_nos = []
    for spec in SPECS:
        case_no = await _file(deps, spec)
        await _drive(deps, spec, case_no)
        case_nos.append(case_no)
    # the second case came to the commission by referral from the union's centre, answered in time
    referral = ReferralRecord(
        referral_key="referral/1",
        case_no=case_nos[1],
        kind=ReferralKind.arbitration,
        sender_team="union-med-1",
        sender_name="",
        receiver_team="arb-pd-1",
        receiver_name="",
        sent_on=date(2026, 1, 12),
        acknowledge_by=date(2026, 1, 14),
    )
    agencies = AgencyActivities(deps)
    await ENV.run(agencies.record_referral, referral)
    await ENV.run(
        agencies.record_referral, referral.model_copy(update={"status": ReferralStatus.accepted, "decided_on": date(2026, 1, 13)})
    )
    return deps, case_nos


def _figure(report: Report, table: str, label: str, column: str) -> Any:
    return next(t for t in report.tables if t.key == table).value(label, column)


async def test_every_figure_matches_the_cases(world: tuple[ActivityDeps, list[str]]) -> None:
    deps, _ = world
    report = await monitoring_report(deps.db, ALL, threshold=1)
    closed = [s for s in SPECS if s.closed]
    # received, resolved and open by channel
    for channel in {s.channel for s in SPECS}:
        mine = [s for s in SPECS if s.channel == channel]
        assert _figure(report, "volume", f"channel.{channel}", "received") == len(mine)
        assert _figure(report, "volume", f"channel.{channel}", "resolved") == sum(1 for s in mine if s.closed)
        assert _figure(report, "volume", f"channel.{channel}", "open") == sum(1 for s in mine if not s.closed)
    assert _figure(report, "volume", "monitoring.total", "received") == 6
    assert [label for label, _ in next(t for t in report.tables if t.key == "volume").rows] == [
        *(f"channel.{c}" for c in sorted({s.channel for s in SPECS})), "monitoring.total"]  # one row per channel, then the total
    assert [label for label, _ in next(t for t in report.tables if t.key == "time").rows].count("monitoring.total") == 1
    # levels, outcomes, the lowest-level share by month
    for level in {s.level for s in closed}:
        assert _figure(report, "levels", f"monitoring.level.{level}", "resolved") == sum(1 for s in closed if s.level == level)
    for outcome in {s.outcome for s in closed}:
        assert _figure(report, "outcomes", f"monitoring.outcome.{outcome}", "cases") == sum(1 for s in closed if s.outcome == outcome)
    assert _figure(report, "fengqiao", "2026-01", "share") == Decimal("100.0")  # union mediation
    assert _figure(report, "fengqiao", "2026-02", "share") == Decimal("100.0")  # enterprise committee (withdrawn)
    assert _figure(report, "fengqiao", "2026-03", "lowest") == 1 and _figure(report, "fengqiao", "2026-03", "resolved") == 2
    assert _figure(report, "fengqiao", "2026-06", "share") == Decimal("0.0")
    # days from filing to resolution: 15, 50, 7, 91 (bucket 100), 1
    assert _figure(report, "time", "monitoring.total", "median_days") == 15
    assert _figure(report, "time", "monitoring.total", "p90_days") == 100
    assert _figure(report, "time", "channel.arbitration", "median_days") == 50
    # deadlines by rule and by agency
    assert _figure(report, "deadlines_rule", "D22", "missed") == 1 and _figure(report, "deadlines_rule", "D13", "met") == 1
    assert _figure(report, "deadlines_agency", "org:arb-pd", "missed") == 1
    assert _figure(report, "deadlines_agency", "org:union-med-pd", "met") == 1
    # money: claimed by category from the intakes, agreed and awarded from the events, paid to migrant workers
    assert _figure(report, "money", "monitoring.category.wages", "claimed") == Decimal("72000") + Decimal("8600") * 2
    assert _figure(report, "money", "monitoring.category.compensation", "claimed") == Decimal("84000") * 2
    assert _figure(report, "money", "monitoring.category.wages", "agreed") == Decimal("30000")
    assert _figure(report, "money", "monitoring.category.wages", "awarded") == Decimal("20000")
    assert _figure(report, "money", "monitoring.category.compensation", "awarded") == Decimal("5000")
    assert _figure(report, "money", "monitoring.arrears_migrant", "agreed") == Decimal("30000")
    # groups: two migrant workers (one agreement, one award), two women (one withdrawal, one open)
    assert [_figure(report, "groups", "group.migrant_worker", c) for c in ("received", "resolved", "agreements", "awards")] == [2, 2, 1, 1]
    assert [_figure(report, "groups", "group.woman", c) for c in ("received", "resolved", "withdrawn", "median_days")] == [2, 1, 1, 7]
    # two complaints per employer: none meets the repeated-complaints rule yet
    assert next(t for t in report.tables if t.key == "employers").rows == []
    # referrals per receiving agency
    columns = ("received", "answered", "on_time", "decided", "decided_on_time", "returned")
    assert [_figure(report, "referrals", "org:arb-pd", c) for c in columns] == [1, 1, 1, 1, 1, 0]  # D13 met


async def test_region_and_agency_filters(world: tuple[ActivityDeps, list[str]]) -> None:
    deps, _ = world
    shanghai = await monitoring_report(deps.db, Filters("2026-01", "2026-12", region="310000"), threshold=1)
    assert _figure(shanghai, "volume", "monitoring.total", "received") == 3
    pudong = await monitoring_report(deps.db, Filters("2026-01", "2026-12", region="310115"), threshold=1)
    assert _figure(pudong, "volume", "monitoring.total", "received") == 3
    dongguan = await monitoring_report(deps.db, Filters("2026-01", "2026-12", region="441900"), threshold=1)
    assert _figure(dongguan, "outcomes", "monitoring.outcome.judgment", "cases") == 1
    assert _figure(dongguan, "volume", "monitoring.total", "received") == 1
    february = await monitoring_report(deps.db, Filters("2026-02", "2026-02"), threshold=1)
    assert _figure(february, "volume", "monitoring.total", "received") == 2
    assert _figure(february, "volume", "monitoring.total", "open") == 2  # 4 filed by the end of February, 2 resolved
    commission = await monitoring_report(deps.db, Filters("2026-01", "2026-12", agency="arb-pd"), threshold=1)
    assert _figure(commission, "volume", "monitoring.total", "received") == 1
    assert _figure(commission, "outcomes", "monitoring.outcome.award_final", "cases") == 1


async def _cells(db: Database) -> set[tuple[Any, ...]]:
    async with db.session() as session:
        rows = (await session.exec(select(MonitoringCell))).all()
    return {
        (c.region, c.agency, c.measure, c.month, c.grp, c.d1, c.d2, c.d3, c.n, c.w, Decimal(c.amount))
        for c in rows
        if c.n or c.w or c.amount
    }


async def test_incremental_equals_rebuild(world: tuple[ActivityDeps, list[str]]) -> None:
    deps, case_nos = world
    # a case changes its mind: the open Hangzhou case is resolved, then its agreement performed
    projections = ProjectionActivities(deps)
    await ENV.run(
        projections.record_timeline_event,
        TimelineEventRecord(
            subject=f"case:{case_nos[3]}",
            event_key="wf~9:agreement",
            on_date=date(2026, 2, 20),
            actor="system",
            kind="mediation_agreement",
            summary_zh="x",
            summary_en="x",
            data={"items": {"damages": "40000"}},
        ),
    )
    await ENV.run(
        projections.record_case_status,
        CaseStatusRecord(
            case_no=case_nos[3],
            stage="closed_resolved",
            channel="enterprise_committee",
            holder_team="ent-med-hz-1",
            closed_on=date(2026, 2, 20),
            closing_state="closed_resolved",
        ),
    )
    # a third complaint against the Pudong subcontractor within 90 days meets the supervision rule
    third = Spec(wage_arrears(), date(2026, 2, 1), "union_mediation", "union-med-1")
    await _drive(deps, third, await _file(deps, third))
    incremental = await _cells(deps.db)
    async with deps.db.write_session() as session:
        assert await rebuild(session) == len(SPECS) + 1
        await session.commit()
    assert await _cells(deps.db) == incremental
    report = await monitoring_report(deps.db, ALL, threshold=1)
    assert _figure(report, "volume", "monitoring.total", "open") == 1  # the third complaint
    assert _figure(report, "money", "monitoring.category.compensation", "agreed") == Decimal("40000")
    employers = next(t for t in report.tables if t.key == "employers")
    assert [(name, cells[0].value) for name, cells in employers.rows] == [("上海宏建劳务分包有限公司|", 1)]


@pytest.mark.parametrize(("women", "shown"), [(3, False), (5, True)])
async def test_small_groups_are_suppressed(db: Database, settings: Settings, women: int, shown: bool) -> None:
    deps = ActivityDeps(settings=settings, db=db, keyring=Keyring.from_settings(settings))
    await seed_demo(db, "demo-password-123")
    for day in range(women):
        spec = Spec(
            dismissal(), date(2026, 2, 3 + day), "enterprise_committee", "ent-med-hz-1", date(2026, 2, 10 + day), "closed_withdrawn"
        )
        await _drive(deps, spec, await _file(deps, spec))
    report = await monitoring_report(deps.db, ALL, threshold=5)
    groups = next(t for t in report.tables if t.key == "groups")
    cell = groups.rows[[label for label, _ in groups.rows].index("group.woman")][1][0]
    assert cell.hidden is not shown and report.any_hidden is not shown
    assert cell.value == (women if shown else None)


async def test_rebuild_command_restores_the_aggregates(world: tuple[ActivityDeps, list[str]], tmp_path: Path) -> None:
    """After the upgrade that adds them the aggregates are empty: `labourflow monitoring rebuild` fills them."""
    deps, _ = world
    before = await _cells(deps.db)
    async with deps.db.write_session() as session:
        for table in (MonitoringCell, MonitoringRow, MonitoringCase):
            await session.exec(delete(table))  # type: ignore[call-overload]
        await session.commit()
    assert await _cells(deps.db) == set()
    env = {**os.environ, "LABOURFLOW_DATABASE_URL": deps.db.url, "LABOURFLOW_DATA_DIR": str(tmp_path)}
    command = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "labourflow", "monitoring", "rebuild", env=env, stdout=asyncio.subprocess.PIPE)
    out, _ = await command.communicate()
    assert command.returncode == 0 and f"from {len(SPECS)} cases" in out.decode()
    assert await _cells(deps.db) == before


async def test_report_reused_until_a_case_changes(world: tuple[ActivityDeps, list[str]]) -> None:
    """The pages reuse a report's reads for the same filters while no case's figures changed: a
    change shows at once, and the reused report says when its figures were read."""
    deps, _ = world
    first = await monitoring_report(deps.db, ALL, threshold=1, cache_seconds=60)
    again = await monitoring_report(deps.db, ALL, threshold=1, cache_seconds=60)
    assert again.as_of == first.as_of and again.tables == first.tables  # reused
    other = await monitoring_report(deps.db, Filters("2026-01", "2026-12", region="310000"), threshold=1, cache_seconds=60)
    assert other.tables != first.tables  # other filters, other reads
    received = _figure(first, "volume", "monitoring.total", "received")
    spec = Spec(wage_arrears(), date(2026, 2, 1), "union_mediation", "union-med-1")
    await _drive(deps, spec, await _file(deps, spec))
    after = await monitoring_report(deps.db, ALL, threshold=1, cache_seconds=60)
    assert after.as_of > first.as_of
    assert _figure(after, "volume", "monitoring.total", "received") == received + 1
    assert after.tables == (await monitoring_report(deps.db, ALL, threshold=1)).tables  # as read afresh
    await asyncio.sleep(0.05)
    expired = await monitoring_report(deps.db, ALL, threshold=1, cache_seconds=0.01)
    assert expired.as_of > after.as_of  # read again once the time is up

"""The monitoring report: what the mechanism achieves for a period, a region (any level of the
GB/T 2260 tree) and an agency, as tables the pages show, chart and export. Every figure is summed
from the aggregates the projections keep (infrastructure/monitoring_cells.py) or counted from the
supervision records; a figure resting on fewer workers than the threshold is suppressed."""

from __future__ import annotations

import asyncio
import calendar
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, text
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.identifiers import division_names
from domain.monitoring import (
    AWARD_OUTCOMES,
    GROUPS,
    LOWEST_LEVELS,
    Level,
    Measure,
    MoneyCategory,
    Outcome,
    percentile,
    suppressed,
)
from domain.regions import regions
from domain.roles import Role
from infrastructure.db import Database
from infrastructure.monitoring_cells import data_version, division_code
from infrastructure.tables import MonitoringCell, Organisation, Team
from services.supervision.statistics import statistics

EMPLOYERS_SHOWN = 50
# Every table of the report, in page order, with its columns (message keys monitoring.col.*).
LAYOUT: dict[str, list[str]] = {
    "volume": ["received", "resolved", "open"],
    "levels": ["resolved", "share"],
    "fengqiao": ["resolved", "lowest", "share"],
    "outcomes": ["cases"],
    "time": ["resolved", "median_days", "p90_days"],
    "deadlines_rule": ["met", "missed", "share_met"],
    "deadlines_agency": ["met", "missed", "share_met"],
    "money": ["claimed", "agreed", "awarded"],
    "groups": ["received", "resolved", "agreements", "awards", "judgments", "withdrawn", "median_days", "p90_days"],
    "employers": ["complaints"],
    "referrals": ["received", "answered", "on_time", "decided", "decided_on_time", "returned"],
    "supervision": ["letters", "opinion_notices", "recommendation_notices", "reply_rate", "rectification_rate", "escalations"],
}
PERIOD_MEASURES = tuple(m.value for m in Measure if m is not Measure.employer)


@dataclass(frozen=True)
class Filters:
    start: str  # YYYY-MM
    end: str
    region: str = ""  # '' the whole country, or a GB/T 2260 code
    agency: str = ""  # '' every agency, or an organisation code


@dataclass(frozen=True)
class Cell:
    """A figure and the workers behind it; `hidden` when they are too few to show."""

    value: Any
    workers: int | None = None
    hidden: bool = False


@dataclass
class Table:
    key: str  # monitoring.<key>.* in messages.json
    columns: list[str]  # message keys of the columns after the first
    rows: list[tuple[str, list[Cell]]] = field(default_factory=list)  # (label, cells)
    chart: str = "bar"  # bar | line | none
    series: list[str] = field(default_factory=list)  # the columns charted (default: every column)

    def __post_init__(self) -> None:
        self.series = self.series or list(self.columns)

    def value(self, label: str, column: str) -> Any:
        for name, cells in self.rows:
            if name == label:
                return cells[self.columns.index(column)].value
        raise KeyError(label)


@dataclass
class Report:
    filters: Filters
    as_of: datetime
    threshold: int
    tables: list[Table]
    any_hidden: bool


@dataclass
class _Sums:
    n: int = 0
    w: int = 0
    amount: Decimal = Decimal(0)

    def add(self, n: int, w: int, amount: Any) -> None:
        self.n += int(n)
        self.w += int(w)
        self.amount += Decimal(amount or 0)


class _Builder:
    def __init__(self, threshold: int) -> None:
        self.threshold = threshold
        self.any_hidden = False

    def cell(self, value: Any, workers: int, *, protect: bool = True) -> Cell:
        if protect and suppressed(workers, self.threshold):
            self.any_hidden = True
            return Cell(None, workers, hidden=True)
        return Cell(value, workers)


def _where_cells(filters: Filters) -> list[Any]:
    region, agency = (("", filters.agency) if filters.agency else (filters.region, ""))
    return [MonitoringCell.region == region, MonitoringCell.agency == agency]


def _share(part: int, whole: int) -> Decimal | None:
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1")) if whole else None


async def _period_sums(session: AsyncSession, filters: Filters) -> dict[tuple[str, str, str, str, str], _Sums]:
    c = MonitoringCell
    query = (
        select(c.measure, c.grp, c.d1, c.d2, c.d3, func.sum(c.n), func.sum(c.w), func.sum(c.amount))
        .where(*_where_cells(filters), col(c.month) >= filters.start, col(c.month) <= filters.end, col(c.measure).in_(PERIOD_MEASURES))
        .group_by(c.measure, c.grp, c.d1, c.d2, c.d3)
    )
    sums: dict[tuple[str, str, str, str, str], _Sums] = defaultdict(_Sums)
    connection = await session.connection()  # plain rows: thousands of them, no ORM loading needed
    for measure, grp, d1, d2, d3, n, w, amount in (await connection.execute(query)).all():
        sums[(measure, grp, d1, d2, d3)].add(n, w, amount)
    return sums


async def _open_at_end(session: AsyncSession, filters: Filters) -> dict[str, _Sums]:
    """Per channel: received minus resolved, from the first month of data to the period's end."""
    c = MonitoringCell
    query = (
        select(c.measure, c.d1, func.sum(c.n), func.sum(c.w))
        .where(*_where_cells(filters), c.grp == "", col(c.month) <= filters.end,
               col(c.measure).in_((Measure.received.value, Measure.resolved.value)))
        .group_by(c.measure, c.d1)
    )
    open_: dict[str, _Sums] = defaultdict(_Sums)
    for measure, channel, n, w in (await session.exec(query)).all():
        sign = 1 if measure == Measure.received.value else -1
        open_[channel].add(sign * int(n), sign * int(w), 0)
    return open_


async def _by_month(session: AsyncSession, filters: Filters) -> dict[str, dict[str, _Sums]]:
    c = MonitoringCell
    query = (
        select(c.month, c.d2, func.sum(c.n), func.sum(c.w))
        .where(*_where_cells(filters), c.grp == "", c.measure == Measure.resolved.value,
               col(c.month) >= filters.start, col(c.month) <= filters.end)
        .group_by(c.month, c.d2)
    )
    months: dict[str, dict[str, _Sums]] = defaultdict(lambda: defaultdict(_Sums))
    for month, level, n, w in (await session.exec(query)).all():
        months[month][level].add(n, w, 0)
    return months


async def _employers(session: AsyncSession, filters: Filters) -> list[tuple[str, str, int]]:
    c = MonitoringCell
    total = func.sum(c.n)
    query = (
        select(c.d1, c.d2, total)
        .where(*_where_cells(filters), c.grp == "", c.measure == Measure.employer.value,
               col(c.month) >= filters.start, col(c.month) <= filters.end)
        .group_by(c.d1, c.d2)
        .order_by(total.desc(), c.d1).limit(EMPLOYERS_SHOWN)
    )
    return [(name, industry, int(n)) for name, industry, n in (await session.exec(query)).all()]


async def _agency_sums(session: AsyncSession, filters: Filters, agencies: list[str]) -> dict[tuple[str, str, str, str], _Sums]:
    c = MonitoringCell
    query = (
        select(c.agency, c.measure, c.d1, c.d2, func.sum(c.n), func.sum(c.w))
        .where(c.region == "", col(c.agency).in_(agencies), c.grp == "",
               col(c.measure).in_((Measure.deadline.value, Measure.referral.value)),
               col(c.month) >= filters.start, col(c.month) <= filters.end)
        .group_by(c.agency, c.measure, c.d1, c.d2)
    )
    sums: dict[tuple[str, str, str, str], _Sums] = defaultdict(_Sums)
    for agency, measure, d1, d2, n, w in (await session.exec(query)).all():
        sums[(agency, measure, d1, d2)].add(n, w, 0)
    return sums


def _in_region(division: str, region: str) -> bool:
    """A GB/T 2260 code lies within `region` ('' = everywhere; NN0000 a province; NNNN00 a city)."""
    if not region:
        return True
    prefix = region.rstrip("0")
    prefix = prefix + "0" * (len(prefix) % 2)  # 330100 -> 3301, 310000 -> 31, 110105 -> 110105
    return division.startswith(prefix)


async def agencies_in(session: AsyncSession, region: str) -> list[Organisation]:
    orgs = (await session.exec(select(Organisation).where(Organisation.is_active).order_by(col(Organisation.code)))).all()
    return [o for o in orgs if _in_region(division_code(o.region), region)]


# Recent reads by (database, filters, data version): the same filters within `cache_seconds`, while no
# case's figures changed, reuse them (the tables are rebuilt; supervision is always read afresh).
_READS: dict[tuple[str, Filters, Any], tuple[float, tuple[Any, ...]]] = {}
_READS_KEPT = 64


async def _cell_reads(db: Database, filters: Filters) -> tuple[Any, ...]:
    """The cells' reads, at once, each on its own connection (the database works on one while
    Python decodes another's rows), then the moment they started."""
    as_of = datetime.now(UTC)
    reads = [asyncio.create_task(_on_own_connection(db, read, filters)) for read in (_employers, _period_sums, _month_and_agency_sums)]
    try:
        return (*await asyncio.gather(*reads), as_of)
    finally:
        for task in reads:
            task.cancel()  # a no-op once done; stops the other reads when one failed


async def _cached_cell_reads(db: Database, filters: Filters, cache_seconds: float) -> tuple[Any, ...]:
    if cache_seconds <= 0:
        return await _cell_reads(db, filters)
    async with db.session() as session:
        key = (db.url, filters, await data_version(session))  # read first: a change during the reads misses next time
    now = time.monotonic()
    hit = _READS.get(key)
    if hit is not None and now - hit[0] < cache_seconds:
        return hit[1]
    reads = await _cell_reads(db, filters)
    for old in [k for k, (read_at, _) in _READS.items() if now - read_at >= cache_seconds or k[:2] == key[:2]]:
        del _READS[old]
    while len(_READS) >= _READS_KEPT:
        del _READS[next(iter(_READS))]
    _READS[key] = (now, reads)
    return reads


async def monitoring_report(db: Database, filters: Filters, threshold: int, cache_seconds: float = 0) -> Report:
    """Every table of the monitoring pages for these filters. With `cache_seconds`, the cells' reads
    for the same filters are reused that long unless a case's figures changed meanwhile."""
    b = _Builder(threshold)
    supervision = asyncio.create_task(_supervision(db, filters))
    try:
        employers, period_sums, (open_, months, orgs, agency_sums), as_of = await _cached_cell_reads(db, filters, cache_seconds)
        supervision_table = await supervision
    finally:
        supervision.cancel()
    sums = _Index(period_sums)
    tables = [
        _volume(b, sums, open_), _levels(b, sums), _fengqiao(b, months), _outcomes(b, sums), _time(b, sums),
        *_deadlines(sums, agency_sums, orgs), _money(b, sums), _groups(b, sums),
        Table("employers", LAYOUT["employers"], [(f"{name}|{industry}", [Cell(n)]) for name, industry, n in employers], chart="none"),
        _referrals(agency_sums, orgs),
        supervision_table,
    ]
    return Report(filters=filters, as_of=as_of, threshold=threshold, tables=tables, any_hidden=b.any_hidden)


async def _month_and_agency_sums(session: AsyncSession, filters: Filters) -> tuple[Any, ...]:
    """The small reads: open cases at the period's end, levels by month, the agencies' deadlines and referrals."""
    open_ = await _open_at_end(session, filters)
    months = await _by_month(session, filters)
    orgs = [filters.agency] if filters.agency else [o.code for o in await agencies_in(session, filters.region)]
    return open_, months, orgs, await _agency_sums(session, filters, orgs)


class _Index:
    """The period's sums by (measure, group), so each figure reads only its own cells."""

    def __init__(self, sums: dict[tuple[str, str, str, str, str], _Sums]) -> None:
        self.sums = sums
        self.by: dict[tuple[str, str], list[tuple[str, str, str, _Sums]]] = defaultdict(list)
        for (m, g, d1, d2, d3), s in sums.items():
            self.by[(m, g)].append((d1, d2, d3, s))

    def keys(self) -> Any:
        return self.sums.keys()

    def __iter__(self) -> Any:
        return iter(self.sums)


async def _on_own_connection(db: Database, read: Any, filters: Filters) -> Any:
    async with db.session() as session:
        if session.bind is not None and session.bind.dialect.name == "postgresql":
            # Plan each read for its own values: the driver prepares statements, and after five runs
            # PostgreSQL's generic plan (blind to the region and months) read 3 to 20 times slower.
            await session.exec(text("SET LOCAL plan_cache_mode = force_custom_plan"))  # type: ignore[call-overload]
        return await read(session, filters)


def _pick(sums: _Index, measure: Measure, grp: str = "", **dims: str) -> _Sums:
    """The sum of every cell of `measure` and group whose dimensions match `dims` (d1, d2, d3)."""
    total = _Sums()
    want = [(("d1", "d2", "d3").index(k), v) for k, v in dims.items()]
    for cell in sums.by.get((measure.value, grp), ()):
        if all(cell[i] == v for i, v in want):
            total.add(cell[3].n, cell[3].w, cell[3].amount)
    return total


def _values(sums: _Index, measure: Measure, dim: str) -> list[str]:
    index = {"d1": 2, "d2": 3, "d3": 4}[dim]
    return sorted({key[index] for key in sums if key[0] == measure.value and key[1] == ""})  # a group's cells have no channel


def _volume(b: _Builder, sums: _Index, open_: dict[str, _Sums]) -> Table:
    table = Table("volume", LAYOUT["volume"])
    channels = sorted(
        set(_values(sums, Measure.received, "d1")) | set(_values(sums, Measure.resolved, "d1")) | {k for k, v in open_.items() if v.n}
    )
    total = [_Sums(), _Sums(), _Sums()]
    for channel in channels:
        parts = [_pick(sums, Measure.received, d1=channel), _pick(sums, Measure.resolved, d1=channel), open_.get(channel, _Sums())]
        for acc, part in zip(total, parts, strict=True):
            acc.add(part.n, part.w, 0)
        table.rows.append((f"channel.{channel}", [b.cell(p.n, p.w) for p in parts]))
    table.rows.append(("monitoring.total", [b.cell(p.n, p.w) for p in total]))
    return table


def _levels(b: _Builder, sums: _Index) -> Table:
    table = Table("levels", LAYOUT["levels"], series=["resolved"])
    whole = _pick(sums, Measure.resolved)
    for level in Level:
        part = _pick(sums, Measure.resolved, d2=level.value)
        table.rows.append((f"monitoring.level.{level.value}", [b.cell(part.n, part.w), b.cell(_share(part.n, whole.n), part.w)]))
    return table


def _fengqiao(b: _Builder, months: dict[str, dict[str, _Sums]]) -> Table:
    table = Table("fengqiao", LAYOUT["fengqiao"], chart="line", series=["share"])
    for month in sorted(months):
        whole = sum((s.n for s in months[month].values()), 0)
        workers = sum((s.w for s in months[month].values()), 0)
        low = _Sums()
        for level, s in months[month].items():
            if level in LOWEST_LEVELS:
                low.add(s.n, s.w, 0)
        table.rows.append((month, [b.cell(whole, workers), b.cell(low.n, low.w), b.cell(_share(low.n, whole), workers)]))
    return table


def _outcomes(b: _Builder, sums: _Index) -> Table:
    table = Table("outcomes", LAYOUT["outcomes"])
    for outcome in Outcome:
        part = _pick(sums, Measure.resolved, d3=outcome.value)
        table.rows.append((f"monitoring.outcome.{outcome.value}", [b.cell(part.n, part.w)]))
    return table


def _histogram(sums: _Index, grp: str = "", **dims: str) -> tuple[dict[int, int], int]:
    histogram: dict[int, int] = defaultdict(int)
    workers = 0
    for d1, d2, _d3, s in sums.by.get((Measure.days.value, grp), ()):
        if all({"d1": d1}[k] == v for k, v in dims.items()):
            histogram[int(d2)] += s.n
            workers += s.w
    return histogram, workers


def _time(b: _Builder, sums: _Index) -> Table:
    table = Table("time", LAYOUT["time"], series=["median_days", "p90_days"])
    for channel in [*_values(sums, Measure.days, "d1"), ""]:
        histogram, workers = _histogram(sums, **({"d1": channel} if channel else {}))
        label = f"channel.{channel}" if channel else "monitoring.total"
        table.rows.append((label, [b.cell(sum(histogram.values()), workers), b.cell(percentile(histogram, 0.5), workers),
                                   b.cell(percentile(histogram, 0.9), workers)]))
    return table


def _deadlines(sums: _Index, agency_sums: dict[tuple[str, str, str, str], _Sums], orgs: list[str]) -> list[Table]:
    by_rule = Table("deadlines_rule", LAYOUT["deadlines_rule"], series=["met", "missed"])
    for rule in _values(sums, Measure.deadline, "d1"):
        met, missed = (_pick(sums, Measure.deadline, d1=rule, d2=s).n for s in ("met", "missed"))
        by_rule.rows.append((rule, [Cell(met), Cell(missed), Cell(_share(met, met + missed))]))
    by_agency = Table("deadlines_agency", LAYOUT["deadlines_agency"], series=["met", "missed"])
    for org in orgs:
        met, missed = (sum(s.n for (a, m, _r, st), s in agency_sums.items() if a == org and m == "deadline" and st == x)
                       for x in ("met", "missed"))
        if met or missed:
            by_agency.rows.append((f"org:{org}", [Cell(met), Cell(missed), Cell(_share(met, met + missed))]))
    return [by_rule, by_agency]


def _money(b: _Builder, sums: _Index) -> Table:
    table = Table("money", LAYOUT["money"])
    for category in MoneyCategory:
        parts = [_pick(sums, m, d1=category.value) for m in (Measure.claimed, Measure.agreed, Measure.awarded)]
        table.rows.append((f"monitoring.category.{category.value}", [b.cell(p.amount, p.w) for p in parts]))
    paid, arrears = _pick(sums, Measure.paid), _pick(sums, Measure.arrears_migrant)
    table.rows.append(("monitoring.paid", [Cell(None), b.cell(paid.amount, paid.w), Cell(None)]))
    table.rows.append(("monitoring.arrears_migrant", [Cell(None), b.cell(arrears.amount, arrears.w), Cell(None)]))
    return table


def _groups(b: _Builder, sums: _Index) -> Table:
    table = Table("groups", LAYOUT["groups"], series=["received", "resolved"])
    for grp in GROUPS:
        received, resolved = _pick(sums, Measure.received, grp), _pick(sums, Measure.resolved, grp)
        by_outcome = {o: _pick(sums, Measure.resolved, grp, d3=o.value) for o in Outcome}
        agreements = by_outcome[Outcome.agreement].n + by_outcome[Outcome.agreement_performed].n
        awards = sum(by_outcome[o].n for o in AWARD_OUTCOMES)
        histogram, workers = _histogram(sums, grp)
        w = resolved.w
        table.rows.append((f"group.{grp}", [
            b.cell(received.n, received.w), b.cell(resolved.n, w), b.cell(agreements, w), b.cell(awards, w),
            b.cell(by_outcome[Outcome.judgment].n, w), b.cell(by_outcome[Outcome.withdrawn].n, w),
            b.cell(percentile(histogram, 0.5), workers), b.cell(percentile(histogram, 0.9), workers),
        ]))
    return table


def _referrals(agency_sums: dict[tuple[str, str, str, str], _Sums], orgs: list[str]) -> Table:
    table = Table("referrals", LAYOUT["referrals"])
    for org in orgs:
        counts = [sum(s.n for (a, m, _k, x), s in agency_sums.items() if a == org and m == "referral" and x == answer)
                  for answer in LAYOUT["referrals"]]
        if any(counts):
            table.rows.append((f"org:{org}", [Cell(n) for n in counts]))
    return table


async def _supervision(db: Database, filters: Filters) -> Table:
    start = date.fromisoformat(filters.start + "-01")
    year, month = map(int, filters.end.split("-"))
    end = date(year, month, calendar.monthrange(year, month)[1])
    stats = await statistics(db, start, end)
    table = Table("supervision", LAYOUT["supervision"], chart="none")
    for counts in stats.rows:
        if not _in_region(division_code(counts.region), filters.region):
            continue
        table.rows.append((f"region:{division_code(counts.region)}", [
            Cell(counts.letters), Cell(counts.opinion_notices), Cell(counts.recommendation_notices),
            Cell(counts.reply_rate), Cell(counts.rectification_rate), Cell(counts.escalations)]))
    return table


def region_name(code: str) -> str:
    """The division's Chinese name ('' = the whole country)."""
    if not code:
        return "全国"
    shipped = next((r.name_zh for r in regions().values() if r.division_code == code), None)
    return shipped or division_names().get(code, code)


# The regions the data has, one index probe each (a loose index scan: PostgreSQL has no skip scan).
REGIONS = text("""
WITH RECURSIVE found(region) AS (
  SELECT MIN(region) FROM monitoring_cell WHERE measure = 'received' AND grp = '' AND agency = ''
  UNION ALL
  SELECT (SELECT MIN(region) FROM monitoring_cell
          WHERE measure = 'received' AND grp = '' AND agency = '' AND region > found.region)
  FROM found WHERE found.region IS NOT NULL
)
SELECT region FROM found WHERE region IS NOT NULL AND region <> ''
""")


async def region_choices(db: Database) -> list[tuple[str, str]]:
    """Every region level the data has: provinces, cities and counties, by code."""
    async with db.session() as session:
        codes = (await session.exec(REGIONS)).all()  # type: ignore[call-overload]
    return [(code, region_name(code)) for (code,) in codes]


WHOLE_MECHANISM = (Role.admin, Role.union_legal)  # may choose any agency; agency heads see their own


async def agency_scope(db: Database, role: Role, team_code: str | None) -> str | None:
    """None when the staff member may choose any agency, else the one organisation they may see
    ('' when their team has none: they see no agency's figures)."""
    if role in WHOLE_MECHANISM:
        return None
    async with db.session() as session:
        team = await session.get(Team, team_code) if team_code else None
    return (team.organisation_code or "") if team else ""


async def organisation_names(db: Database) -> dict[str, tuple[str, str]]:
    async with db.session() as session:
        rows = (await session.exec(select(Organisation.code, Organisation.name_zh, Organisation.name_en))).all()
    return {code: (zh, en) for code, zh, en in rows}

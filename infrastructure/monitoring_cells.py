"""Keeps the monitoring aggregates in step with the projections.

A case's figures (domain.monitoring.base_rows) are stored as `monitoring_row`s; `monitoring_cell`
holds their sums fanned out over the region levels (country, province, city, county), the case's
agency and every group of workers the case belongs to. The projection activities call
`refresh_case` in the transaction that changes a case: it takes the case's stored rows out of the
cells, recomputes the rows from the projections, and adds them back. `rebuild_cells` computes every
cell afresh from the rows with the same fan-out query, so an incremental update and a rebuild
agree (tests/services/test_monitoring.py checks it).

`refresh_case` and what it calls take a synchronous session: the projection activities run their
whole transaction in a writer thread (`Database.write`); `rebuild` calls it through
`AsyncSession.run_sync`."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, delete, func, insert, or_, text, update
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from domain.monitoring import (
    COLLECTIVE,
    GROUPS,
    OUTCOME_EVENTS,
    REPEAT_WINDOW_DAYS,
    DeadlineFact,
    MonitoredCase,
    OutcomeEvent,
    ReferralFact,
    base_rows,
)
from domain.regions import regions
from infrastructure.tables import (
    Case,
    CaseClaim,
    Deadline,
    MonitoringCase,
    MonitoringRow,
    Referral,
    Team,
    TimelineEvent,
)
from infrastructure.tables._common import utcnow

UNKNOWN_REGION = "000000"

_GROUP_TEST = " ".join(f"WHEN '{g}' THEN c.g_{g}" for g in GROUPS)
_GROUPS = " UNION ALL ".join(["SELECT '' AS grp", *(f"SELECT '{g}'" for g in GROUPS)])
_REGION = (
    "CASE lv.lvl WHEN 1 THEN substr(c.region, 1, 2) || '0000' WHEN 2 THEN substr(c.region, 1, 4) || '00' "
    "WHEN 3 THEN c.region ELSE '' END"
)
_AGENCY = "CASE WHEN lv.lvl = 4 THEN (CASE WHEN r.agency = '' THEN c.agency ELSE r.agency END) ELSE '' END"
# One row per (case row, region level or agency, group): level 0 the country, 1 the province,
# 2 the city (when the code has one), 3 the county (when it has one), 4 the agency's own cells.
# A group's cells keep only what the groups' table shows (outcome, day band), not channel or level:
# four times fewer cells for a page to read.
FAN_OUT = f"""
SELECT {_REGION} AS region, {_AGENCY} AS agency, r.measure AS measure, r.month AS month, g.grp AS grp,
       CASE WHEN g.grp = '' THEN r.d1 ELSE '' END AS d1,
       CASE WHEN g.grp <> '' AND r.measure = 'resolved' THEN '' ELSE r.d2 END AS d2, r.d3 AS d3,
       :sign * SUM(r.n) AS n, :sign * SUM(r.n * c.workers) AS w, :sign * SUM(r.amount) AS amount
FROM monitoring_row r
JOIN monitoring_case c ON c.case_no = r.case_no
CROSS JOIN (SELECT 0 AS lvl UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4) lv
CROSS JOIN ({_GROUPS}) g
WHERE {{where}}
  AND (g.grp = '' OR (r.grouped AND (CASE g.grp {_GROUP_TEST} ELSE false END)))
  AND (lv.lvl <> 2 OR substr(c.region, 3, 2) <> '00')
  AND (lv.lvl <> 3 OR substr(c.region, 5, 2) <> '00')
  AND (lv.lvl <> 4 OR r.agency <> '' OR c.agency <> '')
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
"""  # noqa: S608 (constants only; values are bound parameters)
_COLUMNS = "region, agency, measure, month, grp, d1, d2, d3, n, w, amount"
ADD = f"""
INSERT INTO monitoring_cell ({_COLUMNS})
SELECT {_COLUMNS} FROM ({FAN_OUT}) f WHERE true ORDER BY region, agency, measure, month, grp, d1, d2, d3
ON CONFLICT (region, agency, measure, month, grp, d1, d2, d3) DO UPDATE SET
  n = monitoring_cell.n + excluded.n, w = monitoring_cell.w + excluded.w,
  amount = monitoring_cell.amount + excluded.amount
"""  # noqa: S608 (constants only)

# A rebuild starts from an empty table: one set-based insert, no conflicts to resolve.
REBUILD = f"INSERT INTO monitoring_cell ({_COLUMNS}) SELECT {_COLUMNS} FROM ({FAN_OUT.format(where='true')}) f"  # noqa: S608


def division_code(region: str) -> str:
    """The GB/T 2260 code of a case's region (a shipped slug, or already a code)."""
    if region.isdigit() and len(region) == 6:
        return region
    known = regions().get(region)
    return known.division_code if known else UNKNOWN_REGION


def _table(model: Any) -> Table:
    return cast(Table, model.__table__)


# `refresh_case` runs in most projection activities: its statements are built once and run on the
# transaction's connection (plain rows, no ORM objects), which was most of its cost (README,
# "Performance").
_CASES, _CLAIMS, _EVENTS = _table(Case), _table(CaseClaim), _table(TimelineEvent)
_DEADLINES, _REFERRALS, _TEAMS = _table(Deadline), _table(Referral), _table(Team)
_MONITORED, _ROWS = _table(MonitoringCase), _table(MonitoringRow)
_CASE = sa_select(*(_CASES.c[name] for name in (
    "id", "case_no", "region", "filed_on", "employer_uscc", "employer_name", "facts", "collective", "channel",
    "closed_on", "closing_state", "holder_team", "team_code", "worker_count",
))).where(_CASES.c.case_no == bindparam("case_no"))
_CASE_CLAIMS = sa_select(_CLAIMS.c.kind, _CLAIMS.c.amount).where(_CLAIMS.c.case_no == bindparam("case_no"))
_OUTCOMES = (
    sa_select(_EVENTS.c.kind, _EVENTS.c.on_date, _EVENTS.c.data)
    .where(_EVENTS.c.subject == bindparam("subject"), _EVENTS.c.kind.in_(sorted(OUTCOME_EVENTS)))
    .order_by(_EVENTS.c.on_date, _EVENTS.c.id)
)
_CASE_DEADLINES = sa_select(_DEADLINES.c.rule_id, _DEADLINES.c.due_on, _DEADLINES.c.status).where(
    _DEADLINES.c.subject == bindparam("subject"))
_CASE_REFERRALS = sa_select(*(_REFERRALS.c[name] for name in (
    "kind", "receiver_team", "sent_on", "acknowledge_by", "status", "decided_on"))).where(_REFERRALS.c.case_no == bindparam("case_no"))
_TEAM_AGENCIES = sa_select(_TEAMS.c.code, _TEAMS.c.organisation_code).where(_TEAMS.c.code.in_(bindparam("teams", expanding=True)))
_BEFORE = or_(_CASES.c.filed_on < bindparam("filed_on"), and_(_CASES.c.filed_on == bindparam("filed_on"), _CASES.c.id <= bindparam("id")))
_COMPLAINTS = {
    key: sa_select(func.count()).select_from(_CASES).where(
        _CASES.c[key] == bindparam("employer"), _CASES.c.filed_on >= bindparam("window"), _BEFORE)
    for key in ("employer_uscc", "employer_name")
}
_STORED = sa_select(_MONITORED).where(_MONITORED.c.case_no == bindparam("case_no")).with_for_update()
_ROW_COLUMNS = ("measure", "month", "agency", "grouped", "d1", "d2", "d3", "n", "amount")
_STORED_ROWS = sa_select(*(_ROWS.c[name] for name in _ROW_COLUMNS)).where(_ROWS.c.case_no == bindparam("case_no"))
_DELETE_ROWS = delete(_ROWS).where(_ROWS.c.case_no == bindparam("case_no"))
_INSERT_ROWS = insert(_ROWS)
_UPDATE_MONITORED = update(_MONITORED).where(_MONITORED.c.case_no == bindparam("where_case_no"))
_ADD_CASE = text(ADD.format(where="r.case_no = :case_no"))
_PLACEHOLDER = {
    name: dialect.insert(_MONITORED).on_conflict_do_nothing(index_elements=["case_no"])
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}


def _agency_of_teams(session: Session, teams: set[str]) -> dict[str, str]:
    if not teams:
        return {}
    rows = session.connection().execute(_TEAM_AGENCIES, {"teams": sorted(teams)})
    return {code: org or "" for code, org in rows}


def monitored_case(session: Session, case: Any) -> MonitoredCase:
    """The case as the projections know it now: row, claims, outcome events, deadlines, referrals.
    `case`: its row (the columns of `_CASE`)."""
    conn = session.connection()
    subject = f"case:{case.case_no}"
    claims = conn.execute(_CASE_CLAIMS, {"case_no": case.case_no}).all()
    events = conn.execute(_OUTCOMES, {"subject": subject}).all()
    deadlines = conn.execute(_CASE_DEADLINES, {"subject": subject}).all()
    referrals = conn.execute(_CASE_REFERRALS, {"case_no": case.case_no}).all()
    agencies = _agency_of_teams(session, {r.receiver_team for r in referrals if r.receiver_team})
    window = case.filed_on - timedelta(days=REPEAT_WINDOW_DAYS - 1)
    by, employer = ("employer_uscc", case.employer_uscc) if case.employer_uscc else ("employer_name", case.employer_name)
    complaints = conn.execute(
        _COMPLAINTS[by], {"employer": employer, "window": window, "filed_on": case.filed_on, "id": case.id}).scalar_one()
    groups = set(case.facts.get("vulnerable_groups") or ())
    if case.collective:
        groups.add(COLLECTIVE)
    return MonitoredCase(
        channel=case.channel or "none",
        filed_on=case.filed_on,
        closed_on=case.closed_on,
        closing_state=case.closing_state,
        groups=frozenset(groups),
        employer=case.employer_name,
        industry=str(case.facts.get("industry") or ""),
        employer_complaints=int(complaints),
        claims=[(kind, amount or Decimal(0)) for kind, amount in claims],
        events=[OutcomeEvent(kind, on, data or {}) for kind, on, data in events],
        deadlines=[DeadlineFact(rule, due, status) for rule, due, status in deadlines],
        referrals=[
            ReferralFact(r.kind, agencies.get(r.receiver_team or "", ""), r.sent_on, r.acknowledge_by, r.status, r.decided_on)
            for r in referrals
        ],
    )


def _case_dimensions(session: Session, case: Any, monitored: MonitoredCase) -> dict[str, Any]:
    team = case.holder_team or case.team_code
    agency = _agency_of_teams(session, {team}).get(team or "", "") if team else ""
    values: dict[str, Any] = {
        "case_no": case.case_no, "region": division_code(case.region), "agency": agency, "workers": max(case.worker_count, 1),
    }
    return values | {f"g_{g}": g in monitored.groups for g in GROUPS}


def _apply(session: Session, case_no: str, sign: int) -> None:
    session.connection().execute(_ADD_CASE, {"sign": sign, "case_no": case_no})


def _row_key(row: Any) -> tuple[Any, ...]:
    get = row.get if isinstance(row, dict) else lambda k: getattr(row, k)
    return (*(get(k) for k in _ROW_COLUMNS[:-1]), Decimal(get("amount")))


def refresh_case(session: Session, case_no: str) -> None:
    """Bring the case's figures in the aggregates up to date (in the caller's transaction)."""
    session.flush()  # what the caller changed through the ORM is what the figures are made from
    conn = session.connection()
    case = conn.execute(_CASE, {"case_no": case_no}).first()
    if case is None:
        return
    # Lock the case's monitoring row first, then read the projections: two activities of one case
    # (PostgreSQL) take turns, and the second reads what the first committed.
    conn.execute(_PLACEHOLDER[conn.dialect.name], {"case_no": case_no, "region": division_code(case.region)})
    stored = conn.execute(_STORED, {"case_no": case_no}).one()
    monitored = monitored_case(session, case)
    dims = _case_dimensions(session, case, monitored)
    old_rows = conn.execute(_STORED_ROWS, {"case_no": case_no}).all()
    new_rows = [
        {"case_no": case_no, "measure": r.measure.value, "month": r.month, "agency": r.agency, "grouped": r.grouped,
         "d1": r.d1[:200], "d2": r.d2[:64], "d3": r.d3, "n": r.n, "amount": r.amount}
        for r in base_rows(monitored)
    ]
    same_dims = all(getattr(stored, k) == v for k, v in dims.items())
    if same_dims and Counter(map(_row_key, old_rows)) == Counter(map(_row_key, new_rows)):
        return
    _apply(session, case_no, -1)
    conn.execute(_DELETE_ROWS, {"case_no": case_no})
    conn.execute(_UPDATE_MONITORED, {**dims, "changed_at": utcnow(), "where_case_no": case_no})
    if new_rows:
        conn.execute(_INSERT_ROWS, new_rows)
    _apply(session, case_no, 1)


# What of the case row its monitoring figures depend on (the rest: claims, events, deadlines and
# referrals, refresh the case when they change).
MONITORED_FIELDS = ("channel", "closed_on", "closing_state", "holder_team", "team_code", "region", "worker_count", "collective")


_HAS_FIGURES = sa_select(_MONITORED.c.case_no).where(_MONITORED.c.case_no == bindparam("case_no"))


def refresh_case_if_changed(session: Session, case_no: str, before: tuple[Any, ...], after: tuple[Any, ...]) -> None:
    """Refresh when a monitored field of the case row changed (`MONITORED_FIELDS`, before and after
    the caller's update), or the case has no figures yet (a stage change alone changes none: the
    status projection skips the work)."""
    if before != after or session.connection().execute(_HAS_FIGURES, {"case_no": case_no}).first() is None:
        refresh_case(session, case_no)


async def data_version(session: AsyncSession) -> Any:
    """When any case's figures last changed (None before the first): one index probe."""
    return (await session.exec(select(func.max(MonitoringCase.changed_at)))).one()


async def rebuild_cells(session: AsyncSession) -> None:
    """Every cell afresh from the stored rows (set-based: one statement)."""
    await session.exec(text("DELETE FROM monitoring_cell"))  # type: ignore[call-overload]
    await session.exec(text(REBUILD).bindparams(sign=1))  # type: ignore[call-overload]


async def rebuild(session: AsyncSession) -> int:
    """Recompute every case's rows from the projections, then every cell; returns the cases."""
    await session.exec(text("DELETE FROM monitoring_row"))  # type: ignore[call-overload]
    await session.exec(text("DELETE FROM monitoring_case"))  # type: ignore[call-overload]
    case_nos = (await session.exec(select(Case.case_no).order_by(col(Case.id)))).all()

    def refresh_all(sync: Session) -> None:
        for case_no in case_nos:
            refresh_case(sync, case_no)

    await session.run_sync(refresh_all)
    await rebuild_cells(session)
    return len(case_nos)

"""Sittings as people read them: a party's upcoming dates (status page, respondent's page), the .ics
of one sitting, and a staff member's calendar, their own or their organisation's, by day or week,
with conflicts flagged (one person, or one room, booked twice at overlapping times)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from pydantic import AwareDatetime, Field
from sqlmodel import col, select

from domain.china_time import CHINA_TZ
from domain.roles import StaffPrincipal
from domain.sittings import Sitting, SittingKind
from infrastructure.db import Database
from infrastructure.ics import sittings_ics
from infrastructure.tables import SittingRow, Team
from services.read_models import ReadModel

ACTIVE = ("scheduled",)


def as_sitting(row: SittingRow) -> Sitting:
    """The calendar row as the notices and the .ics describe it."""
    starts = row.starts_at if row.starts_at.tzinfo else row.starts_at.replace(tzinfo=UTC)
    ends = row.ends_at if row.ends_at.tzinfo else row.ends_at.replace(tzinfo=UTC)
    return Sitting(case_no=row.case_no, number=row.number, kind=SittingKind(row.kind), starts_at=starts.astimezone(CHINA_TZ),
                   minutes=int((ends - starts).total_seconds() // 60), place=row.place, online_link=row.online_link,
                   summoned=tuple(row.summoned), organisation=row.organisation, team_code=row.team_code,
                   convened_by=row.convened_by, status=row.status, version=row.version, reason=row.reason,
                   notified_on=starts.astimezone(CHINA_TZ).date())


async def upcoming(db: Database, case_no: str, party: str, now: datetime | None = None) -> list[Sitting]:
    """The sittings of a case this party is summoned to, from today on, soonest first."""
    since = datetime.combine((now or datetime.now(CHINA_TZ)).astimezone(CHINA_TZ).date(), time(0), CHINA_TZ).astimezone(UTC)
    async with db.session() as session:
        rows = (await session.exec(select(SittingRow).where(SittingRow.case_no == case_no, col(SittingRow.status).in_(ACTIVE),
                                                            col(SittingRow.starts_at) >= since)
                                   .order_by(col(SittingRow.starts_at)))).all()
    return [as_sitting(r) for r in rows if party in r.summoned]


async def party_ics(db: Database, case_no: str, party: str) -> str:
    """One .ics with every upcoming sitting of the case this party is summoned to."""
    return sittings_ics(await upcoming(db, case_no, party))


@dataclass
class CalendarEntry:
    sitting: Sitting
    conflicts: list[str] = field(default_factory=list)  # why it clashes: "same person", "same place"

    @property
    def ends_at(self) -> datetime:
        return self.sitting.starts_at + timedelta(minutes=self.sitting.minutes)


@dataclass
class CalendarView:
    """The days shown and what is on each."""

    view: str  # day | week
    scope: str  # mine | organisation
    first: date
    days: list[tuple[date, list[CalendarEntry]]]

    @property
    def previous(self) -> date:
        return self.first - timedelta(days=1 if self.view == "day" else 7)

    @property
    def next(self) -> date:
        return self.first + timedelta(days=1 if self.view == "day" else 7)

    @property
    def conflicts(self) -> int:
        return sum(1 for _, entries in self.days for e in entries if e.conflicts)


def flag_conflicts(entries: list[CalendarEntry]) -> None:
    """Mark entries that overlap another with the same convenor or the same place."""
    for i, one in enumerate(entries):
        for other in entries[i + 1:]:
            if one.sitting.starts_at >= other.ends_at or other.sitting.starts_at >= one.ends_at:
                continue
            reasons = []
            if one.sitting.convened_by and one.sitting.convened_by == other.sitting.convened_by:
                reasons.append("same_person")
            if one.sitting.place and one.sitting.place == other.sitting.place:
                reasons.append("same_place")
            for reason in reasons:
                for entry, clash in ((one, other), (other, one)):
                    entry.conflicts.append(f"{reason}:{clash.sitting.case_no}")


async def staff_calendar(db: Database, staff: StaffPrincipal, first: date, view: str = "week", scope: str = "mine") -> CalendarView:
    """The sittings a staff member set (`mine`), or every sitting of their organisation's teams (`organisation`)."""
    view = "day" if view == "day" else "week"
    scope = "organisation" if scope == "organisation" else "mine"
    if view == "week":
        first -= timedelta(days=first.weekday())
    length = 1 if view == "day" else 7
    start = datetime.combine(first, time(0), CHINA_TZ).astimezone(UTC)  # stored times are UTC
    query = select(SittingRow).where(col(SittingRow.starts_at) >= start, col(SittingRow.starts_at) < start + timedelta(days=length),
                                     col(SittingRow.status).in_((*ACTIVE, "held")))
    async with db.session() as session:
        if scope == "mine":
            query = query.where(SittingRow.convened_by == staff.username)
        else:
            team = await session.get(Team, staff.team_code) if staff.team_code else None
            teams = (await session.exec(select(Team.code).where(Team.organisation_code == team.organisation_code))).all() \
                if team is not None and team.organisation_code else [staff.team_code]
            query = query.where(col(SittingRow.team_code).in_([t for t in teams if t]))
        rows = (await session.exec(query.order_by(col(SittingRow.starts_at)))).all()
    entries = [CalendarEntry(as_sitting(r)) for r in rows]
    flag_conflicts(entries)
    days = [(first + timedelta(days=i), [e for e in entries if e.sitting.starts_at.date() == first + timedelta(days=i)])
            for i in range(length)]
    return CalendarView(view, scope, first, days)


class CalendarItem(ReadModel):
    """One session or hearing on a calendar (no personal data: the case by number, parties by role)."""

    case_no: str
    kind: SittingKind
    number: int
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    place: str
    online_link: str
    summoned: list[str] = Field(description="`applicant` and `respondent:<seq>`")
    convened_by: str | None
    status: str
    conflicts: list[str] = Field(description="`same_person:<case_no>` or `same_place:<case_no>` for each clash")


class CalendarPublic(ReadModel):
    """A staff member's calendar: a day or a week (from Monday), their own sittings or their organisation's."""

    view: str
    scope: str
    first: date
    items: list[CalendarItem]


def calendar_public(shown: CalendarView) -> CalendarPublic:
    """The calendar as the JSON API answers it."""
    items = [CalendarItem(case_no=e.sitting.case_no, kind=e.sitting.kind, number=e.sitting.number, starts_at=e.sitting.starts_at,
                          ends_at=e.ends_at, place=e.sitting.place, online_link=e.sitting.online_link, summoned=list(e.sitting.summoned),
                          convened_by=e.sitting.convened_by, status=e.sitting.status, conflicts=e.conflicts)
             for _, entries in shown.days for e in entries]
    return CalendarPublic(view=shown.view, scope=shown.scope, first=shown.first, items=items)

"""Official calendar years added by an administrator: one JSON file per year in the calendar folder.

`labourflow calendar add FILE` validates a file and copies it here; every process builds its
`Calendar` from the package years plus these files, so a new year needs no code change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from temporalio.service import RPCError, RPCStatusCode

from domain.calendar import CALENDAR_SIGNAL, Calendar, CalendarDataError, CalendarYear
from infrastructure.settings import Settings

if TYPE_CHECKING:
    from temporalio.client import Client

    from infrastructure.db import Database


class CalendarFileError(ValueError):
    """A calendar file is unreadable or invalid; the message names the file and the problem."""


def read_calendar_file(path: Path) -> CalendarYear:
    """Read and validate one year file; the file name must be the year (e.g. 2027.json)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CalendarFileError(f"{path}: cannot be read ({exc})") from exc
    try:
        year = CalendarYear.from_json(text)
    except CalendarDataError as exc:
        raise CalendarFileError(f"{path}: {exc}") from exc
    return year


def load_calendar_years(directory: Path) -> list[CalendarYear]:
    """Every `YYYY.json` in the folder, validated; a bad file raises CalendarFileError naming it."""
    if not directory.is_dir():
        return []
    years: list[CalendarYear] = []
    for path in sorted(directory.glob("*.json")):
        year = read_calendar_file(path)
        if path.stem != str(year.year):
            raise CalendarFileError(
                f"{path}: holds year {year.year}; name the file {year.year}.json"
            )
        years.append(year)
    return years


def current_calendar(settings: Settings) -> Calendar:
    """The calendar every process uses: package years plus the administrator's files."""
    return Calendar(load_calendar_years(settings.resolved_calendar_dir))


def install_calendar_year(settings: Settings, year: CalendarYear) -> Path:
    """Write a validated year into the calendar folder as YYYY.json (replacing an earlier file)."""
    directory = settings.resolved_calendar_dir
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"{year.year}.json"
    temporary = target.with_suffix(".json.tmp")
    temporary.write_text(year.to_json(), encoding="utf-8")
    temporary.replace(target)
    return target


@dataclass(frozen=True)
class NotifyReport:
    """Which running workflows were sent the new calendar year, and which were already closed."""

    notified: tuple[str, ...]
    gone: tuple[str, ...]


async def provisional_workflow_ids(db: Database) -> list[str]:
    """Distinct workflows holding a pending provisional deadline (the `deadline` projection)."""
    from sqlmodel import col, select

    from infrastructure.tables.projections import Deadline

    query = (
        select(Deadline.workflow_id)
        .where(col(Deadline.provisional).is_(True), Deadline.status == "pending")
        .distinct()
        .order_by(Deadline.workflow_id)
    )
    async with db.session() as session:
        return list((await session.exec(query)).all())


async def notify_workflows(
    client: Client, workflow_ids: Sequence[str], years: Sequence[CalendarYear]
) -> NotifyReport:
    """Signal `calendar-updated` (one CalendarYear a signal) to each workflow; skip closed ones."""
    notified: list[str] = []
    gone: list[str] = []
    for workflow_id in workflow_ids:
        handle = client.get_workflow_handle(workflow_id)
        try:
            for year in years:
                await handle.signal(CALENDAR_SIGNAL, year)
        except RPCError as exc:
            if exc.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.FAILED_PRECONDITION):
                gone.append(workflow_id)
                continue
            raise
        notified.append(workflow_id)
    return NotifyReport(notified=tuple(notified), gone=tuple(gone))


async def notify_running_workflows(
    settings: Settings, years: Sequence[CalendarYear]
) -> NotifyReport:
    """Send the years to workflows with provisional deadlines, or raise ConnectionError."""
    from infrastructure.db import Database
    from infrastructure.temporal import connect

    db = Database(settings.resolved_database_url)
    try:
        workflow_ids = await provisional_workflow_ids(db)
    finally:
        await db.dispose()
    if not workflow_ids:
        return NotifyReport(notified=(), gone=())
    client = await connect(settings)
    return await notify_workflows(client, workflow_ids, years)

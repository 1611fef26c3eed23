"""Official calendar years added by an administrator, kept in the object store as `calendar/YYYY.json`
(`infrastructure.storage`: the database or S3, so every node sees the same years).

`labourflow calendar add FILE` validates a file and stores it; every process builds its `Calendar`
from the package years plus the stored ones, so a new year needs no code change. Years an earlier
version kept in LABOURFLOW_CALENDAR_DIR are still read (see `infrastructure.storage.FolderFallback`).
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import structlog
from temporalio.service import RPCError, RPCStatusCode

from domain.calendar import CALENDAR_SIGNAL, Calendar, CalendarDataError, CalendarYear
from infrastructure.settings import Settings
from infrastructure.storage import BlobStore, StorageUnavailable

if TYPE_CHECKING:
    from temporalio.client import Client

    from infrastructure.db import Database

CALENDAR_PREFIX = "calendar/"
_YEAR_KEY = re.compile(r"^calendar/[^/]+\.json$")
log = structlog.get_logger("labourflow.calendar")


class CalendarFileError(ValueError):
    """A calendar file is unreadable or invalid; the message names the file and the problem."""


def calendar_key(year: int) -> str:
    return f"{CALENDAR_PREFIX}{year}.json"


def parse_calendar_year(name: str, text: str) -> CalendarYear:
    """Validate one year's JSON; `name` (a file or a key) is named in every error."""
    try:
        return CalendarYear.from_json(text)
    except CalendarDataError as exc:
        raise CalendarFileError(f"{name}: {exc}") from exc


def read_calendar_file(path: Path) -> CalendarYear:
    """Read and validate one year file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CalendarFileError(f"{path}: cannot be read ({exc})") from exc
    return parse_calendar_year(str(path), text)


def _named_for_its_year(name: str, stem: str, year: CalendarYear) -> CalendarYear:
    if stem != str(year.year):
        raise CalendarFileError(f"{name}: holds year {year.year}; name the file {year.year}.json")
    return year


def folder_calendar_years(directory: Path) -> list[CalendarYear]:
    """Every `YYYY.json` in a folder (the layout before the object store), validated."""
    if not directory.is_dir():
        return []
    return [_named_for_its_year(str(path), path.stem, read_calendar_file(path)) for path in sorted(directory.glob("*.json"))]


async def stored_calendar_years(storage: BlobStore) -> list[CalendarYear]:
    """Every `calendar/YYYY.json` in the store, validated; a bad one raises CalendarFileError naming it."""
    years: list[CalendarYear] = []
    for key in await storage.keys(CALENDAR_PREFIX):
        if not _YEAR_KEY.match(key):
            continue
        try:
            text = (await storage.get(key)).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CalendarFileError(f"{key}: cannot be read ({exc})") from exc
        years.append(_named_for_its_year(key, key.removeprefix(CALENDAR_PREFIX).removesuffix(".json"), parse_calendar_year(key, text)))
    return years


async def install_calendar_year(storage: BlobStore, year: CalendarYear) -> str:
    """Store a validated year as calendar/YYYY.json (replacing an earlier one); returns its key."""
    key = calendar_key(year.year)
    await storage.put(key, year.to_json().encode("utf-8"))
    return key


class CalendarSource:
    """The stored years, read at most every `ttl` seconds per process (intake guidance asks often).

    A year added on one node reaches the others' pages within `ttl`; running cases receive it at
    once by signal (`labourflow calendar add`). When the store cannot be read (a database not yet
    migrated, S3 away) the years in the old calendar folder are used and a warning is logged."""

    def __init__(self, storage: BlobStore, folder: Path, ttl: float = 30.0) -> None:
        self._storage, self._folder, self._ttl = storage, folder, ttl
        self._cached: tuple[float, tuple[CalendarYear, ...]] | None = None

    async def years(self) -> tuple[CalendarYear, ...]:
        if self._cached is not None and time.monotonic() - self._cached[0] < self._ttl:
            return self._cached[1]
        try:
            years = tuple(await stored_calendar_years(self._storage))
        except StorageUnavailable as exc:
            log.warning("calendar store unavailable; using the calendar folder only", error=str(exc), folder=str(self._folder))
            return tuple(await asyncio.to_thread(folder_calendar_years, self._folder))
        self._cached = (time.monotonic(), years)
        return years

    def forget(self) -> None:
        """Read the store again on the next call (after this process added a year)."""
        self._cached = None

    async def calendar(self) -> Calendar:
        """The calendar every process uses: package years plus the administrator's years."""
        return Calendar(await self.years())


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

"""What the services need from the outside world, handed over once: settings, the database, the
keys, the object store (files every node sees), and a Temporal client that connects lazily (the
API keeps answering while Temporal is away).

The API builds one at start-up; the command line, the simulator and the tests build their own.
Services take it (or just the part they need, e.g. `ctx.db`) as an argument, never a web request."""

from __future__ import annotations

from dataclasses import dataclass

from temporalio.client import Client

from domain.calendar import Calendar, CalendarYear
from infrastructure.crypto import Keyring
from infrastructure.db import Database
from infrastructure.settings import Settings
from infrastructure.storage import BlobStore, blob_store_for
from infrastructure.temporal_gateway import TemporalGateway, TemporalUnavailable
from services.calendars import CalendarSource
from services.errors import Unavailable


@dataclass(frozen=True)
class ServiceContext:
    """The dependencies of every use case."""

    settings: Settings
    db: Database
    keyring: Keyring
    temporal: TemporalGateway
    storage: BlobStore
    calendars: CalendarSource
    search_attributes: bool = True  # the time-skipping test server has none

    @classmethod
    def from_settings(cls, settings: Settings, *, db: Database | None = None, temporal: TemporalGateway | None = None,
                      search_attributes: bool = True) -> ServiceContext:
        """The production wiring: a database, the object store and a lazily connected Temporal client from the settings."""
        db = db or Database(settings.resolved_database_url)
        storage = blob_store_for(settings, db)
        return cls(
            settings=settings,
            db=db,
            keyring=Keyring.from_settings(settings),
            temporal=temporal or TemporalGateway(settings),
            storage=storage,
            calendars=CalendarSource(storage, settings.resolved_calendar_dir),
            search_attributes=search_attributes,
        )

    async def client(self) -> Client:
        """The Temporal client; `Unavailable` (503) while Temporal cannot be reached."""
        try:
            return await self.temporal.client()
        except TemporalUnavailable as exc:
            raise Unavailable() from exc

    async def calendar_years(self) -> tuple[CalendarYear, ...]:
        """Official calendar years an administrator added (handed to each new workflow)."""
        return await self.calendars.years()

    async def calendar(self) -> Calendar:
        """The calendar every process uses: package years plus the administrator's years."""
        return await self.calendars.calendar()

"""What the services need from the outside world, handed over once: settings, the database, the
keys, and a Temporal client that connects lazily (the API keeps answering while Temporal is away).

The API builds one at start-up; the command line, the simulator and the tests build their own.
Services take it (or just the part they need, e.g. `ctx.db`) as an argument, never a web request."""

from __future__ import annotations

from dataclasses import dataclass

from temporalio.client import Client

from domain.calendar import Calendar, CalendarYear
from infrastructure.crypto import Keyring
from infrastructure.db import Database
from infrastructure.settings import Settings
from infrastructure.temporal_gateway import TemporalGateway, TemporalUnavailable
from services.calendars import current_calendar, load_calendar_years
from services.errors import Unavailable


@dataclass(frozen=True)
class ServiceContext:
    """The dependencies of every use case."""

    settings: Settings
    db: Database
    keyring: Keyring
    temporal: TemporalGateway
    search_attributes: bool = True  # the time-skipping test server has none

    @classmethod
    def from_settings(cls, settings: Settings, *, db: Database | None = None, temporal: TemporalGateway | None = None,
                      search_attributes: bool = True) -> ServiceContext:
        """The production wiring: a database and a lazily connected Temporal client from the settings."""
        return cls(
            settings=settings,
            db=db or Database(settings.resolved_database_url),
            keyring=Keyring.from_settings(settings),
            temporal=temporal or TemporalGateway(settings),
            search_attributes=search_attributes,
        )

    async def client(self) -> Client:
        """The Temporal client; `Unavailable` (503) while Temporal cannot be reached."""
        try:
            return await self.temporal.client()
        except TemporalUnavailable as exc:
            raise Unavailable() from exc

    def calendar_years(self) -> tuple[CalendarYear, ...]:
        """Official calendar years an administrator added (handed to each new workflow)."""
        return tuple(load_calendar_years(self.settings.resolved_calendar_dir))

    def calendar(self) -> Calendar:
        """The calendar every process uses: package years plus the administrator's files."""
        return current_calendar(self.settings)

"""The working-day calendar: statutory rest days and make-up working days (调休) per official year.

Years 2004-2026 come from the `chinesecalendar` package (the State Council's annual notices);
later years are `CalendarYear`s an administrator adds. A year with no official data falls back to
weekends only, and `is_official` says so, so a computation can be marked provisional. Pure: the
files an administrator adds are read by `services.calendars`, never here.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from datetime import date

import chinese_calendar
from chinese_calendar.constants import Holiday
from chinese_calendar.constants import holidays as _PACKAGE_HOLIDAYS
from chinese_calendar.constants import workdays as _PACKAGE_WORKDAYS
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

PACKAGE_VERSION: str = str(chinese_calendar.__version__)
FIRST_YEAR = 2004
CALENDAR_SIGNAL = "calendar-updated"  # signal name; its single argument is a CalendarYear
WEEKDAYS_ZH = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")

_HOLIDAY_NAMES: dict[str, tuple[str, str]] = {
    str(member.value): (str(getattr(member, "chinese", member.value)), str(member.value)) for member in Holiday
}


class CalendarDataError(ValueError):
    """An official-year file is invalid; the message names the problem in one line."""


def _weekday_en(day: date) -> str:
    return day.strftime("%A")


class CalendarYear(BaseModel):
    """One official year: the weekday holidays and the weekend make-up working days of that year."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    year: int
    rest_days: tuple[date, ...]
    makeup_workdays: tuple[date, ...]
    source: str

    @field_validator("year")
    @classmethod
    def _year_in_range(cls, value: int) -> int:
        if not FIRST_YEAR <= value <= 2099:
            raise ValueError(f"year {value} is outside {FIRST_YEAR}-2099")
        return value

    @field_validator("source")
    @classmethod
    def _source_named(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("source must name the State Council notice (e.g. 国办发明电〔2026〕X号)")
        return value.strip()

    @model_validator(mode="after")
    def _consistent(self) -> CalendarYear:
        for label, days in (
            ("rest_days", self.rest_days),
            ("makeup_workdays", self.makeup_workdays),
        ):
            if len(set(days)) != len(days):
                duplicate = next(day for day in days if days.count(day) > 1)
                raise ValueError(f"{label}: {duplicate} is listed twice")
            for day in days:
                if day.year != self.year:
                    raise ValueError(f"{label}: {day} is not in {self.year}")
        for day in self.rest_days:
            if day.weekday() >= 5:
                raise ValueError(
                    f"rest_days: {day} is a {_weekday_en(day)}; list only holidays falling on Monday-Friday (weekends are rest days anyway)"
                )
        for day in self.makeup_workdays:
            if day.weekday() < 5:
                raise ValueError(f"makeup_workdays: {day} is a {_weekday_en(day)}; a make-up working day is a Saturday or Sunday")
        overlap = set(self.rest_days) & set(self.makeup_workdays)
        if overlap:
            raise ValueError(f"{min(overlap)} is both a rest day and a make-up working day")
        return self

    @classmethod
    def from_json(cls, text: str) -> CalendarYear:
        """Parse and validate one year file; raise CalendarDataError with a one-line reason."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CalendarDataError(f"not valid JSON: {exc.msg} at line {exc.lineno}") from exc
        if not isinstance(data, dict):
            raise CalendarDataError("expected a JSON object with keys year, rest_days, makeup_workdays, source")
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first.get("loc", ()))
            message = str(first.get("msg", "invalid")).removeprefix("Value error, ")
            raise CalendarDataError(f"{where}: {message}" if where else message) from exc

    def to_json(self) -> str:
        """The year as the JSON an administrator writes (sorted dates, ISO format)."""
        data = {
            "year": self.year,
            "rest_days": sorted(day.isoformat() for day in self.rest_days),
            "makeup_workdays": sorted(day.isoformat() for day in self.makeup_workdays),
            "source": self.source,
        }
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"

    @property
    def digest(self) -> str:
        """A stable 8-hex hash of the year's content (dates and source)."""
        return hashlib.sha256(self.to_json().encode()).hexdigest()[:8]


_PACKAGE_YEARS = frozenset(day.year for day in _PACKAGE_HOLIDAYS)


def package_year(year: int) -> CalendarYear:
    """The built-in year from `chinesecalendar` as a CalendarYear (for listing and comparison)."""
    if year not in _PACKAGE_YEARS:
        raise CalendarDataError(f"chinesecalendar {PACKAGE_VERSION} has no data for {year}")
    return CalendarYear(
        year=year,
        rest_days=tuple(sorted(d for d in _PACKAGE_HOLIDAYS if d.year == year and d.weekday() < 5)),
        makeup_workdays=tuple(sorted(d for d in _PACKAGE_WORKDAYS if d.year == year and d.weekday() >= 5)),
        source=f"chinesecalendar {PACKAGE_VERSION} (国务院办公厅部分节假日安排的通知)",
    )


def package_years() -> tuple[int, ...]:
    """Years the installed `chinesecalendar` covers."""
    return tuple(sorted(_PACKAGE_YEARS))


class Calendar:
    """Working days and rest days: official years (package + administrator) else weekends only."""

    def __init__(self, extra_years: Sequence[CalendarYear] = ()) -> None:
        self._extra: dict[int, CalendarYear] = {}
        for item in extra_years:
            self._extra[item.year] = item
        self._rest = {day for item in self._extra.values() for day in item.rest_days}
        self._makeup = {day for item in self._extra.values() for day in item.makeup_workdays}

    @property
    def extra_years(self) -> tuple[CalendarYear, ...]:
        """The administrator-added years, by year."""
        return tuple(self._extra[year] for year in sorted(self._extra))

    def with_year(self, item: CalendarYear) -> Calendar:
        """A new calendar with one more (or a replaced) administrator year."""
        return Calendar([*(y for y in self._extra.values() if y.year != item.year), item])

    def is_official(self, year: int) -> bool:
        """True when the State Council's schedule for `year` is known (else weekends only)."""
        return year in self._extra or year in _PACKAGE_YEARS

    def official_years(self) -> tuple[int, ...]:
        """Every year with official data."""
        return tuple(sorted(_PACKAGE_YEARS | set(self._extra)))

    def is_workday(self, day: date) -> bool:
        """A working day: Monday-Friday that is not a holiday, or a make-up working day."""
        if day.year in self._extra:
            return day in self._makeup or (day.weekday() < 5 and day not in self._rest)
        if day.year in _PACKAGE_YEARS:
            return day in _PACKAGE_WORKDAYS or (day.weekday() < 5 and day not in _PACKAGE_HOLIDAYS)
        return day.weekday() < 5

    def is_rest_day(self, day: date) -> bool:
        """A rest day (法定休假日 or weekend that is not a make-up working day)."""
        return not self.is_workday(day)

    def is_makeup_workday(self, day: date) -> bool:
        """A Saturday or Sunday that is a working day by the State Council's schedule (调休)."""
        return day.weekday() >= 5 and self.is_workday(day)

    def holiday_name(self, day: date) -> tuple[str, str] | None:
        """(Chinese, English) name of the statutory holiday on `day`, when the package knows it."""
        if day.year in self._extra:
            return ("法定节假日", "public holiday") if day in self._rest else None
        name = _PACKAGE_HOLIDAYS.get(day)
        return _HOLIDAY_NAMES.get(name, (name, name)) if name else None

    @property
    def version(self) -> str:
        """Which data decided the answer: package version plus a hash of each added year."""
        added = "".join(f"+{item.year}:{item.digest}" for item in self.extra_years)
        return f"chinesecalendar-{PACKAGE_VERSION}{added}"

    def __repr__(self) -> str:
        return f"Calendar({self.version})"


def describe_days(days: Iterable[date]) -> str:
    """Compact ISO list of dates, runs joined: 2026-10-01..2026-10-07, 2026-10-11."""
    ordered = sorted(set(days))
    runs: list[tuple[date, date]] = []
    for day in ordered:
        if runs and (day - runs[-1][1]).days == 1:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return ", ".join(a.isoformat() if a == b else f"{a.isoformat()}..{b.isoformat()}" for a, b in runs)

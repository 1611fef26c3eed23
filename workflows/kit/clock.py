"""The statutory clock inside a workflow: Beijing dates from workflow time, deadlines computed by
the pure rules in `domain`, and timer lengths that end when a due date has fully passed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.calendar import Calendar, CalendarYear
    from domain.china_time import CHINA_TZ
    from domain.deadlines import Deadline, compute_deadline



class Clock:
    """Dates as the law counts them (Beijing time) plus deadline computation with this case's calendar.

    `shift_days` moves the case's calendar for simulations (what-if runs of past or future dates);
    it is 0 for every real case.
    """

    def __init__(self, jurisdiction: str, calendar_years: Sequence[CalendarYear] = (), shift_days: int = 0, shift_seconds: int = 0) -> None:
        self.jurisdiction = jurisdiction
        self.shift = timedelta(days=shift_days, seconds=shift_seconds)
        self.years: dict[int, CalendarYear] = {year.year: year for year in calendar_years}
        self.calendar = Calendar(tuple(self.years.values()))

    def today(self) -> date:
        return (workflow.now() + self.shift).astimezone(CHINA_TZ).date()

    def compute(self, rule: str, start: date, **options: Any) -> Deadline:
        return compute_deadline(rule, start, jurisdiction=self.jurisdiction, calendar=self.calendar, **options)

    def until_end_of(self, day: date) -> timedelta:
        """Time left until `day` has fully passed (a period expires at 24:00 of its last day)."""
        end = datetime.combine(day + timedelta(days=1), time(0), CHINA_TZ) - self.shift
        return max(end - workflow.now(), timedelta(0))

    def until_start_of(self, day: date) -> timedelta:
        return self.until_time(day, time(0))

    def until_time(self, day: date, at: time) -> timedelta:
        """Time left until `at` o'clock (Beijing) on `day`."""
        moment = datetime.combine(day, at, CHINA_TZ) - self.shift
        return max(moment - workflow.now(), timedelta(0))

    def add_year(self, year: CalendarYear) -> bool:
        """Adopt an official calendar year sent by an administrator; True when it changes anything."""
        if self.years.get(year.year) == year:
            return False
        self.years[year.year] = year
        self.calendar = Calendar(tuple(self.years.values()))
        return True

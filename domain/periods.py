"""Counting a statutory period, as the law says.

- The start day is not counted (Civil Procedure Law Art. 85 ¶2; Civil Code Art. 201).
- Calendar days (日): the last day is start + N; if it is a rest day the period ends on the first
  working day after it (Civil Procedure Law Art. 85 ¶3; Civil Code Art. 203).
- Working days (工作日): N working days are counted after the start day, make-up working days
  (调休) included, rest days left out.
- Months and years: the corresponding day of the last month, or that month's last day where there
  is none (Civil Code Art. 202), then rolled forward like calendar days.
- Suspended days (中止) do not count; the engine extends the period by them.
"""

from __future__ import annotations

import calendar as _gregorian
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from domain.calendar import Calendar

ONE_DAY = timedelta(days=1)


class Unit(StrEnum):
    """Unit of a period: calendar days (日), working days (工作日), months, years."""

    CD = "CD"
    WD = "WD"
    M = "M"
    Y = "Y"


UNIT_ZH = {Unit.CD: "日", Unit.WD: "个工作日", Unit.M: "个月", Unit.Y: "年"}
UNIT_EN = {Unit.CD: "calendar days", Unit.WD: "working days", Unit.M: "months", Unit.Y: "years"}


@dataclass(frozen=True)
class Count:
    """The result of counting one period, with what the counting met on the way."""

    due: date
    nominal: date  # the last day before any roll-forward
    skipped: tuple[date, ...] = ()  # rest days rolled over (CD/M/Y) or left out (WD)
    makeup_workdays: tuple[date, ...] = ()  # make-up working days counted or landed on
    suspended_days: int = 0
    years: frozenset[int] = field(default_factory=frozenset)  # years whose schedule decided the answer


def shift_months(day: date, months: int) -> date:
    """The corresponding day `months` later, or that month's last day where there is none."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = _gregorian.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def suspended_set(start: date, suspensions: Sequence[tuple[date, date]]) -> frozenset[date]:
    """Every day after `start` that lies in one of the closed intervals."""
    days: set[date] = set()
    for first, last in suspensions:
        day = max(first, start + ONE_DAY)
        while day <= last:
            days.add(day)
            day += ONE_DAY
    return frozenset(days)


def roll_forward(day: date, calendar: Calendar) -> tuple[date, tuple[date, ...]]:
    """The first working day on or after `day`, and the rest days passed over."""
    skipped: list[date] = []
    while calendar.is_rest_day(day):
        skipped.append(day)
        day += ONE_DAY
    return day, tuple(skipped)


def _finish(start: date, nominal: date, calendar: Calendar, suspended: int) -> Count:
    due, skipped = roll_forward(nominal, calendar)
    years = {day.year for day in (nominal, *skipped, due)}
    makeup = (due,) if calendar.is_makeup_workday(due) else ()
    return Count(
        due=due,
        nominal=nominal,
        skipped=skipped,
        makeup_workdays=makeup,
        suspended_days=suspended,
        years=frozenset(years),
    )


def count_calendar_days(start: date, length: int, calendar: Calendar, pauses: frozenset[date]) -> Count:
    """N calendar days after `start`, paused days not counted, last day rolled off rest days."""
    day, counted, suspended = start, 0, 0
    while counted < length:
        day += ONE_DAY
        if day in pauses:
            suspended += 1
        else:
            counted += 1
    return _finish(start, day, calendar, suspended)


def count_months(start: date, months: int, calendar: Calendar, pauses: frozenset[date]) -> Count:
    """N months after `start` (corresponding day or month end), extended by paused days, rolled."""
    nominal = shift_months(start, months)
    extra = 0
    while True:
        end = nominal + timedelta(days=extra)
        inside = sum(1 for day in pauses if start < day <= end)
        if inside == extra:
            break
        extra = inside
    return _finish(start, nominal + timedelta(days=extra), calendar, extra)


def count_working_days(start: date, length: int, calendar: Calendar, pauses: frozenset[date]) -> Count:
    """N working days after `start`: rest days are left out, make-up working days count."""
    day, counted, suspended = start, 0, 0
    skipped: list[date] = []
    makeup: list[date] = []
    years = set()
    while counted < length:
        day += ONE_DAY
        years.add(day.year)
        if day in pauses:
            suspended += 1
        elif calendar.is_workday(day):
            counted += 1
            if day.weekday() >= 5:
                makeup.append(day)
        else:
            skipped.append(day)
    return Count(
        due=day,
        nominal=day,
        skipped=tuple(skipped),
        makeup_workdays=tuple(makeup),
        suspended_days=suspended,
        years=frozenset(years),
    )


def count_period(start: date, length: int, unit: Unit, calendar: Calendar, pauses: frozenset[date] = frozenset()) -> Count:
    """Count a forward period of `length` `unit`s from `start` (the start day not counted)."""
    if length < 0:
        raise ValueError("a period length cannot be negative")
    if unit is Unit.CD:
        return count_calendar_days(start, length, calendar, pauses)
    if unit is Unit.WD:
        return count_working_days(start, length, calendar, pauses)
    months = length if unit is Unit.M else length * 12
    return count_months(start, months, calendar, pauses)


def count_back(anchor: date, length: int, unit: Unit) -> Count:
    """The day `length` units before `anchor` (e.g. 5 days before a hearing); never rolled."""
    if unit is Unit.CD:
        day = anchor - timedelta(days=length)
    elif unit in (Unit.M, Unit.Y):
        day = shift_months(anchor, -(length if unit is Unit.M else 12 * length))
    else:
        raise ValueError("working-day periods are not counted backwards by any rule")
    return Count(due=day, nominal=day, years=frozenset({day.year}))

"""Counting rules: start day not counted, month ends and leap days (Civil Code Art. 201-203),
and the
invariants every period keeps, checked with hypothesis."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.calendar import Calendar
from domain.deadlines import compute_deadline, rule_table
from domain.periods import Unit, count_period, shift_months

D = date
CAL = Calendar()

MONTH_ENDS = [
    (D(2024, 1, 31), 1, Unit.M, D(2024, 2, 29), "leap February has a 29th"),
    (D(2025, 1, 31), 1, Unit.M, D(2025, 2, 28), "no corresponding day: month end (Art. 202)"),
    (D(2024, 2, 29), 1, Unit.Y, D(2025, 2, 28), "leap day + 1 year: 02-28"),
    (D(2023, 2, 28), 1, Unit.Y, D(2024, 2, 28), "corresponding day in a leap year"),
    (D(2026, 3, 31), 1, Unit.M, D(2026, 4, 30), "30-day month"),
    (D(2026, 5, 31), 1, Unit.M, D(2026, 6, 30), "30-day month"),
    (
        D(2026, 8, 31),
        6,
        Unit.M,
        D(2027, 3, 1),
        "2027-02-28 is a Sunday (weekends only: 2027 not official)",
    ),
    (
        D(2026, 1, 31),
        1,
        Unit.M,
        D(2026, 2, 28),
        "month end 02-28 is a make-up Saturday: not rolled",
    ),
    (D(2025, 10, 31), 1, Unit.M, D(2025, 12, 1), "11-30 is a Sunday: rolled"),
]


@pytest.mark.parametrize(
    ("start", "length", "unit", "due", "why"), MONTH_ENDS, ids=[row[4] for row in MONTH_ENDS]
)
def test_month_and_year_ends(start: date, length: int, unit: Unit, due: date, why: str) -> None:
    assert count_period(start, length, unit, CAL).due == due


def test_shift_months_backwards_and_across_years() -> None:
    assert shift_months(D(2026, 3, 31), -1) == D(2026, 2, 28)
    assert shift_months(D(2026, 12, 15), 2) == D(2027, 2, 15)
    assert shift_months(D(2024, 2, 29), -12) == D(2023, 2, 28)


days = st.dates(min_value=D(2004, 1, 1), max_value=D(2026, 10, 31))
forward_cd_rules = [
    rule for rule in rule_table() if rule.unit is Unit.CD and rule.direction == "after"
]
forward_rules = [
    rule for rule in rule_table("zhejiang") if rule.length is not None and rule.direction == "after"
]


@settings(max_examples=300, deadline=None)
@given(start=days, length=st.integers(min_value=1, max_value=120))
def test_calendar_day_period_never_ends_on_a_rest_day(start: date, length: int) -> None:
    count = count_period(start, length, Unit.CD, CAL)
    assert CAL.is_workday(count.due)
    assert count.due >= start + timedelta(days=length)
    assert all(CAL.is_rest_day(day) for day in count.skipped)


@settings(max_examples=200, deadline=None)
@given(start=days, rule=st.sampled_from(forward_cd_rules))
def test_rules_in_calendar_days_end_on_a_working_day(start: date, rule: object) -> None:
    deadline = compute_deadline(rule.id, start)  # type: ignore[attr-defined]
    assert deadline.due is not None and CAL.is_workday(deadline.due)


@settings(max_examples=300, deadline=None)
@given(start=days, length=st.integers(min_value=1, max_value=90))
def test_working_day_period_counts_exactly_n_working_days(start: date, length: int) -> None:
    count = count_period(start, length, Unit.WD, CAL)
    span = [start + timedelta(days=offset) for offset in range(1, (count.due - start).days + 1)]
    assert sum(1 for day in span if CAL.is_workday(day)) == length
    assert CAL.is_workday(count.due)
    assert set(count.skipped) == {day for day in span if CAL.is_rest_day(day)}
    assert set(count.makeup_workdays) == {day for day in span if CAL.is_makeup_workday(day)}


@settings(max_examples=300, deadline=None)
@given(
    start=days,
    gap=st.integers(min_value=1, max_value=40),
    rule=st.sampled_from(forward_rules),
    extended=st.booleans(),
)
def test_later_start_never_gives_an_earlier_due_date(
    start: date, gap: int, rule: object, extended: bool
) -> None:
    rule_id = rule.id  # type: ignore[attr-defined]
    extended = extended and bool(rule.extension)  # type: ignore[attr-defined]
    first = compute_deadline(rule_id, start, jurisdiction="zhejiang", extended=extended)
    later = compute_deadline(
        rule_id, start + timedelta(days=gap), jurisdiction="zhejiang", extended=extended
    )
    assert first.due is not None and later.due is not None
    assert later.due >= first.due


@settings(max_examples=150, deadline=None)
@given(start=days, months=st.integers(min_value=1, max_value=30))
def test_month_periods_end_on_a_working_day_no_earlier_than_the_corresponding_day(
    start: date, months: int
) -> None:
    count = count_period(start, months, Unit.M, CAL)
    assert count.due >= shift_months(start, months)
    assert CAL.is_workday(count.due) or not CAL.is_official(count.due.year)


@settings(max_examples=150, deadline=None)
@given(
    start=days,
    first=st.integers(min_value=1, max_value=40),
    span=st.integers(min_value=0, max_value=30),
)
def test_suspended_days_extend_a_period_by_exactly_their_number(
    start: date, first: int, span: int
) -> None:
    plain = count_period(start, 45, Unit.CD, CAL)
    pause_from = start + timedelta(days=first)
    pauses = frozenset(pause_from + timedelta(days=offset) for offset in range(span + 1))
    paused = count_period(start, 45, Unit.CD, CAL, pauses)
    inside = sum(1 for day in pauses if day <= paused.nominal)
    assert paused.suspended_days == inside
    assert paused.nominal == plain.nominal + timedelta(days=inside)

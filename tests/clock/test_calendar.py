"""The working-day calendar: 2026 holidays and make-up working days (as shipped in
chinesecalendar), administrator years, the weekends-only fallback, and the roll-forward around
every 2026 holiday (Civil Procedure Law Art. 85 ¶3)."""

from __future__ import annotations

from datetime import date

import pytest

from domain.calendar import Calendar, CalendarDataError, CalendarYear
from domain.deadlines import compute_deadline, recompute

D = date
CAL = Calendar()

MAKEUP_2026 = [
    D(2026, 1, 4),
    D(2026, 2, 14),
    D(2026, 2, 28),
    D(2026, 5, 9),
    D(2026, 9, 20),
    D(2026, 10, 10),
]
WEEKDAY_HOLIDAYS_2026 = [
    D(2026, 1, 1),
    D(2026, 1, 2),
    D(2026, 2, 16),
    D(2026, 2, 17),
    D(2026, 2, 18),
    D(2026, 2, 19),
    D(2026, 2, 20),
    D(2026, 2, 23),
    D(2026, 4, 6),
    D(2026, 5, 1),
    D(2026, 5, 4),
    D(2026, 5, 5),
    D(2026, 6, 19),
    D(2026, 9, 25),
    D(2026, 10, 1),
    D(2026, 10, 2),
    D(2026, 10, 5),
    D(2026, 10, 6),
    D(2026, 10, 7),
]


@pytest.mark.parametrize("day", MAKEUP_2026, ids=str)
def test_2026_makeup_workdays_are_working_weekend_days(day: date) -> None:
    assert day.weekday() >= 5
    assert CAL.is_workday(day) and CAL.is_makeup_workday(day)


@pytest.mark.parametrize("day", WEEKDAY_HOLIDAYS_2026, ids=str)
def test_2026_weekday_holidays_are_rest_days(day: date) -> None:
    assert day.weekday() < 5
    assert CAL.is_rest_day(day)


def test_ordinary_days() -> None:
    assert CAL.is_workday(D(2026, 3, 2))  # Monday
    assert CAL.is_rest_day(D(2026, 3, 7))  # Saturday
    assert CAL.is_official(2004) and CAL.is_official(2026)
    assert not CAL.is_official(2027)
    assert CAL.holiday_name(D(2026, 10, 1)) == ("国庆节", "National Day")


# Calendar-day periods whose last day falls on each 2026 holiday or make-up working day
# (rule D13, 5 days;
# D16, 10 days; D03, 15 days). cite: Civil Procedure Law Art. 85 ¶3, Civil Code Art. 203.
ROLLS = [
    (
        "D13",
        D(2025, 12, 27),
        D(2026, 1, 4),
        "New Year 01-01..03, then make-up Sunday 01-04 is the next working day",
    ),
    ("D16", D(2026, 2, 5), D(2026, 2, 24), "Spring Festival 02-15..23"),
    ("D16", D(2026, 2, 4), D(2026, 2, 14), "make-up Saturday 02-14 is not rolled"),
    ("D03", D(2026, 2, 13), D(2026, 2, 28), "make-up Saturday 02-28 is not rolled"),
    ("D16", D(2026, 3, 25), D(2026, 4, 7), "Qingming 04-04..06"),
    ("D16", D(2026, 4, 21), D(2026, 5, 6), "Labour Day 05-01..05"),
    ("D16", D(2026, 4, 29), D(2026, 5, 9), "make-up Saturday 05-09 is not rolled"),
    ("D16", D(2026, 6, 9), D(2026, 6, 22), "Dragon Boat 06-19..21"),
    ("D16", D(2026, 9, 10), D(2026, 9, 20), "make-up Sunday 09-20 is not rolled"),
    ("D16", D(2026, 9, 15), D(2026, 9, 28), "Mid-autumn 09-25..27"),
    ("D16", D(2026, 9, 21), D(2026, 10, 8), "National Day 10-01..07"),
    ("D16", D(2026, 9, 30), D(2026, 10, 10), "make-up Saturday 10-10 is not rolled"),
]


@pytest.mark.parametrize(("rule", "start", "due", "why"), ROLLS, ids=[row[3] for row in ROLLS])
def test_roll_forward_around_2026_holidays(rule: str, start: date, due: date, why: str) -> None:
    deadline = compute_deadline(rule, start)
    assert deadline.due == due
    assert all(CAL.is_rest_day(day) for day in deadline.skipped)
    if CAL.is_makeup_workday(due):
        assert deadline.makeup_workdays == (due,)


def test_working_days_across_spring_festival_count_the_makeup_saturday() -> None:
    deadline = compute_deadline("D45", D(2026, 2, 12))  # 5 working days,若干规定 Art. 18
    assert deadline.due == D(2026, 2, 26)
    assert deadline.makeup_workdays == (D(2026, 2, 14),)
    assert deadline.skipped == tuple(D(2026, 2, day) for day in range(15, 24))


def test_first_working_day_of_2026_is_the_makeup_sunday() -> None:
    deadline = compute_deadline(
        "D42", D(2026, 1, 1)
    )  # 2 working days, Online Mediation Rules Art. 10
    assert deadline.due == D(2026, 1, 5)
    assert deadline.makeup_workdays == (D(2026, 1, 4),)


YEAR_2027 = {
    "year": 2027,
    "rest_days": ["2027-01-01", "2027-12-20"],
    "makeup_workdays": ["2027-02-06"],
    "source": "test fixture (not the real 2027 notice)",
}


def _year_json(**changes: object) -> str:
    import json

    return json.dumps({**YEAR_2027, **changes})


def test_calendar_year_from_json_and_version_hash() -> None:
    year = CalendarYear.from_json(_year_json())
    calendar = Calendar([year])
    assert calendar.is_official(2027)
    assert calendar.is_rest_day(D(2027, 12, 20)) and calendar.is_workday(D(2027, 2, 6))
    assert calendar.version == f"chinesecalendar-{CAL.version.split('-', 1)[1]}+2027:{year.digest}"
    again = Calendar([CalendarYear.from_json(year.to_json())])
    assert again.version == calendar.version


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"rest_days": ["2027-01-02"]}, "rest_days: 2027-01-02 is a Saturday"),
        ({"makeup_workdays": ["2027-02-08"]}, "makeup_workdays: 2027-02-08 is a Monday"),
        ({"rest_days": ["2028-01-03"]}, "rest_days: 2028-01-03 is not in 2027"),
        ({"rest_days": ["2027-01-01", "2027-01-01"]}, "listed twice"),
        ({"rest_days": ["2027-02-30"]}, "rest_days.0"),
        ({"source": " "}, "source must name"),
        ({"year": 1999}, "year 1999 is outside"),
        ({"holidays": []}, "holidays"),
    ],
)
def test_calendar_year_validation_messages(changes: dict[str, object], message: str) -> None:
    with pytest.raises(CalendarDataError, match=message):
        CalendarYear.from_json(_year_json(**changes))
    with pytest.raises(CalendarDataError, match="not valid JSON"):
        CalendarYear.from_json("{")


def test_weekend_only_fallback_is_provisional_and_recomputed_when_the_year_is_added() -> None:
    before = compute_deadline("D01", D(2026, 12, 20))
    assert before.due == D(2027, 12, 20) and before.provisional
    assert any("provisional" in warning for warning in before.warnings)
    calendar = Calendar([CalendarYear.from_json(_year_json())])
    after = recompute(before, calendar)
    assert after.due == D(2027, 12, 21) and not after.provisional
    assert after.skipped == (D(2027, 12, 20),)
    assert after.calendar_version != before.calendar_version


def test_a_period_inside_official_years_is_not_provisional_even_when_started_late_in_the_year() -> (
    None
):
    assert not compute_deadline("D16", D(2026, 12, 1)).provisional
    assert compute_deadline("D16", D(2026, 12, 25)).provisional  # ends 2027-01-04

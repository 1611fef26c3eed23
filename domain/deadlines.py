"""The statutory clock: compute a deadline from a rule of the table and a start date, and say why.

Every `Deadline` carries its rule, start, due date, length and unit, citation with the article text,
the rest days skipped, the make-up working days counted, the calendar version, whether it is
provisional (a year without official data was involved), its confidence and a sentence in Chinese
and English. Pure and deterministic: safe inside the Temporal workflow sandbox.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from pydantic import BaseModel, ConfigDict, Field

from domain.calendar import FIRST_YEAR, Calendar
from domain.explain import explain
from domain.periods import Count, Unit, count_back, count_period, suspended_set
from domain.rules import (
    DeadlineError,
    InvalidOption,
    InvalidStart,
    Rule,
    UnknownJurisdiction,
    UnknownRule,
    jurisdiction,
    jurisdictions,
    resolve_rule,
    rule_table,
)
from domain.statutes import cited_text

__all__ = [
    "Deadline",
    "DeadlineError",
    "InvalidOption",
    "InvalidStart",
    "Rule",
    "Unit",
    "UnknownJurisdiction",
    "UnknownRule",
    "compute_deadline",
    "jurisdictions",
    "parse_date",
    "parse_interval",
    "recompute",
    "rule_table",
]

LAST_START = date(2099, 12, 31)
FIRST_START = date(FIRST_YEAR, 1, 1)
_DEFAULT_CALENDAR = Calendar()


class Deadline(BaseModel):
    """A computed statutory deadline with its full explanation."""

    model_config = ConfigDict(frozen=True, populate_by_name=True, serialize_by_alias=True)

    rule: str
    title_zh: str
    title_en: str
    from_: date = Field(alias="from")
    due: date | None
    length: int | None
    unit: Unit | None
    basis: str
    basis_text: str
    calendar_version: str
    provisional: bool
    confidence: str
    jurisdiction: str
    skipped: tuple[date, ...]
    makeup_workdays: tuple[date, ...]
    suspended_days: int = 0
    explanation_zh: str
    explanation_en: str
    warnings: tuple[str, ...] = ()
    direction: str = "after"
    variant: str | None = None
    extended: bool = False
    counted_from: date | None = None  # the start after the last restart (中断), when there was one
    suspensions: tuple[tuple[date, date], ...] = ()
    restarts: tuple[date, ...] = ()


def parse_date(text: str, field: str = "from") -> date:
    """Parse YYYY-MM-DD within 2004-01-01..2099-12-31, else InvalidStart."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidStart(f"{field}: '{text}' is not a valid date; use YYYY-MM-DD between {FIRST_START} and {LAST_START}") from None
    if len(text.strip()) != 10:
        raise InvalidStart(f"{field}: '{text}' is not in YYYY-MM-DD form (e.g. 2026-03-02)")
    return check_date(day, field)


def parse_interval(text: str, field: str = "suspension") -> tuple[date, date]:
    """Parse 'YYYY-MM-DD:YYYY-MM-DD' (a closed interval), or raise InvalidStart."""
    first, sep, last = text.partition(":")
    if not sep:
        raise InvalidStart(f"{field}: '{text}' must look like YYYY-MM-DD:YYYY-MM-DD")
    return parse_date(first, field), parse_date(last, field)


def check_date(day: date, field: str = "from") -> date:
    """Raise InvalidStart unless `day` is within the calendar's range (2004-2099)."""
    if day < FIRST_START:
        raise InvalidStart(
            f"{field}: {day} is before {FIRST_START}; the official calendar starts in {FIRST_YEAR} (valid: {FIRST_START} to {LAST_START})"
        )
    if day > LAST_START:
        raise InvalidStart(f"{field}: {day} is after {LAST_START} (valid: {FIRST_START} to {LAST_START})")
    return day


def _rules_with(predicate: str) -> str:
    return ", ".join(rule.id for rule in rule_table() if getattr(rule, predicate))


def _check_options(rule: Rule, extended: bool, suspensions: Sequence[tuple[date, date]], restarts: Sequence[date]) -> None:
    if extended and not rule.extension:
        with_extension = ", ".join(r.id for r in rule_table() if r.extension or any(v.extension for v in r.variants))
        raise InvalidOption(f"{rule.id} has no extension; rules with one: {with_extension}")
    if suspensions and not rule.suspendable:
        raise InvalidOption(f"{rule.id} cannot be suspended; rules that can: {_rules_with('suspendable')}")
    if restarts and not rule.restartable:
        raise InvalidOption(f"{rule.id} cannot restart; rules that can: {_rules_with('restartable')}")
    for first, last in suspensions:
        check_date(first, "suspension")
        check_date(last, "suspension")
        if last < first:
            raise InvalidStart(f"suspension {first}..{last} ends before it starts")
    for day in restarts:
        check_date(day, "restart")


def _count(
    rule: Rule,
    start: date,
    length: int,
    calendar: Calendar,
    suspensions: Sequence[tuple[date, date]],
) -> Count:
    assert rule.unit is not None
    origin = start - timedelta(days=1) if rule.count_start_day else start
    return count_period(origin, length, rule.unit, calendar, suspended_set(start, suspensions))


def _apply_restarts(
    rule: Rule,
    start: date,
    length: int,
    calendar: Calendar,
    suspensions: Sequence[tuple[date, date]],
    restarts: Sequence[date],
) -> tuple[date, Count, list[str]]:
    """Start afresh on each restart that falls inside the running period (中断)."""
    counted_from = start
    count = _count(rule, start, length, calendar, suspensions)
    warnings: list[str] = []
    for day in sorted(set(restarts)):
        if day <= counted_from:
            warnings.append(f"restart on {day} is not after the start {counted_from}; it changes nothing")
        elif day > count.due:
            warnings.append(f"restart on {day} came after the period ended on {count.due}; it does not revive it")
        else:
            counted_from = day
            count = _count(rule, counted_from, length, calendar, suspensions)
    return counted_from, count, warnings


def compute_deadline(
    rule_id: str,
    start: date,
    *,
    jurisdiction: str = "national",
    calendar: Calendar | None = None,
    variant: str | None = None,
    extended: bool = False,
    suspensions: Sequence[tuple[date, date]] = (),
    restarts: Sequence[date] = (),
) -> Deadline:
    """Compute one deadline of the table from `start` (the start day itself is not counted)."""
    rule, choice_warnings = resolve_rule(rule_id, jurisdiction, variant)
    check_date(start)
    _check_options(rule, extended, suspensions, restarts)
    calendar = calendar or _DEFAULT_CALENDAR
    warnings = list(choice_warnings)
    if extended and rule.id == "D23":
        warnings.append("D23 is itself the extension of D22")
    if rule.length is None or rule.unit is None:
        return _build(rule, start, None, calendar, warnings, extended, suspensions, restarts, None)
    length = rule.length + ((rule.extension or 0) if extended else 0)
    if rule.direction == "before":
        count = count_back(start, length, rule.unit)
        return _build(rule, start, count, calendar, warnings, extended, (), (), None, length)
    counted_from, count, restart_warnings = _apply_restarts(rule, start, length, calendar, suspensions, restarts)
    warnings += restart_warnings
    return _build(
        rule,
        start,
        count,
        calendar,
        warnings,
        extended,
        suspensions,
        restarts,
        counted_from if counted_from != start else None,
        length,
    )


def _build(
    rule: Rule,
    start: date,
    count: Count | None,
    calendar: Calendar,
    warnings: list[str],
    extended: bool,
    suspensions: Sequence[tuple[date, date]],
    restarts: Sequence[date],
    counted_from: date | None,
    length: int | None = None,
) -> Deadline:
    provisional = count is not None and any(not calendar.is_official(year) for year in count.years)
    if provisional and count is not None:
        years = sorted(year for year in count.years if not calendar.is_official(year))
        warnings.append(
            f"provisional: no official holiday schedule for {', '.join(map(str, years))} yet; "
            "weekends only "
            "were used and the date will be recomputed when the State Council's schedule is added"
        )
    zh, en = explain(rule, start, count, calendar, length, counted_from, provisional)
    if count is not None and rule.direction == "before" and calendar.is_rest_day(count.due):
        warnings.append(f"{count.due} is a rest day; act by the working day before it to be safe")
    return Deadline(
        rule=rule.id,
        title_zh=rule.title_zh,
        title_en=rule.title_en,
        from_=start,
        due=count.due if count else None,
        length=length,
        unit=rule.unit if count else None,
        basis=rule.basis,
        basis_text=cited_text(rule.refs),
        calendar_version=calendar.version,
        provisional=provisional,
        confidence=rule.confidence,
        jurisdiction=rule.jurisdiction,
        skipped=count.skipped if count else (),
        makeup_workdays=count.makeup_workdays if count else (),
        suspended_days=count.suspended_days if count else 0,
        explanation_zh=zh,
        explanation_en=en,
        warnings=tuple(warnings),
        direction=rule.direction,
        variant=rule.variant,
        extended=extended,
        counted_from=counted_from,
        suspensions=tuple((a, b) for a, b in suspensions),
        restarts=tuple(sorted(set(restarts))),
    )


def recompute(deadline: Deadline, calendar: Calendar) -> Deadline:
    """The same deadline computed again with a newer calendar (e.g. an official year added)."""
    return compute_deadline(
        deadline.rule,
        deadline.from_,
        jurisdiction=deadline.jurisdiction,
        calendar=calendar,
        variant=deadline.variant,
        extended=deadline.extended,
        suspensions=deadline.suspensions,
        restarts=deadline.restarts,
    )


def check_jurisdiction(jurisdiction_id: str) -> str:
    """Return the id if a profile exists, else raise UnknownJurisdiction."""
    return jurisdiction(jurisdiction_id).id

"""The "why this date" sentence of a deadline, in Chinese and in English."""

from __future__ import annotations

from datetime import date

from domain.calendar import WEEKDAYS_ZH, Calendar, describe_days
from domain.periods import UNIT_EN, UNIT_ZH, Count, Unit
from domain.rules import Rule, jurisdiction

WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _zh_day(day: date) -> str:
    return f"{day.isoformat()}（{WEEKDAYS_ZH[day.weekday()]}）"


def _en_day(day: date) -> str:
    return f"{WEEKDAYS_EN[day.weekday()]} {day.isoformat()}"


def _units_en(length: int, unit: Unit) -> str:
    return f"{length} {UNIT_EN[unit] if length != 1 else UNIT_EN[unit][:-1]}"


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _rest_reason(days: tuple[date, ...], calendar: Calendar) -> tuple[str, str]:
    names = [name for name in (calendar.holiday_name(day) for day in days) if name]
    if names:
        return f"法定休假日（{names[0][0]}）", f"a statutory rest day ({names[0][1]})"
    return "休息日", "a rest day (weekend)"


def _basis(rule: Rule) -> tuple[str, str]:
    return (
        f"依据：{rule.basis_zh}（可信度 {rule.confidence}）。",
        f"Basis: {rule.basis_en} (confidence {rule.confidence}).",
    )


def _no_period(rule: Rule) -> tuple[str, str]:
    profile = jurisdiction(rule.jurisdiction)
    where = ", ".join(rule.defined_in)
    zh = f"{rule.title_zh}（{rule.id}）：{profile.name_zh}未规定期限。"
    en = f"{rule.title_en} ({rule.id}): no period is set in {profile.name_en}."
    if where:
        zh += f"规定了期限的辖区：{where}。"
        en += f" Jurisdictions that set one: {where}."
    basis_zh, basis_en = _basis(rule)
    return zh + rule.note_zh + basis_zh, f"{en} {rule.note_en} {basis_en}".replace("  ", " ")


def _before(rule: Rule, start: date, count: Count, length: int) -> tuple[str, str]:
    assert rule.unit is not None
    zh = (
        f"{rule.title_zh}（{rule.id}）：自{start.isoformat()}（{rule.starts_zh}）往前{length}"
        f"{UNIT_ZH[rule.unit]}，不晚于{_zh_day(count.due)}。{rule.note_zh}"
    )
    en = (
        f"{rule.title_en} ({rule.id}): {_units_en(length, rule.unit)} before {start.isoformat()} "
        f"({rule.starts_en}): no later than {_en_day(count.due)}. {rule.note_en}"
    ).rstrip()
    basis_zh, basis_en = _basis(rule)
    return zh + basis_zh, f"{en} {basis_en}"


def _opening(rule: Rule, start: date, length: int, counted_from: date | None) -> tuple[str, str]:
    assert rule.unit is not None
    unit_zh, units_en = UNIT_ZH[rule.unit], _units_en(length, rule.unit)
    if counted_from is None:
        zh = f"自{start.isoformat()}（{rule.starts_zh}）的次日起算{length}{unit_zh}"
        en = f"{units_en} counted from the day after {start.isoformat()} ({rule.starts_en})"
    else:
        zh = f"自{start.isoformat()}（{rule.starts_zh}）起算，{counted_from.isoformat()}期间中断、重新计算，自其次日起算{length}{unit_zh}"
        en = (
            f"counted from {start.isoformat()} ({rule.starts_en}), "
            f"restarted on {counted_from.isoformat()}: "
            f"{units_en} from the day after {counted_from.isoformat()}"
        )
    if rule.length is not None and length > rule.length:
        zh += f"（含延长的{length - rule.length}{unit_zh}）"
        en += f" (including an extension of {_units_en(length - rule.length, rule.unit)})"
    return zh, en


def _ending(rule: Rule, count: Count, length: int, start: date, calendar: Calendar) -> tuple[str, str]:
    if rule.unit is Unit.WD:
        zh = en = ""
        if count.skipped:
            zh += f"，不计休息日{len(count.skipped)}天（{describe_days(count.skipped)}）"
            en += f"; {len(count.skipped)} rest days are not counted ({describe_days(count.skipped)})"
        if count.makeup_workdays:
            zh += f"，调休工作日{describe_days(count.makeup_workdays)}计入"
            en += f"; the make-up working day(s) {describe_days(count.makeup_workdays)} count"
        zh += f"，第{length}个工作日为{_zh_day(count.due)}。"
        en += f"; the {_ordinal(length)} working day is {_en_day(count.due)}."
        return zh, en
    if rule.unit is Unit.CD:
        zh, en = (
            f"，第{length}日为{_zh_day(count.nominal)}",
            f"; day {length} is {_en_day(count.nominal)}",
        )
    elif count.suspended_days:
        zh = f"，加上中止的{count.suspended_days}日后，最后一日为{_zh_day(count.nominal)}"
        en = f"; with the suspended days added, the last day is {_en_day(count.nominal)}"
    else:
        month_end = count.nominal.day < start.day
        which_zh = "无对应日，以月末日" if month_end else "的对应日"
        which_en = "month-end day" if month_end else "corresponding day"
        zh = f"，到期月{which_zh}{_zh_day(count.nominal)}为最后一日"
        en = f"; the {which_en} {_en_day(count.nominal)} is the last day"
    if count.skipped:
        reason_zh, reason_en = _rest_reason(count.skipped, calendar)
        zh += f"，该日为{reason_zh}，顺延至其后第一个工作日{_zh_day(count.due)}。"
        en += f", which is {reason_en}, so the period ends on the next working day, {_en_day(count.due)}."
    elif count.makeup_workdays:
        zh += "，该日为调休工作日，不顺延。"
        en += ", a make-up working day, so it is not moved."
    else:
        zh += "，为工作日。"
        en += ", a working day."
    return zh, en


def explain(
    rule: Rule,
    start: date,
    count: Count | None,
    calendar: Calendar,
    length: int | None,
    counted_from: date | None,
    provisional: bool,
) -> tuple[str, str]:
    """Why the deadline falls where it does: (Chinese sentence, English sentence)."""
    if count is None or length is None or rule.unit is None:
        return _no_period(rule)
    if rule.direction == "before":
        return _before(rule, start, count, length)
    open_zh, open_en = _opening(rule, start, length, counted_from)
    if count.suspended_days:
        open_zh += f"，其中中止期间{count.suspended_days}日不计入"
        open_en += f", {count.suspended_days} suspended days not counted"
    end_zh, end_en = _ending(rule, count, length, counted_from or start, calendar)
    zh = f"{rule.title_zh}（{rule.id}）：{open_zh}{end_zh}"
    en = f"{rule.title_en} ({rule.id}): {open_en}{end_en}"
    if provisional:
        zh += "（暂定：所涉年份的国务院放假安排尚未录入，仅按周末计算，录入后将重新计算。）"
        en += (
            " (Provisional: the State Council's holiday schedule for that year is not in yet; "
            "weekends only"
            " were used and the date will be recomputed.)"
        )
    basis_zh, basis_en = _basis(rule)
    return zh + basis_zh, f"{en} {basis_en}"

"""China's time: the dates the law counts in (Beijing time, UTC+8, no daylight saving since 1991).

`CHINA_TZ` is the one definition of the zone. `china_today()` reads the machine's clock: for
services, pages and command lines; workflows take their dates from `workflow.now()` through their
`Clock`, never from here."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

CHINA_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")


def china_now() -> datetime:
    """The current moment in China's time zone."""
    return datetime.now(CHINA_TZ)


def china_today() -> date:
    """Today in China: filing just after midnight Beijing time is today, not 'in the future'."""
    return china_now().date()

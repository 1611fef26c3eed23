"""Calendar invitations (RFC 5545 iCalendar) for sessions and hearings, built with `icalendar`:
one event per sitting, in Beijing time (Asia/Shanghai), whose SEQUENCE grows with each change so a
postponed or moved sitting replaces the earlier entry in the recipient's calendar."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event, vCalAddress

from domain.china_time import CHINA_TZ
from domain.sittings import Sitting, SittingKind

TITLES = {
    SittingKind.mediation_session: ("调解", "Mediation session"),
    SittingKind.arbitration_hearing: ("仲裁开庭", "Arbitration hearing"),
    SittingKind.court_hearing: ("法院开庭", "Court hearing"),
}


def sitting_uid(sitting: Sitting, domain: str = "labourflow") -> str:
    """The same for every version of one sitting, so calendars update the entry."""
    return f"{sitting.case_no}-{sitting.kind.value}-{sitting.number}@{domain}"


def sitting_ics(sitting: Sitting, *, stamp: datetime | None = None) -> str:
    """The .ics text of one sitting (cancelled sittings as METHOD:CANCEL)."""
    return sittings_ics([sitting], stamp=stamp, method="CANCEL" if sitting.status == "cancelled" else "REQUEST")


def sittings_ics(sittings: list[Sitting], *, stamp: datetime | None = None, method: str = "PUBLISH") -> str:
    """One calendar with an event per sitting (a party's whole schedule, or one notice)."""
    calendar = Calendar()
    calendar.add("prodid", "-//labourflow//sittings//ZH")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    for sitting in sittings:
        calendar.add_component(_event(sitting, stamp or datetime.now(UTC)))
    calendar.add_missing_timezones()  # a VTIMEZONE for Asia/Shanghai, as RFC 5545 requires with TZID
    return calendar.to_ical().decode("utf-8")


def _event(sitting: Sitting, stamp: datetime) -> Event:
    zh, en = TITLES[sitting.kind]
    cancelled = sitting.status == "cancelled"
    event = Event()
    event.add("uid", sitting_uid(sitting))
    event.add("sequence", sitting.version)
    event.add("dtstamp", stamp)
    start = sitting.starts_at.astimezone(CHINA_TZ)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=sitting.minutes))
    event.add("summary", f"{zh} {sitting.case_no} / {en}")
    event.add("location", sitting.place or sitting.online_link)
    if sitting.online_link:
        event.add("url", sitting.online_link)
    reason = f"。变更原因：{sitting.reason}" if sitting.reason else ""
    event.add("description", f"{sitting.organisation}：{zh}（案件编号{sitting.case_no}）{reason}")
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event["organizer"] = vCalAddress("mailto:noreply@labourflow.invalid")
    return event

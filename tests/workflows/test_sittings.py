"""Hearings and sessions on the time-skipping server: the notice period (LDMAL Art. 35: five days
before the hearing), notices with an .ics to every party summoned, postponement (Art. 35 para 2: a
party asks three days before), attendance and the consequences of absence offered as tasks to confirm
(Art. 36), never applied by themselves."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import icalendar
import pytest
from sqlmodel import col, select
from temporalio.client import WorkflowUpdateFailedError

from domain.case import Stage
from domain.china_time import CHINA_TZ
from infrastructure.tables import Notification, SittingRow, StoredDocument, Task
from tests.stories import rider
from tests.workflows.harness import CaseRun, Harness

pytestmark = pytest.mark.slow


async def _in_arbitration(harness: Harness, filed_on: date) -> CaseRun:
    case = await harness.file(rider(preferred_channel="arbitration"), filed_on)
    await case.act("record_arbitration_acceptance", "record_acceptance", {"decided_on": filed_on.isoformat(), "granted": True})
    await case.task("record_award")
    return case


def _hearing(on: date, at: str = "09:30") -> dict[str, object]:
    return {"on": on.isoformat(), "at": at, "minutes": 120, "place": "浦东新区劳动人事争议仲裁院第三仲裁庭"}


async def _notices(harness: Harness, case: CaseRun) -> list[Notification]:
    async with harness.db.session() as session:
        return list((await session.exec(select(Notification).where(Notification.subject == case.subject,
                                                                   Notification.template == "sitting_notice")
                                        .order_by(col(Notification.id)))).all())


async def test_a_hearing_needs_five_days_notice_and_every_party_gets_an_ics(harness: Harness) -> None:
    case = await _in_arbitration(harness, date(2026, 11, 2))
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await case.act("record_award", "set_hearing", _hearing(date(2026, 11, 6)))  # four days ahead
    assert "第三十五条" in str(refused.value.cause) and "2026-11-07" in str(refused.value.cause)
    assert await _notices(harness, case) == [], "a refused hearing leaves no trace"

    await case.act("record_award", "set_hearing", _hearing(date(2026, 11, 7)))  # five days ahead
    await case.wait_event("arbitration_hearing_set")
    notices = await _notices(harness, case)
    assert sorted((n.recipient_kind, n.channel) for n in notices) == [("respondent", "email"), ("respondent", "sms"), ("worker", "sms")]
    for notice in notices:
        event = next(iter(icalendar.Calendar.from_ical(notice.attachment_text or "").walk("VEVENT")))
        start = event.decoded("dtstart")
        assert start == datetime(2026, 11, 7, 9, 30, tzinfo=CHINA_TZ) and str(start.tzinfo) == "Asia/Shanghai"
        assert event.decoded("dtend") - start == timedelta(minutes=120)
    assert all("{link}" in n.body_zh for n in notices if n.recipient_kind == "respondent"), "respondents get a link to be served by"
    async with harness.db.session() as session:
        row = (await session.exec(select(SittingRow).where(SittingRow.case_no == case.case_no))).one()
    assert row.summoned == ["applicant", "respondent:1", "respondent:2"] and row.convened_by == "arbitrator"
    async with harness.db.session() as session:
        notice = (await session.exec(select(StoredDocument).where(StoredDocument.subject == case.subject,
                                                                  StoredDocument.doc_type == "sitting_notice"))).all()
    assert len(notice) == 1, "one notice document for every party summoned"


async def test_postponement_is_asked_three_days_before_and_everyone_is_told_again(harness: Harness) -> None:
    case = await _in_arbitration(harness, date(2026, 11, 2))
    await case.act("record_award", "set_hearing", _hearing(date(2026, 11, 9)))
    await harness.sleep(5)  # 11-07: two days before the hearing
    late = {"sitting": 1, "on": "2026-11-16", "at": "09:30", "reason": "代理律师另有开庭", "requested_by_party": True,
            "requested_on": "2026-11-07"}
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await case.act("record_award", "change_hearing", late)
    assert "第三十五条第二款" in str(refused.value.cause)
    await case.act("record_award", "change_hearing", {**late, "requested_by_party": False, "reason": "仲裁员回避，另行组庭"})
    await case.wait_event("arbitration_hearing_changed")
    latest = [n for n in await _notices(harness, case) if "v2" in n.dedupe_key]
    assert len(latest) == 3 and all("改期" in n.body_zh for n in latest)
    event = next(iter(icalendar.Calendar.from_ical(latest[0].attachment_text or "").walk("VEVENT")))
    assert event["sequence"] == 2 and event.decoded("dtstart").date() == date(2026, 11, 16)


async def test_a_respondent_absent_leads_to_an_award_in_absence_task(harness: Harness) -> None:
    case = await _in_arbitration(harness, date(2026, 11, 2))
    await case.act("record_award", "set_hearing", _hearing(date(2026, 11, 9)))
    with pytest.raises(WorkflowUpdateFailedError):  # not held yet
        await case.act("record_award", "record_hearing_attendance", {"sitting": 1, "applicant": "present"})
    await harness.sleep(7)  # 11-09, the hearing day
    await case.act("record_award", "record_hearing_attendance", {
        "sitting": 1, "applicant": "present", "respondents": [{"seq": 1, "mark": "absent"}, {"seq": 2, "mark": "excused"}]})
    task = await case.task("confirm_award_in_absence")
    assert task.data["party"] == "respondent:1" and "第三十六条第二款" in task.data["basis"]
    assert "award_in_absence" not in await case.events(), "offered, never applied by itself"
    await case.act("confirm_award_in_absence", "confirm_consequence", {"confirm": True})
    await case.wait_event("award_in_absence")
    await case.task("record_award")  # the award is still the tribunal's to make


async def test_an_applicant_absent_leads_to_a_withdrawal_task(harness: Harness) -> None:
    case = await _in_arbitration(harness, date(2026, 11, 2))
    await case.act("record_award", "set_hearing", _hearing(date(2026, 11, 9)))
    await harness.sleep(7)
    await case.act("record_award", "record_hearing_attendance", {
        "sitting": 1, "applicant": "absent", "respondents": [{"seq": 1, "mark": "present"}, {"seq": 2, "mark": "present"}]})
    task = await case.task("confirm_deemed_withdrawal")
    assert task.data["party"] == "applicant" and "第三十六条第一款" in task.data["basis"]
    assert (await case.case_row()).stage == Stage.arbitration
    await case.act("confirm_deemed_withdrawal", "confirm_consequence", {"confirm": True})
    result = await case.result()
    assert result.stage is Stage.closed_withdrawn


async def test_the_mediator_schedules_a_session_any_day_ahead(harness: Harness) -> None:
    case = await harness.file(rider(), date(2026, 11, 2))
    await case.act("mediate", "schedule_session", {"on": "2026-11-03", "at": "14:00", "online_link": "https://meeting.example.cn/j/123"})
    await case.wait_event("mediation_session_set")
    notices = await _notices(harness, case)
    assert len(notices) == 3 and all("https://meeting.example.cn/j/123" in n.body_zh for n in notices)
    await harness.sleep(1)
    await case.act("mediate", "record_session_attendance", {"sitting": 1, "applicant": "present",
                                                            "respondents": [{"seq": 1, "mark": "present"}, {"seq": 2, "mark": "absent"}]})
    await case.wait_event("mediation_session_held")
    async with harness.db.session() as session:
        tasks = (await session.exec(select(SittingRow.status).where(SittingRow.case_no == case.case_no))).all()
    assert list(tasks) == ["held"]
    assert "confirm" not in " ".join(await case.events()), "absence from mediation has no statutory consequence"


async def test_the_court_sets_its_own_hearing_three_days_ahead(harness: Harness) -> None:
    """Civil Procedure Law Art. 139: the parties are notified three days before the hearing."""
    case = await harness.file(rider(preferred_channel="arbitration"), date(2026, 6, 1))
    await case.act("record_arbitration_acceptance", "record_acceptance", {"decided_on": "2026-06-01", "granted": True})
    await harness.sleep(20)  # 06-21
    await case.act("record_award", "record_award", {"awarded_on": "2026-06-20", "received_on": "2026-06-21",
                                                    "items": [{"kind": "damages", "claimed": "15000.00", "granted": "0.00"}]})
    await case.wait_event("award_windows")
    await case.wait_option("sue")  # the parent opens it on the child's signal, after the event
    await case.worker("sue", {"filed_on": "2026-06-21"})
    await case.act("receive_referral", "accept_referral", {"on": "2026-06-21"})
    await case.act("record_filing", "record_filing", {"decided_on": "2026-06-21", "granted": True})
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await case.act("record_judgment", "set_court_hearing", _hearing(date(2026, 6, 23)))
    assert "第一百三十九条" in str(refused.value.cause)
    await case.act("record_judgment", "set_court_hearing", _hearing(date(2026, 6, 24)))
    await case.wait_event("court_hearing_set")
    assert len(await _notices(harness, case)) == 3
    await harness.sleep(3)  # 06-24
    await case.act("record_judgment", "record_court_attendance", {"sitting": 1, "applicant": "present",
                                                                   "respondents": [{"seq": 1, "mark": "absent"}]})
    await case.wait_event("court_hearing_held")
    async with harness.db.session() as session:
        kinds = (await session.exec(select(Task.kind).where(Task.subject == case.subject))).all()
    assert not [k for k in kinds if k.startswith("confirm_")], "the court decides on an absence in its judgment"

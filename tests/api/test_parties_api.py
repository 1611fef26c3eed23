"""Respondents through the JSON API, the intake form and their one-time links: several per case, each with its role and
credit code; the suggestion rule counts every respondent named by credit code."""

from __future__ import annotations

import asyncio
import hashlib
import time
from datetime import datetime, timedelta

import icalendar
from sqlmodel import col, select

from domain.china_time import CHINA_TZ, china_today
from infrastructure.tables import CaseRespondent, Evidence, Notification, RespondentLink, TimelineEvent
from services import respondents
from services.dashboard import dashboard
from services.receipts import receipts_of
from services.supervision.suggestions import complaints_in
from tests.api.conftest import Api
from tests.stories import PARTNER_FIRM_USCC, PLATFORM_USCC, rider, wage_arrears


async def test_a_rider_files_against_the_partner_firm_and_the_platform(api: Api) -> None:
    filed = await api.http.post("/api/v1/cases", json=rider())
    assert filed.status_code == 201, filed.text
    case_no, code = filed.json()["case_no"], filed.json()["access_code"]
    view = (await api.http.get(f"/api/v1/cases/{case_no}", headers={"X-Access-Code": code})).json()
    assert [(r["seq"], r["role"], r["uscc"]) for r in view["respondents"]] == [
        (1, "partner", PARTNER_FIRM_USCC), (2, "platform", PLATFORM_USCC)]
    assert view["employer"]["uscc"] == PARTNER_FIRM_USCC
    async with api.deps.db.session() as session:
        rows = (await session.exec(select(CaseRespondent).where(CaseRespondent.case_no == case_no)
                                   .order_by(col(CaseRespondent.seq)))).all()
    assert rows[1].contact_enc and "1391666" not in rows[1].contact_enc, "contacts are stored encrypted"
    assert api.deps.keyring.decrypt_text(rows[1].contact_enc) == "13916660000"

    complaints = await complaints_in(api.deps.db, "shanghai-pudong")
    assert {c.employer_uscc for c in complaints if c.case_no == case_no} == {PARTNER_FIRM_USCC, PLATFORM_USCC}
    board = await dashboard(api.deps.db, china_today())
    assert board.open_respondents_by_role == {"partner": 1, "platform": 1}


async def test_a_bad_credit_code_of_a_second_respondent_is_a_field_error(api: Api) -> None:
    body = rider()
    body["respondents"][0]["uscc"] = PLATFORM_USCC[:17] + ("0" if PLATFORM_USCC[17] != "0" else "1")
    refused = await api.http.post("/api/v1/cases", json=body)
    assert refused.status_code == 422
    fields = {tuple(e["loc"]) if "loc" in e else e.get("field"): e for e in refused.json()["errors"]}
    assert any("respondents" in str(where) and "uscc" in str(where) for where in fields), refused.json()


async def test_the_form_takes_further_respondents(api: Api) -> None:
    page = await api.http.get("/")
    assert 'name="respondents.0.name"' in page.text and 'name="employer.role"' in page.text
    def hidden(name: str) -> str:
        return page.text.split(f'name="{name}" value="', 1)[1].split('"', 1)[0]

    csrf = hidden("csrf_token")
    body = wage_arrears()
    form = {
        "csrf_token": csrf, "form_token": hidden("form_token"), "form_started": hidden("form_started"),
        "worker.name": body["worker"]["name"], "worker.id_number": body["worker"]["id_number"],
        "worker.mobile": body["worker"]["mobile"], "worker_count": "1", "employer.name": "上海众骑劳务外包有限公司",
        "employer.uscc": PARTNER_FIRM_USCC, "employer.role": "partner", "employer.contact": "",
        "respondents.0.role": "platform", "respondents.0.name": "上海快送信息科技有限公司", "respondents.0.uscc": PLATFORM_USCC,
        "respondents.1.role": "employer", "respondents.1.name": "", "region": "310115", "category": "wage_arrears",
        "description": body["description"], "knew_on": body["knew_on"], "still_employed": "false",
        "employment_ended_on": body["employment_ended_on"], "claims.0.kind": "wages", "claims.0.amount": "12000",
        "consent_personal_information": "true", "consent_sensitive_information": "true",
    }
    posted = await api.http.post("/", data=form, follow_redirects=False)
    assert posted.status_code == 303, posted.text[:2000]
    case_no = posted.headers["location"].rsplit("/", 1)[-1]
    async with api.deps.db.session() as session:
        roles = (await session.exec(select(CaseRespondent.role).where(CaseRespondent.case_no == case_no)
                                    .order_by(col(CaseRespondent.seq)))).all()
    assert list(roles) == ["partner", "platform"]


async def _links(api: Api, case_no: str) -> dict[str, str]:
    """The respondents' links as the outbox will send them, by channel."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        async with api.deps.db.session() as session:
            rows = (await session.exec(select(Notification).where(Notification.subject == f"case:{case_no}",
                                                                  Notification.template == "respondent_invitation"))).all()
        if len(rows) == 2:
            return {r.channel: api.deps.keyring.decrypt_text(r.secret_enc or "").split("/respond/", 1)[1] for r in rows}
        await asyncio.sleep(0.1)
    raise AssertionError("no invitations in the outbox")


def _csrf(html: str) -> str:
    return html.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


async def test_the_partner_firm_answers_through_its_link(api: Api) -> None:
    filed = (await api.http.post("/api/v1/cases", json=rider())).json()
    case_no = filed["case_no"]
    other = (await api.http.post("/api/v1/cases", json=wage_arrears())).json()["case_no"]
    links = await _links(api, case_no)
    page = await api.http.get(f"/respond/{links['email']}")
    assert page.status_code == 200 and "上海众骑劳务外包有限公司" in page.text and case_no in page.text
    assert "孙浩" not in page.text and "13671234567" not in page.text and other not in page.text, "the notice and nothing else"
    assert "上海快送信息科技有限公司" not in page.text, "one respondent's link shows nothing of the other"

    served = await api.http.post(f"/respond/{links['email']}/service", data={"csrf_token": _csrf(page.text)})
    assert served.status_code == 303
    page = await api.http.get(f"/respond/{links['email']}")
    assert 'id="service-state"' in page.text
    async with api.deps.db.session() as session:
        link = (await session.exec(select(RespondentLink).where(RespondentLink.case_no == case_no, RespondentLink.seq == 1))).one()
    assert link.opened_at is not None, "the moment of service is recorded"
    await _wait_event(api, case_no, "respondent_served")

    answered = await api.http.post(f"/respond/{links['email']}/answer", data={
        "csrf_token": _csrf(page.text), "answer": "agreed", "proposed_time": ["2026-12-10T14:00", ""], "reason": ""})
    assert answered.status_code == 303, answered.text[:500]
    page = await api.http.get(f"/respond/{links['email']}")
    assert 'id="answered"' in page.text and 'id="send-answer"' not in page.text, "answered once; the page says so"
    again = await api.http.post(f"/respond/{links['email']}/answer", data={"csrf_token": _csrf(page.text), "answer": "refused"})
    assert again.status_code == 409 and "已经答复" in again.text
    async with api.deps.db.session() as session:
        party = (await session.exec(select(CaseRespondent).where(CaseRespondent.case_no == case_no, CaseRespondent.seq == 1))).one()
    assert party.answer == "agreed" and party.electronic_service
    assert [datetime.fromisoformat(t).astimezone(CHINA_TZ).hour for t in party.proposed_times] == [14]
    await _wait_event(api, case_no, "respondent_agreed")

    sent = await api.http.post(f"/respond/{links['email']}/evidence", data={"csrf_token": _csrf(page.text), "description": "考勤记录"},
                               files={"file": ("kq.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")})
    assert sent.status_code == 303
    async with api.deps.db.session() as session:
        stored = (await session.exec(select(Evidence).where(Evidence.case_no == case_no))).all()
    assert [e.uploaded_by for e in stored] == ["respondent:1"]


async def test_replaced_and_unknown_links_say_so(api: Api) -> None:
    case_no = (await api.http.post("/api/v1/cases", json=rider())).json()["case_no"]
    links = await _links(api, case_no)
    fresh = await respondents.new_link(api.app.state.services, case_no, 2)
    replaced = await api.http.get(f"/respond/{links['sms']}")
    assert replaced.status_code == 410 and "取代" in replaced.text
    assert (await api.http.get(f"/respond/{fresh}")).status_code == 200
    unknown = await api.http.get("/respond/not-a-real-token-at-all")
    assert unknown.status_code == 404 and "上海" not in unknown.text


async def _wait_event(api: Api, case_no: str, kind: str) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        async with api.deps.db.session() as session:
            if (await session.exec(select(TimelineEvent).where(TimelineEvent.subject == f"case:{case_no}",
                                                               TimelineEvent.kind == kind))).first():
                return
        await asyncio.sleep(0.1)
    raise AssertionError(f"no event {kind}")


async def _mediate_task(api: Api, case_no: str, staff: dict[str, str]) -> str:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        found = await api.http.get(f"/api/v1/cases/{case_no}", headers=staff)
        tasks = [t for t in found.json()["tasks"] if t["kind"] == "mediate"] if found.status_code == 200 else []
        if tasks:
            return str(tasks[0]["task_id"])
        await asyncio.sleep(0.1)
    raise AssertionError("no mediate task")


async def test_sessions_on_the_calendars_and_on_each_partys_page(api: Api) -> None:
    staff = await api.token("mediator")
    first = (await api.http.post("/api/v1/cases", json=rider())).json()
    second = (await api.http.post("/api/v1/cases", json=wage_arrears())).json()
    tomorrow = (china_today() + timedelta(days=1)).isoformat()
    session = {"on": tomorrow, "at": "14:00", "minutes": 90, "place": "浦东新区总工会第一调解室"}
    for filed in (first, second):
        task_id = await _mediate_task(api, filed["case_no"], staff)
        done = await api.http.post(f"/api/v1/tasks/{task_id}/actions", headers=staff,
                                   json={"action": "schedule_session", "payload": session})
        assert done.status_code == 200, done.text
    await _wait_event(api, second["case_no"], "mediation_session_set")

    week = await api.http.get(f"/calendar?view=week&day={tomorrow}", headers=staff)
    assert week.status_code == 200 and first["case_no"] in week.text and second["case_no"] in week.text
    assert 'id="conflicts"' in week.text and week.text.count('class="conflict-flag"') == 4, "same person and same room, both ways"
    other = await api.http.get(f"/calendar?view=day&scope=organisation&day={tomorrow}", headers=await api.token("mediator-hz"))
    assert other.status_code == 200 and first["case_no"] not in other.text, "another organisation's calendar does not show them"

    worker = await api.http.post("/status", data={"case_no": first["case_no"], "access_code": first["access_code"],
                                                   "csrf_token": _csrf((await api.http.get("/status")).text)})
    assert worker.status_code in (302, 303)
    status = await api.http.get(f"/status/{first['case_no']}")
    assert 'id="sittings"' in status.text and "浦东新区总工会第一调解室" in status.text
    ics = await api.http.get(f"/status/{first['case_no']}/sittings.ics")
    event = next(iter(icalendar.Calendar.from_ical(ics.text).walk("VEVENT")))
    assert ics.headers["content-type"].startswith("text/calendar")
    assert event.decoded("dtstart") == datetime.combine(china_today() + timedelta(days=1), datetime.min.time().replace(hour=14),
                                                        CHINA_TZ)
    links = await _links(api, first["case_no"])
    page = await api.http.get(f"/respond/{links['sms']}")
    assert 'id="sittings"' in page.text
    platform_ics = await api.http.get(f"/respond/{links['sms']}/sittings.ics")
    assert "BEGIN:VEVENT" in platform_ics.text and second["case_no"] not in platform_ics.text


async def test_documents_served_on_a_respondent_record_when_they_reached_it(api: Api) -> None:
    case_no = (await api.http.post("/api/v1/cases", json=rider())).json()["case_no"]
    links = await _links(api, case_no)
    page = await api.http.get(f"/respond/{links['email']}")
    deadline = time.monotonic() + 20
    while "调解申请书" not in page.text and time.monotonic() < deadline:  # the application is rendered meanwhile
        await asyncio.sleep(0.2)
        page = await api.http.get(f"/respond/{links['email']}")
    assert "调解申请书" in page.text and "受理回执" not in page.text, "documents served on it, not the worker's receipt"
    href = page.text.split(f'/respond/{links["email"]}/documents/', 1)[1].split('"', 1)[0]
    before = await api.http.get(f"/respond/{links['email']}/documents/{href}")
    assert before.status_code == 200 and before.content.startswith(b"%PDF")
    async with api.deps.db.session() as session:
        party = (await session.exec(select(CaseRespondent).where(CaseRespondent.case_no == case_no, CaseRespondent.seq == 1))).one()
    assert party.served_documents == {}, "without electronic service, a download is not service"
    await api.http.post(f"/respond/{links['email']}/service", data={"csrf_token": _csrf(page.text)})
    served = await api.http.get(f"/respond/{links['email']}/documents/{href}")
    page = await api.http.get(f"/respond/{links['email']}")
    assert "送达时间" in page.text
    # The record of receipt (issue 20): each hand-out of the signed PDF, with its hash and time.
    receipts = await receipts_of(api.deps.db, href)
    assert [r.channel for r in receipts] == ["respondent_link", "respondent_link"]
    assert {r.reference for r in receipts} == {f"{case_no}/1"}
    assert receipts[-1].signed_sha256 == hashlib.sha256(served.content).hexdigest()
    receipt = await api.http.get(f"/respond/{links['email']}/documents/not-one-of-them")
    assert receipt.status_code == 404


async def test_the_calendar_and_a_fresh_respondent_link_through_the_api(api: Api) -> None:
    staff = await api.token("mediator")
    filed = (await api.http.post("/api/v1/cases", json=rider())).json()
    task_id = await _mediate_task(api, filed["case_no"], staff)
    tomorrow = (china_today() + timedelta(days=1)).isoformat()
    session = {"on": tomorrow, "at": "10:00", "online_link": "https://meeting.example.cn/j/42"}
    done = await api.http.post(f"/api/v1/tasks/{task_id}/actions", headers=staff, json={"action": "schedule_session", "payload": session})
    assert done.status_code == 200, done.text
    await _wait_event(api, filed["case_no"], "mediation_session_set")
    calendar = await api.http.get(f"/api/v1/calendar?view=day&day={tomorrow}", headers=staff)
    assert calendar.status_code == 200
    [item] = [i for i in calendar.json()["items"] if i["case_no"] == filed["case_no"]]
    assert item["starts_at"].endswith("+08:00") and "T10:00" in item["starts_at"] and item["online_link"].endswith("/42")

    issued = await api.http.post(f"/api/v1/cases/{filed['case_no']}/respondents/2/link", headers=staff)
    assert issued.status_code == 201
    page = await api.http.get(issued.json()["url"].split("http://test", 1)[-1].replace(api.deps.settings.base_url, ""))
    assert page.status_code == 200 and "上海快送信息科技有限公司" in page.text
    other = await api.http.post(f"/api/v1/cases/{filed['case_no']}/respondents/2/link", headers=await api.token("mediator-hz"))
    assert other.status_code == 404, "another organisation's mediator may not issue it"


async def test_a_link_expires_with_its_case_and_says_so(api: Api) -> None:
    filed = (await api.http.post("/api/v1/cases", json=rider())).json()
    links = await _links(api, filed["case_no"])
    page = await api.http.get(f"/respond/{links['email']}")
    await api.http.post(f"/respond/{links['email']}/evidence", data={"csrf_token": _csrf(page.text), "description": "劳务外包合同"},
                        files={"file": ("ht.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")})
    worker = {"X-Access-Code": filed["access_code"]}
    withdrawn = await api.http.post(f"/api/v1/cases/{filed['case_no']}/actions", headers=worker,
                                    json={"action": "withdraw", "payload": {"reason": "已与公司和解"}})
    assert withdrawn.status_code == 200, withdrawn.text
    deadline = time.monotonic() + 15
    closed = await api.http.get(f"/respond/{links['email']}")
    while closed.status_code == 200 and time.monotonic() < deadline:  # the case closes when its workflow has moved on
        await asyncio.sleep(0.2)
        closed = await api.http.get(f"/respond/{links['email']}")
    assert closed.status_code == 410 and "已过期" in closed.text and "已保存" in closed.text
    async with api.deps.db.session() as session:
        kept = (await session.exec(select(Evidence).where(Evidence.case_no == filed["case_no"]))).all()
    assert [e.uploaded_by for e in kept] == ["respondent:1"], "nothing it sent is lost"


async def test_the_mediator_issues_a_fresh_link_from_the_task_page(api: Api) -> None:
    filed = (await api.http.post("/api/v1/cases", json=rider())).json()
    staff = await api.token("mediator")
    task_id = await _mediate_task(api, filed["case_no"], staff)
    page = await api.http.get(f"/tasks/{task_id}", headers=staff)
    assert page.status_code == 200 and 'class="respondent" data-seq="2"' in page.text and "上海快送信息科技有限公司" in page.text
    issued = await api.http.post(f"/cases/{filed['case_no']}/respondents/2/link", headers=staff,
                                 data={"csrf_token": _csrf(page.text), "back": f"/tasks/{task_id}"})
    assert issued.status_code in (302, 303) and issued.headers["location"] == f"/tasks/{task_id}"
    shown = (await api.http.get(f"/tasks/{task_id}", headers=staff)).text
    token = shown.split("/respond/", 1)[1].split("<", 1)[0].split(" ", 1)[0].strip()
    assert (await api.http.get(f"/respond/{token}")).status_code == 200
    other = await api.http.post(f"/cases/{filed['case_no']}/respondents/2/link", headers=await api.token("mediator-hz"),
                                data={"csrf_token": _csrf(page.text)})
    assert other.status_code == 404

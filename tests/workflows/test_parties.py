"""Both parties at the table, on the time-skipping server: each respondent is invited through its own
link when mediation opens; a refusal ends mediation and offers arbitration with its last day
(People's Mediation Law Art. 17, LDMAL Art. 5); silence until the answer period ends (3 working days,
Enterprise Mediation Provisions Art. 22) offers the worker arbitration; electronic service dates
the service from the day the link was opened (Civil Procedure Law Art. 90)."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from sqlmodel import select

from domain.case import Stage
from domain.china_time import CHINA_TZ
from domain.parties import RespondentServed
from infrastructure.tables import Notification, RespondentLink, StoredDocument
from infrastructure.temporal_gateway import TemporalGateway
from services import respondents
from services.context import ServiceContext
from tests.stories import rider, wage_arrears
from tests.workflows.harness import CaseRun, Harness

pytestmark = pytest.mark.slow


def _ctx(harness: Harness) -> ServiceContext:
    settings = harness.deps.settings
    return ServiceContext.from_settings(settings, db=harness.db, temporal=TemporalGateway(settings, harness.env.client),
                                        search_attributes=False)


async def _tokens(harness: Harness, case: CaseRun) -> dict[str, str]:
    """The links the outbox will send, by channel (the texts name them as {link})."""
    await case.wait_event("respondents_invited")
    async with harness.db.session() as session:
        rows = (await session.exec(select(Notification).where(Notification.subject == case.subject,
                                                              Notification.template == "respondent_invitation"))).all()
    assert all("{link}" in row.body_zh and row.secret_enc for row in rows), "the link travels encrypted, not in the text"
    return {row.channel: harness.deps.keyring.decrypt_text(row.secret_enc or "").rsplit("/", 1)[1] for row in rows}


async def test_the_partner_firm_refuses_and_the_worker_is_offered_arbitration(harness: Harness) -> None:
    case = await harness.file(rider(), date(2026, 11, 2))  # a Monday
    tokens = await _tokens(harness, case)
    assert set(tokens) == {"email", "sms"}, "the partner firm by e-mail, the platform by SMS"
    async with harness.db.session() as session:
        letters = (await session.exec(select(StoredDocument.title_zh).where(StoredDocument.subject == case.subject,
                                                                            StoredDocument.doc_type == "mediation_invitation"))).all()
    assert len(letters) == 2, "a letter for post to each respondent as well"
    # 3 working days after 11-02 (Enterprise Labour Dispute Consultation and Mediation Provisions Art. 22).
    assert (await case.deadline("answer-1")).due_on == date(2026, 11, 5)

    ctx = _ctx(harness)
    partner = await respondents.respondent_view(ctx, tokens["email"])
    assert partner.respondent.name == "上海众骑劳务外包有限公司" and partner.respondent.seq == 1
    await respondents.answer(ctx, partner, "refused", [], "不存在劳动关系")
    await case.wait_event("mediation_refused")
    row = await case.wait_stage(Stage.arbitration_eligible)
    offered = next(o for o in row.worker_options if o["action"] == "choose_arbitration")
    assert offered["last_day"] is not None, "arbitration is offered with its last day"
    again = await respondents.respondent_view(ctx, tokens["email"])
    assert again.used and again.respondent.answer == "refused", "the used link still shows what was recorded"
    with pytest.raises(respondents.Refused):
        await respondents.answer(ctx, again, "agreed", [], "")


async def test_nobody_answers_and_the_worker_is_offered_arbitration(harness: Harness) -> None:
    case = await harness.file(wage_arrears(), date(2026, 3, 2))
    await case.wait_event("respondents_invited")
    assert (await case.deadline("answer-1")).due_on == date(2026, 3, 5)
    await harness.sleep(3)  # 03-05: still within the period
    assert "respondents_no_answer" not in await case.events()
    await harness.sleep(1)  # 03-06: the period has passed
    await case.wait_event("respondents_no_answer")
    option = await case.wait_option("refuse_mediation")
    assert option["last_day"] is not None and "仲裁" in option["label_zh"]
    assert (await case.case_row()).stage == Stage.mediation, "the mediator may still bring them together"
    assert (await case.deadlines())["answer-1"].status == "missed"
    await case.worker("refuse_mediation")
    await case.wait_stage(Stage.arbitration_eligible)


async def test_electronic_service_dates_the_answer_period_from_the_opening(harness: Harness) -> None:
    case = await harness.file(rider(), date(2026, 11, 2))
    tokens = await _tokens(harness, case)
    async with harness.db.session() as session:
        link = (await session.exec(select(RespondentLink).where(RespondentLink.case_no == case.case_no,
                                                                RespondentLink.seq == 2))).one()
    await harness.sleep(2)  # 11-04: the platform opens its link, having agreed to electronic service
    opened_at = datetime.combine(date(2026, 11, 4), time(10, 30), CHINA_TZ)
    await harness.env.client.get_workflow_handle(link.workflow_id).signal(
        "respondent-served", RespondentServed(seq=2, served_at=opened_at))
    await case.wait_event("respondent_served")
    served = (await case.deadlines())["answer-2"]
    assert (served.start_on, served.due_on) == (date(2026, 11, 4), date(2026, 11, 9)), "Thu, Fri, Mon after the day of service"
    await harness.sleep(2)  # 11-06: past the first period (11-05), within the one from service
    assert "respondents_no_answer" not in await case.events()

    ctx = _ctx(harness)
    for channel in ("email", "sms"):
        view = await respondents.respondent_view(ctx, tokens[channel])
        await respondents.answer(ctx, view, "agreed", [datetime(2026, 11, 10, 14, 0, tzinfo=CHINA_TZ)], "")
    await case.wait_event("respondents_agreed")
    assert (await case.case_row()).stage == Stage.mediation
    await case.task("mediate")


async def test_the_application_served_electronically_starts_the_defence_period_the_day_it_is_opened(harness: Harness) -> None:
    """Civil Procedure Law Art. 90: served when it reaches the respondent; D16 (LDMAL Art. 30): ten days from receipt."""
    case = await harness.file(rider(preferred_channel="arbitration"), date(2026, 11, 2))
    await case.act("record_arbitration_acceptance", "record_acceptance", {"decided_on": "2026-11-02", "granted": True})
    await case.act("record_award", "serve_electronically", {"on": "2026-11-02"})
    await case.wait_event("application_sent_electronically")
    async with harness.db.session() as session:
        link = (await session.exec(select(RespondentLink).where(RespondentLink.case_no == case.case_no, RespondentLink.seq == 1,
                                                                RespondentLink.purpose == "arbitration_service"))).one()
        texts = (await session.exec(select(Notification.body_zh).where(Notification.template == "arbitration_service"))).all()
    assert len(texts) == 2 and all("{link}" in t for t in texts)
    assert "defence-1" not in await case.deadlines(), "no period before the application reaches the respondent"
    await harness.sleep(3)  # 11-05: the partner firm opens its link
    await harness.env.client.get_workflow_handle(link.workflow_id).signal(
        "respondent-served", RespondentServed(seq=1, served_at=datetime.combine(date(2026, 11, 5), time(9, 15), CHINA_TZ),
                                              purpose="arbitration_service"))
    await case.wait_event("application_served_electronically")
    defence = (await case.deadlines())["defence-1"]
    # Ten calendar days from 11-05 end on Sunday 11-15, which rolls to Monday 11-16.
    assert (defence.rule_id, defence.start_on, defence.due_on) == ("D16", date(2026, 11, 5), date(2026, 11, 16))

    ctx = _ctx(harness)
    token = await respondents.new_link(ctx, case.case_no, 1)
    view = await respondents.respondent_view(ctx, token)
    assert view.link.purpose == "arbitration_service" and view.answer_due == "2026-11-16"
    await respondents.file_defence(ctx, view, "双方之间系劳务外包关系，不存在劳动关系，请求驳回申请人的仲裁请求。", None)
    await case.wait_event("defence_filed")
    assert (await case.deadlines())["defence-1"].status == "met"
    with pytest.raises(respondents.Refused):
        await respondents.file_defence(ctx, view, "再次提交的答辩意见，应当被拒绝。", None)

"""Both parties at the table, in the browser, on the real product (Temporal dev server, worker, web
app), three people: Sun Hao files against the delivery platform and its partner firm; the partner
firm opens its own link (no account), agrees to electronic service and to mediate, proposing a time;
the mediator schedules the session; every party gets a notice with an .ics (Asia/Shanghai); the
session is held and an agreement signed by both respondents is recorded."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import icalendar
import pytest
from playwright.async_api import Browser, Page, expect
from sqlmodel import col, select

from devtools.stories import PARTNER_FIRM_USCC, PLATFORM_USCC, SUN_HAO_ID
from domain.china_time import CHINA_TZ, china_today
from infrastructure.crypto import Keyring
from infrastructure.tables import CaseRespondent, Notification, TimelineEvent
from tests.browser.product import Product
from tests.browser.support import DESKTOP, Findings, accessible, shoot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SUN_HAO = {
    "#f-worker-name": "孙浩",
    "#f-worker-id_number": SUN_HAO_ID,
    "#f-worker-mobile": "13671234567",
    "#f-employer-name": "上海众骑劳务外包有限公司",
    "#f-employer-uscc": PARTNER_FIRM_USCC,
    "#f-employer-address": "上海市浦东新区川沙路88号",
    "#f-employer-contact": "hr@zhongqi.example.cn",
    "#f-respondents-0-name": "上海快送信息科技有限公司",
    "#f-respondents-0-uscc": PLATFORM_USCC,
    "#f-respondents-0-contact": "13916660000",
    "#f-description": "本人通过合作用工企业为外卖平台送餐，长期超时工作未获加班费，后被无故停止派单。",
    "#f-claims-0-amount": "31800.00",
    "#f-claims-1-amount": "15000.00",
}


async def _wait(probe, what: str, page: Page) -> object:  # type: ignore[no-untyped-def]
    for _ in range(80):
        found = await probe()
        if found:
            return found
        await page.wait_for_timeout(250)
    raise AssertionError(f"{what} did not happen")


async def worker_files(page: Page, product: Product, findings: Findings) -> tuple[str, str]:
    left = (date.today() - timedelta(days=20)).isoformat()
    await page.goto(product.base_url + "/")
    for selector, value in SUN_HAO.items():
        await page.locator(selector).fill(value)
    await page.locator("#f-group-platform_worker").check()
    await page.locator("#f-employer-role").select_option("partner")
    await page.locator("#f-respondents-0-role").select_option("platform")
    await page.get_by_label("所在地区").select_option("shanghai-pudong")
    await page.get_by_label("争议类型").select_option("overtime")
    await page.locator("#f-claims-0-kind").select_option("overtime_pay")
    await page.locator("#f-claims-1-kind").select_option("damages")
    await page.locator("#f-knew_on").fill(left)
    await page.get_by_label("否，已离职").check()
    await page.locator("#f-employment_ended_on").fill(left)
    await page.locator("#f-preferred_channel").select_option("union_mediation")
    await page.locator("#f-consent_personal_information").check()
    await page.locator("#f-consent_sensitive_information").check()
    await shoot(page, "parties-01-intake")
    await page.get_by_role("button", name="提交申请").click()
    await expect(page.get_by_role("heading", name="申请已受理")).to_be_visible()
    return (await page.locator("#case-no").inner_text()).strip(), (await page.locator("#access-code").inner_text()).strip()


async def invitation_link(product: Product, page: Page, case_no: str) -> str:
    """The partner firm's link, as its e-mail will carry it (the outbox keeps it encrypted)."""
    keyring = Keyring.from_settings(product.settings)

    async def probe() -> str | None:
        async with product.db.session() as session:
            row = (await session.exec(select(Notification).where(Notification.subject == f"case:{case_no}",
                                                                 Notification.template == "respondent_invitation",
                                                                 Notification.channel == "email"))).first()
        return keyring.decrypt_text(row.secret_enc) if row and row.secret_enc else None

    link = str(await _wait(probe, "the partner firm's invitation", page))
    return product.base_url + "/respond/" + link.rsplit("/respond/", 1)[1]


async def partner_agrees(browser: Browser, link: str, findings: Findings, proposed: datetime) -> None:
    context = await browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = await context.new_page()
    await page.goto(link)
    await expect(page.locator("#respondent")).to_have_text("上海众骑劳务外包有限公司")
    await expect(page.get_by_text("上海快送信息科技有限公司")).to_have_count(0)  # nothing of the other respondent
    await accessible(page, "parties-02-respondent", findings)
    await page.get_by_role("button", name="同意电子送达").click()
    await expect(page.locator("#service-state")).to_contain_text("本通知送达时间")
    await page.locator("#answer-agreed").check()
    await page.locator("#proposed-1").fill(proposed.strftime("%Y-%m-%dT%H:%M"))
    await shoot(page, "parties-03-answer")
    await page.get_by_role("button", name="提交答复").click()
    await expect(page.locator("#done")).to_contain_text("答复已提交")
    await expect(page.locator("#answered")).to_contain_text("同意调解")
    await context.close()


async def mediator_schedules_and_holds(browser: Browser, product: Product, findings: Findings, case_no: str, on: date) -> None:
    context = await browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = await sign_in(context, product.base_url, "mediator", findings)
    link = page.get_by_role("row").filter(has_text=case_no).get_by_role("link", name="主持调解并记录结果")
    for _ in range(40):
        if await link.count():
            break
        await page.wait_for_timeout(250)
        await page.reload()
    await link.first.click()
    await expect(page.get_by_text("同意调解，建议时间")).to_be_visible()  # the partner firm's answer is on the timeline
    await page.locator("summary", has_text="安排调解会并通知各方").click()
    await page.locator("#f-schedule_session-payload-on").fill(on.isoformat())
    await page.locator("#f-schedule_session-payload-at").fill("15:00")
    await page.locator("#f-schedule_session-payload-place").fill("浦东新区总工会劳动争议调解中心第一调解室")
    await page.locator("form[data-action=schedule_session]").get_by_role("button").click()
    await expect(page.get_by_role("status")).to_contain_text("已安排并通知各方")
    await accessible(page, "parties-04-scheduled", findings)

    await page.goto(f"{product.base_url}/calendar?view=day&day={on.isoformat()}")
    await expect(page.locator("tr.sitting").filter(has_text=case_no)).to_contain_text("15:00")
    await shoot(page, "parties-05-calendar")
    await page.go_back()

    await page.locator("summary", has_text="记录调解会到场情况").click()
    form = page.locator("form[data-action=record_session_attendance]")
    await form.locator("#f-record_session_attendance-payload-sitting").fill("1")
    await form.locator("#f-record_session_attendance-payload-applicant").select_option("present")
    for row, seq in enumerate((1, 2)):
        await form.locator(f"#f-record_session_attendance-payload-respondents-{row}-seq").fill(str(seq))
        await form.locator(f"#f-record_session_attendance-payload-respondents-{row}-mark").select_option("present")
    await form.get_by_role("button").click()
    await expect(page.get_by_role("status")).to_contain_text("到场情况已记录")

    await page.locator("summary", has_text="记录调解协议").click()
    agreement = page.locator("form[data-action=record_agreement]")
    await agreement.locator("#f-record_agreement-payload-signed_on").fill(on.isoformat())
    await agreement.locator("#f-record_agreement-payload-terms").fill(
        "上海众骑劳务外包有限公司支付加班费二万元，上海快送信息科技有限公司承担连带责任；双方被申请人均已签字。")
    await agreement.locator("#f-record_agreement-payload-items-0-kind").select_option("overtime_pay")
    await agreement.locator("#f-record_agreement-payload-items-0-amount").fill("20000.00")
    await agreement.get_by_role("button").click()
    await expect(page.get_by_role("status")).to_contain_text("调解协议书已生成")
    await context.close()


async def test_both_parties_at_the_table(browser: Browser, product: Product) -> None:
    findings = Findings()
    worker_context = await browser.new_context(viewport=DESKTOP, locale="zh-CN")
    worker = await worker_context.new_page()
    case_no, code = await worker_files(worker, product, findings)
    async with product.db.session() as session:
        roles = (await session.exec(select(CaseRespondent.role).where(CaseRespondent.case_no == case_no)
                                    .order_by(col(CaseRespondent.seq)))).all()
    assert list(roles) == ["partner", "platform"]

    today = china_today()
    proposed = datetime.combine(today, datetime.min.time(), CHINA_TZ).replace(hour=15)
    await partner_agrees(browser, await invitation_link(product, worker, case_no), findings, proposed)
    await mediator_schedules_and_holds(browser, product, findings, case_no, today)

    async with product.db.session() as session:
        notices = (await session.exec(select(Notification).where(Notification.subject == f"case:{case_no}",
                                                                 Notification.template == "sitting_notice"))).all()
        kinds = {row.kind for row in (await session.exec(select(TimelineEvent).where(TimelineEvent.subject == f"case:{case_no}"))).all()}
    assert sorted((n.recipient_kind, n.channel) for n in notices) == [("respondent", "email"), ("respondent", "sms"), ("worker", "sms")]
    for notice in notices:
        event = next(iter(icalendar.Calendar.from_ical(notice.attachment_text or "").walk("VEVENT")))
        assert event.decoded("dtstart") == proposed and str(event.decoded("dtstart").tzinfo) == "Asia/Shanghai"
    assert {"respondent_served", "respondent_agreed", "mediation_session_set", "mediation_session_held", "mediation_agreement"} <= kinds

    await worker.goto(f"{product.base_url}/status")
    await worker.get_by_label("案件编号").fill(case_no)
    await worker.get_by_label("查询码").fill(code)
    await worker.get_by_role("button", name="查看进度").click()
    await expect(worker.locator(".stage-name")).to_have_attribute("data-stage", "agreement")
    await shoot(worker, "parties-06-status")
    await worker_context.close()
    findings.save("parties")

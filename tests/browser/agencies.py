"""The agencies' part of story 1 in the browser: each organisation's own staff act from their own
inbox. The commission's clerk takes the union's referral and accepts the case; the arbitrator sets
the hearing and records a non-final award; the worker sues; the court's filing clerk takes the
commission's referral and files the suit; the judge entrusts the case to the court's invited
mediators (a people's mediation committee), whose mediator takes it and records no agreement, so it
comes back to the judge. After each hand-over the worker's status page names the holder."""

from __future__ import annotations

from datetime import date, timedelta

from playwright.async_api import Browser, Page, expect

from tests.browser.product import Product
from tests.browser.support import DESKTOP, Findings, accessible, shoot, sign_in, track_server_time

PUDONG_COMMISSION = "上海市浦东新区劳动人事争议仲裁委员会"
PUDONG_COURT = "上海市浦东新区人民法院"
PUDONG_PEOPLES_MEDIATION = "浦东新区花木街道人民调解委员会"


async def _task(page: Page, base: str, title: str, case_no: str) -> None:
    """Open the task titled `title` of the case from the inbox (waiting for the workflow to open it)."""
    row = page.get_by_role("row").filter(has_text=case_no).filter(has_text=title)
    for _ in range(60):
        if await row.count():
            break
        await page.wait_for_timeout(250)
        await page.goto(f"{base}/inbox")
    await row.get_by_role("link").first.click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text(title)


async def _act(page: Page, action: str, label: str, values: dict[str, str], selects: dict[str, str] | None = None) -> None:
    """Fill one action's form by field name and submit it; wait for the result message."""
    summary = page.locator("summary", has_text=label)
    form = page.locator(f"form[data-action={action}]")
    if not await form.is_visible():
        await summary.click()
    for name, value in values.items():
        await form.locator(f'[name="payload.{name}"]').fill(value)
    for name, value in (selects or {}).items():
        await form.locator(f'[name="payload.{name}"]').select_option(value)
    await form.get_by_role("button", name=label).click()
    await expect(page.get_by_role("status")).to_be_visible()


async def staff_act(
    browser: Browser,
    product: Product,
    findings: Findings,
    who: str,
    case_no: str,
    steps: list[tuple[str, str, str, dict[str, str], dict[str, str] | None]],
    shot: str,
) -> None:
    """Sign in as `who` and take, in order, each (task title, action, button label, fields, selects)."""
    context = await browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = await sign_in(context, product.base_url, who, findings)
    await expect(page.get_by_role("heading", name="待办任务")).to_be_visible()
    for title, action, label, values, selects in steps:
        await page.goto(f"{product.base_url}/inbox")
        await _task(page, product.base_url, title, case_no)
        await _act(page, action, label, values, selects)
    await shoot(page, shot)
    await accessible(page, shot, findings)
    await context.close()


async def holder_is(page: Page, base: str, case_no: str, name: str, shot: str, findings: Findings) -> None:
    """The worker's status page names `name` as the holder (the projection may lag a moment)."""
    holder = page.locator("#holder .holder-name")
    for _ in range(60):
        await page.goto(f"{base}/status/{case_no}")
        if name in (await holder.inner_text() if await holder.count() else ""):
            break
        await page.wait_for_timeout(250)
    await expect(holder).to_contain_text(name)
    await shoot(page, shot)
    await accessible(page, shot, findings)


async def through_the_agencies(browser: Browser, product: Product, findings: Findings, case_no: str, code: str) -> None:
    """From the worker's application for arbitration to the judge, with the holder after each step."""
    today = date.today().isoformat()
    worker = await browser.new_context(viewport=DESKTOP, locale="zh-CN")
    status = await worker.new_page()
    track_server_time(status, findings)
    await status.goto(product.base_url + "/status")
    await status.get_by_label("案件编号").fill(case_no)
    await status.get_by_label("查询码").fill(code)
    await status.get_by_role("button", name="查看进度").click()
    await expect(status.locator("#holder")).to_be_visible()

    await staff_act(browser, product, findings, "arb-clerk", case_no, [
        ("移送劳动人事争议仲裁委员会：请确认收案或退回", "accept_referral", "确认收案", {"on": today}, None),
        ("记录仲裁委受理或不予受理", "record_acceptance", "记录受理决定", {"decided_on": today}, {"granted": "true"}),
    ], "20-commission-clerk")
    await holder_is(status, product.base_url, case_no, PUDONG_COMMISSION, "21-status-commission", findings)
    await expect(status.locator("#holder .referrals li[data-referral=arbitration]")).to_contain_text("已收案")
    await expect(status.locator("#holder .deadline").first).to_contain_text("裁决")

    award = {"awarded_on": today, "received_on": today, "items.0.claimed": "36000.00", "items.0.granted": "30000.00"}
    hearing = {"notice_served_on": today, "hearing_on": (date.today() + timedelta(days=7)).isoformat()}
    await staff_act(browser, product, findings, "arbitrator", case_no, [
        ("跟进仲裁审理并记录裁决", "schedule_hearing", "安排开庭", hearing, None),
        ("跟进仲裁审理并记录裁决", "record_award", "记录仲裁裁决", award, {"items.0.kind": "wages", "statement": "non_final"}),
    ], "22-arbitrator")

    sue = status.locator("form[data-action=sue]")
    for _ in range(60):
        await status.goto(f"{product.base_url}/status/{case_no}")
        if await sue.count():
            break
        await status.wait_for_timeout(250)
    await sue.locator('[name="payload.filed_on"]').fill(today)
    await sue.get_by_role("button", name="向人民法院起诉").click()
    await expect(status.get_by_role("status")).to_be_visible()

    await staff_act(browser, product, findings, "court-clerk", case_no, [
        ("移送人民法院：请确认收案或退回", "accept_referral", "确认收案", {"on": today}, None),
        ("记录法院立案或不予受理", "record_filing", "记录立案", {"decided_on": today}, {"granted": "true"}),
    ], "23-court-clerk")
    await holder_is(status, product.base_url, case_no, PUDONG_COURT, "24-status-court", findings)

    await staff_act(browser, product, findings, "judge", case_no, [
        ("记录一审判决", "entrust_mediation", "委托特邀调解（立案后）", {"on": today}, None),
    ], "25-judge")
    await staff_act(browser, product, findings, "pm-mediator", case_no, [
        ("委托特邀调解组织调解：请确认收案或退回", "accept_referral", "确认收案", {"on": today}, None),
    ], "26-invited-mediators-accept")
    await holder_is(status, product.base_url, case_no, PUDONG_PEOPLES_MEDIATION, "27-status-invited-mediators", findings)
    await staff_act(browser, product, findings, "pm-mediator", case_no, [
        ("主持调解并记录结果", "record_failure", "调解不成，终止调解", {"ended_on": today, "reason": "双方对工资数额分歧较大"}, None),
    ], "28-invited-mediators-fail")
    await holder_is(status, product.base_url, case_no, PUDONG_COURT, "29-status-back-to-court", findings)
    chain = status.locator("#holder .referrals li")
    await expect(chain.filter(has_text="移送劳动人事争议仲裁委员会")).to_contain_text("工会")
    await expect(chain.filter(has_text="移送人民法院")).to_contain_text(PUDONG_COMMISSION)
    await expect(chain.filter(has_text="委托特邀调解组织调解")).to_contain_text(PUDONG_PEOPLES_MEDIATION)
    await worker.close()

"""Story 1 in the browser, on the real product (Temporal dev server, worker, web app): Li Jianguo
files his wage-arrears complaint in Chinese and gets the receipt; the union's mediator signs in,
holds a session and records failure; Li sees the arbitration option with its last day and applies;
the case then goes through the agencies, each acting from its own inbox (tests/browser/agencies.py:
the commission's clerk and arbitrator, the court's clerk and judge, the invited mediators), with the
holder on Li's status page after each hand-over; the administrator finds the case and reads its
history. Screenshots of every page (desktop and phone)
and an axe-core check on each."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect
from sqlmodel import func, select

from devtools.stories import LI_JIANGUO_ID, wage_arrears
from domain.intake import IntakeRequest
from infrastructure.crypto import Keyring
from infrastructure.tables import Case, Evidence
from services.intake import register_case
from tests.browser.agencies import PUDONG_COURT, through_the_agencies
from tests.browser.product import Product
from tests.browser.support import (
    DESKTOP,
    Findings,
    accessible,
    fill_li_jianguo,
    readme_image,
    shoot,
    sign_in,
    story_days,
    track_server_time,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PNG = b"\x89PNG\r\n\x1a\n" + bytes(200)


async def visit(page: Page, name: str, findings: Findings) -> None:
    await shoot(page, name)
    await accessible(page, name, findings)


async def worker_files(
    page: Page, product: Product, findings: Findings, tmp_path: Path
) -> tuple[str, str]:
    """Li Jianguo fills the form in Chinese (with a pay slip photo) and gets the receipt."""
    today = date.today()
    await page.goto(product.base_url + "/")
    await expect(page.get_by_role("heading", name="劳动争议，一站受理")).to_be_visible()
    await visit(page, "01-intake-empty", findings)
    await fill_li_jianguo(page, today)
    guidance = page.locator("#guidance [data-guidance-kind=limitation]")
    await expect(guidance).to_contain_text("申请仲裁的最后一日")
    await expect(page.locator("#guidance [data-guidance-kind=route]")).to_contain_text("工会调解")
    slip = tmp_path / "工资条.png"
    slip.write_bytes(PNG)
    await page.locator("#f-evidence").set_input_files(str(slip))
    await visit(page, "02-intake-filled", findings)
    await readme_image(page, "ui-intake")
    await page.get_by_role("button", name="提交申请").click()
    await expect(page.get_by_role("heading", name="申请已受理")).to_be_visible()
    case_no = (await page.locator("#case-no").inner_text()).strip()
    code = (await page.locator("#access-code").inner_text()).strip()
    assert re.fullmatch(r"LD-\d{4}-\d{6}", case_no) and re.fullmatch(
        r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", code
    )
    await expect(page.get_by_role("link", name="下载受理回执 PDF")).to_be_visible(timeout=20_000)
    href = await page.get_by_role("link", name="下载受理回执 PDF").get_attribute("href") or ""
    pdf = await page.request.get(product.base_url + href)
    assert pdf.ok and (await pdf.body()).startswith(b"%PDF")
    await visit(page, "03-receipt", findings)
    await page.reload()
    await expect(page.locator("#access-code")).to_have_count(0)  # shown once
    async with product.db.session() as session:
        evidence = (
            await session.exec(
                select(func.count()).select_from(Evidence).where(Evidence.case_no == case_no)
            )
        ).one()
    assert evidence == 1
    return case_no, code


async def mediator_records_failure(
    browser: Browser, product: Product, findings: Findings, case_no: str
) -> None:
    """The mediator signs in, opens the task, holds a session, then records that mediation
    failed."""
    context = await browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = await sign_in(context, product.base_url, "mediator", findings)
    await expect(page.get_by_role("heading", name="待办任务")).to_be_visible()
    task_link = page.get_by_role("link", name="主持调解并记录结果")
    for _ in range(40):
        if await task_link.count():
            break
        await page.wait_for_timeout(250)
        await page.reload()
    await expect(page.get_by_role("row").filter(has_text=case_no)).to_be_visible()
    await visit(page, "04-inbox", findings)
    await task_link.first.click()
    await expect(page.get_by_role("heading", name="主持调解并记录结果")).to_be_visible()
    await expect(page.get_by_text("为什么是这一天")).to_be_visible()
    today = date.today().isoformat()
    session_form = page.locator("form[data-action=record_session]")
    await session_form.get_by_label("调解日期").fill(today)
    await session_form.get_by_label("参加人员").fill("申请人李建国；用人单位经通知未到场")
    await session_form.get_by_label("调解情况").fill(
        "用人单位经电话及书面通知未到场，调解员向申请人释明权利。"
    )
    await readme_image(page, "ui-task")
    await visit(page, "05-task", findings)
    await session_form.get_by_role("button", name="记录调解").click()
    await expect(page.get_by_role("status")).to_contain_text("调解笔录已生成")
    await expect(page.locator(".documents li.new")).to_contain_text("调解笔录")
    await page.locator("summary", has_text="调解不成，终止调解").click()
    failure = page.locator("form[data-action=record_failure]")
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    await failure.get_by_label("调解终止日期").fill(tomorrow)
    await failure.get_by_label("原因").fill("用人单位拒不到场，调解不成。")
    await failure.get_by_role("button", name="调解不成，终止调解").click()
    refusal = page.locator("form[data-action=record_failure] [role=alert]")
    await expect(refusal).to_contain_text(
        "未被接受：日期不能晚于今天"
    )  # the workflow's validator said no
    await expect(failure.get_by_label("原因")).to_have_value("用人单位拒不到场，调解不成。")
    await visit(page, "06-task-refused", findings)
    await failure.get_by_label("调解终止日期").fill(today)
    await failure.get_by_role("button", name="调解不成，终止调解").click()
    await expect(page.get_by_role("status")).to_contain_text("调解终止通知书已生成")
    await expect(page.locator(".documents li.new")).to_contain_text("调解终止通知书")
    await expect(page.get_by_text("此任务已办结")).to_be_visible()
    await visit(page, "07-task-done", findings)
    await context.close()


async def worker_sees_arbitration(
    browser: Browser, product: Product, findings: Findings, case_no: str, code: str
) -> None:
    """Li opens his case with the access code: arbitration is open to him, with its last day."""
    context = await browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = await context.new_page()
    track_server_time(page, findings)
    await page.goto(product.base_url + "/status")
    await visit(page, "08-status-login", findings)
    await page.get_by_label("案件编号").fill(case_no)
    await page.get_by_label("查询码").fill(code)
    await page.get_by_role("button", name="查看进度").click()
    arbitration = page.locator("form[data-action=choose_arbitration]")
    for _ in range(40):
        if await arbitration.count():
            break
        await page.wait_for_timeout(250)
        await page.reload()
    await expect(arbitration.get_by_role("heading", name="申请劳动争议仲裁")).to_be_visible()
    await expect(arbitration.locator(".last-day")).to_contain_text(
        re.compile(r"最后一日：\d{4}-\d{2}-\d{2}")
    )
    await expect(page.locator(".stage-name")).to_have_text("调解未成功，可以申请仲裁")
    await expect(page.locator("section.documents")).to_contain_text("调解终止通知书")
    await expect(page.get_by_role("heading", name="接下来的路")).to_be_visible()
    await readme_image(page, "ui-status")
    await visit(page, "09-status-arbitration", findings)
    evidence = page.locator("form[data-action=add_evidence]")
    await evidence.get_by_label("证据文件").set_input_files(
        files=[
            {"name": "考勤记录.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7\n%%EOF"}
        ]
    )
    await evidence.get_by_label("文件说明（可选）").fill("7月考勤记录")
    await evidence.get_by_role("button", name="补充证据").click()
    await expect(page.get_by_role("status")).to_contain_text("证据已补充，证据清单已更新")
    await expect(page.locator("section.documents")).to_contain_text("证据清单")
    await arbitration.get_by_role("button", name="申请劳动争议仲裁").click()
    await expect(page.get_by_role("status")).to_contain_text("已提交仲裁申请")
    await visit(page, "10-status-after-choice", findings)
    await context.close()


async def union_staff_issue_a_notice(browser: Browser, product: Product, findings: Findings) -> None:
    """Story 1, then 4: the subcontractor has two more complaints this quarter, so union legal staff
    see a suggestion; one opens the matter, investigates and drafts a reminder letter; the drafter
    may not approve it; a second staff member approves and the numbered letter is issued."""
    keyring = Keyring.from_settings(product.settings)
    for name, mobile in (("张强", "13900001111"), ("刘军", "13900002222")):
        other = wage_arrears(worker={"name": name, "id_number": LI_JIANGUO_ID, "mobile": mobile, "groups": ["migrant_worker"]},
                             **story_days(date.today()))
        await register_case(product.db, keyring, IntakeRequest.model_validate(other), None)
    context = await browser.new_context(viewport=DESKTOP, locale="zh-CN")
    drafter = await sign_in(context, product.base_url, "union", findings)
    await drafter.goto(f"{product.base_url}/union/suggestions")
    await expect(drafter.get_by_role("heading", name="上海宏建劳务分包有限公司")).to_be_visible()
    await visit(drafter, "10-union-suggestions", findings)
    await drafter.get_by_label("签发人（工会主席或副主席）").first.fill("陈卫东")
    await drafter.get_by_role("button", name="立监督事项").first.click()
    await expect(drafter.get_by_role("heading", name="调查并决定下一步")).to_be_visible()
    matter_url = drafter.url
    investigation = drafter.locator('form[data-action="record_investigation"]')
    await investigation.get_by_label("调查的监督员（至少两名）").fill("王磊、孙丽")
    await investigation.get_by_label("查明的事实").fill("该单位拖欠3名农民工工资\n未设立农民工工资专用账户")
    await investigation.get_by_label("违反的法律条文").fill("劳动合同法 30 拖欠劳动报酬")
    await investigation.locator("button[type=submit]").click()
    await expect(drafter.locator("#message")).to_contain_text("已记录调查")
    await drafter.locator("summary", has_text="起草文书").click()
    draft = drafter.locator('form[data-action="draft_notice"]')
    await draft.get_by_label("整改要求").fill("立即足额支付拖欠的工资\n书面反馈整改情况")
    await draft.locator("button[type=submit]").click()
    await drafter.locator('form[data-action="approve_notice"] button[type=submit]').click()
    await expect(drafter.locator("#error")).to_contain_text("起草人不能审批自己起草的文书")
    await visit(drafter, "11-union-matter", findings)
    approver = await sign_in(await browser.new_context(viewport=DESKTOP, locale="zh-CN"), product.base_url, "union2", findings)
    await approver.goto(matter_url)
    await approver.locator('form[data-action="approve_notice"] button[type=submit]').click()
    await expect(approver.locator("#documents")).to_contain_text("〔2026〕浦工监提字第1号")
    await visit(approver, "12-union-issued", findings)
    await context.close()


async def administrator_reads_history(
    browser: Browser, product: Product, findings: Findings, case_no: str
) -> None:
    """The administrator searches the case number and reads the history Temporal recorded."""
    context = await browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = await sign_in(context, product.base_url, "admin", findings)
    await expect(page.get_by_role("heading", name="运行概况")).to_be_visible()
    await visit(page, "11-dashboard", findings)
    await page.get_by_role("link", name="案件查询").click()
    await page.get_by_label("案件编号").fill(case_no)
    await page.get_by_role("button", name="查询").click()
    await expect(page.get_by_role("heading", name="共 1 件")).to_be_visible()
    await visit(page, "12-case-search", findings)
    await page.get_by_role("link", name=case_no).click()
    history = page.locator("#history details.history").first
    await expect(history).to_contain_text("dispute", timeout=15_000)
    await expect(page.locator("#history")).to_contain_text("record_failure")
    link = await page.locator("[data-temporal-link]").get_attribute("href") or ""
    assert f"/namespaces/default/workflows/case%2F{case_no}" in link
    await page.locator("#history").scroll_into_view_if_needed()
    await readme_image(page, "ui-admin-history")
    await visit(page, "13-case-history", findings)
    for path, name in (("/admin/users", "14-users"), ("/admin/outbox", "15-outbox")):
        await page.goto(product.base_url + path)
        await visit(page, name, findings)
    await expect(page.locator(".outbox li").first).to_be_visible()
    assert "13812345678" not in await page.content()  # recipients masked
    await context.close()


async def test_story_wage_arrears_in_the_browser(
    browser: Browser, product: Product, tmp_path: Path
) -> None:
    findings = Findings()
    context = await browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = await context.new_page()
    track_server_time(page, findings)
    try:
        case_no, code = await worker_files(page, product, findings, tmp_path)
        await mediator_records_failure(browser, product, findings, case_no)
        await worker_sees_arbitration(browser, product, findings, case_no, code)
        await through_the_agencies(browser, product, findings, case_no, code)
        await union_staff_issue_a_notice(browser, product, findings)
        await administrator_reads_history(browser, product, findings, case_no)
    finally:
        findings.save("story-findings")
        await context.close()
    async with product.db.session() as session:
        case = (await session.exec(select(Case).where(Case.case_no == case_no))).one()
    assert (case.stage, case.holder_name) == ("litigation", PUDONG_COURT)

"""In a real browser (Debian's Chromium, headless): union staff open a matter from a suggestion,
record the investigation and draft a reminder letter; the drafter cannot approve it; a second
staff member approves and the numbered letter is issued. Screenshots go to test-artifacts/."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest
import uvicorn
from playwright.async_api import Browser, BrowserContext, Page, async_playwright, expect

from api.auth import SESSION_COOKIE
from tests.supervision.harness import Console
from tests.supervision.stories import complaint
from tests.support import free_port

pytestmark = [pytest.mark.browser, pytest.mark.slow]
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
async def site(console: Console) -> AsyncIterator[str]:
    """The app served by uvicorn on a free port, in this process (the worker runs here too)."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            console.app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"
        )
    )
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 (uvicorn offers no event)
        await asyncio.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    with contextlib.suppress(asyncio.CancelledError):
        await task


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=ARGS
        )
        yield launched
        await launched.close()


async def signed_in(browser: Browser, console: Console, site: str, username: str) -> BrowserContext:
    context = await browser.new_context(locale="zh-CN", viewport={"width": 1200, "height": 900})
    await context.add_cookies(
        [{"name": SESSION_COOKIE, "value": await console.cookie(username), "url": site}]
    )
    return context


async def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"supervision-{name}.png"), full_page=True)


async def submit(page: Page, action: str) -> None:
    form = page.locator(f'form[data-action="{action}"]')
    await form.locator("button[type=submit]").click()
    await page.wait_for_load_state("load")


async def test_union_staff_open_a_matter_and_issue_a_letter_in_the_browser(
    console: Console, site: str, browser: Browser
) -> None:
    today = await console.harness.env_today()
    for day in (3, 2, 1):
        await console.harness.file_case(complaint(), date.fromordinal(today.toordinal() - day))
    drafter = await (await signed_in(browser, console, site, "union")).new_page()
    await drafter.goto(f"{site}/union/suggestions")
    await expect(drafter.get_by_role("heading", name="上海宏建劳务分包有限公司")).to_be_visible()
    await shot(drafter, "1-suggestions")
    await drafter.get_by_label("签发人（工会主席或副主席）").first.fill("陈卫东")
    await drafter.get_by_role("button", name="立监督事项").first.click()
    await expect(drafter.get_by_role("heading", name="调查并决定下一步")).to_be_visible()
    matter_url = drafter.url

    investigation = drafter.locator('form[data-action="record_investigation"]')
    await investigation.get_by_label("调查的监督员（至少两名）").fill("王磊、孙丽")
    await investigation.get_by_label("查明的事实").fill(
        "该单位拖欠12名农民工三个月工资\n未设立农民工工资专用账户"
    )
    await investigation.get_by_label("违反的法律条文").fill("劳动合同法 30 拖欠劳动报酬")
    await submit(drafter, "record_investigation")
    await expect(drafter.locator("#message")).to_contain_text("已记录调查")
    await drafter.locator("summary", has_text="起草文书").click()
    draft = drafter.locator('form[data-action="draft_notice"]')
    await draft.get_by_label("整改要求").fill("立即足额支付拖欠的工资\n书面反馈整改情况")
    await submit(drafter, "draft_notice")
    await expect(
        drafter.get_by_role("heading", name="审批提示函（须由起草人以外的工作人员审批）")
    ).to_be_visible()
    await submit(drafter, "approve_notice")
    await expect(drafter.locator("#error")).to_contain_text("起草人不能审批自己起草的文书")
    await shot(drafter, "2-drafter-cannot-approve")

    approver = await (await signed_in(browser, console, site, "union2")).new_page()
    await approver.goto(matter_url)
    await expect(approver.locator("#draft")).to_contain_text("立即足额支付拖欠的工资")
    await shot(approver, "3-draft-to-approve")
    await submit(approver, "approve_notice")
    await expect(approver.locator("#message")).to_contain_text(
        "已签发，文号〔2026〕浦工监提字第1号"
    )
    await expect(approver.locator("#documents")).to_contain_text("〔2026〕浦工监提字第1号")
    await expect(
        approver.get_by_role("heading", name="记录提示函（〔2026〕浦工监提字第1号）的送达")
    ).to_be_visible()
    await shot(approver, "4-issued")
    href = await approver.locator("#documents a", has_text="PDF").get_attribute("href")
    pdf = await approver.request.get(f"{site}{href}")
    assert pdf.ok and (await pdf.body()).startswith(b"%PDF")

"""The intake form's own behaviour in the browser: the language switch, validation messages next to
each field (in the browser and, with scripts off, from the server), the double submit, and /docs, the
API's own form, signing in and calling."""

from __future__ import annotations

import asyncio
import re
from datetime import date, timedelta

import pytest
from playwright.async_api import Browser, Page, expect
from sqlmodel import func, select

from infrastructure.tables import Case
from tests.browser.product import DEMO_PASSWORD, Product
from tests.browser.support import DESKTOP, PHONE, SCREENSHOTS, Findings, accessible, fill_li_jianguo, shoot

pytestmark = [pytest.mark.browser, pytest.mark.slow]


async def case_count(product: Product) -> int:
    async with product.db.session() as session:
        return int((await session.exec(select(func.count()).select_from(Case))).one())


def error_of(page: Page, field_id: str):  # type: ignore[no-untyped-def]
    """The message shown next to a field (tied to it by aria-describedby)."""
    return page.locator(f"#{field_id}-error")


async def test_language_switch_is_one_click_and_remembered(
    browser: Browser, product: Product
) -> None:
    context = await browser.new_context(viewport=PHONE, locale="zh-CN")
    page = await context.new_page()
    await page.goto(product.base_url + "/")
    assert await page.get_attribute("html", "lang") == "zh-CN"
    await expect(page.get_by_role("heading", level=1)).to_have_text("劳动争议，一站受理")
    await page.get_by_role("link", name="English").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Labour disputes, one place to start"
    )
    assert await page.get_attribute("html", "lang") == "en"
    await expect(page.get_by_label("Resident ID number")).to_be_visible()
    await shoot(page, "20-intake-english")
    await accessible(page, "20-intake-english", Findings())
    await (
        page.get_by_role("navigation").get_by_role("link", name="Follow my case").click()
    )  # kept in a cookie
    await expect(page.get_by_role("heading", level=1)).to_have_text("Follow your case")
    await page.goto(product.base_url + "/login")
    await expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    await page.get_by_role("link", name="中文").click()
    await expect(page.get_by_role("button", name="登录")).to_be_visible()
    await context.close()


async def test_validation_messages_next_to_each_field_in_the_browser(
    browser: Browser, product: Product
) -> None:
    """Checked as the worker types: ID checksum, mobile number, credit code, future date."""
    context = await browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = await context.new_page()
    await page.goto(product.base_url + "/")
    before = await case_count(product)
    await fill_li_jianguo(page, date.today())
    await page.locator("#f-worker-id_number").fill("341221198003120030")  # wrong check digit
    await page.locator("#f-worker-mobile").fill("1381234567")
    await page.locator("#f-employer-uscc").fill("91310115MA1K4B2C3A")
    await page.locator("#f-knew_on").fill((date.today() + timedelta(days=3)).isoformat())
    await page.get_by_role("button", name="提交申请").click()
    await expect(error_of(page, "f-worker-id_number")).to_contain_text("校验位")
    await expect(error_of(page, "f-worker-mobile")).to_contain_text("11位手机号码")
    await expect(error_of(page, "f-employer-uscc")).to_contain_text("统一社会信用代码")
    await expect(error_of(page, "f-knew_on")).to_contain_text("不能晚于今天")
    assert await page.locator("#f-worker-id_number").get_attribute("aria-invalid") == "true"
    await shoot(page, "21-intake-errors-browser")
    assert await case_count(product) == before  # nothing was sent
    await context.close()


async def test_server_messages_next_to_each_field_with_scripts_off(
    browser: Browser, product: Product
) -> None:
    """The server says the same, next to the same fields: bad ID number, bad mobile, future date,
    missing (separate) consent; a file that is not PDF/JPEG/PNG is refused before anything is
    stored."""
    context = await browser.new_context(viewport=DESKTOP, locale="zh-CN", java_script_enabled=False)
    page = await context.new_page()
    await page.goto(product.base_url + "/")
    before = await case_count(product)
    await fill_li_jianguo(page, date.today(), consent=False)
    await page.locator("#f-consent_personal_information").check()
    await page.locator("#f-worker-id_number").fill("341221198003120030")
    await page.locator("#f-worker-mobile").fill("0212345678")
    await page.locator("#f-knew_on").fill((date.today() + timedelta(days=3)).isoformat())
    await page.locator("#f-evidence").set_input_files(
        files=[
            {
                "name": "contract.docx",
                "mimeType": "application/pdf",
                "buffer": b"PK\x03\x04 not a pdf",
            }
        ]
    )
    await page.get_by_role("button", name="提交申请").click()
    await expect(page.locator("#error-summary")).to_contain_text("处需要修改")
    await expect(error_of(page, "f-worker-id_number")).to_contain_text("校验位不正确")
    await expect(error_of(page, "f-worker-mobile")).to_contain_text("手机号")
    await expect(error_of(page, "f-knew_on")).to_contain_text("不能晚于今天")
    await expect(error_of(page, "f-consent_sensitive_information")).to_contain_text("第二十九条")
    await expect(error_of(page, "f-consent_personal_information")).to_be_hidden()
    await expect(error_of(page, "f-evidence")).to_contain_text("contract.docx")
    await expect(page.locator("#f-worker-name")).to_have_value("李建国")  # answers kept
    await shoot(page, "22-intake-errors-server")
    assert await case_count(product) == before
    html = (await page.content()).replace("<head>", f'<head><base href="{product.base_url}/">', 1)
    await context.close()
    checker = await browser.new_context(
        viewport=DESKTOP
    )  # axe-core needs scripts: check the same HTML
    checked = await checker.new_page()
    await checked.set_content(html)
    await accessible(checked, "22-intake-errors-server", Findings())
    await checker.close()


async def test_double_submit_creates_one_case(browser: Browser, product: Product) -> None:
    """A double click sends the form once; two posts of the same form (retry, back button) still
    give one case and the same receipt."""
    context = await browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = await context.new_page()
    await page.goto(product.base_url + "/")
    before = await case_count(product)
    await fill_li_jianguo(page, date.today())
    await page.get_by_role("button", name="提交申请").dblclick()
    await expect(page.get_by_role("heading", name="申请已受理")).to_be_visible()
    assert await case_count(product) == before + 1

    await page.goto(product.base_url + "/")
    await fill_li_jianguo(page, date.today())
    form = page.locator("#intake-form")
    fields = await form.evaluate(
        "f => Array.from(new FormData(f).entries()).filter(([, v]) => typeof v === 'string')"
    )
    body = "&".join(
        f"{k}={v}" for k, v in [(k, __import__("urllib.parse").parse.quote(v)) for k, v in fields]
    )
    headers = {"content-type": "application/x-www-form-urlencoded"}
    first, second = await asyncio.gather(
        *(
            page.request.post(product.base_url + "/", data=body, headers=headers, max_redirects=0)
            for _ in range(2)
        )
    )
    assert first.status == second.status == 303
    assert first.headers["location"] == second.headers["location"]
    assert re.fullmatch(r"/receipt/LD-\d{4}-\d{6}", first.headers["location"])
    assert await case_count(product) == before + 2
    await context.close()


async def test_the_browser_checks_the_birthplace_code_as_the_server_does(browser: Browser, product: Product) -> None:
    """The table of GB/T 2260 codes arrives with the form; a number with a valid check character but
    no such birthplace is refused next to the field, before anything is sent."""
    context = await browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = await context.new_page()
    async with page.expect_response("**/intake/birthplaces.json") as table:
        await page.goto(product.base_url + "/")
    assert (await table.value).ok
    field = page.locator("#f-worker-id_number")
    await field.fill("999999199001010016")  # check character right, no such division code
    await field.blur()
    await expect(error_of(page, "f-worker-id_number")).to_contain_text("行政区划代码")
    await field.fill("310115199007060027")  # Pudong (code from 1992), born 1990: real
    await field.blur()
    await expect(error_of(page, "f-worker-id_number")).to_be_hidden()
    await context.close()


async def test_api_docs_sign_in_and_call(browser: Browser, product: Product) -> None:
    """/docs (Swagger UI, served by the product itself): "Authorize" signs the demo mediator in
    through the OAuth2 password flow, and listTasks is called with the token."""
    context = await browser.new_context(viewport=DESKTOP)
    page = await context.new_page()
    await page.goto(product.base_url + "/docs")
    await page.get_by_role("button", name="Authorize").first.click()
    await page.locator("#oauth_username").fill("mediator")
    await page.locator("#oauth_password").fill(DEMO_PASSWORD)
    staff_section = page.locator(".auth-container", has_text="staffBearer (OAuth2, password)")  # the agencies' section is next
    await staff_section.get_by_role("button", name="Apply given OAuth2 credentials").click()
    await expect(page.locator(".auth-container button", has_text="Logout").first).to_be_visible()  # signed in
    await page.locator("button.btn-done").first.click()
    operation = page.locator("#operations-staff-listTasks")
    await operation.locator(".opblock-summary").click()
    await operation.locator("button.try-out__btn").click()
    await operation.locator("button.execute").click()
    await expect(operation.locator(".live-responses-table tbody .response-col_status").first).to_have_text("200")
    await expect(operation.locator(".live-responses-table")).to_contain_text('"total"')
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await operation.screenshot(path=str(SCREENSHOTS / "29-api-docs-list-tasks.png"))
    await context.close()

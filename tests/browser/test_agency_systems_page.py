"""The administrator registers an agency's own system in the browser: from the organisations page to
the commission's systems page, the scopes and webhook URL typed in, the secrets shown once, the row
with its delivery state; then the secret rotated and the system revoked. And /docs signing a system
in with its client credentials."""

from __future__ import annotations

import httpx
import pytest
from playwright.async_api import Browser, expect

from tests.browser.product import DEMO_PASSWORD, Product
from tests.browser.support import DESKTOP, SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.slow]


async def test_admin_registers_rotates_and_revokes_a_system_in_the_browser(browser: Browser, product: Product) -> None:
    context = await browser.new_context(viewport=DESKTOP)
    page = await context.new_page()
    await page.goto(product.base_url + "/login")
    await page.get_by_label("用户名").fill("admin")
    await page.get_by_label("密码").fill(DEMO_PASSWORD)
    await page.get_by_role("button", name="登录").click()
    await page.goto(product.base_url + "/admin/organisations")
    await page.locator('tr[data-org="arb-pd"]').get_by_role("link", name="机构系统（接口）").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("的机构系统")
    await page.get_by_label("系统名称").fill("浦东仲裁委办案系统")
    for scope in ("referrals:write", "decisions:write", "events:read"):
        await page.locator(f'input[name="scopes"][value="{scope}"]').check()
    await page.get_by_label("Webhook 地址").fill("https://cms.arb-pd.example.cn/labourflow/events")
    await page.get_by_role("button", name="登记系统").click()
    secret = page.locator('code[data-secret="client_secret"]')
    await expect(secret).to_be_visible()
    shown = await secret.inner_text()
    assert shown.startswith("lfs_")
    assert (await page.locator('code[data-secret="webhook_secret"]').inner_text()).startswith("whsec_")
    client_id = await page.locator('code[data-secret="client_id"]').inner_text()
    row = page.locator(f'tr[data-system="{client_id}"]')
    await expect(row).to_contain_text("已送达至第")
    await expect(row).to_contain_text("events:read")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / "30-admin-agency-system.png"), full_page=True)

    await row.get_by_role("button", name="更换密钥").click()
    rotated = await page.locator('code[data-secret="client_secret"]').inner_text()
    assert rotated.startswith("lfs_") and rotated != shown
    await page.goto(product.base_url + "/admin/organisations/arb-pd/systems")
    await expect(page.locator('code[data-secret="client_secret"]')).to_have_count(0)  # shown once
    await page.locator(f'tr[data-system="{client_id}"]').get_by_role("button", name="吊销").click()
    await expect(page.get_by_text(f"已吊销 {client_id}")).to_be_visible()
    await expect(page.locator(f'tr[data-system="{client_id}"]')).to_contain_text("已吊销")
    await context.close()


async def test_api_docs_authorize_an_agency_system_with_client_credentials(browser: Browser, product: Product) -> None:
    """/docs: "Authorize" with the commission system's client id and secret (the OAuth2
    client-credentials flow the description declares), then listEvents answers the feed."""
    async with httpx.AsyncClient(base_url=product.base_url) as http:
        token = (await http.post("/api/v1/auth/token", data={"username": "admin", "password": DEMO_PASSWORD})).json()
        registered = await http.post("/api/v1/organisations/arb-pd/systems", headers={"Authorization": f"Bearer {token['access_token']}"},
                                     json={"name": "docs system", "scopes": ["events:read", "tasks:read"]})
        credentials = registered.json()
    context = await browser.new_context(viewport=DESKTOP)
    page = await context.new_page()
    await page.goto(product.base_url + "/docs")
    await page.get_by_role("button", name="Authorize").first.click()
    await page.locator("#client_id_clientCredentials").fill(credentials["client_id"])
    await page.locator("#client_secret_clientCredentials").fill(credentials["client_secret"])
    section = page.locator(".auth-container", has_text="agencyClientCredentials (OAuth2, clientCredentials)")
    await section.locator('label[for="events:read-clientCredentials-checkbox-agencyClientCredentials"]').click()
    await section.get_by_role("button", name="Apply given OAuth2 credentials").click()
    await expect(section.locator("button", has_text="Logout")).to_be_visible()  # the token endpoint answered
    await page.locator("button.btn-done").first.click()
    operation = page.locator('[id$="-listEvents"]').first
    await operation.locator(".opblock-summary").click()
    await operation.locator("button.try-out__btn").click()
    await operation.locator("button.execute").click()
    await expect(operation.locator(".live-responses-table tbody .response-col_status").first).to_have_text("200")
    await expect(operation.locator(".live-responses-table")).to_contain_text('"next_cursor"')
    await context.close()

"""What the browser tests share: screenshots (desktop and phone), the axe-core check, sign-in, the
server time each page took (from the app's Server-Timing header) and the story's intake answers."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from axe_playwright_python.async_playwright import Axe
from PIL import Image
from playwright.async_api import BrowserContext, Page, Response

from tests.browser.product import DEMO_PASSWORD
from tests.stories import LI_JIANGUO_ID, SUBCONTRACTOR_USCC

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
README_IMAGES = ROOT / "docs" / "images"
REPORTS = ROOT / "test-artifacts"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SERIOUS = ("serious", "critical")
_axe = Axe()


@dataclass
class Findings:
    """Accessibility results and server times collected while the story runs."""

    axe: dict[str, dict[str, int]] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    def save(self, name: str) -> None:
        REPORTS.mkdir(parents=True, exist_ok=True)
        (REPORTS / f"{name}.json").write_text(
            json.dumps({"axe": self.axe, "server_ms": self.timings}, indent=2)
        )


async def shoot(page: Page, name: str) -> None:
    """Full-page screenshots at desktop width and on a phone screen (kept as test artefacts)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size or DESKTOP
    await page.screenshot(path=str(SCREENSHOTS / f"{name}-desktop.png"), full_page=True)
    await page.set_viewport_size(PHONE)
    await page.screenshot(path=str(SCREENSHOTS / f"{name}-phone.png"), full_page=True)
    await page.set_viewport_size(size)


async def readme_image(page: Page, name: str) -> None:
    """The README's pictures of the four views, refreshed only when
    LABOURFLOW_README_SCREENSHOTS=1."""
    if os.environ.get("LABOURFLOW_README_SCREENSHOTS") != "1":
        return
    README_IMAGES.mkdir(parents=True, exist_ok=True)
    target = README_IMAGES / f"{name}.png"
    await page.screenshot(path=str(target), full_page=False)
    with Image.open(target) as shot:  # a 64-colour palette keeps the committed pictures small
        shot.convert("RGB").quantize(colors=64).save(target, optimize=True)


async def accessible(page: Page, name: str, findings: Findings) -> None:
    """axe-core on the page as it is now: no serious or critical violation allowed."""
    results = await _axe.run(page)
    violations = results.response["violations"]
    findings.axe[name] = {v["id"]: len(v["nodes"]) for v in violations}
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
        if v.get("impact") in SERIOUS
    ]
    assert not serious, f"{name}: accessibility violations: {serious}"


def track_server_time(page: Page, findings: Findings) -> None:
    """Record the app's Server-Timing of every HTML page the browser loads."""

    def record(response: Response) -> None:
        timing = response.headers.get("server-timing", "")
        match = re.search(r"dur=([\d.]+)", timing)
        if match and "text/html" in response.headers.get("content-type", ""):
            path = re.sub(
                r"LD-\d{4}-\d{6}", "{case_no}", response.url.split("//", 1)[-1].split("/", 1)[-1]
            )
            path = re.sub(r"^tasks/.*", "tasks/{task_id}", path)
            findings.timings[f"{response.request.method} /{path}"] = float(match.group(1))

    page.on("response", record)


async def sign_in(context: BrowserContext, base: str, username: str, findings: Findings) -> Page:
    """Staff sign-in through the login form; returns the page it lands on."""
    page = await context.new_page()
    track_server_time(page, findings)
    await page.goto(f"{base}/login")
    await page.get_by_label("用户名").fill(username)
    await page.get_by_label("密码").fill(DEMO_PASSWORD)
    await page.get_by_role("button", name="登录").click()
    await page.wait_for_load_state()
    return page


def story_days(today: date) -> dict[str, str]:
    """Li Jianguo's dates, moved to now: he left the site 25 days ago, unpaid."""
    left = today - timedelta(days=25)
    return {"knew_on": left.isoformat(), "employment_ended_on": left.isoformat()}


LI_JIANGUO = {
    "#f-worker-name": "李建国",
    "#f-worker-id_number": LI_JIANGUO_ID,
    "#f-worker-mobile": "13812345678",
    "#f-employer-name": "上海宏建劳务分包有限公司",
    "#f-employer-uscc": SUBCONTRACTOR_USCC,
    "#f-employer-address": "上海市浦东新区申江路100号",
    "#f-description": "本人在浦东某工地从事钢筋工作，最后三个月工资共计36000元至今未付。",
    "#f-claims-0-amount": "12000.00",
    "#f-claims-0-months": "1",
    "#f-claims-0-description": "第一个月工资",
    "#f-claims-1-amount": "12000.00",
    "#f-claims-2-amount": "12000.00",
}


async def fill_li_jianguo(page: Page, today: date, *, consent: bool = True) -> None:
    """Story 1 typed into the intake form, as Li Jianguo would."""
    for selector, value in LI_JIANGUO.items():
        await page.locator(selector).fill(value)
    await page.get_by_label("农民工").check()
    await page.get_by_label("所在地区").select_option("shanghai-pudong")
    await page.get_by_label("争议类型").select_option("wage_arrears")
    for row in range(3):
        await page.locator(f"#f-claims-{row}-kind").select_option("wages")
    days = story_days(today)
    await page.locator("#f-knew_on").fill(days["knew_on"])
    await page.get_by_label("否，已离职").check()
    await page.locator("#f-employment_ended_on").fill(days["employment_ended_on"])
    if consent:
        await page.locator("#f-consent_personal_information").check()
        await page.locator("#f-consent_sensitive_information").check()

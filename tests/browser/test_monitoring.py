"""The monitoring page in Chromium: the charts render (screenshot kept), each chart draws the
figures of the table beside it and the tables carry the report's figures, no Content-Security-Policy
violation, the axe check passes, both exports download and the XLSX opens with openpyxl; English too."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from pathlib import Path

from openpyxl import load_workbook
from playwright.async_api import Browser, expect

from activities.deps import ActivityDeps
from infrastructure.crypto import Keyring
from services.monitoring_report import Filters, monitoring_report
from tests.browser.product import Product
from tests.browser.support import DESKTOP, Findings, accessible, shoot, sign_in
from tests.services.test_monitoring import SPECS, _drive, _file

QUERY = "start=2026-01&end=2026-12"
# Each chart's series as the page drew them, and the table's figures beside it.
DRAWN = """() => Array.from(document.querySelectorAll('[data-chart-for]')).map(holder => {
  const key = holder.getAttribute('data-chart-for');
  const table = document.querySelector(`table[data-table="${key}"]`);
  const columns = Array.from(table.querySelectorAll('thead th[data-column]')).map(th => th.dataset.column);
  const wanted = table.dataset.series.split(',');
  const rows = Array.from(table.querySelectorAll("tbody tr:not([data-row='monitoring.total'])"));
  const fromTable = wanted.map(c => rows.map(r => {
    const v = r.querySelectorAll('td')[columns.indexOf(c)].getAttribute('data-value');
    return v === null ? null : Number(v);
  }));
  const chart = echarts.getInstanceByDom(holder);
  const drawn = chart ? chart.getOption().series.map(s => s.data.map(v => v === null || v === undefined ? null : Number(v))) : null;
  return {key, fromTable, drawn, canvas: holder.querySelectorAll('canvas').length};
})"""


async def test_monitoring_charts_tables_and_exports(product: Product, browser: Browser, tmp_path: Path) -> None:
    deps = ActivityDeps(settings=product.settings, db=product.db, keyring=Keyring.from_settings(product.settings))
    for spec in SPECS:
        await _drive(deps, spec, await _file(deps, spec))
    for day in range(6):  # enough withdrawals in the enterprise committee for their bars to be shown
        spec = replace(SPECS[2], filed=date(2026, 2, 3 + day), closed=date(2026, 2, 10 + 2 * day))
        await _drive(deps, spec, await _file(deps, spec))
    findings = Findings()
    context = await browser.new_context(viewport=DESKTOP, accept_downloads=True)
    page = await sign_in(context, product.base_url, "admin", findings)
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    await page.goto(f"{product.base_url}/monitoring?{QUERY}")
    await expect(page.get_by_role("heading", level=1)).to_have_text("多元化解监测统计")
    every_chart_drawn = (
        "document.querySelectorAll('[data-chart-for] canvas').length === document.querySelectorAll('[data-chart-for]').length"
    )
    await page.wait_for_function(every_chart_drawn)
    charts = await page.evaluate(DRAWN)
    assert len(charts) >= 9
    assert any(value for chart in charts for series in chart["drawn"] for value in series)  # some bars are drawn
    for chart in charts:
        assert chart["canvas"] >= 1, chart["key"]
        assert chart["drawn"] == chart["fromTable"], chart["key"]
    # the tables carry the report's figures (those tests/services/test_monitoring.py checks)
    report = await monitoring_report(product.db, Filters("2026-01", "2026-12"), product.settings.monitoring_min_workers)
    volume = report.tables[0]
    for name, cells in volume.rows:
        shown = await page.locator(f'table[data-table="volume"] tr[data-row="{name}"] td').all_inner_texts()
        assert shown == ["<5" if c.hidden else str(c.value) for c in cells]
    await expect(page.locator("#suppression")).to_contain_text("不予显示")
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
    await shoot(page, "monitoring")
    await accessible(page, "monitoring", findings)
    # both exports download; the workbook opens with openpyxl and carries the filters
    async with page.expect_download() as csv_download:
        await page.get_by_role("link", name="导出 CSV").click()
    csv_path = tmp_path / "m.csv"
    await (await csv_download.value).save_as(csv_path)
    assert "2026-01 – 2026-12" in csv_path.read_text(encoding="utf-8-sig")
    async with page.expect_download() as xlsx_download:
        await page.get_by_role("link", name="导出 XLSX").click()
    xlsx_path = tmp_path / "m.xlsx"
    await (await xlsx_download.value).save_as(xlsx_path)
    book = load_workbook(io.BytesIO(xlsx_path.read_bytes()))
    assert book.worksheets[0]["B1"].value == "2026-01 – 2026-12"
    assert book.worksheets[1]["A1"].value == "收案、结案与未结（按途径）"
    # English, and the page without scripts still has every table
    await page.goto(f"{product.base_url}/monitoring?{QUERY}&lang=en")
    await expect(page.get_by_role("heading", level=1)).to_have_text("What the mechanism achieves")
    await context.close()
    plain = await browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    page = await sign_in(plain, product.base_url, "admin", findings)
    await page.goto(f"{product.base_url}/monitoring?{QUERY}")
    assert await page.locator("table[data-table]").count() == len(report.tables) - sum(1 for t in report.tables if not t.rows)
    assert not await page.locator("[data-chart-for]").first.is_visible()
    await plain.close()

"""The monitoring page and its exports: every figure of the page is the report's (whose figures
tests/services/test_monitoring.py checks against known cases), the CSV and the XLSX carry the same
figures with the filters and the date of the data; agency heads see only their own agency."""

from __future__ import annotations

import csv
import html
import io
import re

from openpyxl import load_workbook

from activities.deps import ActivityDeps
from services.monitoring_report import Filters, monitoring_report
from tests.services.test_monitoring import SPECS, _drive, _file
from tests.ui.conftest import World, client_for, sign_in

QUERY = "start=2026-01&end=2026-12"
ROW = re.compile(r'<tr data-row="([^"]+)"><th scope="row">[^<]*</th>(.*?)</tr>', re.S)
CELL = re.compile(r'<td class="num"[^>]*>([^<]*)</td>')


async def _cases(world: World) -> None:
    deps = ActivityDeps(settings=world.settings, db=world.db, keyring=world.keyring)
    for spec in SPECS:
        await _drive(deps, spec, await _file(deps, spec))


def _page_tables(page: str) -> dict[str, dict[str, list[str]]]:
    tables: dict[str, dict[str, list[str]]] = {}
    for key, body in re.findall(r'<table data-table="([^"]+)".*?>(.*?)</table>', page, re.S):
        tables[key] = {html.unescape(name): CELL.findall(cells) for name, cells in ROW.findall(body)}
    return tables


def _shown(value: object) -> str:
    return "—" if value is None else str(value)


async def test_page_and_exports_carry_the_report(world: World) -> None:
    await _cases(world)
    async with client_for(world) as client:
        await sign_in(client, "admin")
        page = await client.get(f"/monitoring?{QUERY}")
        assert page.status_code == 200
        csv_file = await client.get(f"/monitoring/export.csv?{QUERY}")
        xlsx_file = await client.get(f"/monitoring/export.xlsx?{QUERY}&lang=en")
    report = await monitoring_report(world.db, Filters("2026-01", "2026-12"), world.settings.monitoring_min_workers)
    tables = _page_tables(page.text)
    compared = 0
    for table in report.tables:
        for name, cells in table.rows:
            shown = ["<5" if c.hidden else _shown(c.value) for c in cells]
            assert [html.unescape(v) for v in tables[table.key][name]] == shown, (table.key, name)
            compared += len(cells)
    assert compared > 100
    # the default threshold of 5 hides the small groups of these six cases, and the page says so
    assert "不予显示" in page.text and "&lt;5" in page.text
    # CSV: filters and date first, then the same figures
    rows = list(csv.reader(io.StringIO(csv_file.content.decode("utf-8-sig"))))
    assert rows[0][1] == "2026-01 – 2026-12" and rows[3][0] == "数据时间"
    volume = next(i for i, r in enumerate(rows) if r and r[0].startswith("收案、结案与未结"))
    total = next(r for r in rows[volume:] if r and r[0] == "合计")
    assert total[1:] == [html.unescape(v) for v in tables["volume"]["monitoring.total"]] == ["6", "5", "<5"]
    # XLSX opens with openpyxl: an about sheet with the filters, one sheet per table
    book = load_workbook(io.BytesIO(xlsx_file.content))
    about = book.worksheets[0]
    assert about["A1"].value == "Period" and about["B1"].value == "2026-01 – 2026-12" and about["A4"].value == "Data as of"
    assert len(book.worksheets) == 1 + len(report.tables)
    outcomes = {r[0]: r[1] for r in book.worksheets[4].iter_rows(min_row=3, values_only=True)}
    assert outcomes["Final award"] == "<5" and outcomes["Judgment"] == "<5"


async def test_agency_heads_see_their_own_agency(world: World) -> None:
    await _cases(world)
    async with client_for(world) as client:
        await sign_in(client, "arb-head")
        own = await client.get(f"/monitoring?{QUERY}")
        other = await client.get(f"/monitoring?{QUERY}&agency=court-dg")
        assert own.status_code == 200 and other.status_code == 404
        assert 'name="agency"' not in own.text  # no choice of agency
    async with client_for(world) as client:
        await sign_in(client, "mediator")
        assert (await client.get(f"/monitoring?{QUERY}")).status_code == 403


async def test_union_leader_chooses_a_region(world: World) -> None:
    await _cases(world)
    async with client_for(world) as client:
        await sign_in(client, "union")
        page = await client.get("/monitoring?start=2026-01&end=2026-12&region=330000")
    assert page.status_code == 200
    assert _page_tables(page.text)["volume"]["monitoring.total"] == ["&lt;5", "&lt;5", "&lt;5"]  # two Hangzhou cases
    assert '<option value="330000" selected>' in page.text


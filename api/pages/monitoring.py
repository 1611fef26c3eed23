"""The monitoring pages: what the mechanism achieves for a period, a region and an agency, as tables
(with charts drawn from them) and as CSV and XLSX files. Administrators and union leaders choose
any agency; an agency's head sees their own agency."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import MonitoringPage, Services
from api.pages.rendering import render_page, translator
from domain.china_time import china_today
from domain.roles import StaffPrincipal
from services.monitoring_export import HIDDEN, to_csv, to_xlsx
from services.monitoring_report import (
    Filters,
    Report,
    agencies_in,
    agency_scope,
    monitoring_report,
    organisation_names,
    region_choices,
    region_name,
)

router = APIRouter(prefix="/monitoring", include_in_schema=False)
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
REGION = re.compile(r"^(\d{6})?$")


async def _filters(ctx: Services, staff: StaffPrincipal, start: str, end: str, region: str, agency: str) -> Filters:
    """The filters asked for, within what this staff member may see (else 404, like a missing agency)."""
    this_month = china_today().strftime("%Y-%m")
    start, end = start or f"{china_today().year}-01", end or this_month
    if not MONTH.match(start) or not MONTH.match(end) or start > end or not REGION.match(region):
        raise HTTPException(status_code=422, detail="期间或地区无效 / invalid period or region")
    scope = await agency_scope(ctx.db, staff.role, staff.team_code)
    if scope is not None:
        if agency and agency != scope:
            raise HTTPException(status_code=404)
        agency = scope
    return Filters(start=start, end=end, region=region, agency=agency)


async def _report(request: Request, ctx: Services, staff: StaffPrincipal, start: str, end: str, region: str, agency: str) -> Report:
    filters = await _filters(ctx, staff, start, end, region, agency)
    return await monitoring_report(ctx.db, filters, ctx.settings.monitoring_min_workers, ctx.settings.monitoring_cache_seconds)


async def _labeller(request: Request, ctx: Services) -> Callable[[str], str]:
    t = translator(request)
    names = await organisation_names(ctx.db)
    zh = t.lang == "zh"

    def label(key: str) -> str:
        if key.startswith("org:"):
            code = key[4:]
            return names.get(code, (code, code))[0 if zh else 1]
        if key.startswith("region:"):
            code = key[7:]
            return f"{region_name(code)} {code}".strip() if code else t("monitoring.whole_country")
        if "|" in key:
            employer, industry = key.split("|", 1)
            return f"{employer}（{industry}）" if industry else employer
        try:
            return t(key)
        except KeyError:
            return key

    return label


@router.get("", response_class=HTMLResponse)
async def monitoring_page(
    request: Request, ctx: Services, staff: MonitoringPage, start: str = "", end: str = "", region: str = "", agency: str = ""
) -> HTMLResponse:
    """Cases, levels, outcomes, time, deadlines, money, groups, employers, agencies and supervision."""
    report = await _report(request, ctx, staff, start, end, region, agency)
    scope = await agency_scope(ctx.db, staff.role, staff.team_code)
    async with ctx.db.session() as session:
        agencies = [] if scope is not None else await agencies_in(session, "")
    return render_page(
        request, "monitoring.html", staff=staff, report=report, label=await _labeller(request, ctx),
        regions=await region_choices(ctx.db), agencies=agencies, fixed_agency=scope, hidden=HIDDEN.format(threshold=report.threshold),
        query=request.url.query,
    )


@router.get("/export.csv")
async def monitoring_csv(
    request: Request, ctx: Services, staff: MonitoringPage, start: str = "", end: str = "", region: str = "", agency: str = ""
) -> Response:
    """The report as CSV, with its filters and the date of the data."""
    report = await _report(request, ctx, staff, start, end, region, agency)
    return Response(to_csv(report, await _labeller(request, ctx)), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="monitoring-{report.filters.start}-{report.filters.end}.csv"'})


@router.get("/export.xlsx")
async def monitoring_xlsx(
    request: Request, ctx: Services, staff: MonitoringPage, start: str = "", end: str = "", region: str = "", agency: str = ""
) -> Response:
    """The report as an XLSX workbook, one sheet per table, its filters on the first."""
    report = await _report(request, ctx, staff, start, end, region, agency)
    return Response(to_xlsx(report, await _labeller(request, ctx)),
                    media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="monitoring-{report.filters.start}-{report.filters.end}.xlsx"'})

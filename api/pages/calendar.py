"""Sessions and hearings on a calendar: a staff member's own and their organisation's, by day or
week, conflicts flagged; and one sitting's .ics for a party summoned to it (the worker through the
status page's sign-in, a respondent through its link)."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.csrf import checked_form, set_flash
from api.deps import InboxPage, Services, StaffPage, worker_for_case
from api.pages.rendering import both, redirect, render_page
from domain.china_time import china_today
from services import respondents, sittings
from services.errors import NotFound

router = APIRouter(include_in_schema=False)
ICS = "text/calendar; charset=utf-8"


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return china_today()  # like an address bar forgives: a bad day shows today


@router.get("/calendar", response_class=HTMLResponse)
async def calendar_page(request: Request, ctx: Services, staff: InboxPage, view: str = "week", scope: str = "mine",
                        day: str = "") -> HTMLResponse:
    """My sittings or my organisation's, a day or a week (Monday first); overlaps flagged."""
    shown = await sittings.staff_calendar(ctx.db, staff, _day(day), view, scope)
    return render_page(request, "calendar.html", staff=staff, cal=shown, today=china_today())


def _ics(text: str, name: str) -> Response:
    return Response(content=text, media_type=ICS, headers={"Content-Disposition": f'attachment; filename="{name}"',
                                                           "X-Content-Type-Options": "nosniff"})


@router.get("/status/{case_no}/sittings.ics")
async def worker_ics(request: Request, ctx: Services, case_no: str) -> Response:
    """The worker's upcoming sessions and hearings of this case, as one calendar file."""
    if await worker_for_case(request, case_no) is None:
        return redirect(f"/status?case_no={case_no}")
    return _ics(await sittings.party_ics(ctx.db, case_no, "applicant"), f"{case_no}.ics")


@router.get("/respond/{respondent_token}/sittings.ics")
async def respondent_ics(ctx: Services, respondent_token: str) -> Response:
    """This respondent's upcoming sessions and hearings of the case, as one calendar file."""
    try:
        view = await respondents.respondent_view(ctx, respondent_token)
    except (NotFound, respondents.LinkClosed):
        return Response(status_code=404)
    return _ics(await sittings.party_ics(ctx.db, view.case_no, f"respondent:{view.respondent.seq}"), f"{view.case_no}.ics")


@router.post("/cases/{case_no}/respondents/{seq}/link", response_class=HTMLResponse)
async def new_respondent_link(request: Request, ctx: Services, staff: StaffPage, case_no: str, seq: int) -> Response:
    """Staff who may see the case issue a respondent a fresh link, shown once (to hand over with the posted letter)."""
    form = await checked_form(request)
    back = str(form.get("back", ""))
    back = back if back.startswith(("/tasks/", "/admin/cases/")) else f"/admin/cases/{case_no}"
    try:
        url = await respondents.staff_new_link(ctx, staff, case_no, seq)
    except NotFound:
        return Response(status_code=404)
    response = redirect(back)
    set_flash(request, response, "ok", *both(request, "respondents.link_issued", url=url), docs=[])
    return response

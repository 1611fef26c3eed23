"""The parties through the JSON API: a staff member's calendar of sessions and hearings, and a fresh
one-time link for a respondent (to hand over with the posted letter)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from api.deps import CurrentStaff, Services
from api.problems import problems
from domain.china_time import china_today
from services import respondents, sittings

router = APIRouter(prefix="/api/v1", tags=["parties"])


class RespondentLinkIssued(BaseModel):
    url: str = Field(description="shown once: hand it to the respondent (with the posted letter); its earlier links stop working")


@router.get("/calendar", response_model=sittings.CalendarPublic)
async def get_calendar(
    ctx: Services,
    staff: CurrentStaff,
    view: Annotated[Literal["day", "week"], Query(description="a day, or the week (Monday first) holding `day`")] = "week",
    scope: Annotated[Literal["mine", "organisation"], Query(description="sittings I set, or every one of my organisation's")] = "mine",
    day: Annotated[date | None, Query(description="default: today (Beijing)")] = None,
) -> sittings.CalendarPublic:
    """My sessions and hearings, or my organisation's, with clashes (one person or one room twice) named."""
    shown = await sittings.staff_calendar(ctx.db, staff, day or china_today(), view, scope)
    return sittings.calendar_public(shown)


@router.post("/cases/{case_no}/respondents/{seq}/link", status_code=201, response_model=RespondentLinkIssued,
             responses=problems(404, d404="no such case or respondent link, or not a case you may see"))
async def create_respondent_link(ctx: Services, case_no: str, seq: Annotated[int, Path(ge=1, le=10)],
                                 staff: CurrentStaff) -> RespondentLinkIssued:
    """A fresh one-time link for respondent `seq` of the case; its earlier links say they were replaced."""
    return RespondentLinkIssued(url=await respondents.staff_new_link(ctx, staff, case_no, seq))

"""Statutory deadlines: the rule table, one computed deadline, and the what-if chain."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from api.deps import Services
from domain.calendar import Calendar
from domain.china_time import china_today
from domain.deadlines import (
    DeadlineError,
    InvalidStart,
    UnknownJurisdiction,
    UnknownRule,
    compute_deadline,
    parse_date,
    parse_interval,
    rule_table,
)
from domain.whatif import WhatIfInput, whatif
from services.calendars import CalendarFileError
from services.context import ServiceContext

router = APIRouter(prefix="/api/v1", tags=["deadlines"])

_ERROR_FIELDS: tuple[tuple[type[DeadlineError], str], ...] = (
    (UnknownRule, "rule_id"),
    (UnknownJurisdiction, "jurisdiction"),
    (InvalidStart, "from"),
)


class WhatIfRequest(WhatIfInput):
    """The key dates of a case plus the jurisdiction whose profile applies."""

    jurisdiction: str = "national"


def unprocessable(exc: DeadlineError) -> JSONResponse:
    """422 with the same one-line message the CLI prints."""
    field = next((name for kind, name in _ERROR_FIELDS if isinstance(exc, kind)), "request")
    message = str(exc)
    if isinstance(exc, InvalidStart) and message.split(" ", 1)[0].endswith(":"):
        field = message.split(":", 1)[0]
    return JSONResponse(
        status_code=422,
        content={"detail": message, "errors": [{"field": field, "message": message}]},
    )


async def _calendar(ctx: ServiceContext) -> Calendar:
    try:
        return await ctx.calendar()
    except CalendarFileError as exc:
        raise RuntimeError(f"a stored calendar year is invalid: {exc}") from exc


@router.get("/deadlines")
async def list_deadlines(jurisdiction: str = "national") -> Any:
    """The rule table D01-D72 as it applies in a jurisdiction (national by default)."""
    try:
        return [rule.model_dump(mode="json") for rule in rule_table(jurisdiction)]
    except DeadlineError as exc:
        return unprocessable(exc)


@router.get(
    "/deadlines/{rule_id}",
    responses={422: {"description": "unknown rule, bad date or jurisdiction"}},
)
async def get_deadline(
    ctx: Services,
    rule_id: str,
    start: Annotated[str, Query(alias="from", description="start date YYYY-MM-DD (not counted)")],
    jurisdiction: str = "national",
    variant: str | None = None,
    extended: bool = False,
    suspend: Annotated[list[str], Query(description="suspended interval FROM:TO")] = [],  # noqa: B006
    restart: Annotated[list[str], Query(description="date the period starts afresh")] = [],  # noqa: B006
) -> Any:
    """One computed deadline with its explanation (why this date)."""
    calendar = await _calendar(ctx)
    try:
        deadline = compute_deadline(
            rule_id,
            parse_date(start),
            jurisdiction=jurisdiction,
            calendar=calendar,
            variant=variant,
            extended=extended,
            suspensions=[parse_interval(item) for item in suspend],
            restarts=[parse_date(item, "restart") for item in restart],
        )
    except DeadlineError as exc:
        return unprocessable(exc)
    return deadline.model_dump(mode="json", by_alias=True)


@router.post("/whatif", responses={422: {"description": "bad dates or jurisdiction"}})
async def post_whatif(ctx: Services, body: WhatIfRequest) -> Any:
    """The road ahead from a case's key dates: each later deadline and its last safe day."""
    facts = WhatIfInput.model_validate(
        body.model_dump(exclude={"jurisdiction"}) | {"as_of": body.as_of or china_today()}
    )
    calendar = await _calendar(ctx)
    try:
        chain = whatif(facts, jurisdiction=body.jurisdiction, calendar=calendar)
    except DeadlineError as exc:
        return unprocessable(exc)
    return chain.model_dump(mode="json", by_alias=True)

"""Statutory deadlines: the rule table, one computed deadline, and the what-if chain."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query

from api import examples
from api.deps import Services
from api.errors import ProblemError
from api.problems import FieldError
from domain.calendar import Calendar
from domain.china_time import china_today
from domain.deadlines import (
    Deadline,
    DeadlineError,
    InvalidStart,
    UnknownJurisdiction,
    UnknownRule,
    compute_deadline,
    parse_date,
    parse_interval,
    rule_table,
)
from domain.rules import Rule
from domain.whatif import WhatIfChain, WhatIfInput, whatif
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


FIXES = {
    "rule_id": "使用 GET /api/v1/deadlines 列出的规则编号 D01-D72 / use a rule id D01-D72 listed by GET /api/v1/deadlines",
    "jurisdiction": "使用 national 或 zhejiang 等已有的辖区 / use a known jurisdiction such as national or zhejiang",
}
DATE_FIX = "日期写成 YYYY-MM-DD，在2004-01-01至2099-12-31之间 / write dates as YYYY-MM-DD, between 2004-01-01 and 2099-12-31"


def unprocessable(exc: DeadlineError) -> ProblemError:
    """422 with the same one-line message the CLI prints, naming the field."""
    field = next((name for kind, name in _ERROR_FIELDS if isinstance(exc, kind)), "request")
    message = str(exc)
    if isinstance(exc, InvalidStart) and message.split(" ", 1)[0].endswith(":"):
        field = message.split(":", 1)[0]
    code = f"deadline.{type(exc).__name__}"
    return ProblemError(422, message, [FieldError(field=field, code=code, message=message, fix=FIXES.get(field, DATE_FIX))])


async def _calendar(ctx: ServiceContext) -> Calendar:
    try:
        return await ctx.calendar()
    except CalendarFileError as exc:
        raise RuntimeError(f"a stored calendar year is invalid: {exc}") from exc


@router.get("/deadlines", response_model=list[Rule])
async def list_deadline_rules(jurisdiction: str = "national") -> list[Rule]:
    """The rule table D01-D72 as it applies in a jurisdiction (national by default; a fixed
    reference table of 72 rows, not paged)."""
    try:
        return rule_table(jurisdiction)
    except DeadlineError as exc:
        raise unprocessable(exc) from None


@router.get("/deadlines/{rule_id}", response_model=Deadline)
async def get_deadline(
    ctx: Services,
    rule_id: str,
    start: Annotated[str, Query(alias="from", description="start date YYYY-MM-DD (not counted)")],
    jurisdiction: str = "national",
    variant: str | None = None,
    extended: bool = False,
    suspend: Annotated[list[str], Query(description="suspended interval FROM:TO")] = [],  # noqa: B006
    restart: Annotated[list[str], Query(description="date the period starts afresh")] = [],  # noqa: B006
) -> Deadline:
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
        raise unprocessable(exc) from None
    return deadline


@router.post("/whatif", response_model=WhatIfChain)
async def compute_what_if(ctx: Services, body: Annotated[WhatIfRequest, Body(openapi_examples=examples.WHAT_IF)]) -> WhatIfChain:
    """The road ahead from a case's key dates: each later deadline and its last safe day."""
    facts = WhatIfInput.model_validate(
        body.model_dump(exclude={"jurisdiction"}) | {"as_of": body.as_of or china_today()}
    )
    calendar = await _calendar(ctx)
    try:
        chain = whatif(facts, jurisdiction=body.jurisdiction, calendar=calendar)
    except DeadlineError as exc:
        raise unprocessable(exc) from None
    return chain

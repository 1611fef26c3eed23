"""Statutory clock commands: `deadline`, `deadlines`, `whatif`, `calendar add|list|notify`."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import typer
from sqlalchemy.exc import SQLAlchemyError

from domain.calendar import Calendar, CalendarYear, package_year, package_years
from domain.china_time import china_today
from domain.deadlines import (
    Deadline,
    DeadlineError,
    compute_deadline,
    parse_date,
    parse_interval,
    rule_table,
)
from domain.whatif import WhatIfChain, WhatIfInput, whatif
from infrastructure.settings import Settings
from infrastructure.storage import FolderFallback, StorageUnavailable
from labourflow.cli.base import app, fail
from labourflow.cli.storage import unavailable, where, with_store
from services.calendars import (
    CalendarFileError,
    folder_calendar_years,
    install_calendar_year,
    notify_running_workflows,
    read_calendar_file,
    stored_calendar_years,
)

calendar_app = typer.Typer(
    help="Official holiday calendars (国务院节假日安排): add a year, list, notify workflows."
)
app.add_typer(calendar_app, name="calendar")


def _settings() -> Settings:
    # Settings without `finalise`: these commands need no secrets and must not create any.
    return Settings()


def _years(settings: Settings, *, strict: bool = False) -> list[CalendarYear]:
    """The administrator's years from the store. The calculators (`deadline`, `whatif`) need no
    database: when the store cannot be read they use the old calendar folder only (`strict` fails)."""
    try:
        return with_store(settings, stored_calendar_years)
    except CalendarFileError as exc:
        fail(f"calendar year in {where(settings)}: {exc}", code=1)
    except StorageUnavailable as exc:
        if strict:
            fail(unavailable(settings, exc), code=1)
    try:
        return folder_calendar_years(settings.resolved_calendar_dir)
    except CalendarFileError as exc:
        fail(f"calendar folder {settings.resolved_calendar_dir}: {exc}", code=1)


def _calendar(settings: Settings, *, strict: bool = False) -> Calendar:
    return Calendar(_years(settings, strict=strict))


def _weekday(day: date) -> str:
    return (
        ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")[day.weekday()]
        + " "
        + day.strftime("%a")
    )


def render_deadline(deadline: Deadline) -> str:
    """The readable Chinese/English explanation printed without --json."""
    lines = [f"{deadline.rule} {deadline.title_zh} / {deadline.title_en}"]
    if deadline.due is None:
        lines.append(
            f"  from {deadline.from_}  no period in this jurisdiction ({deadline.jurisdiction})"
        )
    else:
        unit = deadline.unit.value if deadline.unit else ""
        lines.append(
            f"  from {deadline.from_}  due {deadline.due} ({_weekday(deadline.due)})  "
            f"{deadline.length} {unit}{'  PROVISIONAL 暂定' if deadline.provisional else ''}"
        )
    lines += [
        f"  jurisdiction {deadline.jurisdiction}  confidence {deadline.confidence}  "
        f"calendar {deadline.calendar_version}",
        f"  依据 / basis: {deadline.basis}",
        f"  {deadline.explanation_zh}",
        f"  {deadline.explanation_en}",
    ]
    lines += [f"  warning: {warning}" for warning in deadline.warnings]
    lines.append("  条文 / article text:")
    lines += [f"    {line}" for line in deadline.basis_text.splitlines()]
    return "\n".join(lines)


@app.command("deadline")
def deadline_command(
    rule_id: str = typer.Argument(..., help="rule id D01-D72 (see `labourflow deadlines`)"),
    start: str = typer.Option(
        ..., "--from", help="start date YYYY-MM-DD (the start day is not counted)"
    ),
    jurisdiction: str = typer.Option(None, "--jurisdiction", help="national (default) or zhejiang"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
    variant: str = typer.Option(
        None, "--variant", help="e.g. ruling (D37), simplified (D36), collective (D72)"
    ),
    extended: bool = typer.Option(
        False, "--extended", help="apply the rule's extension (D08, D22, D36, D46, D64)"
    ),
    suspend: list[str] = typer.Option(
        [], "--suspend", help="suspended interval FROM:TO (repeatable)"
    ),
    restart: list[str] = typer.Option(
        [], "--restart", help="date the period starts afresh (repeatable)"
    ),
) -> None:
    """Compute one statutory deadline and explain why it falls on that date."""
    settings = _settings()
    calendar = _calendar(settings)
    try:
        result = compute_deadline(
            rule_id,
            parse_date(start),
            jurisdiction=jurisdiction or settings.jurisdiction,
            calendar=calendar,
            variant=variant,
            extended=extended,
            suspensions=[parse_interval(item) for item in suspend],
            restarts=[parse_date(item, "restart") for item in restart],
        )
    except DeadlineError as exc:
        fail(str(exc))
    typer.echo(
        result.model_dump_json(by_alias=True, indent=2) if as_json else render_deadline(result)
    )


@app.command("deadlines")
def deadlines_command(
    jurisdiction: str = typer.Option("national", "--jurisdiction"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """List the deadline rule table (D01-D72) as it applies in a jurisdiction."""
    try:
        rules = rule_table(jurisdiction)
    except DeadlineError as exc:
        fail(str(exc))
    if as_json:
        typer.echo(
            json.dumps(
                [rule.model_dump(mode="json") for rule in rules], ensure_ascii=False, indent=2
            )
        )
        return
    for rule in rules:
        period = (
            f"{rule.length} {rule.unit.value}" if rule.length is not None and rule.unit else "—"
        )
        if rule.extension:
            period += f" (+{rule.extension})"
        typer.echo(
            f"{rule.id}  {period:<12} [{rule.confidence}] {rule.title_zh} / {rule.title_en}"
            f" — {rule.basis_zh}"
        )


def render_chain(chain: WhatIfChain) -> str:
    """The road ahead, one step a line with its last safe day and assumption."""
    lines = [
        f"what-if ({chain.jurisdiction}, calendar {chain.calendar_version}"
        f"{', PROVISIONAL' if chain.provisional else ''})"
    ]
    for number, step in enumerate(chain.steps, start=1):
        rule = step.deadline.rule if step.deadline else "—"
        safe = step.last_safe_day.isoformat() if step.last_safe_day else "—"
        lines.append(f"{number}. {step.title_zh} / {step.title_en} [{rule}]  last safe day: {safe}")
        lines.append(f"   {step.assumption_zh}")
        lines.append(f"   {step.assumption_en}")
    lines += [f"warning: {warning}" for warning in chain.warnings]
    return "\n".join(lines)


def _optional_date(text: str | None, field: str) -> date | None:
    return parse_date(text, field) if text else None


@app.command("whatif")
def whatif_command(
    knew_on: str = typer.Option(None, "--knew-on", help="day the worker knew of the infringement"),
    category: str = typer.Option(None, "--category", help="wage_arrears, unlawful_dismissal, ..."),
    employment_ended_on: str = typer.Option(None, "--employment-ended-on"),
    still_employed: bool = typer.Option(None, "--still-employed/--not-employed"),
    mediation_applied_on: str = typer.Option(None, "--mediation-applied-on"),
    arbitration_applied_on: str = typer.Option(None, "--arbitration-applied-on"),
    accepted_on: str = typer.Option(None, "--accepted-on"),
    award_received_on: str = typer.Option(None, "--award-received-on"),
    final_award: bool = typer.Option(None, "--final-award/--non-final-award"),
    as_of: str = typer.Option(None, "--as-of", help="the day you act when no filing date is given"),
    jurisdiction: str = typer.Option(None, "--jurisdiction"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Lay out the road ahead: mediation, arbitration, acceptance, award, time to sue."""
    settings = _settings()
    calendar = _calendar(settings)
    try:
        facts = WhatIfInput(
            knew_on=_optional_date(knew_on, "knew_on"),
            category=category,
            employment_ended_on=_optional_date(employment_ended_on, "employment_ended_on"),
            still_employed=still_employed,
            mediation_applied_on=_optional_date(mediation_applied_on, "mediation_applied_on"),
            arbitration_applied_on=_optional_date(arbitration_applied_on, "arbitration_applied_on"),
            accepted_on=_optional_date(accepted_on, "accepted_on"),
            award_received_on=_optional_date(award_received_on, "award_received_on"),
            final_award=final_award,
            as_of=_optional_date(as_of, "as_of") or china_today(),
        )
        chain = whatif(facts, jurisdiction=jurisdiction or settings.jurisdiction, calendar=calendar)
    except DeadlineError as exc:
        fail(str(exc))
    except (
        ValueError
    ) as exc:  # pydantic's ValidationError (e.g. an unknown category, no date at all)
        fail(_first_error(exc))
    typer.echo(chain.model_dump_json(by_alias=True, indent=2) if as_json else render_chain(chain))


def _first_error(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ()))
        message = str(first.get("msg", exc)).removeprefix("Value error, ")
        return f"{where}: {message}" if where else message
    return str(exc)


def _notify(settings: Settings, years: Sequence[CalendarYear], *, strict: bool) -> None:
    try:
        report = asyncio.run(notify_running_workflows(settings, years))
    except SQLAlchemyError as exc:
        typer.echo(
            f"warning: cannot read the deadline table ({type(exc).__name__}); "
            "is the database migrated?",
            err=True,
        )
        typer.echo(
            "No running workflow was told about the new calendar. "
            "Run `labourflow calendar notify` once the database is up.",
            err=True,
        )
        if strict:
            raise typer.Exit(1) from None
        return
    except ConnectionError as exc:
        typer.echo(f"warning: {exc}", err=True)
        typer.echo(
            "Temporal is down: no running workflow was told about the new calendar. "
            "Run `labourflow calendar notify` once Temporal is up.",
            err=True,
        )
        if strict:
            raise typer.Exit(1) from None
        return
    typer.echo(
        f"notified {len(report.notified)} running workflow(s) holding provisional deadlines"
        + (f"; {len(report.gone)} already closed" if report.gone else "")
    )


@calendar_app.command("add")
def calendar_add(
    file: Path = typer.Argument(..., help="YYYY.json: year, rest_days, makeup_workdays, source"),
) -> None:
    """Validate an official year file, store it (every node sees it), recompute provisional ones."""
    settings = _settings()
    try:
        year = read_calendar_file(file)
    except CalendarFileError as exc:
        fail(str(exc))
    if year.year in package_years() and package_year(year.year).model_dump(
        exclude={"source"}
    ) != year.model_dump(exclude={"source"}):
        typer.echo(
            f"note: {year.year} differs from the built-in chinesecalendar data; "
            "your file takes precedence"
        )

    async def install(store: FolderFallback) -> str:
        return await install_calendar_year(store, year)

    try:
        key = with_store(settings, install)
    except StorageUnavailable as exc:
        fail(unavailable(settings, exc), code=1)
    typer.echo(
        f"added {year.year} ({len(year.rest_days)} weekday holidays, "
        f"{len(year.makeup_workdays)} make-up "
        f"working days) as {key} in {where(settings)}; calendar is now {_calendar(settings, strict=True).version}"
    )
    _notify(settings, [year], strict=False)


@calendar_app.command("list")
def calendar_list() -> None:
    """Show the calendar version and which years are official (package or administrator)."""
    settings = _settings()
    calendar = _calendar(settings, strict=True)
    typer.echo(f"calendar {calendar.version}")
    built_in = package_years()
    typer.echo(f"built-in (chinesecalendar): {built_in[0]}-{built_in[-1]}")
    for year in calendar.extra_years:
        typer.echo(f"added: {year.year} [{year.digest}] {year.source}")
    typer.echo("other years: weekends only, results marked provisional")


@calendar_app.command("notify")
def calendar_notify(year: int = typer.Option(None, "--year", help="only this added year")) -> None:
    """Send the added calendar years to running workflows that hold provisional deadlines."""
    settings = _settings()
    years = _years(settings, strict=True)
    if year is not None:
        years = [item for item in years if item.year == year]
    if not years:
        fail(
            f"no added calendar year{f' {year}' if year else ''} "
            f"in {where(settings)}; "
            "add one with `labourflow calendar add FILE`"
        )
    _notify(settings, years, strict=True)

"""Organisations and their teams: `labourflow organisations list|create|update|add-team|update-team|move-tasks`."""

from __future__ import annotations

import asyncio
import getpass
import json
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import typer

from domain.organisations import ORG_NAMES, OrgKind
from infrastructure.settings import get_settings
from labourflow.cli.base import app, fail

organisations_app = typer.Typer(
    help="Manage organisations (unions, mediation bodies, commissions, courts...) and their teams.", no_args_is_help=True
)
app.add_typer(organisations_app, name="organisations")

T = TypeVar("T")
KINDS = ", ".join(f"{kind.value} ({ORG_NAMES[kind][0]})" for kind in OrgKind)


def _actor() -> str:
    """Who the audit trail names for a change made here: the operating-system user."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no user name in a bare container
        return "cli"


def _run(work: Callable[[Any], Awaitable[T]]) -> T:
    """Run one service call against the configured database; a refusal becomes one line and exit code 2."""
    from infrastructure.db import Database
    from services.errors import ServiceError

    async def go() -> T:
        db = Database(get_settings().resolved_database_url)
        try:
            return await work(db)
        finally:
            await db.dispose()

    try:
        return asyncio.run(go())
    except ServiceError as exc:
        fail(exc.message)


@organisations_app.command("list")
def list_command(as_json: bool = typer.Option(False, "--json", help="print JSON instead of lines")) -> None:
    """Every organisation by region: kind, supervisor, state, teams with their active staff."""
    from services.organisations import list_organisations

    organisations = _run(list_organisations)
    if as_json:
        typer.echo(json.dumps(organisations, ensure_ascii=False, indent=2))
        return
    if not organisations:
        typer.echo("no organisations yet: labourflow organisations create --help")
    for org in organisations:
        state = "" if org["is_active"] else "  [deactivated]"
        head = org["supervisor"] or "-"
        if org["supervisor"] and not org["supervisor_ok"]:
            head += " (no longer valid)"
        typer.echo(f"{org['region']}  {org['code']}  {org['kind']} ({org['kind_zh']})  {org['name_zh']}  supervisor: {head}{state}")
        for team in org["teams"]:
            typer.echo(f"    team {team['code']}  {team['name_zh']}  staff: {team['staff']}")


@organisations_app.command("create")
def create(
    code: str = typer.Argument(..., help="2-64 lowercase letters, digits and '-', e.g. arb-pd-2"),
    kind: OrgKind = typer.Option(..., "--kind", help=f"one of: {KINDS}"),
    name_zh: str = typer.Option(..., "--name-zh", help="Chinese name, as documents print it"),
    name_en: str = typer.Option(..., "--name-en", help="English name"),
    region: str = typer.Option(..., "--region", help="region code (domain/data/regions.json), e.g. shanghai-pudong"),
    supervisor: str = typer.Option(None, "--supervisor", help="an administrator's username (staff come after the teams)"),
) -> None:
    """Create an organisation."""
    from services.organisations import create_organisation

    _run(lambda db: create_organisation(db, code=code, kind=kind, name_zh=name_zh, name_en=name_en, region=region,
                                        supervisor=supervisor, by=_actor()))
    typer.echo(f"created organisation '{code}' ({kind.value}) in {region}")


@organisations_app.command("update")
def update(
    code: str,
    name_zh: str = typer.Option(None, "--name-zh"),
    name_en: str = typer.Option(None, "--name-en"),
    region: str = typer.Option(None, "--region", help="its teams and staff move with it"),
    supervisor: str = typer.Option(None, "--supervisor", help="an active account of the organisation, or an administrator; '' for none"),
    active: bool = typer.Option(None, "--active/--inactive", help="reactivate, or deactivate (no new cases, no new staff)"),
) -> None:
    """Change an organisation's names, region, supervisor or state (its kind is fixed)."""
    from services.organisations import update_organisation

    org = _run(lambda db: update_organisation(db, code, by=_actor(), name_zh=name_zh, name_en=name_en, region=region,
                                              supervisor=supervisor, is_active=active))
    state = "active" if org.is_active else "deactivated"
    typer.echo(f"updated organisation '{code}': {org.region}, supervisor {org.supervisor or '-'}, {state}")


@organisations_app.command("add-team")
def add_team(
    organisation: str = typer.Argument(..., help="the organisation's code"),
    code: str = typer.Argument(..., help="the new team's code (2-64 lowercase letters, digits and '-')"),
    name_zh: str = typer.Option(..., "--name-zh"),
    name_en: str = typer.Option(..., "--name-en"),
) -> None:
    """Add a team to an organisation; staff join it with `labourflow users create --team`."""
    from services.organisations import create_team

    _run(lambda db: create_team(db, organisation_code=organisation, code=code, name_zh=name_zh, name_en=name_en, by=_actor()))
    typer.echo(f"added team '{code}' to organisation '{organisation}'")


@organisations_app.command("update-team")
def update_team_command(
    code: str,
    name_zh: str = typer.Option(None, "--name-zh"),
    name_en: str = typer.Option(None, "--name-en"),
    organisation: str = typer.Option(None, "--organisation", help="move it (with its staff) to another organisation of the same kind"),
) -> None:
    """Rename a team or move it to another organisation of the same kind."""
    from services.organisations import update_team

    team = _run(lambda db: update_team(db, code, by=_actor(), name_zh=name_zh, name_en=name_en, organisation_code=organisation))
    typer.echo(f"updated team '{code}': organisation {team.organisation_code}, region {team.region}")


@organisations_app.command("move-tasks")
def move_tasks() -> None:
    """Move the open tasks of running cases to the agency team of their region that holds that work
    (once, after setting up organisations for cases that were already running)."""
    from services.organisations import move_open_tasks_to_holders

    moved = _run(lambda db: move_open_tasks_to_holders(db, by=_actor()))
    typer.echo(f"moved {moved} open task{'s' if moved != 1 else ''} to the teams that hold them")

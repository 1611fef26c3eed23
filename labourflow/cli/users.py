"""Staff accounts: `labourflow users create|update|list|set-password`."""

from __future__ import annotations

import asyncio
import getpass

import typer

from domain.roles import Role
from infrastructure.settings import get_settings
from labourflow.cli.base import app, fail

users_app = typer.Typer(help="Manage staff accounts (every agency's staff and the administrators).", no_args_is_help=True)
app.add_typer(users_app, name="users")

ROLES = ", ".join(role.value for role in Role)


@users_app.command("create")
def create(
    username: str,
    role: Role = typer.Option(..., "--role", help=f"one of: {ROLES}"),
    display_name: str = typer.Option(None, "--name", help="name shown in the UI"),
    team: str = typer.Option(
        None, "--team", help="team code of any agency (labourflow organisations list); the role must fit its organisation's kind"
    ),
    region: str = typer.Option("default", "--region", help="defaults to the team's region"),
    password: str = typer.Option(None, "--password", help="prompted for when omitted"),
) -> None:
    """Create a staff account with a hashed password; its role must fit its team's organisation (a judge in a court...)."""
    from infrastructure.db import Database
    from services.accounts import create_user
    from services.errors import ServiceError

    secret = password or getpass.getpass("password: ")
    settings = get_settings()

    async def _go() -> None:
        db = Database(settings.resolved_database_url)
        try:
            await create_user(db, username=username, role=role, password=secret,
                              display_name=display_name or username, team_code=team, region=region)
        finally:
            await db.dispose()

    try:
        asyncio.run(_go())
    except ServiceError as exc:
        fail(exc.message)
    typer.echo(f"created {role.value} account '{username}'" + (f" in team '{team}'" if team else ""))


@users_app.command("set-password")
def set_password(username: str, password: str = typer.Option(None, "--password")) -> None:
    """Set a new password for a staff account and clear its lockout."""
    from infrastructure.db import Database
    from services.accounts import AccountError, set_user_password

    secret = password or getpass.getpass("new password: ")
    settings = get_settings()

    async def _go() -> None:
        db = Database(settings.resolved_database_url)
        try:
            await set_user_password(db, username, secret)
        finally:
            await db.dispose()

    try:
        asyncio.run(_go())
    except AccountError as exc:
        fail(str(exc))
    typer.echo(f"password of '{username}' changed")


@users_app.command("update")
def update(
    username: str,
    role: Role = typer.Option(None, "--role", help=f"a new role, one of: {ROLES}; it must fit the team's organisation"),
    team: str = typer.Option(None, "--team", help='a new team code ("" for none); the role must fit its organisation'),
    deactivate: bool = typer.Option(False, "--deactivate", help="refuse sign-in from now on (the account and its history stay)"),
    activate: bool = typer.Option(False, "--activate", help="allow sign-in again"),
    unlock: bool = typer.Option(False, "--unlock", help="lift a lockout after repeated wrong passwords"),
) -> None:
    """Change an account's role or team, deactivate or reactivate it, or lift its lockout (audited as the OS user)."""
    from labourflow.cli.organisations import _actor, _run
    from services.accounts import update_user

    if activate and deactivate:
        fail("--activate 与 --deactivate 只能选一个 / choose one of --activate and --deactivate")
    if role is None and team is None and not (activate or deactivate or unlock):
        fail("没有要修改的内容 / nothing to change: give --role, --team, --activate, --deactivate or --unlock")
    active = True if activate else False if deactivate else None
    _run(lambda db: update_user(db, username, by=_actor(), role=role, team_code=team, is_active=active, unlock=unlock))
    changes = [f"role {role.value}" if role else "", f"team '{team}'" if team is not None else "",
               "activated" if activate else "", "deactivated" if deactivate else "", "unlocked" if unlock else ""]
    typer.echo(f"updated '{username}': " + ", ".join(change for change in changes if change))


@users_app.command("list")
def list_command(organisation: str = typer.Option(None, "--organisation", help="only this organisation's staff")) -> None:
    """Every staff account: username, role, team, organisation, state."""
    from labourflow.cli.organisations import _run
    from services.accounts import all_users

    for user in _run(lambda db: all_users(db, organisation)):
        state = "active" if user.is_active else "deactivated"
        typer.echo(f"{user.username}\t{user.role.value}\t{user.team_code or '-'}\t{user.organisation_code or '-'}\t{state}"
                   + ("\tlocked" if user.locked else ""))

"""Staff accounts: `labourflow users create|set-password`."""

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

"""Staff accounts: `labourflow users create|set-password|list`."""

from __future__ import annotations

import asyncio
import getpass

import typer

from domain.roles import Role
from infrastructure.settings import get_settings
from labourflow.cli.base import app, fail

users_app = typer.Typer(help="Manage staff accounts (mediators, union legal staff, administrators).")
app.add_typer(users_app, name="users")


@users_app.command("create")
def create(
    username: str,
    role: Role = typer.Option(..., "--role", help="admin | mediator | supervisor | union_legal"),
    display_name: str = typer.Option(None, "--name", help="name shown in the UI"),
    team: str = typer.Option(None, "--team", help="team code (mediation centre, union...)"),
    region: str = typer.Option("default", "--region"),
    password: str = typer.Option(None, "--password", help="prompted for when omitted"),
) -> None:
    """Create a staff account with a hashed password."""
    from infrastructure.db import Database
    from services.accounts import AccountError, create_user

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
    except AccountError as exc:
        fail(str(exc))
    typer.echo(f"created {role.value} account '{username}'")


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

"""Agencies' own systems: `labourflow agency-systems list|register|rotate|revoke` (the admin page's
and the JSON API's twins, for a first start before anyone signs in). Secrets are printed once."""

from __future__ import annotations

import json

import typer

from domain.agency_systems import Scope
from infrastructure.settings import get_settings
from labourflow.cli.base import app
from labourflow.cli.organisations import _actor, _run

systems_app = typer.Typer(help="Register, rotate and revoke an organisation's own systems (OAuth2 client credentials).",
                          no_args_is_help=True)
app.add_typer(systems_app, name="agency-systems")
SCOPES = ", ".join(scope.value for scope in Scope)


@systems_app.command("list")
def list_command(organisation: str = typer.Argument(..., help="the organisation's code, e.g. arb-pd"),
                 as_json: bool = typer.Option(False, "--json", help="print JSON instead of lines")) -> None:
    """The organisation's systems: scopes, webhook, delivery state (never secrets)."""
    from services.agency_systems import list_systems

    systems = _run(lambda db: list_systems(db, organisation))
    if as_json:
        typer.echo(json.dumps([s.model_dump(mode="json") for s in systems], ensure_ascii=False, indent=2))
        return
    for s in systems:
        state = "active" if s.is_active else "revoked"
        hook = f"{s.webhook_url} delivered {s.delivered_seq}/{s.last_event_seq}, failures {s.failures}" if s.webhook_url else "feed only"
        typer.echo(f"{s.client_id}  {s.name}  [{state}]  scopes: {' '.join(s.scopes)}  webhook: {hook}")


@systems_app.command("register")
def register(
    organisation: str = typer.Argument(..., help="the organisation's code, e.g. arb-pd"),
    name: str = typer.Option(..., "--name", help="what the system is, e.g. the commission's case system"),
    scopes: list[Scope] = typer.Option(..., "--scope", help=f"repeat for each: {SCOPES}"),
    webhook_url: str = typer.Option(None, "--webhook-url", help="https URL to receive events at (none: the feed only)"),
) -> None:
    """Register a system; prints its client id and secret and its webhook signing secret, once."""
    from infrastructure.crypto import Keyring
    from services.agency_systems import register_system

    settings = get_settings()
    credentials = _run(lambda db: register_system(db, Keyring.from_settings(settings), organisation, name, scopes, webhook_url,
                                                  by=_actor(), production=settings.is_production))
    typer.echo(f"client_id      {credentials.client_id}\nclient_secret  {credentials.client_secret}\n"
               f"webhook_secret {credentials.webhook_secret}\n(shown once: keep them in the system's secret store)")


@systems_app.command("rotate")
def rotate(organisation: str = typer.Argument(...), client_id: str = typer.Argument(...)) -> None:
    """A new client secret (printed once); the old one and its tokens stop working."""
    from services.agency_systems import rotate_secret

    credentials = _run(lambda db: rotate_secret(db, organisation, client_id, by=_actor()))
    typer.echo(f"client_secret  {credentials.client_secret}\n(shown once)")


@systems_app.command("revoke")
def revoke(organisation: str = typer.Argument(...), client_id: str = typer.Argument(...)) -> None:
    """Revoke the system: its tokens are refused and its webhook gets nothing more."""
    from services.agency_systems import revoke_system

    _run(lambda db: revoke_system(db, organisation, client_id, by=_actor()))
    typer.echo(f"{client_id} revoked")

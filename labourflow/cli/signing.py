"""Signing certificates of the development CA: `labourflow signing list|prepare|rotate|revoke`.

Production keys are PKCS#12 files or PKCS#11 tokens named by LABOURFLOW_SIGNING_KEYS; rotate them
by installing the new file or token object and changing the setting.
"""

from __future__ import annotations

import asyncio

import typer

from infrastructure.settings import Settings, SettingsError, get_settings
from labourflow.cli.base import app, fail

signing_app = typer.Typer(help="The organisations' signing certificates (development CA): list, prepare, rotate, revoke.",
                          no_args_is_help=True)
app.add_typer(signing_app, name="signing")


def _settings() -> Settings:
    try:
        return get_settings()
    except SettingsError as exc:
        fail(str(exc), code=2)


def _line(cert: object) -> str:
    from infrastructure.signing.ca import OrgCertificate

    assert isinstance(cert, OrgCertificate)
    state = f"revoked {cert.revoked_at:%Y-%m-%d} ({cert.revocation_reason})" if cert.revoked_at else "valid"
    return f"{cert.org_code:24} {cert.serial:x}  {cert.not_after:%Y-%m-%d}  {state:32} {cert.org_name}"


@signing_app.command("list")
def list_certificates(org_code: str = typer.Argument(None, help="only this organisation's")) -> None:
    """Every TEST certificate the development CA issued: organisation, serial (hex), valid until, state."""
    from services.errors import ServiceError
    from services.signing_keys import certificates

    try:
        for cert in certificates(_settings(), org_code):
            typer.echo(_line(cert))
    except ServiceError as exc:
        fail(exc.message, code=2)


@signing_app.command("prepare")
def prepare() -> None:
    """A current TEST certificate for the platform and every active organisation (`labourflow run` does this)."""
    from infrastructure.db import Database
    from services.errors import ServiceError
    from services.signing_keys import prepare_dev_signing

    settings = _settings()

    async def go() -> list[object]:
        db = Database(settings.resolved_database_url)
        try:
            return list(await prepare_dev_signing(db, settings))
        finally:
            await db.dispose()

    try:
        for cert in asyncio.run(go()):
            typer.echo(_line(cert))
    except ServiceError as exc:
        fail(exc.message, code=2)


@signing_app.command("rotate")
def rotate(
    org_code: str,
    revoke_old: bool = typer.Option(False, "--revoke-old", help="revoke the replaced certificate (its key may be compromised)"),
) -> None:
    """Give an organisation a new certificate; new documents are signed with it at once."""
    from services.errors import ServiceError
    from services.signing_keys import rotate as rotate_certificate

    try:
        typer.echo(_line(rotate_certificate(_settings(), org_code, revoke_old=revoke_old)))
    except ServiceError as exc:
        fail(exc.message, code=2)


@signing_app.command("revoke")
def revoke(serial: str = typer.Argument(..., help="the certificate's serial number in hex, as `list` shows it")) -> None:
    """Revoke a certificate and republish the CRL: documents it signed then verify as revoked."""
    from services.errors import ServiceError
    from services.signing_keys import revoke as revoke_certificate

    try:
        typer.echo(_line(revoke_certificate(_settings(), int(serial, 16))))
    except ValueError:
        fail(f"not a hexadecimal serial number: {serial}", code=2)
    except ServiceError as exc:
        fail(exc.message, code=2)

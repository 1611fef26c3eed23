"""`labourflow audit verify`: check the hash chain of the staff audit trail."""

from __future__ import annotations

import asyncio

import typer

from infrastructure.settings import get_settings
from labourflow.cli.base import app

audit_app = typer.Typer(help="The append-only, hash-chained audit trail of staff actions.")
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def verify() -> None:
    """Recompute the chain; exit 0 when intact, 1 naming the first entry that was tampered with."""
    from infrastructure.audit import verify as check
    from infrastructure.db import Database

    async def run() -> object:
        db = Database(get_settings().resolved_database_url)
        try:
            return await check(db)
        finally:
            await db.dispose()

    result = asyncio.run(run())
    if result.intact:  # type: ignore[attr-defined]
        typer.echo(f"audit trail intact: {result.entries} entries")  # type: ignore[attr-defined]
        return
    typer.echo(f"audit trail BROKEN at entry {result.broken_at}: {result.reason}", err=True)  # type: ignore[attr-defined]
    raise typer.Exit(1)

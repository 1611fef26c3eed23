"""`labourflow audit verify`: check the hash chain of the staff audit trail."""

from __future__ import annotations

import asyncio

import typer

from labourflow.cli.base import app
from labourflow.settings import get_settings

audit_app = typer.Typer(help="The append-only, hash-chained audit trail of staff actions.")
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def verify() -> None:
    """Recompute the chain; exit 0 when intact, 1 naming the first entry that was tampered with."""
    from labourflow.audit import verify as check
    from labourflow.db import Database

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

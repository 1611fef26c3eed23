"""`labourflow monitoring rebuild`: recompute the monitoring aggregates from the projections (after
the upgrade that adds them, or to check them: the projections keep them up to date otherwise)."""

from __future__ import annotations

import asyncio

import typer

from infrastructure.settings import get_settings
from labourflow.cli.base import app

monitoring_app = typer.Typer(help="The monitoring aggregates behind /monitoring.")
app.add_typer(monitoring_app, name="monitoring")


@monitoring_app.command("rebuild")
def rebuild() -> None:
    """Recompute every case's monitoring figures and every cell, in one transaction."""
    from infrastructure.db import Database
    from infrastructure.monitoring_cells import rebuild as rebuild_all

    async def run() -> int:
        db = Database(get_settings().resolved_database_url)
        try:
            async with db.write_session() as session:
                cases = await rebuild_all(session)
                await session.commit()
            return cases
        finally:
            await db.dispose()

    typer.echo(f"monitoring aggregates rebuilt from {asyncio.run(run())} cases")

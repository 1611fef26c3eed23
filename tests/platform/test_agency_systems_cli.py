"""`labourflow agency-systems ...` against a temporary SQLite database with the demo agencies: the
secrets printed once and working, the listing without them, rotation and revocation, refusals as one
line with exit code 2."""

from __future__ import annotations

import asyncio
import re

from typer.testing import CliRunner

from infrastructure.db import Database
from labourflow.cli.base import app
from services.agency_systems import authenticate_system
from tests.platform.test_organisations_cli import database  # noqa: F401 (the fixture)


def _authenticates(url: str, client_id: str, secret: str) -> bool:
    async def check() -> bool:
        db = Database(url)
        try:
            return await authenticate_system(db, client_id, secret) is not None
        finally:
            await db.dispose()

    return asyncio.run(check())


def test_register_list_rotate_revoke_from_the_command_line(database: str) -> None:  # noqa: F811
    runner = CliRunner()
    registered = runner.invoke(app, ["agency-systems", "register", "arb-pd", "--name", "仲裁委办案系统", "--scope", "events:read",
                                     "--scope", "decisions:write", "--webhook-url", "https://cms.example.cn/hook"])
    assert registered.exit_code == 0, registered.output
    client_id = re.search(r"client_id\s+(lfa_\w+)", registered.output).group(1)  # type: ignore[union-attr]
    secret = re.search(r"client_secret\s+(\S+)", registered.output).group(1)  # type: ignore[union-attr]
    assert re.search(r"webhook_secret whsec_\S+", registered.output) and _authenticates(database, client_id, secret)

    listed = runner.invoke(app, ["agency-systems", "list", "arb-pd"])
    assert client_id in listed.output and "decisions:write events:read" in listed.output and secret not in listed.output

    rotated = runner.invoke(app, ["agency-systems", "rotate", "arb-pd", client_id])
    fresh = re.search(r"client_secret\s+(\S+)", rotated.output).group(1)  # type: ignore[union-attr]
    assert not _authenticates(database, client_id, secret) and _authenticates(database, client_id, fresh)
    elsewhere = runner.invoke(app, ["agency-systems", "revoke", "court-pd", client_id])
    assert elsewhere.exit_code == 2 and "not found" in elsewhere.output
    assert runner.invoke(app, ["agency-systems", "revoke", "arb-pd", client_id]).exit_code == 0
    assert not _authenticates(database, client_id, fresh) and "[revoked]" in runner.invoke(app, ["agency-systems", "list", "arb-pd"]).output
    refused = runner.invoke(app, ["agency-systems", "register", "arb-pd", "--name", "x", "--scope", "events:read",
                                  "--webhook-url", "ftp://x"])
    assert refused.exit_code == 2 and "webhook URL must be an absolute" in refused.output

"""A dispatcher in its own process, for the outbox tests: `python -m
tests.replicas.outbox_dispatcher OUT_FILE START_AT [hang]`, settings from LABOURFLOW_* variables.

It waits until START_AT (epoch seconds) so both processes begin together, dispatches until the
outbox has nothing left for it, and writes one line per message it sent: the notification id.
With `hang` its gateway never answers (the test kills the process while it holds its claims)."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

from infrastructure.crypto import Keyring
from infrastructure.db import Database
from infrastructure.notifier import OutboundMessage, dispatch_once
from infrastructure.settings import Settings


class FileSender:
    """Counts by writing: one line per message, flushed at once (a second send shows twice)."""

    def __init__(self, path: Path, hang: bool) -> None:
        self._out = path.open("a", buffering=1)
        self._hang = hang

    async def send(self, message: OutboundMessage) -> None:
        await asyncio.sleep(0.002)  # a gateway's round trip, so the two processes interleave
        self._out.write(f"{message.notification_id}\n")
        if self._hang:
            await asyncio.sleep(3600)


async def main(out: Path, start_at: float, hang: bool) -> None:
    settings = Settings()
    db = Database(settings.resolved_database_url)
    keyring = Keyring.from_settings(settings)
    sender = FileSender(out, hang)
    await asyncio.sleep(max(0.0, start_at - time.time()))
    try:
        while await dispatch_once(db, keyring, sender, batch=5, lease=settings.outbox_lease_seconds) > 0:
            pass
    finally:
        await db.dispose()


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), float(sys.argv[2]), sys.argv[3:] == ["hang"]))

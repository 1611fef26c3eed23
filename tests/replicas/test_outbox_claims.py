"""Several workflow worker replicas each run an outbox dispatcher: every message is sent once.

Rows are claimed before they are sent (FOR UPDATE SKIP LOCKED on PostgreSQL, one UPDATE ...
RETURNING under SQLite's write lock); a claim whose dispatcher died is taken over after its lease."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlmodel import select

from infrastructure.crypto import Keyring
from infrastructure.db import Database
from infrastructure.notifier import OutboundMessage, claim, dispatch_once
from infrastructure.settings import Settings
from infrastructure.tables import Notification
from tests.conftest import make_settings
from tests.replicas.servers import process_env

MESSAGES = 100


class CountingSender:
    """Remembers every message it was handed; a short await stands for the gateway's round trip."""

    def __init__(self) -> None:
        self.sent: list[int] = []

    async def send(self, message: OutboundMessage) -> None:
        await asyncio.sleep(0.001)
        self.sent.append(message.notification_id)


async def queue_messages(db: Database, keyring: Keyring, count: int = MESSAGES) -> None:
    async with db.session() as session:
        for number in range(count):
            session.add(Notification(
                dedupe_key=f"case:LD-2026-{number:06d}|opened|w", subject=f"case:LD-2026-{number:06d}", channel="sms",
                recipient_kind="worker", recipient_enc=keyring.encrypt_text(f"138{number:08d}"), template="case_update",
                body_zh=f"案件更新 {number}", body_en=f"update {number}",
            ))
        await session.commit()


async def statuses(db: Database) -> Counter[str]:
    async with db.session() as session:
        return Counter((await session.exec(select(Notification.status))).all())


async def drain(db: Database, keyring: Keyring, sender: CountingSender) -> None:
    while await dispatch_once(db, keyring, sender, batch=5) > 0:
        pass


async def test_two_dispatchers_send_each_message_once(db: Database, settings: Settings) -> None:
    keyring = Keyring.from_settings(settings)
    await queue_messages(db, keyring)
    other_replica = Database(db.url)  # its own engine and pool, as another process would have
    first, second = CountingSender(), CountingSender()
    try:
        await asyncio.gather(drain(db, keyring, first), drain(other_replica, keyring, second))
    finally:
        await other_replica.dispose()
    every = Counter(first.sent + second.sent)
    assert len(every) == MESSAGES and max(every.values()) == 1, [n for n, times in every.items() if times > 1]
    assert first.sent and second.sent  # both took part: the claims, not the turn-taking, kept them apart
    assert await statuses(db) == {"sent": MESSAGES}


async def test_a_dead_dispatchers_claims_are_taken_over_after_its_lease(db: Database, settings: Settings) -> None:
    keyring = Keyring.from_settings(settings)
    await queue_messages(db, keyring, 10)
    held = await claim(db, "killed-dispatcher", batch=4, lease=0.5)  # claimed, then the process died
    assert len(held) == 4 and await statuses(db) == {"sending": 4, "pending": 6}
    sender = CountingSender()
    assert await dispatch_once(db, keyring, sender, lease=0.5) == 6  # the others' claims are left alone
    assert not set(sender.sent) & {row.id for row in held}
    await asyncio.sleep(0.6)
    assert await dispatch_once(db, keyring, sender, lease=0.5) == 4  # the lease ran out: taken over
    assert len(sender.sent) == len(set(sender.sent)) == 10
    async with db.session() as session:
        retaken = (await session.exec(select(Notification).where(Notification.id == held[0].id))).one()
    assert retaken.status == "sent" and retaken.attempts == 2 and retaken.claimed_by is None


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_two_dispatcher_processes_send_each_message_once(database_url: str, db: Database, tmp_path: Path) -> None:
    settings = make_settings(tmp_path, database_url=database_url)
    keyring = Keyring.from_settings(settings)
    await queue_messages(db, keyring)
    env = {**os.environ, "LABOURFLOW_DATABASE_URL": database_url, "LABOURFLOW_ENV": "test",
           "LABOURFLOW_ENCRYPTION_KEYS": ",".join(f"{kid}:{key}" for kid, key in settings.encryption_keys.items()),
           "LABOURFLOW_ENCRYPTION_KEY_ID": settings.encryption_key_id, "LABOURFLOW_LOOKUP_HASH_KEY": settings.lookup_hash_key,
           "LABOURFLOW_SESSION_SECRET": settings.session_secret, "LABOURFLOW_DATA_DIR": str(tmp_path)}
    start_at = time.time() + 4  # both processes import and connect first, then start together
    outputs = [tmp_path / f"sent-{n}.txt" for n in (1, 2)]
    processes = [await asyncio.create_subprocess_exec(sys.executable, "-m", "tests.replicas.outbox_dispatcher", str(out), str(start_at),
                                                      env=env) for out in outputs]
    for process in processes:
        assert await asyncio.wait_for(process.wait(), 60) == 0
    sent = [[int(line) for line in out.read_text().split()] for out in outputs]
    every = Counter(sent[0] + sent[1])
    assert len(every) == MESSAGES and max(every.values()) == 1
    assert sent[0] and sent[1]
    assert await statuses(db) == {"sent": MESSAGES}


async def test_a_message_whose_dispatchers_keep_dying_is_given_up(db: Database, settings: Settings) -> None:
    """Each claim counts as an attempt: after 10 claims that never came back the row is failed, not retried forever."""
    from infrastructure.notifier import MAX_ATTEMPTS

    keyring = Keyring.from_settings(settings)
    await queue_messages(db, keyring, 1)
    for round_ in range(MAX_ATTEMPTS):
        assert len(await claim(db, f"dispatcher-{round_}", lease=0.01)) == 1
        await asyncio.sleep(0.02)
    assert await claim(db, "another", lease=0.01) == []
    assert await statuses(db) == {"failed": 1}


async def test_the_claims_of_a_killed_dispatcher_process_are_sent_after_its_lease(cluster_database_url: str, tmp_path: Path) -> None:
    """A dispatcher process claims 5 rows, its gateway hangs, it is killed (SIGKILL): its rows wait
    `sending` until the lease ends, then another dispatcher sends them; nothing is lost."""
    lease = 5
    settings = make_settings(tmp_path, database_url=cluster_database_url)
    keyring = Keyring.from_settings(settings)
    db = Database(cluster_database_url)
    try:
        await queue_messages(db, keyring, 8)
        env = process_env(settings, outbox_lease_seconds=str(lease))
        out = tmp_path / "killed.txt"
        process = await asyncio.create_subprocess_exec(sys.executable, "-m", "tests.replicas.outbox_dispatcher", str(out), "0", "hang",
                                                       env=env)
        deadline = time.monotonic() + 60
        while not (out.exists() and out.read_text()) and time.monotonic() < deadline:  # noqa: ASYNC110 (a file, not an event)
            await asyncio.sleep(0.1)
        process.kill()
        await process.wait()
        killed_at = time.monotonic()
        assert await statuses(db) == {"sending": 5, "pending": 3}
        sender = CountingSender()
        assert await dispatch_once(db, keyring, sender) == 3  # the dead one's claims are not taken yet
        await asyncio.sleep(lease + 0.2 - (time.monotonic() - killed_at))
        assert await dispatch_once(db, keyring, sender) == 5
        assert len(sender.sent) == len(set(sender.sent)) == 8 and await statuses(db) == {"sent": 8}
    finally:
        await db.dispose()

"""The outbox dispatcher sends each pending message once, retries failures, gives up after 10."""

from __future__ import annotations

import pytest
from sqlmodel import select

from infrastructure.crypto import Keyring
from infrastructure.db import Database
from infrastructure.notifier import MAX_ATTEMPTS, OutboundMessage, dispatch_once
from infrastructure.settings import Settings
from infrastructure.tables import Notification


class Recorder:
    def __init__(self, fail: bool = False) -> None:
        self.sent: list[tuple[str, str]] = []
        self.fail = fail

    async def send(self, message: OutboundMessage) -> None:
        if self.fail:
            raise ConnectionError("gateway down")
        self.sent.append((message.address, message.body_zh))


@pytest.fixture
async def outbox(sqlite_db: Database, settings: Settings) -> tuple[Database, Keyring]:
    keyring = Keyring.from_settings(settings)
    async with sqlite_db.session() as session:
        session.add(
            Notification(
                dedupe_key="case:x|e1|w",
                subject="case:x",
                channel="sms",
                recipient_kind="worker",
                recipient_enc=keyring.encrypt_text("13812345678"),
                template="case_update",
                body_zh="案件更新",
                body_en="update",
            )
        )
        await session.commit()
    return sqlite_db, keyring


async def test_sends_once(outbox: tuple[Database, Keyring]) -> None:
    db, keyring = outbox
    sender = Recorder()
    assert await dispatch_once(db, keyring, sender) == 1
    assert await dispatch_once(db, keyring, sender) == 0
    assert sender.sent == [("13812345678", "案件更新")]


async def test_failures_are_retried_then_given_up(outbox: tuple[Database, Keyring]) -> None:
    db, keyring = outbox
    for _ in range(MAX_ATTEMPTS):
        assert await dispatch_once(db, keyring, Recorder(fail=True)) == 0
    async with db.session() as session:
        row = (await session.exec(select(Notification))).one()
    assert row.status == "failed" and row.attempts == MAX_ATTEMPTS
    assert await dispatch_once(db, keyring, Recorder()) == 0

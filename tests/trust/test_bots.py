"""The public intake form refuses robots: a filled honeypot field, or a form sent back sooner than a
person could fill it in (3 seconds by default), creates no case."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import func
from sqlmodel import select

from api.app import create_app
from infrastructure.db import Database, migrate_async
from infrastructure.tables import Case
from services.accounts import seed_demo
from tests.conftest import make_settings
from tests.support import free_port
from tests.ui.conftest import csrf
from tests.ui.test_pages import form_started, form_token, intake_form


async def test_honeypot_and_minimum_fill_time(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, temporal_address=f"127.0.0.1:{free_port()}", intake_min_fill_seconds=3)
    await migrate_async(settings.resolved_database_url)
    db = Database(settings.resolved_database_url)
    await seed_demo(db, "demo-password-123")
    app = create_app(settings, db=db, start_pending=False)
    stamp = URLSafeTimedSerializer(settings.session_secret, salt="form-started")

    async def cases() -> int:
        async with db.session() as session:
            return int((await session.exec(select(func.count()).select_from(Case))).one())

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as worker:
        page = await worker.get("/")
        form = intake_form(form_token(page.text), await csrf(worker, "/"))
        too_fast = await worker.post("/", data=form | {"form_started": form_started(page.text)})
        assert too_fast.status_code == 422 and "提交过快" in too_fast.text
        honeypot = await worker.post("/", data=form | {"form_started": stamp.dumps(time.time() - 60), "website": "http://spam"})
        forged = await worker.post("/", data=form | {"form_started": "not-signed"})
        assert honeypot.status_code == forged.status_code == 422
        assert await cases() == 0
        person = await worker.post("/", data=form | {"form_started": stamp.dumps(time.time() - 60)})
        assert person.status_code in (302, 303) and await cases() == 1
    await db.dispose()

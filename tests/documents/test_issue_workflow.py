"""From the running product: an administrator asks for a case summary report; the issue-document
workflow runs the render-document activity on a real worker (time-skipping test server, production
converter and sandbox), and the stored PDF comes back through the API."""

from __future__ import annotations

from pathlib import Path

import httpx
from temporalio.client import Client

from activities.deps import ActivityDeps
from api.app import create_app
from domain.roles import Role
from infrastructure.crypto import Keyring
from infrastructure.db import Database, migrate_async
from infrastructure.temporal_gateway import TemporalGateway
from labourflow.worker import build_worker
from services.accounts import create_user
from tests.conftest import make_settings
from tests.documents.support import LI_CASE_NO, insert_li_case, pdf_text

PASSWORD = "s3cret-pass!"


async def test_admin_gets_a_case_summary_report(
    tmp_path: Path, client: Client, task_queue: str
) -> None:
    settings = make_settings(tmp_path, task_queue=task_queue)
    await migrate_async(settings.resolved_database_url)
    db = Database(settings.resolved_database_url)
    keyring = Keyring.from_settings(settings)
    await insert_li_case(db, keyring, team_code=None)
    await create_user(
        db, username="admin", role=Role.admin, password=PASSWORD, display_name="管理员"
    )
    await create_user(
        db, username="m1", role=Role.mediator, password=PASSWORD, display_name="调解员"
    )
    app = create_app(settings, db=db, temporal=TemporalGateway(settings, client))
    deps = ActivityDeps(settings=settings, db=db, keyring=keyring)
    try:
        async with (
            build_worker(client, deps, task_queue=task_queue),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http,
        ):
            tokens = {}
            for user in ("admin", "m1"):
                answer = await http.post(
                    "/api/v1/auth/token", data={"username": user, "password": PASSWORD}
                )
                tokens[user] = {"Authorization": f"Bearer {answer.json()['access_token']}"}
            url = f"/api/v1/cases/{LI_CASE_NO}/summary-report"
            first = await http.post(url, headers=tokens["admin"])
            assert first.status_code == 200, first.text
            again = await http.post(url, headers=tokens["admin"])
            assert (
                again.json()["document_id"] == first.json()["document_id"]
            )  # once per case and day
            pdf = await http.get(first.json()["pdf_url"], headers=tokens["admin"])
            assert "案件情况报告" in pdf_text(pdf.content) and "李建国" in pdf_text(pdf.content)
            assert (await http.post(url, headers=tokens["m1"])).status_code == 403
            assert (
                await http.post(
                    "/api/v1/cases/LD-2026-999999/summary-report", headers=tokens["admin"]
                )
            ).status_code == 404
    finally:
        await db.dispose()

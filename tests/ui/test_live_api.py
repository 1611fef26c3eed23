"""The JSON API on the real product (Temporal dev server, worker): intake with Idempotency-Key,
the worker's access code, the staff inbox and task schemas, actions as Workflow Updates with their
refusals, evidence upload, the road ahead, and the readable Temporal history."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from tests.browser.product import DEMO_PASSWORD, Product, running_product
from tests.ui.conftest import recent_wage_arrears

pytestmark = [pytest.mark.devserver, pytest.mark.slow]


@pytest.fixture(scope="module")
async def product(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Product]:
    async with running_product(tmp_path_factory.mktemp("api")) as running:
        yield running


async def token(http: httpx.AsyncClient, username: str) -> dict[str, str]:
    answer = await http.post(
        "/api/v1/auth/token", data={"username": username, "password": DEMO_PASSWORD}
    )
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


async def eventually(http: httpx.AsyncClient, url: str, headers: dict[str, str], ready: Any) -> Any:
    for _ in range(60):
        body = (await http.get(url, headers=headers)).json()
        if ready(body):
            return body
        await asyncio.sleep(0.25)
    raise AssertionError(f"{url} never got ready: {body}")


async def test_the_api_does_what_the_pages_do(product: Product) -> None:
    async with httpx.AsyncClient(base_url=product.base_url, timeout=30) as http:
        body = recent_wage_arrears()
        filed = await http.post(
            "/api/v1/cases", json=body, headers={"Idempotency-Key": "agency-42"}
        )
        replay = await http.post(
            "/api/v1/cases", json=body, headers={"Idempotency-Key": "agency-42"}
        )
        assert filed.status_code == 201 and replay.status_code == 200
        case_no, code = filed.json()["case_no"], filed.json()["access_code"]
        assert replay.json()["case_no"] == case_no and replay.json()["access_code"] == code
        other = await http.post(
            "/api/v1/cases",
            json=body | {"description": "另一份申请，同一个键。不能混用。"},
            headers={"Idempotency-Key": "agency-42"},
        )
        assert other.status_code == 409
        worker = {"X-Access-Code": code}
        unknown = await http.get("/api/v1/cases/LD-2026-999999", headers=worker)
        wrong = await http.get(
            f"/api/v1/cases/{case_no}", headers={"X-Access-Code": "AAAA-BBBB-CCCC"}
        )
        assert unknown.status_code == wrong.status_code == 404
        assert {**unknown.json(), "instance": ""} == {**wrong.json(), "instance": ""}

        mediator = await token(http, "mediator")
        inbox = await eventually(
            http,
            "/api/v1/tasks",
            mediator,
            lambda b: any(r["case_no"] == case_no for r in b["items"]),
        )
        task_id = next(r["task_id"] for r in inbox["items"] if r["case_no"] == case_no)
        path = "/api/v1/tasks/" + quote(task_id, safe="")
        task = (await http.get(path, headers=mediator)).json()
        assert (
            task["deadline"]["rule"] == "D03" and task["deadline"]["explanation"]["explanation_zh"]
        )
        assert task["action_schemas"]["record_failure"]["required"] == ["ended_on", "reason"]
        future = (date.today() + timedelta(days=2)).isoformat()
        refused = await http.post(
            path + "/actions",
            headers=mediator,
            json={"action": "record_failure", "payload": {"ended_on": future, "reason": "x"}},
        )
        assert refused.status_code == 409 and "日期不能晚于今天" in refused.json()["detail"]
        held = await http.post(
            path + "/actions",
            headers=mediator,
            json={
                "action": "record_session",
                "payload": {
                    "held_on": date.today().isoformat(),
                    "attendees": "李建国",
                    "summary": "用人单位未到场",
                },
            },
        )
        assert held.status_code == 200 and held.json()["document_ids"]
        stranger = await token(http, "mediator-hz")
        assert (await http.get(path, headers=stranger)).status_code == 404

        pdf = b"%PDF-1.7\n%%EOF"
        added = await http.post(
            f"/api/v1/cases/{case_no}/evidence",
            headers=worker,
            files={"file": ("slip.pdf", pdf, "application/pdf")},
            data={"description": "工资条"},
        )
        assert added.status_code == 201 and added.json()["result"]["document_ids"]
        bad = await http.post(
            f"/api/v1/cases/{case_no}/evidence",
            headers=worker,
            files={"file": ("slip.pdf", b"not a pdf", "application/pdf")},
        )
        assert bad.status_code == 415
        road = (await http.get(f"/api/v1/cases/{case_no}/road", headers=worker)).json()
        assert [s["key"] for s in road["steps"]][:3] == [
            "limitation",
            "mediation",
            "arbitration_application",
        ]

        admin = await token(http, "admin")
        history = (await http.get(f"/api/v1/cases/{case_no}/history", headers=admin)).json()
        types = [h["workflow_type"] for h in history]
        assert types[:2] == ["dispute", "mediation"]
        lines = " ".join(line["en"] for h in history for line in h["lines"])
        assert "record_session by mediator" in lines and "add_evidence" in lines
        assert code.replace("-", "") not in str(history) and code not in str(
            history
        )  # the access code stays hidden
        assert (
            await http.get(f"/api/v1/cases/{case_no}/history", headers=mediator)
        ).status_code == 403
        schema = (await http.get("/openapi.json")).json()["paths"]
        for wanted in (
            "/api/v1/cases",
            "/api/v1/tasks",
            "/api/v1/dashboard",
            "/api/v1/users",
            "/api/v1/outbox",
            "/api/v1/intake/guidance",
            "/api/v1/cases/{case_no}/history",
            "/api/v1/cases/{case_no}/evidence",
        ):
            assert wanted in schema, wanted

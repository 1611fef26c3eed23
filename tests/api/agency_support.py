"""What the agency-system tests share: registering a system as the administrator, its token, and a
real referral to the Pudong arbitration commission (the union mediator records that mediation
failed, the worker chooses arbitration, the referral task reaches the commission)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from domain.china_time import china_today
from tests.api.conftest import Api
from tests.stories import wage_arrears

COMMISSION = "arb-pd"  # the Pudong commission's organisation (team arb-pd-1)


async def register(api: Api, organisation: str = COMMISSION, scopes: tuple[str, ...] = ("referrals:write", "decisions:write",
                   "events:read", "tasks:read", "documents:write"), webhook_url: str | None = None) -> dict[str, Any]:
    """Register a system as the administrator; the credentials answer (secrets shown once)."""
    admin = await api.token("admin")
    body: dict[str, Any] = {"name": f"{organisation} case system", "scopes": list(scopes), "webhook_url": webhook_url}
    answer = await api.http.post(f"/api/v1/organisations/{organisation}/systems", headers=admin, json=body)
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


async def system_headers(api: Api, credentials: dict[str, Any], scope: str = "") -> dict[str, str]:
    """Client credentials for a bearer token, as an OAuth2 client sends them."""
    form = {"grant_type": "client_credentials", "client_id": credentials["client_id"],
            "client_secret": credentials["client_secret"], "scope": scope}
    answer = await api.http.post("/api/v1/auth/agency-token", data=form)
    assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store", answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


async def wait_task(api: Api, headers: dict[str, str], case_no: str, kind: str) -> dict[str, Any]:
    """The open task of `kind` on the case, as `headers` see the task list (within 15 seconds)."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        page = (await api.http.get("/api/v1/tasks", params={"per_page": 200}, headers=headers)).json()
        found = [t for t in page["items"] if t["case_no"] == case_no and t["kind"] == kind]
        if found:
            return dict(found[0])
        await asyncio.sleep(0.1)
    raise AssertionError(f"{kind} of {case_no} did not appear within 15 seconds")


async def referral_to_commission(api: Api) -> str:
    """A case whose union mediation failed and whose worker chose arbitration: the referral to the
    commission is open. Returns the case number."""
    filed = (await api.http.post("/api/v1/cases", json=wage_arrears())).json()
    case_no, worker = filed["case_no"], {"X-Access-Code": filed["access_code"]}
    mediator = await api.token("mediator")
    mediate = await wait_task(api, mediator, case_no, "mediate")
    failed = await api.http.post(f"/api/v1/tasks/{mediate['task_id']}/actions", headers=mediator, json={
        "action": "record_failure", "payload": {"ended_on": china_today().isoformat(), "reason": "用人单位拒不到场"}})
    assert failed.status_code == 200, failed.text
    deadline = time.monotonic() + 15
    while True:
        chose = await api.http.post(f"/api/v1/cases/{case_no}/actions", headers=worker,
                                    json={"action": "choose_arbitration", "payload": {}})
        if chose.status_code == 200:
            return case_no
        assert time.monotonic() < deadline, chose.text
        await asyncio.sleep(0.1)

"""Each agency works from its own inbox through the JSON API: a case that chooses arbitration puts
its acceptance decision (D13, LDMAL Art. 29) in the commission clerk's `/api/v1/tasks`, not in the
union mediator's, and only the commission's staff can open or act on it."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from domain.china_time import china_today
from tests.api.conftest import Api
from tests.stories import wage_arrears


async def _tasks(api: Api, headers: dict[str, str]) -> list[dict[str, Any]]:
    inbox = (await api.http.get("/api/v1/tasks", params={"scope": "all", "per_page": 200}, headers=headers)).json()
    return list(inbox["items"])


async def _appears(api: Api, headers: dict[str, str], case_no: str, kind: str) -> dict[str, Any]:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        found = [t for t in await _tasks(api, headers) if t["case_no"] == case_no and t["kind"] == kind]
        if found:
            return found[0]
        await asyncio.sleep(0.1)
    raise AssertionError(f"{kind} of {case_no} did not reach the inbox within 10 seconds")


async def test_the_acceptance_task_reaches_the_commission_clerk_and_not_the_mediator(api: Api) -> None:
    clerk, mediator = await api.token("arb-clerk"), await api.token("mediator")
    filed = await api.http.post("/api/v1/cases", json=wage_arrears(preferred_channel="arbitration"))
    assert filed.status_code == 201, filed.text
    case_no = filed.json()["case_no"]
    started = time.monotonic()
    task = await _appears(api, clerk, case_no, "record_arbitration_acceptance")
    assert time.monotonic() - started < 10
    assert task["team_code"] == "arb-pd-1" and task["assignee"] in {"arb-clerk", "arb-clerk2"}
    assert not [t for t in await _tasks(api, mediator) if t["case_no"] == case_no], "the union mediator does not see it"
    path = f"/api/v1/tasks/{task['task_id']}"
    assert (await api.http.get(path, headers=mediator)).status_code == 404
    acceptance = {"action": "record_acceptance", "payload": {"decided_on": china_today().isoformat(), "granted": True}}
    refused = await api.http.post(f"{path}/actions", headers=mediator, json=acceptance)
    assert refused.status_code == 404, refused.text
    other_commission = await api.token("arb-clerk-hz")
    assert (await api.http.get(path, headers=other_commission)).status_code == 404, "another region's commission: 404"
    detail = (await api.http.get(path, headers=clerk)).json()
    assert set(detail["action_schemas"]) == {"record_acceptance"}
    accepted = await api.http.post(f"{path}/actions", headers=clerk, json=acceptance)
    assert accepted.status_code == 200, accepted.text
    award = await _appears(api, await api.token("arbitrator"), case_no, "record_award")
    assert award["team_code"] == "arb-pd-1" and award["assignee"] == "arbitrator"

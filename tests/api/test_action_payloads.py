"""A task action's payload is checked against its model before the workflow is asked: a wrong one is
answered 422 with each wrong field and how to fix it (as the pages do), not a 409 from the workflow
that names no field: a staff task's action, a worker's action on their case (and a union matter's,
tests/supervision/test_api.py)."""

from __future__ import annotations

from domain.china_time import china_today
from tests.api.conftest import Api
from tests.api.test_cases_api import _open_task
from tests.stories import wage_arrears


async def test_a_wrong_order_to_pay_is_answered_field_by_field(api: Api) -> None:
    filed = (await api.http.post("/api/v1/cases", json=wage_arrears(preferred_channel="inspection"))).json()
    staff = await api.token("inspector")
    task = await _open_task(api, filed["case_no"], "record_inspection_acceptance", staff)
    url = f"/api/v1/tasks/{task['task_id']}/actions"

    typo = await api.http.post(url, headers=staff, json={"action": "record_acceptance", "payload": {"decided_on": "yesterday"}})
    assert typo.status_code == 422 and typo.headers["content-type"].startswith("application/problem+json")
    fields = {error["field"] for error in typo.json()["errors"]}
    assert fields == {"payload.decided_on", "payload.granted"}, typo.json()
    assert all(error["fix"] for error in typo.json()["errors"])

    accepted = await api.http.post(url, headers=staff, json={"action": "record_acceptance",
                                                             "payload": {"decided_on": _today(), "granted": True}})
    assert accepted.status_code == 200, accepted.text
    task = await _open_task(api, filed["case_no"], "record_inspection_result", staff)
    order = {"ordered_on": _today(), "pay_by": _today(), "amount": "27000.00", "worker_count": 9, "months_unpaid": 3}
    url = f"/api/v1/tasks/{task['task_id']}/actions"
    below_share = await api.http.post(url, headers=staff, json={"action": "order_to_pay", "payload": {**order, "most_owed_to_one": "2000"}})
    assert below_share.status_code == 422, below_share.text
    [error] = below_share.json()["errors"]
    assert error["field"] == "payload" and "most_owed_to_one" in error["message"]

    done = await api.http.post(url, headers=staff, json={"action": "order_to_pay", "payload": {**order, "most_owed_to_one": "3000"}})
    assert done.status_code == 200, done.text


def _today() -> str:
    return china_today().isoformat()


async def test_a_workers_action_too(api: Api) -> None:
    filed = (await api.http.post("/api/v1/cases", json=wage_arrears())).json()
    worker = {"X-Access-Code": filed["access_code"]}
    url = f"/api/v1/cases/{filed['case_no']}/actions"
    too_long = await api.http.post(url, headers=worker, json={"action": "withdraw", "payload": {"reason": "已和解" * 200}})
    assert too_long.status_code == 422, too_long.text
    assert [error["field"] for error in too_long.json()["errors"]] == ["payload.reason"]
    case = (await api.http.get(f"/api/v1/cases/{filed['case_no']}", headers=worker)).json()
    assert case["stage"] != "closed_withdrawn"

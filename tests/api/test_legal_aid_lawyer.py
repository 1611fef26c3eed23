"""The legal-aid centre's lawyer sees only the cases assigned to them (D57, Legal Aid Law Art. 43-44):
through the JSON API the mediator refers the worker, the centre's reviewer takes the referral and
grants aid, and assigns a lawyer by account. A name that is not an active lawyer of that centre is
refused, naming the centre's lawyers; once assigned, the lawyer reads the case, and another centre's
lawyer still gets 404."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from domain.china_time import china_today
from tests.api.agency_support import wait_task
from tests.api.conftest import Api
from tests.stories import wage_arrears


async def _act(api: Api, headers: dict[str, str], task: dict[str, Any], action: str, payload: dict[str, Any]) -> Any:
    return await api.http.post(f"/api/v1/tasks/{task['task_id']}/actions", headers=headers, json={"action": action, "payload": payload})


async def test_only_the_assigned_lawyer_of_the_centre_reads_the_case(api: Api) -> None:
    today = china_today().isoformat()
    filed = (await api.http.post("/api/v1/cases", json=wage_arrears())).json()
    case_no = filed["case_no"]
    mediator, reviewer = await api.token("mediator"), await api.token("aid-reviewer")
    lawyer, other_lawyer = await api.token("aid-lawyer"), await api.token("aid-lawyer-hz")
    mediate = await wait_task(api, mediator, case_no, "mediate")
    referred = await _act(api, mediator, mediate, "refer_to_legal_aid", {"on": today, "reason": "农民工追索劳动报酬"})
    assert referred.status_code == 200, referred.text
    taken = await _act(api, reviewer, await wait_task(api, reviewer, case_no, "receive_referral"), "accept_referral", {"on": today})
    assert taken.status_code == 200, taken.text
    decide = await wait_task(api, reviewer, case_no, "decide_legal_aid")
    decided = await _act(api, reviewer, decide, "record_decision", {"decided_on": today, "granted": True})
    assert decided.status_code == 200, decided.text
    assign = await wait_task(api, reviewer, case_no, "assign_lawyer")
    path = f"/api/v1/cases/{case_no}"
    assert (await api.http.get(path, headers=lawyer)).status_code == 404, "not assigned yet"

    for wrong, why in (("mediator", "not an active legal-aid lawyer"), ("aid-lawyer-hz", "belongs to another organisation"),
                       ("no-such-user", "not an active legal-aid lawyer")):
        refused = await _act(api, reviewer, assign, "record_lawyer", {"assigned_on": today, "lawyer": "韩雪", "lawyer_username": wrong})
        assert refused.status_code == 422, refused.text
        assert why in refused.text and "aid-lawyer" in refused.json()["detail"], "names this centre's lawyers"

    assigned = await _act(api, reviewer, assign, "record_lawyer", {"assigned_on": today, "lawyer": "韩雪", "lawyer_username": "aid-lawyer"})
    assert assigned.status_code == 200, assigned.text
    deadline = time.monotonic() + 10
    for _ in range(100):  # the grant is written by the workflow's activity, a moment after the answer
        answer = await api.http.get(path, headers=lawyer)
        if answer.status_code == 200 or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.1)
    assert answer.status_code == 200, answer.text
    assert answer.json()["case_no"] == case_no
    assert (await api.http.get(path, headers=other_lawyer)).status_code == 404, "another centre's lawyer"
    other_case = (await api.http.post("/api/v1/cases", json=wage_arrears())).json()["case_no"]
    assert (await api.http.get(f"/api/v1/cases/{other_case}", headers=lawyer)).status_code == 404, "only the case assigned"

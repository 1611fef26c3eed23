"""The actions a person may take are decided once: the worker's status page, the JSON API and the
case workflow's own validator agree at every point of a case; and a fact cannot be dated after
today by declaration, whichever field of an action carries the date."""

from __future__ import annotations

import asyncio
import re
import time
from datetime import timedelta
from typing import Any

from domain.actions import WorkerAction, WorkerActionKind
from domain.china_time import china_today
from domain.workflow_models import CaseView
from tests.api.conftest import Api
from tests.api.test_cases_api import _open_task
from tests.stories import wage_arrears
from tests.ui.conftest import csrf

ACTION_FORM = re.compile(r'<input type="hidden" name="action" value="(\w+)">')


async def _options(api: Api, case_no: str, code: str) -> list[str]:
    case = (await api.http.get(f"/api/v1/cases/{case_no}", headers={"X-Access-Code": code})).json()
    return [option["action"] for option in case["worker_options"]]


async def _page_actions(api: Api, case_no: str) -> list[str]:
    return ACTION_FORM.findall((await api.http.get(f"/status/{case_no}")).text)


async def _workflow_open(api: Api, case_no: str) -> list[str]:
    view = await api.env.client.get_workflow_handle(f"case/{case_no}").query("case", result_type=CaseView)
    return [option.action for option in view.worker_options]


async def _refusal(api: Api, case_no: str, kind: WorkerActionKind) -> str:
    """What the workflow's validator says of `kind` with an unreadable payload (nothing happens either way)."""
    from temporalio.client import WorkflowUpdateFailedError

    handle = api.env.client.get_workflow_handle(f"case/{case_no}")
    try:
        await handle.execute_update("worker-act", WorkerAction(action=kind, payload={"filed_on": "not a date", "reason": 7,
                                                                                      "evidence_id": 7, "on": "x"}))
    except WorkflowUpdateFailedError as exc:
        return str(getattr(exc.cause, "message", exc.cause))
    return "accepted"


async def _agree(api: Api, case_no: str, code: str, expected: list[str]) -> None:
    """Page, API and workflow offer the same actions (waiting for the projection to catch up)."""
    deadline = time.monotonic() + 15
    while (api_actions := await _options(api, case_no, code)) != expected:
        assert time.monotonic() < deadline, (api_actions, expected)
        await asyncio.sleep(0.1)
    assert await _page_actions(api, case_no) == expected
    assert await _workflow_open(api, case_no) == expected
    for kind in WorkerActionKind:
        refusal = await _refusal(api, case_no, kind) if kind.value not in expected or kind.value in PROBED else None
        if kind.value not in expected:
            assert refusal is not None and "is not open now" in refusal, (kind, refusal)
        elif refusal is not None:  # open: the validator goes on to read the payload (and refuses it)
            assert "invalid input" in refusal, (kind, refusal)


# Open actions whose payload the probe can refuse without side effects (the others take no input).
PROBED = {"choose_arbitration", "sue", "add_evidence", "withdraw", "apply_enforcement"}


async def test_page_api_and_workflow_offer_the_same_worker_actions(api: Api) -> None:
    filed = (await api.http.post("/api/v1/cases", json=wage_arrears())).json()
    case_no, code = filed["case_no"], filed["access_code"]
    token = await csrf(api.http, "/status")
    await api.http.post("/status", data={"csrf_token": token, "case_no": case_no, "access_code": code})

    # In mediation: decline it, add evidence, ask for legal aid, withdraw (the old page left out "decline").
    await _agree(api, case_no, code, ["refuse_mediation", "add_evidence", "apply_legal_aid", "withdraw"])

    # Legal aid applied: it is no longer offered, on the page or by the workflow.
    applied = await api.http.post(f"/api/v1/cases/{case_no}/actions", headers={"X-Access-Code": code},
                                  json={"action": "apply_legal_aid", "payload": {}})
    assert applied.status_code == 200, applied.text
    await _agree(api, case_no, code, ["refuse_mediation", "add_evidence", "withdraw"])

    # Mediation failed: apply for arbitration, with its last day, plus evidence and withdrawal.
    staff = await api.token("mediator")
    task = await _open_task(api, case_no, "mediate", staff)
    ended = await api.http.post(f"/api/v1/tasks/{task['task_id']}/actions", headers=staff,
                                json={"action": "record_failure", "payload": {"ended_on": china_today().isoformat(), "reason": "拒不到场"}})
    assert ended.status_code == 200, ended.text
    await _agree(api, case_no, code, ["choose_arbitration", "add_evidence", "withdraw"])


async def test_a_future_fact_is_refused_naming_its_field(api: Api) -> None:
    """An award received tomorrow would start D25/D26 early: refused, the field named, nothing recorded."""
    filed = (await api.http.post("/api/v1/cases", json=wage_arrears(preferred_channel="arbitration"))).json()
    case_no = filed["case_no"]
    clerk, arbitrator = await api.token("arb-clerk"), await api.token("arbitrator")
    today, tomorrow = china_today(), china_today() + timedelta(days=1)
    acceptance = await _open_task(api, case_no, "record_arbitration_acceptance", clerk)
    accepted = await api.http.post(f"/api/v1/tasks/{acceptance['task_id']}/actions", headers=clerk,
                                   json={"action": "record_acceptance", "payload": {"decided_on": today.isoformat(), "granted": True}})
    assert accepted.status_code == 200, accepted.text
    award_task = await _open_task(api, case_no, "record_award", arbitrator)
    clerk = arbitrator
    award: dict[str, Any] = {"awarded_on": today.isoformat(), "received_on": tomorrow.isoformat(),
                             "items": [{"kind": "wages", "claimed": "36000.00", "granted": "36000.00"}], "statement": "final"}
    refused = await api.http.post(f"/api/v1/tasks/{award_task['task_id']}/actions", headers=clerk,
                                  json={"action": "record_award", "payload": award})
    assert refused.status_code == 409, refused.text
    detail = refused.json()["detail"]
    assert "received_on" in detail and str(tomorrow) in detail and "future" in detail, detail
    case = (await api.http.get(f"/api/v1/cases/{case_no}", headers=clerk)).json()
    assert not any(event["kind"] == "award" for event in case["timeline"])
    assert any(task["task_id"] == award_task["task_id"] and task["status"] == "open" for task in case["tasks"])
